"""A tiny random ACE-Step 1.5 pipeline (DiT, condition encoder, Qwen3 text encoder, Oobleck VAE,
byte-level tokenizer), built and saved by the test that needs it.

About 1.2 MB, 0.5 MB of it the condition encoder's stored silence latent (15000 frames, a size
the class fixes). It loads through `AceStepPipeline.from_pretrained` and runs the same calls a real
checkpoint takes: stereo at 8 kHz with a hop of 320, so 25 latent frames a second as the real
48 kHz model has. A turbo model, like ACE-Step 1.5's main release: no guidance, 8 steps. Only
the weights are random.
"""

from __future__ import annotations

from pathlib import Path

RATE = 8000
HOP = (4, 8, 10)  # 320 samples a latent frame: 25 a second
LATENT = 8  # acoustic channels of the VAE's latent and the DiT's output


def tiny_tokenizer():
    """Qwen's kind of tokenizer, shrunk: byte-level BPE with no merges (one token per byte), and
    `<|endoftext|>` as the special token the pipeline's prompt templates end with."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = pre_tokenizers.ByteLevel.alphabet()
    vocab = {char: index for index, char in enumerate(sorted(alphabet))}
    backend = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    backend.decoder = decoders.ByteLevel()
    return PreTrainedTokenizerFast(tokenizer_object=backend, eos_token="<|endoftext|>", pad_token="<|endoftext|>",
                                   model_max_length=131_072)


def build_tiny_acestep(folder: Path) -> Path:
    """Save a random AceStepPipeline to `folder`; returns it."""
    import torch
    from diffusers import AceStepPipeline, AutoencoderOobleck, FlowMatchEulerDiscreteScheduler
    from diffusers.models.transformers.ace_step_transformer import AceStepTransformer1DModel
    from diffusers.pipelines.ace_step import AceStepConditionEncoder
    from transformers import Qwen3Config, Qwen3Model

    tokenizer = tiny_tokenizer()
    width = {"num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 8, "rope_theta": 10_000.0}
    torch.manual_seed(0)
    # in_channels: the noisy latent, the source latent and the keep/generate mask, side by side
    transformer = AceStepTransformer1DModel(hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                            in_channels=3 * LATENT, audio_acoustic_hidden_dim=LATENT, patch_size=2,
                                            sliding_window=16, is_turbo=True, **width)
    text_encoder = Qwen3Model(Qwen3Config(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                                          num_hidden_layers=2, max_position_embeddings=512, **width))
    condition_encoder = AceStepConditionEncoder(hidden_size=32, intermediate_size=64, text_hidden_dim=32,
                                                timbre_hidden_dim=LATENT, num_lyric_encoder_hidden_layers=2,
                                                num_timbre_encoder_hidden_layers=2, sliding_window=16, **width)
    # encoder_hidden_size is the encoder's output: a mean and a scale for each latent channel
    vae = AutoencoderOobleck(encoder_hidden_size=2 * LATENT, downsampling_ratios=list(HOP), channel_multiples=[1, 1, 1],
                             decoder_channels=8, decoder_input_channels=LATENT, audio_channels=2, sampling_rate=RATE)
    with torch.no_grad():
        # a random decoder's biases add one fixed waveform that drowns what the latents say; a
        # trained one adds none: without them, the audio follows the latents (and the seed)
        for module in vae.decoder.modules():
            if getattr(module, "bias", None) is not None:
                module.bias.zero_()
        # as the real converter does: the silence latent is the VAE's encoding of silence (the
        # pipeline fills the span it generates with it), here one steady frame repeated
        silence = vae.encode(torch.zeros(1, 2, RATE)).latent_dist.mean[:, :, RATE // 640]
        condition_encoder.silence_latent.copy_(silence[:, None, :].expand_as(condition_encoder.silence_latent))
    # ACE-Step computes its own shifted sigmas and hands them to the scheduler verbatim
    scheduler = FlowMatchEulerDiscreteScheduler(num_train_timesteps=1, shift=1.0)
    pipeline = AceStepPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, transformer=transformer,
                               condition_encoder=condition_encoder, scheduler=scheduler)
    folder.mkdir(parents=True, exist_ok=True)
    pipeline.save_pretrained(folder)
    (folder / "README.md").write_text("---\nlicense: mit\n---\nA tiny random ACE-Step 1.5 pipeline for tests.\n")
    return folder
