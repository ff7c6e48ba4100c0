"""Importing and planning a feature-length Fountain script.

    python benchmarks/fountain.py [--pages 120] [--runs 5]

Makes a script of about PAGES pages by repeating the test script's scenes
(tests/fixtures/scripts/night-shift.fountain), each copy numbered, then times, median of RUNS:

    import: read + parse + convert + the YAML `filmmaker import` writes   (target <= 1 s)
    plan:   the script read with its (absent) sidecar, planned, and dry-run as `filmmaker plan` does
            (every shot's state against the cache; no line spoken yet)    (target <= 5 s)
    plan, the command: `filmmaker plan SCRIPT --json` end to end, once, interpreter start included

Pages are counted as a typeset screenplay has them: 55 lines a page, action wrapped at 61
characters, dialogue at 35, a blank line between elements.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "scripts" / "night-shift.fountain"
LINES_PER_PAGE = 55
WIDTH = {"action": 61, "dialogue": 35, "lyric": 35, "parenthetical": 25}


def pages(path: Path) -> float:
    from filmmaker.script.read import read_script

    printed = 0
    for element in read_script(path).elements:
        width = WIDTH.get(element.kind, 61)
        printed += sum(max(1, len(textwrap.wrap(line, width))) for line in element.text.split("\n"))
        printed += element.kind not in ("parenthetical", "dialogue", "lyric")  # the blank line before it
    return printed / LINES_PER_PAGE


def feature(target_pages: float, folder: Path) -> Path:
    """The test script's scenes repeated (with their own scene numbers) until it is long enough."""
    text = FIXTURE.read_text()
    title, _, body = text.partition("\n\n")
    path = folder / "feature.fountain"
    copies = 1
    while True:
        scenes = [body.replace("#1#", f"#{3 * k + 1}#").replace("#2#", f"#{3 * k + 2}#") for k in range(copies)]
        path.write_text(title + "\n\n" + "\n\n".join(scenes))
        if pages(path) >= target_pages:
            return path
        copies = max(copies + 1, int(copies * target_pages / max(pages(path), 1e-9)))


def timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=float, default=120)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from filmmaker.dryrun import dry_run
    from filmmaker.plan import plan_film
    from filmmaker.script.sidecar import load_script_screenplay
    from filmmaker.script.writeout import screenplay_yaml

    with tempfile.TemporaryDirectory() as tmp:
        script = feature(args.pages, Path(tmp))
        sp = load_script_screenplay(script)
        shots = sum(len(scene.shots) for scene in sp.scenes)
        lines = sum(len(shot.lines) for _, shot in sp.shots())
        print(f"script: {pages(script):.0f} pages, {script.stat().st_size / 1000:.0f} kB, {len(sp.scenes)} scenes, "
              f"{shots} shots, {lines} lines")
        import_s = timed(lambda: screenplay_yaml(script), args.runs)

        def plan() -> None:
            screenplay = load_script_screenplay(script)
            dry_run(plan_film(screenplay), base_cast=screenplay.cast)

        plan_s = timed(plan, max(1, args.runs // 2))
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "filmmaker.cli", "plan", str(script), "--json"], check=True,
                       capture_output=True, cwd=tmp)
        command_s = time.perf_counter() - started
    print(f"{'':24}{'seconds':>9}{'target':>9}{'/ target':>10}")
    for name, seconds, target in (("import", import_s, 1.0), ("plan", plan_s, 5.0),
                                  ("plan, the command", command_s, 5.0)):
        print(f"{name:24}{seconds:9.3f}{target:9.1f}{seconds / target:10.3f}")


if __name__ == "__main__":
    main()
