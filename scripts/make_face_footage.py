"""Stand-in footage for face-swap tests and demos, from public-domain/CC0 faces only.

    python scripts/make_face_footage.py OUT.mp4 [--seconds 3] [--second-face]

A stand-in's head (the photographer of `skimage.data.camera()`, CC0) drifts, grows and tilts over
a background (`skimage.data.coffee()`, CC0) for a few seconds; with --second-face a second
person (`skimage.data.astronaut()`, NASA, public domain) stands still on the left. `render()`
returns, per frame, where the stand-in's head was put, for tests that need ground truth.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np


def _heads():
    from skimage import data

    camera = np.stack([data.camera()] * 3, axis=-1)[60:260, 150:300]  # the photographer's head
    astronaut = data.astronaut()[10:270, 110:350]
    return camera, astronaut


def _paste(frame: np.ndarray, head: np.ndarray, centre, scale: float, angle: float) -> None:
    """Composite `head` with a soft oval edge, scaled and rotated about its centre."""
    h, w = head.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    matrix[:, 2] += np.array(centre) - np.array([w / 2, h / 2])
    size = (frame.shape[1], frame.shape[0])
    warped = cv2.warpAffine(head, matrix, size, flags=cv2.INTER_LINEAR)
    oval = np.zeros((h, w), np.float32)
    cv2.ellipse(oval, (w // 2, h // 2), (int(w * 0.46), int(h * 0.48)), 0, 0, 360, 1.0, -1)
    alpha = cv2.warpAffine(cv2.GaussianBlur(oval, (0, 0), 6), matrix, size)[..., None]
    frame[:] = (frame * (1 - alpha) + warped * alpha).astype(np.uint8)


def render(out: Path, seconds: float = 3.0, fps: int = 24, size=(1280, 720), second_face: bool = False) -> list[dict]:
    from skimage import data

    stand_in, other = _heads()
    background = cv2.resize(cv2.GaussianBlur(data.coffee(), (0, 0), 3), size, interpolation=cv2.INTER_CUBIC)
    frames = int(seconds * fps)
    truth = []
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
               "-s", f"{size[0]}x{size[1]}", "-r", str(fps), "-i", "-", "-c:v", "libx264", "-preset", "veryfast",
               "-crf", "16", "-pix_fmt", "yuv420p", "-fflags", "+bitexact", str(out)]
    out.parent.mkdir(parents=True, exist_ok=True)
    encoder = subprocess.Popen(command, stdin=subprocess.PIPE)
    for i in range(frames):
        t = i / max(1, frames - 1)
        frame = background.copy()
        if second_face:
            _paste(frame, other, (size[0] * 0.2, size[1] * 0.5), 1.4, 0.0)
        centre = (size[0] * (0.55 + 0.15 * t), size[1] * (0.5 + 0.05 * np.sin(2 * np.pi * t)))
        scale, angle = 2.2 + 0.4 * t, 6.0 * np.sin(2 * np.pi * t)
        _paste(frame, stand_in, centre, scale, angle)
        truth.append({"centre": centre, "scale": scale, "angle": angle})
        encoder.stdin.write(frame.tobytes())
    encoder.stdin.close()
    if encoder.wait() != 0:
        raise SystemExit(f"ffmpeg failed writing {out}")
    return truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--second-face", action="store_true")
    args = parser.parse_args()
    render(args.out, args.seconds, second_face=args.second_face)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
