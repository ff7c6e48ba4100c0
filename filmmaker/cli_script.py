"""`filmmaker import` (a Fountain or Final Draft script -> a screenplay that builds at once) and the
script formats of `filmmaker export` (the film's screenplay handed back as Fountain or FDX)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from filmmaker.errors import FilmmakerError

SCRIPT_FORMATS = ("fountain", "fdx")


def import_(
    script: Path = typer.Argument(..., help="A Fountain (.fountain) or Final Draft (.fdx) script."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="The screenplay to write [default: "
                                          "SCRIPT's name with .yaml, beside it]."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing screenplay."),
) -> None:
    """Write a screenplay from a writer's script: its scenes, shots, lines and transitions, and a
    cast from the voice palette in which no two roles that share a scene sound alike."""
    from filmmaker.cache import atomic_write_bytes
    from filmmaker.cli_common import _fail, _warn, out
    from filmmaker.script.read import is_script
    from filmmaker.script.writeout import screenplay_yaml

    target = (output or script.with_suffix(".yaml")).absolute()
    try:
        if not is_script(script):
            raise FilmmakerError(f"{script}: not a script; give a .fountain or .fdx file")
        if target.exists() and not force:
            raise FilmmakerError(f"{target} exists; give another -o, or --force to overwrite it")
        text, imported = screenplay_yaml(script, target)
        atomic_write_bytes(target, text.encode("utf-8"))
    except FilmmakerError as exc:
        _fail(exc)
    for scene, a, b in imported.casting.alike:
        _warn(f"{a} and {b} share {scene} but sound alike: the palette has too few voices apart; "
              f"give one of them another actor in {target.name}'s cast")
    out.print(f"[green]wrote[/green] {target} ({len(imported.scene_ids)} scenes, {len(imported.shot_ids)} shots, "
              f"{len(imported.casting.voices)} roles)", highlight=False)
    out.print(f"  build it: filmmaker build {target}", highlight=False)


def export_script(sp, formats: tuple[str, ...], outdir: Path) -> dict[str, Path]:
    """Write the screenplay as each script format in `formats`; returns format -> file."""
    from filmmaker.cache import atomic_write_bytes
    from filmmaker.script.fdx import write_fdx
    from filmmaker.script.fountain import write_fountain
    from filmmaker.script.handback import script_of

    written = {}
    for name in formats:
        path = outdir / f"{sp.slug}.{name}"
        text = (write_fountain if name == "fountain" else write_fdx)(script_of(sp, path))
        atomic_write_bytes(path, text.encode("utf-8"))
        written[name] = path
    return written
