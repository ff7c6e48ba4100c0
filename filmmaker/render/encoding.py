"""Encoder settings shared by every segment of a film (kept import-light for no-op rebuilds)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Encoding:
    width: int
    height: int
    fps: Fraction
    preset: str = "veryfast"
    crf: int = 20

    @property
    def gop(self) -> int:
        return max(1, round(2 * self.fps))
