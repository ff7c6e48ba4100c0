"""Frames converted to BT.709 4:2:0 before the encoder agree with ffmpeg's own conversion."""

from __future__ import annotations

import subprocess

import cv2
import numpy as np
import pytest

from filmmaker.render.ffmpeg import ffmpeg_exe
from filmmaker.render.yuv import yuv420_planes

H, W = 96, 160


def _swscale(frame: np.ndarray) -> np.ndarray:
    out = subprocess.run([ffmpeg_exe(), "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{W}x{H}",
                          "-i", "-", "-vf", "scale=out_color_matrix=bt709:out_range=tv", "-pix_fmt", "yuv420p",
                          "-f", "rawvideo", "-"], input=frame.tobytes(), capture_output=True, check=True).stdout
    return np.frombuffer(out, np.uint8).astype(int)


def _ours(frame: np.ndarray, channels: int) -> np.ndarray:
    planes = yuv420_planes(cv2.cvtColor(frame, cv2.COLOR_RGB2RGBA) if channels == 4 else frame)
    assert [p.shape for p in planes] == [(H, W), (H // 2, W // 2), (H // 2, W // 2)]
    return np.concatenate([p.ravel() for p in planes]).astype(int)


def _ramps(noise: float) -> np.ndarray:
    y, x = np.mgrid[0:H, 0:W]
    frame = np.stack([x * 255 / (W - 1), y * 255 / (H - 1), (x + y) * 255 / (W + H - 2)], axis=-1)
    frame = frame + np.random.default_rng(3).normal(0, noise, frame.shape)
    frame[:8, :8], frame[-8:, -8:] = 0, 255
    return np.clip(frame, 0, 255).astype(np.uint8)


@pytest.mark.parametrize("channels", [3, 4])
def test_smooth_pictures_match_ffmpeg_to_one_code_value(channels):
    frame = _ramps(noise=0)
    ours, theirs = _ours(frame, channels), _swscale(frame)
    assert np.abs(ours - theirs).max() <= 1
    assert ours[:W].min() == 16 and ours[H * W - 1] == 235  # black and white at the video range's ends


def test_luma_matches_on_detail_where_only_the_chroma_filter_differs():
    # 4:2:0 chroma here is a 2x2 average; swscale's filter is wider, so fine colour noise differs
    frame = _ramps(noise=20)
    ours, theirs = _ours(frame, 3), _swscale(frame)
    assert np.abs(ours[:H * W] - theirs[:H * W]).max() <= 1
    assert np.abs(ours[H * W:] - theirs[H * W:]).mean() < 2
