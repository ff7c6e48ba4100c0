"""Casting from one voice model, measured: distinct people, timbre apart from pitch, intelligibility.

The README's casting palette (A-D) is four voice specs over the one bundled piper voice. Each is
rendered and measured: median F0 by a YIN tracker, and a spectral envelope (the vocal tract,
cepstrally smoothed, averaged over voiced frames). Two voices are told apart when their F0 differs
by 2 semitones or more, or their envelopes differ by more than two renderings of one voice saying
different sentences ever do (the same-voice baseline, measured here too). Intelligibility is the
word error rate of pocketsphinx's stock US-English model on short everyday sentences.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from speech import edit_distance, make_recognizer, semitones, words, yin  # tests/speech.py

from filmmaker.backends.voice import open_voice
from filmmaker.cache import file_sha256
from filmmaker.render.audio import RATE
from filmmaker.render.spectral import FRAME, envelope
from filmmaker.render.voice import speak
from filmmaker.screenplay import load_screenplay
from filmmaker.screenplay.model import VoiceSpec

EXAMPLE = Path(__file__).resolve().parents[2] / "assets" / "examples" / "the-launch.yaml"

PALETTE = {
    "A": VoiceSpec(pitch=0),
    "B": VoiceSpec(pitch=5, timbre=4),
    "C": VoiceSpec(pitch=-4, timbre=-1, rate=0.92),
    "D": VoiceSpec(pitch=9, timbre=5, rate=1.08),
}
# two renderings per voice: pairs are compared on the same text, the baseline across the two texts
TEXTS = ("Then we fly tonight. Tell the crew to get some sleep.",
         "The weather over the Cape is finally clearing. Check the fuel lines.")

APART_SEMITONES = 2.0
# Envelope distance that tells two voices apart. Measured (bundled voice, both texts): one voice
# against itself on the two texts, 1.6-2.5 dB (worst: voice C); the closest palette pair, 4.05 dB
# (B-D). 3.0 dB sits 0.5 dB above the worst baseline and 1 dB below the closest pair.
APART_ENVELOPE_DB = 3.0
BASELINE_MARGIN_DB = 0.4  # the threshold must clear every same-voice baseline by this much
ENVELOPE_BAND = np.geomspace(100.0, 5000.0, 60)  # Hz: log-spaced, so a formant shift weighs the same anywhere

WER_SENTENCES = ("Please close the door when you leave.", "The coffee is still hot.",
                 "I will call you tomorrow morning.", "Where did you park the car?",
                 "We need more milk and bread.")
DEFAULT_WER = 0.25
CAST_WER = 0.5


# -- measuring tools ---------------------------------------------------------------------------------

def voiced_spectra(audio: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Magnitude spectra (bins x frames) of Hann-windowed FRAME-sample frames at the given centres."""
    starts = np.clip(centres - FRAME // 2, 0, len(audio) - FRAME)
    frames = np.stack([audio[s:s + FRAME] for s in starts]).astype(np.float64) * np.hanning(FRAME)
    return np.abs(np.fft.rfft(frames, axis=1)).T


def measure(audio: np.ndarray) -> dict:
    """Median F0 (Hz), envelope (dB at ENVELOPE_BAND, mean removed) and spectral centroid (Hz),
    all over the voiced frames."""
    f0, _, _, centres = yin(audio)
    voiced = ~np.isnan(f0)
    assert voiced.sum() >= 20, f"only {voiced.sum()} voiced frames: the tracker or the voice is broken"
    magnitude = voiced_spectra(audio, centres[voiced])
    freqs = np.fft.rfftfreq(FRAME, 1 / RATE)
    level = 20 * np.log10(np.mean(envelope(magnitude), axis=1))  # the long-term vocal-tract shape
    env = np.interp(ENVELOPE_BAND, freqs, level)
    power = magnitude ** 2
    centroid = float(np.median((power * freqs[:, None]).sum(axis=0) / power.sum(axis=0)))
    return {"f0": float(np.median(f0[voiced])), "envelope": env - env.mean(), "centroid": centroid,
            "track": f0, "samples": len(audio)}


def envelope_distance(a: np.ndarray, b: np.ndarray) -> float:
    """RMS difference in dB of two envelopes, their mean levels removed."""
    d = a - b
    return float(np.sqrt(np.mean((d - d.mean()) ** 2)))


def spec_text(spec: VoiceSpec) -> str:
    return f"pitch {spec.pitch:+g}, timbre {'-' if spec.timbre is None else f'{spec.timbre:+g}'}, rate {spec.rate:g}"


# -- fixtures ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def engine():
    return open_voice(VoiceSpec(), file_sha256)


@pytest.fixture(scope="module")
def voices(engine):
    """The palette plus the timbre pair, each on both texts: {name: (spec, [measure(text) for text])}."""
    specs = {**PALETTE, "P3": VoiceSpec(pitch=3), "P3T-3": VoiceSpec(pitch=3, timbre=-3)}
    out = {name: (spec, [measure(speak(engine, text, spec)) for text in TEXTS]) for name, spec in specs.items()}
    print("\nvoice   spec                                  median F0 (texts 1, 2)   centroid   same-voice env. distance")
    for name, (spec, (m1, m2)) in out.items():
        print(f"  {name:5s} {spec_text(spec):37s} {m1['f0']:6.1f} {m2['f0']:6.1f} Hz"
              f"        {m1['centroid']:5.0f} Hz   {envelope_distance(m1['envelope'], m2['envelope']):.2f} dB")
    return out


@pytest.fixture(scope="module")
def baselines(voices):
    """Envelope distance of each voice to itself, saying the two different texts."""
    return {name: envelope_distance(m1["envelope"], m2["envelope"]) for name, (_, (m1, m2)) in voices.items()}


@pytest.fixture(scope="module")
def pairs(voices):
    """For each palette pair, (|dF0| in semitones, envelope distance), the smaller over the two texts."""
    out = {}
    for a, b in itertools.combinations(PALETTE, 2):
        out[a + b] = (min(abs(semitones(voices[a][1][i]["f0"], voices[b][1][i]["f0"])) for i in range(2)),
                      min(envelope_distance(voices[a][1][i]["envelope"], voices[b][1][i]["envelope"])
                          for i in range(2)))
    print("\npair   |dF0|      envelope distance")
    for name, (df0, env) in out.items():
        print(f"  {name}   {df0:5.2f} st   {env:5.2f} dB")
    return out


def table(voices, baselines, pairs) -> str:
    rows = [f"{name}: {spec_text(spec)}: F0 {m[0]['f0']:.1f}/{m[1]['f0']:.1f} Hz, centroid {m[0]['centroid']:.0f} Hz, "
            f"same-voice {baselines[name]:.2f} dB" for name, (spec, m) in voices.items()]
    rows += [f"{name}: |dF0| {df0:.2f} st, envelope {env:.2f} dB" for name, (df0, env) in pairs.items()]
    return "\n".join(rows)


# -- four people from one voice -----------------------------------------------------------------------------

def test_the_envelope_threshold_is_above_the_same_voice_baseline(voices, baselines, pairs):
    """What makes the threshold mean something: one voice on two texts never comes near it."""
    worst = max(baselines.values())
    assert worst + BASELINE_MARGIN_DB <= APART_ENVELOPE_DB, \
        f"same-voice baseline {worst:.2f} dB too close to the {APART_ENVELOPE_DB} dB threshold\n" + \
        table(voices, baselines, pairs)


@pytest.mark.parametrize("pair", ["".join(p) for p in itertools.combinations(PALETTE, 2)])
def test_palette_voices_are_told_apart(voices, baselines, pairs, pair):
    df0, env = pairs[pair]
    assert df0 >= APART_SEMITONES or env >= APART_ENVELOPE_DB, \
        f"{pair}: |dF0| {df0:.2f} st, envelope {env:.2f} dB\n" + table(voices, baselines, pairs)


def test_palette_f0_follows_the_asked_pitch(voices, baselines, pairs):
    """Each voice's F0 sits where its pitch puts it relative to A, within 1.5 semitones over the two
    texts (no octave errors; piper's intonation varies a little with the tempo it is asked for)."""
    for name, spec in PALETTE.items():
        moved = np.mean([semitones(voices[name][1][i]["f0"], voices["A"][1][i]["f0"]) for i in range(2)])
        assert abs(moved - spec.pitch) <= 1.5, f"{name}: {moved:+.2f} st for pitch {spec.pitch:+g}\n" + \
            table(voices, baselines, pairs)


# -- timbre apart from pitch -------------------------------------------------------------------------------

def test_timbre_moves_the_envelope_not_the_pitch(voices, baselines, pairs):
    """pitch 3 against pitch 3 + timbre -3: the same F0, a different vocal tract, lower formants.

    The engine speaks both identically (timbre is applied after), so F0 is compared over the frames
    voiced in both: lowering the formants changes which frames pass the voicing test, and a median
    over different frames would move with the intonation, not with the voice.
    """
    report = table(voices, baselines, pairs)
    for i in range(2):
        plain, lowered = voices["P3"][1][i], voices["P3T-3"][1][i]
        assert plain["samples"] == lowered["samples"], "timbre changed the line's length"
        both = ~np.isnan(plain["track"]) & ~np.isnan(lowered["track"])
        assert both.sum() >= 20, f"text {i + 1}: only {both.sum()} frames voiced in both\n" + report
        moved = semitones(np.median(lowered["track"][both]), np.median(plain["track"][both]))
        assert abs(moved) <= 0.5, f"text {i + 1}: F0 moved {moved:+.2f} st over {both.sum()} frames\n" + report
        distance = envelope_distance(plain["envelope"], lowered["envelope"])
        same = max(baselines["P3"], baselines["P3T-3"])
        assert distance >= APART_ENVELOPE_DB and distance >= 1.5 * same, \
            f"text {i + 1}: envelope moved {distance:.2f} dB, same-voice baseline {same:.2f} dB\n" + report
        # the formants go down with timbre: so does the spectral centroid, by more than 2 semitones
        assert semitones(lowered["centroid"], plain["centroid"]) <= -2.0, f"text {i + 1}: centroid\n" + report


# -- intelligibility -----------------------------------------------------------------------------------------

def test_word_error_rate_counts_words():
    assert edit_distance(words("the coffee is still hot"), words("The coffee, still HOT!")) == 1
    assert edit_distance(words("a b c"), words("x a c d")) == 3


@pytest.fixture(scope="module")
def recognizer():
    return make_recognizer()


@pytest.fixture(scope="module")
def example_voices() -> dict[str, VoiceSpec]:
    """The voices the example casts (its uncast alternate aside)."""
    screenplay = load_screenplay(EXAMPLE)
    cast = {screenplay.actors[actor_id] for actor_id in screenplay.cast.values()}
    assert len(cast) == 2
    return {f"{actor.id} (example)": actor.voice for actor in cast}


@pytest.fixture(scope="module")
def word_errors(recognizer, example_voices):
    """{voice: (spec, WER, hypotheses)} for the default voice, the example's actors and the palette."""
    specs = {"default": VoiceSpec(), **example_voices, **{n: s for n, s in PALETTE.items() if s != VoiceSpec()}}
    out = {}
    for name, spec in specs.items():
        engine = open_voice(spec, file_sha256)
        hyps = [recognizer(speak(engine, text, spec)) for text in WER_SENTENCES]
        errors = sum(edit_distance(words(ref), words(hyp)) for ref, hyp in zip(WER_SENTENCES, hyps))
        out[name] = (spec, errors / sum(len(words(ref)) for ref in WER_SENTENCES), hyps)
    for name, spec in PALETTE.items():
        if spec == VoiceSpec():
            out[name] = out["default"]  # the same voice: the same numbers
    print("\nword error rate (pocketsphinx en-us, 5 sentences, 30 words)")
    for name, (spec, wer, hyps) in out.items():
        print(f"  {name:17s} {spec_text(spec):37s} WER {wer:.3f}   e.g. {hyps[1]!r}, {hyps[3]!r}")
    return out


def wer_table(word_errors) -> str:
    return "\n".join(f"{name}: {spec_text(spec)}: WER {wer:.3f}; heard {hyps}"
                     for name, (spec, wer, hyps) in word_errors.items())


def test_default_voice_is_intelligible(word_errors):
    assert word_errors["default"][1] <= DEFAULT_WER, wer_table(word_errors)


@pytest.mark.parametrize("name", ["eileen (example)", "lav (example)", "A", "B", "C", "D"])
def test_cast_voices_are_intelligible(word_errors, name):
    assert name in word_errors, f"no voice {name!r}; the example's actors changed?\n" + wer_table(word_errors)
    assert word_errors[name][1] <= CAST_WER, f"{name}: WER {word_errors[name][1]:.3f}\n" + wer_table(word_errors)
