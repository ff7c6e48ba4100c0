"""Face casting in a build: which actor's face goes on which stand-in, shot by shot, and whether
the swap worked (the identity check).

The engine (detection, landmarks, warp, blend, tracking) is `backends/face/dlib_swap.py`; this
module only decides what to swap and keeps score, so another engine can take its place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from filmmaker.backends.face import dlib_swap as engine
from filmmaker.facecast import FaceJob

IDENTITY_SAMPLES = 5  # frames per shot whose faces are embedded for the identity check


@dataclass
class IdentityScore:
    """Mean face-embedding distances of the swapped face: to the actor, and to the stand-in it
    replaced. Below 0.6 is the same person for dlib's model; the swap worked when the first is
    smaller than the second."""

    to_actor: float = float("nan")
    to_stand_in: float = float("nan")
    found: float = 0.0  # fraction of frames where the stand-in's face was found

    @property
    def worked(self) -> bool:
        return self.to_actor < self.to_stand_in


class ShotSwapper:
    """Every face job of a shot applied to frames in order, scoring identity on a few of them."""

    def __init__(self, jobs: list[FaceJob], faces: dict[str, engine.ActorFace], fps: float, frames: int,
                 detect_every: int = 6):
        self.jobs = jobs
        self.faces = faces
        self.tracks = [engine.FaceTrack(faces[job.actor], fps, _hint(job), detect_every, points=job.landmarks)
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
            box = engine.face_box(points)
            face = engine.embedding(swapped, box)
            self.distances[job.role].append((float(np.linalg.norm(face - self.faces[job.actor].descriptor)),
                                             float(np.linalg.norm(face - engine.embedding(original, box)))))

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


def swap_still(image: np.ndarray, jobs: list[FaceJob], faces: dict[str, engine.ActorFace]) -> tuple[np.ndarray, dict]:
    """A still, swapped once: faces are searched at full care (upsampled), no tracking needed."""
    swapper = ShotSwapper(jobs, faces, fps=1.0, frames=1, detect_every=1)
    for track in swapper.tracks:
        track.fade_step = 1.0  # a still has no frames to fade over
    return swapper(image), swapper.scores()


def _hint(job: FaceJob):
    if job.reference is None:
        return job.hint
    from PIL import Image

    with Image.open(job.reference) as photo:
        image = np.asarray(photo.convert("RGB"))
    boxes = engine.detect(image, upsample=1)
    if not boxes:
        from filmmaker.errors import ResolveError

        raise ResolveError(f"role {job.role!r}: no face found in the stand-in reference {job.reference}")
    return engine.embedding(image, max(boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1])))


def load_faces(jobs: list[FaceJob]) -> dict[str, engine.ActorFace]:
    return {job.actor: engine.load_actor_face(job.face, job.actor) for job in jobs}
