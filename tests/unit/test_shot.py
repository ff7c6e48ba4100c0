"""Camera moves and frame sources."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from filmmaker.render.encoding import Encoding
from filmmaker.render.shot import CAMERA_ZOOM, ShotFrames, view_matrix
from filmmaker.screenplay.model import ANCHORS, CAMERA_MOVES

EXAMPLE_FOOTAGE = Path(__file__).resolve().parents[2] / "assets" / "examples" / "media" / "footage" / "deep-field.mp4"


@pytest.mark.parametrize("camera", CAMERA_MOVES)
@pytest.mark.parametrize("anchor", sorted(ANCHORS))
@pytest.mark.parametrize("src", [(512, 512), (1920, 800), (640, 427)])
def test_the_view_never_leaves_the_picture(camera, anchor, src):
    w, h = src
    for progress in np.linspace(0, 1, 11):
        matrix = view_matrix(camera, progress, w, h, 1280, 720, ANCHORS[anchor])
        inverse = np.linalg.inv(np.vstack([matrix, [0, 0, 1]]))
        corners = inverse @ np.array([[0, 1280, 0, 1280], [0, 0, 720, 720], [1, 1, 1, 1]])
        assert corners[0].min() >= -1e-6 and corners[0].max() <= w + 1e-6
        assert corners[1].min() >= -1e-6 and corners[1].max() <= h + 1e-6


def _gradient(w=400, h=300):
    x = np.linspace(0, 255, w, dtype=np.float32)
    y = np.linspace(0, 255, h, dtype=np.float32)
    image = np.stack([*np.meshgrid(x, y), np.full((h, w), 128, np.float32)], axis=-1)
    return image.astype(np.uint8)


ENC = Encoding(320, 180, Fraction(24))


def test_static_frames_are_identical_and_moves_change_the_picture():
    static = list(ShotFrames(ENC, 24, "static", image=_gradient()).read(0, 24))
    assert all(np.array_equal(static[0], f) for f in static)
    push = list(ShotFrames(ENC, 24, "push-in", image=_gradient()).read(0, 24))
    assert push[0].shape == (180, 320, 4)  # RGBA: the fast warp's layout
    assert not np.array_equal(push[0], push[-1])
    # a push-in magnifies by CAMERA_ZOOM: the last frame shows 1/1.15 of the first one's width
    span = lambda f: float(f[90, -1, 0]) - float(f[90, 0, 0])
    assert span(push[-1]) / span(push[0]) == pytest.approx(1 / CAMERA_ZOOM, abs=0.02)


def test_pans_travel_in_their_named_direction():
    left = list(ShotFrames(ENC, 24, "pan-left", image=_gradient()).read(0, 24))
    right = list(ShotFrames(ENC, 24, "pan-right", image=_gradient()).read(0, 24))
    centre = lambda f: float(f[:, :, 0].mean())  # red rises left to right in the source
    assert centre(left[-1]) < centre(left[0])
    assert centre(right[-1]) > centre(right[0])


def test_frames_outside_the_shot_hold_the_moves_ends():
    frames = ShotFrames(ENC, 24, "push-in", image=_gradient())
    before, first = list(frames.read(-3, 4))[::3]
    last, after = list(frames.read(23, 4))[::3]
    assert np.array_equal(before, first) and np.array_equal(last, after)


def test_footage_frames_hold_before_the_start_and_after_the_end():
    footage = ShotFrames(ENC, 24, "static", footage=EXAMPLE_FOOTAGE, footage_start=0.0)
    frames = list(footage.read(-4, 8))
    assert len(frames) == 8 and frames[0].shape == (180, 320, 4)
    assert all(np.array_equal(frames[0], f) for f in frames[:5])
    assert not np.array_equal(frames[4], frames[7])  # the footage moves
    tail = list(ShotFrames(ENC, 24, "static", footage=EXAMPLE_FOOTAGE, footage_start=7.8).read(0, 12))
    assert len(tail) == 12 and np.array_equal(tail[-1], tail[-2])  # 8 s file: held past its end
