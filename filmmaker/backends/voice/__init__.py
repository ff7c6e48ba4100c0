"""Voice engines behind one small interface, chosen by `voice.engine` in the screenplay.

An engine speaks plain text at a given tempo; everything else (pitch, timbre, direction,
levels) is done the same way for all engines in `filmmaker.render.voice`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from filmmaker.errors import ResolveError
from filmmaker.screenplay.model import VoiceSpec

if TYPE_CHECKING:
    import numpy as np

ENGINES = ("piper", "espeak", "coqui", "kokoro")
MIN_SAMPLE_SECONDS = 3.0
SILENT_DBFS = -50.0


class VoiceEngine(Protocol):
    name: str

    def identity(self) -> dict:
        """Everything about the engine that changes its output: name, version, model hash."""

    def synthesize(self, text: str, length_scale: float) -> tuple["np.ndarray", int]:
        """Speak `text`, stretched in time by `length_scale`; mono float32 and its sample rate."""


def open_voice(spec: VoiceSpec, file_hash) -> VoiceEngine:
    """Resolve a voice spec to an engine whose model is known to exist; fails here, before work."""
    if spec.sample is not None:
        check_sample(spec.sample)
    if spec.engine == "piper":
        from filmmaker.backends.voice.piper import PiperEngine

        return PiperEngine.resolve(spec, file_hash)
    if spec.engine == "espeak":
        from filmmaker.backends.voice.espeak import EspeakEngine

        return EspeakEngine.resolve(spec, file_hash)
    if spec.engine == "coqui":
        from filmmaker.backends.voice.coqui import CoquiEngine

        return CoquiEngine.resolve(spec, file_hash)
    if spec.engine == "kokoro":
        from filmmaker.backends.voice.kokoro import KokoroEngine

        return KokoroEngine.resolve(spec, file_hash)
    raise ResolveError(f"unknown voice engine {spec.engine!r}; available: {', '.join(ENGINES)}")


def check_sample(path: Path) -> None:
    """A cloning sample must be real, audible speech of at least a few seconds."""
    import numpy as np

    from filmmaker.errors import RenderError
    from filmmaker.render.ffmpeg import decode_audio

    if not path.is_file():
        raise ResolveError(f"voice sample not found: {path}")
    try:
        audio = decode_audio(path, rate=16_000, channels=1)[:, 0]
    except RenderError:
        raise ResolveError(f"voice sample {path} is not audio ffmpeg can read; record a WAV of the "
                           "person speaking") from None
    seconds = len(audio) / 16_000
    if seconds < MIN_SAMPLE_SECONDS:
        raise ResolveError(f"voice sample {path} is {seconds:.1f} s long; cloning needs at least "
                           f"{MIN_SAMPLE_SECONDS:g} s of the person speaking (10-30 s is better)")
    rms = float(np.sqrt(np.mean(np.square(audio)))) if len(audio) else 0.0
    if 20 * np.log10(max(rms, 1e-12)) < SILENT_DBFS:
        raise ResolveError(f"voice sample {path} is silent (below {SILENT_DBFS:g} dBFS); check the recording")
