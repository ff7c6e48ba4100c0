"""Sound as numpy arrays: resampling, trimming, loudness, fades, ducking. No files here.

Float32 throughout; mono arrays are 1-D, stereo arrays are (n, 2). The film runs at 48 kHz.
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

import numpy as np

from filmmaker.render.levels import DIALOGUE_LUFS, PEAK_DBFS, PROGRAM_LUFS, RATE  # noqa: F401 (this module's interface)


def resample(audio: np.ndarray, rate_in: float, rate_out: int = RATE) -> np.ndarray:
    """Polyphase resampling; `rate_in` may be fractional (that is how pitch is shifted)."""
    if rate_in == rate_out:
        return audio.astype(np.float32)
    from scipy.signal import resample_poly  # slow import: only when sound is made

    ratio = Fraction(rate_out / rate_in).limit_denominator(256)  # error < 0.01 semitone, short filters
    return resample_poly(audio, ratio.numerator, ratio.denominator, axis=0).astype(np.float32)


def trim_silence(audio: np.ndarray, rate: int = RATE, threshold_db: float = -45.0,
                 keep: float = 0.03) -> np.ndarray:
    """Cut leading/trailing silence, measured on 10 ms windows, keeping `keep` s of air."""
    window = max(1, min(rate // 100, len(audio)))
    n = len(audio) // window
    if n == 0:
        return audio
    frames = audio[: n * window].reshape(n, window, *audio.shape[1:])
    rms = np.sqrt(np.mean(np.square(frames).reshape(n, -1), axis=1) + 1e-12)
    loud = np.nonzero(20 * np.log10(rms) > threshold_db)[0]
    if len(loud) == 0:
        return audio[:0]
    pad = int(keep * rate)
    start = max(0, loud[0] * window - pad)
    end = min(len(audio), (loud[-1] + 1) * window + pad)
    return audio[start:end]


def loudness(audio: np.ndarray, rate: int = RATE) -> float:
    """Integrated loudness in LUFS (ITU-R BS.1770-4); -inf for silence or very short audio."""
    return _gated_loudness(_weighted_power(audio, rate), rate)


def _weighted_power(audio: np.ndarray, rate: int) -> np.ndarray:
    """Per-sample power of the K-weighted signal, summed over channels (mono and stereo channels
    weigh 1 in BS.1770)."""
    return np.square(_k_weighted(audio, rate)).sum(axis=1)


def _k_weighted(audio: np.ndarray, rate: int) -> np.ndarray:
    """BS.1770's K-weighting (pyloudnorm's two filter stages), all channels at once: (n, channels)."""
    import pyloudnorm
    from scipy.signal import lfilter

    x = np.asarray(audio, np.float64)
    x = np.ascontiguousarray((x[:, None] if x.ndim == 1 else x).T)  # channels first: lfilter runs along rows
    if x.shape[1] < int(0.4 * rate) + 1:  # BS.1770 gates on 400 ms blocks: pad a short line with silence
        x = np.concatenate([x, np.zeros((x.shape[0], int(0.4 * rate) + 1 - x.shape[1]))], axis=1)
    for stage in pyloudnorm.Meter(rate)._filters.values():
        x = stage.passband_gain * lfilter(stage.b, stage.a, x, axis=1)
    return x.T


def _gated_loudness(power: np.ndarray, rate: int, scale: np.ndarray | float = 1.0) -> float:
    """The gated loudness of K-weighted audio of this per-sample `power`, with a gain `scale`
    (a number or per sample): pyloudnorm's blocks and gates (400 ms, 75% overlap, -70 LUFS
    absolute, -10 LU relative), vectorized."""
    if np.ndim(scale) or scale != 1.0:
        power = power * np.square(np.asarray(scale, np.float64))
    block = 0.4
    count = int(np.round((len(power) / rate - block) / (block * 0.25))) + 1
    lower = (block * (np.arange(count) * 0.25) * rate).astype(int)
    upper = (block * (np.arange(count) * 0.25 + 1) * rate).astype(int)
    cumulative = np.concatenate([[0.0], np.cumsum(power)])
    z = (cumulative[np.minimum(upper, len(power))] - cumulative[lower]) / (block * rate)
    return gate(z)


def gate(z: np.ndarray) -> float:
    """BS.1770's gates over 400 ms block powers `z` (-70 LUFS absolute, then -10 LU under the level
    of what passed): the integrated loudness in LUFS, -inf when nothing passes."""
    with np.errstate(divide="ignore"):
        levels = -0.691 + 10 * np.log10(z)
        above = z[levels >= -70.0]
        if not len(above):
            return float("-inf")
        relative = -0.691 + 10 * np.log10(above.mean()) - 10.0
        gated = z[(levels > relative) & (levels > -70.0)]
        return float(-0.691 + 10 * np.log10(gated.mean() if len(gated) else 0.0))


def _oversampled(audio: np.ndarray, oversample: int = 4) -> np.ndarray:
    from scipy.signal import resample_poly

    return resample_poly(audio, oversample, 1, axis=0)


def true_peak_db(audio: np.ndarray, oversample: int = 4) -> float:
    """Peak level in dBTP, estimated by 4x oversampling as BS.1770 describes."""
    if not len(audio):
        return -np.inf
    peak = float(np.max(np.abs(_oversampled(audio, oversample))))
    return 20 * np.log10(max(peak, 1e-12))


def _true_peaks(audio: np.ndarray, floor: float, block: int = 2048, pad: int = 64) -> np.ndarray:
    """Per-sample peak of the 4x-oversampled signal, computed only in blocks that reach `floor`.

    Between samples a band-limited signal overshoots by well under 6 dB, so a block whose samples
    all stay under half the ceiling cannot reach it; skipping those makes the limiter several
    times cheaper on speech and music, where loud peaks are few.
    """
    mono = np.abs(audio).max(axis=1) if audio.ndim == 2 else np.abs(audio)
    peaks = mono.astype(np.float64)
    loud_blocks = np.unique(np.nonzero(mono >= floor)[0] // block)
    for b in loud_blocks:
        start, end = b * block, min(len(audio), (b + 1) * block)
        lo, hi = max(0, start - pad), min(len(audio), end + pad)
        over = np.abs(_oversampled(audio[lo:hi], 4))
        if over.ndim == 2:
            over = over.max(axis=1)
        local = over[: (hi - lo) * 4].reshape(hi - lo, 4).max(axis=1)
        peaks[start:end] = local[start - lo:end - lo]
    return peaks


def limit(audio: np.ndarray, ceiling_db: float = PEAK_DBFS, rate: int = RATE,
          lookahead: float = 0.005) -> np.ndarray:
    """Brick-wall true-peak limiter: a gain curve that never lets a peak past `ceiling_db`.

    The gain each sample needs is min-filtered over +-lookahead and then box-averaged over half
    that width; every averaged value only mixes gains at or below the sample's own need, so the
    ceiling holds while the gain moves smoothly (no clicks, no distortion of quiet passages).
    """
    if not len(audio):
        return audio
    ceiling = 10 ** (ceiling_db / 20)
    gain = _limiter_gain(_true_peaks(audio, ceiling / 2), ceiling, rate, lookahead)
    if gain is None:
        return audio
    gain = gain[:, None] if audio.ndim == 2 else gain
    return (audio * gain).astype(np.float32)


def _limiter_gain(peaks: np.ndarray, ceiling: float, rate: int, lookahead: float) -> np.ndarray | None:
    """The limiter's gain curve for these per-sample true peaks; None when nothing reaches the ceiling."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    if need.min() >= 1.0:
        return None
    width = max(1, int(lookahead * rate))
    return uniform_filter1d(minimum_filter1d(need, size=2 * width + 1, mode="nearest"), size=width, mode="nearest")


@lru_cache(maxsize=1)
def _interpolator() -> np.ndarray:
    from scipy.signal import firwin

    return firwin(49, 0.25, window=("kaiser", 5.0)).astype(np.float32)


def _program_peaks(audio: np.ndarray) -> np.ndarray:
    """Per-sample true peak of a whole programme through BS.1770's interpolator: 4x oversampling by a
    49-tap (12 per phase) low-pass, about half the work of the general-purpose filter above."""
    from scipy.signal import resample_poly

    over = np.abs(resample_poly(audio.astype(np.float32), 4, 1, axis=0, window=_interpolator()))[: len(audio) * 4]
    if over.ndim == 2:  # element-wise maxima: numpy's reductions over short axes are slow
        over = np.maximum.reduce([over[:, c] for c in range(over.shape[1])])
    return np.maximum(np.maximum(over[0::4], over[1::4]), np.maximum(over[2::4], over[3::4]))


MASTER_GAIN_MARGIN = 1.41  # 3 dB: how far the rounds may raise the first gain before peaks are re-measured


def _program_peaks_near(audio: np.ndarray, floor: float, block: int = 4096) -> np.ndarray:
    """`_program_peaks`, oversampled only in stretches whose samples reach `floor`; elsewhere the
    sample peak stands in (a band-limited signal overshoots its samples by well under 6 dB)."""
    mono = np.abs(audio).max(axis=1) if audio.ndim == 2 else np.abs(audio)
    peaks = mono.astype(np.float32)
    loud = np.flatnonzero(np.maximum.reduceat(mono, np.arange(0, len(mono), block)) >= floor)
    for run in np.split(loud, np.flatnonzero(np.diff(loud) > 1) + 1) if len(loud) else ():
        start, end = run[0] * block, min(len(audio), (run[-1] + 1) * block)
        lo, hi = max(0, start - 32), min(len(audio), end + 32)
        peaks[start:end] = _program_peaks(audio[lo:hi])[start - lo:end - lo]
    return peaks


def master(audio: np.ndarray, target_lufs: float, rate: int = RATE, peak_db: float = PEAK_DBFS,
           lookahead: float = 0.005) -> tuple[np.ndarray, float]:
    """`normalize` for a whole programme, minutes long: the same limiter, cheaper rounds.

    Oversampling is linear, so the true peaks of the mix times a gain are its peaks times that gain:
    they are measured once, and each round of gain and limiting recomputes only the limiter's gain
    curve and the loudness. The true peak of the result is then measured, and any ripple of the
    gain curve between samples trimmed off.
    """
    if not len(audio):
        return audio, 1.0
    # K-weighting is linear and the gain curve slow, so each round gates the weighted mix's power
    # times its gain squared instead of weighting the programme again
    power = _weighted_power(audio, rate)
    measured = _gated_loudness(power, rate)
    if not np.isfinite(measured):
        return audio, 1.0
    ceiling = 10 ** (peak_db / 20)
    gain = first_gain = 10 ** ((target_lufs - measured) / 20)
    # true peaks only where, with 6 dB of gain to spare, they could reach the ceiling
    peaks = _program_peaks_near(audio, ceiling / 2 / first_gain / MASTER_GAIN_MARGIN)
    measured_everywhere = False
    for last_round in (False,) * 5 + (True,):
        curve = _limiter_gain(peaks * gain, ceiling, rate, lookahead)
        scale = np.float32(gain) if curve is None else (gain * curve).astype(np.float32)
        out = audio * (scale[:, None] if audio.ndim == 2 and np.ndim(scale) else scale)
        measured = _gated_loudness(power, rate, np.pad(scale, (0, len(power) - len(scale)), mode="edge")
                                   if np.ndim(scale) else scale)
        if abs(measured - target_lufs) < 0.2 or last_round:  # `gain` stays the one `out` was made with
            break
        gain *= 10 ** ((target_lufs - measured) / 20)
        if gain > first_gain * MASTER_GAIN_MARGIN and not measured_everywhere:  # the skipped stretches may count
            peaks, measured_everywhere = _program_peaks(audio), True
    # Where the gain curve is flat the output's true peaks are the mix's times the gain (the
    # interpolator is linear and 49 taps long): only around limited stretches are they re-measured
    final = peaks * gain
    if curve is not None:
        bent = np.flatnonzero(curve < 1.0)
        runs = np.split(bent, np.flatnonzero(np.diff(bent) > 4800) + 1)  # 0.1 s apart: one run
        for run in runs:
            lo, hi = max(0, run[0] - 32), min(len(out), run[-1] + 33)
            final[lo:hi] = _program_peaks(out[max(0, lo - 32):hi + 32])[lo - max(0, lo - 32):][: hi - lo]
    over = 20 * np.log10(max(float(final.max()), 1e-12)) - peak_db
    if over > 0:
        out = out * np.float32(10 ** (-over / 20))
        gain *= 10 ** (-over / 20)
    return out.astype(np.float32), gain


def normalize(audio: np.ndarray, target_lufs: float, rate: int = RATE,
              peak_db: float = PEAK_DBFS) -> np.ndarray:
    """Gain to `target_lufs` with the true peak held under `peak_db` by the limiter.

    Limiting lowers loudness a little, so gain and limit alternate until the loudness lands
    within 0.2 LU of the target (two rounds for speech and music; heavily peaky material takes more).
    """
    measured = loudness(audio, rate)
    if not np.isfinite(measured):
        return audio
    out = audio.astype(np.float32)
    for _ in range(6):
        out = limit(out * np.float32(10 ** ((target_lufs - measured) / 20)), peak_db, rate)
        measured = loudness(out, rate)
        if abs(measured - target_lufs) < 0.2:
            break
    over = true_peak_db(out) - peak_db  # the gain curve's own ripple: a hair, if anything
    if over > 0:
        out = out * np.float32(10 ** (-over / 20))
    return out.astype(np.float32)


def fade(audio: np.ndarray, fade_in: float, fade_out: float, rate: int = RATE, *, power_in: bool = False,
         power_out: bool = False) -> np.ndarray:
    """Raised-cosine fades (no click at either end); equal-power (a quarter sine) where asked:
    the two halves of a crossfade between unrelated music then keep its power constant."""
    out = audio.astype(np.float32, copy=True)
    for seconds, edge, power in ((fade_in, "in", power_in), (fade_out, "out", power_out)):
        n = min(len(out), int(seconds * rate))
        if n <= 0:
            continue
        if power:
            ramp = np.sin(np.linspace(0, np.pi / 2, n, dtype=np.float32))
        else:
            ramp = (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, n, dtype=np.float32)))
        if out.ndim == 2:
            ramp = ramp[:, None]
        if edge == "in":
            out[:n] *= ramp
        else:
            out[-n:] *= ramp[::-1]
    return out


def place(track: np.ndarray, clip: np.ndarray, start: int) -> None:
    """Add `clip` into `track` at sample `start`, clipping whatever falls outside."""
    begin, end = max(0, start), min(len(track), start + len(clip))
    if end > begin:
        track[begin:end] += clip[begin - start:end - start]


def duck_envelope(active: np.ndarray, depth_db: float, attack: float = 0.08, release: float = 0.45,
                  rate: int = RATE) -> np.ndarray:
    """Gain curve that dips by `depth_db` where `active` (bool per sample) is set.

    A one-pole smoother with separate attack and release times, run at 1 kHz then upsampled, so
    the music steps aside just before a line and comes back gently after it.
    """
    step = rate // 1000
    n = len(active)
    coarse = active[: (n // step) * step].reshape(-1, step).any(axis=1) if n >= step else active
    coarse = np.concatenate([coarse, active[(n // step) * step:].any(keepdims=True)]) if n % step else coarse
    # look ahead by three attack time constants (95% of the dip) so it is in place at the first word
    lead = int(3 * attack * 1000)
    target = coarse.astype(np.float32)
    if lead:
        shifted = np.zeros_like(target)
        shifted[: len(target) - lead] = target[lead:]
        target = np.maximum(target, shifted)
    a_up, a_down = np.exp(-1 / (attack * 1000)), np.exp(-1 / (release * 1000))
    env = np.empty_like(target)
    level = 0.0
    for i, value in enumerate(target):  # 1 kHz: a minute of film is 60k steps
        coeff = a_up if value > level else a_down
        level = value + coeff * (level - value)
        env[i] = level
    gain_coarse = 10 ** (depth_db * env / 20)
    gain = np.repeat(gain_coarse, step)[:n]
    if len(gain) < n:
        gain = np.concatenate([gain, np.full(n - len(gain), gain[-1] if len(gain) else 1.0)])
    return gain.astype(np.float32)
