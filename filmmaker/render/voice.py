"""Voice design on top of any engine: pitch, rate and timbre per actor, direction per line,
then levels for the mix.

Pitch is shifted the way tape does it: the engine speaks slower by the pitch factor, then the
audio is resampled to play that much faster. Duration ends up where `rate` puts it, and the
voice's formants move with its pitch, which reads as a different (larger or smaller) speaker.
`timbre` then sets the formants on their own (spectral-envelope warp), so pitch and vocal-tract
size can be cast separately: one voice model yields many distinct people.
"""

from __future__ import annotations

import unicodedata

import numpy as np

from filmmaker.backends.voice import VoiceEngine
from filmmaker.render.audio import DIALOGUE_LUFS, RATE, fade, normalize, resample, trim_silence
from filmmaker.render.spectral import shift_formants, whisper
from filmmaker.screenplay.direction import Direction, split_pauses
from filmmaker.screenplay.model import VoiceSpec

EDGE_FADE = 0.012  # seconds: no line starts or ends with a click


def speakable(text: str) -> str:
    """The text without emoji, pictographs and invisible format characters, which phonemizers
    would otherwise read out by name ("slightly smiling face") in the middle of a line."""
    text = "".join(" " if c in "\t\n\r" else c for c in text)
    return "".join(c for c in text if unicodedata.category(c) not in UNSPOKEN and not _is_variation_selector(c))


# other symbols (emoji), modifiers (skin tones), format (zero-width joiner), control (NUL would
# crash the phonemizer), private and unassigned
UNSPOKEN = {"So", "Sk", "Cf", "Cc", "Co", "Cs", "Cn"}


def _is_variation_selector(c: str) -> bool:
    return "\ufe00" <= c <= "\ufe0f" or "\U000e0100" <= c <= "\U000e01ef"


def speak(engine: VoiceEngine, text: str, spec: VoiceSpec, direction: Direction = Direction()) -> np.ndarray:
    """One line as mono float32 at 48 kHz: designed, directed, trimmed, leveled, faded.

    The text is spoken piece by piece between its pause marks ("...", "—"), each piece trimmed
    of its own edge silence, so a pause is exactly as long as it says.
    """
    pitch = spec.pitch + direction.pitch
    factor = 2.0 ** (pitch / 12.0)
    length_scale = factor / (spec.rate * direction.rate)
    pieces: list[np.ndarray] = []
    pauses = split_pauses(speakable(text))
    for index, (words, pause_after) in enumerate(pauses):
        if words.strip():
            raw, rate = engine.synthesize(words, length_scale=length_scale)
            pieces.append(trim_silence(resample(raw, rate * factor, RATE)))
        if pause_after and index < len(pauses) - 1:  # a pause at either end of the line is trimmed
            pieces.append(np.zeros(int(pause_after * RATE), np.float32))
    audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    audio = trim_silence(audio)
    if len(audio) == 0:  # nothing speakable: a short silence keeps the timing sane
        return np.zeros(int(0.3 * RATE), np.float32)
    if spec.timbre is not None and abs(spec.timbre - pitch) > 1e-3:
        # the resampling moved the formants with the pitch; move them on to where timbre says
        audio = shift_formants(audio, spec.timbre - pitch)
    if direction.whisper:
        audio = whisper(audio, seed=len(text))
    audio = normalize(audio, DIALOGUE_LUFS + direction.gain_db)
    return fade(audio, EDGE_FADE, EDGE_FADE)
