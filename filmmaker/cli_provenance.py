"""`filmmaker inspect FILM.mp4`: the film's signed provenance read back (C2PA): who signed it,
whether it changed since, how it was made, from what, and who is swapped or cloned in each shot."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from filmmaker.errors import FilmmakerError

ACTIONS = ("c2pa.actions.v2", "c2pa.actions")


def inspect(film: Path = typer.Argument(..., help="A film (MP4) built by filmmaker, or any C2PA-signed MP4."),
            trust: Optional[Path] = typer.Option(None, "--trust", help="A PEM file of certificates to trust "
                                                 "(e.g. the project's .filmmaker/provenance/ca.pem).")) -> None:
    """Read a film's signed provenance: the signer, whether the file changed after signing, the
    actions and digital source types, the ingredients, and the faces and voices in each shot.
    Exit 0 when the film is as signed, 1 when it was changed after signing, 2 when unreadable."""
    from filmmaker.cli_common import _fail, out
    from filmmaker.provenance import read_film

    try:
        if not film.is_file():
            raise FilmmakerError(f"{film}: no such file; give the path of a film (MP4)")
        found = read_film(film, trust)
    except FilmmakerError as exc:
        _fail(exc)
    active, signer = found["active_manifest"], found["signer"]
    made_by = ", ".join(f"{g.get('name')} {g.get('version', '')}".strip()
                        for g in active.get("claim_generator_info") or []) or active.get("claim_generator", "?")
    say = lambda text: out.print(text, markup=False, highlight=False)  # noqa: E731 - one line each
    say(f"{film}: {active.get('title') or film.name}, made by {made_by}")
    who = signer.get("common_name") or signer.get("issuer") or "unknown"
    say(f"signed by {who} ({signer.get('alg', '?')}); " + ("a self-signed project key: it proves the file is "
        "unchanged, not who made it" if found["self_signed"] else "trusted" if found["trusted"] else
        "a certificate this reader does not trust (pass --trust CA.pem)"))
    say("changed after signing: " + ("YES: " + ", ".join(s.get("code", "?") for s in found["validation_status"])
                                     if found["changed"] else "no"))
    assertions = {a.get("label"): a.get("data") for a in active.get("assertions", [])}
    actions = next((assertions[label] for label in ACTIONS if label in assertions), {}) or {}
    for action in actions.get("actions", []):
        source = (action.get("digitalSourceType") or "").rsplit("/", 1)[-1]
        say(f"  action {action.get('action')}" + (f" ({source})" if source else ""))
    for ingredient in active.get("ingredients", []):
        meta = ingredient.get("metadata") or {}
        digest = (meta.get("org.filmmaker.sha256") or "")[:12]
        say(f"  ingredient {meta.get('org.filmmaker.kind', '?')}: {ingredient.get('title')}"
            + (f" sha256 {digest}..." if digest else ""))
    for shot in (found["cast"] or {}).get("shots", []):
        faces = ", ".join(f"{f.get('role')}={f.get('actor')}" for f in shot.get("swapped_faces", [])) or "none"
        voices = ", ".join(f"{v.get('role')}={v.get('actor')}" for v in shot.get("cloned_voices", [])) or "none"
        made = ", ".join(shot.get("generated", [])) or "nothing"
        say(f"  shot {shot.get('shot')}: faces swapped {faces}; voices cloned {voices}; generated {made}")
    if found["changed"]:
        raise typer.Exit(1)
