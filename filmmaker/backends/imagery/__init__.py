"""Image models for `prompt` shots: finding one on disk, naming it, and (lazily) running it.

Finding and naming a model reads only files, so a build whose pictures are all cached never
imports torch or diffusers; `open_pipeline` does that, once per build, when something is to be
generated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from filmmaker.errors import ResolveError

# Pipelines that need more than words (a control image, a picture to edit, a video model) cannot
# picture a shot from its prompt alone.
NOT_TEXT_TO_IMAGE = ("Control", "Img2Img", "Inpaint", "Video", "Upscale", "Kontext", "Omni", "Depth", "Variation")
OBTAIN = ("download it once where there is a network, e.g. `huggingface-cli download stabilityai/sd-turbo "
          "--local-dir models/sd-turbo`, and set `imagery.model: models/sd-turbo`")


@dataclass(frozen=True)
class ImageModel:
    folder: Path
    pipeline: str  # the diffusers pipeline class named in model_index.json
    identity: str  # hash of every file's name, size and content: what the cache keys on


def locate_model(model: str, folder: Path | None) -> Path:
    """The model's folder: `folder` when the screenplay named a path, else `model` looked up as a
    Hugging Face cache id (never downloaded)."""
    if folder is not None:
        if not folder.is_dir():
            raise ResolveError(f"no model folder at {folder}; {OBTAIN}")
        return folder
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import LocalEntryNotFoundError
    except ImportError:
        raise ResolveError("generated pictures need diffusers: pip install 'filmmaker[imagery]'") from None
    try:
        return Path(snapshot_download(model, local_files_only=True))
    except (LocalEntryNotFoundError, ValueError, OSError):
        raise ResolveError(f"{model!r} is neither a folder next to the screenplay nor a model in the Hugging Face "
                           f"cache; {OBTAIN}") from None


def describe_model(folder: Path, file_hash, motion: bool = False) -> ImageModel:
    """Check that `folder` holds a text-to-image (or, for `motion`, an image-to-video) diffusers
    pipeline, and hash what is in it."""
    index = folder / "model_index.json"
    if not index.is_file():
        raise ResolveError(f"{folder} is not a diffusers pipeline (it has no model_index.json); point "
                           "`imagery.model` at a folder saved by `save_pretrained` or downloaded from the Hub")
    try:
        pipeline = str(json.loads(index.read_text(encoding="utf-8")).get("_class_name", ""))
    except (ValueError, UnicodeDecodeError):
        raise ResolveError(f"{index} is not valid JSON; the model folder is damaged, download it again") from None
    if motion:
        if not (pipeline.endswith("Pipeline") and "Video" in pipeline and "Text" not in pipeline):
            raise ResolveError(f"{folder} holds a {pipeline or 'unnamed'} pipeline, which does not animate a "
                               "picture; use an image-to-video model (Stable Video Diffusion, I2VGen-XL, ...)")
    elif not pipeline.endswith("Pipeline") or any(word in pipeline for word in NOT_TEXT_TO_IMAGE):
        raise ResolveError(f"{folder} holds a {pipeline or 'unnamed'} pipeline, which does not make pictures from "
                           "words; use a text-to-image model (SD-Turbo, SDXL-Turbo, SD 1.5, FLUX.1-schnell, ...)")
    return ImageModel(folder, pipeline, _identity(folder, file_hash))


def _identity(folder: Path, file_hash) -> str:
    import hashlib

    # every file but hidden ones (.cache, .git) and model cards: a README edit is not a new model
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() != ".md"
                   and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    listing = [[p.relative_to(folder).as_posix(), p.stat().st_size, file_hash(p)] for p in files]
    return hashlib.sha256(json.dumps(listing).encode()).hexdigest()


def pick_device(requested: str) -> str:
    """`auto`: CUDA, then Apple's MPS, then the CPU."""
    import torch

    from filmmaker.backends.threads import pin_torch_threads

    available = {"cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available(), "cpu": True}
    if requested == "auto":
        requested = next(name for name, ok in available.items() if ok)
    if not available[requested]:
        raise ResolveError(f"imagery.device is {requested!r} but this machine has no {requested.upper()} device "
                           "torch can use; set `device: auto`")
    pin_torch_threads()  # CPU ops (and the GPU's host side) split alike in every process
    return requested


def open_pipeline(model: ImageModel, device: str):
    from filmmaker.backends.imagery.diffusers_pipeline import ImagePipeline

    return ImagePipeline(model, pick_device(device))


def open_motion_pipeline(model: ImageModel, device: str):
    from filmmaker.backends.imagery.diffusers_pipeline import MotionPipeline

    return MotionPipeline(model, pick_device(device))
