"""ACE-Step through diffusers' AceStepPipeline, on a tiny random pipeline saved to a folder by the
test: the same loading, windowing, extension (repaint) and resumption code a real checkpoint goes
through. The tiny model makes stereo 8 kHz audio at 25 latent frames a second, like the real one."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("diffusers")
pytest.importorskip("transformers")

import torch

from filmmaker.backends.music.acestep import (
    AceStep,
    _join,
    check_folder,
    locate,
    share_lyrics,
)
from filmmaker.backends.music.song import NoProgress, SongRequest
from filmmaker.errors import ResolveError

RATE = 8000
LYRICS = "[verse]\nthe engines hum\nthe countdown starts\n[chorus]\nlift off, lift off\ninto the dark"
SONG = SongRequest("calm piano, soft female vocal", LYRICS, 3.3, seed=7, bpm=92, keyscale="C major")


def _tone(n: int, phase: float) -> np.ndarray:
    """A 200 Hz stereo tone."""
    wave = np.sin(2 * np.pi * 200 * np.arange(n) / RATE + phase).astype(np.float32)
    return np.stack([wave, wave], axis=1)


class Held:
    """A Progress that keeps steps in memory and remembers what it was asked."""

    def __init__(self, steps: dict | None = None):
        self.steps = dict(steps or {})
        self.loaded: list[str] = []
        self.saved: list[str] = []

    def load(self, step):
        self.loaded.append(step)
        return self.steps.get(step)

    def save(self, step, data):
        self.saved.append(step)
        self.steps[step] = np.array(data, copy=True)


@pytest.fixture(scope="module")
def tiny_acestep(tmp_path_factory):
    from acestep_model import build_tiny_acestep  # tests/acestep_model.py

    return build_tiny_acestep(tmp_path_factory.mktemp("acestep") / "tiny-acestep")


@pytest.fixture(scope="module")
def engine(tiny_acestep):
    return AceStep(locate(str(tiny_acestep)))


@pytest.fixture(scope="module")
def windowed(tiny_acestep):
    """Windows of 1.5 s: a 3.3 s song takes three, each past the first carrying on the last 0.48 s."""
    return AceStep(tiny_acestep, window_seconds=1.5)


def test_generates_the_length_asked_for_the_same_for_the_same_request(engine):
    progress = NoProgress()
    audio, rate = engine.generate(SONG, progress)
    assert rate == RATE and audio.shape == (round(3.3 * RATE), 2) and audio.dtype == np.float32
    assert np.isfinite(audio).all() and np.abs(audio).max() > 0.1
    assert progress.saved == ["window0"]  # 3.3 s fits one default window
    np.testing.assert_array_equal(engine.generate(SONG, NoProgress())[0], audio)
    for changed in (SongRequest(SONG.style, SONG.lyrics, SONG.seconds, seed=7, bpm=140, keyscale="C major"),
                    SongRequest(SONG.style, SONG.lyrics, SONG.seconds, seed=7, bpm=92, keyscale="A minor"),
                    SongRequest("tense drums", SONG.lyrics, SONG.seconds, seed=7, bpm=92, keyscale="C major")):
        assert not np.array_equal(engine.generate(changed, NoProgress())[0], audio), f"{changed} changes nothing"
    other = engine.generate(SongRequest(SONG.style, SONG.lyrics, SONG.seconds, seed=8), NoProgress())[0]
    assert np.abs(other - audio).max() > 0.1, "the seed barely changes the song"


def test_windows_are_steps_drawn_from_the_seed_alone(windowed):
    torch.manual_seed(123)
    progress, steps = Held(), []
    audio, _ = windowed.generate(SONG, progress, steps.append)
    assert audio.shape == (round(3.3 * RATE), 2)
    assert steps == progress.saved == progress.loaded == ["window0", "window1", "window2"]
    # whole latent frames (320 samples): 1.48 s; then the last 0.48 s restated and 1 s more; then
    # 0.48 s restated and the 0.82 s left, rounded up to a frame
    assert [len(progress.steps[s]) for s in steps] == [11840, 11840, 10560]
    torch.manual_seed(999)  # whatever ran before in the process
    before = torch.random.get_rng_state()
    again, _ = windowed.generate(SONG, NoProgress())
    np.testing.assert_array_equal(again, audio)
    assert torch.equal(torch.random.get_rng_state(), before), "generation moved torch's global generator"


def test_a_resumed_song_takes_the_saved_windows_and_makes_the_same_bytes(tiny_acestep, windowed):
    whole = Held()
    audio, _ = windowed.generate(SONG, whole)
    fresh = AceStep(tiny_acestep, window_seconds=1.5)  # a new process would load it afresh
    resumed = Held({"window0": whole.steps["window0"]})
    again, _ = fresh.generate(SONG, resumed)
    np.testing.assert_array_equal(again, audio)
    assert resumed.saved == ["window1", "window2"], "a saved window was made again"
    # and the saved window is what the song is built on: a different one changes what follows it
    other = Held({"window0": whole.steps["window0"][::-1].copy()})
    changed, _ = fresh.generate(SONG, other)
    assert np.abs(changed[-RATE:] - audio[-RATE:]).max() > 1e-3


def test_a_primed_song_begins_with_the_clip_and_carries_on_past_it(engine):
    from filmmaker.render.audio import resample

    t = np.arange(int(1.5 * 48_000)) / 48_000  # 1.5 s of a 220 Hz tone swelling, mono at 48 kHz
    clip = (0.5 * np.sin(2 * np.pi * 220 * t) * np.linspace(0.2, 1, len(t)))[:, None].astype(np.float32)
    request = SongRequest(SONG.style, SONG.lyrics, 3.0, seed=3, prime=clip, prime_rate=48_000)
    progress = NoProgress()
    audio, _ = engine.generate(request, progress)
    assert audio.shape == (3 * RATE, 2) and progress.saved == ["window0"]
    given = resample(clip, 48_000, RATE)[:, 0]
    n = len(given)
    # the clip's whole latent frames are the context; its last sixteenth fades into the restatement
    untouched = n - (n // 320 * 320) // 16
    for channel in range(2):
        np.testing.assert_array_equal(audio[:untouched, channel], given[:untouched])
        assert np.corrcoef(audio[:n, channel], given)[0, 1] > 0.9
    unprimed, _ = engine.generate(SongRequest(SONG.style, SONG.lyrics, 3.0, seed=3), NoProgress())
    assert abs(np.corrcoef(unprimed[:n, 0], given)[0, 1]) < 0.5  # the check above can fail
    rest = audio[n:]
    assert np.sqrt(np.mean(rest ** 2)) > 0.05, "nothing carries on after the clip"
    assert abs(np.corrcoef(rest[:n // 2, 0], given[:n // 2])[0, 1]) < 0.5, "the clip is repeated, not carried on"


def test_joining_levels_the_window_to_the_song_and_crossfades_inside_the_context():
    """A window restating the last 2000 samples out of phase and 20 dB quieter (each window is
    peak-normalized on its own) joins with no step and at the song's level."""
    ours, theirs = _tone(8000, phase=0.0), 0.1 * _tone(6000, phase=2.0)
    joined = _join(ours, theirs, keep=2000, rate=RATE)
    assert joined.shape == (12_000, 2)
    np.testing.assert_array_equal(joined[:8000 - 125], ours[:-125])  # fades over a sixteenth of the context
    np.testing.assert_allclose(joined[8000:], 10 * theirs[2000:], rtol=1e-4, atol=1e-6)
    sine_step = np.abs(np.diff(ours[:, 0])).max()
    assert np.abs(np.diff(joined[:, 0])).max() <= 1.05 * sine_step, "a click where the window takes over"


def test_lyrics_are_shared_out_over_the_windows():
    first, second = share_lyrics(LYRICS, 0, 0.5), share_lyrics(LYRICS, 0.5, 1)
    assert first == "[verse]\nthe engines hum\nthe countdown starts"
    assert second == "[chorus]\nlift off, lift off\ninto the dark"
    assert share_lyrics(LYRICS, 0.3, 0.7) == "[verse]\nthe countdown starts\n\n[chorus]\nlift off, lift off"
    assert share_lyrics(LYRICS, -0.2, 1.0) == "[verse]\nthe engines hum\nthe countdown starts\n\n" \
                                              "[chorus]\nlift off, lift off\ninto the dark"
    assert share_lyrics("[inst]", 0.5, 1) == "[inst]"  # an instrumental's marker goes to every window
    assert share_lyrics("", 0, 1) == ""


def test_lyrics_too_long_for_the_model_name_its_limit(engine):
    assert engine.lyrics_problem(LYRICS) is None
    assert engine.lyrics_problem("") is None
    lyrics = "la la la\n" * 300
    problem = engine.lyrics_problem(lyrics)
    assert problem is not None and "reads at most 2048" in problem and "shorten them" in problem
    # counted as the pipeline counts them: its own lyric text through its own tokenizer
    _, pipe, _ = engine._load()
    counted = len(pipe.tokenizer(pipe._format_prompt("", lyrics)[1]).input_ids)
    assert f"the lyrics are {counted} tokens long" in problem


def test_identity_hashes_every_component_and_the_licence_follows_the_card(engine, tiny_acestep, tmp_path):
    from filmmaker.cache import file_sha256

    identity = engine.identity(file_sha256)
    assert identity["engine"] == "ace-step" and identity["v"] >= 1
    for name in ("model_index.json", "transformer/diffusion_pytorch_model.safetensors", "vae/config.json",
                 "condition_encoder/diffusion_pytorch_model.safetensors", "text_encoder/model.safetensors",
                 "tokenizer/tokenizer.json", "scheduler/scheduler_config.json"):
        assert identity["files"][name] == file_sha256(tiny_acestep / name)
    assert "README.md" not in identity["files"]
    assert engine.licence == "generated by ACE-Step 1.5 (tiny-acestep); model weights licence: mit"
    assert "MIT licence: check this checkpoint's model card" in AceStep(tmp_path).licence


def test_missing_or_wrong_models_are_resolve_errors_with_the_fix(tmp_path, tiny_acestep):
    check_folder(tiny_acestep)
    assert locate(str(tiny_acestep)) == tiny_acestep
    with pytest.raises(ResolveError, match=r"ACE-Step model folder not found: .*huggingface-cli download"):
        locate(str(tmp_path / "nowhere"))
    with pytest.raises(ResolveError, match=r"'nobody/no-such-acestep' is not in the local Hugging Face cache"):
        locate("nobody/no-such-acestep")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ResolveError, match=r"no model_index.json.*huggingface-cli download .* --local-dir"):
        check_folder(empty)
    upstream = tmp_path / "upstream"
    (upstream / "acestep-v15-turbo").mkdir(parents=True)
    with pytest.raises(ResolveError, match=r"original layout.*diffusers-format"):
        check_folder(upstream)
    other = tmp_path / "sd"
    other.mkdir()
    (other / "model_index.json").write_text(json.dumps({"_class_name": "StableDiffusionPipeline"}))
    with pytest.raises(ResolveError, match=r"holds a StableDiffusionPipeline .*wrong kind.*needs an AceStepPipeline"):
        check_folder(other)
    partial = tmp_path / "partial"
    partial.mkdir()
    (partial / "model_index.json").write_text((tiny_acestep / "model_index.json").read_text())
    (partial / "vae").mkdir()
    with pytest.raises(ResolveError, match=r"lacks the folder\(s\) condition_encoder, .*download is incomplete"):
        check_folder(partial)
