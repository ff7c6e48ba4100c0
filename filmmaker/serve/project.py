"""The film as the page sees it: the screenplay loaded (or its problems, the last good state kept),
its plan shot by shot, the cuts built so far, and every file the page may fetch, offered by id."""

from __future__ import annotations

import csv
import hashlib
import threading
from pathlib import Path

from filmmaker.errors import FilmmakerError, ScreenplayError
from filmmaker.serve.artifacts import Artifacts
from filmmaker.serve.media import chapters_vtt, thumbnail

DOWNLOADS = (("Film (MP4)", "{slug}.mp4"), ("Subtitles (SRT)", "{slug}.srt"), ("Subtitles (WebVTT)", "{slug}.vtt"),
             ("Edit (EDL)", "{slug}.edl"), ("Edit (OTIO)", "{slug}.otio"), ("Edit (FCP XML)", "{slug}.xml"),
             ("Credits", "credits.txt"), ("Cue sheet", "cuesheet.csv"), ("Media list", "media.csv"))


class Project:
    def __init__(self, screenplay: Path, preview: bool = False):
        self.path = screenplay.absolute()
        self.preview = preview  # builds at half size, the fastest encoder
        self.root = self.path.parent
        self.outdir = self.root / "out"
        self.state_dir = self.root / ".filmmaker"
        self.serve_dir = self.state_dir / "serve"
        self.artifacts = Artifacts((self.outdir, self.state_dir))
        self.lock = threading.RLock()
        self.version = 0
        self.sp = None  # the last screenplay that loaded
        self.film = None  # its dry run (filmmaker.dryrun.FilmPlan)
        self.problems: list[str] = []
        self.alternate: dict | None = None  # {"cast": {...}, "outdir": Path, "label": str} while one plays
        self.audition: dict | None = None
        self.reload()

    def watched(self) -> list[Path]:
        """The files whose change changes the film's plan: the screenplay, and a script's sidecar."""
        from filmmaker.script.read import is_script

        if is_script(self.path):
            from filmmaker.script.sidecar import sidecar_path

            return [self.path, sidecar_path(self.path)]
        return [self.path]

    def reload(self) -> None:
        """Load and plan again; on a problem, keep the last good plan and say what is wrong."""
        from filmmaker.cli_common import _load
        from filmmaker.dryrun import dry_run
        from filmmaker.plan import plan_film

        try:
            sp = _load(self.path)
            film = dry_run(plan_film(sp, preview=self.preview))
        except ScreenplayError as exc:
            problems = [str(p) for p in exc.problems]
        except FilmmakerError as exc:
            problems = [str(exc)]
        else:
            problems = []
            with self.lock:
                self.sp, self.film = sp, film
        with self.lock:
            self.problems = problems
            self.version += 1

    def recast_plan(self, cast: dict[str, str]) -> dict:
        from filmmaker.dryrun import dry_run
        from filmmaker.plan import plan_film

        sp = self.checked_cast(cast)
        film = dry_run(plan_film(sp, preview=self.preview, cast=cast), base_cast=sp.cast)
        stale = [shot for shot in film.shots if not shot.cached]
        return {"cast": cast, "shots": [shot.shot for shot in stale], "estimate_seconds": film.estimate_seconds,
                "lines": film.lines_to_build, "segments": film.segments_to_build}

    def checked_cast(self, cast: dict[str, str]):
        with self.lock:
            sp = self.sp
        if sp is None:
            raise FilmmakerError("the screenplay does not load; fix its problems first")
        for role, actor in cast.items():
            if role not in sp.cast:
                raise FilmmakerError(f"no role {role!r} in the cast; roles: {', '.join(sorted(sp.cast))}")
            if actor not in sp.actors:
                raise FilmmakerError(f"no actor {actor!r}; actors: {', '.join(sorted(sp.actors))}")
        return sp

    # -- what the page shows ----------------------------------------------------------------

    def cut(self, outdir: Path, label: str, alternate: dict | None = None) -> dict:
        sp, film = self.sp, self.film
        video = self.artifacts.offer(outdir / f"{sp.slug}.mp4") if sp else None
        subtitles = self.artifacts.offer(outdir / f"{sp.slug}.vtt") if sp else None
        chapters = None
        if video and film:
            seconds = alternate["seconds"] if alternate else film.seconds
            chapters = self.artifacts.offer(chapters_vtt(self._scenes(alternate), seconds, self.serve_dir))
        return {"video": video, "subtitles": subtitles, "chapters": chapters, "label": label}

    def _starts(self, alternate: dict | None = None) -> dict[str, float]:
        """Where each shot starts in the cut playing: the main cut's plan, or an alternate's own timing."""
        if alternate and alternate.get("starts"):
            return alternate["starts"]
        starts, start = {}, 0.0
        for shot in self.film.shots:
            starts[shot.shot] = round(start, 3)
            start += shot.seconds
        return starts

    def _scenes(self, alternate: dict | None = None) -> list[dict]:
        scenes, by_shot, starts = [], self._scene_of_shot(), self._starts(alternate)
        for shot in self.film.shots:
            scene = by_shot.get(shot.shot)
            if scene is not None and (not scenes or scenes[-1]["id"] != scene.id):
                scenes.append({"id": scene.id, "heading": scene.heading, "start": round(starts[shot.shot], 3)})
        return scenes

    def _scene_of_shot(self) -> dict:
        return {shot.id: scene for scene in self.sp.scenes for shot in scene.shots}

    def state(self) -> dict:
        """Everything the page renders (GET /api/film)."""
        with self.lock:
            sp = self.sp
            if sp is None:
                return {"title": self.path.name, "version": self.version, "problems": self.problems, "shots": [],
                        "scenes": [], "roles": [], "cut": None, "main_cut": None, "downloads": [],
                        "credits": None, "cue_sheet": [], "audition": self.audition}
            main = self.cut(self.outdir, "main cut")
            alternate = self.alternate
            current = self.cut(alternate["outdir"], alternate["label"], alternate) if alternate else main
            return {
                "title": sp.title, "slug": sp.slug, "version": self.version, "problems": self.problems,
                "format": {"width": sp.format.width, "height": sp.format.height, "fps": float(sp.format.fps)},
                "cut": current, "main_cut": main, "shots": self._shots(alternate),
                "scenes": self._scenes(alternate),
                "roles": self._roles(), "downloads": self._downloads(), "credits": self._text("credits.txt"),
                "cue_sheet": self._cue_sheet(), "audition": self.audition,
            }

    def _shots(self, alternate: dict | None = None) -> list[dict]:
        from filmmaker.cache import Cache

        film = self.film
        cache = Cache(self.state_dir / "cache")
        by_shot, starts = self._scene_of_shot(), self._starts(alternate)
        out = []
        for index, shot in enumerate(film.shots):
            scene = by_shot.get(shot.shot)
            out.append({
                "id": shot.shot, "index": index, "scene": scene.id if scene else None,
                "heading": scene.heading if scene else "", "start": starts[shot.shot], "seconds": shot.seconds,
                "exact": shot.exact, "speakers": shot.speakers, "picture": shot.picture, "camera": shot.camera,
                "cues": shot.cues, "state": "cached" if shot.cached else "stale", "build": shot.build,
                "reasons": shot.reasons, "found": shot.found,
                "thumbnail": self._thumbnail(cache, shot.shot), "identity": self._identity(cache, shot.shot),
            })
        return out

    def _thumbnail(self, cache, shot_id: str) -> str | None:
        graph = self.film.graph
        for kind in ("picture", "segment"):
            node = graph.get(kind, shot_id)
            if node is not None and cache.has(kind, node.key, node.ext):
                made = thumbnail(cache.path(kind, node.key, node.ext), self.serve_dir / "thumbs")
                return self.artifacts.offer(made) if made else None
        return None

    def _identity(self, cache, shot_id: str) -> dict:
        graph = self.film.graph
        scores = {}
        for kind in ("picture", "segment"):
            node = graph.get(kind, shot_id)
            if node is not None and cache.recorded(kind, node.key):
                try:
                    scores = cache.record(kind, node.key).get("identity", {}) or scores
                except (OSError, ValueError):
                    continue
        return {role: {"to_actor": a, "to_stand_in": b, "found": f} for role, (a, b, f) in scores.items()}

    def _roles(self) -> list[dict]:
        sp = self.sp
        return [{"role": role, "actor": actor, "actors": sorted(sp.actors),
                 "shots": [shot.id for _, shot in sp.shots() if any(line.speaker == role for line in shot.lines)
                           or any(face.role == role for face in shot.faces)]}
                for role, actor in sorted(sp.cast.items())]

    def _downloads(self) -> list[dict]:
        out = []
        for label, name in DOWNLOADS:
            file = self.outdir / name.format(slug=self.sp.slug)
            artifact = self.artifacts.offer(file)
            if artifact:
                out.append({"label": label, "id": artifact, "name": file.name})
        for stem in sorted((self.outdir / "stems").glob("*.wav")):
            artifact = self.artifacts.offer(stem)
            if artifact:
                out.append({"label": f"Stem: {stem.stem}", "id": artifact, "name": stem.name})
        return out

    def _text(self, name: str) -> str | None:
        try:
            return (self.outdir / name).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def _cue_sheet(self) -> list[dict]:
        text = self._text("cuesheet.csv")
        return list(csv.DictReader(text.splitlines())) if text else []


def cast_label(cast: dict[str, str]) -> str:
    return ", ".join(f"{role}={actor}" for role, actor in sorted(cast.items()))


def cast_folder(cast: dict[str, str]) -> str:
    """A folder name for an alternate cut: readable, and unique per cast."""
    from filmmaker.screenplay.model import slugify

    digest = hashlib.sha256(cast_label(cast).encode()).hexdigest()[:8]
    return f"{slugify(cast_label(cast))[:40]}-{digest}"
