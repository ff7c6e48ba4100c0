"""Coqui TTS (the maintained `coqui-tts` distribution of `TTS`): any Coqui model, XTTS v2 cloning.

An optional extra: `pip install 'filmmaker[coqui]'`. `voice.model` is a local model folder
(config.json plus a checkpoint) or a Coqui model name such as `tts_models/en/ljspeech/vits`,
looked up in Coqui's own cache folder. Nothing is downloaded: a model that is not on disk fails
at resolve time, naming where it was looked for. XTTS v2 clones `voice.sample` (a WAV of the
person, who agreed to it); its weights are under the non-commercial CPML licence.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata, util
from pathlib import Path

from filmmaker.errors import ResolveError
from filmmaker.screenplay.model import VoiceSpec

CHECKPOINT_NAMES = ("model.pth", "model_file.pth", "best_model.pth", "checkpoint.pth")
EXTRA = "pip install 'filmmaker[coqui]'"


def cache_folder() -> Path:
    """Where Coqui keeps models it has downloaded (TTS_HOME or the user data folder)."""
    from TTS.utils.manage import ModelManager

    return Path(ModelManager(progress_bar=False).output_prefix)


def local_models() -> list[tuple[str, Path]]:
    """(model name, folder) for every model in Coqui's cache folder."""
    root = cache_folder()
    if not root.is_dir():
        return []
    return [(p.name.replace("--", "/"), p) for p in sorted(root.iterdir()) if (p / "config.json").is_file()]


def model_folder(model: str) -> Path:
    if model.startswith("tts_models/"):
        return cache_folder() / model.replace("/", "--")
    return Path(model)


def _checkpoint(folder: Path, config: dict) -> Path:
    if config.get("model") == "xtts":
        return folder  # XTTS loads every file of its folder
    for name in CHECKPOINT_NAMES:
        if (folder / name).is_file():
            return folder / name
    found = sorted(folder.glob("*.pth"))
    if not found:
        raise ResolveError(f"no checkpoint (*.pth) in the Coqui model folder {folder}")
    return found[0]


def _device() -> str:
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


@lru_cache(maxsize=4)
def _load(checkpoint: Path, config: Path, device: str):
    """One model per build (per process), moved to the GPU when there is one."""
    from TTS.api import TTS

    from filmmaker.backends.threads import pin_torch_threads

    pin_torch_threads()  # the same samples in whichever process speaks the line
    tts = TTS(model_path=str(checkpoint), config_path=str(config), progress_bar=False).to(device)
    model = tts.synthesizer.tts_model
    return tts, getattr(model, "length_scale", None)


class CoquiEngine:
    name = "coqui"

    def __init__(self, checkpoint: Path, config: Path, files_sha256: str, spec: VoiceSpec, sample_sha256: str | None):
        self.checkpoint, self.config, self.files_sha256 = checkpoint, config, files_sha256
        self.speaker, self.language, self.sample = spec.speaker, spec.language, spec.sample
        self.sample_sha256 = sample_sha256

    @classmethod
    def resolve(cls, spec: VoiceSpec, file_hash) -> "CoquiEngine":
        if util.find_spec("TTS") is None:
            raise ResolveError(f"the coqui engine is not installed: {EXTRA}")
        if not spec.model:
            raise ResolveError("`voice.model` is required with engine coqui: a model folder or a name like "
                               "tts_models/multilingual/multi-dataset/xtts_v2")
        folder = model_folder(spec.model)
        config_path = folder / "config.json"
        if not config_path.is_file():
            raise ResolveError(f"Coqui model {spec.model!r} not found: looked for {config_path}. Nothing is "
                               f"downloaded at build time; copy the model's files (config.json and its "
                               f"checkpoint) into {folder}")
        config = json.loads(config_path.read_text(encoding="utf-8"))
        checkpoint = _checkpoint(folder, config)
        files = [config_path] + (sorted(p for p in folder.iterdir() if p.is_file()) if checkpoint.is_dir()
                                 else [checkpoint])
        digest = hashlib.sha256("".join(file_hash(p) for p in files).encode()).hexdigest()
        if config.get("model") == "xtts" and spec.sample is None:
            raise ResolveError(f"{spec.model} clones a voice: give `voice.sample`, a recording of the person")
        return cls(checkpoint, config_path, digest, spec, file_hash(spec.sample) if spec.sample else None)

    def identity(self) -> dict:
        return {"engine": "coqui", "version": metadata.version("coqui-tts"), "model_sha256": self.files_sha256,
                "speaker": self.speaker, "language": self.language, "sample_sha256": self.sample_sha256}

    def synthesize(self, text: str, length_scale: float):
        import numpy as np
        import torch

        tts, base_length = _load(self.checkpoint, self.config, _device())
        kwargs = {}
        if base_length is not None:  # VITS-family models stretch time through their length scale
            tts.synthesizer.tts_model.length_scale = base_length * length_scale
        else:  # XTTS and others take a speed
            kwargs["speed"] = 1.0 / length_scale
        speaker = self.speaker
        if isinstance(speaker, int):  # an index into the model's speakers
            speakers = tts.speakers or []
            if speaker >= len(speakers):
                raise ResolveError(f"speaker {speaker} is out of range: the model has {len(speakers)} speaker(s)")
            speaker = speakers[speaker]
        torch.manual_seed(int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "little"))
        wav = tts.tts(text, speaker=speaker,
                      language=self.language, speaker_wav=str(self.sample) if self.sample else None, **kwargs)
        return np.asarray(wav, dtype=np.float32), int(tts.synthesizer.output_sample_rate)
