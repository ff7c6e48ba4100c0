"""Voice timbre through the spectral envelope: formant shifts and whispering.

Each STFT frame's magnitude is split into a smooth envelope (the vocal tract: cepstral
smoothing, cut below the shortest pitch period) and a fine structure (the harmonics of the
voice). Warping the envelope along frequency moves the formants without moving the pitch; a
whisper keeps the envelope and replaces the harmonics with noise.
"""

from __future__ import annotations

import numpy as np

from filmmaker.render.audio import RATE

FRAME = 1024  # 21 ms at 48 kHz
HOP = 256
MAX_F0 = 600.0  # Hz: the cepstral lifter keeps quefrencies below this voice's pitch period


def _stft(audio: np.ndarray):
    from scipy.signal import stft

    return stft(audio, fs=RATE, nperseg=FRAME, noverlap=FRAME - HOP, boundary="even", padded=True)[2]


def _istft(spectrum: np.ndarray, length: int) -> np.ndarray:
    from scipy.signal import istft

    audio = istft(spectrum, fs=RATE, nperseg=FRAME, noverlap=FRAME - HOP, boundary=True)[1]
    out = np.zeros(length, np.float32)
    out[: min(length, len(audio))] = audio[:length]
    return out


def envelope(magnitude: np.ndarray) -> np.ndarray:
    """Smooth spectral envelope per frame (bins x frames), by liftering the real cepstrum."""
    log_mag = np.log(np.maximum(magnitude, 1e-9))
    cepstrum = np.fft.irfft(log_mag, axis=0)
    keep = int(RATE / MAX_F0)
    cepstrum[keep:-keep] = 0.0
    return np.exp(np.fft.rfft(cepstrum, axis=0).real[: magnitude.shape[0]])


def shift_formants(audio: np.ndarray, semitones: float) -> np.ndarray:
    """Move the formants up (a smaller speaker) or down (a larger one), keeping the pitch."""
    if abs(semitones) < 1e-3 or len(audio) < FRAME:
        return audio
    factor = 2.0 ** (semitones / 12.0)
    spectrum = _stft(audio)
    magnitude = np.abs(spectrum)
    env = envelope(magnitude)
    bins = np.arange(magnitude.shape[0], dtype=np.float64)
    # the new envelope at bin k is the old one at k / factor: formants move by `factor`
    warped = np.empty_like(env)
    for frame in range(env.shape[1]):
        warped[:, frame] = np.interp(bins / factor, bins, env[:, frame], right=env[-1, frame])
    return _istft(spectrum * (warped / np.maximum(env, 1e-9)), len(audio))


def whisper(audio: np.ndarray, seed: int = 0) -> np.ndarray:
    """Breath shaped by the voice's envelope: the words stay, the voicing goes."""
    if len(audio) < FRAME:
        return audio
    spectrum = _stft(audio)
    env = envelope(np.abs(spectrum))
    rng = np.random.default_rng(seed)
    phase = np.exp(2j * np.pi * rng.random(spectrum.shape))
    # breath has little below ~300 Hz, and more hiss than a voiced envelope predicts up high
    freqs = np.linspace(0, RATE / 2, spectrum.shape[0])[:, None]
    tilt = np.clip(freqs / 300.0, 0, 1) * (1 + freqs / 8000.0)
    return _istft(env * tilt * phase, len(audio))
