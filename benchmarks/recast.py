"""Recasting the example: cold build, no-op rebuild, and a recast of one role, in one run,
through the real CLI at 1280x720.

    python benchmarks/recast.py [--role FLIGHT] [--actor june] [--preview]

Prints the three times, k (the shots the role is in) of N, and the two ratios against their
targets: recast / cold <= k/N + 0.05, no-op / cold <= 0.02.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "examples"


def timed(screenplay: Path, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "filmmaker", "build", str(screenplay), *extra], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def role_in(screenplay: Path, role: str) -> tuple[int, int]:
    from filmmaker.audition import role_shots
    from filmmaker.screenplay import load_screenplay

    sp = load_screenplay(screenplay)
    return len(role_shots(sp, role)), sum(len(scene.shots) for scene in sp.scenes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", default="FLIGHT")
    parser.add_argument("--actor", default="june", help="who takes the role over")
    parser.add_argument("--preview", action="store_true")
    args = parser.parse_args()
    size = ["--preview"] if args.preview else []
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".filmmaker", "out"))
        screenplay = project / "the-launch.yaml"
        cold = timed(screenplay, *size)
        noop = timed(screenplay, *size)
        recast = timed(screenplay, *size, "--cast", f"{args.role}={args.actor}")
        k, n = role_in(screenplay, args.role)
    print(f"example at {'640x360 preview' if args.preview else '1280x720'}; {args.role} -> {args.actor}, "
          f"in {k} of {n} shots")
    print(f"cold build:    {cold:6.2f} s")
    print(f"no-op rebuild: {noop:6.2f} s   no-op / cold  = {noop / cold:.4f} (target <= 0.02)")
    print(f"recast:        {recast:6.2f} s   recast / cold = {recast / cold:.3f}  (target <= k/N + 0.05 = "
          f"{k / n + 0.05:.3f})")


if __name__ == "__main__":
    main()
