"""A tiny random Jukebox (VQ-VAE, two upsamplers, a lyrics-conditioned top prior), built with
jukebox-infer's own `make_vqvae` / `make_prior` from hparams and saved by the test that needs it.

It is laid out as the `jukebox` engine reads any model (see filmmaker/backends/music/jukebox.py):
`hparams.json` plus `vqvae.pth.tar` and `prior_level_{0,1,2}.pth.tar`, each a dict with `model`
(the state dict) and `hps`, as OpenAI's checkpoints are. About 3 MB, most of it the artist and
genre embeddings, which keep Jukebox's real vocabularies. At 2 kHz the levels hold 500, 250 and 125
tokens a second; every prior sees 64 tokens (0.13, 0.26 and 0.51 s), so any song of a second or
more is sampled window by window at every level: about 0.7 s a second of song on two CPU cores.
Only the weights are random.
"""

from __future__ import annotations

import json
from pathlib import Path

SR = 2000
VQVAE = {"sr": SR, "levels": 3, "downs_t": [2, 1, 1], "strides_t": [2, 2, 2], "emb_width": 16, "l_bins": 64,
         "hvqvae_multipliers": [1, 1, 1], "width": 16, "depth": 1, "m_conv": 1.0, "dilation_growth_rate": 3}
UPSAMPLER = {"sr": SR, "n_ctx": 64, "prior_width": 32, "prior_depth": 2, "heads": 1, "attn_order": 2, "blocks": 4,
             "init_scale": 0.7, "cond_width": 16, "cond_depth": 1, "cond_dilation_growth_rate": 3,
             "cond_dilation_cycle": 8, "labels": True, "y_bins": [120, 4111], "t_bins": 16,
             "max_bow_genre_size": 5, "n_vocab": 80, "use_tokens": False}
# the 1b_lyrics layout: lyrics and music tokens in one sequence (single_enc_dec), factored attention
# whose 16th layer (attn_order 12) attends to the lyrics; v3 artist and genre labels
TOP = {"sr": SR, "level": 2, "n_ctx": 64, "prior_width": 32, "prior_depth": 16, "heads": 1, "attn_order": 12,
       "blocks": 8, "init_scale": 0.7, "labels": True, "labels_v3": True, "y_bins": [604, 7898], "t_bins": 16,
       "max_bow_genre_size": 1, "n_vocab": 79, "use_tokens": True, "n_tokens": 16, "single_enc_dec": True,
       "prime_loss_fraction": 0.4, "min_duration": 1.0, "max_duration": 60.0}
HPARAMS = {"vqvae": VQVAE, "priors": [{**UPSAMPLER, "level": 0}, {**UPSAMPLER, "level": 1, "cond_res_scale": True},
                                      TOP]}


def _hparams(entry: dict, **extra):
    from jukebox_infer.hparams import setup_hparams

    return setup_hparams("", {**{k: tuple(v) if isinstance(v, list) else v for k, v in entry.items()}, **extra})


def build_tiny_jukebox(folder: Path) -> Path:
    import contextlib
    import io

    import numpy as np
    import torch
    from jukebox_infer.make_models import make_prior, make_vqvae

    torch.manual_seed(0)
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.redirect_stdout(io.StringIO()):  # jukebox-infer narrates every build
        top_hop = int(np.prod([s ** d for s, d in zip(VQVAE["strides_t"], VQVAE["downs_t"])]))
        vqvae = make_vqvae(_hparams(VQVAE, sample_length=top_hop), "cpu")
        with torch.no_grad():  # codebooks start at zero (k-means fills them in training): every code would sound alike
            for block in vqvae.bottleneck.level_blocks:
                block.k.normal_()
        priors = [make_prior(_hparams(entry), vqvae, "cpu") for entry in HPARAMS["priors"]]
    # as OpenAI's files: the training hparams (numpy scalars among them) beside the state dict
    save = {"vqvae.pth.tar": (vqvae, VQVAE)}
    save.update({f"prior_level_{i}.pth.tar": (prior, HPARAMS["priors"][i]) for i, prior in enumerate(priors)})
    for name, (model, hps) in save.items():
        torch.save({"hps": {**hps, "sample_length": np.int64(top_hop)}, "model": model.state_dict(), "step": 0},
                   folder / name)
    (folder / "hparams.json").write_text(json.dumps(HPARAMS, indent=1))
    return folder
