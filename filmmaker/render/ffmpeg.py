"""The one place that runs ffmpeg (the binary bundled with imageio-ffmpeg)."""

from __future__ import annotations

import subprocess
import threading
from collections import deque
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from filmmaker.errors import RenderError

if TYPE_CHECKING:
    import numpy as np

# Encoder settings shared by every segment: the concat demuxer can join them without re-encoding
# only if they all match.
X264 = ["-c:v", "libx264", "-pix_fmt", "yuv420p", "-profile:v", "high",
        "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709"]
# the fast coder: at 192 kb/s it sounds at least as good as twoloop for half the CPU (FFmpeg's AAC
# maintainer made it the default in 2018 for that reason); stated so the bytes do not follow a default
AAC = ["-c:a", "aac", "-aac_coder", "fast", "-b:a", "192k", "-ar", "48000"]


@lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise RenderError(f"ffmpeg not found ({exc}); pip install imageio-ffmpeg") from None


def run_ffmpeg(args: list[str], what: str) -> None:
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args]
    result = subprocess.run(command, capture_output=True)
    if result.returncode != 0:
        raise RenderError(f"ffmpeg failed while {what}:\n{result.stderr.decode(errors='replace')[-2000:]}")


class StderrTail:
    """Reads a running ffmpeg's stderr to its end on a thread, keeping the last few KB for an
    error message. A pipe nobody reads holds 64 KB: damaged input makes ffmpeg report every
    broken slice, and once the pipe is full it stops, waiting for us while we wait for it."""

    def __init__(self, process: subprocess.Popen, keep: int = 4000):
        self._chunks: deque[bytes] = deque()
        self._kept, self._keep = 0, keep
        self._thread = threading.Thread(target=self._read, args=(process.stderr,), daemon=True,
                                        name="ffmpeg-stderr")
        self._thread.start()

    def _read(self, stream) -> None:
        try:
            for chunk in iter(lambda: stream.read1(8192), b""):
                self._chunks.append(chunk)
                self._kept += len(chunk)
                while self._kept - len(self._chunks[0]) >= self._keep:
                    self._kept -= len(self._chunks.popleft())
        except (OSError, ValueError):  # closed under us: the process was stopped
            pass

    def text(self, timeout: float = 5.0) -> str:
        """What it said (its tail), once it has exited."""
        self._thread.join(timeout)
        return b"".join(self._chunks).decode(errors="replace")[-self._keep:]


@dataclass(frozen=True)
class MediaInfo:
    duration: float
    width: int
    height: int
    fps: float
    has_audio: bool


def probe(path: Path) -> MediaInfo:
    """Duration, size, frame rate and audio presence, through MoviePy's reader of ffmpeg's report."""
    from moviepy.video.io.ffmpeg_reader import ffmpeg_parse_infos

    try:
        info = ffmpeg_parse_infos(str(path))
    except (OSError, IndexError, KeyError) as exc:
        raise RenderError(f"{path} is not a readable video: {str(exc).splitlines()[-1][:200]}") from None
    if not info.get("video_found") or not info.get("duration"):
        raise RenderError(f"{path} has no video stream; `footage` needs a video file")
    width, height = info["video_size"]
    return MediaInfo(float(info["duration"]), int(width), int(height), float(info.get("video_fps") or 0),
                     bool(info.get("audio_found")))


def decode_audio(path: Path, rate: int = 48_000, channels: int = 2, start: float = 0.0,
                 duration: float | None = None) -> np.ndarray:
    """Any audio (or a video's sound) as float32 samples, shape (n, channels)."""
    import numpy as np

    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error"]
    if start:
        args += ["-ss", f"{start:.6f}"]
    args += ["-i", str(path)]
    if duration is not None:
        args += ["-t", f"{duration:.6f}"]
    args += ["-vn", "-ac", str(channels), "-ar", str(rate), "-f", "f32le", "-"]
    result = subprocess.run(args, capture_output=True)
    if result.returncode != 0:
        raise RenderError(f"cannot decode audio from {path}: {result.stderr.decode(errors='replace')[-500:]}")
    return np.frombuffer(result.stdout, np.float32).reshape(-1, channels).copy()


def concat_listing(files: list[tuple[Path, int]], fps: Fraction) -> str:
    """An ffconcat script joining `files` (path, frames), each held for exactly its frames."""
    lines = ["ffconcat version 1.0"]
    for path, frames in files:
        quoted = str(path).replace("'", "'\\''")
        lines += [f"file '{quoted}'", f"duration {frames * fps.denominator / fps.numerator:.9f}"]
    return "\n".join(lines) + "\n"
