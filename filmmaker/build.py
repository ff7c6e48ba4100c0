"""Walk the film's artifacts in order, asking the cache first and running a backend only on a miss.

Stages: resolve (engines, tracks, footage) -> keys -> line audio -> timing -> pictures ->
segments -> cue audio + mix -> final cut -> output files. Every artifact's key is computable from
inputs alone (a segment's key names its lines' keys, not their audio), so a no-op rebuild reads
a few small records and touches no media.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from filmmaker.backends.face import FACE_ENGINE_VERSION
from filmmaker.cache import Cache, FileHashes, atomic_path, content_key, write_if_changed
from filmmaker.direction import DIRECTIONS, parse_parenthetical
from filmmaker.editorial import Editorial, ExportOptions
from filmmaker.errors import Problem, RenderError, ResolveError, ScreenplayError
from filmmaker.facecast import face_jobs
from filmmaker.facecast import key_fields as face_key_fields
from filmmaker.imagery import generation, shot_seed
from filmmaker.inputs import write_manifest
from filmmaker.plan import Plan, PlannedShot, Timing, shot_problem, time_film
from filmmaker.render.encoding import Encoding
from filmmaker.score import Score
from filmmaker.screenplay.model import ANCHORS

# Bump a stage's version when its code changes the bytes it makes: old entries stop matching.
# (Cue, generated music and audio-measurement versions live beside their code in score.py.)
VERSIONS = {"line": 6, "image": 1, "motion": 1, "mixaudio": 1, "picture": 1, "segment": 1, "mix": 5, "cut": 3, "probe": 1}
RATE = 48_000


class Reporter(Protocol):
    """Where progress goes: the CLI draws bars, tests and libraries stay quiet."""

    def stage(self, name: str, total: int) -> None: ...
    def advance(self, name: str) -> None: ...


class QuietReporter:
    def stage(self, name: str, total: int) -> None:
        pass

    def advance(self, name: str) -> None:
        pass


@dataclass
class BuildReport:
    film: Path | None = None
    subtitles: Path | None = None
    seconds: float = 0.0  # the film's length
    frames: int = 0
    built: dict[str, list[str]] = field(default_factory=dict)
    reused: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    timing: Timing | None = None
    stage_seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage
    exports: dict[str, Path] = field(default_factory=dict)  # format -> file (EDL, OTIO, XML, SRT, VTT)
    stems: dict[str, Path] = field(default_factory=dict)  # dialogue, music (, effects) -> WAV
    cue_sheet: Path | None = None
    # shot -> role -> (distance to the actor, distance to the stand-in, fraction of frames found)
    identity: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def count(self, kind: str) -> tuple[int, int]:
        return len(self.built.get(kind, [])), len(self.reused.get(kind, []))


@dataclass(frozen=True)
class Segment:
    """One encoded piece of the cut: a shot's body, or a dissolve between two shots."""

    name: str  # shot id, or "a>b" for a dissolve
    key: str
    first_frame: int  # in the film
    frames: int


class FilmBuilder:
    def __init__(self, plan: Plan, reporter: Reporter | None = None):
        self.plan = plan
        self.sp = plan.screenplay
        self.reporter = reporter or QuietReporter()
        self.state_dir = self.sp.root / ".filmmaker"
        self.cache = Cache(self.state_dir / "cache")
        self.file_hash = FileHashes(self.state_dir / "file-hashes.json")
        self.enc = Encoding(plan.format.width, plan.format.height, plan.format.fps,
                            preset="ultrafast" if plan.preview else "veryfast")
        self.report = BuildReport()
        self._engines: dict[str, Any] = {}
        self.music = Score(plan, self.cache, self.file_hash)
        self._faces: dict[str, Any] = {}  # actor id -> prepared face (identity source)
        self._face_engine = None
        self._image_model = None  # the diffusers model `prompt` shots are generated with, if any
        self._motion_model = None  # and the image-to-video one for `motion: generate` pictures

    # -- bookkeeping ---------------------------------------------------------------------------

    def _note(self, kind: str, name: str, built: bool) -> None:
        (self.report.built if built else self.report.reused).setdefault(kind, []).append(name)

    # -- resolve: everything that can be missing fails here, before any work -------------------

    def resolve(self) -> None:
        from filmmaker.backends.voice import open_voice

        for ps in self.plan.shots:
            for pl in ps.lines:
                if pl.actor.id not in self._engines:
                    try:
                        self._engines[pl.actor.id] = open_voice(pl.actor.voice, self.file_hash)
                    except ResolveError as exc:
                        raise ResolveError(f"actor {pl.actor.id!r}: {exc}") from None
        problems = []
        for ps in self.plan.shots:
            for job in face_jobs(self.plan, ps):
                if job.face is None:
                    problems.append(shot_problem(self.plan, ps, "faces", f"{job.role}: actor {job.actor!r} has "
                                                 "no `face` photo to swap in; add one under actors"))
                else:
                    self._check_face(job)
            if ps.shot.faces and ps.shot.picture.kind == "prompt" and not self.sp.imagery.model:
                self.report.warnings.append(f"shot {ps.id!r}: faces are swapped onto generated pictures; "
                                            "a storyboard panel has none, so the swap waits for an image model")
        if self.sp.imagery.model and any(ps.shot.picture.kind == "prompt" for ps in self.plan.shots):
            from filmmaker.backends.imagery import describe_model, locate_model

            try:
                folder = locate_model(self.sp.imagery.model, self.sp.imagery.model_path)
                self._image_model = describe_model(folder, self.file_hash)
            except ResolveError as exc:
                line, col = self.sp.imagery.pos.get("model", (1, 1))
                problems.append(Problem(self.sp.path, line, col, "imagery.model", str(exc)))
        problems.extend(self._resolve_motion())
        problems.extend(self.music.resolve())
        for ps in self.plan.shots:
            picture = ps.shot.picture
            if picture.kind == "footage":
                try:
                    info = self.footage_info(picture.path)
                except RenderError as exc:
                    problems.append(shot_problem(self.plan, ps, "picture", f"{exc}; give a video file "
                                                 "ffmpeg can read (MP4, MOV, MKV, WebM)"))
                    continue
                if picture.start >= info["duration"]:
                    problems.append(shot_problem(self.plan, ps, "picture", f"in-point {picture.start:g} s is past "
                                                 f"the end of {picture.source} ({info['duration']:.2f} s)"))
        if problems:
            raise ScreenplayError(problems)

    def _resolve_motion(self) -> list[Problem]:
        """The image-to-video model, when a picture asks to move; without one, the camera moves it."""
        from filmmaker.backends.imagery import describe_model, locate_model

        animated = [ps for ps in self.plan.shots if ps.shot.picture.motion == "generate"]
        imagery = self.sp.imagery
        if animated and not imagery.motion_model:
            self.report.warnings.extend(f"shot {ps.id!r}: `motion: generate` needs an `imagery.motion_model`; "
                                        "the camera move is used instead" for ps in animated)
        elif animated:
            try:
                folder = locate_model(imagery.motion_model, imagery.motion_model_path)
                self._motion_model = describe_model(folder, self.file_hash, motion=True)
            except ResolveError as exc:
                line, col = imagery.pos.get("motion_model", (1, 1))
                return [Problem(self.sp.path, line, col, "imagery.motion_model", str(exc))]
        return []

    def animates(self, ps: PlannedShot) -> bool:
        return ps.shot.picture.motion == "generate" and self._motion_model is not None

    def motion_key(self, ps: PlannedShot, picture_key: str) -> str:
        imagery = self.sp.imagery
        return content_key({"kind": "motion", "v": VERSIONS["motion"], "model": self._motion_model.identity,
                            "picture": picture_key, "frames": imagery.motion_frames, "steps": imagery.motion_steps,
                            "fps": imagery.motion_fps, "size": imagery.motion_size, "device": imagery.device,
                            "seed": shot_seed(imagery.seed, f"{ps.id}/motion")})

    def make_motion(self, picture_keys: dict[int, str]) -> None:
        """Animate the pictures that ask for it: one pipeline load, then a clip per shot."""
        import numpy as np

        from filmmaker.backends.imagery import open_motion_pipeline
        from filmmaker.render.picture import load_still

        todo = [ps for ps in self.plan.shots if self.animates(ps)
                and not self.cache.has("motion", self.motion_key(ps, picture_keys[ps.index]), ".npz")]
        if not todo:
            return
        imagery = self.sp.imagery
        self.reporter.stage("motion", len(todo))
        pipeline = open_motion_pipeline(self._motion_model, imagery.device)
        for ps in todo:
            key = self.motion_key(ps, picture_keys[ps.index])
            still = load_still(self.cache.path("picture", picture_keys[ps.index], ".png"))
            frames = pipeline.animate(still, imagery.motion_frames, imagery.motion_steps, imagery.motion_fps,
                                      imagery.motion_size, shot_seed(imagery.seed, f"{ps.id}/motion"))
            with self.cache.put("motion", key, ".npz", {"frames": len(frames)}) as tmp:
                with open(tmp, "wb") as fh:  # a file object: numpy would add its own suffix to a name
                    np.savez_compressed(fh, frames=np.stack(frames))
            self._note("motion", ps.id, built=True)
            self.reporter.advance("motion")

    def _check_face(self, job) -> None:
        """A photo found usable once is not examined again (a no-op rebuild loads no face model)."""
        key = content_key({"kind": "face", "v": FACE_ENGINE_VERSION, "sha256": self.file_hash(job.face)})
        if not self.cache.has("face", key, ".json"):
            self._actor_faces([job])  # raises, naming actor and file, when the photo will not do
            with self.cache.put("face", key, ".json") as tmp:
                tmp.write_text(json.dumps({"face": str(job.face), "usable": True}))

    def _actor_faces(self, jobs) -> dict:
        for job in jobs:
            if job.actor not in self._faces:
                self._faces[job.actor] = self.face_engine.load_actor_face(job.face, job.actor)
        return self._faces

    @property
    def face_engine(self):
        if self._face_engine is None:
            from filmmaker.backends.face import open_face_engine

            self._face_engine = open_face_engine()
        return self._face_engine

    def footage_info(self, path: Path) -> dict:
        key = content_key({"kind": "probe", "v": VERSIONS["probe"], "sha256": self.file_hash(path)})
        cached = self.cache.get("probe", key, ".json")
        if cached:
            return json.loads(cached.read_text())
        from filmmaker.render.ffmpeg import probe

        info = probe(path).__dict__
        with self.cache.put("probe", key, ".json") as tmp:
            tmp.write_text(json.dumps(info))
        return info

    def footage_seconds(self) -> dict[int, float]:
        """Usable length of each footage shot (out - in), for `duration: auto` without lines."""
        out = {}
        for ps in self.plan.shots:
            picture = ps.shot.picture
            if picture.kind == "footage":
                end = picture.end if picture.end is not None else self.footage_info(picture.path)["duration"]
                out[ps.index] = max(0.04, end - picture.start)
        return out

    # -- keys ------------------------------------------------------------------------------------

    def engine_identity(self, actor_id: str) -> str:
        """The voice engine and model an actor speaks with, as its cache keys know it."""
        return self._engines[actor_id].identity()

    def line_key(self, pl) -> str:
        engine = self._engines[pl.actor.id]
        spec = pl.actor.voice
        direction, _ = parse_parenthetical(pl.line.parenthetical)
        return content_key({"kind": "line", "v": VERSIONS["line"], "text": pl.line.text,
                            "engine": engine.identity(), "pitch": spec.pitch, "rate": spec.rate,
                            "timbre": spec.timbre, "direction": dataclasses.asdict(direction)})

    def picture_key(self, ps: PlannedShot) -> str:
        picture = ps.shot.picture
        fields: dict[str, Any] = {"kind": "picture", "v": VERSIONS["picture"], "picture": picture.kind,
                                  "w": self.enc.width, "h": self.enc.height}
        if picture.kind in ("still", "footage"):
            fields["sha256"] = self.file_hash(picture.path)
            fields.update(start=picture.start, keep_audio=picture.keep_audio)
        if picture.kind == "still" and ps.shot.faces:
            fields["faces"] = face_key_fields(face_jobs(self.plan, ps), self.file_hash)
        elif picture.kind == "card":
            fields.update(text=picture.source, background=picture.background, color=picture.color)
        elif self.generates(ps):
            fields.update(image=self.image_key(ps), fit=self.sp.imagery.fit,
                          faces=face_key_fields(face_jobs(self.plan, ps), self.file_hash))
        else:
            fields.update(prompt=picture.source, heading=ps.scene.heading, shot=ps.id,
                          speakers=self._speakers(ps))
        return content_key(fields)

    def generates(self, ps: PlannedShot) -> bool:
        """Whether the shot's picture comes from the image model (else it is drawn or loaded)."""
        return ps.shot.picture.kind == "prompt" and self._image_model is not None

    def image_key(self, ps: PlannedShot) -> str:
        """A generated picture's key: everything that changes its pixels, the model by its files."""
        imagery = self.sp.imagery
        return content_key({"kind": "image", "v": VERSIONS["image"], "model": self._image_model.identity,
                            **dataclasses.asdict(generation(self.plan, ps, imagery)),
                            "size": imagery.size or "native", "device": imagery.device})

    @staticmethod
    def _speakers(ps: PlannedShot) -> list[str]:
        return list(dict.fromkeys(pl.line.speaker for pl in ps.lines))

    # -- the build ---------------------------------------------------------------------------------

    def build(self, outdir: Path, export: ExportOptions | None = None) -> BuildReport:
        export = export or ExportOptions()
        clock = _StageClock(self.report.stage_seconds)
        self.report.warnings.extend(unknown_directions(self.plan))
        with clock("resolve"):
            self.resolve()
            line_keys = {pl.id: self.line_key(pl) for ps in self.plan.shots for pl in ps.lines}
        with clock("voices"):
            line_samples = self.make_lines(line_keys)
        line_seconds = {lid: n / RATE for lid, n in line_samples.items()}
        footage_seconds = self.footage_seconds()
        timing = time_film(self.plan, line_seconds, footage_seconds)
        self.report.timing = timing
        for index, usable in footage_seconds.items():
            shown = timing.seconds(timing.frames[index])
            if shown > usable + 0.05:
                self.report.warnings.append(
                    f"shot {self.plan.shots[index].id!r}: the footage has {usable:.2f} s after its in-point "
                    f"but the shot runs {shown:.2f} s; its last frame is held for the rest")
        picture_keys = {ps.index: self.picture_key(ps) for ps in self.plan.shots}
        segments = self.segments(timing, picture_keys, line_keys)
        # the edit as a Timeline: the join reads its lengths from it, every export writes it
        editorial = Editorial(self, timing, line_seconds, segments, picture_keys, line_keys, export.timecode_start)
        mix_key = self.mix_key(timing, line_keys, line_samples)
        cut_key = content_key({"kind": "cut", "v": VERSIONS["cut"], "segments": [s.key for s in segments],
                               "mix": mix_key, "fps": str(self.enc.fps)})
        if not (export.film and self.in_place("cut", cut_key, outdir / f"{self.sp.slug}.mp4")) and \
                not self.cache.has("cut", cut_key, ".mp4"):
            with clock("mix"):
                self.make_mix(timing, mix_key, line_keys, line_samples)
            # the mix's AAC encode (a second of one core) runs beside the pictures and segments,
            # whose encoders leave a core part idle, instead of after them in the join
            # (`export` writes no film: it needs the segments for media/, not the join)
            with _Background(self.encode_mix_audio if export.film else None, mix_key) as mix_audio:
                with clock("pictures"):
                    self.make_pictures(timing, picture_keys)
                with clock("segments"):
                    self.make_segments(timing, segments, picture_keys, line_keys)
            if export.film:
                with clock("join"):
                    self.make_cut(cut_key, segments, mix_audio.result, editorial.timeline)
        else:
            self._note("cut", "cut", built=False)
        self.collect_identity(segments, picture_keys)
        self.report.warnings.extend(self.image_warnings())
        with clock("write"):
            if export.film:
                self.write_outputs(outdir, cut_key, timing, line_seconds)
            self.write_score_outputs(outdir, timing, mix_key, line_keys, line_samples)
        with clock("export"):  # after the stems, which the timeline links when they are there
            self.report.exports = editorial.write(outdir, export.formats, export.strict)
            self.report.subtitles = self.report.exports.get("srt")
        with clock("write"):
            self.file_hash.save()
            write_manifest(self, timing)
        self.report.warnings.extend(f"cache: {damage}" for damage in self.cache.corrupt)
        return self.report

    def make_lines(self, line_keys: dict[str, str]) -> dict[str, int]:
        """Speak every line not in the cache; return each line's length in samples."""
        samples: dict[str, int] = {}
        todo = []
        for ps in self.plan.shots:
            for pl in ps.lines:
                key = line_keys[pl.id]
                if self.cache.has("line", key, ".f32"):
                    samples[pl.id] = self.cache.record("line", key)["samples"]
                    self._note("line", pl.id, built=False)
                else:
                    todo.append(pl)
        self.reporter.stage("voices", len(todo))
        if todo:
            from filmmaker.voices import speak
        for pl in todo:
            direction, _ = parse_parenthetical(pl.line.parenthetical)
            audio = speak(self._engines[pl.actor.id], pl.line.text, pl.actor.voice, direction)
            with self.cache.put("line", line_keys[pl.id], ".f32", {"samples": len(audio)}) as tmp:
                audio.tofile(tmp)
            samples[pl.id] = len(audio)
            self._note("line", pl.id, built=True)
            self.reporter.advance("voices")
        return samples

    def load_line(self, key: str):
        import numpy as np

        return np.fromfile(self.cache.path("line", key, ".f32"), dtype=np.float32)

    def make_pictures(self, timing: Timing, picture_keys: dict[int, str]) -> None:
        from filmmaker.render.picture import letterbox, load_still, render_card, render_storyboard, save_png

        todo = [ps for ps in self.plan.shots if ps.shot.picture.kind != "footage"
                and not self.cache.has("picture", picture_keys[ps.index], ".png")]
        self.reporter.stage("pictures", len(todo))
        self.make_images([ps for ps in todo if self.generates(ps)])
        for ps in self.plan.shots:
            if ps not in todo:
                if ps.shot.picture.kind != "footage":
                    self._note("picture", ps.id, built=False)
                continue
            picture, w, h = ps.shot.picture, self.enc.width, self.enc.height
            meta = {}
            if picture.kind == "still":
                image = load_still(picture.path)
                if ps.shot.faces:
                    image, meta["identity"] = self._swap_faces(ps, image)
            elif picture.kind == "card":
                image = render_card(picture.source, w, h, picture.background, picture.color)
            elif self.generates(ps):
                image = load_still(self.cache.path("image", self.image_key(ps), ".png"))
                if ps.shot.faces:
                    image, meta["identity"] = self._swap_faces(ps, image)
                if self.sp.imagery.fit == "letterbox":
                    image = letterbox(image, w, h)
            else:
                image = render_storyboard(picture.source, ps.scene.heading, self._speakers(ps), ps.id, w, h)
            with self.cache.put("picture", picture_keys[ps.index], ".png", meta) as tmp:
                save_png(image, tmp)
            self._note("picture", ps.id, built=True)
            self.reporter.advance("pictures")
        self.make_motion(picture_keys)

    def _swap_faces(self, ps: PlannedShot, image):
        from filmmaker.faceswap import swap_still

        jobs = face_jobs(self.plan, ps)
        image, scores = swap_still(self.face_engine, image, jobs, self._actor_faces(jobs))
        return image, {role: [sc.to_actor, sc.to_stand_in, sc.found] for role, sc in scores.items()}

    def make_images(self, shots: list[PlannedShot]) -> None:
        """Generate the pictures of `shots` not yet in the cache: one pipeline load, batches of
        shots that share steps and guidance."""
        from filmmaker.backends.imagery import open_pipeline
        from filmmaker.render.picture import save_png

        imagery = self.sp.imagery
        wanted = {}
        for ps in shots:
            key = self.image_key(ps)
            if self.cache.has("image", key, ".png"):
                self._note("image", ps.id, built=False)
            else:
                wanted.setdefault(key, (ps, generation(self.plan, ps, imagery)))
        if not wanted:
            return
        self.reporter.stage("images", len(wanted))
        pipeline = open_pipeline(self._image_model, imagery.device)
        size = imagery.size or pipeline.native_size()
        groups: dict[tuple, list] = {}
        for key, (ps, gen) in wanted.items():
            groups.setdefault(gen.batch_settings(), []).append((key, ps, gen))
        for group in groups.values():
            for start in range(0, len(group), imagery.batch):
                batch = group[start:start + imagery.batch]
                images = pipeline.generate([gen for _, _, gen in batch], size)
                for (key, ps, gen), image in zip(batch, images):
                    meta = {"prompt": gen.prompt, "seed": gen.seed, "image_size": list(size),
                            "model": str(self._image_model.folder), "device": pipeline.device}
                    if dropped := pipeline.overflow(gen.prompt):
                        meta["warning"] = (f"shot {ps.id!r}: the prompt is {dropped} tokens longer than the text "
                                           "encoder reads; its end is cut off: shorten the prompt or the style")
                    with self.cache.put("image", key, ".png", meta) as tmp:
                        save_png(image, tmp)
                    self._note("image", ps.id, built=True)
                    self.reporter.advance("images")

    def image_warnings(self) -> list[str]:
        """Warnings recorded when each generated picture was made, repeated on every build."""
        keys = [self.image_key(ps) for ps in self.plan.shots if self.generates(ps)]
        records = [self.cache.record("image", key) for key in keys if self.cache.has("image", key, ".png")]
        return [record["warning"] for record in records if "warning" in record]

    # -- segments --------------------------------------------------------------------------------

    def _shot_fields(self, ps: PlannedShot, timing: Timing, picture_keys, line_keys) -> dict:
        return {"picture": picture_keys[ps.index], "camera": ps.shot.camera, "anchor": ps.shot.picture.anchor,
                "frames": timing.frames[ps.index],
                "faces": face_key_fields(face_jobs(self.plan, ps), self.file_hash),
                "lines": [[line_keys[pl.id], timing.line_starts[pl.id]] for pl in ps.lines],
                "motion": self.motion_key(ps, picture_keys[ps.index]) if self.animates(ps) else None}

    def segments(self, timing: Timing, picture_keys, line_keys) -> list[Segment]:
        """The cut's pieces in order: each shot's body, with a dissolve piece where one is asked for."""
        out: list[Segment] = []
        base = {"kind": "segment", "v": VERSIONS["segment"], "w": self.enc.width, "h": self.enc.height,
                "fps": str(self.enc.fps), "preset": self.enc.preset, "crf": self.enc.crf}
        for ps in self.plan.shots:
            i = ps.index
            if timing.fade_in[i]:
                prev = self.plan.shots[i - 1]
                take_a, take_b = timing.dissolve_split(i)
                key = content_key({**base, "dissolve": [take_a, take_b],
                                   "a": self._shot_fields(prev, timing, picture_keys, line_keys),
                                   "b": self._shot_fields(ps, timing, picture_keys, line_keys)})
                out.append(Segment(f"{prev.id}>{ps.id}", key, timing.starts[i] - take_a, take_a + take_b))
            first, end = timing.body(i)
            key = content_key({**base, "body": [first, end],
                               **self._shot_fields(ps, timing, picture_keys, line_keys)})
            out.append(Segment(ps.id, key, timing.starts[i] + first, end - first))
        return out

    def _frames_of(self, ps: PlannedShot, timing: Timing, picture_keys):
        from filmmaker.render.picture import load_still
        from filmmaker.render.shot import ShotFrames

        picture = ps.shot.picture
        anchor = ANCHORS[picture.anchor]
        if picture.kind == "footage":
            swapper = None
            if ps.shot.faces:
                from filmmaker.faceswap import ShotSwapper

                jobs = face_jobs(self.plan, ps)
                swapper = ShotSwapper(self.face_engine, jobs, self._actor_faces(jobs), float(self.enc.fps),
                                      timing.frames[ps.index])
            return ShotFrames(self.enc, timing.frames[ps.index], ps.shot.camera, footage=picture.path,
                              footage_start=picture.start, anchor=anchor, frame_filter=swapper)
        if self.animates(ps):
            import numpy as np

            with np.load(self.cache.path("motion", self.motion_key(ps, picture_keys[ps.index]), ".npz")) as clip:
                frames = list(clip["frames"])
            return ShotFrames(self.enc, timing.frames[ps.index], ps.shot.camera, clip=frames, anchor=anchor)
        image = load_still(self.cache.path("picture", picture_keys[ps.index], ".png"))
        return ShotFrames(self.enc, timing.frames[ps.index], ps.shot.camera, image=image, anchor=anchor)

    def _shot_dialogue(self, ps: PlannedShot, timing: Timing, line_keys, first: int, count: int):
        """The shot's lines as mono audio over its local frames [first, first + count)."""
        import numpy as np

        from filmmaker.render.audio import place

        begin, end = self._sample(first, timing), self._sample(first + count, timing)
        track = np.zeros(end - begin, np.float32)
        for pl in ps.lines:
            place(track, self.load_line(line_keys[pl.id]), round(timing.line_starts[pl.id] * RATE) - begin)
        return track

    def _sample(self, frame: int, timing: Timing) -> int:
        return round(frame * RATE / timing.fps)

    def make_segments(self, timing: Timing, segments: list[Segment], picture_keys, line_keys) -> None:
        from filmmaker.render.shot import dissolve, encode_segment

        by_id = {ps.id: ps for ps in self.plan.shots}
        todo = [s for s in segments if not self.cache.has("segment", s.key, ".mp4")]
        self.reporter.stage("segments", sum(s.frames for s in todo))
        for seg in segments:
            if seg not in todo:
                self._note("segment", seg.name, built=False)
                continue
            if ">" in seg.name:
                a, b = (by_id[n] for n in seg.name.split(">"))
                take_a, take_b = timing.dissolve_split(b.index)
                n_a = timing.frames[a.index]
                frames = dissolve(self._frames_of(a, timing, picture_keys).read(n_a - take_a, seg.frames),
                                  self._frames_of(b, timing, picture_keys).read(-take_a, seg.frames), seg.frames)
                audio = (self._shot_dialogue(a, timing, line_keys, n_a - take_a, seg.frames)
                         + self._shot_dialogue(b, timing, line_keys, -take_a, seg.frames))
            else:
                ps = by_id[seg.name]
                first, _ = timing.body(ps.index)
                source = self._frames_of(ps, timing, picture_keys)
                frames = source.read(first, seg.frames)
                audio = self._shot_dialogue(ps, timing, line_keys, first, seg.frames)
            meta = {"frames": seg.frames}
            with self.cache.put("segment", seg.key, ".mp4", meta) as tmp:
                encode_segment(self._counting(frames), seg.frames, audio, self.enc, tmp)
                if ">" not in seg.name and source.frame_filter is not None:
                    meta["identity"] = {role: [sc.to_actor, sc.to_stand_in, sc.found]
                                        for role, sc in source.frame_filter.scores().items()}
            self._note("segment", seg.name, built=True)

    def collect_identity(self, segments: list[Segment], picture_keys) -> None:
        """The identity check of every swapped shot, from the records its artifacts were stored with."""
        body = {seg.name: seg for seg in segments if ">" not in seg.name}
        for ps in self.plan.shots:
            if not ps.shot.faces or not (ps.shot.picture.kind in ("still", "footage") or self.generates(ps)):
                continue
            if ps.shot.picture.kind != "footage":
                record = self.cache.record("picture", picture_keys[ps.index])
            else:
                record = self.cache.record("segment", body[ps.id].key)
            scores = record.get("identity", {})
            self.report.identity[ps.id] = scores
            for role, (to_actor, to_stand_in, found) in scores.items():
                if found == 0:
                    self.report.warnings.append(f"shot {ps.id!r}: no face found for {role}; the shot is "
                                                "rendered un-swapped")
                elif not to_actor < to_stand_in:
                    self.report.warnings.append(
                        f"shot {ps.id!r}: {role}'s swapped face looks more like the stand-in ({to_stand_in:.2f}) "
                        f"than the actor ({to_actor:.2f}); try a larger, more frontal stand-in or actor photo")

    def _counting(self, frames):
        for frame in frames:
            self.reporter.advance("segments")
            yield frame

    # -- sound -----------------------------------------------------------------------------------

    def mix_key(self, timing: Timing, line_keys, line_samples) -> str:
        placements = [[line_keys[pl.id], self._line_start(ps, pl, timing)]
                      for ps in self.plan.shots for pl in ps.lines]
        cues = [[self.music.cue_key(pc, timing, span), span.start]
                for pc, span in zip(self.plan.cues, self.music.spans(timing))]
        effects = [[self.picture_key(ps), self._sample(timing.starts[ps.index], timing), timing.frames[ps.index]]
                   for ps in self.plan.shots if ps.shot.picture.keep_audio]
        return content_key({"kind": "mix", "v": VERSIONS["mix"], "lines": placements, "cues": cues,
                            "effects": effects, "samples": self._sample(timing.total_frames, timing),
                            "settings": dataclasses.asdict(self.sp.mix)})

    def _line_start(self, ps, pl, timing: Timing) -> int:
        return self._sample(timing.starts[ps.index], timing) + round(timing.line_starts[pl.id] * RATE)

    def _stem_keys(self, mix_key: str) -> dict[str, str]:
        names = ["dialogue", "music"] + (["effects"] if any(ps.shot.picture.keep_audio for ps in self.plan.shots)
                                         else [])
        return {name: content_key({"kind": "stem", "mix": mix_key, "stem": name}) for name in names}

    def make_mix(self, timing: Timing, mix_key: str, line_keys, line_samples) -> None:
        """The program mix (cached as raw float32 for the mux) and its stems (cached as WAV)."""
        stems = self._stem_keys(mix_key)
        if self.cache.has("mix", mix_key, ".f32") and all(self.cache.has("stem", k, ".wav") for k in stems.values()):
            self._note("mix", "mix", built=False)
            return
        import numpy as np  # only now: a no-op rebuild loads no numerics
        import soundfile

        from filmmaker.render.audio import place
        from filmmaker.render.ffmpeg import decode_audio
        from filmmaker.render.mix import MixInput, mix_with_stems

        self.reporter.stage("mix", 1)
        total = self._sample(timing.total_frames, timing)
        dialogue = np.zeros(total, np.float32)
        speaking = np.zeros(total, bool)
        for ps in self.plan.shots:
            for pl in ps.lines:
                start = self._line_start(ps, pl, timing)
                place(dialogue, self.load_line(line_keys[pl.id]), start)
                speaking[start:start + line_samples[pl.id]] = True
        music = np.zeros((total, 2), np.float32)
        for pc, span in zip(self.plan.cues, self.music.spans(timing)):
            audio, built = self.music.make_cue(pc, timing, span)
            self._note("cue", f"score[{pc.index}]", built=built)
            place(music, audio, span.start)
        effects = np.zeros((total, 2), np.float32)
        for ps in self.plan.shots:
            picture = ps.shot.picture
            if picture.keep_audio and self.footage_info(picture.path)["has_audio"]:
                seconds = timing.seconds(timing.frames[ps.index])
                place(effects, decode_audio(picture.path, start=picture.start, duration=seconds),
                      self._sample(timing.starts[ps.index], timing))
        settings = self.sp.mix
        mixed = mix_with_stems(MixInput(dialogue, speaking, music, effects), settings.duck, settings.target_lufs,
                               settings.attack, settings.release)
        for name, key in stems.items():
            with self.cache.put("stem", key, ".wav") as tmp:
                # 32-bit float: before the program's limiter a stem's peaks may pass full scale
                soundfile.write(tmp, getattr(mixed, name), RATE, subtype="FLOAT", format="WAV")
        with self.cache.put("mix", mix_key, ".f32", {"gain_db": mixed.gain_db}) as tmp:
            mixed.program.astype(np.float32).tofile(tmp)
        self._note("mix", "mix", built=True)
        self.reporter.advance("mix")

    def write_score_outputs(self, outdir: Path, timing: Timing, mix_key: str, line_keys, line_samples) -> None:
        """stems/<name>.wav (the film's length, from its first frame) and cuesheet.csv beside the film."""
        stems = self._stem_keys(mix_key)
        targets = {name: outdir / "stems" / f"{name}.wav" for name in stems}
        pending = [name for name in stems if not self.in_place("stem", stems[name], targets[name])]
        if not all(self.cache.has("stem", stems[name], ".wav") for name in pending):
            self.make_mix(timing, mix_key, line_keys, line_samples)  # the cache lost a stem: remake them
        for name in pending:
            with atomic_path(targets[name]) as tmp:
                shutil.copyfile(self.cache.path("stem", stems[name], ".wav"), tmp)
        sheet = outdir / "cuesheet.csv"
        text = self.music.cue_sheet(timing).encode("utf-8")
        write_if_changed(sheet, text)
        self.report.stems = targets
        self.report.cue_sheet = sheet

    # -- the cut ---------------------------------------------------------------------------------

    def encode_mix_audio(self, mix_key: str) -> Path:
        """The program mix as AAC in an M4A, cached; the join copies it in."""
        from filmmaker.render.ffmpeg import AAC, run_ffmpeg

        key = content_key({"kind": "mixaudio", "v": VERSIONS["mixaudio"], "mix": mix_key, "codec": AAC})
        if not self.cache.has("mixaudio", key, ".m4a"):
            with self.cache.put("mixaudio", key, ".m4a") as tmp:
                mix = self.cache.path("mix", mix_key, ".f32")
                run_ffmpeg(["-f", "f32le", "-ar", str(RATE), "-ac", "2", "-i", str(mix), *AAC,
                            "-fflags", "+bitexact", "-f", "mp4", str(tmp)], "encoding the mix")
        return self.cache.path("mixaudio", key, ".m4a")

    def make_cut(self, cut_key: str, segments: list[Segment], mix_audio: Path, timeline) -> None:
        from filmmaker.render.ffmpeg import concat_listing, run_ffmpeg
        from filmmaker.timeline import cut_pieces

        self.reporter.stage("join", 1)
        encoded = {seg.name: seg for seg in segments}
        pieces = cut_pieces(timeline)  # the join holds each piece for the timeline's length of it
        if [(name, encoded[name].frames if name in encoded else None) for name, _ in pieces] != pieces:
            raise RenderError(f"the segments {[(s.name, s.frames) for s in segments]} disagree with the "
                              f"timeline {pieces}; this is a bug in filmmaker")
        with self.cache.put("cut", cut_key, ".mp4") as tmp:
            listing = tmp.with_suffix(".txt")
            listing.write_text(concat_listing([(self.cache.path("segment", encoded[name].key, ".mp4"), frames)
                                               for name, frames in pieces], self.enc.fps))
            try:
                run_ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-i", str(mix_audio),
                            "-map", "0:v", "-map", "1:a", "-c", "copy",
                            "-movflags", "+faststart", "-fflags", "+bitexact", "-f", "mp4", str(tmp)],
                           "joining the segments and muxing the mix")
            finally:
                listing.unlink(missing_ok=True)
        self._note("cut", "cut", built=True)
        self.reporter.advance("join")

    def in_place(self, kind: str, key: str, target: Path) -> bool:
        """Whether `target` already holds the entry's bytes (by its record's hash): then the cache
        copy is neither read nor needed, and a rebuild that changes nothing hashes no media."""
        try:
            wanted = self.cache.record(kind, key)["sha256"]
        except (OSError, ValueError, KeyError):
            return False
        if target.is_file() and self.file_hash(target) == wanted:
            self.cache.reference(kind, key)
            return True
        return False

    def write_outputs(self, outdir: Path, cut_key: str, timing: Timing, line_seconds) -> None:
        outdir.mkdir(parents=True, exist_ok=True)
        film = outdir / f"{self.sp.slug}.mp4"
        if not self.in_place("cut", cut_key, film):
            with atomic_path(film) as tmp:
                shutil.copyfile(self.cache.path("cut", cut_key, ".mp4"), tmp)
        self.report.film = film
        self.report.frames, self.report.seconds = timing.total_frames, timing.total_seconds


def unknown_directions(plan: Plan) -> list[str]:
    """One warning per parenthetical word that changes nothing but the subtitles."""
    seen: dict[str, str] = {}
    for ps in plan.shots:
        for pl in ps.lines:
            for word in parse_parenthetical(pl.line.parenthetical)[1]:
                seen.setdefault(word, ps.id)
    known = ", ".join(DIRECTIONS)
    return [f"parenthetical {word!r} (first in shot {shot!r}) is not a direction filmmaker performs; it stays "
            f"in the subtitles only (performed: {known})" for word, shot in seen.items()]


class _Background:
    """`fn(*args)` on a thread for the length of a `with` block (None: no work); `.result` after it
    (its error, if it failed, is raised when the block ends)."""

    def __init__(self, fn, *args):
        import threading

        self.result, self._error = None, None
        self._thread = threading.Thread(target=self._run, args=(fn, args), daemon=True)

    def _run(self, fn, args) -> None:
        if fn is None:  # nothing to do on the side
            return
        try:
            self.result = fn(*args)
        except BaseException as exc:  # handed to the builder's thread, which raises it
            self._error = exc

    def __enter__(self) -> _Background:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._thread.join()
        if self._error is not None and exc_info[0] is None:
            raise self._error


class _StageClock:
    def __init__(self, into: dict[str, float]):
        self.into = into

    @contextlib.contextmanager
    def __call__(self, stage: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.into[stage] = self.into.get(stage, 0.0) + time.perf_counter() - started


def build_film(plan: Plan, outdir: Path, reporter: Reporter | None = None,
               export: ExportOptions | None = None) -> BuildReport:
    return FilmBuilder(plan, reporter).build(outdir, export)
