"""Tempo, first downbeat and key of a piece of music, measured from its sound.

For tracks that carry no metadata (a user's own files, generated music). Tempo: the
autocorrelation of a spectral-flux onset envelope picks the beat period (weighted towards
moderate tempi, as a listener would tap), then a comb over the whole excerpt refines it to a
hundredth of a bpm, because a loop of eight bars built on a tempo 0.5% off lands 100 ms late.
Key: a chroma profile correlated with the Krumhansl-Kessler major and minor profiles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ANALYSE_SECONDS = 90.0
HOP = 256  # at 48 kHz: a 5.3 ms onset grid
N_FFT = 2048
MIN_BPM, MAX_BPM = 55.0, 190.0
TAPPING_BPM = 100.0
PITCHES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


@dataclass(frozen=True)
class Measured:
    bpm: float | None  # None: no steady beat found
    downbeat: float  # seconds from the start to the first bar line
    key: str | None


def _spectrogram(audio: np.ndarray, rate: int) -> np.ndarray:
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    mono = mono[: int(ANALYSE_SECONDS * rate)].astype(np.float32)
    if len(mono) < N_FFT * 4:
        return np.zeros((0, N_FFT // 2 + 1), np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(mono, N_FFT)[::HOP]
    return np.abs(np.fft.rfft(frames * np.hanning(N_FFT).astype(np.float32), axis=1)).astype(np.float32)


def onset_envelope(spec: np.ndarray, compress: bool = True) -> np.ndarray:
    """Half-wave rectified rise of (log) magnitude, with its slow trend removed.

    Log magnitude hears every onset alike, which finds the beat; linear magnitude keeps how hard
    each one lands, which finds the accented first beat of the bar.
    """
    if len(spec) < 3:
        return np.zeros(len(spec))
    log = np.log1p(100.0 * spec) if compress else spec
    flux = np.maximum(0.0, np.diff(log, axis=0)).sum(axis=1)
    flux = np.concatenate([[0.0], flux])
    width = 64  # ~0.34 s
    trend = np.convolve(flux, np.ones(width) / width, mode="same")
    return np.maximum(0.0, flux - trend)


def _comb_score(onset: np.ndarray, period: float) -> tuple[float, float]:
    """Best phase (frames) and its mean onset strength for beats every `period` frames."""
    beats = np.arange(0, len(onset) - 1, period)
    phases = np.arange(0, period, 0.5)
    grid = beats[None, :] + phases[:, None]
    grid = grid[:, grid[-1] < len(onset) - 1] if grid.shape[1] > 1 else grid
    values = np.interp(grid, np.arange(len(onset)), onset).mean(axis=1)
    best = int(np.argmax(values))
    return float(phases[best]), float(values[best])


def estimate_tempo(audio: np.ndarray, rate: int) -> tuple[float | None, float]:
    """(bpm, seconds to the first downbeat); bpm None when the music has no steady pulse."""
    spec = _spectrogram(audio, rate)
    onset = onset_envelope(spec)
    fps = rate / HOP
    if len(onset) < fps * 4 or not onset.any():
        return None, 0.0
    centred = onset - onset.mean()
    spectrum = np.fft.rfft(centred, 2 * len(centred))
    ac = np.fft.irfft(np.abs(spectrum) ** 2)[: len(centred)]
    lags = np.arange(int(fps * 60 / MAX_BPM), int(fps * 60 / MIN_BPM) + 1)
    ac = ac / max(ac[0], 1e-12)
    if ac[lags].max() < 0.05:
        return None, 0.0
    # a beat period repeats at two and four beats (half and whole bars) too; a period that is a
    # triplet or dotted relative of the beat does not, so counting those echoes picks the beat
    echoes = [ac[np.minimum(lags * k, len(ac) - 1)] for k in (1, 2, 4)]
    # and a log-normal preference around 100 bpm, one octave wide: between a beat and its
    # double, a listener taps the one nearer a walking pace
    prior = np.exp(-0.5 * (np.log2(60 * fps / lags / TAPPING_BPM)) ** 2)
    lag = float(lags[int(np.argmax((echoes[0] + 0.5 * echoes[1] + 0.25 * echoes[2]) * prior))])
    coarse = 60 * fps / lag
    candidates = coarse * (1 + np.linspace(-0.03, 0.03, 121))
    scores = [_comb_score(onset, 60 * fps / bpm)[1] for bpm in candidates]
    bpm = float(candidates[int(np.argmax(scores))])
    fine = bpm * (1 + np.linspace(-0.0006, 0.0006, 25))
    bpm = float(fine[int(np.argmax([_comb_score(onset, 60 * fps / b)[1] for b in fine]))])
    beat = 60 * fps / bpm
    phase, _ = _comb_score(onset, beat)
    # the bar's first beat: of the four beat phases, the one whose beats are strongest over bars
    accents = onset_envelope(spec, compress=False)
    downbeat = max((phase + k * beat for k in range(4)), key=lambda p: _comb_score_at(accents, p, 4 * beat))
    # a frame's flux peaks when an onset is three quarters into its Hann window (where the window
    # rises fastest), not at the frame's start: place the grid where the onsets really are
    first = (downbeat % (4 * beat)) / fps + 0.75 * N_FFT / rate
    return round(bpm, 2), float(first % (4 * beat / fps))


def _comb_score_at(onset: np.ndarray, phase: float, period: float) -> float:
    points = np.arange(phase, len(onset) - 1, period)
    return float(np.interp(points, np.arange(len(onset)), onset).mean()) if len(points) else 0.0


def estimate_key(audio: np.ndarray, rate: int) -> str | None:
    from scipy.signal import welch

    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    mono = mono[: int(ANALYSE_SECONDS * rate)]
    if len(mono) < 16384:
        return None
    # 3 Hz bins: fine enough to tell semitones apart down to the bass
    freqs, power = welch(mono, rate, nperseg=16384)
    band = (freqs > 80) & (freqs < 4000)
    pitch_class = np.round(12 * np.log2(freqs[band] / 261.6256)).astype(int) % 12
    chroma = np.bincount(pitch_class, weights=np.sqrt(power[band]), minlength=12)
    if not chroma.any():
        return None
    best, name = -2.0, None
    for tonic in range(12):
        for profile, mode in ((_MAJOR, "major"), (_MINOR, "minor")):
            r = float(np.corrcoef(chroma, np.roll(profile, tonic))[0, 1])
            if r > best:
                best, name = r, f"{PITCHES[tonic]} {mode}"
    return name


def measure(audio: np.ndarray, rate: int) -> Measured:
    bpm, downbeat = estimate_tempo(audio, rate)
    return Measured(bpm, downbeat, estimate_key(audio, rate))
