"""Odd pictures: decompression bombs, truncated and empty files, links to nothing and FIFOs named
like images. Each is refused before any work, at the position of the field that names it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile_kit import HEAD, cli, make_image, png_bomb, refused, write_project

STILL = """      - id: a1
        picture: {{still: {name}}}
        duration: 0.5
"""


def test_a_decompression_bomb_as_a_still_is_refused(tmp_path):
    png_bomb(tmp_path / "bomb.png")
    path = write_project(tmp_path, STILL.format(name="bomb.png"))
    refused(cli("build", path, "--jobs", "1"), f"{path}:11:", "scenes[0].shots[0].picture.still", "bomb.png",
            "megapixels")
    assert not (tmp_path / "out").exists()


def test_a_decompression_bomb_as_a_face_photo_is_refused(tmp_path):
    png_bomb(tmp_path / "bomb.png")
    make_image(tmp_path / "room.png")
    path = _swapping_onto_a_still(tmp_path, face="bomb.png")
    refused(cli("build", path, "--jobs", "1"), f"{path}:4:", "actors.one.face", "bomb.png", "megapixels")


def test_a_decompression_bomb_as_a_stand_in_photo_is_refused(tmp_path):
    png_bomb(tmp_path / "bomb.png")
    make_image(tmp_path / "room.png")
    path = write_project(tmp_path, """      - id: a1
        picture: {still: room.png}
        faces: {ONE: bomb.png}
        duration: 0.5
""")
    refused(cli("build", path, "--jobs", "1"), f"{path}:12:", "scenes[0].shots[0].faces.ONE", "megapixels")


@pytest.mark.parametrize("damage", ["truncated", "empty", "not an image"])
def test_a_damaged_still_is_refused_at_its_position(tmp_path, damage):
    image = make_image(tmp_path / "still.jpg", (320, 240))
    data = image.read_bytes()
    image.write_bytes({"truncated": data[:len(data) // 2], "empty": b"", "not an image": b"hello\n"}[damage])
    path = write_project(tmp_path, STILL.format(name="still.jpg"))
    refused(cli("build", path, "--jobs", "1"), f"{path}:11:26: scenes[0].shots[0].picture.still", "still.jpg")
    assert not (tmp_path / "out").exists()


def test_a_link_to_nothing_named_like_an_image_is_named_as_a_link(tmp_path):
    (tmp_path / "still.jpg").symlink_to(tmp_path / "gone.jpg")
    path = write_project(tmp_path, STILL.format(name="still.jpg"))
    result = cli("validate", path)
    refused(result, f"{path}:11:26: scenes[0].shots[0].picture.still", "symbolic link", "gone.jpg")
    assert "did you mean" not in result.stderr


def test_a_fifo_named_like_an_image_is_named_as_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "fifo.jpg")
    path = write_project(tmp_path, STILL.format(name="fifo.jpg"))
    result = cli("validate", path)
    refused(result, f"{path}:11:26: scenes[0].shots[0].picture.still", "FIFO")
    assert "did you mean" not in result.stderr and "not found" not in result.stderr


def test_a_stand_in_photo_without_a_face_is_refused_at_its_position(tmp_path):
    make_image(tmp_path / "room.png")
    make_image(tmp_path / "wall.png", (96, 96))
    path = write_project(tmp_path, """      - id: a1
        picture: {still: room.png}
        faces: {ONE: wall.png}
        duration: 0.5
""")
    refused(cli("build", path, "--jobs", "1"), f"{path}:12:", "scenes[0].shots[0].faces.ONE", "no face found",
            "wall.png")


def picture_keys(path, *options) -> dict[str, str]:
    import json

    result = cli("plan", path, "--graph", "json", *options)
    assert result.code == 0, result
    return {node["name"]: node["key"] for node in json.loads(result.stdout)["nodes"] if node["kind"] == "picture"}


def test_a_plain_still_is_one_picture_whatever_the_frame_size_or_heading(tmp_path):
    """A still's picture is the file as loaded: a preview, a full build and another scene's shot
    all use the one picture instead of making it again."""
    make_image(tmp_path / "still.png")
    path = write_project(tmp_path, STILL.format(name="still.png"))
    full, preview = picture_keys(path), picture_keys(path, "--preview")
    assert full == preview and len(full) == 1
    path.write_text(path.read_text().replace("INT. ROOM - DAY", "EXT. ROOF - NIGHT").replace("id: a1", "id: z9"))
    assert list(picture_keys(path).values()) == list(full.values())


def test_a_face_photo_without_a_face_is_refused_at_the_actor_s_face(tmp_path):
    make_image(tmp_path / "room.png")
    make_image(tmp_path / "wall.png", (96, 96))
    path = _swapping_onto_a_still(tmp_path, face="wall.png")
    refused(cli("build", path, "--jobs", "1"), f"{path}:4:", "actors.one.face", "no face found", "wall.png")


def _swapping_onto_a_still(tmp_path: Path, face: str) -> Path:
    """A one-shot film whose actor, with `face` as their photo, is swapped onto room.png."""
    head = HEAD.replace("one: {voice: {engine: espeak, model: en-us}}",
                        f"one: {{voice: {{engine: espeak, model: en-us}}, face: {face}}}")
    return write_project(tmp_path, """      - id: a1
        picture: {still: room.png}
        faces: {ONE: auto}
        duration: 0.5
""", head=head)
