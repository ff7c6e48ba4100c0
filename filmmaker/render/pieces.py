"""The mix made in pieces: per-piece premixes, loudness from small per-piece measurements, and a
streaming true-peak limiter that joins the pieces.

Mixing the whole film at once holds whole-film float arrays, so memory grows with the film. Here
a piece (a scene or a run of shots) is premixed on its own (`premix`): dialogue placed, music
ducked exactly as the whole-film `duck_envelope` would duck it, and 100 ms K-weighted power sums
measured. The programme gain then comes from those sums alone (`programme_loudness`,
`programme_gain`), and `StreamingLimiter` applies the gain and the limiter while the pieces are
concatenated, holding only a few milliseconds of context. Float32, 48 kHz; mono 1-D, stereo (n, 2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from filmmaker.render.audio import (
    RATE,
    _interpolator,
    _limiter_gain,
    _program_peaks,
    _weighted_power,
    duck_envelope,
    gate,
    place,
)

SUB_BLOCK = RATE // 10  # 100 ms: a quarter of BS.1770's 400 ms gating block, its hop
BLOCK_SUBS = 4  # sub-blocks per gating block (75% overlap)
CENTRE = np.float32(0.7071)  # -3 dB per side: dialogue centre-panned at equal power, as mix_with_stems does
# How long the ducking remembers: the smoother contracts any difference in its state by at least the
# release coefficient per 1 ms step, so after 12 release time constants a forgotten line leaves
# under e^-12 (6e-6) of the depth, i.e. 1e-4 dB of a -18 dB duck
DUCK_MEMORY_TAUS = 12.0


# -- ducking with context ------------------------------------------------------------------------

def duck_reach(attack: float, release: float, rate: int = RATE) -> tuple[int, int]:
    """(before, after) in samples: a line matters to a piece's ducking only if it overlaps
    [-before, length + after). Callers pick the context lines they pass to `premix` with this."""
    step = rate // 1000
    lead = int(3 * attack * 1000) * step  # duck_envelope's look-ahead
    return math.ceil(DUCK_MEMORY_TAUS * release * rate) + lead, lead + 2 * step


def _ducking(length: int, lines: list[tuple[np.ndarray, int]], duck_db: float, attack: float,
             release: float, origin: int | None) -> np.ndarray:
    """The duck gain over [0, length): `duck_envelope` over a window stretched to hold the context.

    The envelope starts at rest at the window's start, so the result equals the whole film's only
    if nothing was spoken in the DUCK_MEMORY_TAUS release constants before it (or the caller passed
    those lines): an older line is forgotten, leaving under 1e-4 dB. With `origin` (the piece's
    first sample in the film) the window is aligned to the envelope's 1 ms grid and never reaches
    before the film's start, and then the match is exact up to that forgetting; without it the
    grid may sit up to 1 ms off the whole film's, and the dip ahead of a line at the film's very
    start is not suppressed as the film's start suppresses it.
    """
    step = RATE // 1000
    before, after = duck_reach(attack, release)
    spoken = [(start, start + len(audio)) for audio, start in lines if len(audio)]
    lo = min([0] + [start - after for start, _ in spoken])  # the dip ahead of the first line
    lo = max(lo, -before)
    if origin is not None:
        lo = max(lo, -origin)
        lo -= (origin + lo) % step  # the film's 1 ms grid; stays at or after the film's start
    hi = length + after
    active = np.zeros(hi - lo, bool)
    for start, end in spoken:
        active[max(0, start - lo):max(0, min(hi, end) - lo)] = True
    return duck_envelope(active, duck_db, attack, release, RATE)[-lo:length - lo]


# -- measuring loudness in pieces ------------------------------------------------------------------

def block_counts(length: int) -> np.ndarray:
    """Samples in each 100 ms sub-block of a piece of `length` samples (the last one partial)."""
    counts = np.full(-(-length // SUB_BLOCK), SUB_BLOCK, np.int64)
    if length % SUB_BLOCK:
        counts[-1] = length % SUB_BLOCK
    return counts


def measure_blocks(mix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(sums, counts): K-weighted power summed over each 100 ms sub-block of the piece, and the
    samples in each. All a loudness pass needs: a 90-minute film is 54,000 pairs of numbers.

    The K-weighting filters start at rest at the piece's start; their memory is a few ms, so only
    the first sub-block of a piece differs slightly from the whole film's.
    """
    if not len(mix):
        return np.zeros(0), np.zeros(0, np.int64)
    power = _weighted_power(mix, RATE)[: len(mix)]  # a short piece comes back padded to 400 ms: cut it
    return np.add.reduceat(power, np.arange(0, len(mix), SUB_BLOCK)), block_counts(len(mix))


def _sub_block_peaks(mix: np.ndarray) -> np.ndarray:
    """Largest absolute sample of each 100 ms sub-block, over all channels."""
    if not len(mix):
        return np.zeros(0, np.float32)
    mono = np.abs(mix).max(axis=1) if mix.ndim == 2 else np.abs(mix)
    return np.maximum.reduceat(mono, np.arange(0, len(mix), SUB_BLOCK)).astype(np.float32)


def programme_loudness(pieces: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Integrated loudness (LUFS) of the pieces played one after another, from their `measure_blocks`.

    Each 400 ms block is four consecutive sub-blocks (hop 100 ms); its power is their summed power
    over their summed samples, so a block that spans a piece's short last sub-block is still a mean
    power. The block grid restarts at each piece's start rather than running every 100 ms of the
    film, which moves the result by a few hundredths of a LU at most. A programme under 400 ms is
    one block over 400 ms, as the whole-signal meter pads it with silence.
    """
    if not pieces:
        return float("-inf")
    sums = np.concatenate([np.asarray(s, np.float64) for s, _ in pieces])
    counts = np.concatenate([np.asarray(c, np.float64) for _, c in pieces])
    if len(sums) < BLOCK_SUBS:
        return gate(np.array([sums.sum() / max(counts.sum(), BLOCK_SUBS * SUB_BLOCK)]))
    window = np.lib.stride_tricks.sliding_window_view
    z = window(sums, BLOCK_SUBS).sum(axis=1) / window(counts, BLOCK_SUBS).sum(axis=1)
    return gate(z)


def programme_gain(pieces: list[tuple[np.ndarray, np.ndarray]], target_lufs: float) -> float:
    """The linear gain that brings the pieces to `target_lufs`; 1.0 for silence."""
    measured = programme_loudness(pieces)
    return 1.0 if not np.isfinite(measured) else float(10 ** ((target_lufs - measured) / 20))


# -- a piece's premix ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Premix:
    """One piece of the mix before the programme gain and limiter, and its measurements."""

    dialogue: np.ndarray  # (n,) mono, times CENTRE, as placed centre in the mix
    music: np.ndarray  # (n, 2), ducked
    effects: np.ndarray  # (n, 2)
    song: np.ndarray  # (n, 2), ducked deeper than the music: sung words compete with spoken ones
    blocks: np.ndarray  # float64 K-weighted power summed per 100 ms sub-block of mix()
    peaks: np.ndarray  # float32 largest absolute sample of mix() per 100 ms sub-block

    @property
    def counts(self) -> np.ndarray:
        """Samples in each sub-block of `blocks`."""
        return block_counts(len(self.dialogue))

    @property
    def measurement(self) -> tuple[np.ndarray, np.ndarray]:
        """(sums, counts) as `programme_loudness` takes them."""
        return self.blocks, self.counts

    def mix(self) -> np.ndarray:
        """The stems summed, (n, 2) float32: what the programme gain and limiter receive."""
        return (self.dialogue[:, None] + self.music + self.effects + self.song).astype(np.float32)


def premix(length: int, lines: list[tuple[np.ndarray, int]], music: np.ndarray, effects: np.ndarray,
           duck_db: float, attack: float, release: float, *, origin: int | None = None,
           song: np.ndarray | None = None, song_duck_db: float | None = None) -> Premix:
    """The piece [0, length) of the film's mix, as `mix_with_stems` makes it before mastering.

    `lines` are (mono audio, start relative to the piece); lines outside [0, length) are context
    from the neighbouring shots: each one ducks the music (the duck enters the piece in the state
    earlier lines leave it, and dips ahead of a line just after it), while only the part inside the
    window joins the dialogue. Pass every line that overlaps `duck_reach` around the piece.
    `music` and `effects` are (length, 2), already placed. `origin`, the piece's first sample in
    the film, makes the ducking match the whole film's exactly (see `_ducking`). `song`, (length, 2)
    when a song sounds over the piece, is ducked by `song_duck_db` instead.
    """
    if music.shape[0] != length or effects.shape[0] != length:
        raise ValueError(f"music and effects must be {length} samples, got {music.shape[0]} and {effects.shape[0]}")
    dialogue = np.zeros(length, np.float32)
    for audio, start in lines:
        place(dialogue, audio, start)
    dialogue = dialogue * CENTRE
    ducked = (music * _ducking(length, lines, duck_db, attack, release, origin)[:, None]).astype(np.float32)
    effects = effects.astype(np.float32, copy=False)
    if song is None:
        sung = np.zeros((length, 2), np.float32)
    else:
        depth = duck_db if song_duck_db is None else song_duck_db
        sung = (song * _ducking(length, lines, depth, attack, release, origin)[:, None]).astype(np.float32)
    mixed = (dialogue[:, None] + ducked + effects + sung).astype(np.float32)
    return Premix(dialogue, ducked, effects, sung, measure_blocks(mixed)[0], _sub_block_peaks(mixed))


# -- the streaming limiter -------------------------------------------------------------------------

PEAK_REACH = 16  # samples either side a true peak depends on (the 49-tap interpolator: 6 per side)
STEP_LIMIT = 1 << 16  # samples processed at once: bounds the oversampled scratch to ~2 MB
QUIET_BLOCK = 1024  # samples: true peaks are computed only in such blocks where they could matter


@lru_cache(maxsize=1)
def _overshoot_bound() -> float:
    """The most the interpolator's output can exceed the largest input sample by: the largest sum
    of absolute taps over its four phases (about 1.92). Below ceiling/bound no true peak reaches
    the ceiling, whatever the signal."""
    impulse = np.zeros(4 * PEAK_REACH, np.float32)
    impulse[2 * PEAK_REACH] = 1.0
    response = np.abs(_program_peaks_raw(impulse))
    return float(max(response[phase::4].sum() for phase in range(4)))


def _program_peaks_raw(audio: np.ndarray) -> np.ndarray:
    """The interpolator's 4x output for a mono signal (what `_program_peaks` takes the maxima of)."""
    from scipy.signal import resample_poly

    return resample_poly(audio, 4, 1, window=_interpolator())


def _peaks_where_loud(audio: np.ndarray, floor: float) -> np.ndarray:
    """`_program_peaks`, computed only near samples that reach `floor`; elsewhere the sample peak,
    which gives the same limiter need (1.0) since no true peak there can reach the ceiling."""
    from scipy.ndimage import maximum_filter1d

    mono = np.abs(audio).max(axis=1) if audio.ndim == 2 else np.abs(audio)
    peaks = mono.astype(np.float32)
    near = maximum_filter1d(mono, size=2 * PEAK_REACH + 1, mode="constant")  # loud neighbours count
    loud = np.flatnonzero(np.maximum.reduceat(near, np.arange(0, len(mono), QUIET_BLOCK)) >= floor)
    for run in np.split(loud, np.flatnonzero(np.diff(loud) > 1) + 1) if len(loud) else ():
        start, end = run[0] * QUIET_BLOCK, min(len(audio), (run[-1] + 1) * QUIET_BLOCK)
        lo, hi = max(0, start - PEAK_REACH), min(len(audio), end + PEAK_REACH)
        peaks[start:end] = _program_peaks(audio[lo:hi])[start - lo:end - lo]
    return peaks


def limit_whole(audio: np.ndarray, gain: float, ceiling_db: float, rate: int = RATE,
                lookahead: float = 0.005) -> np.ndarray:
    """The reference `StreamingLimiter` reproduces: `gain`, then a brick-wall limiter on the true
    peaks of the whole signal at once (the gain curve of `_limiter_gain` over `_program_peaks`)."""
    x = np.asarray(audio, np.float32) * np.float32(gain)
    if not len(x):
        return x
    curve = _limiter_gain(_program_peaks(x), 10 ** (ceiling_db / 20), rate, lookahead)
    if curve is None:
        return x
    return (x * (curve[:, None] if x.ndim == 2 else curve)).astype(np.float32)


class StreamingLimiter:
    """`limit_whole`, for a stream of chunks of any sizes, in memory that does not grow with it.

    The gain a sample gets depends on true peaks within lookahead * 1.5 of it (a minimum filter of
    +-lookahead, then a box average of half that) and a true peak on 6 samples either side, so
    the limiter holds back `delay` samples (about 11 ms) of the stream and a `delay`-sample history
    of what it has let out, and computes each stretch's gain on a window holding both. `feed`
    returns what is ready (possibly nothing), `flush` the rest: together exactly the input's
    length, and equal to `limit_whole` of the whole stream (the window's edges coincide with the
    stream's where the reference sees them too).
    """

    def __init__(self, gain: float, ceiling_db: float, rate: int = RATE, lookahead: float = 0.005):
        self.gain = np.float32(gain)
        self.ceiling = 10 ** (ceiling_db / 20)
        self.rate, self.lookahead = rate, lookahead
        width = max(1, int(lookahead * rate))  # as _limiter_gain
        self.delay = 2 * width + 2 * PEAK_REACH  # >= width + width // 2 + PEAK_REACH: ample
        self._floor = self.ceiling / (_overshoot_bound() * 1.01)
        self._history: np.ndarray | None = None  # gained input already let out (its last `delay`)
        self._pending: np.ndarray | None = None  # gained input not yet let out
        self._done = False

    def feed(self, chunk: np.ndarray) -> np.ndarray:
        """Take the next chunk; return the limited output that is ready (the input `delay` back)."""
        if self._done:
            raise RuntimeError("the stream was flushed; start a new StreamingLimiter")
        chunk = np.asarray(chunk, np.float32)
        self._start(chunk.shape[1:])
        out = np.empty((max(0, len(self._pending) + len(chunk) - self.delay), *chunk.shape[1:]), np.float32)
        filled = 0
        for at in range(0, len(chunk), STEP_LIMIT):  # in steps: the oversampled scratch stays small
            self._pending = np.concatenate([self._pending, chunk[at:at + STEP_LIMIT] * self.gain])
            ready = len(self._pending) - self.delay
            if ready > 0:
                out[filled:filled + ready] = self._release(ready)
                filled += ready
        return out

    def flush(self) -> np.ndarray:
        """Let out everything held back: the stream has ended (its end is silence for the peaks)."""
        self._start((2,))
        self._done = True
        return self._release(len(self._pending))  # feed leaves at most `delay` pending

    def _start(self, channels: tuple[int, ...]) -> None:
        if self._pending is None:
            self._pending = np.zeros((0, *channels), np.float32)
            self._history = self._pending

    def _release(self, count: int) -> np.ndarray:
        """Limit and return the first `count` pending samples, keeping what later ones need."""
        if count <= 0:
            return self._pending[:0].copy()
        window = np.concatenate([self._history, self._pending])
        offset = len(self._history)
        out = self._pending[:count]
        curve = _limiter_gain(_peaks_where_loud(window, self._floor), self.ceiling, self.rate, self.lookahead)
        if curve is not None:
            part = curve[offset:offset + count]
            out = (out * (part[:, None] if out.ndim == 2 else part)).astype(np.float32)
        else:
            out = out.copy()
        self._history = window[max(0, offset + count - self.delay):offset + count].copy()
        self._pending = self._pending[count:].copy()
        return out
