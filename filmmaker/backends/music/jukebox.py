"""Songs from OpenAI Jukebox through `jukebox-infer` (code MIT; OpenAI's weights: non-commercial use only).

A model folder holds the checkpoints and says which hparams built them (jukebox-infer cannot read
hparams out of a checkpoint: it builds every model from its own named hparams):

    vqvae.pth.tar             the VQ-VAE: audio <-> tokens at every level
    prior_level_0.pth.tar     the upsamplers, one per level under the top ...
    prior_level_1.pth.tar
    prior_level_2.pth.tar     ... and the top prior (artist, genre and lyrics conditioned)
    hparams.json              {"model": "1b_lyrics"} (one of jukebox-infer's models: 1b_lyrics, 5b_lyrics, 5b)
                              or {"vqvae": {...}, "priors": [{...}, ...]} (one entry per level, from 0 up):
                              jukebox-infer hparams, "base" naming its registry sets ("upsampler_level_0")

OpenAI's files, fetched by hand, sit in jukebox-infer's own cache (~/.cache/jukebox/models/, the
URL's path), where `locate("1b_lyrics")` finds them with no hparams.json: a folder named after a
jukebox-infer model takes its hparams from that name, and the files it lacks from its sibling `5b/`
(the VQ-VAE and upsamplers every model shares). Nothing is ever downloaded.

Conditioning: `style` is free text, read as lower-case words (accents folded). Genre: the longest
name of the prior's genre list in it ("synth-pop" also matches "synthpop"); a bag-of-words prior
(5b's, the upsamplers') takes the style's genre words, up to its limit. Artist: the longest name of
the prior's artist list found after "by", "like", "of", "a la" or "artist", or before "style",
"like" or "esque" ("Queen-style"), or any such name of two or more words that is not also a genre;
else "unknown" ("various" for the bag-of-words lists). `bpm` and `keyscale` are not taken. Lyrics
are spread evenly over the song, as Jukebox does; the top prior reads `n_tokens` characters of them
per window, so a song can carry `n_tokens * max_duration / window` characters (12,919 for
5b_lyrics and 1b_lyrics): longer lyrics are refused by `lyrics_problem`.

Generation is resumable level by level: the top prior's tokens window by window (each window
continues the last 7/8 of the one before), then each upsampler's (windows of half overlap), then
the VQ-VAE decodes. Every window is a step (`level2.window3`: its new tokens), every finished level
one too (`level2`: all its tokens); each draws its noise from `step_seed(seed, step)` alone.
`prime` is encoded at every level and sampling continues from its tokens; the clip's own audio
then replaces the start, crossfaded into the continuation over its last 50 ms.

jukebox-infer quirks handled here: its CPU path asserts `isinstance(x, torch.cuda.LongTensor)`
(false for CPU tensors), so sampling on a CPU makes that check accept long tensors on any device,
restored afterwards; it prints and draws tqdm bars on stdout, silenced in its own modules; its
`restore_model` would download missing checkpoints, so models are built with no `restore_*` and
loaded here with torch's weights-only unpickler (numpy scalars in OpenAI's saved hparams allowed).
"""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import re
import sys
import threading
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from filmmaker.backends.music.song import Progress, SongRequest, step_seed
from filmmaker.errors import RenderError, ResolveError

VERSION = 1  # bump when the generation procedure changes the audio it makes
HPARAMS = "hparams.json"
VQVAE = "vqvae.pth.tar"
REMOTE = "https://openaipublic.azureedge.net/jukebox/models/"
# jukebox-infer's make_models.MODELS (not imported: it imports torch), level 0 first
NAMED = {"5b": ("upsampler_level_0", "upsampler_level_1", "prior_5b"),
         "5b_lyrics": ("upsampler_level_0", "upsampler_level_1", "prior_5b_lyrics"),
         "1b_lyrics": ("upsampler_level_0", "upsampler_level_1", "prior_1b_lyrics")}
SHARED = "5b"  # the cache folder holding the VQ-VAE and upsamplers that every named model uses
HOP_TOP, HOP = 0.125, 0.5  # each window's new tokens, as a share of the prior's context (Jukebox's own)
TEMP_TOP, TEMP = 0.98, 0.99  # sampling temperatures, as OpenAI sample
CHUNK = 32  # tokens of known context fed to a prior at once before it samples
CROSSFADE = 0.05  # seconds over which a priming clip hands over to the continuation
CUES = r"(?:by|like|of|a la|artist)"
INSTALL = "pip install -e '.[songs]' (jukebox-infer and torch)"
DOWNLOAD = ("download OpenAI's checkpoints by hand (OpenAI's Jukebox weights are licensed for non-commercial use "
            "only; nothing is downloaded at build time), e.g. `wget -P ~/.cache/jukebox/models/5b "
            f"{REMOTE}5b/vqvae.pth.tar {REMOTE}5b/prior_level_0.pth.tar {REMOTE}5b/prior_level_1.pth.tar` and "
            f"`wget -P ~/.cache/jukebox/models/1b_lyrics {REMOTE}1b_lyrics/prior_level_2.pth.tar`, then give "
            "`model: 1b_lyrics`")


def cache_folder() -> Path:
    """Where jukebox-infer keeps OpenAI's checkpoints: ~/.cache plus the path of their URLs."""
    return Path(os.path.expanduser("~/.cache")) / "jukebox" / "models"


def locate(model: str) -> Path:
    """A checked model folder: `model` itself when it is a folder, else a named model
    (`1b_lyrics`, `5b_lyrics`, `5b`) in jukebox-infer's cache."""
    path = Path(model).expanduser()
    if path.is_absolute() or path.is_dir() or model not in NAMED:
        if not path.is_dir():
            hint = "" if path.is_absolute() or "/" in model else f" (nor a Jukebox model name: {', '.join(NAMED)})"
            raise ResolveError(f"Jukebox model folder not found: {path}{hint}; {DOWNLOAD}, or give a folder holding "
                               f"{VQVAE}, prior_level_N.pth.tar and {HPARAMS}")
        path = path.resolve()
    else:
        path = cache_folder() / model
        if not path.is_dir():
            raise ResolveError(f"Jukebox model {model!r} is not in jukebox-infer's cache ({path}); {DOWNLOAD}")
    check_folder(path)
    return path


def check_folder(path: Path) -> None:
    """Without importing torch: a folder of Jukebox checkpoints and their hparams, or a ResolveError
    that says what is wrong and how to fix it."""
    describe(path)


@dataclass(frozen=True)
class Model:
    """What a folder says about its model (pure data: no torch)."""

    label: str  # the named model, or the folder's name
    vqvae: dict  # jukebox-infer hparams
    priors: tuple  # their hparams, level 0 first (the last is the top prior)
    files: dict  # checkpoint name -> its path (a shared one may lie in ../5b)

    @property
    def sr(self) -> int:
        return int(self.vqvae["sr"])

    def raw_to_tokens(self, level: int) -> int:
        """Audio samples per token at `level`."""
        hps = self.vqvae
        return int(np.prod([s ** d for s, d in list(zip(hps["strides_t"], hps["downs_t"]))[:level + 1]]))

    @property
    def top(self) -> dict:
        return self.priors[-1]

    def window_seconds(self, level: int) -> float:
        return self.priors[level]["n_ctx"] * self.raw_to_tokens(level) / self.sr

    @property
    def sings(self) -> bool:
        return bool(self.top["use_tokens"]) and int(self.top["n_tokens"]) > 0

    @property
    def lyrics_limit(self) -> int:
        """Characters a song can carry: the top prior sees `n_tokens` of them per window, and the
        lyrics are spread evenly over a song of at most `max_duration`."""
        top = len(self.priors) - 1
        return int(int(self.top["n_tokens"]) * float(self.top["max_duration"]) / self.window_seconds(top))


def _leaf(name: str):
    """A dependency-free module of jukebox-infer (hparams, the text processor) without running the
    package's __init__, which imports torch: resolving a film must stay quick."""
    if f"jukebox_infer.{name}" in sys.modules:
        return sys.modules[f"jukebox_infer.{name}"]
    found = importlib.util.find_spec("jukebox_infer")
    if found is None or not found.submodule_search_locations:
        raise ResolveError(f"`jukebox` songs need jukebox-infer: {INSTALL}")
    path = Path(next(iter(found.submodule_search_locations)), *name.split(".")).with_suffix(".py")
    spec = importlib.util.spec_from_file_location(f"_filmmaker_jukebox_{name.replace('.', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[spec.name] = module
    return module


def _setup(entry, where: str) -> dict:
    """One level's hparams: registry sets named by "base", then the entry's own values."""
    registry = _leaf("hparams")
    if not isinstance(entry, dict):
        raise ResolveError(f"{where} must be a JSON object of jukebox-infer hparams, not {entry!r}")
    base = entry.get("base", "")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in entry.items() if k != "base"}
    try:
        return registry.setup_hparams(base, values)
    except KeyError as exc:
        raise ResolveError(f"{where}: {exc} is not one of jukebox-infer's hparams sets "
                           f"({', '.join(sorted(registry.HPARAMS_REGISTRY))})") from None
    except ValueError as exc:  # "x not in default args"
        raise ResolveError(f"{where}: {exc}: a key jukebox-infer does not know; fix its spelling") from None


def describe(folder: Path) -> Model:
    folder = Path(folder)
    if not folder.is_dir():
        raise ResolveError(f"Jukebox model folder not found: {folder}; {DOWNLOAD}")
    names = {p.name for p in folder.iterdir()}
    if HPARAMS not in names and not any(n.endswith(".pth.tar") for n in names):
        other = {"model_index.json": "a diffusers pipeline (ACE-Step's kind)", "config.json": "a transformers model "
                 "(MusicGen's kind)"}
        found = [f"{n} ({kind})" for n, kind in other.items() if n in names]
        found += sorted(n for n in names if n.endswith((".safetensors", ".onnx", ".ckpt", ".bin")))[:3]
        if found:
            raise ResolveError(f"{folder} holds a model of the wrong kind for the engine `jukebox`: it has "
                               f"{', '.join(found)} but no Jukebox checkpoints; give a folder with {VQVAE}, "
                               f"prior_level_N.pth.tar and {HPARAMS}, or use that model's own engine")
    named = folder.name if folder.name in NAMED else None
    where, spec = folder / HPARAMS, {}
    if HPARAMS in names:
        try:
            spec = json.loads(where.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ResolveError(f"cannot read {where}: {exc}; it should be JSON such as "
                               f"{{\"model\": \"1b_lyrics\"}}") from None
        if not isinstance(spec, dict) or not ("model" in spec or {"vqvae", "priors"} <= spec.keys()):
            raise ResolveError(f"{where} names no Jukebox model: write {{\"model\": \"1b_lyrics\"}} (or 5b_lyrics, "
                               "5b), or {\"vqvae\": {...}, \"priors\": [{...}, ...]} with its hparams")
        named = spec.get("model")
        if named is not None and named not in NAMED:
            raise ResolveError(f"{where}: model {named!r} is not one of jukebox-infer's: {', '.join(NAMED)}")
    elif named is None:
        raise ResolveError(f"{folder} has no {HPARAMS} saying which Jukebox model its checkpoints are: write "
                           f"{{\"model\": \"1b_lyrics\"}} (or 5b_lyrics, 5b) into {where}, or your model's hparams")
    if named is not None and "priors" not in spec:
        vqvae = _setup({"base": "vqvae"}, f"{named}'s VQ-VAE")
        priors = tuple(_setup({"base": name}, f"{named}'s {name}") for name in NAMED[named])
    else:
        if not isinstance(spec["priors"], list) or not spec["priors"]:
            raise ResolveError(f"{where}: \"priors\" must list one prior's hparams per level, level 0 first")
        vqvae = _setup(spec["vqvae"], f"{where}: vqvae")
        priors = tuple(_setup(entry, f"{where}: priors[{i}]") for i, entry in enumerate(spec["priors"]))
    if len(priors) != vqvae["levels"] or any(p["level"] != i for i, p in enumerate(priors)):
        raise ResolveError(f"{where}: the VQ-VAE has {vqvae['levels']} levels, so \"priors\" must give levels "
                           f"0 to {vqvae['levels'] - 1} in order (found levels {[p['level'] for p in priors]})")
    files, missing = {}, []
    for name in [VQVAE] + [f"prior_level_{i}.pth.tar" for i in range(len(priors))]:
        shared = folder.parent / SHARED / name
        if (folder / name).is_file():
            files[name] = folder / name
        elif folder.name in NAMED and shared.is_file():
            files[name] = shared
        else:
            missing.append(name)
    if missing:
        raise ResolveError(f"{folder} is missing Jukebox's {' and '.join(missing)} (it needs the VQ-VAE {VQVAE} and "
                           f"prior_level_0..{len(priors) - 1}.pth.tar); {DOWNLOAD}")
    return Model(named or folder.name, vqvae, priors, files)


class Jukebox:
    """One Jukebox model, loaded on first use, on the GPU when there is one."""

    name = "jukebox"

    def __init__(self, folder: Path, device: str | None = None):
        self.folder = Path(folder)
        self._device = device
        self._loaded = None

    @cached_property
    def model(self) -> Model:
        return describe(self.folder)

    @property
    def licence(self) -> str:
        return (f"generated by OpenAI Jukebox ({self.model.label}) through jukebox-infer (code MIT); the model "
                "weights are OpenAI's, licensed for non-commercial use only")

    def identity(self, file_hash) -> dict:
        """The hashes of every file the model is made from (relative paths as keys; a shared file
        reads ../5b/...), the engine's version and jukebox-infer's (whose named hparams may build it)."""
        try:
            from importlib.metadata import PackageNotFoundError, version

            infer = version("jukebox-infer")
        except PackageNotFoundError:
            infer = "unknown"
        paths = dict(self.model.files)
        if (self.folder / HPARAMS).is_file():
            paths[HPARAMS] = self.folder / HPARAMS
        files = {os.path.relpath(p, self.folder): file_hash(p) for p in paths.values()}
        return {"engine": self.name, "v": VERSION, "jukebox_infer": infer, "files": dict(sorted(files.items()))}

    def lyrics_problem(self, lyrics: str) -> str | None:
        model = self.model
        if not lyrics.strip():
            return None
        if not model.sings:
            return (f"the Jukebox model {model.label} sings no words (its top prior takes no lyrics): use 1b_lyrics or "
                    "5b_lyrics, or drop the lyrics for an instrumental")
        text = _leaf("data.text_processor").TextProcessor(bool(model.top["labels_v3"])).clean(lyrics)
        if len(text) > model.lyrics_limit:
            top = len(model.priors) - 1
            return (f"the lyrics are {len(text):,} characters; Jukebox {model.label} sings at most "
                    f"{model.lyrics_limit:,} (limit: its top prior reads {model.top['n_tokens']} characters per "
                    f"{model.window_seconds(top):.1f}-s window over songs of at most {model.top['max_duration']:g} s); "
                    "shorten them, or split the song over two cues")
        return None

    def _load(self):
        if self._loaded is None:
            import torch

            from filmmaker.backends.threads import pin_torch_threads

            pin_torch_threads()  # the same bytes in whichever process generates it
            import jukebox_infer.prior.prior  # noqa: F401  (imported now so that it is silenced with the rest)
            from jukebox_infer import make_models
            from jukebox_infer.prior import autoregressive

            for name, module in list(sys.modules.items()):  # only the CLI prints: silence jukebox-infer's narration
                if name.split(".")[0] == "jukebox_infer" and module is not None:
                    module.print = _silent
            autoregressive.get_range = lambda items: items  # a tqdm bar per window, on stdout
            device = self._device or ("cuda" if torch.cuda.is_available() else "cpu")
            # it frees GPU memory by a gc.collect() per window: on a CPU ~0.1 s each, for nothing
            if not torch.cuda.is_available():
                autoregressive.empty_cache = _silent
            model = self.model
            vqvae_hps = dict(model.vqvae, restore_vqvae="", sample_length=model.raw_to_tokens(len(model.priors) - 1))
            vqvae = make_models.make_vqvae(_hyper(vqvae_hps), device, auto_download=False)
            _restore(torch, vqvae, model.files[VQVAE])
            priors = []
            for i, hps in enumerate(model.priors):
                hps = dict(hps, restore_prior="", fp16_params=bool(hps["fp16_params"]) and device != "cpu")
                prior = make_models.make_prior(_hyper(hps), vqvae, device, auto_download=False)
                _restore(torch, prior, model.files[f"prior_level_{i}.pth.tar"])
                priors.append(prior)
            for level, prior in enumerate(priors[:-1]):
                hop = int(HOP * prior.n_ctx)
                if hop < 1 or hop % prior.cond_downsample or prior.n_ctx % prior.cond_downsample:
                    raise RenderError(f"{self.folder}: the level-{level} prior's n_ctx ({prior.n_ctx}) must be an even "
                                      f"multiple of {prior.cond_downsample} to upsample window by window")
            if int(HOP_TOP * priors[-1].n_ctx) < 1:
                raise RenderError(f"{self.folder}: the top prior's n_ctx ({priors[-1].n_ctx}) must be at least 8")
            self._loaded = (torch, vqvae, priors, device)
        return self._loaded

    def generate(self, request: SongRequest, progress: Progress,
                 on_step: Callable[[str], None] | None = None) -> tuple[np.ndarray, int]:
        """(audio (n, 1) float32, rate): `request.seconds` of song, sampled level by level from the
        top, each window and level saved to `progress` as it is made and taken from it when there."""
        torch, vqvae, priors, device = self._load()
        model = self.model
        sr, top = model.sr, len(priors) - 1
        n = round(request.seconds * sr)
        if n <= 0:
            raise RenderError(f"a song needs a positive length, not {request.seconds} s")
        hop = model.raw_to_tokens(top)
        # every upsampler needs a whole window of the level above to condition on
        least = max([p.n_ctx * p.raw_to_tokens for p in priors[:-1]] + [n])
        length = -(-least // hop) * hop
        max_duration = float(model.top["max_duration"])
        if length >= max_duration * sr:
            raise RenderError(f"Jukebox {model.label} makes songs shorter than {max_duration:g} s; "
                              f"{request.seconds:g} s were asked for: split the song over two cues")
        clip = _mono(request.prime, request.prime_rate, sr) if request.prime is not None else None
        with _cuda_long_checks(device), torch.no_grad():
            zs = [torch.zeros(1, 0, dtype=torch.long, device=device) for _ in priors]
            primed = 0 if clip is None else min(len(clip) // hop * hop, length - hop)
            if primed > 0:  # Jukebox's primed sampling: every level starts from the clip's own tokens
                x = torch.from_numpy(np.ascontiguousarray(clip[:primed])).view(1, primed, 1).to(device)
                zs = [z.long() for z in vqvae.encode(x, start_level=0, end_level=len(priors))]
            total = max(length / sr, float(model.top["min_duration"] or 0.0))
            for level in reversed(range(len(priors))):
                prior = priors[level]
                artist, genre = style_labels(request.style, prior.labeller)
                meta = {"artist": artist, "genre": genre, "lyrics": request.lyrics if model.sings else "",
                        "total_length": int(total * sr), "offset": 0}
                labels = prior.labeller.get_batch_labels([meta], device)
                zs[level] = self._level(torch, level, prior, zs, labels, length // prior.raw_to_tokens, request.seed,
                                        progress, on_step or (lambda step: None))
            audio = vqvae.decode(zs, start_level=0, end_level=len(priors))[0, :n].float().cpu().numpy()
        audio = np.clip(audio, -1.0, 1.0).astype(np.float32)
        if primed > 0:
            audio = _splice(clip[:min(primed, n)], audio, int(CROSSFADE * sr))
        return np.ascontiguousarray(audio), sr

    def _level(self, torch, level, prior, zs, labels, total, seed, progress, on_step):
        """All `total` tokens of one level: saved, or sampled window by window (each saved)."""
        step, bins = f"level{level}", prior.l_bins
        dtype = np.int16 if bins <= 2 ** 15 else np.int32
        device = zs[level].device
        saved = _tokens(progress.load(step), total, bins)
        if saved is not None:
            on_step(step)
            return torch.from_numpy(saved.astype(np.int64)).view(1, -1).to(device)
        n_ctx = prior.n_ctx
        hop = int((HOP_TOP if level == len(zs) - 1 else HOP) * n_ctx)
        starts = _starts(total, n_ctx, hop)
        for index, start in enumerate(starts):
            have = zs[level].shape[1]
            end = min(start + n_ctx, total)
            if end <= have:
                continue  # the priming clip already holds this window
            name = f"{step}.window{index}"
            new = _tokens(progress.load(name), end - have, bins)
            if new is None:
                with _seeded(torch, device, step_seed(seed, name)):
                    new = self._window(prior, zs, labels, level, start, end, have)
                progress.save(name, new.astype(dtype))
            zs[level] = torch.cat([zs[level], torch.from_numpy(new.astype(np.int64)).view(1, -1).to(device)], dim=1)
            on_step(name)
        progress.save(step, zs[level][0].cpu().numpy().astype(dtype))
        on_step(step)
        return zs[level]

    def _window(self, prior, zs, labels, level, start, end, have) -> np.ndarray:
        """One window's new tokens, as jukebox-infer's sample_single_window makes them."""
        fp16 = zs[level].device.type == "cuda"
        z = zs[level][:, start:have]
        z_conds = prior.get_z_conds(zs, start, start + prior.n_ctx)  # the level above, a whole window of it
        y = prior.get_y(labels, start)
        temp = TEMP_TOP if level == len(zs) - 1 else TEMP
        out = prior.sample(n_samples=1, z=z, z_conds=z_conds, y=y, fp16=fp16, temp=temp, chunk_size=CHUNK,
                           sample_tokens=end - start)
        return out[0, -(end - have):].cpu().numpy()


def style_labels(style: str, labeller) -> tuple[str, str]:
    """(artist, genre) for a prior's labeller from free text (the rule in the module docstring);
    the strings are the labeller's own vocabulary entries, so it looks them up exactly."""
    processor = getattr(labeller, "ag_processor", None)
    if processor is None:  # a prior without labels
        return "", ""
    v3 = processor.v3
    # "synth-pop" also as "synthpop"; accents folded ("beyonce"), or dropped as v2's lists do ("beyonc")
    texts = (_phrase(style), _phrase(re.sub(r"(?<=\w)[-'](?=\w)", "", style)), _phrase(style, fold=False))
    genres, artists = _vocabulary(processor.genre_ids), _vocabulary(processor.artist_ids)
    max_genres = labeller.max_genre_words
    if v3 or max_genres == 1:
        found = [(len(p), -_first(p, texts), name) for p, name in genres.items() if any(p in t for t in texts)]
        genre = max(found)[2] if found else "unknown"
    else:  # a bag of genre words
        words = dict.fromkeys(w for t in texts for w in t.split() if len(w) > 1 and f" {w} " in genres)
        genre = " ".join(list(words)[:max_genres]) or "unknown"
    found = []
    for p, name in artists.items():
        if not any(p in t for t in texts):
            continue
        named = any(re.search(rf" {CUES}{re.escape(p)}|{re.escape(p)}(?:style|like|esque) ", t) for t in texts)
        if named or (len(p.split()) > 1 and p not in genres):
            found.append((len(p), -_first(p, texts), name))
    artist = max(found)[2] if found else ("unknown" if v3 else "various")
    return artist, genre


def _vocabulary(ids: dict) -> dict:
    """A label list as searchable phrases -> the entry to hand the labeller; of entries that read
    alike ("jazz" and "jazz" with a stray mark) the plain one, else the lowest id."""
    out = {}
    for name in sorted((n for n, i in ids.items() if i > 0), key=lambda n: (_phrase(n).strip() != n, ids[n])):
        phrase = _phrase(name.replace("_", " "))
        if phrase.strip():
            out.setdefault(phrase, name)
    return out


def _first(phrase: str, texts) -> int:
    return min(t.find(phrase) for t in texts if phrase in t)


def _phrase(text: str, fold: bool = True) -> str:
    """Lower-case words separated by single spaces, with a space at each end (for whole-word search)."""
    if fold:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()  # "à la" -> "a la"
    return " " + " ".join(re.findall(r"[a-z0-9]+", text.lower())) + " "


def _starts(total: int, n_ctx: int, hop: int) -> list[int]:
    """jukebox-infer's get_starts: windows of n_ctx every `hop` tokens, the last one ending at
    `total`; a level shorter than a window is one partial window from 0."""
    if total < n_ctx:
        return [0]
    starts = []
    for start in range(0, total - n_ctx + hop, hop):
        starts.append(total - n_ctx if start + n_ctx >= total else start)
    return starts


def _tokens(data, n: int, bins: int) -> np.ndarray | None:
    """A saved step's tokens if they are what this step makes (n codes below `bins`), else None."""
    if data is None:
        return None
    data = np.asarray(data)
    if data.shape != (n,) or data.dtype.kind not in "iu" or (n and (data.min() < 0 or data.max() >= bins)):
        return None
    return data


def _mono(clip: np.ndarray, rate: int, sr: int) -> np.ndarray:
    from filmmaker.render.audio import resample

    clip = np.asarray(clip, np.float32)
    mono = clip.mean(axis=1) if clip.ndim == 2 else clip
    return resample(mono, rate, sr).astype(np.float32)


def _splice(clip: np.ndarray, audio: np.ndarray, fade: int) -> np.ndarray:
    """The clip itself over the start of `audio` (n, 1), fading into the continuation over its last
    `fade` samples, where the continuation is the VQ-VAE's own reconstruction of the clip."""
    out = audio.copy()
    fade = max(1, min(fade, len(clip) // 2))
    ramp = np.sin(np.linspace(0, np.pi / 2, fade, dtype=np.float32)) ** 2
    out[:len(clip) - fade, 0] = clip[:len(clip) - fade]
    out[len(clip) - fade:len(clip), 0] = clip[-fade:] * (1 - ramp) + audio[len(clip) - fade:len(clip), 0] * ramp
    return out


def _hyper(values: dict):
    from jukebox_infer.hparams import Hyperparams

    return Hyperparams(values)


def _restore(torch, module, path: Path) -> None:
    """A checkpoint's state dict into `module`, without jukebox-infer's downloading restore_model."""
    allowed = [np.dtype, *(type(np.dtype(t)) for t in ("int64", "int32", "float64", "float32", "bool"))]
    scalar = (np._core if hasattr(np, "_core") else np.core).multiarray.scalar
    allowed += [(scalar, "numpy.core.multiarray.scalar"), (scalar, "numpy._core.multiarray.scalar")]
    try:
        with torch.serialization.safe_globals(allowed):
            checkpoint = torch.load(path, map_location="cpu", weights_only=True)
        state = {k.removeprefix("module."): v for k, v in checkpoint["model"].items()}
        module.load_state_dict(state)
    except (OSError, RuntimeError, KeyError, TypeError, AttributeError, ValueError, pickle.UnpicklingError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RenderError(f"cannot load the Jukebox checkpoint {path}: {first[:400]}; it must be one of OpenAI's "
                          f"files (or one saved as they are) matching the hparams its folder names") from None
    module.eval()


def _silent(*args, **kwargs) -> None:
    pass


@contextmanager
def _seeded(torch, device: str, seed: int):
    """Torch's global RNG (the one jukebox-infer's Categorical sampling draws from) seeded for one
    step, and put back afterwards."""
    devices = [torch.device(device).index or 0] if str(device).startswith("cuda") else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


_LONG_CHECKS = threading.Lock()
_long_depth = [0, None]


class _AnyLongTensor(type):
    def __instancecheck__(cls, obj) -> bool:
        import torch

        return isinstance(obj, torch.Tensor) and obj.dtype == torch.long


@contextmanager
def _cuda_long_checks(device: str):
    """jukebox-infer asserts `isinstance(x, torch.cuda.LongTensor)` on token tensors, which only a
    CUDA tensor passes; on a CPU that check accepts a long tensor on any device, for the duration."""
    import torch.cuda

    if str(device).startswith("cuda"):
        yield
        return
    with _LONG_CHECKS:
        if _long_depth[0] == 0:
            _long_depth[1] = torch.cuda.LongTensor
            torch.cuda.LongTensor = _AnyLongTensor("LongTensor", (), {})
        _long_depth[0] += 1
    try:
        yield
    finally:
        with _LONG_CHECKS:
            _long_depth[0] -= 1
            if _long_depth[0] == 0:
                torch.cuda.LongTensor = _long_depth[1]
