"""footage_shots: cuts found where a clip made in the test has them, to the frame, and every kind of
unreadable file refused quickly with UnreadableMedia (never another exception, never a hang)."""

from __future__ import annotations

import itertools
import os
import subprocess
import time

import numpy as np
import pytest

from filmmaker.library.shots import FootageShot, UnreadableMedia, footage_shots
from filmmaker.render.ffmpeg import ffmpeg_exe

W, H, FPS = 160, 96, 24
LENGTHS = (30, 41, 25, 52)
CUTS = (30, 71, 96)  # where shot 2, 3 and 4 begin
TOTAL = sum(LENGTHS)


def _frames(shot: int, n: int) -> list[np.ndarray]:
    """A shot's frames: its own colour and pattern, with something moving across it."""
    background = [(180, 20, 20), (120, 240, 120), (10, 10, 90), (250, 240, 80)][shot]
    yy, xx = np.mgrid[0:H, 0:W]
    base = np.empty((H, W, 3), np.uint8)
    base[:] = background
    if shot == 1:
        base[(xx // 8) % 2 == 0] = (60, 160, 60)  # stripes
    if shot == 3:
        base[((xx // 12) + (yy // 12)) % 2 == 0] = (200, 120, 40)  # checks
    frames = []
    for k in range(n):
        frame = base.copy()
        x = (k * 3) % (W - 20)
        frame[30:50, x:x + 20] = 255 - np.array(background, np.uint8)  # the moving square
        frames.append(frame)
    return frames


def _encode(path, frames, *extra: str) -> None:
    command = [ffmpeg_exe(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{W}x{H}",
               "-r", str(FPS), "-i", "-", "-c:v", "libx264", "-pix_fmt", "yuv420p", *extra, str(path)]
    subprocess.run(command, input=b"".join(f.tobytes() for f in frames), check=True, timeout=60)


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shots")
    frames = [f for shot, n in enumerate(LENGTHS) for f in _frames(shot, n)]
    _encode(folder / "four.mp4", frames)
    _encode(folder / "four-faststart.mp4", frames, "-movflags", "+faststart")  # the index first, as on the web
    _encode(folder / "one.mp4", _frames(3, 60))
    return folder


def _assert_contiguous(shots: list[FootageShot], total: int, fps: float) -> None:
    assert shots[0].start_frame == 0 and shots[-1].end_frame == total
    for a, b in itertools.pairwise(shots):
        assert a.end_frame == b.start_frame
    for shot in shots:
        assert shot.start == pytest.approx(shot.start_frame / fps) and shot.end == pytest.approx(shot.end_frame / fps)


def test_four_shots_cut_where_they_were_made(clips):
    fps, shots = footage_shots(clips / "four.mp4")
    assert fps == pytest.approx(FPS)
    assert len(shots) == 4
    for found, made in zip([s.start_frame for s in shots[1:]], CUTS):
        assert abs(found - made) <= 1
    _assert_contiguous(shots, TOTAL, fps)


def test_a_clip_without_a_cut_is_one_shot(clips):
    fps, shots = footage_shots(clips / "one.mp4")
    assert shots == [FootageShot(0, 60, 0.0, 60 / fps)]


def test_min_seconds_merges_short_shots(clips):
    _, shots = footage_shots(clips / "four.mp4", min_seconds=1.5)
    assert 1 < len(shots) < 4
    assert all(s.end - s.start >= 1.0 for s in shots)
    _assert_contiguous(shots, TOTAL, FPS)


def test_a_stream_copied_cut_is_not_mistaken_for_truncation(clips, tmp_path):
    # Cut with -c copy, the MP4 keeps the whole first GOP and an edit list: it declares more frames
    # than it plays, just as a truncated file does.
    long_gop = tmp_path / "long.mp4"
    _encode(long_gop, [f for shot, n in enumerate(LENGTHS) for f in _frames(shot, n)], "-g", "240")
    cut = tmp_path / "cut.mp4"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-ss", "2.1", "-i", str(long_gop), "-c", "copy", "-t", "3",
                    str(cut)], check=True, timeout=60)
    _, shots = footage_shots(cut)
    assert len(shots) == 3  # it spans the cuts at 2.96 s and 4 s of the original


def _unreadable(clips, tmp_path, kind: str):
    path = tmp_path / f"{kind}.mp4"
    whole = (clips / "four.mp4").read_bytes()
    faststart = (clips / "four-faststart.mp4").read_bytes()
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("INT. LAUNCH PAD - NIGHT\nThe rocket waits.\n")
    elif kind == "garbage":
        path.write_bytes(np.random.default_rng(0).integers(0, 256, 20_000, dtype=np.uint8).tobytes())
    elif kind == "truncated":  # the index comes last, so half a file has none
        path.write_bytes(whole[: len(whole) // 2])
    elif kind == "truncated-faststart":  # the index opens it; half the frames are missing
        path.write_bytes(faststart[: len(faststart) // 2])
    elif kind == "header-then-garbage":  # opens, but no frame decodes
        rng = np.random.default_rng(1)
        path.write_bytes(faststart[:3000] + rng.integers(0, 256, 7000, dtype=np.uint8).tobytes())
    elif kind == "audio-only":
        subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", "sine=d=0.5", str(path)],
                       check=True, timeout=60)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    return path  # "missing": never made


@pytest.mark.parametrize("kind", ["empty", "text", "garbage", "truncated", "truncated-faststart",
                                  "header-then-garbage", "audio-only", "fifo", "folder", "missing"])
def test_unreadable_files_raise_unreadable_media_quickly(clips, tmp_path, kind):
    path = _unreadable(clips, tmp_path, kind)
    started = time.monotonic()
    with pytest.raises(UnreadableMedia) as caught:
        footage_shots(path)
    assert time.monotonic() - started < 5
    assert str(path) in str(caught.value)
