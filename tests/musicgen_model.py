"""A tiny random MusicGen (T5 text encoder, EnCodec, decoder), built and saved by the test that needs it.

About 300 KB; it loads and generates through the same `from_pretrained` and `generate` calls a real
checkpoint takes. Its decoder has 160 positions at 125 codec frames a second, so one window holds
about 1.2 s: anything longer exercises the windowed continuation. Only the weights are random.
"""

from __future__ import annotations

from pathlib import Path

WORDS = "a the calm slow warm piano strings music drums soft bright tense launch".split()


def tiny_tokenizer():
    """A T5 tokenizer over a few words and single letters (unigram, as T5's sentencepiece is)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import T5TokenizerFast

    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    vocab += [("\u2581" + word, -1.0) for word in WORDS]
    vocab += [(c, -5.0) for c in "abcdefghijklmnopqrstuvwxyz\u2581"]
    backend = Tokenizer(models.Unigram(vocab, unk_id=2))
    backend.pre_tokenizer = pre_tokenizers.Metaspace()
    backend.decoder = decoders.Metaspace()
    return T5TokenizerFast(tokenizer_object=backend, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
                           extra_ids=0)


def build_tiny_musicgen(folder: Path) -> Path:
    import torch
    from transformers import (
        EncodecConfig,
        EncodecFeatureExtractor,
        MusicgenConfig,
        MusicgenDecoderConfig,
        MusicgenForConditionalGeneration,
        MusicgenProcessor,
        T5Config,
    )

    torch.manual_seed(0)
    text = T5Config(vocab_size=64, d_model=32, d_ff=37, d_kv=8, num_layers=2, num_heads=2)
    # 8 kHz, hop 64: 125 frames a second; two codebooks of 64 codes at 125 Hz is 1.5 kbit/s
    codec = EncodecConfig(codebook_size=64, num_filters=4, upsampling_ratios=[10, 16], sampling_rate=8000,
                          audio_channels=1, hidden_size=16, codebook_dim=16, num_lstm_layers=1,
                          target_bandwidths=[0.6], chunk_length_s=None)
    # vocab_size = codebook_size: the pad/start token 64 lies outside what the decoder can sample
    decoder = MusicgenDecoderConfig(vocab_size=64, num_codebooks=2, hidden_size=32, num_hidden_layers=2,
                                    num_attention_heads=2, ffn_dim=37, max_position_embeddings=80,
                                    pad_token_id=64, bos_token_id=64, decoder_start_token_id=64, audio_channels=1)
    config = MusicgenConfig(text_encoder=text.to_dict(), audio_encoder=codec.to_dict(), decoder=decoder.to_dict())
    model = MusicgenForConditionalGeneration(config)
    with torch.no_grad():  # EnCodec's codebooks start at zero (k-means fills them in training): every
        for layer in model.audio_encoder.quantizer.layers:  # code would sound the same
            layer.codebook.embed.normal_()
            layer.codebook.embed_avg.copy_(layer.codebook.embed)
    for name in ("pad_token_id", "bos_token_id", "decoder_start_token_id"):
        setattr(model.generation_config, name, 64)
    model.generation_config.do_sample = True
    model.generation_config.guidance_scale = 3.0
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    MusicgenProcessor(EncodecFeatureExtractor(feature_size=1, sampling_rate=8000), tiny_tokenizer()).save_pretrained(folder)
    (folder / "README.md").write_text("---\nlicense: mit\n---\nA tiny random MusicGen for tests.\n")
    return folder
