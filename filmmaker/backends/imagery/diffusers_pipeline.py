"""A diffusers text-to-image pipeline, loaded once per build, generating shots in batches."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from filmmaker.backends.imagery import ImageModel
from filmmaker.errors import ResolveError

if TYPE_CHECKING:
    from filmmaker.graph.prompts import Generation


def _load(model: ImageModel, device: str, loader: str, what: str):
    """A pipeline from its folder, quietly, in half precision on a GPU (twice the speed)."""
    import os

    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # the build's progress bars say enough
    import diffusers
    import torch
    from diffusers.utils import logging
    from transformers.utils import logging as transformers_logging

    for quiet in (logging, transformers_logging):
        quiet.set_verbosity_error()
        quiet.disable_progress_bar()
    dtype = torch.float32 if device == "cpu" else torch.float16
    try:
        pipe = getattr(diffusers, loader).from_pretrained(model.folder, dtype=dtype, local_files_only=True)
    except (ValueError, OSError, TypeError) as exc:
        raise ResolveError(f"could not load the {model.pipeline} in {model.folder} as {what}: {exc}") from None
    pipe.to(device)
    pipe.set_progress_bar_config(disable=True)
    return pipe


class ImagePipeline:
    def __init__(self, model: ImageModel, device: str):
        self.model, self.device = model, device
        self.pipe = _load(model, device, "AutoPipelineForText2Image", "a text-to-image pipeline")

    def native_size(self) -> tuple[int, int]:
        """The size the model was trained at (512 for SD 1.5 and SD-Turbo, 1024 for SDXL and FLUX)."""
        pipe = self.pipe
        sample = getattr(pipe, "default_sample_size", None)
        if sample is None and getattr(pipe, "unet", None) is not None:
            sample = pipe.unet.config.sample_size
        if sample is None:
            return 512, 512
        side = int(sample) * int(getattr(pipe, "vae_scale_factor", 8))
        return side, side

    def overflow(self, prompt: str) -> int:
        """Tokens past what the text encoder reads (they are dropped): 0 when the prompt fits."""
        tokenizer = getattr(self.pipe, "tokenizer", None)
        if tokenizer is None:
            return 0
        length = len(tokenizer(prompt, truncation=False).input_ids)
        return max(0, length - tokenizer.model_max_length)

    def generate(self, batch: list[Generation], size: tuple[int, int]) -> list[np.ndarray]:
        """RGB uint8 images, one per generation. Each has its own seeded generator (made on the
        CPU, which diffusers advises for reproducible noise), so a shot's noise does not depend
        on which shots share its batch."""
        import torch

        steps, guidance = batch[0].batch_settings()
        kwargs = {}
        if any(g.negative for g in batch):  # only pipelines with classifier-free guidance take one
            kwargs["negative_prompt"] = [g.negative for g in batch]
        result = self.pipe(prompt=[g.prompt for g in batch], num_inference_steps=steps, guidance_scale=guidance,
                           width=size[0], height=size[1], output_type="np",
                           generator=[torch.Generator("cpu").manual_seed(g.seed) for g in batch], **kwargs)
        return [np.round(np.clip(image, 0, 1) * 255).astype(np.uint8) for image in result.images]


class MotionPipeline:
    """Image-to-video: a still (generated or not) brought to life for `motion: generate` shots."""

    def __init__(self, model: ImageModel, device: str):
        self.model, self.device = model, device
        self.pipe = _load(model, device, "DiffusionPipeline", "an image-to-video pipeline")

    def animate(self, image: np.ndarray, frames: int, steps: int, fps: int, size: tuple[int, int],
                seed: int) -> list[np.ndarray]:
        """RGB uint8 frames of `size`, the first close to `image`."""
        import torch
        from PIL import Image

        still = Image.fromarray(image).resize(size, Image.Resampling.LANCZOS)
        result = self.pipe(still, width=size[0], height=size[1], num_frames=frames, num_inference_steps=steps,
                           fps=fps, decode_chunk_size=min(8, frames), output_type="np",
                           generator=torch.Generator("cpu").manual_seed(seed))
        return [np.round(np.clip(frame, 0, 1) * 255).astype(np.uint8) for frame in np.asarray(result.frames)[0]]
