"""What a build would do, shot by shot, and why, without making anything."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from filmmaker.build import RATE, FilmBuilder
from filmmaker.inputs import changed, read_manifest, shot_inputs
from filmmaker.plan import Plan, time_film

WORDS_PER_SECOND = 2.6  # the bundled voice at rate 1.0, for lines not yet spoken
# Seconds of work when no earlier build of the project says better (measured on 2 cores, 720p).
DEFAULT_COSTS = {"voices": 0.35, "segments": 0.012, "pictures": 0.2}


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

    def to_json(self) -> dict:
        fields = {k: v for k, v in asdict(self).items() if k != "references"}
        return {**fields, "shots": [{**asdict(s), "cached": s.cached} for s in self.shots]}


def dry_run(plan: Plan, base_cast: dict[str, str] | None = None) -> FilmPlan:
    """`base_cast`: the screenplay's own cast, when `plan` recasts it: a cast never built before
    is compared with the film as last built with that one."""
    builder = FilmBuilder(plan)
    builder.resolve()
    manifest = read_manifest(builder) or (read_manifest(builder, base_cast) if base_cast else {})
    costs = {**DEFAULT_COSTS, **manifest.get("costs", {})}
    line_keys = {pl.id: builder.line_key(pl) for ps in plan.shots for pl in ps.lines}
    seconds, spoken = {}, {}
    for ps in plan.shots:
        for pl in ps.lines:
            key = line_keys[pl.id]
            spoken[pl.id] = builder.cache.has("line", key, ".f32")
            if spoken[pl.id]:
                seconds[pl.id] = builder.cache.record("line", key)["samples"] / RATE
            else:
                seconds[pl.id] = len(pl.line.text.split()) / WORDS_PER_SECOND / pl.actor.voice.rate
    timing = time_film(plan, seconds, builder.footage_seconds())
    picture_keys = {ps.index: builder.picture_key(ps) for ps in plan.shots}
    segments = {s.name: s for s in builder.segments(timing, picture_keys, line_keys)}
    shots, estimate = [], 0.0
    for ps in plan.shots:
        picture = ps.shot.picture
        exact = all(spoken[pl.id] for pl in ps.lines)
        work = []
        unspoken = sum(not spoken[pl.id] for pl in ps.lines)
        if unspoken:
            work.append(f"{unspoken} line(s)")
            estimate += unspoken * costs["voices"]
        if picture.kind != "footage" and not builder.cache.has("picture", picture_keys[ps.index], ".png"):
            generate = builder.generates(ps) and not builder.cache.has("image", builder.image_key(ps), ".png")
            work.append("generated picture" if generate else "picture")
            estimate += costs["pictures"]
        if builder.animates(ps) and not builder.cache.has("motion", builder.motion_key(ps, picture_keys[ps.index]),
                                                          ".npz"):
            work.append("generated motion")
        if not (exact and builder.cache.has("segment", segments[ps.id].key, ".mp4")):
            work.append("segment")
            estimate += timing.frames[ps.index] * costs["segments"]
        reasons = []
        if work and not manifest:
            reasons = ["not built before"]
        elif work:
            reasons = changed(shot_inputs(builder, ps, timing), manifest["shots"].get(ps.id))
        if work and not reasons:
            reasons = ["not in the cache"]  # same inputs as the last build: its files were removed
        shots.append(ShotPlan(ps.id, f"{picture.kind}: {picture.source}", ps.shot.camera,
                              round(timing.seconds(timing.frames[ps.index]), 3), exact,
                              [*dict.fromkeys(pl.line.speaker for pl in ps.lines)],
                              [pc.cue.mood or pc.cue.file.name if pc.cue.mood or pc.cue.file else "generated"
                               for pc in plan.cue_of(ps.index)], work, reasons))
    own = read_manifest(builder)  # what the last build with this very cast used
    references = builder.cache.touched | {tuple(entry) for entry in own.get("entries", [])}
    return FilmPlan(shots, round(timing.total_seconds, 3), sum(not ok for ok in spoken.values()),
                    sum("segment" in s.build for s in shots), round(estimate, 1), references)
