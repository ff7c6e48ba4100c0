"""Direction: parentheticals and pause marks parsed, then their effects measured on real piper speech.

Every effect the README promises (whispering, shouting, quickly, slowly, softly, "..." pauses,
pause_before/pause_after, emoji) is measured on the bundled voice, not just checked as a number in
a table: loudness by BS.1770, voicing and F0 by a YIN tracker, lengths in samples, gaps in 10 ms RMS.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from speech import semitones, yin  # tests/speech.py

from filmmaker.backends.voice import open_voice
from filmmaker.build import unknown_directions
from filmmaker.cache import file_sha256
from filmmaker.plan import GAP, LEAD_IN, TAIL, plan_film, time_film
from filmmaker.render.audio import DIALOGUE_LUFS, RATE, loudness
from filmmaker.render.voice import speak
from filmmaker.screenplay import parse_screenplay
from filmmaker.screenplay.direction import (
    DASH_PAUSE,
    DIRECTIONS,
    ELLIPSIS_PAUSE,
    SYNONYMS,
    Direction,
    parse_parenthetical,
    split_pauses,
)
from filmmaker.screenplay.model import VoiceSpec

SENTENCE = "Cold is normal before a night launch, so check the fuel lines."
SILENT_DBFS = -50.0


# -- measuring tools ---------------------------------------------------------------------------------

def voicing(audio: np.ndarray) -> tuple[float, float, float]:
    """(median F0 in Hz, fraction of loud frames that are voiced, median aperiodicity of loud frames)."""
    f0, aperiodicity, loud, _ = yin(audio)
    voiced = ~np.isnan(f0)
    median = float(np.median(f0[voiced])) if voiced.any() else float("nan")
    return median, float(voiced.sum() / max(1, loud.sum())), float(np.median(aperiodicity[loud]))


def seconds(audio: np.ndarray) -> float:
    return len(audio) / RATE


def silent_runs(audio: np.ndarray, window: float = 0.01) -> list[tuple[float, float]]:
    """(start, length) in seconds of each run of 10 ms windows whose RMS is below -50 dBFS."""
    w = int(window * RATE)
    k = len(audio) // w
    rms = np.sqrt(np.mean(audio[:k * w].astype(np.float64).reshape(k, w) ** 2, axis=1))
    quiet = 20 * np.log10(rms + 1e-12) < SILENT_DBFS
    runs, start = [], None
    for i, q in enumerate([*quiet, False]):
        if q and start is None:
            start = i
        elif not q and start is not None:
            runs.append((start * window, (i - start) * window))
            start = None
    return runs


# -- parentheticals ----------------------------------------------------------------------------------

def test_every_direction_has_its_words_and_no_word_is_shared():
    assert set(SYNONYMS) == set(DIRECTIONS)
    words = [word for group in SYNONYMS.values() for word in group]
    assert len(words) == len(set(words)), "a word names two directions"
    for name, group in SYNONYMS.items():
        assert name in group, f"{name!r} does not name itself"


@pytest.mark.parametrize("name,word", [(name, word) for name, group in SYNONYMS.items() for word in group])
def test_each_word_maps_to_its_direction(name, word):
    assert parse_parenthetical(word) == (DIRECTIONS[name], [])


@pytest.mark.parametrize("text", ["SOFTLY", "(softly)", " ( Softly! ) ", "Quietly.", "(QUIET)"])
def test_case_parentheses_and_punctuation_do_not_matter(text):
    assert parse_parenthetical(text) == (DIRECTIONS["softly"], [])


def test_the_directions_have_the_documented_effects():
    assert DIRECTIONS["whispering"].whisper and DIRECTIONS["whispering"].gain_db == -12.0
    assert DIRECTIONS["softly"].gain_db == -6.0 and not DIRECTIONS["softly"].whisper
    assert DIRECTIONS["shouting"].gain_db == 6.0 and DIRECTIONS["shouting"].pitch > 0
    assert DIRECTIONS["quickly"].rate == 1.3 and DIRECTIONS["slowly"].rate == 0.75


@pytest.mark.parametrize("text", ["softly, slowly", "(Softly; slowly)", "softly and slowly", "softly / slowly"])
def test_combined_directions_add_gain_and_multiply_rate(text):
    soft, slow = DIRECTIONS["softly"], DIRECTIONS["slowly"]
    direction, unknown = parse_parenthetical(text)
    assert unknown == []
    assert direction.gain_db == pytest.approx(soft.gain_db + slow.gain_db)
    assert direction.rate == pytest.approx(soft.rate * slow.rate)
    assert direction.pitch == pytest.approx(soft.pitch + slow.pitch)
    assert direction.whisper is False


def test_whispering_survives_a_combination():
    direction, unknown = parse_parenthetical("in a whisper, quickly")
    assert unknown == [] and direction.whisper
    assert direction.rate == pytest.approx(DIRECTIONS["whispering"].rate * 1.3)
    assert direction.gain_db == pytest.approx(-12.0)


def test_unknown_words_are_returned_not_raised():
    assert parse_parenthetical("hesitant") == (Direction(), ["hesitant"])
    direction, unknown = parse_parenthetical("(Hesitant, softly, to herself)")
    assert direction == DIRECTIONS["softly"]
    assert unknown == ["hesitant", "to herself"]


@pytest.mark.parametrize("text", [None, "", "()", " , ; "])
def test_empty_parentheticals_change_nothing(text):
    assert parse_parenthetical(text) == (Direction(), [])


# -- pause marks --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,pieces", [
    ("A... B — C", [("A", ELLIPSIS_PAUSE), ("B", DASH_PAUSE), ("C", 0.0)]),
    ("A… B", [("A", ELLIPSIS_PAUSE), ("B", 0.0)]),
    ("A.... B", [("A", ELLIPSIS_PAUSE), ("B", 0.0)]),
    ("A -- B", [("A", DASH_PAUSE), ("B", 0.0)]),
    ("A--B", [("A--B", 0.0)]),  # an unspaced double hyphen is part of a word, not a pause
    ("A...", [("A", ELLIPSIS_PAUSE)]),
    ("...A", [("", ELLIPSIS_PAUSE), ("A", 0.0)]),
    ("— A —", [("", DASH_PAUSE), ("A", DASH_PAUSE)]),
    ("Plain words, no pause.", [("Plain words, no pause.", 0.0)]),
])
def test_split_pauses(text, pieces):
    got = split_pauses(text)
    assert [words for words, _ in got] == [words for words, _ in pieces]
    assert [pause for _, pause in got] == pytest.approx([pause for _, pause in pieces])


def test_adjacent_marks_add_up():
    assert split_pauses("A... — B") == [("A", pytest.approx(ELLIPSIS_PAUSE + DASH_PAUSE)), ("B", 0.0)]


# -- measured effects on real speech ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def engine():
    return open_voice(VoiceSpec(), file_sha256)


@pytest.fixture(scope="module")
def directed(engine):
    """The sentence in the default voice, plain and under each direction (as the parenthetical word),
    with its measurements: {name: (audio, seconds, LUFS, median F0, voiced fraction, aperiodicity)}."""
    out = {}
    for name in ("normal", *DIRECTIONS):
        direction = parse_parenthetical(None if name == "normal" else name)[0]
        audio = speak(engine, SENTENCE, VoiceSpec(), direction)
        out[name] = (audio, seconds(audio), loudness(audio), *voicing(audio))
    table = "\n".join(f"  {name:10s} {s:5.2f} s  {lufs:6.2f} LUFS  F0 {f0:6.1f} Hz  voiced {v:4.2f}  aperiodicity {ap:4.2f}"
                      for name, (_, s, lufs, f0, v, ap) in out.items())
    print(f"\ndirection effects on {SENTENCE!r}:\n{table}")
    out["table"] = table
    return out


def test_plain_line_is_at_dialogue_loudness(directed):
    assert abs(directed["normal"][2] - DIALOGUE_LUFS) <= 1.0, directed["table"]


def test_whispering_is_quieter_and_unvoiced(directed):
    _, _, lufs, _, voiced, aperiodic = directed["whispering"]
    _, _, normal_lufs, _, normal_voiced, normal_aperiodic = directed["normal"]
    assert abs(lufs - (DIALOGUE_LUFS - 12.0)) <= 1.5, directed["table"]
    assert normal_lufs - lufs >= 10.0, directed["table"]
    assert normal_voiced >= 0.2, "the plain line should be voiced; the tracker is broken\n" + directed["table"]
    assert voiced <= 0.25 * normal_voiced, directed["table"]
    assert aperiodic >= normal_aperiodic + 0.15, directed["table"]


def test_shouting_is_louder_and_higher(directed):
    _, _, lufs, f0, _, _ = directed["shouting"]
    _, _, normal_lufs, normal_f0, _, _ = directed["normal"]
    assert abs(lufs - (DIALOGUE_LUFS + 6.0)) <= 1.5, directed["table"]
    assert lufs - normal_lufs >= 4.0, directed["table"]
    assert semitones(f0, normal_f0) >= 1.0, directed["table"]


def test_softly_is_quieter(directed):
    _, _, lufs, _, voiced, _ = directed["softly"]
    assert abs(lufs - (DIALOGUE_LUFS - 6.0)) <= 1.5, directed["table"]
    assert abs(directed["normal"][2] - lufs - 6.0) <= 1.5, directed["table"]
    assert voiced >= 0.75 * directed["normal"][4], "softly is not whispering\n" + directed["table"]


@pytest.mark.parametrize("name,wanted", [("quickly", 1.3), ("slowly", 0.75)])  # the documented rates
def test_tempo_directions_change_the_length(directed, name, wanted):
    """The line is 1/rate as long, within 15% (edge air and sentence gaps do not scale)."""
    ratio = directed["normal"][1] / directed[name][1]
    assert abs(ratio / wanted - 1) <= 0.15, f"{name}: {ratio:.3f}x shorter, {wanted} asked\n" + directed["table"]


# -- pauses in the audio ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def paused(engine):
    texts = {"ellipsis": "We wait... then we go.", "comma": "We wait, then we go.", "none": "We wait then we go."}
    return {name: speak(engine, text, VoiceSpec()) for name, text in texts.items()}


def test_ellipsis_is_a_silent_gap_of_its_length_mid_line(paused):
    audio = paused["ellipsis"]
    runs = silent_runs(audio)
    start, longest = max(runs, key=lambda run: run[1])
    assert longest >= 0.4, f"longest gap {longest:.2f} s; runs {runs}"
    # the pause plus the 30 ms of air each spoken piece keeps, give or take a window
    assert abs(longest - ELLIPSIS_PAUSE) <= 0.1, f"gap {longest:.2f} s for a {ELLIPSIS_PAUSE} s pause"
    assert 0.2 * seconds(audio) < start and start + longest < 0.9 * seconds(audio), \
        f"gap at {start:.2f}-{start + longest:.2f} s of {seconds(audio):.2f} s"


def test_ellipsis_adds_its_pause_to_unpunctuated_words(paused):
    added = seconds(paused["ellipsis"]) - seconds(paused["none"])
    assert abs(added - ELLIPSIS_PAUSE) <= 0.25, f"'...' added {added:.2f} s, {ELLIPSIS_PAUSE} s asked"


def test_ellipsis_holds_longer_than_a_comma(paused):
    """'...' stands in for the comma a writer would otherwise put there: a longer hold than piper's own."""
    gaps = {name: max(run[1] for run in silent_runs(audio)) for name, audio in paused.items()}
    assert gaps["ellipsis"] >= gaps["comma"] + 0.15, f"longest silent gaps {gaps}"
    assert seconds(paused["ellipsis"]) > seconds(paused["comma"]) + 0.15


# -- pause_before / pause_after in the plan ---------------------------------------------------------------

PAUSED_PLAY = """
title: Pauses
actors: {a: {voice: {}}}
cast: {HERO: a}
scenes:
  - heading: INT. ROOM - DAY
    shots:
      - id: one
        picture: {card: One}
        lines:
          - {speaker: HERO, text: First line., pause_after: 0.5}
          - {speaker: HERO, text: Second line., pause_before: 1.5}
      - id: two
        picture: {card: Two}
        lines:
          - {speaker: HERO, text: Third line., pause_before: 1.0}
"""


def test_pause_before_and_after_move_lines_and_lengthen_shots():
    assert (LEAD_IN, GAP, TAIL) == (0.5, 0.35, 0.7), "the plan's constants moved; update the numbers below"
    plan = plan_film(parse_screenplay(PAUSED_PLAY, Path("/tmp/pauses.yaml")))
    assert [pl.line.pause_after for pl in plan.shots[0].lines] == [0.5, 0.0]
    assert [pl.line.pause_before for pl in plan.shots[0].lines] == [0.0, 1.5]
    timing = time_film(plan, {"0.0": 1.0, "0.1": 2.0, "1.0": 1.25}, {})
    # 0.5 lead-in, 1.0 line, 0.5 pause_after, 0.35 gap, 1.5 pause_before -> 3.85; + 2.0 line + 0.7 tail
    assert timing.line_starts == pytest.approx({"0.0": 0.5, "0.1": 3.85, "1.0": 1.5}, abs=1e-9)
    assert timing.frames == (157, 83)  # 6.55 s * 24 = 157.2; (0.5 + 1.0 + 1.25 + 0.7) * 24 = 82.8
    assert timing.starts == (0, 157)

    unpaused = plan_film(parse_screenplay(PAUSED_PLAY.replace(", pause_after: 0.5", "")
                                          .replace(", pause_before: 1.5", "").replace(", pause_before: 1.0", ""),
                                          Path("/tmp/pauses.yaml")))
    plain = time_film(unpaused, {"0.0": 1.0, "0.1": 2.0, "1.0": 1.25}, {})
    assert plain.line_starts == pytest.approx({"0.0": 0.5, "0.1": 1.85, "1.0": 0.5}, abs=1e-9)
    assert plain.frames == (109, 59)
    assert timing.frames[0] - plain.frames[0] == 48  # the two seconds of pauses, in frames


# -- unknown parentheticals ----------------------------------------------------------------------------

UNKNOWN_PLAY = """
title: Notes
actors: {a: {voice: {}}}
cast: {HERO: a}
scenes:
  - heading: INT. ROOM - DAY
    shots:
      - id: one
        picture: {card: One}
        lines:
          - {speaker: HERO, text: First., parenthetical: hesitant}
          - {speaker: HERO, text: Second., parenthetical: softly}
      - id: two
        picture: {card: Two}
        lines:
          - {speaker: HERO, text: Third., parenthetical: (hesitant)}
"""


def test_unknown_parenthetical_is_one_warning_not_an_error():
    plan = plan_film(parse_screenplay(UNKNOWN_PLAY, Path("/tmp/notes.yaml")))
    time_film(plan, {"0.0": 1.0, "0.1": 1.0, "1.0": 1.0}, {})  # plans and times without complaint
    warnings = unknown_directions(plan)
    assert len(warnings) == 1, warnings
    assert "'hesitant'" in warnings[0] and "'one'" in warnings[0], warnings
    assert "softly" not in warnings[0].split("(performed:")[0], warnings


def test_known_parentheticals_give_no_warning():
    plan = plan_film(parse_screenplay(UNKNOWN_PLAY.replace("hesitant", "whispering"), Path("/tmp/notes.yaml")))
    assert unknown_directions(plan) == []


# -- emoji and characters with nothing to say ------------------------------------------------------------

@pytest.mark.parametrize("text,plain", [("Launch 🚀 now!", "Launch now!"),
                                        ("🙂 Hello 👋🏽 there ❤️‍🔥", "Hello there")])
def test_emoji_are_skipped_and_the_words_spoken(engine, text, plain):
    audio = speak(engine, text, VoiceSpec())
    reference = speak(engine, plain, VoiceSpec())
    assert audio.dtype == np.float32 and np.isfinite(audio).all()
    ratio = seconds(audio) / seconds(reference)
    assert abs(ratio - 1) <= 0.2, f"{seconds(audio):.2f} s with emoji, {seconds(reference):.2f} s without"
    assert abs(loudness(audio) - DIALOGUE_LUFS) <= 1.0  # words, not silence


@pytest.mark.parametrize("text", [
    "\ue000\uf8ff\U000f0000",  # private use
    "\u200b\u200d\ufe0f\u2060",  # zero-width and format characters
    "\x07\x1b\x7f\x85",  # C0/C1 controls
    "\x00\x00",
])
def test_unspeakable_text_is_a_short_silence(engine, text):
    audio = speak(engine, text, VoiceSpec())
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert 0 < seconds(audio) <= 0.5, f"{seconds(audio):.2f} s for {text!r}"
    assert np.abs(audio).max() < 1e-3


def test_a_beat_is_silence_before_the_line_not_a_delivery(tmp_path):
    from filmmaker.screenplay import parse_screenplay
    from filmmaker.screenplay.direction import beat_seconds

    assert parse_parenthetical("beat") == (Direction(), [])
    assert beat_seconds("softly, long pause") == 1.5 and beat_seconds("to Maya") == 0.0
    sp = parse_screenplay("title: T\nactors: {a: {voice: {}}}\ncast: {X: a}\nscenes:\n  - heading: H\n"
                          "    shots:\n      - picture: {card: c}\n        lines:\n"
                          "          - {speaker: X, text: One., parenthetical: beat}\n"
                          "          - {speaker: X, text: Two., parenthetical: beat, pause_before: 0.2}\n",
                          tmp_path / "film.yaml")
    assert [line.pause_before for line in sp.scenes[0].shots[0].lines] == [0.6, 0.2]
