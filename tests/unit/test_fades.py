"""Fades through black: the timing of a fade between shots (laid out as a crossfade is), a first shot
fading in, a `fade_out`; the frames they darken, the keys they change, and what the exports say."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import opentimelineio as otio
import pycmx
import pytest

from filmmaker.build import build_film, prepare
from filmmaker.errors import ScreenplayError
from filmmaker.export import DIP_COMMENT
from filmmaker.plan import fade_in_frames, fade_out_frames, plan_film, time_film
from filmmaker.render.encoding import Encoding
from filmmaker.render.fades import darken, dip_to_black, fade_gain
from filmmaker.render.shot import ShotFrames
from filmmaker.screenplay import load_screenplay, parse_screenplay

FILM = """
title: Fades
format: {width: 160, height: 90, fps: 24}
actors: {a: {voice: {engine: espeak}}}
cast: {HERO: a}
scenes:
  - heading: INT. ROOM - DAY
    shots:
      - id: one
        picture: {card: ONE, background: "#c0c0c0"}
        transition: {fade: 1}
        duration: 3
      - id: two
        picture: {card: TWO, background: "#c0c0c0"}
        transition: {fade: 1}
        duration: 3
      - id: three
        picture: {card: THREE, background: "#c0c0c0"}
        duration: 2
        fade_out: {fade: 1, as: FADE OUT.}
"""


def plan_of(text: str = FILM):
    return plan_film(parse_screenplay(text, Path("/tmp/fades.yaml")))


# -- timing ------------------------------------------------------------------------------------


def test_a_fade_between_shots_is_centred_on_the_cut_and_the_film_keeps_its_length():
    timing = time_film(plan_of(), {}, {})
    assert timing.frames == (72, 72, 48)
    assert timing.fade_in == (0, 24, 0)  # the first shot's fade is its own fade in, not a dissolve
    assert timing.dissolve_split(1) == (12, 12)
    assert timing.body(0) == (0, 60) and timing.body(1) == (12, 72)
    assert timing.total_frames == sum(timing.frames) == 192


def test_a_fade_on_the_first_shot_is_a_fade_in_and_fade_out_counts_its_frames():
    plan = plan_of()
    fps = plan.format.fps
    assert [fade_in_frames(ps, fps) for ps in plan.shots] == [24, 0, 0]
    assert [fade_out_frames(ps, fps) for ps in plan.shots] == [0, 0, 24]


def test_a_crossfade_on_the_first_shot_is_still_refused():
    text = FILM.replace("transition: {fade: 1}\n        duration: 3\n      - id: two",
                        "transition: crossfade\n        duration: 3\n      - id: two", 1)
    with pytest.raises(ScreenplayError, match="nothing to crossfade from"):
        time_film(plan_of(text), {}, {})


def test_fades_longer_than_their_shot_are_refused_at_the_fade_out():
    text = FILM.replace("fade_out: {fade: 1, as: FADE OUT.}", "fade_out: 2.5")
    with pytest.raises(ScreenplayError) as caught:
        time_film(plan_of(text), {}, {})
    (problem,) = caught.value.problems
    assert problem.field == "scenes[0].shots[2].fade_out" and "longer than the shot" in problem.message


def test_a_dip_longer_than_the_shot_names_fades():
    text = FILM.replace("duration: 3\n      - id: three", "duration: 3\n      - id: three\n        transition: "
                        "{fade: 4}")
    with pytest.raises(ScreenplayError, match="the fades into and out of this shot"):
        time_film(plan_of(text), {}, {})


# -- the frames --------------------------------------------------------------------------------


def test_gains_run_down_to_black_and_up_from_it():
    assert [fade_gain(k, 10, fade_in=4) for k in range(-1, 5)] == [0.0, 0.0, 0.25, 0.5, 0.75, 1.0]
    assert [fade_gain(k, 10, fade_out=4) for k in range(5, 11)] == [1.0, 0.75, 0.5, 0.25, 0.0, 0.0]
    assert fade_gain(5, 10) == 1.0
    frame = np.full((4, 4, 4), 200, np.uint8)
    assert darken(frame, 1.0) is frame  # unfaded frames stay the very same object
    assert int(darken(frame, 0.5)[0, 0, 0]) == 100 and not darken(frame, 0.0).any()


def test_a_dip_takes_each_shot_to_black_at_the_cut():
    a = (np.full((2, 2, 4), 200, np.uint8) for _ in range(3))
    b = (np.full((2, 2, 4), 100, np.uint8) for _ in range(3))
    levels = [int(f[0, 0, 0]) for f in dip_to_black(a, b, 2, 3)]
    assert levels == [100, 0, 0, 33, 67]


def test_shot_frames_carry_their_own_fades():
    image = np.full((90, 160, 3), 180, np.uint8)
    frames = ShotFrames(Encoding(160, 90, Fraction(24)), 10, "static", image=image, fades=(4, 2))
    levels = [float(f[..., :3].mean()) for f in frames.read(0, 10)]
    assert levels[0] == 0 and levels[-1] == 0
    assert levels[1] < levels[2] < levels[3] < levels[4] == 180 == levels[7] > levels[8] > levels[9]


# -- keys --------------------------------------------------------------------------------------


def _keys(tmp_path: Path, text: str, name: str) -> dict[str, str]:
    path = tmp_path / name / "fades.yaml"
    path.parent.mkdir()
    path.write_text(text)
    _, film = prepare(plan_film(load_screenplay(path), preview=True), path.parent / "out")
    return {node.id: node.key for node in film.graph if node.kind == "segment"}


def test_a_changed_fade_out_re_encodes_only_its_shot(tmp_path):
    before = _keys(tmp_path, FILM, "a")
    after = _keys(tmp_path, FILM.replace("fade_out: {fade: 1, as: FADE OUT.}", "fade_out: 1.5"), "b")
    assert [k for k in before if before[k] != after[k]] == ["segment:three"]
    labelled = _keys(tmp_path, FILM.replace("as: FADE OUT.", "as: FADE TO BLACK."), "c")
    assert labelled == before  # the script's wording changes no frame
    cut = _keys(tmp_path, FILM.replace("transition: {fade: 1}\n        duration: 3\n      - id: three",
                                       "transition: {crossfade: 1}\n        duration: 3\n      - id: three"), "d")
    # a dip and a crossfade of one length are different dissolves (the shots beside them keep their frames)
    assert cut["segment:one>two"] != before["segment:one>two"] and cut["segment:three"] == before["segment:three"]


# -- a real film -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("fades") / "fades.yaml"
    path.write_text(FILM)
    plan = plan_film(load_screenplay(path))
    report = build_film(plan, path.parent / "out")
    return path, report


def _lumas(path: Path) -> list[float]:
    with av.open(str(path)) as container:
        return [float(frame.to_ndarray(format="gray").mean()) for frame in container.decode(video=0)]


def test_the_film_fades_in_dips_through_black_and_fades_out(built):
    _, report = built
    luma = _lumas(report.film)
    assert len(luma) == 192
    normal = luma[40]
    assert normal > 150 and all(abs(y - normal) < 3 for y in luma[24:60] + luma[84:144])
    assert luma[0] < 3 and luma[0] < luma[6] < luma[12] < luma[18] < normal  # up from black
    assert luma[59] > luma[63] > luma[67] > luma[71] and luma[71] < 3  # shot one down to black at the cut
    assert luma[72] < 3 and luma[72] < luma[76] < luma[80] < luma[84]  # shot two up from it
    assert abs(luma[-25] - normal) < 3 and normal > luma[-24] > luma[-12] > luma[-2] > luma[-1]  # fade out ...
    assert luma[-1] < 3  # ... to black


def test_the_exports_hold_the_dip_and_the_clips_their_own_fades(built):
    path, report = built
    out = path.parent / "out"
    timeline = otio.adapters.read_from_file(str(out / "fades.otio"))
    (dip,) = [item for item in timeline.video_tracks()[0] if isinstance(item, otio.schema.Transition)]
    assert dip.metadata["filmmaker"]["kind"] == "fade" and (dip.in_offset.value, dip.out_offset.value) == (12, 12)
    clips = {clip.name: clip.metadata["filmmaker"] for clip in timeline.video_tracks()[0].find_clips()}
    assert clips["one"]["fade_in"]["frames"] == 24 and dict(clips["three"]["fade_out"]) == {
        "frames": 24, "label": "FADE OUT."}
    edl = (out / "fades.edl").read_text()
    assert DIP_COMMENT in edl and any("fades through black (one>two)" in w for w in report.warnings)
    events = pycmx.parse_cmx3600(io.StringIO(edl)).events
    assert [edit.transition.kind for event in events for edit in event.edits] == ["C", "C", "D", "C"]
    assert "<effectid>Dip to Color Dissolve</effectid>" in (out / "fades.xml").read_text()
    xml = otio.adapters.read_from_file(str(out / "fades.xml"))  # held: a track lives only as long as its timeline
    assert [type(i).__name__ for i in xml.video_tracks()[0]] == ["Clip", "Transition", "Clip", "Clip"]
