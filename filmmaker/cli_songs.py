"""`filmmaker lyrics`: draft a song cue's lyrics with a local language model, for the writer to edit."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from filmmaker.errors import FilmmakerError, ScreenplayError


def lyrics(
    screenplay: Path = typer.Argument(..., help="The screenplay YAML file."),
    cue: int = typer.Option(..., "--cue", help="The song cue's index in `score` (0 is the first)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Draft with this seed (default: the song's seed)."),
) -> None:
    """Draft the lyrics of song cue CUE with its `lyrics_model`, from the scenes and shots under it,
    into a file beside the screenplay; a file the writer edited is never overwritten."""
    from filmmaker.cli import _fail, _load, out
    from filmmaker.graph.song import SongProblem, draft_for_cue
    from filmmaker.graph.sources import cue_problem
    from filmmaker.plan import plan_film

    try:
        sp = _load(screenplay)
        plan = plan_film(sp)
        songs = [pc.index for pc in plan.cues if pc.cue.song is not None]
        if cue not in songs:
            listed = ", ".join(map(str, songs)) or "none: give a cue a `song:` mapping"
            raise FilmmakerError(f"--cue {cue}: score[{cue}] of {sp.path.name} is not a song cue; song cues: {listed}")
        pc = plan.cues[cue]
        try:
            path, text, written = draft_for_cue(plan, pc, seed)
        except SongProblem as exc:
            raise ScreenplayError([cue_problem(plan, pc, exc.field, exc.message)]) from None
    except FilmmakerError as exc:
        _fail(exc)
    if written:
        out.print(f"[green]drafted[/green] {path}", highlight=False)
    else:
        out.print(f"[yellow]kept[/yellow] {path}: it was edited (or already holds this draft); delete it to draft "
                  "again", highlight=False)
    out.print(text, markup=False, highlight=False)
    if not pc.cue.song.draft and pc.cue.song.lyrics_file != path:
        out.print(f"to sing these words, set the cue's `lyrics: {path.name}` (or `lyrics: draft`)", highlight=False)
