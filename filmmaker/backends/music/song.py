"""What every song engine (ACE-Step, Jukebox) is asked and answers: a request (style, lyrics,
length, seed, tempo, an optional priming clip), and audio back, made step by step so a long
generation can stop and resume.

An engine never holds its progress itself. It is handed a `Progress`: before each step (a window
of audio, or a level of Jukebox's upsamplers) it asks for that step's saved result, and after
computing one it saves it. Each step draws its noise from the seed and the step's name alone, so a
run resumed from saved steps makes the same bytes as one that never stopped.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

import numpy as np

from filmmaker.errors import ResolveError

ENGINES = ("ace-step", "jukebox")
INSTALL = {
    "ace-step": "pip install -e '.[songs]' (diffusers, transformers and torch)",
    "jukebox": "pip install -e '.[songs]' (jukebox-infer and torch)",
}
MODULES = {"ace-step": ("torch", "diffusers", "transformers"), "jukebox": ("torch", "jukebox_infer")}


@dataclass(frozen=True)
class SongRequest:
    style: str  # the genre, manner, instruments and voice, in words
    lyrics: str  # the words to sing; "" for an instrumental
    seconds: float  # how much audio to return
    seed: int
    bpm: float | None = None  # the tempo to sing at, when the engine takes one
    keyscale: str | None = None  # e.g. "C major", when the engine takes one
    # a clip to carry on: (n, channels) float32 at `prime_rate`; the song begins with it
    prime: np.ndarray | None = field(default=None, compare=False, repr=False)
    prime_rate: int = 48_000


class Progress(Protocol):
    """Where an engine keeps what it has made so far (the build keeps it in the cache)."""

    def load(self, step: str) -> np.ndarray | None: ...

    def save(self, step: str, data: np.ndarray) -> None: ...


class NoProgress:
    """Nothing saved, nothing resumed: a generation in one go (tests, benchmarks)."""

    def __init__(self) -> None:
        self.saved: list[str] = []

    def load(self, step: str) -> np.ndarray | None:
        return None

    def save(self, step: str, data: np.ndarray) -> None:
        self.saved.append(step)


class SongEngine(Protocol):
    name: str  # one of ENGINES
    folder: Path

    @property
    def licence(self) -> str: ...

    def identity(self, file_hash: Callable[[Path], str]) -> dict:
        """Everything about the checkpoint that changes its output (its files' hashes)."""

    def lyrics_problem(self, lyrics: str) -> str | None:
        """Why these lyrics cannot be sung by this model (too long for its limit), or None."""

    def generate(self, request: SongRequest, progress: Progress,
                 on_step: Callable[[str], None] | None = None) -> tuple[np.ndarray, int]:
        """(audio (n, channels) float32, sample rate) of `request.seconds`, the same bytes for the
        same request whether or not `progress` held saved steps."""


def check_installed(engine: str) -> None:
    """Without importing torch (seconds): a missing package fails at resolve time, named."""
    missing = [name for name in MODULES[engine] if importlib.util.find_spec(name) is None]
    if missing:
        raise ResolveError(f"`{engine}` songs need {' and '.join(missing)}: {INSTALL[engine]}")


def step_seed(seed: int, step: str) -> int:
    """A step's own seed: the same for the same (seed, step) in any process, whatever ran before."""
    import hashlib

    digest = hashlib.sha256(f"{seed}:{step}".encode()).digest()
    return int.from_bytes(digest[:8], "little") % 2**63
