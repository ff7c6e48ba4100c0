"""Voice engines behind one small interface, chosen by `voice.engine` in the screenplay."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from filmmaker.errors import ResolveError
from filmmaker.screenplay.model import VoiceSpec

if TYPE_CHECKING:
    import numpy as np


class VoiceEngine(Protocol):
    name: str

    def identity(self) -> dict:
        """Everything about the engine that changes its output: name, version, model hash."""

    def synthesize(self, text: str, length_scale: float) -> tuple[np.ndarray, int]:
        """Speak `text`, stretched in time by `length_scale`; mono float32 and its sample rate."""


def open_voice(spec: VoiceSpec, file_hash) -> VoiceEngine:
    """Resolve a voice spec to a loaded-on-demand engine; a missing model fails here."""
    if spec.engine == "piper":
        from filmmaker.backends.voice.piper import PiperEngine

        return PiperEngine.resolve(spec, file_hash)
    raise ResolveError(f"unknown voice engine {spec.engine!r}; available: piper")
