"""Sound as numpy arrays: resampling, trimming, loudness, fades, ducking. No files here.

Float32 throughout; mono arrays are 1-D, stereo arrays are (n, 2). The film runs at 48 kHz.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

RATE = 48_000
DIALOGUE_LUFS = -20.0  # each line, before the mix
PROGRAM_LUFS = -16.0  # the finished film (web delivery)
PEAK_DBFS = -1.0


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
    import pyloudnorm

    if len(audio) < int(0.4 * rate):  # BS.1770 gates on 400 ms blocks
        audio = np.concatenate([audio, np.zeros((int(0.4 * rate) - len(audio) + 1, *audio.shape[1:]), np.float32)])
    return float(pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64)))


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
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    if not len(audio):
        return audio
    ceiling = 10 ** (ceiling_db / 20)
    need = np.minimum(1.0, ceiling / np.maximum(_true_peaks(audio, ceiling / 2), 1e-12))
    if need.min() >= 1.0:
        return audio
    width = max(1, int(lookahead * rate))
    gain = uniform_filter1d(minimum_filter1d(need, size=2 * width + 1, mode="nearest"), size=width,
                            mode="nearest")
    gain = gain[:, None] if audio.ndim == 2 else gain
    return (audio * gain).astype(np.float32)


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


def fade(audio: np.ndarray, fade_in: float, fade_out: float, rate: int = RATE) -> np.ndarray:
    """Raised-cosine fades (no click at either end)."""
    out = audio.astype(np.float32, copy=True)
    for seconds, edge in ((fade_in, "in"), (fade_out, "out")):
        n = min(len(out), int(seconds * rate))
        if n <= 0:
            continue
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
