"""The `jukebox` song engine on a tiny random Jukebox that the test builds with jukebox-infer's own
model builders: jukebox-infer's real priors and VQ-VAE sample, level by level and window by
window, resume from saved steps to the same bytes, continue a priming clip, and refuse what they
cannot sing or load, naming the fix."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("jukebox_infer")

from filmmaker.backends.music.jukebox import Jukebox, check_folder, locate, style_labels
from filmmaker.backends.music.song import NoProgress, SongRequest
from filmmaker.errors import ResolveError

SONG = SongRequest("dreamy synth-pop, female vocal", "Up through the morning\nwe ride on the fire\n", 1.2345, seed=7)


class Kept:
    """A Progress that keeps every step in memory and says what was asked and saved."""

    def __init__(self, steps: dict | None = None):
        self.steps, self.saved, self.loaded = dict(steps or {}), [], []

    def load(self, step):
        if step in self.steps:
            self.loaded.append(step)
        return self.steps.get(step)

    def save(self, step, data):
        self.saved.append(step)
        self.steps[step] = np.array(data)


class Killed(Exception):
    pass


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from jukebox_model import build_tiny_jukebox  # tests/jukebox_model.py

    return build_tiny_jukebox(tmp_path_factory.mktemp("jukebox") / "tiny-jukebox")


@pytest.fixture(scope="module")
def engine(tiny):
    return Jukebox(locate(str(tiny)))


@pytest.fixture(scope="module")
def song(engine):
    """SONG made once in one go, with every step it saved."""
    progress = Kept()
    audio, rate = engine.generate(SONG, progress)
    return audio, rate, progress


@pytest.mark.slow
def test_the_length_asked_for_the_same_for_the_same_seed_another_for_another(engine, song):
    audio, rate, _ = song
    assert rate == 2000 and audio.shape == (2469, 1) and audio.dtype == np.float32  # round(1.2345 * 2000)
    assert np.isfinite(audio).all() and np.abs(audio).max() > 1e-3
    again, _ = engine.generate(SONG, NoProgress())
    np.testing.assert_array_equal(again, audio)
    other, _ = engine.generate(SongRequest(**{**SONG.__dict__, "seed": 8}), NoProgress())
    assert other.shape == audio.shape and np.abs(other - audio).max() > 1e-3, "the seed changes nothing"


def test_style_and_lyrics_reach_every_prior_as_its_labels(engine, monkeypatch):
    """What the priors are conditioned on (a random tiny prior barely responds to it: its labels are
    checked where they enter jukebox-infer's sampling)."""
    priors = engine._load()[2]
    seen = {}

    class Seen(Exception):
        pass

    def spy(level):
        def sample(*args, y=None, **kwargs):
            seen[level] = y[0].cpu().numpy()
            raise Seen

        return sample

    labels = {}
    for style, lyrics in ((SONG.style, SONG.lyrics), ("upbeat rock by the Beatles", "Yesterday")):
        for level, prior in enumerate(priors):
            with monkeypatch.context() as patch:
                patch.setattr(prior, "sample", spy(level))
                # the levels above as if saved (SONG is 2480 samples in whole top tokens): straight to this one
                progress = Kept({f"level{i}": np.zeros(2480 // (4 * 2 ** i), np.int16) for i in range(level + 1, 3)})
                with pytest.raises(Seen):
                    engine.generate(SongRequest(style, lyrics, SONG.seconds, 7), progress)
        labels[style] = dict(seen)
    top = priors[-1].labeller
    ours, beatles = labels[SONG.style][2], labels["upbeat rock by the Beatles"][2]
    assert (ours[3], ours[4]) == (0, top.ag_processor.genre_ids["synthpop"])  # y: length, offset, window, artist, genre
    assert (beatles[3], beatles[4]) == (top.ag_processor.artist_ids["the beatles"], top.ag_processor.genre_ids["rock"])
    assert top.text_processor.textise(ours[-16:].tolist()) == "Up through the m"  # the lyrics' first window
    assert top.text_processor.textise(beatles[-16:].tolist()) == "Yesterday"
    genres = priors[0].labeller.ag_processor.genre_ids  # an upsampler's bag of genre words
    assert list(labels[SONG.style][0][4:9]) == [genres["pop"], genres["vocal"], genres["synthpop"], -1, -1]
    assert labels["upbeat rock by the Beatles"][0][3] == priors[0].labeller.ag_processor.artist_ids["the_beatles"]


@pytest.mark.slow
def test_steps_are_each_window_then_each_level_from_the_top(song):
    progress = song[2]
    levels = [step for step in progress.saved if "." not in step]
    assert levels == ["level2", "level1", "level0"]
    for level in levels:  # every level is longer than its prior's context: sampled in several windows
        windows = [s for s in progress.saved if s.startswith(f"{level}.window")]
        assert len(windows) >= 3 and windows == [f"{level}.window{i}" for i in range(len(windows))]
        assert progress.saved.index(windows[-1]) + 1 == progress.saved.index(level)
        joined = np.concatenate([progress.steps[w] for w in windows])
        np.testing.assert_array_equal(joined, progress.steps[level])
    # 1.2345 s rounds up to whole top-level tokens (16 samples each): 125, 250, 500 per second
    assert [len(progress.steps[f"level{i}"]) for i in (2, 1, 0)] == [155, 310, 620]


@pytest.mark.slow
def test_resumed_from_saved_steps_the_same_bytes_without_sampling_them_again(engine, song, monkeypatch):
    audio, _, whole = song
    top = engine._load()[2][-1]
    calls = []
    original = top.sample
    monkeypatch.setattr(top, "sample", lambda *a, **k: calls.append(1) or original(*a, **k))
    resumed = Kept({"level2": whole.steps["level2"]})
    steps = []
    again, _ = engine.generate(SONG, resumed, steps.append)
    np.testing.assert_array_equal(again, audio)
    assert not calls, "the top level was sampled again"
    assert resumed.loaded == ["level2"] and not any(s.startswith("level2") for s in resumed.saved)
    assert steps[0] == "level2" and steps[-1] == "level0"

    # killed after the fifth step of the first upsampler: it resumes from its windows
    killed = Kept()
    kill_at = whole.saved.index("level1.window4")

    def stop(step):
        if len(killed.saved) > kill_at:
            raise Killed(step)

    with pytest.raises(Killed):
        engine.generate(SONG, killed, stop)
    before = list(killed.saved)
    assert before[-1] == "level1.window4" and "level1" not in before
    again, _ = engine.generate(SONG, killed)
    np.testing.assert_array_equal(again, audio)
    assert killed.saved[len(before):] == whole.saved[kill_at + 1:], "a saved step was made again"


@pytest.mark.slow
def test_a_primed_song_begins_with_the_clip_and_carries_on_from_its_tokens(engine):
    t = np.arange(48_000) / 48_000  # one second, stereo, at the rate the build decodes clips to
    tone = (0.4 * np.sin(2 * np.pi * 110 * t) + 0.2 * np.sin(2 * np.pi * 330 * t)).astype(np.float32)
    clip = np.stack([tone, tone * 0.5], axis=1)
    progress = Kept()
    request = SongRequest(SONG.style, SONG.lyrics, 2.0, 3, prime=clip, prime_rate=48_000)
    audio, _rate = engine.generate(request, progress)
    assert audio.shape == (4000, 1)
    expected = 0.75 * (0.4 * np.sin(2 * np.pi * 110 * t[::24]) + 0.2 * np.sin(2 * np.pi * 330 * t[::24]))
    head = audio[:2000, 0]
    assert np.corrcoef(head, expected)[0, 1] > 0.9, "the song does not begin with the clip"
    assert np.abs(head[100:1800] - expected[100:1800]).max() < 0.02  # the clip itself, not its reconstruction
    rest = audio[2000:, 0]
    assert rest.std() > 1e-3 and abs(np.corrcoef(rest, expected)[0, 1]) < 0.5, "nothing carries on past the clip"
    # primed sampling: every level's tokens begin with the clip's own
    import torch

    from filmmaker.backends.music.jukebox import _mono

    vqvae = engine._load()[1]
    with torch.no_grad():
        codes = vqvae.encode(torch.from_numpy(_mono(clip, 48_000, 2000)).view(1, 2000, 1), start_level=0, end_level=3)
    for level, z in enumerate(codes):
        saved = progress.steps[f"level{level}"]
        assert len(saved) == 4000 // (4 * 2 ** level) and z.shape[1] == len(saved) // 2
        np.testing.assert_array_equal(saved[:z.shape[1]], z[0].numpy())


def test_lyrics_past_the_models_limit_are_refused_naming_the_limit(engine):
    assert engine.lyrics_problem("") is None and engine.lyrics_problem(SONG.lyrics) is None
    limit = engine.model.lyrics_limit
    assert limit == 1875  # 16 characters per 0.512-s window, over songs of at most 60 s
    assert engine.lyrics_problem("la " * 625 + "\U0001F3B5" * 50) is None  # what Jukebox cannot spell is not sung
    problem = engine.lyrics_problem("la " * 700)
    assert "2,100 characters" in problem and "at most 1,875" in problem and "limit" in problem
    assert "16 characters per 0.5-s window" in problem and "shorten" in problem


def test_identity_and_licence(engine, tiny):
    from filmmaker.cache import file_sha256

    identity = engine.identity(file_sha256)
    assert identity["engine"] == "jukebox" and identity["v"] >= 1
    assert set(identity["files"]) == {"hparams.json", "vqvae.pth.tar", "prior_level_0.pth.tar",
                                      "prior_level_1.pth.tar", "prior_level_2.pth.tar"}
    assert identity["files"]["vqvae.pth.tar"] == file_sha256(tiny / "vqvae.pth.tar")
    assert "OpenAI" in engine.licence and "non-commercial" in engine.licence


def test_style_maps_to_the_priors_artists_and_genres(engine):
    upsampler, top = engine._load()[2][0].labeller, engine._load()[2][-1].labeller
    assert style_labels("dreamy synth-pop, female vocal, 92 bpm", top) == ("unknown", "synthpop")
    assert style_labels("upbeat rock in the style of the Beatles", top) == ("the beatles", "rock")
    assert style_labels("a sad country song by Johnny Cash", top) == ("johnny cash", "country")
    assert style_labels("soft piano lullaby", top) == ("unknown", "unknown")
    assert style_labels("dreamy synth-pop, female vocal", upsampler) == ("various", "pop vocal synthpop")
    assert style_labels("chanson à la Édith Piaf", upsampler) == ("dith_piaf", "chanson")  # v2 drops accents


def test_missing_or_foreign_folders_are_resolve_errors_with_the_fix(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    with pytest.raises(ResolveError, match=r"Jukebox model folder not found: .*nowhere.*by hand.*non-commercial"):
        locate(str(tmp_path / "nowhere"))
    with pytest.raises(ResolveError, match=r"'1b_lyrics' is not in jukebox-infer's cache \(.*home/.cache/jukebox/"
                                           r"models/1b_lyrics\).*wget"):
        locate("1b_lyrics")
    with pytest.raises(ResolveError, match=r"nor a Jukebox model name: 5b, 5b_lyrics, 1b_lyrics"):
        locate("2b_lyrics")
    other = tmp_path / "ace-step"
    other.mkdir()
    (other / "model_index.json").write_text('{"_class_name": "AceStepPipeline"}')
    with pytest.raises(ResolveError, match=r"a model of the wrong kind for the engine `jukebox`: it has "
                                           r"model_index.json \(a diffusers pipeline"):
        check_folder(other)
    partial = tmp_path / "partial"
    shutil.copytree(tiny, partial)
    (partial / "prior_level_2.pth.tar").unlink()
    with pytest.raises(ResolveError, match=r"missing Jukebox's prior_level_2.pth.tar .*non-commercial.*wget"):
        check_folder(partial)
    (partial / "prior_level_2.pth.tar").write_bytes(b"")
    spec = json.loads((partial / "hparams.json").read_text())
    spec["priors"][2]["prior_widht"] = 32
    (partial / "hparams.json").write_text(json.dumps(spec))
    with pytest.raises(ResolveError, match=r"priors\[2\]: prior_widht not in default args"):
        check_folder(partial)
    (partial / "hparams.json").unlink()
    with pytest.raises(ResolveError, match=r'no hparams.json saying which Jukebox model.*\{"model": "1b_lyrics"\}'):
        check_folder(partial)


def test_named_models_in_jukebox_infers_cache_share_its_5b_files(tiny, tmp_path, monkeypatch):
    from filmmaker.cache import file_sha256

    monkeypatch.setenv("HOME", str(tmp_path))
    models = tmp_path / ".cache" / "jukebox" / "models"
    (models / "5b").mkdir(parents=True)
    (models / "5b_lyrics").mkdir()
    for name in ("vqvae.pth.tar", "prior_level_0.pth.tar", "prior_level_1.pth.tar"):
        shutil.copy(tiny / name, models / "5b" / name)
    shutil.copy(tiny / "prior_level_2.pth.tar", models / "5b_lyrics" / "prior_level_2.pth.tar")
    folder = locate("5b_lyrics")  # OpenAI's layout, no hparams.json: jukebox-infer's named hparams
    assert folder == models / "5b_lyrics"
    real = Jukebox(folder)
    assert real.model.label == "5b_lyrics" and real.model.sr == 44100 and real.model.top["n_tokens"] == 512
    assert real.lyrics_problem("la " * 4000) is None and "at most 12,91" in real.lyrics_problem("la " * 5000)
    assert set(real.identity(file_sha256)["files"]) == {"../5b/vqvae.pth.tar", "../5b/prior_level_0.pth.tar",
                                                      "../5b/prior_level_1.pth.tar", "prior_level_2.pth.tar"}
    (models / "5b" / "prior_level_2.pth.tar").write_bytes(b"")
    assert "sings no words" in Jukebox(locate("5b")).lyrics_problem("la la")
