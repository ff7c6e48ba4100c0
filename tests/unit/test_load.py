"""Unit tests for the screenplay loader (filmmaker.screenplay.load / yamlsafe).

Every error test pins the exact 1-based line and column and the field path of each problem,
and checks that independent mistakes are all reported by one ScreenplayError.
"""

from __future__ import annotations

import os
import shutil
import textwrap
import time
from fractions import Fraction
from pathlib import Path

import pytest
from PIL import Image

from filmmaker.errors import Problem, ScreenplayError
from filmmaker.screenplay.load import load_screenplay, parse_screenplay
from filmmaker.screenplay.model import Format, Screenplay, Transition
from filmmaker.screenplay.yamlsafe import MAX_BYTES

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "assets" / "examples" / "the-launch.yaml"
EXAMPLE_MEDIA = EXAMPLE.parent / "media"
FOOTAGE = EXAMPLE_MEDIA / "footage" / "deep-field.mp4"

FAST = 1.0  # seconds: hostile input must be refused at least this quickly


# -- helpers ---------------------------------------------------------------------------------


def _png(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), (200, 40, 40)).save(path)
    return path


def _make_media(root: Path) -> Path:
    """root/media/{still.png, face.png, clip.mp4}; returns root."""
    _png(root / "media" / "still.png")
    _png(root / "media" / "face.png")
    shutil.copyfile(FOOTAGE, root / "media" / "clip.mp4")
    return root


@pytest.fixture(scope="module")
def media_root(tmp_path_factory) -> Path:
    """A folder holding real media; tests parse screenplays 'as if' at media_root/film.yaml."""
    return _make_media(tmp_path_factory.mktemp("film"))


@pytest.fixture
def film(media_root) -> Path:
    return media_root / "film.yaml"


def parse(text: str, path: Path) -> Screenplay:
    return parse_screenplay(textwrap.dedent(text), path)


def problems(text: str, path: Path) -> list[Problem]:
    with pytest.raises(ScreenplayError) as info:
        parse(text, path)
    return info.value.problems


def where(found: list[Problem]) -> list[tuple[int, int, str]]:
    return [(p.line, p.col, p.field) for p in found]


def only(found: list[Problem]) -> Problem:
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def timed_refusal(call) -> tuple[ScreenplayError, float]:
    start = time.perf_counter()
    with pytest.raises(ScreenplayError) as info:
        call()
    return info.value, time.perf_counter() - start


VALID = """\
    title: Test film
    actors:
      genevieve:
        face: media/face.png
        voice: {model: en_US-joe-medium}
    cast:
      GENEVIEVE: genevieve
    scenes:
      - id: intro
        heading: INT. ROOM - DAY
        shots:
          - picture: {still: media/still.png}
            lines:
              - speaker: GENEVIEVE
                text: Hello.
          - picture: {footage: media/clip.mp4, in: 0.5, out: 2}
            duration: 2
    """


# -- valid screenplays -----------------------------------------------------------------------


def test_valid_screenplay_parses(film):
    sp = parse(VALID, film)
    assert sp.title == "Test film"
    assert sp.path == film
    assert sp.cast == {"GENEVIEVE": "genevieve"}
    assert [s.id for _, s in sp.shots()] == ["intro_01", "intro_02"]
    still, clip = (s.picture for _, s in sp.shots())
    assert (still.kind, still.path) == ("still", film.parent / "media" / "still.png")
    assert (clip.kind, clip.path, clip.start, clip.end) == ("footage", film.parent / "media" / "clip.mp4", 0.5, 2.0)
    assert sp.actors["genevieve"].face == film.parent / "media" / "face.png"
    assert sp.scenes[0].shots[0].lines[0].speaker == "GENEVIEVE"
    assert sp.scenes[0].shots[1].duration == 2.0


def test_example_round_trip():
    sp = load_screenplay(EXAMPLE)
    assert sp.title == "The Launch"
    assert sp.slug == "the-launch"
    assert sp.path == EXAMPLE
    assert sp.format == Format(1280, 720, Fraction(24))
    assert set(sp.actors) == {"eileen", "lav", "june"}
    assert sp.actors["eileen"].face == EXAMPLE_MEDIA / "faces" / "eileen.jpg"
    assert sp.actors["eileen"].voice.pitch == 10.25 and sp.actors["eileen"].voice.timbre == 2.5
    assert sp.actors["lav"].voice.pitch == 2 and sp.actors["lav"].voice.rate == 0.92
    assert sp.cast == {"COMMANDER": "eileen", "FLIGHT": "lav"}
    assert [sc.id for sc in sp.scenes] == ["control", "pad"]
    assert [sc.heading for sc in sp.scenes] == ["INT. MISSION CONTROL - NIGHT", "EXT. LAUNCH PAD - DAWN"]
    assert [s.id for _, s in sp.shots()] == [
        "title", "deepfield", "commander", "console", "trend", "pad-card", "rocket", "sky", "end"]
    shots = {s.id: s for _, s in sp.shots()}
    assert [s.picture.kind for s in shots.values()] == [
        "card", "footage", "still", "prompt", "prompt", "card", "still", "footage", "card"]
    assert shots["title"].picture.source == "THE LAUNCH"
    assert shots["title"].duration == 4.0 and shots["trend"].duration is None
    assert shots["title"].camera == "push-in" and shots["trend"].camera == "static"
    deep = shots["deepfield"].picture
    assert (deep.path, deep.start, deep.end) == (EXAMPLE_MEDIA / "footage" / "deep-field.mp4", 0.5, 7.5)
    assert (shots["sky"].picture.start, shots["sky"].picture.end) == (1.0, None)
    assert shots["commander"].picture.path == EXAMPLE_MEDIA / "astronaut.jpg"
    assert (shots["pad-card"].picture.background, shots["pad-card"].picture.color) == ("#1b2a3a", "#ffd9a0")
    assert shots["deepfield"].transition == Transition("crossfade", 1.0)
    assert shots["pad-card"].transition == Transition("crossfade", 0.8)
    assert shots["end"].transition == Transition("crossfade", 1.0)
    assert shots["title"].transition == Transition("cut", 0.0)
    flight = shots["commander"].lines[1]
    assert (flight.speaker, flight.parenthetical) == ("FLIGHT", "hesitant")
    assert flight.text.startswith("Commander, the second stage")
    assert len(sp.score) == 2
    calm, happy = sp.score
    assert (calm.start_shot, calm.end_shot, calm.mood, calm.volume) == ("title", "trend", "calm", 0.45)
    assert (happy.mood, happy.track, happy.fade_out, happy.fade_in) == ("happy", "happy_acoustic_1", 3.0, 1.0)
    # positions are kept for later diagnostics (found from the text: the example may be edited)
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    row = next(i for i, s in enumerate(lines) if s.strip() == "duration: 4")
    assert shots["title"].pos["duration"] == (row + 1, lines[row].index("4") + 1)
    row = next(i for i, s in enumerate(lines) if "{from: title, to: trend" in s)
    assert calm.pos["from"] == (row + 1, lines[row].index("title") + 1)


def test_example_parse_equals_load_and_str_path_works():
    by_text = parse_screenplay(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE)
    assert by_text == load_screenplay(EXAMPLE) == load_screenplay(str(EXAMPLE))


def test_shot_ids_default_to_scene_id_and_number(film):
    sp = parse("""\
        title: Defaults
        scenes:
          - id: intro
            heading: H
            shots:
              - picture: {card: one}
              - id: named
                picture: {card: two}
              - picture: {card: three}
          - heading: H2
            shots:
              - picture: {card: four}
        """, film)
    assert [sc.id for sc in sp.scenes] == ["intro", "s2"]
    assert [s.id for _, s in sp.shots()] == ["intro_01", "named", "intro_03", "s2_01"]


def test_paths_resolve_relative_to_screenplay_folder(tmp_path, monkeypatch):
    sub = tmp_path / "project" / "film"
    _png(sub / "media" / "still.png")
    _png(sub / "shared" / "face.png")
    text = """\
        title: Paths
        actors:
          a:
            face: ../film/shared/face.png
            voice: {}
        scenes:
          - heading: H
            shots:
              - picture: {still: media/still.png}
        """
    monkeypatch.chdir(tmp_path)  # a relative screenplay path is taken from the cwd
    sp = parse(text, Path("project/film/screenplay.yaml"))
    assert sp.path == sub / "screenplay.yaml"
    assert sp.root == sub
    assert sp.scenes[0].shots[0].picture.path == sub / "media" / "still.png"
    assert sp.scenes[0].shots[0].picture.source == "media/still.png"
    assert sp.actors["a"].face == sub / "shared" / "face.png"  # out of the folder and back in: still inside
    # the same text at another folder looks for the media there
    found = problems(text, tmp_path / "screenplay.yaml")
    assert where(found) == [(4, 11, "actors.a.face"), (9, 26, "scenes[0].shots[0].picture.still")]


def test_format_defaults_to_1280x720_at_24_fps(film):
    sp = parse("""\
        title: No format
        scenes:
          - heading: H
            shots:
              - picture: {prompt: a rocket at dawn}
        """, film)
    assert sp.format == Format(1280, 720, Fraction(24))
    assert (sp.format.width, sp.format.height, sp.format.fps) == (1280, 720, 24)
    shot = sp.scenes[0].shots[0]
    assert (shot.camera, shot.duration, shot.lines, shot.transition) == ("static", None, (), Transition())
    assert sp.actors == {} and sp.cast == {} and sp.score == ()


def test_partial_format_keeps_other_defaults(film):
    sp = parse("""\
        title: T
        format: {fps: 30}
        scenes:
          - heading: H
            shots:
              - picture: {card: hi}
                duration: auto
        """, film)
    assert sp.format == Format(1280, 720, Fraction(30))
    assert sp.scenes[0].shots[0].duration is None


@pytest.mark.parametrize("written, expected", [
    ("cut", Transition("cut", 0.0)),
    ("crossfade", Transition("crossfade", 1.0)),
    ("{crossfade: 0.5}", Transition("crossfade", 0.5)),
    ("{crossfade: 2}", Transition("crossfade", 2.0)),
])
def test_transition_forms(film, written, expected):
    sp = parse(f"""\
        title: T
        scenes:
          - heading: H
            shots:
              - picture: {{card: a}}
                transition: {written}
              - picture: {{card: b}}
        """, film)
    first, second = sp.scenes[0].shots
    assert first.transition == expected
    assert second.transition == Transition()


@pytest.mark.parametrize("written, col, field, message", [
    ("fades", 21, "scenes[0].shots[0].transition", "'fades' is not one of cut, crossfade, fade"),
    ("{crossfade: 20}", 33, "scenes[0].shots[0].transition.crossfade", "must be between 0.04 and 10, got 20"),
    ("{crossfade: soon}", 33, "scenes[0].shots[0].transition.crossfade", "expected a number, got text 'soon'"),
    ("[crossfade]", 21, "scenes[0].shots[0].transition", "expected a mapping of crossfade, fade, as, got a list"),
])
def test_bad_transitions(film, written, col, field, message):
    found = problems(f"""\
        title: T
        scenes:
          - heading: H
            shots:
              - picture: {{card: a}}
                transition: {written}
        """, film)
    p = only(found)
    assert (p.line, p.col, p.field) == (6, col, field)
    assert message in p.message


def test_transition_mapping_with_unknown_key(film):
    found = problems("""\
        title: T
        scenes:
          - heading: H
            shots:
              - picture: {card: a}
                transition: {crosfade: 1}
        """, film)
    assert where(found) == [(6, 22, "scenes[0].shots[0].transition.crosfade")]
    assert "did you mean 'crossfade'?" in found[0].message


# -- YAML syntax -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, line, col, message", [
    ("title: Syntax\nscenes:\n  - heading: INT. ROOM: NIGHT\n    shots: []\n", 3, 23,
     "mapping values are not allowed"),
    ('title: "Unclosed\nscenes: []\n', 3, 1, "found unexpected end of stream"),
    ("title: x\nscenes:\n  - heading: H\n   shots: []\n", 4, 4, "did not find expected '-' indicator"),
    ("title: x\nscenes:\n\t- heading: H\n", 3, 1, "found character that cannot start any token"),
    ("title: x\nscenes: [a, b\nfoo: 1\n", 3, 4, "did not find expected ',' or ']'"),
    ("title: x\n---\ntitle: y\n", 2, 1, "expected a single document"),
    ("title: *nowhere\n", 1, 8, "found undefined alias"),
])
def test_yaml_syntax_error_points_at_problem_mark(film, text, line, col, message):
    with pytest.raises(ScreenplayError) as info:
        parse_screenplay(text, film)
    p = only(info.value.problems)
    assert (p.file, p.line, p.col, p.field) == (film, line, col, "")
    assert p.message.startswith("YAML syntax error: ")
    assert message in p.message
    assert str(p) == f"{film}:{line}:{col}: {p.message}"
    assert str(info.value) == str(p)


def test_syntax_error_in_file_via_load_screenplay(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("title: ok\nscenes:\n  - heading: A: B\n", encoding="utf-8")
    with pytest.raises(ScreenplayError) as info:
        load_screenplay(path)
    assert where(info.value.problems) == [(3, 15, "")]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(film, text):
    p = only(problems(text, film))
    assert (p.line, p.col, p.field) == (1, 1, "")
    assert "the file is empty" in p.message


def test_top_level_must_be_a_mapping(film):
    p = only(problems("- title: x\n", film))
    assert (p.line, p.col, p.field) == (1, 1, "")
    assert p.message == ("expected a mapping of title, format, actors, cast, scenes, score, face_swap, imagery, music, "
                         "mix, executor, disclosure, licences, provenance, title_page, library, got a list")


def test_not_utf8_file(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ScreenplayError) as info:
        load_screenplay(path)
    p = only(info.value.problems)
    assert (p.line, p.col) == (1, 1)
    assert "not UTF-8" in p.message


def test_missing_screenplay_file(tmp_path):
    with pytest.raises(ScreenplayError) as info:
        load_screenplay(tmp_path / "nope.yaml")
    p = only(info.value.problems)
    assert (p.file, p.line, p.col) == (tmp_path / "nope.yaml", 1, 1)
    assert "cannot read file" in p.message


# -- unknown keys ----------------------------------------------------------------------------


def test_unknown_top_level_key_suggests_title(film):
    found = problems("""\
        titel: The Launch
        scenes:
          - heading: H
            shots:
              - picture: {card: hi}
        """, film)
    assert sorted(where(found)) == [(1, 1, "(top level)"), (1, 1, "titel")]
    by_field = {p.field: p.message for p in found}
    assert by_field["titel"] == ("unknown key (did you mean 'title'?); "
                                 "allowed: title, format, actors, cast, scenes, score, face_swap, imagery, music, mix, executor, "
                                 "disclosure, licences, provenance, title_page, library")
    assert by_field["(top level)"] == "missing required key 'title'"


def test_unknown_shot_key_suggests_camera(film):
    p = only(problems("""\
        title: T
        scenes:
          - heading: H
            shots:
              - picture: {card: hi}
                camra: push-in
        """, film))
    assert (p.line, p.col, p.field) == (6, 9, "scenes[0].shots[0].camra")
    assert p.message == ("unknown key (did you mean 'camera'?); "
                         "allowed: id, description, picture, camera, lines, duration, transition, fade_out, faces, notes")
    assert str(p) == f"{film}:6:9: scenes[0].shots[0].camra: {p.message}"


def test_unknown_key_without_close_match_has_no_suggestion(film):
    p = only(problems("""\
        title: T
        scenes:
          - heading: H
            zzzzzz: 1
            shots:
              - picture: {card: hi}
        """, film))
    assert (p.line, p.col, p.field) == (4, 5, "scenes[0].zzzzzz")
    assert "did you mean" not in p.message
    assert p.message == "unknown key; allowed: id, heading, number, shots"


def test_key_given_twice(film):
    p = only(problems("""\
        title: One
        title: Two
        scenes:
          - heading: H
            shots:
              - picture: {card: hi}
        """, film))
    assert (p.line, p.col, p.field) == (2, 1, "title")
    assert p.message == "given twice; keep one"


def test_unknown_keys_in_picture_voice_line_and_cue(film):
    found = problems("""\
        title: T
        actors:
          a:
            voice: {engin: piper}
        cast:
          A: a
        scenes:
          - heading: H
            shots:
              - id: x
                picture: {card: hi, colour: "#ffffff"}
                lines:
                  - {speaker: A, text: hi, parenthical: quietly}
        score:
          - {from: x, to: x, mood: calm, volum: 1}
        """, film)
    assert where(found) == [
        (4, 13, "actors.a.voice.engin"),
        (11, 29, "scenes[0].shots[0].picture.colour"),
        (13, 36, "scenes[0].shots[0].lines[0].parenthical"),
        (15, 34, "score[0].volum"),
    ]
    assert "did you mean 'engine'?" in found[0].message
    assert "did you mean 'color'?" in found[1].message
    assert "did you mean 'parenthetical'?" in found[2].message
    assert "did you mean 'volume'?" in found[3].message


# -- wrong types and values ------------------------------------------------------------------


def test_wrong_types_are_all_reported(film):
    found = problems("""\
        title: Types
        format:
          width: wide
        scenes:
          - heading: H
            shots:
              - picture: {card: hi}
                duration: "long"
                lines: "hello there"
        """, film)
    assert where(found) == [
        (3, 10, "format.width"),
        (8, 19, "scenes[0].shots[0].duration"),
        (9, 16, "scenes[0].shots[0].lines"),
    ]
    assert [p.message for p in found] == [
        "expected a whole number, got text 'wide'",
        "expected `auto` or a number of seconds, got text 'long'",
        "expected a list (items starting with '- '), got text 'hello there'",
    ]


@pytest.mark.parametrize("fmt, col, field, message", [
    ("{width: 1281}", 17, "format.width", "must be even for H.264 4:2:0, got 1281"),
    ("{height: 721}", 18, "format.height", "must be even for H.264 4:2:0, got 721"),
    ("{width: 32}", 17, "format.width", "must be between 64 and 7680, got 32"),
    ("{width: 640.5}", 17, "format.width", "expected a whole number, got number '640.5'"),
    ("{fps: 0}", 15, "format.fps", "must be between 1 and 120, got 0"),
    ("{fps: fast}", 15, "format.fps", "expected a number, got text 'fast'"),
    ("[1280, 720]", 9, "format", "expected a mapping of width, height, fps, got a list"),
    ("{size: 1}", 10, "format.size", "unknown key; allowed: width, height, fps"),
])
def test_bad_format(film, fmt, col, field, message):
    p = only(problems(f"""\
        title: T
        format: {fmt}
        scenes:
          - heading: H
            shots:
              - picture: {{card: hi}}
        """, film))
    assert (p.line, p.col, p.field) == (2, col, field)
    assert p.message == message


def test_bad_values_in_shots_and_pictures(film):
    found = problems("""\
        title: T
        scenes:
          - id: bad id!
            heading: ""
            shots:
              - picture: {card: hi, background: red}
                camera: zoom
              - picture: {footage: media/clip.mp4, in: 5, out: 2, keep_audio: maybe}
              - picture: {card: ""}
                camera: push_in
        """, film)
    assert where(found) == [
        (3, 9, "scenes[0].id"),
        (4, 14, "scenes[0].heading"),
        (6, 41, "scenes[0].shots[0].picture.background"),
        (7, 17, "scenes[0].shots[0].camera"),
        (8, 56, "scenes[0].shots[1].picture.out"),
        (8, 71, "scenes[0].shots[1].picture.keep_audio"),
        (9, 25, "scenes[0].shots[2].picture.card"),
        (10, 17, "scenes[0].shots[2].camera"),
    ]
    msgs = [p.message for p in found]
    assert "'bad id!' is not a valid id" in msgs[0]
    assert msgs[1] == "must not be empty"
    assert msgs[2] == "'red' is not a colour; write it as #RRGGBB"
    assert msgs[3] == "'zoom' is not one of static, push-in, pull-out, pan-left, pan-right"
    assert msgs[4] == "out-point 2 s must come after the in-point 5 s"
    assert msgs[5] == "expected true or false, got text 'maybe'"
    assert msgs[6] == "must not be empty"
    assert "did you mean 'push-in'?" in msgs[7]


def test_bad_actor_and_voice(film):
    found = problems("""\
        title: T
        actors:
          a:
            face: media/face.png
          b:
            voice: {engine: pipr, pitch: 20, rate: 0.1, speaker: two}
          c: nobody
        scenes:
          - heading: H
            shots:
              - picture: {card: hi}
        """, film)
    assert where(found) == [
        (4, 5, "actors.a"),
        (6, 21, "actors.b.voice.engine"),
        (6, 34, "actors.b.voice.pitch"),
        (6, 44, "actors.b.voice.rate"),
        (6, 58, "actors.b.voice.speaker"),
        (7, 6, "actors.c"),
    ]
    by_field = {p.field: p.message for p in found}
    assert by_field["actors.a"] == "missing required key 'voice'"
    assert by_field["actors.b.voice.engine"] == "'pipr' is not one of piper, espeak, coqui, kokoro (did you mean 'piper'?)"
    assert by_field["actors.b.voice.pitch"] == "must be between -12 and 12, got 20"
    assert by_field["actors.b.voice.rate"] == "must be between 0.5 and 2, got 0.1"
    assert by_field["actors.b.voice.speaker"] == "expected a whole number, got text 'two'"
    assert by_field["actors.c"].startswith("expected a mapping of face, voice, look, person, consent, got text 'nobody'")


# -- cast and speakers -----------------------------------------------------------------------


def test_speaker_not_in_cast_suggests_role(film):
    p = only(problems("""\
        title: T
        actors:
          gen:
            voice: {model: en_US-joe-medium}
        cast:
          GENEVIEVE: gen
        scenes:
          - heading: H
            shots:
              - picture: {card: hi}
              - picture: {card: there}
                lines:
                  - speaker: GENEVIVE
                    text: Hi.
        """, film))
    assert (p.line, p.col, p.field) == (13, 22, "scenes[0].shots[1].lines[0].speaker")
    assert p.message == "unknown role 'GENEVIVE' (did you mean 'GENEVIEVE'?); roles in `cast`: GENEVIEVE"
    assert str(p) == f"{film}:13:22: scenes[0].shots[1].lines[0].speaker: {p.message}"


def test_speaker_without_any_cast(film):
    found = problems("""\
        title: T
        scenes:
          - heading: H
            shots:
              - picture: {card: hi}
                lines:
                  - {speaker: NARRATOR, text: Once.}
                  - {speaker: NARRATOR}
        """, film)
    assert where(found) == [
        (7, 23, "scenes[0].shots[0].lines[0].speaker"),
        (8, 13, "scenes[0].shots[0].lines[1]"),
        (8, 23, "scenes[0].shots[0].lines[1].speaker"),
    ]
    assert found[0].message == "unknown role 'NARRATOR'; roles in `cast`: none"
    assert found[1].message == "missing required key 'text'"


def test_cast_entry_naming_missing_actor(film):
    found = problems("""\
        title: T
        actors:
          genevieve:
            voice: {model: en_US-joe-medium}
        cast:
          GENEVIEVE: genevive
          BOB: robert
        scenes:
          - heading: H
            shots:
              - picture: {card: hi}
        """, film)
    assert where(found) == [(6, 14, "cast.GENEVIEVE"), (7, 8, "cast.BOB")]
    assert found[0].message == ("actor 'genevive' is not in `actors` (did you mean 'genevieve'?); "
                                "known actors: genevieve")
    assert found[1].message == "actor 'robert' is not in `actors`; known actors: genevieve"


def test_cast_without_actors(film):
    p = only(problems("""\
        title: T
        cast: {HERO: bob}
        scenes:
          - heading: H
            shots:
              - picture: {card: hi}
        """, film))
    assert (p.line, p.col, p.field) == (2, 14, "cast.HERO")
    assert p.message == "actor 'bob' is not in `actors`; known actors: none defined"


# -- media files -----------------------------------------------------------------------------


def test_missing_asset_files(film):
    found = problems("""\
        title: T
        actors:
          genevieve:
            face: media/nobody.png
            voice: {model: en_US-joe-medium}
        scenes:
          - heading: H
            shots:
              - picture: {still: media/stil.png}
              - picture: {footage: media/missing.mp4}
        """, film)
    assert where(found) == [
        (4, 11, "actors.genevieve.face"),
        (9, 26, "scenes[0].shots[0].picture.still"),
        (10, 28, "scenes[0].shots[1].picture.footage"),
    ]
    media = film.parent / "media"
    assert found[0].message.startswith(f"file not found: 'media/nobody.png', looked for {media / 'nobody.png'}")
    assert found[1].message == (f"file not found: 'media/stil.png', looked for {media / 'stil.png'} "
                                "(did you mean 'still.png'?); paths are relative to the screenplay's folder")
    assert found[2].message.startswith(f"file not found: 'media/missing.mp4', looked for {media / 'missing.mp4'}")
    assert all("relative to the screenplay's folder" in p.message for p in found)


def test_asset_with_wrong_kind_of_file(film):
    found = problems("""\
        title: T
        scenes:
          - heading: H
            shots:
              - picture: {still: media/clip.mp4}
              - picture: {footage: media/still.png}
              - picture: {still: media}
        """, film)
    assert where(found) == [
        (5, 26, "scenes[0].shots[0].picture.still"),
        (6, 28, "scenes[0].shots[1].picture.footage"),
        (7, 26, "scenes[0].shots[2].picture.still"),
    ]
    assert found[0].message.startswith("'media/clip.mp4' does not look like an image (expected one of .bmp")
    assert found[1].message.startswith("'media/still.png' does not look like a video (expected one of .avi")
    assert "does not look like an image" in found[2].message


def test_asset_that_is_a_folder_is_named_as_one(tmp_path):
    (tmp_path / "media" / "folder.png").mkdir(parents=True)
    p = only(problems("""\
        title: T
        scenes:
          - heading: H
            shots:
              - picture: {still: media/folder.png}
        """, tmp_path / "film.yaml"))
    assert (p.line, p.col, p.field) == (5, 26, "scenes[0].shots[0].picture.still")
    assert p.message.startswith("'media/folder.png' is a folder, not a regular file")


def test_unreadable_asset_file(tmp_path):
    _make_media(tmp_path)
    locked = tmp_path / "media" / "still.png"
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as a user (root?) who can read a chmod 000 file")
        p = only(problems("""\
            title: T
            scenes:
              - heading: H
                shots:
                  - picture: {still: media/still.png}
            """, tmp_path / "film.yaml"))
        assert (p.line, p.col, p.field) == (5, 26, "scenes[0].shots[0].picture.still")
        assert p.message == f"file is not readable: {locked}; check its permissions"
    finally:
        locked.chmod(0o644)


def test_unreadable_screenplay_file(tmp_path):
    path = tmp_path / "film.yaml"
    path.write_text("title: T\n", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user (root?) who can read a chmod 000 file")
        with pytest.raises(ScreenplayError) as info:
            load_screenplay(path)
        p = only(info.value.problems)
        assert (p.line, p.col) == (1, 1)
        assert "cannot read" in p.message
    finally:
        path.chmod(0o644)


def test_screenplay_path_is_a_folder(tmp_path):
    with pytest.raises(ScreenplayError) as info:
        load_screenplay(tmp_path)
    p = only(info.value.problems)
    assert (p.file, p.line, p.col) == (tmp_path, 1, 1)


# -- ids, durations, pictures ----------------------------------------------------------------


def test_duplicate_shot_id_from_default(film):
    p = only(problems("""\
        title: T
        scenes:
          - id: a
            heading: H
            shots:
              - id: a_02
                picture: {card: one}
              - picture: {card: two}
        """, film))
    assert (p.line, p.col, p.field) == (8, 9, "scenes[0].shots[1].id")
    assert p.message.startswith("duplicate shot id 'a_02' (first used at scenes[0].shots")
    assert p.message.endswith("shot ids must be unique across the film")


def test_duplicate_shot_ids_across_scenes_all_reported(film):
    found = problems("""\
        title: T
        scenes:
          - heading: H
            shots:
              - id: same
                picture: {card: one}
              - id: other
                picture: {card: two}
          - heading: H2
            shots:
              - id: same
                picture: {card: three}
              - id: other
                picture: {card: four}
        """, film)
    assert [(p.line, p.field) for p in found] == [
        (11, "scenes[1].shots[0].id"), (13, "scenes[1].shots[1].id")]
    assert "duplicate shot id 'same'" in found[0].message
    assert "duplicate shot id 'other'" in found[1].message


def test_duplicate_shot_id_points_at_the_id_value(film):
    p = only(problems("""\
        title: T
        scenes:
          - heading: H
            shots:
              - id: same
                picture: {card: one}
          - heading: H2
            shots:
              - picture: {card: two}
                id: same
        """, film))
    assert (p.line, p.col, p.field) == (10, 13, "scenes[1].shots[0].id")


def test_duplicate_shot_id_names_the_first_shot(film):
    p = only(problems("""\
        title: T
        scenes:
          - heading: H
            shots:
              - picture: {card: zero}
              - id: same
                picture: {card: one}
              - id: same
                picture: {card: two}
        """, film))
    assert "first used at scenes[0].shots[1]" in p.message


def test_duplicate_scene_ids(film):
    found = problems("""\
        title: T
        scenes:
          - id: intro
            heading: H
            shots:
              - picture: {card: one}
          - heading: H2
            id: intro
            shots:
              - picture: {card: two}
          - id: s4
            heading: H3
            shots:
              - picture: {card: three}
          - heading: H4
            shots:
              - picture: {card: four}
        """, film)
    # a duplicate scene id also duplicates the default ids of its shots
    assert where(found) == [(8, 9, "scenes[1].id"), (10, 9, "scenes[1].shots[0].id"),
                            (15, 5, "scenes[3].id"), (17, 9, "scenes[3].shots[0].id")]
    assert found[0].message == "duplicate scene id 'intro'"
    assert found[1].message.startswith("duplicate shot id 'intro_01'")
    assert found[2].message == "duplicate scene id 's4'"
    assert found[3].message.startswith("duplicate shot id 's4_01'")


def test_non_positive_and_overlong_durations(film):
    found = problems("""\
        title: T
        scenes:
          - heading: H
            shots:
              - picture: {card: zero}
                duration: 0
              - picture: {card: negative}
                duration: -2
              - picture: {card: forever}
                duration: 3601
              - picture: {card: fine}
                duration: 0.5
        """, film)
    assert where(found) == [
        (6, 19, "scenes[0].shots[0].duration"),
        (8, 19, "scenes[0].shots[1].duration"),
        (10, 19, "scenes[0].shots[2].duration"),
    ]
    assert [p.message for p in found] == [
        "must be greater than 0, got 0",
        "must be greater than 0, got -2",
        "3601 s is longer than an hour; split the shot",
    ]


@pytest.mark.parametrize("value", [".inf", ".nan", "017", "1:30"])
def test_number_problems_do_not_contradict_themselves(film, value):
    try:
        sp = parse(f"""\
            title: T
            scenes:
              - heading: H
                shots:
                  - picture: {{card: hi}}
                    duration: {value}
            """, film)
    except ScreenplayError as exc:
        p = only(exc.problems)
        assert (p.line, p.col, p.field) == (6, 19, "scenes[0].shots[0].duration")
        assert "got number" not in p.message, p.message
    else:  # accepting a YAML 1.1 number is also fine, if it is read correctly
        assert value in ("017", "1:30")
        assert sp.scenes[0].shots[0].duration == {"017": 15.0, "1:30": 90.0}[value]


def test_picture_needs_exactly_one_kind(film):
    found = problems("""\
        title: T
        scenes:
          - heading: H
            shots:
              - picture: {}
              - picture: {still: media/still.png, prompt: a rocket}
              - picture: {card: hi, in: 2}
              - picture: "just text"
              - camera: static
        """, film)
    assert where(found) == [
        (5, 18, "scenes[0].shots[0].picture"),
        (6, 18, "scenes[0].shots[1].picture"),
        (7, 33, "scenes[0].shots[2].picture.in"),
        (8, 18, "scenes[0].shots[3].picture"),
        (9, 9, "scenes[0].shots[4]"),
    ]
    assert [p.message for p in found] == [
        "give exactly one of still, footage, card, prompt, find (got none)",
        "give exactly one of still, footage, card, prompt, find (got still, prompt)",
        "`in` does not apply to a card picture",
        found[3].message,  # checked below: the list of picture options grows
        "missing required key 'picture' (or a `description` to picture)",
    ]
    assert found[3].message.startswith("expected a mapping of still, footage, card, prompt, find, in, out, ")
    assert found[3].message.endswith(", got text 'just text'")


@pytest.mark.parametrize("picture, kind, source", [
    ("{still: media/still.png}", "still", "media/still.png"),
    ("{footage: media/clip.mp4, keep_audio: true}", "footage", "media/clip.mp4"),
    ("{card: Hello}", "card", "Hello"),
    ("{prompt: a rocket at dawn}", "prompt", "a rocket at dawn"),
])
def test_each_picture_kind_alone_is_valid(film, picture, kind, source):
    sp = parse(f"""\
        title: T
        scenes:
          - heading: H
            shots:
              - picture: {picture}
        """, film)
    pic = sp.scenes[0].shots[0].picture
    assert (pic.kind, pic.source) == (kind, source)
    assert (pic.path is not None) == (kind in ("still", "footage"))
    if kind == "footage":
        assert pic.keep_audio is True


def test_picture_anchor(film):
    sp = parse("""\
        title: T
        scenes:
          - heading: H
            shots:
              - picture: {still: media/still.png, anchor: top}
              - picture: {footage: media/clip.mp4}
        """, film)
    assert [s.picture.anchor for s in sp.scenes[0].shots] == ["top", "auto"]
    found = problems("""\
        title: T
        scenes:
          - heading: H
            shots:
              - picture: {still: media/still.png, anchor: middle}
              - picture: {card: hi, anchor: top}
        """, film)
    assert where(found) == [(5, 51, "scenes[0].shots[0].picture.anchor"),
                            (6, 37, "scenes[0].shots[1].picture.anchor")]
    assert found[0].message.startswith("'middle' is not one of auto, center, top, bottom")
    assert found[1].message == "`anchor` does not apply to a card picture"


def test_lines_and_parentheticals(film):
    sp = parse("""\
        title: T
        actors:
          a: {voice: {speaker: 3, pitch: -1.5}}
        cast: {A: a, B: a}
        scenes:
          - heading: H
            shots:
              - picture: {card: hi}
                lines:
                  - {speaker: A, text: "  One.  ", parenthetical: (softly)}
                  - speaker: B
                    text: |
                      Two
                      lines.
        """, film)
    one, two = sp.scenes[0].shots[0].lines
    assert (one.speaker, one.text, one.parenthetical) == ("A", "One.", "softly")
    assert (two.speaker, two.text, two.parenthetical) == ("B", "Two\nlines.", None)
    assert one.pos["speaker"] == (10, 23) and two.pos["text"] == (12, 19)
    assert sp.actors["a"].voice.speaker == 3 and sp.actors["a"].voice.pitch == -1.5
    assert sp.actors["a"].face is None


def test_voice_model_file_must_exist(film):
    p = only(problems("""\
        title: T
        actors:
          a:
            voice: {model: voices/narrator.onnx}
        scenes:
          - heading: H
            shots:
              - picture: {card: hi}
        """, film))
    assert (p.line, p.col, p.field) == (4, 20, "actors.a.voice.model")
    assert p.message.startswith("file not found: 'voices/narrator.onnx'")


def test_empty_scenes_and_shots(film):
    found = problems("""\
        title: T
        scenes: []
        """, film)
    assert where(found) == [(2, 9, "scenes")]
    assert found[0].message == "a film needs at least one scene"
    found = problems("""\
        title: T
        scenes:
          - heading: H
            shots: []
          - shots:
              - picture: {card: hi}
        """, film)
    assert where(found) == [(4, 12, "scenes[0].shots"), (5, 5, "scenes[1]")]
    assert found[0].message == "a scene needs at least one shot"
    assert found[1].message == "missing required key 'heading'"


def test_missing_scenes_and_title(film):
    found = problems("format: {fps: 25}\n", film)
    assert where(found) == [(1, 1, "(top level)"), (1, 1, "(top level)")]
    assert sorted(p.message for p in found) == [
        "missing required key 'scenes'", "missing required key 'title'"]


# -- score -----------------------------------------------------------------------------------


def test_score_cue_problems(film):
    found = problems("""\
        title: T
        scenes:
          - heading: H
            shots:
              - id: title
                picture: {card: one}
              - id: trend
                picture: {card: two}
        score:
          - {from: trend, to: title, mood: calm}
          - {from: titel, to: trend, mood: calm}
          - {from: title, to: title}
          - {from: title, to: trend, mood: happy, track: t, file: missing.wav}
          - {from: trend, to: nowhere, track: t, mood: sleepy}
        """, film)
    assert where(found) == [
        (10, 23, "score[0].to"),
        (11, 12, "score[1].from"),
        (12, 5, "score[2]"),
        (13, 5, "score[3]"),
        (13, 59, "score[3].file"),
        (14, 23, "score[4].to"),
        (14, 48, "score[4].mood"),
    ]
    msgs = [p.message for p in found]
    assert msgs[0] == "the cue's range is empty: shot 'title' comes before 'trend'; swap `from` and `to`"
    assert msgs[1] == "no shot or scene with id 'titel' (did you mean 'title'?)"
    assert msgs[2] == ("give exactly one source: `mood` (from the stock library), `file` (your own audio), "
                       "`generate` (a prompt for MusicGen) or `song` (sung lyrics)")
    assert msgs[3] == msgs[2]
    assert msgs[4].startswith("file not found: 'missing.wav'")
    assert msgs[5] == "no shot or scene with id 'nowhere'"
    assert msgs[6].startswith("'sleepy' is not one of calm, energetic, happy, nostalgic, tender")


def test_score_cue_range_across_scenes_and_single_shot(film):
    sp = parse("""\
        title: T
        scenes:
          - id: a
            heading: H
            shots:
              - picture: {card: one}
          - id: b
            heading: H2
            shots:
              - picture: {card: two}
        score:
          - {from: a_01, to: b_01, mood: calm}
          - {from: b_01, to: b_01, mood: tender, track: x, volume: 1.5, fade_in: 0, fade_out: 0}
        """, film)
    first, second = sp.score
    assert (first.start_shot, first.end_shot, first.mood, first.volume) == ("a_01", "b_01", "calm", 0.5)
    assert (first.fade_in, first.fade_out) == (1.0, 2.0)
    assert (second.track, second.volume, second.fade_in, second.fade_out) == ("x", 1.5, 0.0, 0.0)
    found = problems("""\
        title: T
        scenes:
          - id: a
            heading: H
            shots:
              - picture: {card: one}
          - id: b
            heading: H2
            shots:
              - picture: {card: two}
        score:
          - {from: b_01, to: a_01, mood: calm}
        """, film)
    assert where(found) == [(12, 22, "score[0].to")]


def test_score_track_needs_a_mood(tmp_path):
    (tmp_path / "music").mkdir()
    (tmp_path / "music" / "theme.wav").write_bytes(b"RIFF")
    p = only(problems("""\
        title: T
        scenes:
          - heading: H
            shots:
              - picture: {card: one}
        score:
          - {from: s1_01, to: s1_01, file: music/theme.wav, track: x}
        """, tmp_path / "film.yaml"))
    assert (p.line, p.col, p.field) == (7, 60, "score[0].track")
    assert p.message == "`track` picks within a `mood`; add a mood"


# -- all problems at once --------------------------------------------------------------------


def test_three_independent_mistakes_are_reported_together(film):
    with pytest.raises(ScreenplayError) as info:
        parse("""\
            titel: Three mistakes
            scenes:
              - heading: H
                shots:
                  - picture: {card: hi}
                    duration: 0
                    camra: push-in
            """, film)
    found = info.value.problems
    assert where(found) == [
        (1, 1, "titel"),
        (1, 1, "(top level)"),
        (6, 19, "scenes[0].shots[0].duration"),
        (7, 9, "scenes[0].shots[0].camra"),
    ]
    assert str(info.value).splitlines() == [str(p) for p in found]


def test_many_mistakes_across_sections_are_sorted_by_position(film):
    found = problems("""\
        title: Everything wrong
        format: {width: 1279, fps: 500}
        actors:
          gen:
            face: media/gen.png
            voice: {rate: 9}
        cast:
          GENEVIEVE: gene
        scenes:
          - heading: H
            shots:
              - id: one
                picture: {still: media/nope.png}
                duration: -1
                lines:
                  - speaker: GENEVIVE
                    text: Hi.
              - id: one
                picture: {card: hi}
                transition: {crossfade: 0}
        score:
          - {from: two, to: one, mood: calm}
        """, film)
    assert where(found) == [
        (2, 17, "format.width"),
        (2, 28, "format.fps"),
        (5, 11, "actors.gen.face"),
        (6, 19, "actors.gen.voice.rate"),
        (8, 14, "cast.GENEVIEVE"),
        (13, 26, "scenes[0].shots[0].picture.still"),
        (14, 19, "scenes[0].shots[0].duration"),
        (16, 22, "scenes[0].shots[0].lines[0].speaker"),
        (18, 13, "scenes[0].shots[1].id"),
        (20, 33, "scenes[0].shots[1].transition.crossfade"),
        (22, 12, "score[0].from"),
    ]
    assert all(p.file == film for p in found)


# -- hostile input ---------------------------------------------------------------------------


@pytest.mark.parametrize("tagged", [
    '!!python/object/apply:os.system ["echo hi"]',
    "!!python/name:os.system",
    '!!python/object/new:os.system ["echo hi"]',
    "!!python/module:os",
])
def test_python_tags_are_refused(film, tagged, capfd):
    text = f"title: {tagged}\nscenes: []\n"
    err, seconds = timed_refusal(lambda: parse_screenplay(text, film))
    assert seconds < FAST
    p = only(err.problems)
    assert (p.line, p.col, p.field) == (1, 8, "")
    assert p.message.startswith("tag 'tag:yaml.org,2002:python/")
    assert "is not allowed: a screenplay holds only plain data" in p.message
    assert "hi" not in capfd.readouterr().out


def test_python_tag_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    text = f'title: T\nscenes:\n  - !!python/object/apply:os.system ["touch {marker}"]\n'
    err, seconds = timed_refusal(lambda: parse_screenplay(text, tmp_path / "film.yaml"))
    assert seconds < FAST
    assert where(err.problems) == [(3, 5, "")]
    assert not marker.exists()


@pytest.mark.parametrize("text, col, tag", [
    ("title: !secret x\n", 8, "!secret"),
    ("title: !!binary aGk=\n", 8, "tag:yaml.org,2002:binary"),
    ("title: !!set {a, b}\n", 8, "tag:yaml.org,2002:set"),
])
def test_other_tags_are_refused(film, text, col, tag):
    p = only(problems(text, film))
    assert (p.line, p.col) == (1, col)
    assert p.message.startswith(f"tag {tag!r} is not allowed")


def test_standard_tags_are_allowed(film):
    sp = parse("""\
        title: !!str 2024
        scenes:
          - heading: H
            shots:
              - picture: {card: !!str 12}
                duration: !!float 2
        """, film)
    assert sp.title == "2024"
    assert sp.scenes[0].shots[0].picture.source == "12"
    assert sp.scenes[0].shots[0].duration == 2.0


def test_billion_laughs_is_refused_quickly(film):
    lines = ['lol0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        lines.append(f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    text = "\n".join(lines) + "\ntitle: boom\nscenes: *l8\n"
    err, seconds = timed_refusal(lambda: parse_screenplay(text, film))
    assert seconds < FAST
    p = only(err.problems)
    # lol0 holds 11 values, lol1 111, ... lol5 is the first over 200,000 (1,111,111)
    assert (p.line, p.col, p.field) == (6, 7, "")
    assert "through aliases (an alias bomb?)" in p.message
    assert "200,000" in p.message


def test_too_many_aliases_is_refused(film):
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 101) + "]\n"
    err, seconds = timed_refusal(lambda: parse_screenplay(text, film))
    assert seconds < FAST
    p = only(err.problems)
    assert (p.line, p.col, p.field) == (2, 405, "")
    assert p.message == "more than 100 aliases (*name); write the values out instead"


def test_a_few_aliases_are_fine(film):
    sp = parse("""\
        title: T
        scenes:
          - heading: &h INT. ROOM
            shots:
              - &shot {picture: {card: hi}}
          - heading: *h
            shots: [*shot]
        """, film)
    assert [sc.heading for sc in sp.scenes] == ["INT. ROOM", "INT. ROOM"]
    assert [s.id for _, s in sp.shots()] == ["s1_01", "s2_01"]


def test_oversized_file_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("title: big\n" + "# padding\n" * 110_000, encoding="utf-8")
    assert path.stat().st_size > 1_000_000
    err, seconds = timed_refusal(lambda: load_screenplay(path))
    assert seconds < FAST
    p = only(err.problems)
    assert (p.file, p.line, p.col, p.field) == (path, 1, 1, "")
    assert p.message == (f"file is {path.stat().st_size:,} bytes, over the 1,000,000-byte limit for a "
                         "screenplay; split it or move long text out")


def test_oversized_text_is_refused(film):
    text = "title: big\n" + "x" * MAX_BYTES
    err, seconds = timed_refusal(lambda: parse_screenplay(text, film))
    assert seconds < FAST
    p = only(err.problems)
    assert (p.line, p.col) == (1, 1)
    assert "over the 1,000,000-byte limit" in p.message


def test_oversized_multibyte_text_is_measured_in_bytes(film):
    text = "title: " + "\u00e9" * 500_000 + "\n"  # 500,008 characters, 1,000,008 bytes
    p = only(timed_refusal(lambda: parse_screenplay(text, film))[0].problems)
    assert "over the 1,000,000-byte limit" in p.message


def test_file_exactly_at_the_limit_is_read(tmp_path, film):
    path = tmp_path / "film.yaml"
    body = "title: T\nscenes:\n  - heading: H\n    shots:\n      - picture: {card: hi}\n"
    path.write_text(body + "#" * (MAX_BYTES - len(body) - 1) + "\n", encoding="utf-8")
    assert path.stat().st_size == MAX_BYTES
    start = time.perf_counter()
    sp = load_screenplay(path)
    assert time.perf_counter() - start < FAST
    assert sp.title == "T"


def test_absurd_flow_nesting_is_refused_quickly(film):
    err, seconds = timed_refusal(lambda: parse_screenplay("[" * 10000, film))
    assert seconds < FAST
    p = only(err.problems)
    assert p.line == 1
    assert "nesting" in p.message.lower()


@pytest.mark.parametrize("text, col", [
    ("[" * 40 + "]" * 40, 33),
    ("[" * 999, 33),
    ("{a: " * 50 + "x" + "}" * 50, 129),
    ("- " * 10000 + "x\n", 65),
])
def test_nesting_deeper_than_32_levels(film, text, col):
    err, seconds = timed_refusal(lambda: parse_screenplay(text, film))
    assert seconds < FAST
    p = only(err.problems)
    assert (p.line, p.col, p.field) == (1, col, "")
    assert p.message == ("nesting deeper than 32 levels; a screenplay never needs that, "
                         "check the indentation")


def test_block_nesting_deeper_than_32_levels(film):
    text = "title: T\nscenes:\n" + "".join("  " * i + "- \n" for i in range(1, 40))
    p = only(problems(text, film))
    # the top mapping is depth 1 and the list opened on line 3 depth 2, so line k opens depth
    # k - 1: depth 33 is opened on line 34 by the "-" after 32 * 2 spaces
    assert (p.line, p.col, p.field) == (34, 65, "")
    assert p.message.startswith("nesting deeper than 32 levels")


@pytest.mark.parametrize("char", ["\x00", "\x07"])
def test_control_character_is_a_problem_not_a_crash(film, char):
    text = f"title: a{char}b\nscenes: []\n"
    with pytest.raises(ScreenplayError) as info:
        parse_screenplay(text, film)
    p = only(info.value.problems)
    assert (p.line, p.col) == (1, 9)


def test_lone_surrogate_is_a_problem_not_a_crash(film):
    with pytest.raises(ScreenplayError) as info:
        parse_screenplay("title: a\ud800b\nscenes: []\n", film)
    assert info.value.problems[0].line == 1


def test_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbftitle: BOM\nscenes:\n  - heading: H\n    shots:\n      - picture: {card: hi}\n")
    assert load_screenplay(path).title == "BOM"


def test_faces_and_face_swap_options(tmp_path):
    (tmp_path / "a.png").write_bytes(b"")
    from PIL import Image

    Image.new("RGB", (8, 8)).save(tmp_path / "a.png")
    text = textwrap.dedent("""\
        title: Faces
        face_swap: {landmarks: 5}
        actors: {a: {face: a.png, voice: {}}}
        cast: {HERO: a}
        scenes:
          - heading: H
            shots:
              - {picture: {still: a.png}, faces: {HERO: right}}
              - {picture: {card: hi}, faces: {HERO: auto}}
              - {picture: {still: a.png}, faces: {VILLAIN: auto, HERO: a.png}}
        """)
    with pytest.raises(ScreenplayError) as info:
        parse_screenplay(text, tmp_path / "film.yaml")
    found = [(p.line, p.field, p.message) for p in info.value.problems]
    assert found[0][:2] == (9, "scenes[0].shots[1].faces") and "a card has no faces" in found[0][2]
    assert found[1][:2] == (10, "scenes[0].shots[2].faces.VILLAIN") and "unknown role 'VILLAIN'" in found[1][2]
    assert len(found) == 2
    fixed = text.replace("      - {picture: {card: hi}, faces: {HERO: auto}}\n", "").replace("VILLAIN: auto, ", "")
    sp = parse_screenplay(fixed, tmp_path / "film.yaml")
    assert sp.face_landmarks == 5
    shots = [shot for _, shot in sp.shots()]
    assert shots[0].faces[0].role == "HERO" and shots[0].faces[0].hint == "right"
    assert shots[1].faces[0].hint == "reference" and shots[1].faces[0].reference == tmp_path / "a.png"
