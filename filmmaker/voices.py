"""Voice design on top of any engine: pitch and rate per actor, then levels for the mix.

Pitch is shifted the way tape does it: the engine speaks slower by the pitch factor, then the
audio is resampled to play that much faster. Duration ends up where `rate` puts it, and the
voice's formants move with its pitch, which reads as a different (larger or smaller) speaker.
"""

from __future__ import annotations

import numpy as np

from filmmaker.backends.voice import VoiceEngine
from filmmaker.render.audio import DIALOGUE_LUFS, RATE, fade, normalize, resample, trim_silence
from filmmaker.screenplay.model import VoiceSpec

EDGE_FADE = 0.012  # seconds: no line starts or ends with a click


def speak(engine: VoiceEngine, text: str, spec: VoiceSpec) -> np.ndarray:
    """One line as mono float32 at 48 kHz: designed, trimmed, loudness-normalized, faded."""
    factor = 2.0 ** (spec.pitch / 12.0)
    raw, rate = engine.synthesize(text, length_scale=factor / spec.rate)
    audio = resample(raw, rate * factor, RATE)
    audio = trim_silence(audio)
    if len(audio) == 0:  # nothing speakable (only symbols): a short silence keeps timing sane
        return np.zeros(int(0.3 * RATE), np.float32)
    audio = normalize(audio, DIALOGUE_LUFS)
    return fade(audio, EDGE_FADE, EDGE_FADE)
