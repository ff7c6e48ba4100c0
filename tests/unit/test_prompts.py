"""Prompt composition, seeds and the `imagery:` block, without any model."""

from __future__ import annotations

import pytest

from filmmaker.errors import ScreenplayError
from filmmaker.graph.prompts import compose_prompt, describe_heading, generation, shot_seed
from filmmaker.plan import plan_film
from filmmaker.screenplay.load import parse_screenplay

FILM = """\
title: T
imagery: {{style: "35mm film, soft light", seed: 5, negative: blurry{extra}}}
actors:
  ann: {{voice: {{engine: espeak}}, look: a woman in a red coat}}
  bo: {{voice: {{engine: espeak}}}}
cast: {{ANN: ann, BO: bo}}
scenes:
  - heading: INT. MISSION CONTROL - NIGHT
    shots:
      - id: a
        picture: {{prompt: rows of glowing screens{shot}}}
        lines: [{{speaker: ANN, text: Go.}}, {{speaker: BO, text: Going.}}]
      - id: b
        picture: {{prompt: an empty chair}}
"""


def film(extra: str = "", shot: str = ""):
    return plan_film(parse_screenplay(FILM.format(extra=extra, shot=shot), "/tmp/film.yaml"))


@pytest.mark.parametrize("heading, words", [
    ("INT. MISSION CONTROL - NIGHT", "interior, mission control, night"),
    ("EXT. LAUNCH PAD - DAY", "exterior, launch pad, day"),
    ("INT./EXT. CAR - DUSK", "interior and exterior, car, dusk"),
    ("A DREAM", "a dream"),
])
def test_scene_headings_become_words_a_model_knows(heading, words):
    assert describe_heading(heading) == words


def test_the_prompt_names_the_shot_then_its_people_place_and_style():
    plan = film()
    assert compose_prompt(plan, plan.shots[0], "35mm film") == (
        "rows of glowing screens, a woman in a red coat, interior, mission control, night, 35mm film")
    assert compose_prompt(plan, plan.shots[1], "") == "an empty chair, interior, mission control, night"


def test_each_shot_seed_derives_from_the_film_seed_and_its_id():
    assert shot_seed(5, "a") == shot_seed(5, "a")
    assert len({shot_seed(5, "a"), shot_seed(5, "b"), shot_seed(6, "a")}) == 3


def test_a_shot_overrides_the_film_settings_it_names():
    plan = film(shot=", seed: 42, steps: 3, style: noir")
    own, other = generation(plan, plan.shots[0], plan.screenplay.imagery), \
        generation(plan, plan.shots[1], plan.screenplay.imagery)
    assert (own.seed, own.steps, own.negative) == (42, 3, "blurry") and own.prompt.endswith(", noir")
    assert other.seed == shot_seed(5, "b") and other.steps == 25 and other.prompt.endswith("soft light")


@pytest.mark.parametrize("extra, shot, message", [
    (", size: 500x512", "", "imagery.size: 500x512: each side must be a multiple of 8"),
    (", size: big", "", "imagery.size: expected a size like 512x768"),
    (", steps: 0", "", "imagery.steps: must be between 1 and 500"),
    (", device: tpu", "", "imagery.device: 'tpu' is not one of auto, cuda, mps, cpu"),
    (", fit: stretch", "", "imagery.fit: 'stretch' is not one of crop, letterbox"),
    (", sampler: x", "", "imagery.sampler"),
    ("", ", seed: -1", "scenes[0].shots[0].picture.seed: must be between 0 and"),
])
def test_bad_imagery_settings_are_positioned_problems(extra, shot, message):
    with pytest.raises(ScreenplayError) as caught:
        film(extra, shot)
    assert message in str(caught.value)


def test_an_empty_prompt_and_prompt_settings_on_other_pictures_are_refused():
    text = FILM.format(extra="", shot="").replace("{prompt: an empty chair}", '{prompt: "  "}')
    text = text.replace("rows of glowing screens", "x").replace("{prompt: x}", "{still: x.png, seed: 1}")
    with pytest.raises(ScreenplayError) as caught:
        parse_screenplay(text, "/tmp/film.yaml")
    problems = str(caught.value)
    assert "scenes[0].shots[1].picture.prompt: must not be empty" in problems
    assert "scenes[0].shots[0].picture.seed: `seed` does not apply to a still picture" in problems
