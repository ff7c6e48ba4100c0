"""Files the page shows that the build does not write: a thumbnail per shot (a frame of its cached
picture or segment) and the scenes as a WebVTT chapters track. Each is kept under a name made of
what it shows, so it is made once."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from filmmaker.cache import atomic_write_bytes

THUMB_WIDTH = 320


def thumbnail(source: Path, folder: Path) -> Path | None:
    """A JPEG of `source` (a PNG picture, or the middle of an MP4 segment), THUMB_WIDTH wide."""
    target = folder / f"{source.stem}.jpg"
    if target.is_file():
        return target
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    try:
        if source.suffix == ".png":
            with Image.open(source) as image:
                frame = image.convert("RGB")
        else:
            frame = _middle_frame(source)
            if frame is None:
                return None
        frame.thumbnail((THUMB_WIDTH, THUMB_WIDTH))
        from io import BytesIO

        buffer = BytesIO()
        frame.save(buffer, "JPEG", quality=82)
        atomic_write_bytes(target, buffer.getvalue())
    except (OSError, ValueError):
        return None
    return target


def _middle_frame(video: Path):
    from PIL import Image

    from filmmaker.render.ffmpeg import ffmpeg_exe, probe

    try:
        seconds = probe(video).duration / 2
    except Exception:  # noqa: BLE001 - any probe failure: no thumbnail, not a broken page
        seconds = 0.0
    done = subprocess.run([ffmpeg_exe(), "-v", "error", "-ss", f"{seconds:.3f}", "-i", str(video), "-frames:v", "1",
                           "-f", "image2pipe", "-vcodec", "png", "-"], capture_output=True, timeout=30, check=False)
    if done.returncode or not done.stdout:
        return None
    from io import BytesIO

    return Image.open(BytesIO(done.stdout)).convert("RGB")


def chapters_vtt(scenes: list[dict], total: float, folder: Path) -> Path:
    """The scenes as WebVTT chapters: each from its start to the next's (the last to the film's end)."""
    lines = ["WEBVTT", ""]
    for n, scene in enumerate(scenes):
        end = scenes[n + 1]["start"] if n + 1 < len(scenes) else total
        lines += [scene["id"], f"{_stamp(scene['start'])} --> {_stamp(max(end, scene['start'] + 0.001))}",
                  scene["heading"], ""]
    text = "\n".join(lines)
    target = folder / f"chapters-{hashlib.sha256(text.encode()).hexdigest()[:16]}.vtt"
    if not target.is_file():
        atomic_write_bytes(target, text.encode())
    return target


def _stamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3_600_000:02d}:{millis // 60_000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"
