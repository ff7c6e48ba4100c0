"""The example film's sound, measured on what a build leaves behind: the MP4's loudness and true peak by
ffmpeg's own EBU R128 meter, the stems against the program, the cue sheet, intelligibility under the
score, the broadcast target, a generated cue, and bad score input refused before any work."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile
from speech import edit_distance, make_recognizer, words  # tests/speech.py

from filmmaker.build import build_film
from filmmaker.plan import plan_film
from filmmaker.render.audio import RATE
from filmmaker.render.ffmpeg import decode_audio, ffmpeg_exe
from filmmaker.screenplay import load_screenplay


def ebur128(film: Path) -> tuple[float, float]:
    """(integrated loudness LUFS, true peak dBTP) from ffmpeg's ebur128 filter: an independent meter."""
    result = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(film), "-vn",
                             "-af", "ebur128=peak=true", "-f", "null", "-"], capture_output=True, text=True, check=True)
    summary = result.stderr[result.stderr.rindex("Summary:"):]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"True peak:\s+Peak:\s+(-?[\d.]+) dBFS", summary).group(1))
    return integrated, peak


def film_samples(report) -> int:
    return round(report.timing.total_frames * RATE / report.timing.fps)


def test_example_meets_the_web_target_by_ffmpegs_meter(built_example):
    _, _, report = built_example
    integrated, peak = ebur128(report.film)
    assert abs(integrated + 16.0) <= 1.0, f"the film measures {integrated} LUFS, wanted -16 +- 1"
    assert peak <= -1.0, f"true peak {peak} dBTP over the -1 dBTP ceiling"


def test_stems_are_the_films_length_aligned_to_its_first_frame(built_example):
    screenplay, _, report = built_example
    out = screenplay.parent / "out"
    assert set(report.stems) == {"dialogue", "music"}
    dialogue, rate = soundfile.read(out / "stems" / "dialogue.wav", dtype="float32")
    music, music_rate = soundfile.read(out / "stems" / "music.wav", dtype="float32")
    assert rate == music_rate == RATE
    assert dialogue.shape == (film_samples(report),) and music.shape == (film_samples(report), 2)
    # the program is the stems' sum (the limiter aside): same length, no offset between them
    (mix_file,) = (screenplay.parent / ".filmmaker" / "cache" / "mix").glob("*/*.f32")
    program = np.fromfile(mix_file, np.float32).reshape(-1, 2)
    summed = dialogue[:, None] + music
    assert program.shape == summed.shape
    residual = np.abs(program - summed).max(axis=1)
    untouched = np.mean(residual < 1e-5)  # the stems are float WAV: exact wherever the limiter is idle
    assert untouched > 0.9, f"the stems add up to the program on only {untouched:.1%} of the film"
    lags = range(-48, 49)
    a, b = program[:, 0].astype(np.float64), summed[:, 0].astype(np.float64)
    best = max(lags, key=lambda lag: float(np.dot(a[max(0, lag):len(a) + min(0, lag)],
                                                  b[max(0, -lag):len(b) - max(0, lag)])))
    assert best == 0, f"the stems are {best} samples off the program"
    # each stem holds only its own: no music in the dialogue stem where nobody speaks (the title card)
    assert np.abs(dialogue[: 2 * RATE]).max() == 0 and np.abs(music[: 2 * RATE]).max() > 0.01


def test_cue_sheet_lists_every_cue_with_source_licence_and_times(built_example):
    screenplay, plan, report = built_example
    sheet = screenplay.parent / "out" / "cuesheet.csv"
    assert report.cue_sheet == sheet
    rows = list(csv.DictReader(sheet.open()))
    assert [r["cue"] for r in rows] == ["score[0] title-trend", "score[1] pad-card-end"]
    assert [r["track"] for r in rows] == ["calm_acoustic_1", "happy_acoustic_1"]
    assert all(r["source"] == "stock" and r["licence"].startswith("MIT (immich-memories-music") for r in rows)
    assert rows[0]["in"] == "00:00:00:00"
    fps = int(report.timing.fps)
    end = report.timing.total_frames
    assert rows[1]["out"] == f"00:00:{end // fps:02d}:{end % fps:02d}"
    # the two cues meet between `trend` and `pad-card`: they overlap by the 2 s crossfade
    cut = report.timing.starts[plan.cues[1].first] / report.timing.fps
    assert abs(float(rows[0]["duration"]) - (float(cut) + 1.0)) < 0.001


def transcripts(plan, report, audio: np.ndarray) -> list[tuple[str, str]]:
    """(script, heard) for every line, each transcribed from its own stretch of `audio`."""
    recognize = make_recognizer()
    timing = report.timing
    out = []
    for ps in plan.shots:
        shot_start = timing.starts[ps.index] / timing.fps
        for i, pl in enumerate(ps.lines):
            start = float(shot_start) + timing.line_starts[pl.id]
            end = float(shot_start) + (timing.line_starts[ps.lines[i + 1].id] if i + 1 < len(ps.lines)
                                       else timing.frames[ps.index] / timing.fps)
            out.append((pl.line.text, recognize(audio[int((start - 0.1) * RATE):int(end * RATE)])))
    return out


def word_error_rate(pairs) -> float:
    return sum(edit_distance(words(a), words(b)) for a, b in pairs) / sum(len(words(a)) for a, _ in pairs)


def test_dialogue_stays_intelligible_under_the_score(built_example):
    screenplay, plan, report = built_example
    stem, _ = soundfile.read(screenplay.parent / "out" / "stems" / "dialogue.wav", dtype="float32")
    final = decode_audio(report.film).mean(axis=1)  # the MP4 as a viewer hears it, folded to mono
    alone = word_error_rate(transcripts(plan, report, stem))
    heard = transcripts(plan, report, final)
    mixed = word_error_rate(heard)
    print(f"\npocketsphinx WER: dialogue stem {alone:.3f}, final mix {mixed:.3f}")
    assert mixed <= alone + 0.10, f"WER {mixed:.3f} under the score vs {alone:.3f} alone: {heard}"


def test_broadcast_target_remixes_only_the_sound(built_copy):
    text = built_copy.read_text()
    built_copy.write_text(text + "\nmix: {loudness: broadcast, duck: -14, release: 0.6}\n")
    report = build_film(plan_film(load_screenplay(built_copy), preview=True), built_copy.parent / "out")
    assert report.count("segment")[0] == 0 and report.count("cue") == (0, 2)
    assert report.count("mix") == (1, 0)
    integrated, peak = ebur128(report.film)
    assert abs(integrated + 23.0) <= 1.0, f"{integrated} LUFS, wanted -23 +- 1 (EBU R128)"
    assert peak <= -1.0, f"true peak {peak} dBTP"


def test_generated_cue_through_musicgen_is_built_once(built_copy, tiny_musicgen, monkeypatch):
    text = built_copy.read_text().replace(
        "{from: pad-card, to: end, mood: happy, track: happy_acoustic_1, volume: 0.5, fade_out: 3}",
        f"{{from: pad-card, to: end, generate: 'calm piano', duration: 3, seed: 5, model: '{tiny_musicgen}'}}")
    built_copy.write_text(text)
    report = build_film(plan_film(load_screenplay(built_copy), preview=True), built_copy.parent / "out")
    rows = list(csv.DictReader((built_copy.parent / "out" / "cuesheet.csv").open()))
    assert (rows[1]["source"], rows[1]["track"]) == ("generate", "calm piano")
    assert rows[1]["licence"] == "generated by MusicGen (tiny-musicgen); model weights licence: mit"
    music, _ = soundfile.read(built_copy.parent / "out" / "stems" / "music.wav", dtype="float32")
    cut = round(report.timing.starts[6] * RATE / report.timing.fps)
    assert np.abs(music[cut + 2 * RATE: cut + 12 * RATE]).max() > 0.01  # three seconds, looped over the scene
    # a change downstream of the generated music (its volume) refits the cue but generates nothing
    from filmmaker.backends.music.musicgen import MusicGen

    def refuse(*args, **kwargs):
        raise AssertionError("MusicGen ran for music that is in the cache")

    monkeypatch.setattr(MusicGen, "generate", refuse)
    built_copy.write_text(text.replace("seed: 5,", "seed: 5, volume: 0.3,"))
    again = build_film(plan_film(load_screenplay(built_copy), preview=True), built_copy.parent / "out")
    assert again.count("cue") == (1, 1)


def run_cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "filmmaker.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def test_bad_score_sources_fail_at_resolve_with_position_and_exit_2(example):
    project = example.parent
    (project / "music" / "empty").mkdir(parents=True)
    (project / "music" / "broken.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEnot audio at all")
    text = example.read_text().replace(
        "  - {from: title, to: trend, mood: calm, volume: 0.45}\n"
        "  - {from: pad-card, to: end, mood: happy, track: happy_acoustic_1, volume: 0.5, fade_out: 3}\n",
        "  - {from: title, to: deepfield, file: music/broken.wav}\n"
        "  - {from: commander, to: console, mood: empty}\n"
        "  - {from: trend, to: pad, generate: a launch, model: nobody/no-such-musicgen}\n")
    example.write_text(text + "music: {library: music}\n")
    result = run_cli("build", example, "--preview")
    assert result.returncode == 2, result.stderr
    problems = [line for line in result.stderr.splitlines() if line.startswith(str(example))]
    assert len(problems) == 3, result.stderr
    assert re.match(rf"{re.escape(str(example))}:\d+:\d+: score\[0\]\.file: cannot decode audio from .*broken\.wav",
                    problems[0])
    assert "score[1].mood: no tracks for mood 'empty'" in problems[1]
    assert ("score[2].model: MusicGen model 'nobody/no-such-musicgen' is not in the local Hugging Face cache"
            in problems[2]) or "score[2].model: `generate` cues need" in problems[2]
    assert "3 problems; nothing was built." in result.stderr
    assert not (project / "out").exists()


def test_backwards_range_and_missing_model_folder_fail_validation(example):
    text = example.read_text().replace("{from: title, to: trend, mood: calm, volume: 0.45}",
                                       "{from: trend, to: title, mood: calm}")
    text = text.replace("{from: pad-card, to: end, mood: happy, track: happy_acoustic_1, volume: 0.5, fade_out: 3}",
                        "{from: pad, to: pad, generate: dawn, model: ./models/musicgen-small}")
    example.write_text(text)
    result = run_cli("validate", example)
    assert result.returncode == 2
    assert "score[0].to: the cue's range is empty: shot 'title' comes before 'trend'; swap `from` and `to`" \
        in result.stderr
    assert re.search(r"score\[1\]\.model: MusicGen model folder not found: .*models/musicgen-small; download a "
                     r"model once \(huggingface-cli download facebook/musicgen-small", result.stderr)
