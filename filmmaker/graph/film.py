"""The graph of one film (a screenplay and a cast): every artifact a node, keyed before anything
is made. `plan`, `build`, `export`, `audition`, recasting and `cache gc` all walk this graph."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from filmmaker.export import EDITORIAL, ExportOptions
from filmmaker.graph.cue import cue_node, music_node, reach
from filmmaker.graph.cut import cut_node
from filmmaker.graph.image import image_node
from filmmaker.graph.line import line_node
from filmmaker.graph.media import media_node
from filmmaker.graph.mix import loudness_node, mix_node, mixaudio_node, stem_node
from filmmaker.graph.motion import motion_node
from filmmaker.graph.node import Graph, Node
from filmmaker.graph.outputs import copy_node, cuesheet_node, export_node, timeline_node
from filmmaker.graph.picture import picture_key, picture_node
from filmmaker.graph.premix import mix_pieces, premix_node
from filmmaker.graph.resolve import Resolved
from filmmaker.graph.segment import body_node, dissolve_node, shot_fields
from filmmaker.graph.signed import provenance_of, signed_node
from filmmaker.graph.song import song_node
from filmmaker.graph.timing import ShotLayout, shot_facts, timing_node
from filmmaker.plan import Plan, PlannedShot, crossfade_frames
from filmmaker.render.levels import PROGRAM_PEAK_DB


@dataclass
class FilmGraph:
    graph: Graph
    targets: list[str]  # the nodes the build is asked for (outputs); the rest is what they need
    warnings: list[str]  # known from the graph alone (reel names)


def film_graph(plan: Plan, resolved: Resolved, file_hash, enc, outdir: Path | None = None,
               export: ExportOptions | None = None) -> FilmGraph:
    from filmmaker.timeline import handles, reel_names

    export = export or ExportOptions()
    g = Graph()
    footage = resolved.footage_seconds(plan)
    lines: dict[str, Node] = {}
    for ps in plan.shots:
        for pl in ps.lines:
            lines[pl.id] = g[g.add(line_node(pl, resolved.voices[pl.actor.id]))]
    facts = [shot_facts(ps, {i: n.key for i, n in lines.items()}, footage) for ps in plan.shots]
    timing = g[g.add(timing_node(plan, facts, lines))]

    pictures: dict[int, Node | None] = {}
    picture_keys: dict[int, str] = {}
    motions: dict[int, Node] = {}
    for ps in plan.shots:
        image = g[g.add(image_node(plan, ps, resolved.image_model))] if resolved.generates(ps) else None
        if ps.shot.picture.kind == "footage":
            pictures[ps.index], picture_keys[ps.index] = None, picture_key(plan, ps, enc, file_hash, None)
        else:
            pictures[ps.index] = g[g.add(picture_node(plan, ps, enc, file_hash, image))]
            picture_keys[ps.index] = pictures[ps.index].key
        if resolved.animates(ps) and pictures[ps.index] is not None:
            motions[ps.index] = g[g.add(motion_node(plan, ps, resolved.motion_model, pictures[ps.index]))]

    def inputs(*shots: PlannedShot) -> tuple[tuple[str, ...], dict, list[dict]]:
        # not the film's timing: a segment is laid out from its own shots' lines
        deps, args = [], {"pictures": {}, "motions": {}, "lines": {}}
        fields = []
        for ps in shots:
            i = ps.index
            deps += [lines[pl.id].id for pl in ps.lines]
            deps += [n.id for n in (pictures[i], motions.get(i)) if n is not None]
            args["pictures"][str(i)] = picture_keys[i]
            args["motions"][str(i)] = motions[i].key if i in motions else None
            args["lines"].update({pl.id: lines[pl.id].key for pl in ps.lines})
            fields.append(shot_fields(plan, ps, file_hash, facts[i], picture_keys[i], args["motions"][str(i)]))
        return tuple(dict.fromkeys(deps)), args, fields

    segments: list[tuple[str, Node]] = []  # (the piece's name in the cut, its node: shared by identical shots)
    bodies: dict[int, Node] = {}
    for ps in plan.shots:
        if crossfade_frames(ps, plan.format.fps):
            prev = plan.shots[ps.index - 1]
            deps, args, (fa, fb) = inputs(prev, ps)
            segments.append((f"{prev.id}>{ps.id}", g[g.add(dissolve_node(prev, ps, fa, fb, deps, args, enc))]))
        deps, args, (fields,) = inputs(ps)
        nxt = plan.shots[ps.index + 1].shot.transition if ps.index + 1 < len(plan.shots) else None
        body = g[g.add(body_node(ps, fields, [nxt.kind, nxt.seconds] if nxt else None, deps, args, enc))]
        segments.append((ps.id, body))
        bodies[ps.index] = body

    cues: list[Node] = []
    for pc in plan.cues:
        source = resolved.sources[pc.index]
        music = g[g.add(music_node(plan, pc, source, facts, timing))] if pc.cue.generate \
            else g[g.add(song_node(pc, source.song))] if pc.cue.song else None
        cues.append(g[g.add(cue_node(plan, pc, source, facts, timing, music, file_hash))])

    pieces = []
    n = len(plan.shots)
    for first, last in mix_pieces(plan):
        around = plan.shots[max(0, first - 1):min(n, last + 2)]
        piece_lines = {pl.id: lines[pl.id] for ps in around for pl in ps.lines}
        over = [(pc.index, cues[pc.index]) for pc in plan.cues
                if reach(plan, pc)[0] <= last and reach(plan, pc)[1] >= first]
        effects = [[ps.index, picture_keys[ps.index]] for ps in plan.shots[first:last + 1]
                   if ps.shot.picture.kind == "footage" and ps.shot.picture.keep_audio]
        pieces.append(g[g.add(premix_node(plan, first, last, facts, over, piece_lines, effects, timing))])
    mix_settings = plan.screenplay.mix
    loudness = g[g.add(loudness_node(pieces, mix_settings.target_lufs))]
    mix = g[g.add(mix_node(pieces, loudness, PROGRAM_PEAK_DB))]
    stem_names = ["dialogue", "music"] + (["effects"] if any(ps.shot.picture.keep_audio for ps in plan.shots)
                                          else []) + (["song"] if any(pc.cue.song for pc in plan.cues) else [])
    stems = {name: g[g.add(stem_node(name, pieces, loudness))] for name in stem_names}

    reels, renamed = reel_names([ps.id for ps in plan.shots])
    media: dict[int, Node] = {}
    dissolves = ShotLayout(plan.format.fps, {}, {}, tuple(crossfade_frames(ps, plan.format.fps) for ps in plan.shots))
    for ps in plan.shots:
        head, tail = handles(dissolves, ps.index)
        # a shot beside a dissolve is more than its body segment (a one-frame dissolve borrows no head)
        media[ps.index] = g[g.add(media_node(ps, bodies[ps.index], head, tail))] \
            if head or tail or dissolves.fade_in[ps.index] else bodies[ps.index]
    shots_info = {ps.id: {"reel": reels[ps.id], "seed": _seed(plan, ps),
                          "keys": {"segment": bodies[ps.index].key, "picture": picture_keys[ps.index],
                                   "media": media[ps.index].key}} for ps in plan.shots}
    timeline = g[g.add(timeline_node(timing, lines, shots_info, export.timecode_start, _digest(plan)))]
    targets: list[str] = []
    warnings: list[str] = []
    if export.film:
        mixaudio = g[g.add(mixaudio_node(mix))]
        cut = g[g.add(cut_node(segments, mix, mixaudio, timeline, plan.format.fps))]
        if outdir is not None:  # what leaves the cache is the cut signed: how it was made, who is in it
            signed = g[g.add(signed_node(plan, cut, provenance_of(plan, resolved, file_hash), file_hash))]
            targets.append(g.add(copy_node("film", signed, outdir / f"{plan.screenplay.slug}.mp4")))
    if outdir is None:
        return FilmGraph(g, [node.id for node in g], warnings)
    stem_outputs = [g[g.add(copy_node(f"stem:{name}", node, outdir / "stems" / f"{name}.wav"))]
                    for name, node in stems.items()]
    targets += [n.id for n in stem_outputs]
    targets.append(g.add(cuesheet_node(cues, timing, outdir / "cuesheet.csv")))
    media_outputs = []
    if any(name in EDITORIAL for name in export.formats):
        media_outputs = [g[g.add(copy_node(f"media:{reels[ps.id]}", media[ps.index],
                                           outdir / "media" / f"{reels[ps.id]}.mp4"))] for ps in plan.shots]
        targets += [n.id for n in media_outputs]
        if renamed:
            listed = ", ".join(f"{sid} -> {reel}" for sid, reel in renamed.items())
            warnings.append(f"shot ids that are not CMX 3600 reel names (at most 8 of A-Z, 0-9, _) get "
                            f"derived reels, also the names of their files in media/: {listed}; give a "
                            "shot such an id to choose its reel")
    for name in export.formats:
        waits = media_outputs + stem_outputs if name in EDITORIAL else []
        targets.append(g.add(export_node(name, timeline, waits, outdir, export.strict)))
    return FilmGraph(g, targets, warnings)


def _seed(plan: Plan, ps: PlannedShot) -> int | None:
    """The seed a generated picture was made with; None for every other picture."""
    imagery = getattr(plan.screenplay, "imagery", None)
    if ps.shot.picture.kind != "prompt" or imagery is None or not imagery.model:
        return None
    from filmmaker.graph.prompts import generation

    return generation(plan, ps, imagery).seed


def _digest(plan: Plan) -> str:
    """The screenplay as planned, cast and format included: all that an export can name."""
    import dataclasses

    from filmmaker.cache import content_key

    screenplay = dataclasses.asdict(plan.screenplay)
    for scene in screenplay["scenes"]:  # the writer's notes and words, which no export names
        scene.pop("number", None)
        for shot in scene["shots"]:
            shot.pop("notes", None)
            shot.pop("description", None)  # pictured, it is the prompt: the picture names it
            shot["picture"].pop("found", None)  # how a library picture was chosen: the picture names it
    return content_key({"screenplay": screenplay, "format": dataclasses.asdict(plan.format)})
