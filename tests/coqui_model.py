"""A tiny random Coqui VITS, built and saved by the test that needs it (about 1 MB, loads in 0.05 s).

The real loading and synthesis code runs on it; only the weights are random, so it babbles.
"""

from __future__ import annotations

from pathlib import Path


def build_tiny_vits(folder: Path) -> Path:
    import torch
    from TTS.config.shared_configs import BaseAudioConfig
    from TTS.tts.configs.vits_config import VitsConfig
    from TTS.tts.models.vits import Vits, VitsArgs

    folder.mkdir(parents=True, exist_ok=True)
    args = VitsArgs(
        hidden_channels=16, hidden_channels_ffn_text_encoder=32, num_layers_text_encoder=1,
        num_heads_text_encoder=2, num_layers_flow=1, num_layers_posterior_encoder=1,
        upsample_rates_decoder=[8, 8, 4], upsample_kernel_sizes_decoder=[16, 16, 8],
        upsample_initial_channel_decoder=32, resblock_kernel_sizes_decoder=[3],
        resblock_dilation_sizes_decoder=[[1, 3, 5]], init_discriminator=False, use_sdp=False)
    config = VitsConfig(model_args=args, text_cleaner="basic_cleaners", use_phonemes=False,
                        audio=BaseAudioConfig(sample_rate=16000, hop_length=256, win_length=1024,
                                              fft_size=1024, num_mels=80))
    torch.manual_seed(0)
    model = Vits.init_from_config(config)
    torch.save({"model": model.state_dict(), "config": config.to_dict()}, folder / "model.pth")
    config.save_json(str(folder / "config.json"))
    return folder
