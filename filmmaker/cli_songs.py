"""`filmmaker lyrics` (a song cue's lyrics drafted by a local language model, for the writer to edit) and
`filmmaker credits` (who and what is in the film, with licences)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from filmmaker.errors import FilmmakerError, ScreenplayError


def lyrics(
    screenplay: Path = typer.Argument(..., help="The screenplay: YAML, or a Fountain or Final Draft script."),
    cue: int = typer.Option(..., "--cue", help="The song cue's index in `score` (0 is the first)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Draft with this seed (default: the song's seed)."),
) -> None:
    """Draft the lyrics of song cue CUE with its `lyrics_model`, from the scenes and shots under it,
    into a file beside the screenplay; a file the writer edited is never overwritten."""
    from filmmaker.cli_common import _fail, _load, out
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


def credits(screenplay: Path = typer.Argument(..., help="The screenplay: YAML, or a Fountain or Final Draft script."),
            cast: list[str] = typer.Option([], "--cast", help="Recast a role: ROLE=ACTOR (repeatable).")) -> None:
    """List the cast (faces and voices, and where they come from), the voices and models with their
    licences, the music, the stock media, and the components licensed for non-commercial use only."""
    from filmmaker.cache import Cache, FileHashes
    from filmmaker.cli_common import _check_cast, _fail, _load, _parse_cast, out
    from filmmaker.credits import credits_text
    from filmmaker.graph.sources import resolve_sources
    from filmmaker.plan import plan_film

    try:
        sp = _load(screenplay)
        recast = _parse_cast(cast)
        _check_cast(sp, recast)
        plan = plan_film(sp, cast=recast)
        state = sp.root / ".filmmaker"  # the music's licences: its sources found as a build finds them
        sources, problems = resolve_sources(plan, Cache(state / "cache"), FileHashes(state / "file-hashes.json"))
        if problems:
            raise ScreenplayError(problems)
        text = credits_text(plan, sources)
    except FilmmakerError as exc:
        _fail(exc)
    out.print(text, markup=False, highlight=False, end="")
