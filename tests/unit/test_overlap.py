"""Lines spoken at once (a script's dual dialogue, `overlap`): where they fall, how long their shot
runs, and that the cut has both voices, summed, and both subtitles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest
import soundfile

from filmmaker.build import build_film, prepare
from filmmaker.export import subtitle_cues
from filmmaker.graph.line import load_line
from filmmaker.graph.timing import RATE, sample_of
from filmmaker.plan import GAP, LEAD_IN, TAIL, plan_film, time_film
from filmmaker.screenplay import load_screenplay, parse_screenplay

FILM = """
title: Together
format: {width: 160, height: 90, fps: 24}
actors: {a: {voice: {engine: espeak}}, b: {voice: {engine: espeak, model: en-us+f3}}}
cast: {HERO: a, VILLAIN: b}
scenes:
  - heading: INT. ROOM - DAY
    shots:
      - id: both
        picture: {card: BOTH}
        lines:
          - {speaker: HERO, text: We go now.}
          - {speaker: VILLAIN, text: "No, we stay here tonight.", overlap: true}
          - {speaker: HERO, text: Fine.}
"""
SECONDS = {"0.0": 1.0, "0.1": 2.0, "0.2": 0.5}


def plan_of(text: str = FILM):
    return plan_film(parse_screenplay(text, Path("/tmp/together.yaml")))


def test_an_overlapping_line_starts_with_the_one_before_and_the_next_waits_for_the_longer():
    timing = time_film(plan_of(), SECONDS, {})
    starts = timing.line_starts
    assert starts["0.0"] == starts["0.1"] == LEAD_IN
    assert starts["0.2"] == pytest.approx(LEAD_IN + 2.0 + GAP)  # after the longer of the two
    assert timing.frames[0] == round((LEAD_IN + 2.0 + GAP + 0.5 + TAIL) * 24)
    shorter_second = time_film(plan_of(), {**SECONDS, "0.1": 0.4}, {})
    assert shorter_second.line_starts["0.2"] == pytest.approx(LEAD_IN + 1.0 + GAP)  # the first is the longer


def test_overlap_on_a_shots_first_line_means_nothing_and_pause_before_staggers():
    text = FILM.replace("- {speaker: HERO, text: We go now.}", "- {speaker: HERO, text: We go now., overlap: true}")
    assert time_film(plan_of(text), SECONDS, {}).line_starts == time_film(plan_of(), SECONDS, {}).line_starts
    staggered = FILM.replace("overlap: true}", "overlap: true, pause_before: 0.5}")
    assert time_film(plan_of(staggered), SECONDS, {}).line_starts["0.1"] == pytest.approx(LEAD_IN + 0.5)


def test_lines_spoken_at_once_are_both_on_screen_and_the_next_line_ends_neither_early():
    plan = plan_of()
    timing = time_film(plan, SECONDS, {})
    hero, villain, after = subtitle_cues(plan, timing, SECONDS)
    assert hero.start == villain.start == LEAD_IN
    assert hero.end == pytest.approx(LEAD_IN + 1.0 + 0.25)  # not cut off where the other line starts
    assert villain.end == pytest.approx(LEAD_IN + 2.0 + 0.25)
    assert after.start > villain.end


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("together") / "together.yaml"
    path.write_text(FILM)
    plan = plan_film(load_screenplay(path))
    report = build_film(plan, path.parent / "out")
    return path, plan, report


def test_both_voices_are_in_the_dialogue_stem_summed(built):
    path, plan, report = built
    work, film = prepare(plan, path.parent / "out")
    hero, villain = (load_line(work, film.graph.get("line", line_id).key) for line_id in ("0.0", "0.1"))
    stem, rate = soundfile.read(path.parent / "out" / "stems" / "dialogue.wav", dtype="float32")
    assert rate == RATE
    at = sample_of(report.timing.starts[0], report.timing.fps) + round(report.timing.line_starts["0.0"] * RATE)
    n = max(len(hero), len(villain))
    window = stem[at:at + n] if stem.ndim == 1 else stem[at:at + n, 0]
    voices = np.column_stack([np.pad(hero, (0, n - len(hero))), np.pad(villain, (0, n - len(villain)))])
    (a, b), *_ = np.linalg.lstsq(voices, window, rcond=None)
    # both lines, at one gain, and nothing else: the stem is their sum
    assert a > 0.1 and b == pytest.approx(a, rel=0.02)
    residual = window - voices @ [a, b]
    assert np.sqrt(np.mean(residual ** 2)) < 0.01 * np.sqrt(np.mean(window ** 2))


def test_the_editors_dialogue_track_holds_them_as_one_clip(built):
    path, _, _ = built
    timeline = otio.adapters.read_from_file(str(path.parent / "out" / "together.otio"))
    clips = list(timeline.audio_tracks()[0].find_clips())
    assert [clip.name for clip in clips] == ["HERO: We go now. / VILLAIN: No, we stay here tonight.", "HERO: Fine."]
    assert [line["line"] for line in clips[0].metadata["filmmaker"]["with"]] == ["0.1"]
    srt = (path.parent / "out" / "together.srt").read_text()
    assert "HERO: We go now." in srt and "VILLAIN: No, we stay here tonight." in srt
