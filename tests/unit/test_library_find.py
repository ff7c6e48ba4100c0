"""The parts of `find:` that need no model: the `library:` and `find:` settings read with positions,
how long a shot needs its footage to be, how a library path is written back, and the ranking's order."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import numpy as np
import pytest
import yaml

from filmmaker.errors import ScreenplayError
from filmmaker.library.find import needed_seconds, written_path
from filmmaker.library.index import ranked
from filmmaker.library.pin import _quoted
from filmmaker.plan import LEAD_IN, TAIL
from filmmaker.screenplay import parse_screenplay

FILM = """\
title: T
library: {media: [stock], threshold: 0.4}
actors: {ada: {voice: {engine: piper, rate: 2.0}}}
cast: {HOST: ada}
scenes:
  - heading: INT. ROOM - DAY
    shots:
      - id: a
        picture: {find: a quiet room, reuse: true}
        lines: [{speaker: HOST, text: one two three four five six seven eight nine ten eleven twelve thirteen}]
      - id: b
        picture: {find: a loud street}
        duration: 4
      - id: c
        picture: {find: a field}
"""


def load(tmp_path: Path, text: str = FILM):
    (tmp_path / "stock").mkdir(exist_ok=True)
    return parse_screenplay(text, tmp_path / "film.yaml")


def test_library_and_find_are_read(tmp_path):
    sp = load(tmp_path)
    assert sp.library.media == ((tmp_path / "stock").resolve(),) and sp.library.threshold == 0.4
    shots = {shot.id: shot for _, shot in sp.shots()}
    assert shots["a"].picture.kind == "find" and shots["a"].picture.find.text == "a quiet room"
    assert shots["a"].picture.find.reuse and not shots["b"].picture.find.reuse


def test_needed_seconds_follow_the_words_the_duration_or_the_footage(tmp_path):
    shots = {shot.id: shot for _, shot in load(tmp_path).shots()}
    assert needed_seconds(load(tmp_path), shots["a"]) == pytest.approx(LEAD_IN + 13 / 2.6 / 2.0 + TAIL)
    assert needed_seconds(load(tmp_path), shots["b"]) == 4
    assert needed_seconds(load(tmp_path), shots["c"]) == 0  # no lines, no length: the footage times it


@pytest.mark.parametrize("edit, field, message", [
    ("threshold: 0.4", "library.threshold", "must be between 0 and 1"),
    ("media: [stock]", "library.media[0]", "media folder not found"),
    ("media: [stock]", "library.media", "no folders listed"),
    ("media: [stock]", "library.media", "is not a folder"),
    ("reuse: true", "scenes[0].shots[0].picture.reuse", "expected true or false"),
    ("{find: a loud street}", "scenes[0].shots[1].picture", "give exactly one of"),
    ("{find: a field}", "scenes[0].shots[2].picture.find", "expected text"),
])
def test_bad_settings_are_refused_where_they_are(tmp_path, edit, field, message):
    replacement = {"library.threshold": "threshold: 1.5", "library.media[0]": "media: [stock, ../nowhere]",
                   "library.media": "media: []" if "no folders" in message else "media: film.yaml",
                   "scenes[0].shots[0].picture.reuse": "reuse: maybe",
                   "scenes[0].shots[1].picture": "{find: a loud street, still: x.png}",
                   "scenes[0].shots[2].picture.find": "{find: [a, field]}"}[field]
    if field == "library.media[0]":
        field = "library.media[1]"
    (tmp_path / "film.yaml").write_text("")
    with pytest.raises(ScreenplayError) as caught:
        load(tmp_path, FILM.replace(edit, replacement))
    problem = next(p for p in caught.value.problems if p.field == field)
    assert message in problem.message and problem.line > 1, caught.value


def test_a_long_find_is_refused(tmp_path):
    with pytest.raises(ScreenplayError, match="describe the shot in a sentence or two"):
        load(tmp_path, FILM.replace("a field", "a field " * 100))


def test_library_paths_are_written_back_as_a_screenplay_would(tmp_path, monkeypatch):
    assert written_path(tmp_path, tmp_path / "stock" / "a b.png") == "stock/a b.png"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert written_path(tmp_path / "project", tmp_path / "home" / "footage" / "x.mp4") == "~/footage/x.mp4"
    assert written_path(tmp_path / "project", Path("/srv/archive/x.mp4")) == "/srv/archive/x.mp4"
    assert os.path.expanduser("~/footage") == str(tmp_path / "home" / "footage")


@pytest.mark.parametrize("name", ["stock/plain.png", "stock/with space.png", "stock/a: b.png", "stock/#1.png",
                                  "yes", "null", "stock/{x}.png", "stock/ünïcode, too.mp4", "'quoted'.png",
                                  "stock/a,b.png", "~/footage/x.mp4"])
def test_a_written_path_reads_back_as_itself_in_a_flow_mapping(name):
    assert yaml.safe_load("{still: " + _quoted(name) + "}") == {"still": name}


def test_ties_rank_in_library_order_and_scores_best_first():
    scores = np.array([0.2, 0.5, 0.5000000001, 0.9, 0.1], np.float32)
    assert [i for i, _ in ranked(scores)] == [3, 1, 2, 0, 4]


def test_find_is_shown_in_the_plan_of_a_film_without_a_library_as_a_problem(tmp_path):
    text = textwrap.dedent(FILM).replace("library: {media: [stock], threshold: 0.4}\n", "")
    with pytest.raises(ScreenplayError, match="add `library: {media: \\[FOLDER\\]}`"):
        load(tmp_path, text)
