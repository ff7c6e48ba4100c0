"""Indexing a media library and searching it by meaning.

    python benchmarks/library.py [--stills 40] [--minutes 1] [--entries 10000] [--queries 200]

Times, on this machine, with the real all-MiniLM-L6-v2 (loaded once, before the clock starts):

    index, per still:   the test library's stills (drawn, 160x90, each with a sidecar), decoded,
                        described and embedded, each file's record written (no record cached)
    index, per minute of footage: a 640x360, 24 fps clip of 12 five-second shots: every frame
                        decoded and run through PySceneDetect's content detector, each shot embedded
    query, 10,000 entries: the query embedded and scored against every entry, the top 10 ranked,
                        median of QUERIES (the entries' vectors are random unit vectors: the size is
                        what is measured)      target <= 50 ms per query: the ratio is printed
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
TARGET_MS = 50.0


def make_clip(path: Path, minutes: float, width: int = 640, height: int = 360, fps: int = 24, shot_s: float = 5.0):
    """Shots of distinct colours and patterns, each with motion inside it, piped to ffmpeg as raw frames."""
    from imageio_ffmpeg import get_ffmpeg_exe

    frames = int(minutes * 60 * fps)
    encoder = subprocess.Popen([get_ffmpeg_exe(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24",
                                "-s", f"{width}x{height}", "-r", str(fps), "-i", "-", "-c:v", "libx264",
                                "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)], stdin=subprocess.PIPE)
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:height, 0:width]
    for n in range(frames):
        shot = int(n / fps // shot_s)
        if n == 0 or int((n - 1) / fps // shot_s) != shot:
            base = rng.integers(0, 255, 3)
            stripes = rng.integers(8, 64)
        frame = np.empty((height, width, 3), np.uint8)
        band = ((x + 2 * n) // stripes) % 2
        for c in range(3):
            frame[..., c] = (base[c] * (0.6 + 0.4 * band) + (y * 40 // height)).clip(0, 255)
        encoder.stdin.write(frame.tobytes())
    encoder.stdin.close()
    encoder.wait()
    return frames / fps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stills", type=int, default=40)
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    from library_media import ITEMS, make_library

    from filmmaker.library.embed import TextEmbedder
    from filmmaker.library.index import Entry, LibraryIndex, open_index
    from filmmaker.screenplay.model import LibrarySettings

    text = TextEmbedder()
    started = time.perf_counter()
    text.encode(["warm up"])
    print(f"model: all-MiniLM-L6-v2 loaded in {time.perf_counter() - started:.2f} s (not counted below)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        stills = [item for item in ITEMS if item.kind == "still"][:args.stills]
        make_library(tmp / "stills", items=stills)
        _, report = open_index(LibrarySettings(media=(tmp / "stills",)), tmp / "state-stills")
        per_still = report.seconds / len(report.embedded)
        print(f"index, stills:   {len(report.embedded)} in {report.seconds:.2f} s = {per_still * 1000:.1f} ms per still")

        (tmp / "footage").mkdir()
        seconds = make_clip(tmp / "footage" / "reel.mp4", args.minutes)
        (tmp / "footage" / "reel.json").write_text('{"description": "a test reel of coloured stripes"}')
        index, report = open_index(LibrarySettings(media=(tmp / "footage",)), tmp / "state-footage")
        per_minute = report.seconds / (seconds / 60)
        print(f"index, footage:  {seconds:.0f} s of 640x360 footage, {len(index.entries)} shots found, in "
              f"{report.seconds:.2f} s = {per_minute:.2f} s per minute of footage "
              f"({seconds / report.seconds:.1f}x real time)")

    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((args.entries, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    entries = [Entry(Path(f"/library/{n:05d}.png"), "still", f"entry {n}", "sidecar") for n in range(args.entries)]
    big = LibraryIndex(entries, vectors, None, text)
    queries = [f"{item.query} {n}" for n, item in enumerate(ITEMS * (args.queries // len(ITEMS) + 1))][:args.queries]
    times = []
    for query in queries:
        started = time.perf_counter()
        big.search(query, top=10)
        times.append(time.perf_counter() - started)
    median = statistics.median(times) * 1000
    p95 = sorted(times)[int(0.95 * len(times))] * 1000
    print(f"query, {args.entries:,} entries: median {median:.1f} ms, p95 {p95:.1f} ms over {len(times)} queries; "
          f"target <= {TARGET_MS:.0f} ms: ratio {median / TARGET_MS:.3f}")


if __name__ == "__main__":
    main()
