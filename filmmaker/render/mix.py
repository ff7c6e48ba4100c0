"""The film's sound: score cues fitted to their spans, ducked under dialogue, one loudness-managed mix.

The mix is made once over the whole timeline and muxed over the joined picture, so sound cannot
drift from picture however many segments the film has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from filmmaker.render.audio import PROGRAM_LUFS, RATE, duck_envelope, fade, master, place
from filmmaker.render.levels import PROGRAM_PEAK_DB

LOOP_CROSSFADE = 0.5  # seconds, where a looped cue meets its own start
END_DECLICK = 0.01  # seconds: the shortest ramp a cue stopped on a bar line ends with
DUCK_DB = -10.0
ATTACK, RELEASE = 0.08, 0.45  # seconds: the duck sets in (with look-ahead) and lets go


def bar_samples(bpm: float | None, rate: int = RATE) -> float | None:
    """One 4/4 bar in samples (fractional), or None without a tempo."""
    return 4 * 60.0 / bpm * rate if bpm else None


def loop_length(n: int, bpm: float | None, rate: int = RATE) -> int:
    """The longest whole number of bars (4/4) that fits in `n` samples; all of it without a tempo."""
    bar = bar_samples(bpm, rate)
    if not bar:
        return n
    bars = int(n // bar)
    return int(round(bars * bar)) if bars >= 1 else n


@dataclass(frozen=True)
class Splice:
    """Source samples [src, src + length) placed at cue sample `at`; joins overlap by the crossfade."""

    at: int
    src: int
    length: int


@dataclass(frozen=True)
class Arrangement:
    """How a cue is cut from its source: where each pass starts and where bar lines fall."""

    pieces: tuple[Splice, ...]
    crossfade: int  # samples each loop join overlaps
    bar: float | None  # samples per bar; None without a tempo
    first_bar: float  # cue sample of the first bar line (the grid continues every `bar`)
    end: int  # where the music stops: the span, or the last bar line in it (`end: bar`)

    def bar_lines(self, span: int) -> np.ndarray:
        if not self.bar:
            return np.zeros(0)
        return np.arange(self.first_bar, span + 0.5, self.bar)


def arrange(n: int, span: int, bpm: float | None, rate: int = RATE, *, start: int = 0, stop: int | None = None,
            downbeat: float = 0.0, hit: int | None = None, end_on_bar: bool = False) -> Arrangement:
    """Plan a cue of `span` samples from a source of `n`: trimmed, or looped between bar lines.

    The first pass plays from `start`; every repeat restarts on the first bar line at or after it
    and the pass before runs `crossfade` past the last bar line that leaves room for it, so each
    join lands a bar line of the source on a bar line of the cue. `hit` (a cue sample) moves the
    in-point forward by less than a bar so that a downbeat falls exactly there.
    """
    stop = n if stop is None else min(stop, n)
    bar = bar_samples(bpm, rate)
    grid0 = downbeat * rate  # the source's first bar line
    a = start
    if hit is not None and bar:
        shifted = start + int(round((grid0 - start - hit) % bar))
        a = shifted if shifted < stop - rate // 10 else start  # a source too short to shift keeps its start
    xf = min(int(LOOP_CROSSFADE * rate), max(1, (stop - a) // 4))
    first_line = grid0 + math.ceil((a - grid0) / bar - 1e-9) * bar if bar else float(a)
    if stop - a >= span:
        pieces = (Splice(0, a, span),)
    else:
        loop_start, loop_end = a, stop - xf
        if bar:
            last_line = grid0 + math.floor((stop - xf - grid0) / bar + 1e-9) * bar
            if last_line - first_line >= bar - 0.5:  # at least one whole bar to loop
                loop_start, loop_end = int(round(first_line)), int(round(last_line))
        pieces_list = [Splice(0, a, loop_end + xf - a)]
        at = loop_end - a
        while at < span:
            pieces_list.append(Splice(at, loop_start, loop_end + xf - loop_start))
            at += loop_end - loop_start
        pieces = tuple(pieces_list)
    first_bar = first_line - a
    end = span
    if end_on_bar and bar:
        last = first_bar + math.floor((span - first_bar) / bar + 1e-9) * bar
        if last > 0:
            end = int(round(last))
    return Arrangement(pieces, xf, bar, first_bar, end)


def render(track: np.ndarray, plan: Arrangement, span: int) -> np.ndarray:
    """The arrangement's audio: passes placed with equal-power crossfades at the joins."""
    if len(plan.pieces) == 1:
        piece = plan.pieces[0]
        return track[piece.src:piece.src + span].astype(np.float32, copy=True)
    xf = plan.crossfade
    longest = max(p.length for p in plan.pieces)
    body = np.zeros((span + longest, track.shape[1]), np.float32)
    ramp = np.sqrt(np.linspace(0, 1, xf, dtype=np.float32))[:, None]
    for i, p in enumerate(plan.pieces):
        piece = track[p.src:p.src + p.length].astype(np.float32, copy=True)
        if i:
            piece[:xf] *= ramp  # the repeat fades in while the previous tail fades out
        piece[-xf:] *= ramp[::-1]
        place(body, piece, p.at)
    return body[:span]


def fit_cue(track: np.ndarray, span: int, bpm: float | None, volume: float, fade_in: float,
            fade_out: float, rate: int = RATE, **options) -> np.ndarray:
    """Exactly `span` samples of `track` (n, 2): trimmed, or looped on bar lines with crossfades."""
    return fit_and_arrange(track, span, bpm, volume, fade_in, fade_out, rate, **options)[0]


def fit_and_arrange(track: np.ndarray, span: int, bpm: float | None, volume: float, fade_in: float,
                    fade_out: float, rate: int = RATE, *, start: int = 0, stop: int | None = None,
                    downbeat: float = 0.0, hit: int | None = None, end_on_bar: bool = False,
                    power_in: bool = False, power_out: bool = False) -> tuple[np.ndarray, Arrangement]:
    """`fit_cue`, and the arrangement it followed (for the cue sheet and for measuring).

    `power_in`/`power_out` make a fade equal-power: the halves of a crossfade with another cue.
    """
    plan = arrange(len(track), span, bpm, rate, start=start, stop=stop, downbeat=downbeat, hit=hit,
                   end_on_bar=end_on_bar)
    body = render(track, plan, span)
    music = body[:plan.end]
    if plan.end < span:
        fade_out = max(fade_out, END_DECLICK)  # stopped mid-note on the bar line: never a click
    fade_total = fade_in + fade_out
    limit = len(music) / rate
    if fade_total > limit:  # a short cue: shrink both fades proportionally
        fade_in, fade_out = fade_in * limit / fade_total, fade_out * limit / fade_total
    music = fade(music, fade_in, fade_out, rate, power_in=power_in, power_out=power_out)
    out = np.zeros_like(body)
    out[:plan.end] = music
    return out * np.float32(volume), plan


@dataclass(frozen=True)
class MixInput:
    dialogue: np.ndarray  # mono, whole film
    speaking: np.ndarray  # bool per sample: a line is being spoken
    music: np.ndarray  # stereo, whole film, already fitted and placed
    effects: np.ndarray  # stereo: footage sound kept under the dialogue


@dataclass(frozen=True)
class MixOutput:
    """The program and its stems. Stems carry the program's gain but not its limiter, so they
    sum to the program wherever the limiter is idle (nearly everywhere at -16 or -23 LUFS)."""

    program: np.ndarray  # (n, 2)
    dialogue: np.ndarray  # (n,) mono, as placed centre in the program
    music: np.ndarray  # (n, 2), ducked
    effects: np.ndarray  # (n, 2)
    gain_db: float  # what the loudness normalization applied


def mix_with_stems(parts: MixInput, duck_db: float = DUCK_DB, target_lufs: float = PROGRAM_LUFS,
                   attack: float = ATTACK, release: float = RELEASE) -> MixOutput:
    """Dialogue centred, music ducked where lines are spoken, normalized to the program target."""
    gain = duck_envelope(parts.speaking, duck_db, attack, release)[:, None]
    dialogue = parts.dialogue * np.float32(0.7071)  # -3 dB per side: centre-panned at equal power
    music = parts.music * gain
    mix = (dialogue[:, None] + music + parts.effects).astype(np.float32)
    program, linear = master(mix, target_lufs, peak_db=PROGRAM_PEAK_DB)
    g = np.float32(linear)
    return MixOutput(program, dialogue * g, (music * g).astype(np.float32), parts.effects * g,
                     20 * math.log10(max(linear, 1e-12)))


def mix_film(parts: MixInput, duck_db: float = DUCK_DB, target_lufs: float = PROGRAM_LUFS,
             attack: float = ATTACK, release: float = RELEASE) -> np.ndarray:
    return mix_with_stems(parts, duck_db, target_lufs, attack, release).program
