"""Part files: the temp names atomic writes go through, named after the machine and process that
write them, so that what a killed process (kill -9, a power cut) left behind can be told from
what a live one is still writing, and removed without a lock.

A part file is `.<stem>.<host>-<pid>.<random>.part<ext>` (a folder of them: the same without
<ext>). Two builds of one project at once each write under their own names: a sweep removes
only the part files of processes of this machine that are gone.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from pathlib import Path

HOST = re.sub(r"[^A-Za-z0-9_]", "_", socket.gethostname())[:32] or "host"
_PART = re.compile(r"\.(?P<host>[A-Za-z0-9_]+)-(?P<pid>\d+)\.[a-z0-9_]{8}\.part(\.[^.]*)?$")


def part_prefix(stem: str) -> str:
    """The start of a part file's name for `stem`, written by this process."""
    return f".{stem}.{HOST}-{os.getpid()}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def orphaned(name: str) -> bool:
    """Whether `name` is a part file left by a process of this machine that no longer runs."""
    match = _PART.search(name) if name.startswith(".") else None
    return bool(match) and match["host"] == HOST and not _alive(int(match["pid"]))


def sweep(folders) -> list[Path]:
    """Remove the orphaned part files (and folders) directly inside each of `folders`."""
    removed = []
    for folder in folders:
        try:
            names = os.listdir(folder)
        except OSError:  # not there (yet), or not a folder: nothing to sweep
            continue
        for name in names:
            if orphaned(name):
                path = Path(folder) / name
                try:
                    if path.is_dir() and not path.is_symlink():
                        shutil.rmtree(path)
                    else:
                        path.unlink()
                except OSError:
                    continue  # gone meanwhile, or not ours to remove: left for `cache gc`
                removed.append(path)
    return removed
