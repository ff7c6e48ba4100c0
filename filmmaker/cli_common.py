"""What every command shares: the two consoles (stdout for results, stderr for problems), how a
problem ends a command (exit 2, no traceback), the screenplay loader, and `--cast` pairs."""

from __future__ import annotations

import contextlib
from pathlib import Path

import typer
from rich.console import Console
from rich.text import Text

from filmmaker.errors import FilmmakerError, ScreenplayError

out = Console(soft_wrap=True)  # messages stay one line each, greppable
err = Console(stderr=True, soft_wrap=True)


def _fail(exc: FilmmakerError) -> None:
    if isinstance(exc, ScreenplayError):
        for problem in exc.problems:
            err.print(str(problem), style="red", markup=False, highlight=False)
        n = len(exc.problems)
        err.print(f"{n} problem{'s' if n != 1 else ''}; nothing was built.", style="bold red")
    else:
        err.print(f"error: {exc}", style="red", markup=False, highlight=False)
    raise typer.Exit(2)


def _warn(message: str) -> None:
    err.print(Text("warning: ", style="yellow") + Text(message))


def _load(path: Path, find: bool = True):
    """A screenplay, or a writer's script with its sidecar (filmmaker.script.sidecar); `find`: with its
    `find:` pictures chosen from the library (indexing what is new there first)."""
    from filmmaker.script.read import is_script

    if is_script(path):
        from filmmaker.script.sidecar import load_script_screenplay

        sp = load_script_screenplay(path)
    else:
        from filmmaker.screenplay import load_screenplay

        sp = load_screenplay(path)
    if find:
        from filmmaker.library.find import has_finds, resolve_finds

        if has_finds(sp):
            from filmmaker.library.index import open_index

            with _indexing() as progress:
                index, _ = open_index(sp.library, sp.root / ".filmmaker", progress)
            sp = resolve_finds(sp, index)
    return sp


@contextlib.contextmanager
def _indexing():
    """A progress callback for library indexing: a bar on a terminal (stderr) that vanishes when done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("library", total=None)

        def progress(done: int, total: int, path) -> None:
            bar.update(task, completed=done, total=total,
                       description=f"library: {path.name}" if path is not None else "library")

        yield progress


def _find_screenplay(given: Path | None) -> Path:
    """The screenplay named, or the one YAML file in the current folder."""
    if given is not None:
        return given
    candidates = sorted(Path.cwd().glob("*.yaml")) + sorted(Path.cwd().glob("*.yml"))
    if len(candidates) != 1:
        found = ", ".join(p.name for p in candidates) or "none"
        raise FilmmakerError(f"name the screenplay with -s SCREENPLAY (YAML files here: {found})")
    return candidates[0]


def _parse_cast(pairs: list[str]) -> dict[str, str]:
    cast = {}
    for pair in pairs or []:
        role, sep, actor = pair.partition("=")
        if not sep or not role or not actor:
            raise FilmmakerError(f"--cast {pair!r}: write it as ROLE=ACTOR, e.g. --cast COMMANDER=lav")
        cast[role] = actor
    return cast


def _check_cast(sp, cast: dict[str, str]) -> None:
    for role, actor in cast.items():
        if role not in sp.cast:
            raise FilmmakerError(f"--cast: no role {role!r} in {sp.path.name}; roles: {', '.join(sorted(sp.cast))}")
        if actor not in sp.actors:
            raise FilmmakerError(f"--cast: no actor {actor!r} in {sp.path.name}; actors: {', '.join(sorted(sp.actors))}")
