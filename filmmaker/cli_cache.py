"""`filmmaker cache ls|verify|gc`: a project's build cache, inspected, checked and cleaned."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.table import Table

from filmmaker.errors import FilmmakerError
from filmmaker.places import cache_of

cache_app = typer.Typer(no_args_is_help=True, help="Inspect, verify and clean a project's build cache.")


@cache_app.command("ls")
def cache_ls(project: Path = typer.Argument(Path("."), help="A project folder or one of its screenplays.")) -> None:
    """Entries and bytes per kind of artifact."""
    from filmmaker.cli_common import _fail, out

    try:
        cache = cache_of(project)
    except FilmmakerError as exc:
        _fail(exc)
    kinds: dict[str, list[int]] = {}
    for entry in cache.entries():
        count = kinds.setdefault(entry.kind, [0, 0])
        count[0] += 1
        count[1] += entry.size
    table = Table(title=str(cache.root))
    for column in ("kind", "entries", "MB"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind, (count, size) in sorted(kinds.items()):
        table.add_row(kind, str(count), f"{size / 1e6:.1f}")
    table.add_row("total", str(sum(c for c, _ in kinds.values())), f"{sum(b for _, b in kinds.values()) / 1e6:.1f}")
    out.print(table)


@cache_app.command("verify")
def cache_verify(project: Path = typer.Argument(Path("."), help="A project folder or one of its screenplays.")
                 ) -> None:
    """Re-hash every entry against its record; exit 1 when any was damaged (it is quarantined)."""
    from filmmaker.cli_common import _fail, _warn, out

    try:
        cache = cache_of(project)
    except FilmmakerError as exc:
        _fail(exc)
    entries = sum(1 for _ in cache.entries())
    damaged = cache.verify()
    for damage in damaged:
        _warn(damage)
    out.print(f"{entries} entries checked, {len(damaged)} damaged" + (" (quarantined; the next build remakes them)"
                                                                     if damaged else ""), highlight=False)
    if damaged:
        raise typer.Exit(1)


def _parse_age(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
    number, unit = text[:-1], text[-1:]
    if unit not in units or not number.replace(".", "", 1).isdigit():
        raise FilmmakerError(f"--grace {text!r}: write a number and a unit, e.g. 12h, 7d, 2w")
    return float(number) * units[unit]


@cache_app.command("gc")
def cache_gc(
    screenplays: list[Path] = typer.Argument(None, help="The screenplays whose films to keep (all of the project's)."),
    grace: str = typer.Option("7d", "--grace", help="Keep anything written more recently than this (s, m, h, d, w)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Say what would be removed; remove nothing."),
) -> None:
    """Remove entries that none of the given screenplays' plans (or last builds) use, once older
    than the grace period. A screenplay of the project left off the list loses its entries."""
    from filmmaker.cli_common import _fail, _load, out
    from filmmaker.dryrun import dry_run as plan_of
    from filmmaker.plan import plan_film

    try:
        if not screenplays:
            raise FilmmakerError("cache gc needs the screenplays whose films to keep, e.g. `filmmaker cache gc "
                                 "film.yaml`; it will not guess, since everything else is removed")
        seconds = _parse_age(grace)
        by_cache: dict[Path, set] = {}
        for screenplay in screenplays:
            refs = plan_of(plan_film(_load(screenplay))).references
            by_cache.setdefault(cache_of(screenplay).root, set()).update(refs)
    except FilmmakerError as exc:
        _fail(exc)
    from filmmaker.cache import Cache

    for root, keep in by_cache.items():
        cache = Cache(root)
        if dry_run:
            cutoff = time.time() - seconds
            stale = [e for e in cache.entries() if (e.kind, e.key) not in keep and e.mtime < cutoff]
            out.print(f"{root}: would remove {len(stale)} entries, {sum(e.size for e in stale) / 1e6:.1f} MB; "
                      f"keeping {len(keep)} in use", highlight=False)
            continue
        before = sum(e.size for e in cache.entries())
        removed = cache.gc(keep, seconds)
        after = sum(e.size for e in cache.entries())
        out.print(f"{root}: removed {len(removed)} files, {(before - after) / 1e6:.1f} MB freed; "
                  f"kept {len(keep)} entries in use and anything newer than {grace}", highlight=False)
