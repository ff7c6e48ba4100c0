"""Songs with sung lyrics: ACE-Step 1.5 through diffusers' `AceStepPipeline` (weights MIT).

The model comes from a local folder in diffusers' layout or the Hugging Face cache, never the
network. A song is made window by window, each window one step its `Progress` can save: the first
from the style and lyrics alone, each later one an extension of the song so far. ACE-Step extends
by repainting: the last seconds of the song go in as source audio, padded with the length to add,
and only the padding is marked for generation, so the model carries on what it hears. It returns
the whole span, the context restated, and the restatement is crossfaded with the original. A
priming clip is the song so far before the first window, so the song begins with the clip itself.
The pipeline takes lyrics for the span it makes, so each window is given the lines that fall in
its span (placed in proportion to their length), not the whole song from its first verse again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

import numpy as np

from filmmaker.backends.music import card_licence
from filmmaker.backends.music.song import Progress, SongRequest, check_installed, step_seed
from filmmaker.errors import RenderError, ResolveError

VERSION = 1  # bump when the generation procedure changes the audio it makes
NAME = "ace-step"
MAX_WINDOW = 120.0  # seconds a window makes by default: one resumable step, a bounded memory peak
CONTEXT = 20.0  # seconds of the song so far that each further window hears and carries on
# seconds, at most, over which a window's restatement of the context takes over from the original,
# and never more than a sixteenth of the context: a priming clip is heard as given for as long as it can
CROSSFADE = 1.0
MAX_LYRIC_TOKENS = 2048  # the pipeline's `max_lyric_length` default; passed explicitly, so it holds
LANGUAGE = "en"
# the lyric text the pipeline tokenizes (AceStepPipeline._format_prompt): counted the same way here
LYRIC_TEMPLATE = "# Languages\n{language}\n\n# Lyric\n{lyrics}<|endoftext|>"
MODEL_FILES = (".json", ".safetensors", ".bin", ".model", ".txt", ".tiktoken")
DIFFUSERS_REPO = "ACE-Step/acestep-v15-xl-turbo-diffusers"  # the diffusers-layout release diffusers documents
_TAG = re.compile(r"^\[[^\]]*\]$")  # a section tag on its own line: [verse], [chorus], [bridge]


def locate(model: str) -> Path:
    """A model folder: `model` itself when it is an absolute path, else its Hugging Face cache copy."""
    path = Path(model)
    if path.is_absolute():
        if not path.is_dir():
            raise ResolveError(f"ACE-Step model folder not found: {path}; download a diffusers-format ACE-Step 1.5 "
                               f"pipeline once, e.g. huggingface-cli download {DIFFUSERS_REPO} --local-dir {path}")
        return path
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import LocalEntryNotFoundError
    except ImportError:
        raise ResolveError(f"looking up {model!r} in the Hugging Face cache needs huggingface_hub: "
                           "pip install -e '.[songs]'") from None
    try:
        return Path(snapshot_download(model, local_files_only=True))
    except (LocalEntryNotFoundError, OSError, ValueError):
        raise ResolveError(f"ACE-Step model {model!r} is not in the local Hugging Face cache and nothing is "
                           f"downloaded at build time; fetch it once with `huggingface-cli download {model}` (a "
                           f"diffusers-format pipeline such as {DIFFUSERS_REPO}), or put it in a folder and give "
                           "`model: path/to/folder`") from None


def check_folder(path: Path) -> None:
    """Raise unless `path` holds a complete diffusers AceStepPipeline (no torch import: resolve time)."""
    fix = f"huggingface-cli download {DIFFUSERS_REPO} --local-dir {path}"
    index = path / "model_index.json"
    if not index.is_file():
        if any(path.glob("acestep-v15*")):  # the upstream release: one folder per network, no model_index.json
            raise ResolveError(f"{path} holds ACE-Step 1.5 in its original layout, which diffusers cannot load; "
                               f"the `ace-step` engine needs the diffusers-format pipeline: {fix}")
        if any(path.glob("*.pth.tar")):  # Jukebox's checkpoints
            raise ResolveError(f"{path} holds Jukebox checkpoints, a model of the wrong kind for the `ace-step` "
                               f"engine: set `engine: jukebox`, or point `model:` at an ACE-Step pipeline ({fix})")
        raise ResolveError(f"{path} is not an ACE-Step pipeline folder (no model_index.json): a model of the wrong "
                           f"kind, or none; the `ace-step` engine needs a diffusers-format ACE-Step 1.5 pipeline: "
                           f"{fix}")
    try:
        components = json.loads(index.read_text())
        kind = components.get("_class_name")
    except (OSError, ValueError, AttributeError) as exc:
        raise ResolveError(f"{index} is not a readable pipeline index ({exc}); download the model again: "
                           f"{fix}") from None
    if kind != "AceStepPipeline":
        raise ResolveError(f"{path} holds a {kind or 'pipeline of no stated class'} (model_index.json), a model of "
                           "the wrong kind for the `ace-step` engine, which needs an AceStepPipeline (ACE-Step "
                           f"1.5); point `model:` at an ACE-Step folder, e.g. {fix}")
    missing = [name for name, spec in components.items()
               if not name.startswith("_") and isinstance(spec, list) and spec[0] is not None
               and not (path / name).is_dir()]
    if missing:
        raise ResolveError(f"{path} lacks the folder(s) {', '.join(missing)} its model_index.json names: the "
                           f"download is incomplete; run it again: {fix}")


def share_lyrics(lyrics: str, start: float, end: float) -> str:
    """The lines of `lyrics` sung between `start` and `end`, fractions (0 to 1) of the sung part of
    the song, each line placed by the characters before it; a line keeps its section tag. Lyrics
    with no sung line (an instrumental's `[inst]`) are given whole."""
    sung: list[tuple[int, str | None, str]] = []  # (section number, tag, line)
    section, tag = 0, None
    for line in (raw.strip() for raw in lyrics.splitlines()):
        if _TAG.match(line):
            section, tag = section + 1, line
        elif line:
            sung.append((section, tag, line))
    if not sung:
        return lyrics
    total = sum(len(line) + 1 for _, _, line in sung)
    kept, done, shown = [], 0, None
    for number, tag, line in sung:
        middle = (done + (len(line) + 1) / 2) / total
        done += len(line) + 1
        if start <= middle < end or (end >= 1 and middle >= start):
            if number != shown and tag:
                kept += ["", tag] if kept else [tag]
            shown = number
            kept.append(line)
    return "\n".join(kept)


class AceStep:
    """One ACE-Step 1.5 pipeline, loaded on first generation, on the GPU when there is one."""

    name = NAME

    def __init__(self, folder: Path, device: str | None = None, window_seconds: float | None = None):
        if window_seconds is not None and not window_seconds > 0:
            raise ValueError(f"window_seconds must be positive, not {window_seconds!r}")
        self.folder = Path(folder)
        self._device = device
        self.window_seconds = window_seconds  # None: MAX_WINDOW, or the model's own limit if shorter
        self._loaded = None

    @cached_property
    def licence(self) -> str:
        """The licence its model card declares (ACE-Step 1.5's weights: MIT)."""
        declared = card_licence(self.folder)
        if declared:
            return f"generated by ACE-Step 1.5 ({self._model_name}); model weights licence: {declared}"
        return (f"generated by ACE-Step 1.5 ({self._model_name}); ACE-Step 1.5's weights are released under the "
                "MIT licence: check this checkpoint's model card")

    @property
    def _model_name(self) -> str:
        parent = self.folder.parent  # a cache snapshot: .../models--owner--name/snapshots/<commit>
        if parent.name == "snapshots" and parent.parent.name.startswith("models--"):
            return parent.parent.name.removeprefix("models--").replace("--", "/")
        return self.folder.name

    def identity(self, file_hash: Callable[[Path], str]) -> dict:
        """Everything about the checkpoint that changes its output: every component's files."""
        files = sorted(p for p in self.folder.rglob("*") if p.suffix in MODEL_FILES and p.is_file()
                       and not any(part.startswith(".") for part in p.relative_to(self.folder).parts))
        return {"engine": NAME, "v": VERSION,
                "files": {p.relative_to(self.folder).as_posix(): file_hash(p) for p in files}}

    def lyrics_problem(self, lyrics: str) -> str | None:
        """Lyrics past what the pipeline reads are cut off without a word: say so before any work."""
        tokens = len(self._tokenizer.encode(LYRIC_TEMPLATE.format(language=LANGUAGE, lyrics=lyrics)))
        limit = self._lyric_limit
        if tokens <= limit:
            return None
        return (f"the lyrics are {tokens} tokens long and ACE-Step ({self._model_name}) reads at most {limit} "
                f"(about {len(lyrics) * limit // tokens} of their {len(lyrics)} characters); the rest would be "
                "silently dropped: shorten them, or split the song into two cues")

    @cached_property
    def _tokenizer(self):
        """The pipeline's tokenizer, through `tokenizers` alone: no torch at resolve time."""
        folder = self.folder / "tokenizer"
        if (folder / "tokenizer.json").is_file():
            from tokenizers import Tokenizer

            return Tokenizer.from_file(str(folder / "tokenizer.json"))
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(folder, local_files_only=True)

    @cached_property
    def _lyric_limit(self) -> int:
        try:
            config = json.loads((self.folder / "tokenizer" / "tokenizer_config.json").read_text())
        except (OSError, ValueError):
            config = {}
        longest = config.get("model_max_length")
        return min(MAX_LYRIC_TOKENS, int(longest)) if isinstance(longest, (int, float)) else MAX_LYRIC_TOKENS

    def _load(self):
        if self._loaded is None:
            check_installed(NAME)
            import torch
            from diffusers import AceStepPipeline

            from filmmaker.backends.threads import pin_torch_threads

            pin_torch_threads()  # the same bytes in whichever process generates it
            device = self._device or ("cuda" if torch.cuda.is_available() else "cpu")
            dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
            try:
                pipe = AceStepPipeline.from_pretrained(self.folder, dtype=dtype, local_files_only=True)
            except (OSError, ValueError, TypeError) as exc:
                raise RenderError(f"cannot load the ACE-Step pipeline in {self.folder}: {exc}") from None
            pipe.set_progress_bar_config(disable=True)
            pipe.vae.enable_tiling()  # a long window decodes in overlapping tiles: bounded memory
            self._loaded = (torch, pipe.to(device), device)
        return self._loaded

    def generate(self, request: SongRequest, progress: Progress,
                 on_step: Callable[[str], None] | None = None) -> tuple[np.ndarray, int]:
        """(audio (n, channels) float32, rate) of `request.seconds`, window by window; a window saved
        in `progress` is taken as it is, so a resumed song has the same bytes."""
        _, pipe, _ = self._load()
        rate, lps = pipe.sample_rate, pipe.latents_per_second
        hop = round(rate / lps)
        channels = pipe.vae.config.audio_channels
        total = round(request.seconds * rate)
        # the stored silence latent spans the longest piece the model makes (ten minutes for 1.5)
        longest = pipe.condition_encoder.silence_latent.shape[1] / lps
        window_frames = int(min(self.window_seconds or MAX_WINDOW, longest) * lps)
        context_frames = max(1, min(int(CONTEXT * lps), window_frames // 3))
        window_frames = max(window_frames, context_frames + 1)
        if total <= 0:
            return np.zeros((0, channels), np.float32), rate

        out = None if request.prime is None else self._prime(request, rate, channels)[:total]
        sung_from = 0 if out is None else len(out)  # the lyrics are sung after the priming clip
        index = 0
        while out is None or len(out) < total:
            step = f"window{index}"
            if out is None:
                start, keep, end = 0, 0, min(window_frames * hop, total)
            else:
                keep = min(context_frames, len(out) // hop) * hop
                if keep == 0:
                    raise RenderError(f"the priming clip is {len(out)} samples long at {rate} Hz; ACE-Step needs "
                                      f"at least {hop} to carry on: give a longer clip")
                start = len(out) - keep
                end = min(start + window_frames * hop, total)
            piece = progress.load(step)
            if piece is None:
                span = max(1, total - sung_from)
                lyrics = share_lyrics(request.lyrics, (start - sung_from) / span, (end - sung_from) / span)
                source = None if out is None else out[start:]
                piece = self._window(request, lyrics, source, end - start, step_seed(request.seed, step))
                progress.save(step, piece)
            out = piece[:end] if out is None else _join(out, piece[:end - start], keep, rate)
            if on_step is not None:
                on_step(step)
            index += 1
        return np.ascontiguousarray(out[:total], dtype=np.float32), rate

    def _prime(self, request: SongRequest, rate: int, channels: int) -> np.ndarray:
        """The priming clip at the model's rate and channel count, otherwise untouched."""
        from filmmaker.render.audio import resample

        clip = np.asarray(request.prime, dtype=np.float32)
        clip = clip.reshape(len(clip), -1)
        if clip.shape[1] != channels:
            clip = clip.mean(axis=1, keepdims=True) if channels == 1 else np.repeat(clip[:, :1], channels, axis=1)
        return resample(clip, request.prime_rate, rate)

    def _window(self, request: SongRequest, lyrics: str, source: np.ndarray | None, length: int,
                seed: int) -> np.ndarray:
        """One pipeline call: `length` samples of new song (source is None), or `source` carried on
        to `length` samples in all, the source restated. Returns (n, channels) float32."""
        torch, pipe, device = self._load()
        lps = pipe.latents_per_second
        hop = round(pipe.sample_rate / lps)
        frames = -(-length // hop)
        options = {"prompt": request.style, "lyrics": lyrics, "vocal_language": LANGUAGE,
                   "audio_duration": frames / lps, "bpm": round(request.bpm) if request.bpm else None,
                   "keyscale": request.keyscale, "max_lyric_length": self._lyric_limit,
                   "generator": torch.Generator(device).manual_seed(seed)}
        if pipe.is_turbo:
            options["guidance_scale"] = 1.0  # guidance is distilled into turbo weights
        if source is not None:
            padded = np.zeros((frames * hop, source.shape[1]), np.float32)
            padded[:len(source)] = source
            # the pipeline floors the start to a latent frame: half a frame in keeps float error from
            # moving it a frame early, so exactly the padding is generated
            options.update(task_type="repaint", src_audio=torch.from_numpy(padded.T.copy()),
                           repainting_start=(len(source) // hop + 0.5) / lps, repainting_end=None)
        # the VAE samples the source's latent from torch's global generators; seed them for this
        # window alone and restore them after (manual_seed reaches every GPU): nothing that ran
        # before changes the bytes, and nothing after sees a change
        gpus = list(range(torch.cuda.device_count())) if torch.cuda.is_available() else []
        try:
            with torch.random.fork_rng(devices=gpus):
                torch.manual_seed(seed)
                audio = pipe(**options).audios[0]
        except torch.cuda.OutOfMemoryError:
            raise RenderError(f"ACE-Step ran out of GPU memory on a {frames / lps:.0f} s window: give the song a "
                              "shorter `window:` (seconds)") from None
        return np.ascontiguousarray(audio.float().cpu().numpy().T)


def _join(out: np.ndarray, piece: np.ndarray, keep: int, rate: int) -> np.ndarray:
    """The song so far carried on by `piece`, whose first `keep` samples restate its last ones."""
    # the pipeline peak-normalizes each window on its own: level the new one to ours over the span
    # both hold (within 20 dB: a silent restatement must not blow the rest up)
    ours = float(np.sqrt(np.mean(np.square(out[-keep:], dtype=np.float64))))
    theirs = float(np.sqrt(np.mean(np.square(piece[:keep], dtype=np.float64))))
    gain = float(np.clip(ours / theirs, 0.1, 10.0)) if theirs > 1e-9 and ours > 1e-9 else 1.0
    piece = piece * np.float32(gain)
    # the restatement is the same music in step with ours, so the two gains sum to one
    fade = max(1, min(keep // 16, round(CROSSFADE * rate)))
    ramp = np.sin(np.linspace(0, np.pi / 2, fade, dtype=np.float32))[:, None] ** 2
    joined = out[-fade:] * (1 - ramp) + piece[keep - fade:keep] * ramp
    return np.concatenate([out[:-fade], joined, piece[keep:]])
