"""A tiny random GPT-2 and a word-level tokenizer, built and saved by the test that needs it.

A few hundred KB; it loads through the same `AutoModelForCausalLM` / `AutoTokenizer` calls a real
checkpoint takes and generates with the same `generate`. Only the weights are random: sampling
from them draws nearly uniformly from the vocabulary, so the vocabulary decides what comes out.
It holds ordinary English words, several tokens with a line break (about one draw in eight, so
the text breaks into lines) and some junk (URLs, runs of punctuation, numbers) for the lyrics
cleaner to drop.
"""

from __future__ import annotations

from pathlib import Path

WORDS = ["the", "a", "and", "of", "my", "your", "we", "you", "i", "love", "night", "light", "rocket", "sky", "fire",
         "stars", "home", "heart", "run", "fly", "burn", "over", "under", "away", "again", "never", "always",
         "morning", "dark", "silver", "rain", "river", "city", "road", "dream", "sing", "hold", "fall", "rise",
         "old", "young", "slow", "bright", "cold", "warm", "tonight", "alone", "together", "shine"]
BREAKS = ["\n", ",\n", ".\n", "!\n", "\n\n", "?\n", ";\n"]
JUNK = ["http://example.com/x", "www.shop.net", "!!!!", "----", "####", "1999", "$$$", "...."]
SPECIALS = ["<|endoftext|>", "[UNK]"]


def tiny_tokenizer(words: list[str] | None = None):
    """A word-level tokenizer that keeps line breaks as tokens and lower-cases what it reads."""
    from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    tokens = SPECIALS + list(dict.fromkeys((WORDS if words is None else words) + BREAKS + [",", "."] + JUNK))
    vocab = {token: index for index, token in enumerate(tokens)}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    backend.normalizer = normalizers.Lowercase()
    # a line break is a token of its own; other whitespace only separates words
    backend.pre_tokenizer = pre_tokenizers.Split(Regex(r"\n|[^\s\w]+|\w+"), behavior="removed", invert=True)
    return PreTrainedTokenizerFast(tokenizer_object=backend, eos_token="<|endoftext|>", bos_token="<|endoftext|>",
                                   unk_token="[UNK]", model_max_length=128)


def build_tiny_gpt2(folder: Path, words: list[str] | None = None, seed: int = 0) -> Path:
    """Save a random 2-layer GPT-2 with 128 positions and its tokenizer to `folder`; returns it.
    `words` replaces the English vocabulary (e.g. with nothing, for a model that only writes junk)."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    tokenizer = tiny_tokenizer(words)
    torch.manual_seed(seed)
    config = GPT2Config(vocab_size=len(tokenizer), n_positions=128, n_embd=32, n_layer=2, n_head=2,
                        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id)
    model = GPT2LMHeadModel(config)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
