"""A score cue's `song:` mapping, read and checked with every value's line and column.

    song:
      engine: ace-step            # or jukebox
      model: models/ace-step      # a folder, or an id/name found in the engine's local cache
      style: "dreamy synth-pop, female vocal, 92 bpm"
      lyrics: lyrics/launch.txt   # a file, inline text, or `draft` (with lyrics_model)
      continue: media/demo.wav    # optional: a clip the song carries on
      seed: 7

What needs the model or the audio (the lyrics' length against the model's limit, whether the
priming clip decodes) is checked when the film resolves, before any work.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from filmmaker.screenplay.model import DEFAULT_SONG_MODELS, SONG_ENGINES, Song
from filmmaker.screenplay.reader import NodeReader, position

SONG_KEYS = ("engine", "model", "style", "lyrics", "lyrics_model", "continue", "seed", "bpm", "keyscale",
             "duration", "window")
LYRICS_SUFFIXES = {".txt", ".lrc", ".lyrics", ".md"}
MAX_LYRICS_CHARS = 20_000  # far past any engine's limit: a longer value is a file pasted by mistake
KEYSCALE = re.compile(r"^[A-G][#b]? (major|minor)$")


def draft_path(screenplay: Path, cue_index: int) -> Path:
    """Where `lyrics: draft` writes the draft for the writer to edit: beside the screenplay."""
    return screenplay.with_name(f"{screenplay.stem}.score{cue_index}.lyrics.txt")


def read_song(reader: NodeReader, node: yaml.Node, field: str, cue_index: int, audio_suffixes: set[str],
              max_seconds: float) -> Song | None:
    m = reader.mapping(node, field, SONG_KEYS, required=("engine", "style"))
    if "engine" not in m or "style" not in m:
        return None
    pos = {key: position(value) for key, value in m.items()}
    pos[""] = position(node)
    engine = reader.choice(m["engine"], f"{field}.engine", SONG_ENGINES, SONG_ENGINES[0])
    opt: dict = {"pos": pos}
    opt["model"] = _model(reader, m["model"], f"{field}.model", engine) if "model" in m \
        else DEFAULT_SONG_MODELS[engine]
    style = reader.text(m["style"], f"{field}.style", limit=2000, too_long="describe the style in fewer words")
    if "lyrics" in m:
        opt.update(_lyrics(reader, m["lyrics"], f"{field}.lyrics", cue_index))
    if "lyrics_model" in m:
        opt["lyrics_model"] = _lyrics_model(reader, m["lyrics_model"], f"{field}.lyrics_model")
    if opt.get("draft") and not opt.get("lyrics_model") and not opt["lyrics_file"].is_file():
        reader.fail(m["lyrics"], f"{field}.lyrics", "`lyrics: draft` needs a language model to draft with: add "
                    "`lyrics_model:` (a local GPT-2 or other causal LM folder, e.g. huggingface-cli download "
                    "openai-community/gpt2 --local-dir models/gpt2), or give the lyrics as text or a file")
    if "continue" in m:
        opt["prime"] = reader.file(m["continue"], f"{field}.continue", audio_suffixes, "an audio clip")
    if "seed" in m:
        opt["seed"] = reader.integer(m["seed"], f"{field}.seed", 0, 0, 2**32 - 1)
    numbers = {"bpm": (20, 300), "duration": (1, max_seconds), "window": (1, 600)}
    opt.update({key: reader.number(m[key], f"{field}.{key}", 0.0, low=low, high=high)
                for key, (low, high) in numbers.items() if key in m})
    if "keyscale" in m:
        keyscale = reader.text(m["keyscale"], f"{field}.keyscale")
        if keyscale and not KEYSCALE.match(keyscale):
            reader.fail(m["keyscale"], f"{field}.keyscale", f"{keyscale!r} is not a key: write a note and a "
                        "scale, e.g. `C major`, `F# minor`, `Bb major`")
        else:
            opt["keyscale"] = keyscale or None
    return Song(engine, opt.pop("model"), style, **opt)


def _model(reader: NodeReader, node: yaml.Node, field: str, engine: str) -> str:
    """A folder (checked here) or a name/id the engine looks up in its local cache at resolve time."""
    value = reader.path_text(node, field) or DEFAULT_SONG_MODELS[engine]
    path = (reader.root / value).expanduser().resolve()
    if path.is_dir():
        return str(path)
    if value.startswith((".", "/", "~")) or value.count("/") > 1 or Path(value).suffix:
        reader.fail(node, field, f"song model folder not found: {path}; give the folder of a downloaded "
                    f"{engine} model, relative to the screenplay (the README says where to get one)")
    return value


def _lyrics_model(reader: NodeReader, node: yaml.Node, field: str) -> str:
    value = reader.path_text(node, field)
    path = (reader.root / value).expanduser().resolve()
    if path.is_dir():
        return str(path)
    if value.startswith((".", "/", "~")) or value.count("/") > 1:
        reader.fail(node, field, f"language model folder not found: {path}; download one once (huggingface-cli "
                    "download openai-community/gpt2 --local-dir models/gpt2) and give its folder")
    return value


def _lyrics(reader: NodeReader, node: yaml.Node, field: str, cue_index: int) -> dict:
    """`draft`, a file (one line naming a text file), or the lyrics themselves."""
    text = reader.text(node, field, limit=MAX_LYRICS_CHARS, too_long="put long lyrics in a file")
    if text.strip() == "draft":
        return {"draft": True, "lyrics_file": draft_path(reader.path, cue_index)}
    if "\n" not in text.strip() and Path(text.strip()).suffix.lower() in LYRICS_SUFFIXES:
        path = reader.file(node, field, LYRICS_SUFFIXES, "a lyrics file")
        if path is None:
            return {}
        try:
            path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            reader.fail(node, field, f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8")
            return {}
        return {"lyrics_file": path}
    return {"lyrics": text.strip()}
