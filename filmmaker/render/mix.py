"""The film's sound: score cues fitted to their spans, ducked under dialogue, one loudness-managed mix.

The mix is made once over the whole timeline and muxed over the joined picture, so sound cannot
drift from picture however many segments the film has.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from filmmaker.render.audio import PROGRAM_LUFS, RATE, duck_envelope, fade, normalize, place

LOOP_CROSSFADE = 0.5  # seconds, where a looped cue meets its own start
DUCK_DB = -10.0


def loop_length(n: int, bpm: float | None, rate: int = RATE) -> int:
    """The longest whole number of bars (4/4) that fits in `n` samples; all of it without a tempo."""
    if not bpm:
        return n
    bar = 4 * 60.0 / bpm * rate
    bars = int(n // bar)
    return int(round(bars * bar)) if bars >= 1 else n


def fit_cue(track: np.ndarray, span: int, bpm: float | None, volume: float, fade_in: float,
            fade_out: float, rate: int = RATE) -> np.ndarray:
    """Exactly `span` samples of `track` (n, 2): trimmed, or looped on bar lines with crossfades."""
    xf = min(int(LOOP_CROSSFADE * rate), len(track) // 4)  # short tracks get shorter crossfades
    if len(track) >= span:
        body = track[:span]
    else:
        loop = loop_length(len(track) - xf, bpm, rate)
        body = np.zeros((span + len(track), track.shape[1]), np.float32)
        ramp = np.sqrt(np.linspace(0, 1, xf, dtype=np.float32))[:, None]  # equal-power
        head = track[: loop + xf].copy()
        pos = 0
        while pos < span:
            piece = head.copy()
            if pos:
                piece[:xf] *= ramp  # the repeat fades in while the previous tail fades out
            piece[-xf:] *= ramp[::-1]
            place(body, piece, pos)
            pos += loop
        body = body[:span]
    fade_total = fade_in + fade_out
    limit = span / rate
    if fade_total > limit:  # a short cue: shrink both fades proportionally
        fade_in, fade_out = fade_in * limit / fade_total, fade_out * limit / fade_total
    return fade(body, fade_in, fade_out, rate) * np.float32(volume)


@dataclass(frozen=True)
class MixInput:
    dialogue: np.ndarray  # mono, whole film
    speaking: np.ndarray  # bool per sample: a line is being spoken
    music: np.ndarray  # stereo, whole film, already fitted and placed
    effects: np.ndarray  # stereo: footage sound kept under the dialogue


def mix_film(parts: MixInput, duck_db: float = DUCK_DB, target_lufs: float = PROGRAM_LUFS) -> np.ndarray:
    """Dialogue centred, music ducked where lines are spoken, normalized to the program target."""
    gain = duck_envelope(parts.speaking, duck_db)[:, None]
    mix = parts.dialogue[:, None] * np.float32(0.7071) + parts.music * gain + parts.effects
    return normalize(mix.astype(np.float32), target_lufs)
