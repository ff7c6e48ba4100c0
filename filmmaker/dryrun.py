"""What a build would do, shot by shot, and why, without making anything."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field

from filmmaker.build import prepare
from filmmaker.graph.line import line_node
from filmmaker.graph.manifest import changed, read_manifest, shot_inputs
from filmmaker.plan import WORDS_PER_SECOND, Plan, time_film
from filmmaker.render.levels import RATE

# Seconds of work when no earlier build of the project says better (measured on 2 cores, 720p).
DEFAULT_COSTS = {"line": 0.35, "segment": 0.012, "picture": 0.2}


@dataclass
class ShotPlan:
    shot: str
    picture: str
    camera: str
    seconds: float
    exact: bool  # False: a line is not spoken yet, so the length is estimated
    speakers: list[str]
    cues: list[str]
    build: list[str] = field(default_factory=list)  # what will be made: lines, picture, segment
    reasons: list[str] = field(default_factory=list)  # why, against the last build
    found: dict | None = None  # a `find:` shot: what the library offered (filmmaker.library.find)

    @property
    def cached(self) -> bool:
        return not self.build


@dataclass
class FilmPlan:
    shots: list[ShotPlan]
    seconds: float
    lines_to_build: int
    segments_to_build: int
    estimate_seconds: float  # of work, from the last build's pace
    # cache entries this plan needs (as far as a plan can tell) and those its last build used
    references: set[tuple[str, str]] = field(default_factory=set, repr=False)
    graph: object = field(default=None, repr=False)  # the film's Graph, for `plan --graph`

    def to_json(self) -> dict:
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)
                  if f.name not in ("references", "graph", "shots")}
        return {**fields, "shots": [{**asdict(s), "cached": s.cached} for s in self.shots]}


def dry_run(plan: Plan, base_cast: dict[str, str] | None = None) -> FilmPlan:
    """`base_cast`: the screenplay's own cast, when `plan` recasts it: a cast never built before
    is compared with the film as last built with that one."""
    work, film = prepare(plan)
    graph, cache = film.graph, work.cache
    manifest = read_manifest(work) or (read_manifest(work, base_cast) if base_cast else {})
    costs = {**DEFAULT_COSTS, **manifest.get("costs", {})}
    seconds, spoken = {}, {}
    for ps in plan.shots:
        for pl in ps.lines:
            # identical lines (same words, voice and direction) share one node, named after the first
            key = line_node(pl, work.resolved.voices[pl.actor.id]).key
            spoken[pl.id] = cache.has("line", key, ".f32")
            if spoken[pl.id]:
                seconds[pl.id] = cache.record("line", key)["samples"] / RATE
            else:
                seconds[pl.id] = len(pl.line.text.split()) / WORDS_PER_SECOND / pl.actor.voice.rate
    timing = time_film(plan, seconds, work.resolved.footage_seconds(plan))

    def missing(kind: str, name: str) -> bool:
        node = graph.get(kind, name)
        return node is not None and not cache.has(kind, node.key, node.ext)

    shots, estimate = [], 0.0
    for ps in plan.shots:
        picture = ps.shot.picture
        exact = all(spoken[pl.id] for pl in ps.lines)
        work_list = []
        unspoken = sum(not spoken[pl.id] for pl in ps.lines)
        if unspoken:
            work_list.append(f"{unspoken} line(s)")
            estimate += unspoken * costs["line"]
        if missing("picture", ps.id):
            work_list.append("generated picture" if missing("image", ps.id) else "picture")
            estimate += costs["picture"]
        if missing("motion", ps.id):
            work_list.append("generated motion")
        if not exact or missing("segment", ps.id):
            work_list.append("segment")
            estimate += timing.frames[ps.index] * costs["segment"]
        reasons = []
        if work_list and not manifest:
            reasons = ["not built before"]
        elif work_list:
            reasons = changed(shot_inputs(work, graph, ps, timing), manifest["shots"].get(ps.id))
        if work_list and not reasons:
            reasons = ["not in the cache"]  # same inputs as the last build: its files were removed
        shots.append(ShotPlan(ps.id, f"{picture.kind}: {picture.source}", ps.shot.camera,
                              round(timing.seconds(timing.frames[ps.index]), 3), exact,
                              [*dict.fromkeys(pl.line.speaker for pl in ps.lines)],
                              [_cue_label(pc.cue) for pc in plan.cue_of(ps.index)], work_list, reasons,
                              _found(plan, picture.found)))
    own = read_manifest(work)  # what the last build with this very cast used
    references = cache.touched | graph.references() | {tuple(entry) for entry in own.get("entries", [])}
    return FilmPlan(shots, round(timing.total_seconds, 3), sum(not ok for ok in spoken.values()),
                    sum("segment" in s.build for s in shots), round(estimate, 1), references, graph)


def _found(plan: Plan, found) -> dict | None:
    if found is None:
        return None
    from filmmaker.library.find import written_path

    def said(candidate) -> dict:
        return {"file": written_path(plan.screenplay.root, candidate.path), "in": candidate.start,
                "out": candidate.end, "score": candidate.score, "licence": candidate.licence}

    return {"find": found.find.text, "chosen": said(found.chosen) if found.chosen else None,
            "others": [said(c) for c in found.others]}


def _cue_label(cue) -> str:
    if cue.song is not None:
        return f"song ({cue.song.engine})"
    return cue.mood or cue.file.name if cue.mood or cue.file else "generated"
