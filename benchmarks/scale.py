"""Cold build, peak memory and no-op rebuild of long generated films, through the real CLI.

    python benchmarks/scale.py [--minutes 5 20 40] [--jobs N] [--seed 0]

For each length, scripts/make_long_film.py writes a film at 1280x720, 24 fps into a fresh temporary
folder, and `filmmaker build --preview` (640x360) builds it cold, then once more unchanged (the
no-op rebuild, median of 3). Each build runs under a small `python -c` wrapper that runs the CLI
as its child and prints resource.getrusage(RUSAGE_CHILDREN).ru_maxrss: the peak resident set of
the largest single process of the build (the CLI or any worker or encoder it started; the wrapper
is a child subreaper and reaps orphans too, so workers of a forkserver count). Prints a table:
film minutes (measured from the MP4), cold seconds, seconds per film-minute, peak RSS, no-op
seconds and no-op / cold; then, for the longest film against the shortest:

    seconds per film-minute, longest / shortest   (target <= 1.1: build time linear in length)
    peak RSS of the longest                       (target <= 1.5 GB: memory flat in length)
    no-op / cold of the longest                   (target <= 0.02)

--jobs N is passed to `filmmaker build` only when given, and only if the CLI has the option.
The 40-minute default takes a long time on 2 cores; `--minutes 1 2` checks the script quickly.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 4 * 3600  # a build that runs past this has hung

PEAK_RSS = ROOT / "scripts" / "peak_rss.py"  # prints "<peak RSS of the largest process, KiB> <exit code>"


def load_generator():
    """scripts/make_long_film.py, imported as a module (scripts/ is not a package)."""
    if str(ROOT / "scripts") not in sys.path:
        sys.path.insert(0, str(ROOT / "scripts"))
    import make_long_film

    return make_long_film


def cli_has_option(command: str, option: str) -> bool:
    result = subprocess.run([sys.executable, "-m", "filmmaker.cli", command, "--help"], check=False, cwd=ROOT,
                            capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})
    return option in result.stdout


def measured_build(screenplay: Path, extra: list[str]) -> tuple[float, int]:
    """Build through the CLI under the wrapper: (wall seconds, peak RSS in KiB of the largest process)."""
    command = [sys.executable, str(PEAK_RSS), sys.executable, "-m", "filmmaker.cli", "build",
               str(screenplay), "--preview", *extra]
    started = time.perf_counter()
    result = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"the measuring wrapper failed:\n{result.stderr[-3000:]}")
    peak_kib, code = map(int, result.stdout.split()[-2:])
    if code != 0:
        sys.exit(f"build of {screenplay} failed (exit {code}):\n{result.stderr[-3000:]}")
    return seconds, peak_kib


def film_minutes(film: Path) -> float:
    """The MP4's length, from its container (PyAV, the test extra; else ffmpeg through imageio-ffmpeg)."""
    try:
        import av
    except ImportError:
        import imageio_ffmpeg
        return imageio_ffmpeg.count_frames_and_secs(str(film))[1] / 60
    with av.open(str(film)) as container:
        video = container.streams.video[0]
        return float(video.duration * video.time_base) / 60


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, nargs="+", default=[5, 20, 40],
                        help="film lengths to generate and build (default 5 20 40)")
    parser.add_argument("--jobs", type=int, help="passed to `filmmaker build --jobs` (omitted when not given)")
    parser.add_argument("--seed", type=int, default=0, help="the generator's seed (default 0)")
    args = parser.parse_args()
    extra: list[str] = []
    if args.jobs is not None:
        if cli_has_option("build", "--jobs"):
            extra = ["--jobs", str(args.jobs)]
        else:
            print("note: this filmmaker build has no --jobs option; building without it")
    generator = load_generator()
    rows = []
    for minutes in sorted(args.minutes):
        with tempfile.TemporaryDirectory(prefix="filmmaker-scale-") as tmp:
            film = generator.make_long_film(minutes, Path(tmp), width=1280, height=720, fps=24, seed=args.seed)
            cold, peak_kib = measured_build(film.screenplay, extra)
            noop = statistics.median(measured_build(film.screenplay, extra)[0] for _ in range(3))
            mp4s = sorted((film.screenplay.parent / "out").glob("*.mp4"))
            actual = film_minutes(mp4s[0])
        rows.append((minutes, actual, cold, peak_kib / 1024, noop))
        print(f"  built {minutes:g} min: {actual:.2f} min of film, cold {cold:.1f} s, "
              f"peak {peak_kib / 1024:.0f} MB, no-op {noop:.2f} s", flush=True)
    print()
    print("film min | cold s  | s per film-min | peak RSS MB | no-op s | no-op/cold")
    print("---------+---------+----------------+-------------+---------+-----------")
    for _, actual, cold, peak_mb, noop in rows:
        print(f"{actual:8.2f} | {cold:7.1f} | {cold / actual:14.2f} | {peak_mb:11.0f} | {noop:7.2f} | {noop / cold:9.4f}")
    print()
    (_, short, short_cold, _, _), (_, long, long_cold, long_peak, long_noop) = rows[0], rows[-1]
    if len(rows) > 1:
        ratio = (long_cold / long) / (short_cold / short)
        print(f"s per film-min, {long:.1f} min / {short:.1f} min: {ratio:.3f}  (target <= 1.1)")
    print(f"peak RSS at {long:.1f} min: {long_peak / 1024:.2f} GB  (target <= 1.5 GB)")
    print(f"no-op / cold at {long:.1f} min: {long_noop / long_cold:.4f}  (target <= 0.02)")


if __name__ == "__main__":
    main()
