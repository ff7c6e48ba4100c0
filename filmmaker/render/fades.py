"""Fades through black: the gain of each frame and the darkening itself.

A fade over n frames is n steps of gain: a fade in runs 0, 1/n, ... (n-1)/n, so the shot's first
frame is black; a fade out runs (n-1)/n ... 0, so its last frame is black. A dip to black between
two shots is the one shot's fade out over its half of the dip and the other's fade in over the
rest (plan.ShotSpans.dissolve_split), so the cut itself falls in black.
"""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np


def fade_gain(index: int, frames: int, fade_in: int = 0, fade_out: int = 0) -> float:
    """The gain of shot-local frame `index` of a shot of `frames` that comes up from black over its
    first `fade_in` frames and goes down to black over its last `fade_out`. Frames outside the shot
    (a dissolve's or a handle's) continue the ramps: black before a fade in, black after a fade out."""
    gain = 1.0
    if fade_in:
        gain *= min(1.0, max(0.0, index / fade_in))
    if fade_out:
        gain *= min(1.0, max(0.0, (frames - 1 - index) / fade_out))
    return gain


def darken(frame: np.ndarray, gain: float) -> np.ndarray:
    """`frame` scaled by `gain` (0..1), rounded; the very frame when the gain is 1, so a still shot's
    repeated frame stays one object (the encoder converts it once)."""
    if gain >= 1.0:
        return frame
    return cv2.convertScaleAbs(frame, alpha=max(0.0, gain))


def faded(frames: Iterator[np.ndarray], first: int, count: int, fade_in: int,
          fade_out: int) -> Iterator[np.ndarray]:
    """Shot-local frames from `first` with the shot's own fades (`count`: the shot's length)."""
    for offset, frame in enumerate(frames):
        yield darken(frame, fade_gain(first + offset, count, fade_in, fade_out))


def dip_to_black(a: Iterator[np.ndarray], b: Iterator[np.ndarray], take_a: int,
                 take_b: int) -> Iterator[np.ndarray]:
    """`take_a` frames of the outgoing shot going down to black, then `take_b` of the incoming one
    coming up from it. `a` and `b` yield those frames (the last of A's, the first of B's)."""
    for i, frame in zip(range(take_a), a):
        yield darken(frame, fade_gain(i, take_a, fade_out=take_a))
    for i, frame in zip(range(take_b), b):
        yield darken(frame, fade_gain(i, take_b, fade_in=take_b))
