"""Cold build and no-op rebuild of the example film, measured side by side through the real CLI.

    python benchmarks/build.py [--preview] [--runs N]

Prints: cold build wall time / film duration (target <= 0.5 on 2 cores at 1280x720) and
no-op rebuild / cold build (target <= 0.02). Each run starts from a fresh copy of the example
with an empty cache, then rebuilds it unchanged.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "examples"


def timed_build(screenplay: Path, preview: bool) -> float:
    command = [sys.executable, "-m", "filmmaker.cli", "build", str(screenplay)] + (["--preview"] if preview else [])
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def film_seconds(screenplay: Path, preview: bool) -> float:
    """The film's length, from an in-process rebuild (a no-op: everything is cached by now)."""
    from filmmaker.build import build_film
    from filmmaker.plan import plan_film
    from filmmaker.screenplay import load_screenplay

    return build_film(plan_film(load_screenplay(screenplay), preview=preview), screenplay.parent / "out").seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preview", action="store_true", help="measure the half-size preview build")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    cold, noop = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / "project"
            shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".filmmaker", "out"))
            screenplay = project / "the-launch.yaml"
            cold.append(timed_build(screenplay, args.preview))
            noop.append(statistics.median(timed_build(screenplay, args.preview) for _ in range(3)))
            length = film_seconds(screenplay, args.preview)
    cold_s, noop_s = statistics.median(cold), statistics.median(noop)
    size = "640x360 preview" if args.preview else "1280x720"
    print(f"film: {length:.2f} s at {size}")
    print(f"cold build:    {cold_s:6.2f} s   cold / film length  = {cold_s / length:.3f}  (target <= 0.5)")
    print(f"no-op rebuild: {noop_s:6.2f} s   no-op / cold build  = {noop_s / cold_s:.4f} (target <= 0.02)")


if __name__ == "__main__":
    main()
