"""32-bit float WAV written as a stream, for stems of any length.

libsndfile stamps a float WAV's PEAK chunk with the time it was written, so two builds of the
same film would differ; this writer puts only what a WAV needs (fmt, fact, data) and nothing
that changes from run to run.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

import numpy as np

IEEE_FLOAT = 3


class FloatWav:
    """`with FloatWav(path, channels, rate, frames) as wav: wav.write(block)`; the length is known
    up front (the header comes first), and checked when the file is closed."""

    def __init__(self, path: Path, channels: int, rate: int, frames: int):
        self.path, self.channels, self.rate, self.frames = path, channels, rate, frames
        self.written = 0
        self._fh: BinaryIO | None = None

    def __enter__(self) -> FloatWav:
        data = self.frames * self.channels * 4
        self._fh = open(self.path, "wb")
        self._fh.write(b"RIFF" + struct.pack("<I", 4 + 26 + 12 + 8 + data) + b"WAVE")
        self._fh.write(b"fmt " + struct.pack("<IHHIIHHH", 18, IEEE_FLOAT, self.channels, self.rate,
                                             self.rate * self.channels * 4, self.channels * 4, 32, 0))
        self._fh.write(b"fact" + struct.pack("<II", 4, self.frames))
        self._fh.write(b"data" + struct.pack("<I", data))
        return self

    def write(self, block: np.ndarray) -> None:
        block = np.ascontiguousarray(block, np.float32)
        self.written += len(block)
        self._fh.write(block.tobytes())

    def __exit__(self, exc_type, exc, tb) -> None:
        self._fh.close()
        if exc_type is None and self.written != self.frames:
            raise ValueError(f"{self.path}: {self.written} frames written where the header says {self.frames}")
