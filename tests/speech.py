"""Speech measurements shared by the tests: a YIN pitch tracker, semitone distances, pocketsphinx
transcription and word error rate."""

from __future__ import annotations

import re
from pathlib import Path

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


def median_f0(audio: list[np.ndarray]) -> float:
    tracks = [yin(a)[0] for a in audio]
    voiced = np.concatenate([t[~np.isnan(t)] for t in tracks])
    return float(np.median(voiced)) if len(voiced) else float("nan")


def envelope_db(audio: list[np.ndarray], frame: int = 2048) -> np.ndarray:
    """The mean spectral envelope (cepstrally smoothed log magnitude, dB) of the loud frames, up to
    5 kHz: where the formants are."""
    from filmmaker.render.spectral import envelope

    frames = []
    for a in audio:
        n = len(a) // frame
        if not n:
            continue
        blocks = a[: n * frame].reshape(n, frame) * np.hanning(frame)
        loud = np.sqrt((blocks ** 2).mean(axis=1))
        kept = blocks[loud > loud.max() * 0.1]
        frames.append(np.abs(np.fft.rfft(kept, axis=1)).T)
    magnitude = np.concatenate(frames, axis=1)
    env = 20 * np.log10(envelope(magnitude).mean(axis=1) + 1e-9)
    return env[: int(5000 / (RATE / frame))] - env.max()


def transcribe_wer(audio: list[np.ndarray], texts: list[str]) -> float:
    recognize = make_recognizer()
    errors = total = 0
    for a, text in zip(audio, texts):
        heard = recognize(a / max(1e-9, float(np.abs(a).max())) * 0.5)
        errors += edit_distance(words(text), words(heard))
        total += len(words(text))
    return errors / max(1, total)


def _cues(srt: str) -> list[tuple[float, float, str, str]]:
    """(start, end, role, text) of each subtitle."""
    def seconds(stamp: str) -> float:
        h, m, s = stamp.strip().split(":")
        return int(h) * 3600 + int(m) * 60 + float(s.replace(",", "."))

    out = []
    for block in srt.strip().split("\n\n"):
        rows = block.splitlines()
        start, end = rows[1].split(" --> ")
        text = " ".join(rows[2:])
        role, _, said = text.partition(": ")
        out.append((seconds(start), seconds(end), role, re.sub(r"\([^)]*\)", "", said)))
    return out


def dialogue_wer(out: Path) -> tuple[dict[tuple[str, str], float], dict[str, float]]:
    """A built film's dialogue, cut at its subtitles and transcribed from the final mix and from the
    dialogue stem: WER by (source, role) ("" for all roles), and each role's median F0."""
    import soundfile as sf

    from filmmaker.render.ffmpeg import decode_audio

    slug = next(out.glob("*.srt")).stem
    cues = _cues((out / f"{slug}.srt").read_text())
    mix = decode_audio(out / f"{slug}.mp4", channels=1)[:, 0]
    stem, _ = sf.read(out / "stems" / "dialogue.wav", dtype="float32", always_2d=True)
    stem = stem.mean(axis=1)
    recognize = make_recognizer()
    tally: dict[tuple[str, str], list[int]] = {}
    pitch: dict[str, list[np.ndarray]] = {}
    for start, end, role, said in cues:
        for name, audio in (("mix", mix), ("stem", stem)):
            piece = audio[int(start * RATE): int(end * RATE) + RATE // 10]
            heard = recognize(piece / max(1e-9, float(np.abs(piece).max())) * 0.5)
            for key in ((name, role), (name, "")):
                count = tally.setdefault(key, [0, 0])
                count[0] += edit_distance(words(said), words(heard))
                count[1] += len(words(said))
        pitch.setdefault(role, []).append(stem[int(start * RATE): int(end * RATE)])
    return {key: e / max(1, n) for key, (e, n) in tally.items()}, {r: median_f0(p) for r, p in pitch.items()}
