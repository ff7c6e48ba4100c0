"""Input files and engines checked at resolve, each problem placed where the screenplay names the
file: a still, an actor's face photo, a stand-in's photo, an actor's voice.

A picture is decoded whole once per content (the verdict kept in the cache by the file's hash),
so a decompression bomb, a truncated or an empty file is refused before any work, at its
position, instead of failing (or exhausting memory) halfway through a build; a no-op rebuild
reads a small record instead of the picture.
"""

from __future__ import annotations

from pathlib import Path

from filmmaker.cache import Cache
from filmmaker.errors import Problem, RenderError, ResolveError
from filmmaker.graph.measure import measured
from filmmaker.plan import Plan, shot_problem
from filmmaker.screenplay.model import Actor

IMAGECHECK_VERSION = 1


def image_problems(plan: Plan, cache: Cache, file_hash) -> list[Problem]:
    """Every picture the film reads (stills, the face photos of the actors it swaps in, stand-in
    photos) decoded once per content; a problem for each that cannot be."""
    sp = plan.screenplay
    problems: list[Problem] = []
    checked: set[tuple[Path, str]] = set()

    def check(path: Path, where) -> None:
        if (path, where().field) in checked:
            return
        checked.add((path, where().field))
        try:
            measured(cache, "imagecheck", IMAGECHECK_VERSION, path, file_hash, lambda: _examine(path))
        except (RenderError, OSError) as exc:
            base = where()
            problems.append(Problem(base.file, base.line, base.col, base.field, str(exc)))

    for ps in plan.shots:
        picture = ps.shot.picture
        if picture.kind == "still" and picture.path is not None:
            check(picture.path, lambda: _at(shot_problem(plan, ps, "picture", ""), picture.pos, "still"))
        for casting in ps.shot.faces:
            actor = sp.actors[sp.cast[casting.role]]
            if actor.face is not None:
                check(actor.face, lambda: actor_problem(sp.path, actor, "face", ""))
            if casting.reference is not None:
                base = shot_problem(plan, ps, "faces", "")
                check(casting.reference, lambda: Problem(base.file, *casting.pos, f"{base.field}.{casting.role}", ""))
    return problems


def _examine(path: Path) -> dict:
    from filmmaker.render.picture import examine_image

    return examine_image(path)


def _at(base: Problem, pos: dict, key: str) -> Problem:
    line, col = pos.get(key, (base.line, base.col))
    return Problem(base.file, line, col, f"{base.field}.{key}", base.message)


def actor_problem(screenplay: Path, actor: Actor, key: str, message: str) -> Problem:
    """A problem at one of an actor's keys (`face`, `voice`, `voice.model`...), or at the actor."""
    line, col = actor.pos.get(key, actor.pos.get(key.split(".")[0], actor.pos.get("", (1, 1))))
    return Problem(screenplay, line, col, f"actors.{actor.id}.{key}", message)


def voice_problem(screenplay: Path, actor: Actor, exc: ResolveError) -> Problem:
    """An engine's refusal of an actor's voice, at the key it is about: the field the error names,
    else the sample or speaker its message is about, else the model, else the engine."""
    message = str(exc)
    field = getattr(exc, "field", None)
    voice = actor.voice
    if field is None:
        for name, fits in (("sample", voice.sample is not None and "sample" in message),
                           ("speaker", voice.speaker is not None and "speaker" in message),
                           ("model", voice.model is not None), ("engine", True)):
            if fits and f"voice.{name}" in actor.pos:
                field = name
                break
    return actor_problem(screenplay, actor, f"voice.{field}" if field else "voice", message)
