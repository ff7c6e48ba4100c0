"""Where a command reads or writes, checked before it does: a project's cache named by a path that
exists, a file for `say` to write in a folder that is one. Raises FilmmakerError (the CLI prints)."""

from __future__ import annotations

from pathlib import Path

from filmmaker.errors import FilmmakerError


def say_target(output: Path | None, actor: str) -> Path | None:
    """Where `say` writes, checked before any speaking: a file, in a folder (or none yet)."""
    if output is None:
        return None
    if output.is_dir():
        raise FilmmakerError(f"-o {output} is a folder; give a file name, e.g. -o {output / f'say-{actor}.wav'}")
    for folder in output.parents:
        if folder.exists():
            if not folder.is_dir():
                raise FilmmakerError(f"-o {output}: {folder} is a file, not a folder; give a path in a folder")
            break
    return output


def cache_of(project: Path):
    """The cache of a project, named by its folder or by one of its screenplays (which must exist:
    a mistyped name must not quietly stand for the folder it would be in)."""
    from filmmaker.cache import Cache, require_folder

    if not project.exists():
        raise FilmmakerError(f"{project}: no such project folder or screenplay; give the folder that holds "
                             "the screenplay (and its .filmmaker/), or the screenplay itself")
    folder = project if project.is_dir() else project.parent
    root = folder.resolve() / ".filmmaker" / "cache"
    require_folder(root, "the build cache")
    return Cache(root)
