"""Recasting the example: cold build, no-op rebuild, and a recast of one role, in one run,
through the real CLI at 1280x720.

    python benchmarks/recast.py [--role FLIGHT] [--actor june] [--preview]

Prints the three times, k (the shots the role is in) of N and the share of the film's frames
those shots hold, and the two ratios against their targets: recast / cold <= that share + 0.05,
no-op / cold <= 0.02.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build import as_installed  # benchmarks/build.py, beside this script

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "examples"
ENV = as_installed()  # as a user's build runs: with Python's bytecode cache (see build.py)


def timed(screenplay: Path, *extra: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "filmmaker", "build", str(screenplay), *extra], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - started


def role_in(screenplay: Path, role: str, extra: list[str]) -> tuple[int, int, float]:
    """k shots of N, and the share of the recast film's frames those k shots hold."""
    from filmmaker.audition import role_shots
    from filmmaker.build import build_film
    from filmmaker.plan import plan_film
    from filmmaker.screenplay import load_screenplay

    sp = load_screenplay(screenplay)
    ids = role_shots(sp, role)
    plan = plan_film(sp, preview="--preview" in extra, cast=dict([extra[-1].split("=")]))
    timing = build_film(plan, screenplay.parent / "out").timing  # cached by now: a no-op
    share = sum(timing.frames[ps.index] for ps in plan.shots if ps.id in ids) / timing.total_frames
    return len(ids), len(plan.shots), share


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
        recast_args = [*size, "--cast", f"{args.role}={args.actor}"]
        recast = timed(screenplay, *recast_args)
        k, n, share = role_in(screenplay, args.role, recast_args)
    print(f"example at {'640x360 preview' if args.preview else '1280x720'}; {args.role} -> {args.actor}, "
          f"in {k} of {n} shots, which hold {share:.0%} of the film's frames")
    print(f"cold build:    {cold:6.2f} s")
    print(f"no-op rebuild: {noop:6.2f} s   no-op / cold  = {noop / cold:.4f} (target <= 0.02)")
    print(f"recast:        {recast:6.2f} s   recast / cold = {recast / cold:.3f}  (target <= frame share + 0.05 = "
          f"{share + 0.05:.3f}; by shots, k/N + 0.05 = {k / n + 0.05:.3f})")


if __name__ == "__main__":
    main()
