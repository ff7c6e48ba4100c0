"""The Timeline and the files written from it, on planned films (no media): structure, reel names,
timecode at every supported rate, and bad input that must never make a broken EDL."""

from __future__ import annotations

import io
import re
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pycmx
import pytest

from filmmaker.errors import FilmmakerError, ScreenplayError
from filmmaker.export import ExportError, check_formats, subtitle_cues, to_edl, to_fcp7xml, to_vtt, write_exports
from filmmaker.plan import plan_film, time_film
from filmmaker.screenplay import parse_screenplay
from filmmaker.timeline import ShotInfo, build_timeline, cut_pieces, handles, parse_timecode, reel_names

FILM = """
title: {title}
format: {{width: 320, height: 180, fps: {fps}}}
actors: {{a: {{voice: {{}}}}, b: {{voice: {{engine: espeak}}}}}}
cast: {{HERO: a, "{role}": b}}
scenes:
  - id: room
    heading: {heading}
    shots:
      - id: opening
        picture: {{card: One}}
        duration: 2
      - id: a-very-long-shot-id
        picture: {{card: Two}}
        transition: {{crossfade: 1.0}}
        lines:
          - {{speaker: HERO, text: First line.}}
          - {{speaker: "{role}", parenthetical: softly, text: "Second & <last> line."}}
  - id: street
    heading: EXT. STREET - NIGHT
    shots:
      - id: s3
        picture: {{card: Three}}
        transition: {{crossfade: 0.5}}
        duration: 3
      - id: S_4
        picture: {{card: Four}}
        duration: 1.5
score:
  - {{from: opening, to: a-very-long-shot-id, mood: calm}}
  - {{from: s3, to: S_4, mood: happy, volume: 0.3}}
"""


def planned(fps="24", title="Short Film", heading="INT. ROOM - DAY", role="VILLAIN", path="/tmp/film.yaml"):
    text = FILM.format(fps=fps, title=title, heading=heading, role=role)
    plan = plan_film(parse_screenplay(text, Path(path)))
    line_seconds = {pl.id: 1.5 for ps in plan.shots for pl in ps.lines}
    timing = time_film(plan, line_seconds, {})
    reels, _ = reel_names([ps.id for ps in plan.shots])
    shots = {ps.id: ShotInfo(reels[ps.id], {"segment": f"seg-{ps.id}"}) for ps in plan.shots}
    return plan, timing, line_seconds, shots


def timeline_of(start="01:00:00:00", **kwargs):
    plan, timing, line_seconds, shots = planned(**kwargs)
    return build_timeline(plan, timing, line_seconds, shots, start), plan, timing


# -- reel names --------------------------------------------------------------------------------


def test_reel_names_are_legal_unique_and_derived_from_the_id_alone():
    ids = ["title", "deepfield", "commander", "pad-card", "S_4", "Title", "café-1", "x.y"]
    reels, renamed = reel_names(ids)
    assert reels["title"] == "TITLE" and reels["S_4"] == "S_4"
    assert set(renamed) == {"deepfield", "commander", "pad-card", "Title", "café-1", "x.y"}
    for reel in reels.values():
        assert re.fullmatch(r"[A-Z0-9_]{1,8}", reel), reel
    assert len(set(reels.values())) == len(ids)
    assert reels["café-1"].startswith("CAFE")  # accents folded, never dropped into a broken name
    # the same id gets the same reel whatever else is in the film (a recast or a new shot renames nothing)
    alone, _ = reel_names(["commander"])
    assert alone["commander"] == reels["commander"]
    assert reel_names(list(reversed(ids)))[0]["commander"] == reels["commander"]


def test_reel_names_stay_unique_over_a_long_film():
    ids = [f"shot-{n:04d}" for n in range(3000)] + [f"SH{n}" for n in range(500)]
    reels, _ = reel_names(ids)
    assert len(set(reels.values())) == len(ids)
    assert all(re.fullmatch(r"[A-Z0-9_]{1,8}", r) for r in reels.values())


# -- the timeline ------------------------------------------------------------------------------


def test_timeline_tracks_clips_transitions_and_markers_follow_the_timing():
    timeline, plan, timing = timeline_of()
    video, dialogue, music = timeline.tracks
    assert (video.name, video.kind, dialogue.name, music.name) == ("V1", "Video", "A1", "A2")
    clips = list(video.find_clips())
    assert [c.name for c in clips] == [ps.id for ps in plan.shots]
    assert [c.source_range.duration.value for c in clips] == list(timing.frames)
    assert video.duration().value == timing.total_frames == dialogue.duration().value == music.duration().value
    transitions = [item for item in video if isinstance(item, otio.schema.Transition)]
    assert [(t.in_offset.value, t.out_offset.value) for t in transitions] == [
        timing.dissolve_split(1), timing.dissolve_split(2)]
    # media cover every frame a dissolve borrows: handles around each clip's source range
    for ps, clip in zip(plan.shots, clips):
        head, tail = handles(timing, ps.index)
        available = clip.media_reference.available_range
        assert clip.source_range.start_time.value == head
        assert available.duration.value == head + timing.frames[ps.index] + tail
    assert (handles(timing, 0), handles(timing, 3)) == ((0, timing.dissolve_split(1)[1]), (0, 0))
    # the pieces the join holds: bodies and dissolves, adding up to the film
    pieces = cut_pieces(timeline)
    assert [name for name, _ in pieces] == ["opening", "opening>a-very-long-shot-id", "a-very-long-shot-id",
                                            "a-very-long-shot-id>s3", "s3", "S_4"]
    assert sum(frames for _, frames in pieces) == timing.total_frames
    assert dict(pieces)["a-very-long-shot-id"] == timing.body(1)[1] - timing.body(1)[0]
    # a marker at each scene's first frame, named by its heading
    markers = [(m.name, m.marked_range.start_time.value) for m in timeline.tracks.markers]
    assert markers == [("INT. ROOM - DAY", 0), ("EXT. STREET - NIGHT", timing.starts[2])]
    assert timeline.global_start_time.value == 86400


def test_clip_metadata_names_shot_scene_roles_actors_voices_and_keys():
    timeline, plan, timing = timeline_of()
    meta = {c.name: c.metadata["filmmaker"] for c in timeline.tracks[0].find_clips()}
    second = meta["a-very-long-shot-id"]
    assert second["scene"] == "room" and second["heading"] == "INT. ROOM - DAY"
    assert list(second["roles"]) == ["HERO", "VILLAIN"]
    assert dict(second["actors"]) == {"HERO": "a", "VILLAIN": "b"}
    assert dict(second["voices"]) == {"a": "piper", "b": "espeak"}
    assert dict(second["keys"]) == {"segment": "seg-a-very-long-shot-id"} and "seed" in second
    assert list(meta["opening"]["roles"]) == []
    lines = list(timeline.tracks[1].find_clips())
    assert [c.metadata["filmmaker"]["role"] for c in lines] == ["HERO", "VILLAIN"]
    # each line's clip covers the line: starts on or before it, ends on or after it
    for clip, pl in zip(lines, plan.shots[1].lines):
        at = timing.starts[1] + timing.line_starts[pl.id] * 24
        assert clip.range_in_parent().start_time.value <= at < clip.range_in_parent().start_time.value + 1
        assert clip.range_in_parent().end_time_exclusive().value >= at + 1.5 * 24


# -- timecode ----------------------------------------------------------------------------------


@pytest.mark.parametrize("tc, fps, frames", [
    ("01:00:00:00", Fraction(24), 86400),
    ("01:00:00:00", Fraction(25), 90000),
    ("01:00:00:00", Fraction(30), 108000),
    ("01:00:00:00", Fraction(24000, 1001), 86400),  # 23.976 counts 24 a second, non-drop
    ("01:00:00;00", Fraction(30000, 1001), 107892),  # drop-frame: 2 numbers skipped 9 minutes in 10
    ("01:00:00:00", Fraction(30000, 1001), 107892),  # either separator
    ("00:01:00;02", Fraction(30000, 1001), 1800),
    ("00:10:00;00", Fraction(30000, 1001), 17982),
    ("00:00:01:00", Fraction(60000, 1001), 60),
])
def test_parse_timecode(tc, fps, frames):
    assert parse_timecode(tc, fps) == frames


@pytest.mark.parametrize("tc, fps, message", [
    ("1:00:00:00", Fraction(24), "HH:MM:SS:FF"),
    ("01:00:00:24", Fraction(24), "FF below 24"),
    ("01:61:00:00", Fraction(25), "HH:MM:SS:FF"),
    ("00:01:00;00", Fraction(30000, 1001), "does not exist in drop-frame"),
])
def test_bad_timecode_is_refused_with_the_fix(tc, fps, message):
    with pytest.raises(FilmmakerError, match=message):
        parse_timecode(tc, fps)


def edl_events(text: str, dissolves: bool = False) -> list[tuple]:
    """(reel, record in, record out[, dissolve frames]) of each event's incoming clip, as pycmx reads them."""
    edl = pycmx.parse_cmx3600(io.StringIO(text))
    events = [e.edits[-1] for e in edl.events]
    if dissolves:
        return [e.transition.effect_duration if e.transition.dissolve else 0 for e in events]
    return [(e.source, e.record_in, e.record_out) for e in events]


def expected_events(timeline, fps: float) -> list[tuple[str, str, str]]:
    """The EDL's view of the timeline: a dissolve's incoming clip starts where the dissolve does."""
    start = timeline.global_start_time
    items = list(timeline.tracks[0])
    out = []
    for k, item in enumerate(items):
        if isinstance(item, otio.schema.Transition):
            continue
        span = item.range_in_parent()
        first, end = span.start_time, span.end_time_exclusive()
        if k and isinstance(items[k - 1], otio.schema.Transition):
            first -= items[k - 1].in_offset
        if k + 1 < len(items) and isinstance(items[k + 1], otio.schema.Transition):
            end -= items[k + 1].in_offset
        out.append((item.metadata["cmx_3600"]["reel"], otio.opentime.to_timecode(start + first, fps),
                    otio.opentime.to_timecode(start + end, fps)))
    return out


@pytest.mark.parametrize("fps, rate, fcm, first, last_sep", [
    ("24", 24.0, "NON-DROP FRAME", "01:00:00:00", ":"),
    ("25", 25.0, "NON-DROP FRAME", "01:00:00:00", ":"),
    ("30", 30.0, "NON-DROP FRAME", "01:00:00:00", ":"),
    ("23.976", 24000 / 1001, "NON-DROP FRAME", "01:00:00:00", ":"),
    ("29.97", 30000 / 1001, "DROP FRAME", "01:00:00;00", ";"),
])
def test_edl_timecode_at_each_rate_reads_back_with_pycmx_and_otio(fps, rate, fcm, first, last_sep):
    timeline, plan, timing = timeline_of(fps=fps)
    text, warnings = to_edl(timeline)
    assert warnings == []
    assert f"FCM: {fcm}" in text.splitlines()[1]
    events = edl_events(text)
    assert events == expected_events(timeline, rate)
    assert edl_events(text, dissolves=True) == list(timing.fade_in)
    assert events[0][1] == first and events[-1][2][8] == last_sep
    total = otio.opentime.from_timecode(events[-1][2], rate) - otio.opentime.from_timecode(first, rate)
    assert total.value == timing.total_frames  # the last record-out is the film's length
    back = otio.adapters.read_from_string(text, "cmx_3600", rate=rate)
    assert [c.metadata["cmx_3600"]["reel"] for c in back.tracks[0].find_clips()] == [e[0] for e in events]
    assert back.tracks[0].duration().value == timing.total_frames


def test_drop_frame_record_out_an_hour_in_is_counted_in_drop_frame():
    timeline, plan, timing = timeline_of(fps="29.97", start="00:59:59;00")
    events = edl_events(to_edl(timeline)[0])
    assert events[0][1] == "00:59:59;00"
    # 30 frames past 00:59:59;00 is 01:00:00;00, not a skipped number
    assert otio.opentime.to_timecode(otio.opentime.RationalTime(parse_timecode("00:59:59;00", Fraction(30000, 1001))
                                                                + 30, 30000 / 1001)) == "01:00:00;00"


# -- bad input: sanitized with a warning, or refused; never a broken file ---------------------


def test_non_ascii_title_and_heading_are_folded_for_the_edl_with_a_warning(tmp_path):
    timeline, plan, timing = timeline_of(title="Café Noir", heading="INT. CAFÉ — NUIT", role="JOSÉ")
    text, warnings = to_edl(timeline)
    text.encode("ascii")  # nothing but ASCII
    assert text.startswith("TITLE: Cafe Noir\n")
    assert any("'Café Noir' is written as 'Cafe Noir'" in w for w in warnings)
    assert len(edl_events(text)) == 4
    # the timeline itself keeps the real names; the FCP XML (UTF-8) and OTIO carry them
    assert timeline.tracks.markers[0].name == "INT. CAFÉ — NUIT"
    assert "INT. CAFÉ — NUIT" in to_fcp7xml(timeline, tmp_path)


def test_shot_ids_that_are_not_reels_still_make_a_legal_edl():
    timeline, plan, timing = timeline_of()
    text, _ = to_edl(timeline)
    reels = [reel for reel, _, _ in edl_events(text)]
    assert reels[0] == "OPENING" and reels[2] == "S3" and reels[3] == "S_4"
    assert re.fullmatch(r"AVER[A-Z2-7]{4}", reels[1])
    for line in text.splitlines():
        if re.match(r"\d{3} ", line):
            assert len(line.split()[1]) <= 8
    assert "* FROM CLIP NAME:  a-very-long-shot-id" in text or "* TO CLIP NAME:  a-very-long-shot-id" in text


@pytest.mark.parametrize("fps", ["15", "12.5", "48"])
def test_an_fps_the_edl_cannot_carry_is_skipped_with_a_warning_or_refused(tmp_path, fps):
    timeline, plan, timing = timeline_of(fps=fps)
    with pytest.raises(ExportError, match="CMX 3600 EDL cannot be written at"):
        to_edl(timeline)
    cues = subtitle_cues(plan, timing, {pl.id: 1.5 for ps in plan.shots for pl in ps.lines})
    written, warnings = write_exports(timeline, cues, tmp_path, "film", ("edl", "otio", "srt"))
    assert set(written) == {"otio", "srt"} and not (tmp_path / "film.edl").exists()
    assert any(w.startswith("edl not written: a CMX 3600 EDL cannot be written at") for w in warnings)
    assert otio.adapters.read_from_file(str(written["otio"])).tracks[0].duration().value == timing.total_frames
    with pytest.raises(ExportError):
        write_exports(timeline, cues, tmp_path / "strict", "film", ("edl",), strict=True)
    assert not (tmp_path / "strict").exists() or not any((tmp_path / "strict").iterdir())


def test_check_formats_points_at_the_fps_line_before_any_work(tmp_path):
    path = tmp_path / "film.yaml"
    text = FILM.format(fps="15", title="T", heading="H", role="V")
    path.write_text(text)
    sp = parse_screenplay(text, path)
    check_formats(sp, ("otio", "srt", "vtt"))  # these carry 15 fps
    # FCP 7 XML does not: its clips carry SMPTE timecode, which has no 15 fps (this test once said
    # it did, and a build at 15 fps then crashed in the XML adapter after all its work)
    with pytest.raises(ScreenplayError, match="FCP 7 XML has no timebase for 15 fps"):
        check_formats(sp, ("fcp7xml",))
    with pytest.raises(ScreenplayError) as caught:
        check_formats(sp, ("edl", "otio"))
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (3, "format.fps")
    assert str(problem).startswith(f"{path}:3:") and "use one of those" in problem.message
    with pytest.raises(ScreenplayError, match="FCP 7 XML has no timebase for 12.5 fps"):
        check_formats(parse_screenplay(FILM.format(fps="12.5", title="T", heading="H", role="V"), path),
                      ("fcp7xml",))


def test_vtt_uses_voice_tags_and_escapes_markup():
    timeline, plan, timing = timeline_of()
    cues = subtitle_cues(plan, timing, {pl.id: 1.5 for ps in plan.shots for pl in ps.lines})
    vtt = to_vtt(cues)
    assert vtt.startswith("WEBVTT\n\n1\n")
    assert "<v HERO>First line." in vtt
    assert "<v VILLAIN>(softly) Second &amp; &lt;last&gt; line." in vtt
    assert re.search(r"\n00:00:0\d\.\d{3} --> 00:00:0\d\.\d{3}\n<v HERO>", vtt)


def test_link_stems_points_audio_at_the_stems_present_and_leaves_the_rest_offline():
    from filmmaker.timeline import link_stems

    timeline, plan, timing = timeline_of()
    link_stems(timeline, {"stems/dialogue.wav"})
    dialogue, music = timeline.audio_tracks()
    cues = list(music.find_clips())
    assert [(c.range_in_parent().start_time.value, c.duration().value) for c in cues] == [
        (0, timing.starts[2]), (timing.starts[2], timing.total_frames - timing.starts[2])]
    assert cues[1].metadata["filmmaker"]["volume"] == 0.3
    refs = [c.media_reference for c in dialogue.find_clips()]
    assert {r.target_url for r in refs} == {"stems/dialogue.wav"}
    assert all(r.available_range.duration.value == timing.total_frames for r in refs)
    assert cues and all(isinstance(c.media_reference, otio.schema.MissingReference) for c in cues)


@pytest.mark.parametrize("fps, rate, start", [("23.976", 24000 / 1001, 86400), ("29.97", 30000 / 1001, 107892),
                                              ("25", 25.0, 90000)])
def test_fcp_xml_at_ntsc_and_pal_rates_reads_back_with_its_start_and_lengths(tmp_path, fps, rate, start):
    timeline, plan, timing = timeline_of(fps=fps)
    back = otio.adapters.read_from_string(to_fcp7xml(timeline, tmp_path), "fcp_xml")
    assert round(back.global_start_time.to_frames(rate)) == start
    assert [round(c.source_range.duration.to_frames(rate)) for c in back.tracks[0].find_clips()] == list(timing.frames)
    assert [c.media_reference.target_url for c in back.tracks[0].find_clips()] == [
        (tmp_path / "media" / f"{c.metadata['cmx_3600']['reel']}.mp4").resolve().as_uri()
        for c in timeline.tracks[0].find_clips()]
