"""One root exception with precise subclasses; the CLI maps them to exit status 2."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class FilmmakerError(Exception):
    """Anything the user can fix: bad input, a missing model or file."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a screenplay, positioned like a compiler diagnostic."""

    file: Path
    line: int  # 1-based
    col: int  # 1-based
    field: str  # e.g. "scenes[0].shots[3].lines[0].speaker"
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ScreenplayError(FilmmakerError):
    """The screenplay is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (str(p.file), p.line, p.col))
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # whole across a process boundary (a worker's error reaches the CLI intact)
        return type(self), (self.problems,)


class ResolveError(FilmmakerError):
    """A backend, model, package or file needed by the build is missing."""


class RenderError(FilmmakerError):
    """An engine (ffmpeg, a voice, a generator) failed while making an artifact."""
