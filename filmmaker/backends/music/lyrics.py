"""Lyrics for a song cue, drafted by a local causal language model (GPT-2 or any folder that
`AutoModelForCausalLM` loads) through `transformers` (optional: pip install -e '.[songs]').

The model is prompted with a short song sheet (title, style, the scenes' headings and what the
shots under the cue show) and continues it where the verse begins; its text is cleaned into
singable lines. The draft is written beside the screenplay for the writer to edit: it carries the
SHA-256 of what was drafted in its header line, so a file the writer touched is never overwritten.
The model comes from a local folder or the Hugging Face cache, never the network.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import re
from pathlib import Path

from filmmaker.cache import atomic_write_bytes
from filmmaker.errors import RenderError, ResolveError

VERSION = 1  # bump when the prompt, sampling or cleaning changes the lyrics drafted
INSTALL = "pip install -e '.[songs]' (transformers and torch)"
FETCH = "huggingface-cli download openai-community/gpt2 --local-dir models/gpt2"
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.json", "tokenizer.model")

# the song sheet: small models only follow a short one, and it must end where the verse begins
MAX_HEADINGS = 4
MAX_DESCRIPTIONS = 6
MAX_DESCRIPTION_CHARS = 140
PROMPT_LABELS = ("song", "title", "style", "scenes", "shots", "lyrics", "verse", "chorus", "bridge", "outro",
                 "intro", "hook", "pre-chorus")

# sampling: a little below the raw distribution, as GPT-2's authors sample prose, and a penalty on
# repeats, which small models otherwise fall into within a line or two
TEMPERATURE = 0.9
TOP_K = 50
TOP_P = 0.95
REPETITION_PENALTY = 1.2
TOKENS_PER_LINE = 4  # the least the model must write per asked-for line before it may stop

# cleaning
MAX_LINE_CHARS = 60  # a sung line is a breath; longer ones are wrapped at a word
MAX_WORD_CHARS = 24  # longer "words" are hashes, paths or runs of letters, not singable
URL = re.compile(r"(?i)\b(?:https?://|www\.)\S*|\S+\.(?:com|org|net|io|html?)\b\S*|\S+@\S+")
# "[Chorus]", "Verse 2:", "(x2)": a song sheet's structure, not words to sing
SECTION_TAG = re.compile(r"(?i)^(?:\[[^\]]*\]|\(x?\d+\)|(?:" + "|".join(re.escape(label) for label in PROMPT_LABELS)
                         + r")(?:\s*\d+)?\s*:?)$")
LABEL_LINE = re.compile(r"(?i)^(?:" + "|".join(re.escape(label) for label in PROMPT_LABELS) + r")\s*\d*\s*:")
PUNCTUATION_RUN = re.compile(r"([^\w\s])\1{3,}")  # "!!!!", "----", "====": decoration, not words
HEADER_HASH = re.compile(r"\[sha256 ([0-9a-f]{64})\]\s*$")


def check_installed() -> None:
    """Without importing torch (seconds): a missing package fails at resolve time, named."""
    missing = [name for name in ("torch", "transformers") if importlib.util.find_spec(name) is None]
    if missing:
        raise ResolveError(f"drafting lyrics needs {' and '.join(missing)}: {INSTALL}")


# ---------------------------------------------------------------------------------------------
# locating the model


def locate_lyrics_model(model: str) -> Path:
    """A causal-LM folder: `model` itself when it is an absolute path, else its Hugging Face cache
    copy. Never downloads; anything missing or of the wrong kind is a ResolveError with the fix."""
    path = Path(model)
    if path.is_absolute():
        if not path.is_dir():
            raise ResolveError(f"lyrics model folder not found: {path}; download a causal language model once, "
                               f"e.g. huggingface-cli download openai-community/gpt2 --local-dir {path}")
        _check_causal_lm(path)
        return path
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import LocalEntryNotFoundError
    except ImportError:
        raise ResolveError(f"looking up {model!r} in the Hugging Face cache needs huggingface_hub: {INSTALL}") from None
    try:
        folder = Path(snapshot_download(model, local_files_only=True))
    except (LocalEntryNotFoundError, OSError, ValueError):
        raise ResolveError(f"lyrics model {model!r} is not in the local Hugging Face cache and nothing is "
                           f"downloaded at build time; fetch it once with `huggingface-cli download {model}`, or "
                           f"put one in a folder (e.g. `{FETCH}`) and give its absolute path") from None
    _check_causal_lm(folder)
    return folder


def _check_causal_lm(folder: Path) -> None:
    """The folder holds a checkpoint AutoModelForCausalLM can load, and its tokenizer; else say what it
    is instead. The cheap file checks come first: the model-type check imports transformers (and torch)."""
    config_file = folder / "config.json"
    if (folder / "model_index.json").is_file():
        raise ResolveError(f"{folder} is a diffusers pipeline (it has model_index.json), not a causal language "
                           f"model; lyrics need a text generator such as GPT-2: {FETCH}")
    if not config_file.is_file():
        raise ResolveError(f"{folder} is not a language model folder (no config.json); it needs the files of a "
                           f"transformers causal language model (config.json, the weights, the tokenizer): {FETCH}")
    try:
        config = json.loads(config_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResolveError(f"{config_file} cannot be read as JSON ({exc}); download the model again: {FETCH}") from None
    if not isinstance(config, dict):
        raise ResolveError(f"{config_file} is not a model config (not a JSON object); download the model again: "
                           f"{FETCH}")
    model_type = config.get("model_type")
    architectures = ", ".join(config.get("architectures") or []) or "unknown architecture"
    if not model_type:
        kind = config.get("_class_name") or architectures
        raise ResolveError(f"{folder} is not a transformers model (its config.json names no model_type; it is "
                           f"{kind}); lyrics need a causal language model such as GPT-2: {FETCH}")
    check_installed()
    try:
        from transformers.models.auto.modeling_auto import MODEL_FOR_CAUSAL_LM_MAPPING_NAMES
    except ImportError as exc:
        raise ResolveError(f"cannot import transformers ({exc}): {INSTALL}") from None
    heads = set()
    for names in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES.values():
        heads.update([names] if isinstance(names, str) else names)
    # the architectures saved say what the weights are: a bare "GPT2Model" or MusicGen's text-to-music
    # model share a causal model type but would load with an untrained head, or not at all
    saved = config.get("architectures") or []
    headless = bool(saved) and not any(a in heads or "CausalLM" in a or "LMHead" in a for a in saved)
    if model_type not in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES or headless:
        if "AutoModelForCausalLM" in (config.get("auto_map") or {}):
            raise ResolveError(f"{folder} is a {model_type!r} model that needs its own Python code "
                               "(trust_remote_code), which filmmaker never runs; use a causal language model "
                               f"transformers knows, such as GPT-2: {FETCH}")
        raise ResolveError(f"{folder} is a {model_type!r} model ({architectures}), not a causal language model "
                           f"AutoModelForCausalLM can load; lyrics need a text generator such as GPT-2: {FETCH}")
    if not any((folder / name).is_file() for name in TOKENIZER_FILES):
        raise ResolveError(f"{folder} has a {model_type!r} model but no tokenizer (none of "
                           f"{', '.join(TOKENIZER_FILES)}); download the whole checkpoint: {FETCH}")


# ---------------------------------------------------------------------------------------------
# the prompt


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _shorten(text: str, limit: int) -> str:
    """The first sentence when it fits, else the text cut at a word before `limit`."""
    text = _one_line(text)
    if len(text) <= limit:
        return text
    sentence = re.match(r"(.{20,}?[.!?])\s", text)
    if sentence and len(sentence.group(1)) <= limit:
        return sentence.group(1)
    room = text[:limit - 3]  # the "..." that marks the cut fits within the limit
    cut = room.rsplit(" ", 1)[0] if " " in room else room
    return cut.rstrip(",;:-") + "..."


def _spread(items: list[str], count: int) -> list[str]:
    """At most `count` items, evenly spaced and in order: the whole cue, not just its start."""
    if len(items) <= count:
        return items
    step = (len(items) - 1) / (count - 1) if count > 1 else 0
    return [items[round(index * step)] for index in range(count)]


def lyrics_prompt(title: str, headings: list[str], descriptions: list[str], style: str) -> str:
    """The song sheet the model continues, ending where the first verse line should begin. The same
    arguments give the same text; it stays short (a few hundred characters) for small models."""
    unique_headings = list(dict.fromkeys(h for h in (_one_line(h) for h in headings) if h))
    shots = list(dict.fromkeys(d for d in (_shorten(d, MAX_DESCRIPTION_CHARS) for d in descriptions) if d))
    lines = [f"Song: {_shorten(title, 80) or 'Untitled'}"]
    if _one_line(style):
        lines.append(f"Style: {_shorten(style, 120)}")
    if unique_headings:
        lines.append("Scenes: " + "; ".join(_shorten(h, 60) for h in _spread(unique_headings, MAX_HEADINGS)))
    if shots:
        lines.append("Shots:")
        lines += [f"- {shot}" for shot in _spread(shots, MAX_DESCRIPTIONS)]
    lines += ["", "Lyrics:", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# drafting


def token_budget(prompt_tokens: int, context: int, max_new_tokens: int) -> tuple[int, int]:
    """(prompt tokens to keep, new tokens to make) so both fit the model's `context` positions.
    A prompt that leaves no room is cut from the left (its end is where the verse begins), but
    never below the room for half the context's worth of lyrics (or what was asked, if less)."""
    context = max(2, context)
    new = max(1, min(max_new_tokens, context - 1))
    if prompt_tokens + new <= context:
        return prompt_tokens, new
    new = max(min(new, context // 2), context - prompt_tokens)
    return context - new, new


def _context_length(model, tokenizer) -> int:
    for name in ("max_position_embeddings", "n_positions", "n_ctx", "seq_length"):
        value = getattr(model.config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    limit = getattr(tokenizer, "model_max_length", None)
    return limit if isinstance(limit, int) and 0 < limit < 1_000_000 else 1024


@functools.lru_cache(maxsize=1)
def _load(folder: str, device: str | None, stamp: int):
    """(torch, model, tokenizer, device), kept for the next cue; `stamp` (config.json's mtime)
    makes a replaced checkpoint load afresh."""
    check_installed()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from filmmaker.backends.threads import pin_torch_threads

    pin_torch_threads()  # the same text in whichever process drafts it
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    try:
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        # float32 on the CPU: a half-precision checkpoint would sample slowly there, and differently
        dtype = torch.float32 if device == "cpu" else "auto"
        model = AutoModelForCausalLM.from_pretrained(folder, local_files_only=True, dtype=dtype)
    except (OSError, ValueError, KeyError) as exc:
        raise RenderError(f"cannot load the lyrics model in {folder}: {exc}") from None
    return torch, model.to(device).eval(), tokenizer, device


def draft_lyrics(folder: Path, prompt: str, seed: int, lines: int = 8, max_new_tokens: int = 160,
                 device: str | None = None) -> str:
    """At most `lines` singable lines continuing `prompt`, the same for the same model, prompt and
    seed in any process. The global random state is left as it was."""
    stamp = (Path(folder) / "config.json").stat().st_mtime_ns if (Path(folder) / "config.json").exists() else 0
    torch, model, tokenizer, device = _load(str(folder), device, stamp)
    eos = tokenizer.eos_token_id if tokenizer.eos_token_id is not None else model.generation_config.eos_token_id
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos
    ids = tokenizer(prompt, return_tensors="pt")["input_ids"]
    if ids.shape[1] == 0:  # generate needs something to continue
        start = tokenizer.bos_token_id if tokenizer.bos_token_id is not None else eos
        ids = torch.tensor([[start if start is not None else 0]])
    keep, new = token_budget(ids.shape[1], _context_length(model, tokenizer), max_new_tokens)
    ids = ids[:, -keep:].to(device)
    # fork_rng: the seed governs this call alone, and the caller's random state is untouched
    devices = [torch.device(device).index or 0] if torch.device(device).type == "cuda" else []
    with torch.random.fork_rng(devices=devices), torch.no_grad():
        torch.manual_seed(seed % 2**63)
        out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=True,
                             temperature=TEMPERATURE, top_k=TOP_K, top_p=TOP_P,
                             repetition_penalty=REPETITION_PENALTY, max_new_tokens=new,
                             min_new_tokens=min(new, TOKENS_PER_LINE * max(1, lines)),
                             eos_token_id=eos, pad_token_id=pad)
    raw = tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True)  # the prompt is not echoed
    cleaned = clean_lyrics(raw, prompt, lines)
    if not cleaned:
        raise RenderError(f"the lyrics model in {folder} wrote nothing singable for seed {seed} "
                          f"(it wrote {_one_line(raw)[:80]!r}); try another seed or a larger model, "
                          "or write the lyrics yourself")
    return "\n".join(cleaned)


def _singable(word: str) -> bool:
    """Not an overlong token, a run of one letter ("aaaaa"), of one symbol ("!!!!"), or symbols only
    ("$$$"); a lone dash or ampersand is kept, as are numbers."""
    if len(word) > MAX_WORD_CHARS or re.search(r"(\w)\1{4,}", word) or PUNCTUATION_RUN.search(word):
        return False
    return len(word) == 1 or any(c.isalnum() for c in word)


def _clean_line(line: str) -> str:
    """One line's words, tidied: no URLs, overlong tokens, bullets, leading '#' (a comment in the draft
    file) or stray quotes; spaces before punctuation closed up."""
    line = URL.sub(" ", line)
    line = " ".join(word for word in line.split() if _singable(word))
    line = re.sub(r"\s+([,.!?;:'])(?=\s|$)", r"\1", line)  # "sun ," -> "sun,"
    line = line.strip(" \t-*•#>|~_=+\"`").lstrip(",.;:!?)]}")  # bullets, and punctuation left by a cut
    line = re.sub(r"^\d+[.)]\s+", "", line)  # "1. " numbering
    return line


def _garbage(line: str) -> bool:
    letters = sum(c.isalpha() for c in line)
    if not letters or PUNCTUATION_RUN.search(line):
        return True
    visible = sum(not c.isspace() for c in line)
    return letters < 0.6 * visible  # mostly digits or symbols


def _wrap(line: str, limit: int) -> list[str]:
    pieces, current = [], ""
    for word in line.split():
        if current and len(current) + 1 + len(word) > limit:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return pieces + [current] if current else pieces


def clean_lyrics(raw: str, prompt: str, lines: int) -> list[str]:
    """The model's continuation as at most `lines` singable lines: empty, garbage, section-tag and
    prompt-echo lines dropped, long lines wrapped at a word, no line twice in a row."""
    echoes = {_one_line(p).lower().lstrip("- ") for p in prompt.splitlines() if _one_line(p)}
    result: list[str] = []
    for source in raw.replace("\r", "\n").split("\n"):
        line = _clean_line(source)
        if not line or _garbage(line) or SECTION_TAG.match(line) or LABEL_LINE.match(line):
            continue
        if line.lower() in echoes:
            continue
        for piece in _wrap(line, MAX_LINE_CHARS):
            piece = piece.rstrip(",;:")
            if _garbage(piece) or (result and piece.lower() == result[-1].lower()):
                continue
            result.append(piece[0].upper() + piece[1:])
            if len(result) >= lines:
                return result
    return result


# ---------------------------------------------------------------------------------------------
# the draft file


def draft_header(model: str, seed: int) -> str:
    return f"drafted by filmmaker from {model} seed {seed}; edit freely: an edited file is never overwritten"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _body(text: str) -> bytes:
    return ("\n".join(line.rstrip() for line in text.strip("\n").splitlines()) + "\n").encode("utf-8")


def _drafted_body(path: Path) -> bytes | None:
    """The file's body when it is still exactly what filmmaker drafted, else None (edited, or no header)."""
    data = path.read_bytes()
    first, _, body = data.partition(b"\n")
    match = HEADER_HASH.search(first.decode("utf-8", errors="replace"))
    if not first.startswith(b"#") or not match or _sha256(body) != match.group(1):
        return None
    return body


def write_draft(path: Path, text: str, header: str) -> bool:
    """Write `text` under a `# header [sha256 ...]` line, atomically. Returns True when the file was
    written: it was absent, or an unedited earlier draft differing from this one. A file the writer
    edited (its body no longer matches the hash, or the header is gone) is never touched."""
    path = Path(path)
    body = _body(text)
    if path.exists():
        drafted = _drafted_body(path)
        if drafted is None or drafted == body:
            return False
    header = _one_line(header).lstrip("#").strip()
    data = f"# {header} [sha256 {_sha256(body)}]\n".encode() + body
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)  # a crash leaves the old file or the new, never half of one
    return True


def read_lyrics(path: Path) -> str:
    """The lyrics in a draft file the writer may have edited: comment lines (starting with '#', the
    header among them) dropped, as are blank lines at either end."""
    path = Path(path)
    if not path.is_file():
        raise ResolveError(f"lyrics file not found: {path}")
    kept = [line.rstrip() for line in path.read_text(encoding="utf-8").splitlines()
            if not line.lstrip().startswith("#")]
    return "\n".join(kept).strip("\n")
