"""What a node's `make` works with, in whichever process it runs: the plan, what resolve found,
the cache, and the engines, each opened on first use and kept for the life of the process (a
pool worker opens a voice or a face model once, however many nodes it is handed)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filmmaker.cache import Cache, FileHashes
from filmmaker.graph.resolve import Resolved
from filmmaker.plan import Plan
from filmmaker.render.encoding import Encoding


@dataclass(frozen=True)
class WorkshopSpec:
    """Everything a worker process needs to build its Workshop: plain, picklable data."""

    plan: Plan
    resolved: Resolved
    enc: Encoding
    state_dir: Path


def encoding_for(plan: Plan) -> Encoding:
    return Encoding(plan.format.width, plan.format.height, plan.format.fps,
                    preset="ultrafast" if plan.preview else "veryfast")


class Workshop:
    def __init__(self, spec: WorkshopSpec, cache: Cache | None = None, file_hash: FileHashes | None = None):
        self.spec = spec
        self.plan, self.resolved, self.enc = spec.plan, spec.resolved, spec.enc
        self.sp = spec.plan.screenplay
        self.cache = cache or Cache(spec.state_dir / "cache")
        self.file_hash = file_hash or FileHashes(spec.state_dir / "file-hashes.json")
        self._voices: dict[str, Any] = {}
        self._faces: dict[str, Any] = {}
        self._face_engine = None
        self._models: dict[str, Any] = {}
        self.loads: dict[str, int] = {}  # model name -> times this process loaded it
        self._timings: dict[str, Any] = {}
        # what the scheduler's own nodes leave for the ones after them (timeline -> cut, exports)
        self.timeline = None
        self.subtitles = None
        self.line_seconds: dict[str, float] = {}
        self.exports: dict[str, Path] = {}
        self.outputs: dict[str, dict] = {}  # export node id -> what it wrote now, for the manifest
        self._last_outputs: dict[str, dict] | None = None

    def last_outputs(self) -> dict[str, dict]:
        """What the last build with this cast wrote of each export (from its manifest)."""
        if self._last_outputs is None:
            from filmmaker.graph.manifest import read_manifest

            self._last_outputs = read_manifest(self).get("outputs", {})
        return self._last_outputs

    def voice(self, actor_id: str):
        if actor_id not in self._voices:
            from filmmaker.backends.voice import open_voice

            self._voices[actor_id] = open_voice(self.sp.actors[actor_id].voice, self.file_hash)
        return self._voices[actor_id]

    @property
    def face_engine(self):
        if self._face_engine is None:
            from filmmaker.backends.face import open_face_engine

            self._face_engine = open_face_engine()
        return self._face_engine

    def actor_faces(self, jobs) -> dict:
        for job in jobs:
            if job.actor not in self._faces:
                self._faces[job.actor] = self.face_engine.load_actor_face(job.face, job.actor)
        return self._faces

    def model(self, name: str, load):
        """A heavy model (image or motion pipeline, MusicGen), loaded once per process."""
        if name not in self._models:
            self._models[name] = load()
            self.loads[name] = self.loads.get(name, 0) + 1
        return self._models[name]

    def timing(self, key: str):
        """The film's timing, as the timing node stored it."""
        if key not in self._timings:
            from filmmaker.graph.timing import read_timing

            self._timings[key] = read_timing(self.cache.path("timing", key, ".json"))
        return self._timings[key]

    def record(self, kind: str, key: str) -> dict:
        return self.cache.record(kind, key)
