"""Who is on screen: each shot's face jobs (role, actor, photo, how to find the stand-in) and
what of them goes into cache keys. Import-light, so a no-op rebuild does not load the engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from filmmaker.backends.face import FACE_ENGINE_VERSION
from filmmaker.plan import Plan, PlannedShot


@dataclass(frozen=True)
class FaceJob:
    role: str
    actor: str
    face: Path  # the actor's photo
    hint: str  # auto, left, right, largest, or "reference"
    reference: Path | None = None
    landmarks: int = 68  # 68 (quality; non-commercial model) or 5 (licence-clean)


def face_jobs(plan: Plan, ps: PlannedShot) -> list[FaceJob]:
    sp = plan.screenplay
    jobs = []
    for casting in ps.shot.faces:
        actor = sp.actors[sp.cast[casting.role]]
        jobs.append(FaceJob(casting.role, actor.id, actor.face, casting.hint, casting.reference, sp.face_landmarks))
    return jobs


def key_fields(jobs: list[FaceJob], file_hash) -> list:
    """What in a face swap changes the pixels: the faces, the hints, the engine."""
    return [[job.role, file_hash(job.face), job.hint, file_hash(job.reference) if job.reference else None,
             "dlib", job.landmarks, FACE_ENGINE_VERSION] for job in jobs]
