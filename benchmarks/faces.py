"""Face swap speed on a 1280x720 shot: the tracked pipeline (detect every second, landmarks in
between) against the same pipeline detecting on every frame, side by side in one run.

    python benchmarks/faces.py [--seconds 3]

Prints frames per second of each (target: tracked >= 15 fps on 2 cores) and their ratio
(target >= 3x). Frames are decoded beforehand: this times the swap, not the codec.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def stand_in_frames(seconds: float) -> np.ndarray:
    from filmmaker.render.ffmpeg import ffmpeg_exe

    spec = importlib.util.spec_from_file_location("make_face_footage", ROOT / "scripts" / "make_face_footage.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stand-in.mp4"
        script.render(path, seconds=seconds, size=(1280, 720))
        raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                             capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, 720, 1280, 3)


def fps(frames: np.ndarray, detect_every: int | None) -> tuple[float, int]:
    from filmmaker.backends.face import dlib_swap as engine

    actor = engine.load_actor_face(ROOT / "assets" / "examples" / "media" / "faces" / "eileen.jpg", "eileen")
    track = engine.FaceTrack(actor, 24.0, "auto", detect_every=detect_every)
    started = time.perf_counter()
    for frame in frames:
        track(frame)
    return len(frames) / (time.perf_counter() - started), track.stats.found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    frames = stand_in_frames(args.seconds)
    tracked, found_tracked = fps(frames, detect_every=None)  # the default a build uses
    every, found_every = fps(frames, detect_every=1)
    print(f"{len(frames)} frames at 1280x720")
    print(f"tracked (detect once a second):   {tracked:6.1f} fps, face in {found_tracked} frames (target >= 15 fps)")
    print(f"detect on every frame:            {every:6.1f} fps, face in {found_every} frames")
    print(f"ratio: {tracked / every:.1f}x (target >= 3x)")


if __name__ == "__main__":
    main()
