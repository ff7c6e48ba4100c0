"""Odd screenplays: a FIFO, a device, an endless line, a title too long for a file name, a NUL in
a path. Each is refused (or built) at once, never read for ever or crashed on."""

from __future__ import annotations

import os

import pytest
from hostile_kit import CARD_SHOT, HEAD, cli, refused, write_project


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_screenplay_that_is_a_fifo_is_refused_not_waited_on(tmp_path, command):
    fifo = tmp_path / "film.yaml"
    os.mkfifo(fifo)  # nobody will ever write to it: opening it to read would wait for ever
    refused(cli(command, fifo), str(fifo), "not a regular file")


def test_a_screenplay_that_is_an_endless_device_is_refused(tmp_path):
    link = tmp_path / "film.yaml"
    link.symlink_to("/dev/zero")  # stat says 0 bytes; reading it never ends
    refused(cli("validate", link, memory=2 << 30), "not a regular file")


def test_a_line_too_long_to_speak_is_refused_at_its_position(tmp_path):
    words = "blah " * 20_000  # 100,000 characters: about 14 minutes of synthesis
    path = write_project(tmp_path, f"""      - id: a1
        picture: {{card: ONE}}
        lines:
          - {{speaker: ONE, text: "{words}"}}
""")
    refused(cli("validate", path), f"{path}:13:34: scenes[0].shots[0].lines[0].text", "split it")


def test_a_title_longer_than_a_file_name_builds_under_a_shortened_name(tmp_path):
    title = "A Very Long Title " * 15  # 270 characters: its slug would be over the 255-byte limit
    path = write_project(tmp_path, CARD_SHOT, head=HEAD.replace("title: Hostile", f"title: {title}"))
    result = cli("build", path, "--jobs", "1")
    assert result.code == 0, result
    films = list((tmp_path / "out").glob("*.mp4"))
    assert len(films) == 1 and len(films[0].name) < 120


@pytest.mark.parametrize("field", ["still", "footage"])
def test_a_nul_in_a_path_is_refused_at_its_position(tmp_path, field):
    path = write_project(tmp_path, f"""      - id: a1
        picture: {{{field}: "media/a\\0b.png"}}
""")
    refused(cli("validate", path), f"{path}:11:", f"scenes[0].shots[0].picture.{field}", "NUL")


def test_a_nul_in_a_voice_model_path_is_refused_at_its_position(tmp_path):
    head = HEAD.replace("{engine: espeak, model: en-us}", '{engine: piper, model: "voices/a\\0b.onnx"}')
    path = write_project(tmp_path, CARD_SHOT, head=head)
    refused(cli("validate", path), f"{path}:4:", "actors.one.voice.model", "NUL")
