"""A score cue fitted to its span chunk by chunk: `fit_and_arrange`'s audio in bounded memory.

`fit_and_arrange` (render/mix.py) renders the whole span at once (plus a longest-pass of slack),
so a 40-minute cue costs about a gigabyte of float32. Here the same arrangement is rendered a
chunk at a time: each chunk gathers the passes that overlap it, with the same equal-power join
ramps, the same fades (shrunk for a short cue, a declick where the music stops on a bar line) and
the same volume, so the chunks put together equal `fit_and_arrange`'s output.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from filmmaker.render.audio import RATE
from filmmaker.render.mix import END_DECLICK, Arrangement, arrange


@dataclass(frozen=True)
class _Fades:
    """The fades `fit_and_arrange` applies to the music [0, end), in samples."""

    end: int  # where the music stops; silence after
    n_in: int
    n_out: int
    power_in: bool
    power_out: bool


def _fades(plan: Arrangement, span: int, fade_in: float, fade_out: float, rate: int, power_in: bool,
           power_out: bool) -> _Fades:
    """The fade lengths as `fit_and_arrange` and `fade` compute them (same float expressions)."""
    end = min(plan.end, span)
    if plan.end < span:
        fade_out = max(fade_out, END_DECLICK)  # stopped mid-note on the bar line: never a click
    fade_total = fade_in + fade_out
    limit = end / rate
    if fade_total > limit:  # a short cue: both fades shrink proportionally
        fade_in, fade_out = fade_in * limit / fade_total, fade_out * limit / fade_total
    return _Fades(end, min(end, int(fade_in * rate)), min(end, int(fade_out * rate)), power_in, power_out)


def _ramp(n: int, lo: int, hi: int, power: bool) -> np.ndarray:
    """Samples [lo, hi) of `fade`'s n-sample ramp, without making the other n - (hi - lo): the
    same float64 `linspace` arithmetic (i * step, the last point exactly the end), then float32."""
    stop = np.pi / 2 if power else np.pi
    x = np.arange(lo, hi, dtype=np.float64)
    if n > 1:
        x *= stop / (n - 1)
        if hi == n and hi > lo:
            x[-1] = stop
    else:
        x *= stop
    x = x.astype(np.float32)
    return np.sin(x) if power else 0.5 - 0.5 * np.cos(x)


def _apply_fades(music: np.ndarray, a: int, f: _Fades) -> None:
    """Fade in place the chunk `music` that starts at cue sample `a` (all of it before f.end)."""
    b = a + len(music)
    lo, hi = a, min(b, f.n_in)
    if f.n_in > 0 and hi > lo:
        ramp = _ramp(f.n_in, lo, hi, f.power_in)
        music[lo - a:hi - a] *= ramp[:, None] if music.ndim == 2 else ramp
    lo, hi = max(a, f.end - f.n_out), b
    if f.n_out > 0 and hi > lo:  # sample j gets ramp[end - 1 - j]: the ramp runs backwards
        ramp = _ramp(f.n_out, f.end - hi, f.end - lo, f.power_out)[::-1]
        music[lo - a:hi - a] *= ramp[:, None] if music.ndim == 2 else ramp


def _join_ramp(xf: int) -> np.ndarray:
    """`render`'s equal-power ramp for loop joins, (xf, 1)."""
    return np.sqrt(np.linspace(0, 1, xf, dtype=np.float32))[:, None]


def _render_chunk(track: np.ndarray, plan: Arrangement, a: int, b: int) -> np.ndarray:
    """Cue samples [a, b) of `render(track, plan, span)`: each pass that overlaps them, ramped at
    its joins, added in the same order `render` places them."""
    if len(plan.pieces) == 1:
        p = plan.pieces[0]
        return track[p.src + a:p.src + b].astype(np.float32, copy=True)
    xf = plan.crossfade
    ramp = _join_ramp(xf) if track.ndim == 2 else _join_ramp(xf)[:, 0]
    out = np.zeros((b - a, *track.shape[1:]), np.float32)
    for i, p in enumerate(plan.pieces):
        length = max(0, min(len(track), p.src + p.length) - p.src)  # as the slice in `render` comes out
        lo, hi = max(a, p.at), min(b, p.at + length)
        if hi <= lo:
            continue
        r0, r1 = lo - p.at, hi - p.at  # within the pass
        seg = track[p.src + r0:p.src + r1].astype(np.float32, copy=True)
        if i and r0 < xf:  # the repeat fades in while the previous tail fades out
            seg[:min(r1, xf) - r0] *= ramp[r0:min(r1, xf)]
        tail = length - xf
        if r1 > tail:
            k0 = max(r0, tail)
            seg[k0 - r0:] *= ramp[::-1][k0 - tail:r1 - tail]
        out[lo - a:hi - a] += seg
    return out


def _chunks(track: np.ndarray, plan: Arrangement, span: int, fades: _Fades, volume: np.float32,
            chunk: int) -> Iterator[np.ndarray]:
    for a in range(0, span, chunk):
        b = min(span, a + chunk)
        music_end = min(b, fades.end)
        if music_end > a:
            music = _render_chunk(track, plan, a, music_end)
            _apply_fades(music, a, fades)
            if music_end < b:
                music = np.concatenate([music, np.zeros((b - music_end, *music.shape[1:]), np.float32)])
        else:
            music = np.zeros((b - a, *track.shape[1:]), np.float32)
        yield music * volume


def fit_cue_chunks(track: np.ndarray, span: int, bpm: float | None, volume: float, fade_in: float,
                   fade_out: float, rate: int = RATE, *, chunk: int = RATE * 10, start: int = 0,
                   stop: int | None = None, downbeat: float = 0.0, hit: int | None = None,
                   end_on_bar: bool = False, power_in: bool = False,
                   power_out: bool = False) -> tuple[Iterator[np.ndarray], Arrangement]:
    """`fit_and_arrange`'s cue as an iterator of `chunk`-sample pieces (the last shorter; none for
    an empty span), and the arrangement, which is planned at once so a bad cue fails here.

    Memory is a few chunks and the source track, whatever the span.
    """
    if chunk < 1:
        raise ValueError(f"chunk must be at least one sample, got {chunk}")
    plan = arrange(len(track), span, bpm, rate, start=start, stop=stop, downbeat=downbeat, hit=hit,
                   end_on_bar=end_on_bar)
    fades = _fades(plan, span, fade_in, fade_out, rate, power_in, power_out)
    return _chunks(track, plan, span, fades, np.float32(volume), chunk), plan
