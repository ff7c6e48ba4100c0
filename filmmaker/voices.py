"""Voice design on top of any engine: pitch and rate per actor, then levels for the mix.

Pitch is shifted the way tape does it: the engine speaks slower by the pitch factor, then the
audio is resampled to play that much faster. Duration ends up where `rate` puts it, and the
voice's formants move with its pitch, which reads as a different (larger or smaller) speaker.
"""

from __future__ import annotations

import unicodedata

import numpy as np

from filmmaker.backends.voice import VoiceEngine
from filmmaker.render.audio import DIALOGUE_LUFS, RATE, fade, normalize, resample, trim_silence
from filmmaker.screenplay.model import VoiceSpec

EDGE_FADE = 0.012  # seconds: no line starts or ends with a click


def speakable(text: str) -> str:
    """The text without emoji, pictographs and invisible format characters, which phonemizers
    would otherwise read out by name ("slightly smiling face") in the middle of a line."""
    return "".join(c for c in text if unicodedata.category(c) not in UNSPOKEN and not _is_variation_selector(c))


# other symbols (emoji), modifiers (skin tones), format (zero-width joiner), private and unassigned
UNSPOKEN = {"So", "Sk", "Cf", "Co", "Cs", "Cn"}


def _is_variation_selector(c: str) -> bool:
    return "\ufe00" <= c <= "\ufe0f" or "\U000e0100" <= c <= "\U000e01ef"


def speak(engine: VoiceEngine, text: str, spec: VoiceSpec) -> np.ndarray:
    """One line as mono float32 at 48 kHz: designed, trimmed, loudness-normalized, faded."""
    silence = np.zeros(int(0.3 * RATE), np.float32)  # for a line with nothing speakable in it
    text = speakable(text)
    if not text.strip():
        return silence
    factor = 2.0 ** (spec.pitch / 12.0)
    raw, rate = engine.synthesize(text, length_scale=factor / spec.rate)
    audio = trim_silence(resample(raw, rate * factor, RATE))
    if len(audio) == 0:
        return silence
    audio = normalize(audio, DIALOGUE_LUFS)
    return fade(audio, EDGE_FADE, EDGE_FADE)
