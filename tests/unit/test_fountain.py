"""Fountain 1.1 read into script elements (with their lines and columns) and written back."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from filmmaker.errors import ScreenplayError
from filmmaker.script.elements import Element, Script
from filmmaker.script.fountain import parse_fountain, write_fountain
from filmmaker.script.read import read_script

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "scripts" / "night-shift.fountain"
P = Path("/tmp/x.fountain")


def kinds(text: str) -> list[tuple[str, str]]:
    return [(e.kind, e.text) for e in parse_fountain(text, P).elements]


def test_the_fixture_holds_every_element_with_its_position():
    script = parse_fountain(FIXTURE.read_text(), FIXTURE)
    assert dict(script.title_page)["Contact"] == "Ada Lane\nada@example.org"
    assert script.title() == "The Night Shift"
    found = {e.kind for e in script.elements}
    assert found == {"heading", "action", "character", "parenthetical", "dialogue", "lyric", "transition",
                     "centered", "note", "section", "synopsis", "page_break"}
    heading = next(e for e in script.elements if e.kind == "heading")
    assert (heading.text, heading.number, heading.pos) == ("INT. KITCHEN - NIGHT", "1", (16, 1))
    forced = [e for e in script.elements if e.kind == "heading"][-1]
    assert forced.text == "THE LAUNCH PAD" and forced.number is None
    note = next(e for e in script.elements if e.kind == "note")
    assert note.text == "Find a warmer light." and note.pos[0] == 18
    cues = [(e.text, e.extension, e.dual) for e in script.elements if e.kind == "character"]
    assert ("JONAS", "(O.S.)", False) in cues and ("MARA", None, True) in cues
    assert ("NARRATOR", "(V.O.)", False) in cues and ("MARA", "(CONT'D)", False) in cues
    assert not any("won't" in e.text for e in script.elements)  # the boneyard is ignored
    assert "Mara pours coffee into" in next(e.text for e in script.elements if e.kind == "action")  # no *stars*


@pytest.mark.parametrize("text, expected", [
    ("INT. HOUSE - DAY\n\nShe waits.", [("heading", "INT. HOUSE - DAY"), ("action", "She waits.")]),
    ("ext. field\n\nWind.", [("heading", "ext. field"), ("action", "Wind.")]),
    ("I/E CAR - MOVING\n\nRain.", [("heading", "I/E CAR - MOVING"), ("action", "Rain.")]),
    (".SPACE #4A#\n\nStars.", [("heading", "SPACE"), ("action", "Stars.")]),
    ("Wind.\n\nSMASH CUT TO:\n\nSilence.", [("action", "Wind."), ("transition", "SMASH CUT TO:"),
                                           ("action", "Silence.")]),
    ("Wind.\n\n> BURN TO WHITE.", [("action", "Wind."), ("transition", "BURN TO WHITE.")]),
    (">THE END<", [("centered", "THE END")]),
    ("!SCREAMING is heard.", [("action", "SCREAMING is heard.")]),
    ("@McCLANE\nYippee.", [("character", "McCLANE"), ("dialogue", "Yippee.")]),
    ("BOB\nOne.\nTwo.", [("character", "BOB"), ("dialogue", "One.\nTwo.")]),
    ("BOB\nOne.\n  \nTwo.", [("character", "BOB"), ("dialogue", "One.\n\nTwo.")]),
    ("~Sing it\n~Again", [("lyric", "Sing it"), ("lyric", "Again")]),
    ("A \\*star\\* and _under_.", [("action", "A *star* and under.")]),
    ("Text [[a note\nover lines]] more.", [("action", "Text\n more."), ("note", "a note over lines")]),
    ("/* gone\n\nBOB\nHi.\n*/\nKept.", [("action", "Kept.")]),
])
def test_elements(text, expected):
    assert kinds(text) == expected


def test_dual_dialogue_and_extensions():
    script = parse_fountain("BRICK\nScrew retirement.\n\nSTEEL (V.O.) (CONT'D) ^\nScrew retirement.", P)
    cue = [e for e in script.elements if e.kind == "character"][1]
    assert (cue.text, cue.extension, cue.dual) == ("STEEL", "(V.O.) (CONT'D)", True)


def test_positions_count_lines_under_a_title_page_and_boneyard():
    script = parse_fountain("Title: X\n\n/*\n\n*/\nINT. A - DAY\n\n    Indented action.", P)
    heading, action = script.elements
    assert heading.pos == (6, 1) and action.pos == (8, 5)


@pytest.mark.parametrize("text, pos", [
    ("INT. A - DAY\n\nMARA\n(softly)\n\nShe leaves.", (3, 1)),  # a cue with only a parenthetical
    ("MARA\nHi.\n\nINT. B - DAY\n\nMARA", (6, 1)),  # a known speaker's name alone: its line is missing
    ("Wind.\n\n@dave", (3, 1)),  # a forced cue alone
])
def test_a_character_cue_with_no_dialogue_is_an_error_at_the_cue(text, pos):
    with pytest.raises(ScreenplayError) as caught:
        parse_fountain(text, P)
    problem = caught.value.problems[0]
    assert (problem.line, problem.col) == pos and "character cue with no dialogue" in problem.message


def test_a_lone_capitalised_line_is_action():
    assert kinds("BANG!\n\nThe door flies open.") == [("action", "BANG!"), ("action", "The door flies open.")]


def test_written_back_it_reads_the_same():
    script = parse_fountain(FIXTURE.read_text(), FIXTURE)
    again = parse_fountain(write_fountain(script), FIXTURE)
    assert again.title_page == script.title_page and again.elements == script.elements


def test_writing_forces_what_would_be_misread():
    odd = Script(P, (), (Element("heading", "THE MOON"), Element("action", "BANG goes the door."),
                         Element("action", "LOUD."), Element("transition", "FADE TO WHITE."),
                         Element("character", "McCoy"), Element("dialogue", "Two *stars*."),
                         Element("centered", "END")))
    text = write_fountain(odd)
    assert ".THE MOON" in text and "!LOUD." in text and "> FADE TO WHITE." in text and "@McCoy" in text
    assert parse_fountain(text, P).elements == odd.elements


@pytest.mark.parametrize("data, message", [
    (b"", "empty"), (b"   \n\n", "empty"), (b"INT. A\x00\x01\x02", "binary"), (b"\xff\xfe\x00A", "binary"),
    (b"INT. CAFE - DAY\n\nCaf\xe9.", "not UTF-8"),
])
def test_bad_files_are_refused_fast_with_a_position(tmp_path, data, message):
    path = tmp_path / "bad.fountain"
    path.write_bytes(data)
    started = time.perf_counter()
    with pytest.raises(ScreenplayError) as caught:
        read_script(path)
    assert time.perf_counter() - started < 1.0
    problem = caught.value.problems[0]
    assert message in problem.message and problem.file == path.absolute()


def test_a_script_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.fountain"
    with open(path, "wb") as fh:
        fh.truncate(6_000_000)
    with pytest.raises(ScreenplayError, match="over the 5,000,000-byte limit"):
        read_script(path)
