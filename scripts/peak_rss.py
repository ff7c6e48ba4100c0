"""Run a command and print the peak resident memory of its largest process, for memory figures.

    python scripts/peak_rss.py COMMAND [ARGS...]   ->   prints "<peak KiB> <exit code>"

It makes itself a child subreaper (Linux), so workers a command leaves behind are reaped here too,
and then reads resource.getrusage(RUSAGE_CHILDREN).ru_maxrss: the largest resident set of any
process of the command (the command itself, its workers, the encoders they ran). The command's
own output is discarded.
"""

from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import sys


def main() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass
    code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
    while True:
        try:
            os.wait()
        except ChildProcessError:
            break
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(peak // 1024 if sys.platform == "darwin" else peak, code)


if __name__ == "__main__":
    main()
