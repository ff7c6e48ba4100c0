"""What a build would do, shot by shot, without making anything."""

from __future__ import annotations

from filmmaker.build import RATE, FilmBuilder
from filmmaker.plan import Plan, time_film

WORDS_PER_SECOND = 2.6  # the bundled voice at rate 1.0, for lines not yet spoken


def dry_run(plan: Plan) -> tuple[list[tuple[str, ...]], str]:
    builder = FilmBuilder(plan)
    builder.resolve()
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
    rows = []
    to_build = {"lines": 0, "segments": 0}
    for ps in plan.shots:
        exact = all(spoken[pl.id] for pl in ps.lines)
        seg_cached = exact and builder.cache.has("segment", segments[ps.id].key, ".mp4")
        to_build["segments"] += not seg_cached
        to_build["lines"] += sum(not spoken[pl.id] for pl in ps.lines)
        picture = ps.shot.picture
        work = []
        if not exact:
            work.append(f"{sum(not spoken[pl.id] for pl in ps.lines)} line(s)")
        if picture.kind != "footage" and not builder.cache.has("picture", picture_keys[ps.index], ".png"):
            generate = builder.generates(ps) and not builder.cache.has("image", builder.image_key(ps), ".png")
            work.append("generated picture" if generate else "picture")
        if not seg_cached:
            work.append("segment")
        status = "[green]cached[/green]" if not work else "[yellow]build " + ", ".join(work) + "[/yellow]"
        duration = f"{timing.seconds(timing.frames[ps.index]):.2f}" + ("" if exact else "~")
        cues = ", ".join(pc.cue.mood or pc.cue.file.name for pc in plan.cue_of(ps.index)) or "-"
        source = picture.source if len(picture.source) <= 30 else picture.source[:28] + ".."
        rows.append((ps.id, f"{picture.kind}: {source}", ps.shot.camera, duration,
                     ", ".join(builder._speakers(ps)) or "-", cues, status))
    totals = (f"{len(plan.shots)} shots, {timing.total_seconds:.1f} s; to build: {to_build['lines']} lines, "
              f"{to_build['segments']} shot segments" + ("; nothing to do" if not any(to_build.values()) else "")
              + ("  (~ = estimated until the line is spoken)" if to_build["lines"] else ""))
    return rows, totals
