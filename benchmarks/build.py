"""Cold build and no-op rebuild of the example film, measured side by side through the real CLI,
with the encode floor: ffmpeg encoding the same frames from memory at the same settings.

    python benchmarks/build.py [--preview] [--runs N] [--jobs N]

Prints: cold build wall time / film duration (target <= 0.25 on 2 cores at 1280x720), no-op
rebuild / cold build (target <= 0.02), the encode floor / film duration, and the cold build
against the floor. Each run starts from a fresh copy of the example with an empty cache, then
rebuilds it unchanged.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "examples"
PACKAGE = EXAMPLE.parent.parent / "filmmaker"
ENV = dict(os.environ)


def as_installed() -> dict[str, str]:
    """The environment a user's build runs in: with Python's bytecode cache (a shell that sets
    PYTHONDONTWRITEBYTECODE would have every run compile the package from source, ~0.1 s each),
    the package compiled once beforehand."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-c", f"import compileall; compileall.compile_dir({str(PACKAGE)!r}, quiet=1)"],
                   check=True, env=env)
    return env


def timed_build(screenplay: Path, preview: bool, jobs: int | None) -> float:
    command = [sys.executable, "-m", "filmmaker.cli", "build", str(screenplay)] + (["--preview"] if preview else [])
    command += ["--jobs", str(jobs)] if jobs else []
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - started


def film_seconds(film: Path) -> tuple[float, int, int, int]:
    """(seconds, frames, width, height) of an MP4, read by PyAV."""
    import av

    with av.open(str(film)) as container:
        stream = container.streams.video[0]
        return float(stream.duration * stream.time_base), stream.frames, stream.width, stream.height


def encode_floor(film: Path, preview: bool) -> float:
    """Seconds for ffmpeg to encode the film's own frames, held in memory as RGB, with the settings
    a segment is encoded with (scale to BT.709, libx264, the preset and CRF, stitchable), to null."""
    from filmmaker.render.ffmpeg import X264, ffmpeg_exe

    _, frames, width, height = film_seconds(film)
    decoded = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(film), "-f", "rawvideo", "-pix_fmt", "rgb24",
                              "-"], capture_output=True, check=True).stdout
    preset = "ultrafast" if preview else "veryfast"
    command = [ffmpeg_exe(), "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
               "-framerate", "24", "-i", "-", "-vf", "scale=out_color_matrix=bt709:out_range=tv", *X264,
               "-preset", preset, "-crf", "20", "-g", "48", "-x264-params", "stitchable=1", "-f", "mp4", "-y",
               str(film.with_name("floor.mp4"))]
    started = time.perf_counter()
    subprocess.run(command, input=decoded, check=True)
    elapsed = time.perf_counter() - started
    film.with_name("floor.mp4").unlink()
    del decoded
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preview", action="store_true", help="measure the half-size preview build")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None, help="worker processes [default: the CLI's, every core]")
    args = parser.parse_args()
    ENV.clear()
    ENV.update(as_installed())
    cold, noop, floor = [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / "project"
            shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".filmmaker", "out"))
            screenplay = project / "the-launch.yaml"
            cold.append(timed_build(screenplay, args.preview, args.jobs))
            noop.append(statistics.median(timed_build(screenplay, args.preview, args.jobs) for _ in range(3)))
            film = project / "out" / "the-launch.mp4"
            length = film_seconds(film)[0]
            floor.append(encode_floor(film, args.preview))
    cold_s, noop_s, floor_s = statistics.median(cold), statistics.median(noop), statistics.median(floor)
    size = "640x360 preview" if args.preview else "1280x720"
    print(f"film: {length:.2f} s at {size}")
    print(f"cold build:    {cold_s:6.2f} s   cold / film length  = {cold_s / length:.3f}  (target <= 0.25)")
    print(f"no-op rebuild: {noop_s:6.2f} s   no-op / cold build  = {noop_s / cold_s:.4f} (target <= 0.02)")
    print(f"encode floor:  {floor_s:6.2f} s   floor / film length = {floor_s / length:.3f}")
    print(f"cold build / encode floor = {cold_s / floor_s:.2f}")


if __name__ == "__main__":
    main()
