"""Planning and timing: pure functions over the screenplay."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from filmmaker.errors import ScreenplayError
from filmmaker.plan import EMPTY_SHOT, GAP, LEAD_IN, TAIL, plan_film, time_film
from filmmaker.screenplay import parse_screenplay

BASE = """
title: Timing
actors: {a: {voice: {}}}
cast: {HERO: a}
scenes:
  - heading: INT. ROOM - DAY
    shots:
      - id: one
        picture: {card: One}
        lines:
          - {speaker: HERO, text: First line.}
          - {speaker: HERO, text: Second line.}
      - id: two
        picture: {card: Two}
        duration: 2
        transition: {crossfade: 0.5}
      - id: three
        picture: {card: Three}
"""


def plan_of(text: str, **kwargs):
    return plan_film(parse_screenplay(text, Path("/tmp/film.yaml")), **kwargs)


def test_auto_duration_is_lead_lines_gaps_tail_in_whole_frames():
    plan = plan_of(BASE)
    timing = time_film(plan, {"0.0": 1.5, "0.1": 2.0}, {})
    expected = LEAD_IN + 1.5 + GAP + 2.0 + TAIL
    assert timing.frames[0] == round(expected * 24)
    assert timing.line_starts == {"0.0": LEAD_IN, "0.1": LEAD_IN + 1.5 + GAP}
    assert timing.frames[1] == 48
    assert timing.frames[2] == round(EMPTY_SHOT * 24)
    assert timing.starts == (0, timing.frames[0], timing.frames[0] + 48)
    assert timing.total_frames == sum(timing.frames)


def test_crossfade_is_centred_on_the_cut_and_bodies_tile_the_film():
    timing = time_film(plan_of(BASE), {"0.0": 1.0, "0.1": 1.0}, {})
    assert timing.fade_in == (0, 12, 0)
    assert timing.dissolve_split(1) == (6, 6)
    first0, end0 = timing.body(0)
    first1, end1 = timing.body(1)
    assert (first0, end0) == (0, timing.frames[0] - 6)
    assert (first1, end1) == (6, 48)
    # body of shot 0 + dissolve + body of shot 1 + shot 2 cover every frame exactly once
    assert (end0 - first0) + 12 + (end1 - first1) + timing.frames[2] == timing.total_frames


def test_fixed_duration_shorter_than_its_lines_is_a_positioned_error():
    text = BASE.replace("      - id: two", "        duration: 1.5\n      - id: two", 1)
    with pytest.raises(ScreenplayError) as caught:
        time_film(plan_of(text), {"0.0": 2.0, "0.1": 2.0}, {})
    problem = caught.value.problems[0]
    assert problem.field == "scenes[0].shots[0].duration"
    assert problem.line == 13 and "use `duration: auto`" in problem.message


def test_crossfade_longer_than_the_shot_is_refused():
    text = BASE.replace("transition: {crossfade: 0.5}", "transition: {crossfade: 5}")
    with pytest.raises(ScreenplayError, match="crossfades into and out of this shot"):
        time_film(plan_of(text), {"0.0": 1.0, "0.1": 1.0}, {})


def test_crossfade_on_the_first_shot_is_refused():
    text = BASE.replace("      - id: one\n", "      - id: one\n        transition: crossfade\n")
    with pytest.raises(ScreenplayError, match="nothing to crossfade from"):
        time_film(plan_of(text), {"0.0": 1.0, "0.1": 1.0}, {})


def test_footage_without_lines_runs_its_usable_length():
    timing = time_film(plan_of(BASE), {"0.0": 1.0, "0.1": 1.0}, {2: 4.25})
    assert timing.frames[2] == round(4.25 * 24)


def test_preview_halves_the_frame_and_cast_override_changes_the_actor():
    text = BASE.replace("actors: {a: {voice: {}}}", "actors: {a: {voice: {}}, b: {voice: {pitch: 5}}}")
    plan = plan_of(text, preview=True, cast={"HERO": "b"})
    assert (plan.format.width, plan.format.height, plan.format.fps) == (640, 360, Fraction(24))
    assert plan.shots[0].lines[0].actor.id == "b"


def test_cue_spans_map_to_shot_indices():
    text = BASE + "score:\n  - {from: two, to: three, mood: calm}\n"
    plan = plan_of(text)
    assert [(c.first, c.last) for c in plan.cues] == [(1, 2)]
    assert [c.index for c in plan.cue_of(2)] == [0] and plan.cue_of(0) == []
