"""Speech measurements shared by the tests: a YIN pitch tracker, semitone distances, pocketsphinx
transcription and word error rate."""

from __future__ import annotations

import re

import numpy as np

from filmmaker.render.audio import RATE


def yin(audio: np.ndarray, rate: int = RATE, lo: float = 50.0, hi: float = 400.0,
        threshold: float = 0.2, gate_db: float = 35.0):
    """YIN pitch track (de Cheveigne & Kawahara 2002) on 30 ms windows every 10 ms, at 16 kHz.

    Returns (f0 in Hz, NaN where unvoiced; aperiodicity = the CMND dip, 0 for a pure tone, ~1 for
    noise; loud = frames within `gate_db` of the loudest; centres = frame centres in 48 kHz samples). A frame is voiced when its dip is below
    `threshold`; the first dip below it is taken. Where the fundamental is weak (the /i/ of "we")
    that dip can sit at half the period, so, as in two-pass trackers, frames more than 7 semitones
    above the median are folded down an octave until the median settles.
    """
    from scipy.signal import resample_poly

    x = resample_poly(audio.astype(np.float64), 1, 3)
    sr = rate / 3
    win, hop = int(0.03 * sr), int(0.01 * sr)
    max_lag, min_lag = int(sr / lo), int(sr / hi)
    n = max(0, (len(x) - win - max_lag) // hop)
    rms = np.array([np.sqrt(np.mean(x[k * hop:k * hop + win] ** 2)) for k in range(n)])
    loud = rms > (rms.max() if n else 0) * 10 ** (-gate_db / 20)
    f0, aperiodicity = np.full(n, np.nan), np.ones(n)
    lags = np.arange(1, max_lag + 1)
    for k in np.nonzero(loud)[0]:
        seg = x[k * hop:k * hop + win + max_lag]
        shifted = np.lib.stride_tricks.sliding_window_view(seg[1:], win)[:max_lag]
        diff = np.sum((shifted - seg[:win]) ** 2, axis=1)
        cmnd = (diff * lags / np.maximum(np.cumsum(diff), 1e-12))[min_lag - 1:]
        below = np.nonzero(cmnd < threshold)[0]
        t = int(below[0]) if len(below) else int(np.argmin(cmnd))
        while t + 1 < len(cmnd) and cmnd[t + 1] < cmnd[t]:
            t += 1
        aperiodicity[k] = cmnd[t]
        if cmnd[t] < threshold:
            a, b, c = (cmnd[t - 1], cmnd[t], cmnd[t + 1]) if 0 < t < len(cmnd) - 1 else (0, 0, 0)
            offset = 0.5 * (a - c) / (a - 2 * b + c) if a - 2 * b + c > 0 else 0.0
            f0[k] = sr / (t + min_lag + offset)
    for _ in range(4):
        voiced = ~np.isnan(f0)
        if voiced.any():
            f0[voiced] = np.where(f0[voiced] > np.median(f0[voiced]) * 2 ** (7 / 12), f0[voiced] / 2, f0[voiced])
    centres = (np.arange(n) * hop + win // 2) * 3  # in 48 kHz samples
    return f0, aperiodicity, loud, centres


def semitones(a: float, b: float) -> float:
    return float(12 * np.log2(a / b))


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]", " ", text.lower()).split()


def edit_distance(a: list[str], b: list[str]) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        diagonal, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x != y))
    return row[-1]


def make_recognizer():
    """pocketsphinx's stock US-English model: 48 kHz mono float in, the words it heard out."""
    from pocketsphinx import Decoder

    decoder = Decoder(samprate=16000, loglevel="FATAL")

    def recognize(audio: np.ndarray) -> str:
        from scipy.signal import resample_poly

        pcm = (np.clip(resample_poly(audio.astype(np.float64), 1, 3), -1, 1) * 32767).astype(np.int16)
        decoder.start_utt()
        decoder.process_raw(pcm.tobytes(), full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        return hyp.hypstr if hyp is not None else ""

    return recognize
