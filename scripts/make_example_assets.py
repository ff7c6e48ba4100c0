"""Write the media the example screenplay uses, from public-domain/CC0 sources only.

Run from the repository root (needs the test extra for scikit-image):
    python scripts/make_example_assets.py

Outputs (all committed, licences in assets/examples/LICENSES.md):
    media/astronaut.jpg     Eileen Collins, NASA (public domain), via skimage.data.astronaut
    media/rocket.jpg        SpaceX launch photo (public domain), via skimage.data.rocket
    media/faces/eileen.jpg  a crop of astronaut.jpg
    media/faces/lav.jpg     the photographer from skimage.data.camera (CC0, Lav Varshney)
    media/footage/deep-field.mp4  a slow drift over the Hubble Deep Field (NASA, public domain)
                                  with twinkling stars, rendered here frame by frame
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np
from PIL import Image
from skimage import data

MEDIA = Path(__file__).resolve().parent.parent / "assets" / "examples" / "media"


def save_jpeg(array: np.ndarray, path: Path, quality: int = 88) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).convert("RGB").save(path, quality=quality, optimize=True)


def write_footage(path: Path, seconds: float = 8.0, fps: int = 24, size=(960, 540)) -> None:
    """A drift across the deep field plus a twinkle: real motion, deterministic, a few hundred KB."""
    field = data.hubble_deep_field()  # 872x1000 RGB
    rng = np.random.default_rng(7)
    stars = rng.integers(0, [field.shape[1], field.shape[0]], size=(60, 2))
    phases = rng.uniform(0, 2 * np.pi, 60)
    frames = int(seconds * fps)
    w, h = size
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "rawvideo",
               "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", str(fps), "-i", "-",
               "-c:v", "libx264", "-preset", "slow", "-crf", "26", "-pix_fmt", "yuv420p",
               "-movflags", "+faststart", "-fflags", "+bitexact", str(path)]
    path.parent.mkdir(parents=True, exist_ok=True)
    encoder = subprocess.Popen(command, stdin=subprocess.PIPE)
    for i in range(frames):
        t = i / frames
        frame = field.copy()
        glow = 0.5 + 0.5 * np.sin(2 * np.pi * 1.5 * i / fps + phases)
        for (x, y), g in zip(stars, glow):
            cv2.circle(frame, (int(x), int(y)), 2, (int(255 * g),) * 3, -1, cv2.LINE_AA)
        scale = 1.25 - 0.15 * t  # a slow pull-out with a drift to the right
        cx, cy = field.shape[1] * (0.4 + 0.2 * t), field.shape[0] * 0.5
        matrix = np.array([[scale * w / field.shape[1] * 1.0, 0, 0], [0, scale * h / field.shape[0] * 1.15, 0]])
        matrix[0, 2] = w / 2 - matrix[0, 0] * cx
        matrix[1, 2] = h / 2 - matrix[1, 1] * cy
        out = cv2.warpAffine(frame, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        encoder.stdin.write(out.tobytes())
    encoder.stdin.close()
    if encoder.wait() != 0:
        raise SystemExit(f"ffmpeg failed writing {path}")


def main() -> None:
    astronaut = data.astronaut()
    save_jpeg(astronaut, MEDIA / "astronaut.jpg")
    save_jpeg(data.rocket(), MEDIA / "rocket.jpg")
    save_jpeg(astronaut[20:260, 120:340], MEDIA / "faces" / "eileen.jpg")
    camera = data.camera()
    save_jpeg(np.stack([camera] * 3, axis=-1)[40:300, 150:400], MEDIA / "faces" / "lav.jpg")
    write_footage(MEDIA / "footage" / "deep-field.mp4")
    for path in sorted(MEDIA.rglob("*.*")):
        print(f"{path.relative_to(MEDIA.parent)}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
