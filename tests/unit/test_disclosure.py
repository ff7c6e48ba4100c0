"""The disclosure a viewer sees: a card naming the roles whose faces or voices are real people's
made with AI, where the screenplay asks, and the subtitles' last cue saying the same."""

from __future__ import annotations

import datetime as dt

import pytest
from test_consent import CLEAN, consent, project  # tests/unit/test_consent.py: the same small film

from filmmaker.consent import check_consent
from filmmaker.errors import ScreenplayError
from filmmaker.export import subtitle_cues, to_srt, to_vtt
from filmmaker.plan import plan_film, time_film
from filmmaker.screenplay import load_screenplay

NOTE = "This film uses AI to show real people: COMMANDER's face and FLIGHT's voice are synthetic"


def planned(tmp_path, disclosure: str = "", person: str = "    person: real\n", sam: str = "    person: real\n"):
    screenplay = project(tmp_path, person, sam)
    if disclosure:
        screenplay.write_text(screenplay.read_text() + f"disclosure: {{card: {disclosure}}}\n")
    return plan_film(load_screenplay(screenplay))


def test_a_card_at_the_end_names_the_roles_made_from_real_people(tmp_path):
    plan = planned(tmp_path)
    last = plan.shots[-1]
    assert [ps.id for ps in plan.shots] == ["face", "disclosure"] and last.disclosure_card
    assert last.shot.picture.kind == "card" and last.shot.picture.source.startswith(NOTE)
    assert plan.disclosure == last.shot.picture.source and last.index == 1


def test_the_card_goes_where_asked_and_nowhere_for_fictional_people(tmp_path):
    assert [ps.id for ps in planned(tmp_path / "o", "open").shots] == ["disclosure-open", "face"]
    assert [ps.id for ps in planned(tmp_path / "b", "both").shots] == ["disclosure-open", "face", "disclosure"]
    plan = planned(tmp_path / "n", "none")
    assert [ps.id for ps in plan.shots] == ["face"] and plan.disclosure is None
    fictional = planned(tmp_path / "f", person="    person: fictional\n", sam="    person: fictional\n")
    assert [ps.id for ps in fictional.shots] == ["face"] and fictional.disclosure is None
    lines = planned(tmp_path / "l", "open").shots[1].lines
    assert [pl.id for pl in lines] == ["1.0"]  # the lines renumbered with their shot


def test_none_is_refused_for_a_release_build(tmp_path):
    screenplay = project(tmp_path, consent(uses="[internal, release]"), "    person: fictional\n", extra=CLEAN)
    screenplay.write_text(screenplay.read_text() + "disclosure: {card: none}\n")
    plan = plan_film(load_screenplay(screenplay))
    check_consent(plan, "internal", dt.date(2026, 11, 30))  # allowed inside the production
    with pytest.raises(ScreenplayError) as caught:
        check_consent(plan, "release", dt.date(2026, 11, 30))
    (problem,) = caught.value.problems
    assert problem.field == "disclosure.card" and problem.line == screenplay.read_text().count("\n")
    assert "`none` is for internal and audition builds" in problem.message


def test_the_subtitles_end_with_the_note(tmp_path):
    plan = planned(tmp_path)
    seconds = {pl.id: 1.0 for ps in plan.shots for pl in ps.lines}
    timing = time_film(plan, seconds, {})
    cues = subtitle_cues(plan, timing, seconds)
    assert cues[-1].text == plan.disclosure and cues[-1].speaker == ""
    assert cues[-1].start == pytest.approx(timing.seconds(timing.starts[1]))
    assert cues[-1].end == pytest.approx(timing.total_seconds)
    srt, vtt = to_srt(cues), to_vtt(cues)
    assert srt.rstrip().endswith("made with filmmaker.") and "\n: " not in srt and "<v >" not in vtt
    assert "FLIGHT: Hello there." in srt
