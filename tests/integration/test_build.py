"""The example film, built for real at preview size, probed and rebuilt."""

from __future__ import annotations

import re
from pathlib import Path

import av
import pytest

from filmmaker.build import build_film
from filmmaker.cache import file_sha256
from filmmaker.plan import plan_film
from filmmaker.screenplay import load_screenplay


def probe(path: Path) -> dict:
    """Stream facts as libavformat (what ffprobe uses) reads them from the container."""
    with av.open(str(path)) as container:
        streams = {s.type: s for s in container.streams}
        out = {"types": sorted(s.type for s in container.streams)}
        video, audio = streams["video"], streams["audio"]
        out["video_seconds"] = float(video.duration * video.time_base)
        out["audio_seconds"] = float(audio.duration * audio.time_base)
        out["frames"] = sum(1 for packet in container.demux(video) if packet.size)
        out["pix_fmt"] = video.codec_context.pix_fmt
        out["codecs"] = (video.codec_context.name, audio.codec_context.name)
        out["size"] = (video.codec_context.width, video.codec_context.height)
        out["sample_rate"] = audio.codec_context.sample_rate
    return out


def srt_entries(path: Path) -> list[tuple[float, str]]:
    entries = []
    for block in path.read_text().strip().split("\n\n"):
        lines = block.splitlines()
        h, m, s, ms = map(int, re.match(r"(\d+):(\d+):(\d+),(\d+)", lines[1]).groups())
        entries.append((h * 3600 + m * 60 + s + ms / 1000, " ".join(lines[2:])))
    return entries


def test_example_film_streams_match_the_plan(built_example):
    screenplay, plan, report = built_example
    facts = probe(report.film)
    fps = float(plan.format.fps)
    one_frame = 1 / fps
    assert facts["types"] == ["audio", "video"]
    assert facts["codecs"] == ("h264", "aac")
    assert facts["pix_fmt"] == "yuv420p"
    assert facts["size"] == (plan.format.width, plan.format.height) == (640, 360)
    assert facts["sample_rate"] == 48_000
    assert report.seconds >= 40  # the example runs about 44 s
    assert facts["frames"] == report.frames
    assert abs(facts["video_seconds"] - report.seconds) <= one_frame
    assert abs(facts["audio_seconds"] - facts["video_seconds"]) <= one_frame
    head = report.film.read_bytes()
    assert head.index(b"moov") < head.index(b"mdat")  # +faststart: playable while downloading


def test_duration_is_the_sum_of_shot_durations(built_example):
    screenplay, plan, report = built_example
    timing = report.timing
    assert sum(timing.frames) == report.frames
    # fixed-length shots keep their length to the frame
    for ps in plan.shots:
        if ps.shot.duration is not None:
            assert timing.frames[ps.index] == round(ps.shot.duration * plan.format.fps)


def test_subtitles_have_one_entry_per_line_in_order(built_example):
    screenplay, plan, report = built_example
    entries = srt_entries(report.subtitles)
    lines = [pl.line for ps in plan.shots for pl in ps.lines]
    assert len(entries) == len(lines)
    starts = [start for start, _ in entries]
    assert starts == sorted(starts)
    for (start, text), line in zip(entries, lines):
        assert text.startswith(f"{line.speaker}:")
        assert line.text.split()[-1] in text
        assert 0 < start < report.seconds


def _count_backend_calls(monkeypatch) -> dict[str, int]:
    from filmmaker.backends.voice.piper import PiperEngine
    from filmmaker.render import shot

    calls = {"voice": 0, "encode": 0}
    real_synth, real_encode = PiperEngine.synthesize, shot.encode_segment

    def synth(self, *args, **kwargs):
        calls["voice"] += 1
        return real_synth(self, *args, **kwargs)

    def encode(*args, **kwargs):
        calls["encode"] += 1
        return real_encode(*args, **kwargs)

    monkeypatch.setattr(PiperEngine, "synthesize", synth)
    monkeypatch.setattr(shot, "encode_segment", encode)
    return calls


def test_second_build_calls_no_backend_and_is_byte_identical(built_copy, monkeypatch):
    film = built_copy.parent / "out" / "the-launch.mp4"
    before = film.read_bytes()
    calls = _count_backend_calls(monkeypatch)
    report = build_film(plan_film(load_screenplay(built_copy), preview=True), built_copy.parent / "out")
    assert calls == {"voice": 0, "encode": 0}
    assert not any(report.built.values()), report.built
    assert film.read_bytes() == before


@pytest.mark.parametrize("old, new, line_id, segments", [
    # a shot between two cuts: exactly its own segment is re-encoded
    ("Show me the trend, not the number.", "Show me the trend.", "3.0", ["console"]),
    # a shot whose tail dissolves into the next: its segment and that dissolve
    ("It is climbing. Slowly, but it is climbing.", "It is climbing. Slowly.", "4.0", ["trend", "trend>pad-card"]),
])
def test_editing_one_line_rebuilds_only_that_shot(built_copy, monkeypatch, old, new, line_id, segments):
    text = built_copy.read_text()
    assert old in text
    built_copy.write_text(text.replace(old, new))
    calls = _count_backend_calls(monkeypatch)
    report = build_film(plan_film(load_screenplay(built_copy), preview=True), built_copy.parent / "out")
    assert calls["voice"] == 1
    assert report.built["line"] == [line_id]
    assert sorted(report.built["segment"]) == segments
    # plus, for a shot beside a dissolve, the handle its editorial media re-renders (one here)
    assert calls["encode"] == len(segments) + len(report.built.get("media", []))
    assert report.built["mix"] == ["mix"] and report.built["cut"] == ["cut"]
    assert "picture" not in report.built
    assert len(report.reused["segment"]) == 12 - len(segments)


def test_changed_cast_rebuilds_that_actors_lines(built_copy):
    plan = plan_film(load_screenplay(built_copy), preview=True, cast={"FLIGHT": "eileen"})
    report = build_film(plan, built_copy.parent / "out")
    flight_lines = [pl.id for ps in plan.shots for pl in ps.lines if pl.line.speaker == "FLIGHT"]
    assert sorted(report.built["line"]) == sorted(flight_lines)
    assert "picture" not in report.built


@pytest.mark.parametrize("kill_after", [1.0, 2.0])  # seconds into a rebuild that takes about 3
def test_killed_build_leaves_previous_film_and_recovers(built_copy, kill_after):
    import signal
    import subprocess
    import sys
    import time

    out = built_copy.parent / "out"
    film = out / "the-launch.mp4"
    good = film.read_bytes()
    built_copy.write_text(built_copy.read_text().replace("THE END", "FIN").replace("pitch: 10.25,", "pitch: 10.5,"))
    process = subprocess.Popen([sys.executable, "-m", "filmmaker.cli", "build", str(built_copy), "--preview"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(kill_after)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert film.read_bytes() == good  # the previous cut, untouched
    assert not [p for p in out.rglob("*") if ".part" in p.name]  # no half-written file left behind
    report = build_film(plan_film(load_screenplay(built_copy), preview=True), out)
    assert film.read_bytes() != good
    assert probe(film)["frames"] == report.frames
    # every cache entry that has a record is whole: a killed write never left a served artifact
    for record in (built_copy.parent / ".filmmaker" / "cache").rglob("*.record.json"):
        import json

        meta = json.loads(record.read_text())
        artifact = next(p for p in record.parent.glob(meta["key"] + ".*") if not p.name.endswith(".record.json"))
        assert artifact.stat().st_size == meta["size"]
        assert file_sha256(artifact) == meta["sha256"]


def test_a_clean_build_elsewhere_reproduces_the_cut_byte_for_byte(built_example, example):
    """Voices are seeded and encoders deterministic: the cut is a function of the screenplay (the film
    in out/ is that cut signed, and a signature is new bytes each time it is made)."""
    report = build_film(plan_film(load_screenplay(example), preview=True), example.parent / "out")
    assert report.cut.read_bytes() == built_example[2].cut.read_bytes()
    assert report.subtitles.read_text() == built_example[2].subtitles.read_text()
