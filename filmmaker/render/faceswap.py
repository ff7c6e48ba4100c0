"""Face casting in a build: which actor's face goes on which stand-in, shot by shot, and whether
the swap worked (the identity check).

The engine (detection, landmarks, warp, blend, tracking) sits behind `backends.face.FaceEngine`;
this module only decides what to swap and keeps score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from filmmaker.backends.face import FaceEngine

if TYPE_CHECKING:
    from filmmaker.graph.faces import FaceJob

IDENTITY_SAMPLES = 5  # frames per shot whose faces are embedded for the identity check


@dataclass
class IdentityScore:
    """Mean face-embedding distances of the swapped face: to the actor, and to the stand-in it
    replaced. Below 0.6 is the same person for dlib's model; the swap worked when the first is
    smaller than the second."""

    to_actor: float = float("nan")
    to_stand_in: float = float("nan")
    found: float = 0.0  # fraction of frames where the stand-in's face was found


class ShotSwapper:
    """Every face job of a shot applied to frames in order, scoring identity on a few of them."""

    def __init__(self, engine: FaceEngine, jobs: list[FaceJob], faces: dict, fps: float, frames: int,
                 detect_every: int | None = None):
        self.engine, self.jobs, self.faces = engine, jobs, faces
        self.tracks = [engine.tracker(faces[job.actor], fps, _hint(engine, job), detect_every, job.landmarks)
                       for job in jobs]
        self.sample_every = max(1, frames // IDENTITY_SAMPLES)
        self.index = 0
        self.distances: dict[str, list[tuple[float, float]]] = {job.role: [] for job in jobs}

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        original = frame
        for track in self.tracks:
            frame = track(frame)
        if self.index % self.sample_every == 0:
            self._score(original, frame)
        self.index += 1
        return frame

    def _score(self, original: np.ndarray, swapped: np.ndarray) -> None:
        for job, track in zip(self.jobs, self.tracks):
            points = track.stats.points[-1] if track.stats.points else None
            if points is None or track.strength < 1.0:
                continue
            box = self.engine.face_box(points)
            face = self.engine.embedding(swapped, box)
            actor = self.engine.descriptor(self.faces[job.actor])
            self.distances[job.role].append((float(np.linalg.norm(face - actor)),
                                             float(np.linalg.norm(face - self.engine.embedding(original, box)))))

    def scores(self) -> dict[str, IdentityScore]:
        out = {}
        for job, track in zip(self.jobs, self.tracks):
            pairs = self.distances[job.role]
            total = track.stats.found + track.stats.lost
            score = IdentityScore(found=track.stats.found / total if total else 0.0)
            if pairs:
                score.to_actor, score.to_stand_in = (float(v) for v in np.mean(pairs, axis=0))
            out[job.role] = score
        return out


def swap_still(engine: FaceEngine, image: np.ndarray, jobs: list[FaceJob], faces: dict) -> tuple[np.ndarray, dict]:
    """A still, swapped once: no tracking, nothing to fade."""
    swapper = ShotSwapper(engine, jobs, faces, fps=1.0, frames=1, detect_every=1)
    for track in swapper.tracks:
        track.fade_step = 1.0  # a still has no frames to fade over
    return swapper(image), swapper.scores()


def _hint(engine: FaceEngine, job: FaceJob):
    if job.reference is None:
        return job.hint
    from PIL import Image

    from filmmaker.errors import ResolveError

    with Image.open(job.reference) as photo:
        descriptor = engine.reference(np.asarray(photo.convert("RGB")))
    if descriptor is None:
        raise ResolveError(f"role {job.role!r}: no face found in the stand-in reference {job.reference}")
    return descriptor
