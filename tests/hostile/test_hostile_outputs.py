"""Odd places to write: `-o` naming a file, a folder where the film goes, a file where `media/`
goes, `say -o` a folder, `new` into a file. Each is refused before any work, with the fix, and
leaves what was there as it was."""

from __future__ import annotations

import pytest
from hostile_kit import CARD_SHOT, cli, refused, write_project


def test_build_into_a_file_is_refused(tmp_path):
    path = write_project(tmp_path, CARD_SHOT)
    (tmp_path / "notes.txt").write_text("keep me\n")
    refused(cli("build", path, "-o", tmp_path / "notes.txt", "--jobs", "1"), "notes.txt", "is a file")
    assert (tmp_path / "notes.txt").read_text() == "keep me\n"


@pytest.mark.parametrize("where", ["hostile.mp4", "cuesheet.csv", "stems/dialogue.wav"])
def test_a_folder_where_an_output_file_goes_is_refused(tmp_path, where):
    path = write_project(tmp_path, CARD_SHOT)
    (tmp_path / "out" / where).mkdir(parents=True)
    refused(cli("build", path, "--jobs", "1"), where.split("/")[-1], "is a folder")
    assert (tmp_path / "out" / where).is_dir()


def test_a_file_where_an_output_folder_goes_is_refused(tmp_path):
    path = write_project(tmp_path, CARD_SHOT)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "media").write_text("not a folder\n")
    refused(cli("export", path, "--jobs", "1"), "media", "is a file")
    assert (tmp_path / "out" / "media").read_text() == "not a folder\n"


def test_say_into_a_folder_is_refused(tmp_path):
    path = write_project(tmp_path, CARD_SHOT)
    (tmp_path / "takes").mkdir()
    refused(cli("say", "one", "Hello.", "-s", path, "-o", tmp_path / "takes"), "takes", "is a folder")
    assert list((tmp_path / "takes").iterdir()) == []


def test_say_of_an_endless_text_is_refused(tmp_path):
    path = write_project(tmp_path, CARD_SHOT)
    refused(cli("say", "one", "blah " * 20_000, "-s", path, "-o", tmp_path / "x.wav"), "4,000")
    assert not (tmp_path / "x.wav").exists()


def test_new_into_a_file_is_refused(tmp_path):
    (tmp_path / "film").write_text("keep me\n")
    refused(cli("new", tmp_path / "film"), "is a file")
    assert (tmp_path / "film").read_text() == "keep me\n"
    refused(cli("new", tmp_path / "film" / "inside"), "cannot create")
