"""`filmmaker library index|search|pin`: the writer's own stills and footage, indexed by what they
show, searched by meaning, and the `find:` shots' choices written into the screenplay."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from filmmaker.cli_common import _fail, _find_screenplay, _indexing, _load, _warn, out
from filmmaker.errors import FilmmakerError

library_app = typer.Typer(no_args_is_help=True, help="Index, search and pin the film's library of stills and footage.")
SCREENPLAY_HELP = "The screenplay (YAML, or a script with its sidecar) whose `library:` to use [default: the one YAML here]."


def _open(screenplay: Path | None):
    from filmmaker.library.index import open_index

    sp = _load(_find_screenplay(screenplay), find=False)
    if not sp.library.media:
        raise FilmmakerError(f"{sp.path.name} has no library; add `library: {{media: [FOLDER]}}` naming your "
                             "folders of stills and footage")
    with _indexing() as progress:
        index, report = open_index(sp.library, sp.root / ".filmmaker", progress)
    for warning in report.warnings:
        _warn(warning)
    return sp, index, report


@library_app.command("index")
def library_index(screenplay: Optional[Path] = typer.Argument(None, help=SCREENPLAY_HELP)) -> None:
    """Index the library's stills and footage (new and changed files only)."""
    try:
        _, index, report = _open(screenplay)
    except FilmmakerError as exc:
        _fail(exc)
    stills = sum(e.kind == "still" for e in index.entries)
    files = len(report.embedded) + report.reused
    out.print(f"indexed {files} files: {len(report.embedded)} embedded, {report.reused} unchanged, "
              f"{len(report.skipped)} skipped; {stills} stills and {len(index.entries) - stills} footage shots "
              f"in {report.seconds:.2f} s", highlight=False)


@library_app.command("search")
def library_search(
    query: str = typer.Argument(..., help="What the picture shows, in words."),
    screenplay: Optional[Path] = typer.Option(None, "-s", "--screenplay", help=SCREENPLAY_HELP),
    top: int = typer.Option(10, "--top", min=1, max=1000, help="How many matches to list."),
) -> None:
    """List the library's best matches for a description, with their scores."""
    try:
        if not query.strip():
            raise FilmmakerError("the query is empty; describe the picture, e.g. \"a harbour at night\"")
        sp, index, _ = _open(screenplay)
        matches = index.search(query.strip(), top)
    except FilmmakerError as exc:
        _fail(exc)
    out.print(f"{query.strip()!r}: the best {len(matches)} of {len(index.entries)} library entries", highlight=False)
    for rank, (entry, score) in enumerate(matches, 1):
        span = f" [{entry.start:.2f}-{entry.end:.2f}]" if entry.end is not None else ""
        out.print(f"{rank:>3}. {score:.3f}  {_shown(sp.root, entry.path)}{span}  ({entry.licence or 'no licence'})  "
                  f"{entry.description}", highlight=False, markup=False)


@library_app.command("pin")
def library_pin(screenplay: Path = typer.Argument(..., help="The screenplay whose `find:` shots to pin.")) -> None:
    """Write each `find:` shot's current choice into the screenplay as an explicit still or footage picture
    (comments and order kept), so the film's pictures stay as they are."""
    from filmmaker.library.pin import pin_finds

    try:
        sp = _load(screenplay)
        pinned = pin_finds(sp)
    except FilmmakerError as exc:
        _fail(exc)
    for item in pinned:
        out.print(f"  {item.shot}: {item.picture}", highlight=False, markup=False)
    files = sorted({item.file.name for item in pinned})
    out.print(f"pinned {len(pinned)} shot{'s' if len(pinned) != 1 else ''}" +
              (f" in {', '.join(files)}" if files else "; no `find:` shot with a choice to pin"), highlight=False)


def _shown(root: Path, path: Path) -> str:
    from filmmaker.library.find import written_path

    return written_path(root, path)
