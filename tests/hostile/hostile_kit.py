"""What the hostile cases share: the CLI run under a time limit, the standard a refusal must meet,
tiny screenplays, and bad media made on the spot."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI_SECONDS = 40  # one command of a case


class Result:
    def __init__(self, code: int, stdout: str, stderr: str):
        self.code, self.stdout, self.stderr = code, stdout, stderr

    def __repr__(self) -> str:
        return f"exit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def cli(*args, cwd: Path | None = None, seconds: float = CLI_SECONDS, memory: int | None = None) -> Result:
    """Run `filmmaker ARGS` as a user would; a command still running after `seconds` is killed
    (with its workers: it runs in its own process group) and the case fails as a hang. `memory`:
    bytes of address space it may take (a regression that reads a device for ever then fails
    alone, instead of taking the machine's memory)."""

    def limit() -> None:
        if memory:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    process = subprocess.Popen([sys.executable, "-m", "filmmaker", *map(str, args)], cwd=cwd or ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                               env={**os.environ, "COLUMNS": "200"}, preexec_fn=limit)
    try:
        stdout, stderr = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"filmmaker {' '.join(map(str, args))} hung (still running after {seconds} s)")
    except BaseException:  # the case's own limit, or Ctrl-C: leave no command running
        os.killpg(process.pid, signal.SIGKILL)
        raise
    return Result(process.returncode, stdout, stderr)


def refused(result: Result, *fragments: str) -> None:
    """The standard for bad input: exit 2, no traceback, a message holding every fragment."""
    assert result.code == 2, result
    assert "Traceback" not in result.stderr, result
    for fragment in fragments:
        assert fragment in result.stderr, result


HEAD = """title: Hostile
format: {width: 160, height: 90, fps: 24}
actors:
  one: {voice: {engine: espeak, model: en-us}}
cast: {ONE: one}
scenes:
  - id: a
    heading: INT. ROOM - DAY
    shots:
"""


def write_project(folder: Path, shots: str, head: str = HEAD, name: str = "film.yaml") -> Path:
    """A tiny screenplay (160x90) with the given shots under its one scene."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(head + shots)
    return path


CARD_SHOT = """      - id: a1
        picture: {card: ONE}
        duration: 0.5
"""


def ffmpeg(*args: str) -> None:
    import imageio_ffmpeg

    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args],
                   check=True, timeout=60)


def make_footage(path: Path, frames: int, size: str = "160x90", gop: int = 250) -> Path:
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=s={size}:r=24", "-frames:v", str(frames), "-pix_fmt", "yuv420p",
           "-c:v", "libx264", "-preset", "ultrafast", "-g", str(gop), str(path))
    return path


def make_image(path: Path, size: tuple[int, int] = (64, 48)) -> Path:
    from PIL import Image

    Image.new("RGB", size, (120, 90, 60)).save(path)
    return path


def png_bomb(path: Path, width: int = 40_000, height: int = 40_000) -> Path:
    """A PNG whose header claims a huge picture (1.6 gigapixels) over a few bytes of data: what a
    decompression bomb looks like to a reader that trusts the header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))
    return path
