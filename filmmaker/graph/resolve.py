"""Resolve: every engine, model and input file the film needs is found and measured here, before
any work, so a missing model or an unreadable file fails at once with its position and fix.

What it finds is plain data (`Resolved`): engine identities for the cache keys, the image and
motion models, each cue's source, each footage file's length. Pool workers receive it as it is
and open the engines themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filmmaker.backends.face import FACE_ENGINE_VERSION
from filmmaker.cache import Cache, FileHashes
from filmmaker.errors import Problem, RenderError, ResolveError, ScreenplayError
from filmmaker.graph.checks import actor_problem, image_problems, voice_problem
from filmmaker.graph.faces import face_jobs
from filmmaker.graph.measure import measured
from filmmaker.graph.sources import Source, resolve_sources
from filmmaker.plan import Plan, PlannedShot, shot_problem

PROBE_VERSION = 1


@dataclass
class Resolved:
    voices: dict[str, dict] = field(default_factory=dict)  # actor id -> engine identity
    image_model: Any = None  # backends.imagery.ImageModel for `prompt` shots, when configured
    motion_model: Any = None  # and the image-to-video one for `motion: generate` pictures
    sources: dict[int, Source] = field(default_factory=dict)  # cue index -> what it plays
    footage: dict[int, dict] = field(default_factory=dict)  # shot index -> probe of its footage
    warnings: list[str] = field(default_factory=list)

    def generates(self, ps: PlannedShot) -> bool:
        """Whether the shot's picture comes from the image model (else it is drawn or loaded)."""
        return ps.shot.picture.kind == "prompt" and self.image_model is not None

    def animates(self, ps: PlannedShot) -> bool:
        return ps.shot.picture.motion == "generate" and self.motion_model is not None

    def footage_seconds(self, plan: Plan) -> dict[int, float]:
        """Usable length of each footage shot (out - in), for `duration: auto` without lines."""
        out = {}
        for ps in plan.shots:
            picture = ps.shot.picture
            if picture.kind == "footage" and ps.index in self.footage:
                end = picture.end if picture.end is not None else self.footage[ps.index]["duration"]
                out[ps.index] = max(0.04, end - picture.start)
        return out


def resolve(plan: Plan, cache: Cache, file_hash: FileHashes) -> Resolved:
    from filmmaker.backends.voice import open_voice

    sp = plan.screenplay
    found = Resolved()
    problems: list[Problem] = []
    for ps in plan.shots:
        for pl in ps.lines:
            if pl.actor.id not in found.voices:
                try:
                    found.voices[pl.actor.id] = open_voice(pl.actor.voice, file_hash).identity()
                except ResolveError as exc:
                    found.voices[pl.actor.id] = {}  # reported once, at the actor's voice
                    problems.append(voice_problem(sp.path, pl.actor, exc))
    problems.extend(image_problems(plan, cache, file_hash))  # before any face engine opens them
    unusable = {(p.file, p.line, p.col) for p in problems}
    for ps in plan.shots:
        for job in face_jobs(plan, ps):
            actor = sp.actors[job.actor]
            if job.face is None:
                problems.append(shot_problem(plan, ps, "faces", f"{job.role}: actor {job.actor!r} has "
                                             "no `face` photo to swap in; add one under actors"))
            elif (sp.path, *actor.pos.get("face", (0, 0))) not in unusable:
                try:
                    check_face(job, cache, file_hash)
                except ResolveError as exc:
                    problems.append(actor_problem(sp.path, actor, "face", str(exc)))
                    unusable.add((sp.path, *actor.pos.get("face", (0, 0))))
        for casting in ps.shot.faces:
            if casting.reference is not None and (sp.path, *casting.pos) not in unusable:
                try:
                    check_stand_in(casting.reference, cache, file_hash)
                except ResolveError as exc:
                    field = shot_problem(plan, ps, "faces", "").field
                    problems.append(Problem(sp.path, *casting.pos, f"{field}.{casting.role}", str(exc)))
        if ps.shot.faces and ps.shot.picture.kind == "prompt" and not sp.imagery.model:
            found.warnings.append(f"shot {ps.id!r}: faces are swapped onto generated pictures; "
                                  "a storyboard panel has none, so the swap waits for an image model")
    if sp.imagery.model and any(ps.shot.picture.kind == "prompt" for ps in plan.shots):
        from filmmaker.backends.imagery import describe_model, locate_model

        try:
            found.image_model = describe_model(locate_model(sp.imagery.model, sp.imagery.model_path), file_hash)
        except ResolveError as exc:
            line, col = sp.imagery.pos.get("model", (1, 1))
            problems.append(Problem(sp.path, line, col, "imagery.model", str(exc)))
    problems.extend(_resolve_motion(plan, found, file_hash))
    sources, cue_problems = resolve_sources(plan, cache, file_hash)
    found.sources = sources
    problems.extend(cue_problems)
    for ps in plan.shots:
        picture = ps.shot.picture
        if picture.kind != "footage":
            continue
        try:
            info = footage_info(picture.path, cache, file_hash)
        except RenderError as exc:
            problems.append(shot_problem(plan, ps, "picture", f"{exc}; give a video file "
                                         "ffmpeg can read (MP4, MOV, MKV, WebM)"))
            continue
        # ffmpeg reports a length to the hundredth: allow that much (the decoder holds the last frame)
        last_frame = max(0.0, info["duration"] - (1 / info["fps"] if info.get("fps") else 0.0))
        if picture.start >= info["duration"]:
            problems.append(shot_problem(plan, ps, "picture", f"in-point {picture.start:g} s is past "
                                         f"the end of {picture.source} ({info['duration']:.2f} s)"))
        elif picture.start > last_frame + 0.01:  # inside the file, but after the start of its last frame
            problems.append(picture_problem(plan, ps, "in", f"in-point {picture.start:g} s leaves no frame of "
                                            f"{picture.source}: its last frame starts at {last_frame:.3f} s; "
                                            "give an in-point at or before that"))
        elif picture.end is not None and picture.end > info["duration"] + 0.05:
            problems.append(shot_problem(plan, ps, "picture", f"out-point {picture.end:g} s is past the end of "
                                         f"{picture.source} ({info['duration']:.2f} s); give an `out` within it "
                                         "or leave it out"))
        found.footage[ps.index] = info
    if problems:
        raise ScreenplayError(problems)
    return found


def picture_problem(plan: Plan, ps: PlannedShot, key: str, message: str) -> Problem:
    """A problem at one key of a shot's picture (`in`, `still`, ...), where the loader put it."""
    problem = shot_problem(plan, ps, "picture", message)
    line, col = ps.shot.picture.pos.get(key, (problem.line, problem.col))
    return Problem(problem.file, line, col, f"{problem.field}.{key}", message)


def _resolve_motion(plan: Plan, found: Resolved, file_hash) -> list[Problem]:
    """The image-to-video model, when a picture asks to move; without one, the camera moves it."""
    animated = [ps for ps in plan.shots if ps.shot.picture.motion == "generate"]
    imagery = plan.screenplay.imagery
    if animated and not imagery.motion_model:
        found.warnings.extend(f"shot {ps.id!r}: `motion: generate` needs an `imagery.motion_model`; "
                              "the camera move is used instead" for ps in animated)
    elif animated:
        from filmmaker.backends.imagery import describe_model, locate_model

        try:
            folder = locate_model(imagery.motion_model, imagery.motion_model_path)
            found.motion_model = describe_model(folder, file_hash, motion=True)
        except ResolveError as exc:
            line, col = imagery.pos.get("motion_model", (1, 1))
            return [Problem(plan.screenplay.path, line, col, "imagery.motion_model", str(exc))]
    return []


def check_face(job, cache: Cache, file_hash) -> None:
    """A photo found usable once is not examined again (a no-op rebuild loads no face model)."""

    def examine() -> dict:
        from filmmaker.backends.face import open_face_engine

        open_face_engine().load_actor_face(job.face, job.actor)  # raises, naming actor and file
        return {"face": str(job.face), "usable": True}

    measured(cache, "face", FACE_ENGINE_VERSION, job.face, file_hash, examine)


def check_stand_in(photo: Path, cache: Cache, file_hash) -> None:
    """A stand-in's photo must show a face to match in the frame; found once per photo content."""

    def examine() -> dict:
        import numpy as np
        from PIL import Image

        from filmmaker.backends.face import open_face_engine

        with Image.open(photo) as image:
            descriptor = open_face_engine().reference(np.asarray(image.convert("RGB")))
        if descriptor is None:
            raise ResolveError(f"no face found in the stand-in photo {photo.name}; give a photo in which the "
                               "stand-in's face is clear and frontal, or a hint (auto, left, right, largest)")
        return {"reference": str(photo), "usable": True}

    measured(cache, "standin", FACE_ENGINE_VERSION, photo, file_hash, examine)


def footage_info(path: Path, cache: Cache, file_hash) -> dict:
    """Length, size, rate and sound of a video, probed once per file content."""

    def probe() -> dict:
        from filmmaker.render.ffmpeg import probe

        return probe(path).__dict__

    return measured(cache, "probe", PROBE_VERSION, path, file_hash, probe)
