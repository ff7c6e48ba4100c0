"""Odd footage: a single frame, an in-point that leaves no frame, a damaged stream whose decoder
complains at length. Each either builds or is refused with its position; none may hang."""

from __future__ import annotations

import random

from hostile_kit import cli, make_footage, refused, write_project


def test_one_frame_footage_builds_holding_its_frame_through_a_dissolve(tmp_path):
    """One frame of footage, with dissolves reading past both its ends (and the editor's media
    their handles): every frame beyond the footage holds its first or last one."""
    make_footage(tmp_path / "one.mp4", 1)
    path = write_project(tmp_path, """      - id: a1
        picture: {card: ONE}
        duration: 0.5
      - id: a2
        picture: {footage: one.mp4}
        camera: push-in
        duration: 0.5
        transition: {crossfade: 0.2}
      - id: a3
        picture: {card: TWO}
        duration: 0.5
        transition: {crossfade: 0.2}
""")
    result = cli("build", path, "--jobs", "1")
    assert result.code == 0, result
    assert (tmp_path / "out" / "hostile.mp4").stat().st_size > 0


def test_an_in_point_that_leaves_no_frame_is_refused_at_its_position(tmp_path):
    make_footage(tmp_path / "second.mp4", 24)  # frames at 0, 1/24, ... 23/24 s; the file lasts 1 s
    path = write_project(tmp_path, """      - id: a1
        picture: {footage: second.mp4, in: 0.99}
""")
    result = cli("build", path, "--jobs", "1")
    refused(result, f"{path}:11:44: scenes[0].shots[0].picture.in", "no frame", "second.mp4")
    assert not (tmp_path / "out").exists()


def test_damaged_footage_whose_decoder_fills_its_error_pipe_does_not_hang(tmp_path):
    """Corrupt every few bytes of a stream: ffmpeg conceals what it can and reports each broken
    slice, more than a pipe holds. The build must drain that report, not stall on it."""
    clip = make_footage(tmp_path / "clip.mp4", 480, size="320x180", gop=1000)
    data = bytearray(clip.read_bytes())
    noise = random.Random(1)
    for at in range(4096, len(data) - 8192, 13):  # the sample data; the index at the end stays whole
        data[at] = noise.randrange(256)
    (tmp_path / "damaged.mp4").write_bytes(bytes(data))
    path = write_project(tmp_path, """      - id: a1
        picture: {footage: damaged.mp4}
""")
    result = cli("build", path, "--jobs", "1", "--preview")
    assert result.code == 0, result  # built from what the decoder could conceal, and said so
    assert "damaged.mp4 is damaged" in result.stderr, result
