"""What a build leaves in the film's folder: the timeline every export is written from, the film,
the stems, the cue sheet, the editor's media and the exports. These nodes run beside the
scheduler. A file already in place with its cache record's hash counts as made and its cache
copy is never opened, so a rebuild that changes nothing reads no media."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from filmmaker.cache import atomic_path, content_key, write_if_changed
from filmmaker.graph.node import DRIVER, Node
from filmmaker.graph.timing import RATE

TIMELINE_VERSION = 1


def timeline_node(timing: Node, lines: dict[str, Node], shots: dict[str, dict], start: str, film: str) -> Node:
    """`shots`: shot id -> {"reel", "keys", "seed"} for the clips' metadata; `film`: a digest of the
    screenplay as planned (titles, headings, roles, sources: what the exports name)."""
    key = content_key({"kind": "timeline", "v": TIMELINE_VERSION, "timing": timing.key, "shots": shots,
                       "start": start, "film": film})
    # the lines too: their lengths are read from their records (a damaged line is found here)
    return Node("timeline", "film", key, "", (timing.id, *(n.id for n in lines.values())),
                {"timing": timing.key, "lines": {i: n.key for i, n in lines.items()}, "shots": shots,
                 "start": start}, runs_on=DRIVER)


def make_timeline(work, node: Node) -> dict:
    from filmmaker.export import subtitle_cues
    from filmmaker.timeline import ShotInfo, build_timeline

    timing = work.timing(node.args["timing"])
    seconds = {line_id: work.record("line", key)["samples"] / RATE for line_id, key in node.args["lines"].items()}
    shots = {sid: ShotInfo(info["reel"], info["keys"], info["seed"]) for sid, info in node.args["shots"].items()}
    work.timeline = build_timeline(work.plan, timing, seconds, shots, node.args["start"])
    work.subtitles = subtitle_cues(work.plan, timing, seconds)
    work.line_seconds = seconds
    return {}


def copy_node(name: str, source: Node, target: Path) -> Node:
    """An output that is a copy of a cache entry (the film, a stem, a shot's media)."""
    key = content_key({"kind": "output", "source": [source.kind, source.key], "target": str(target)})
    return Node("output", name, key, "", (source.id,), {"source": [source.kind, source.key, source.ext],
                                                      "target": str(target)}, runs_on=DRIVER)


def in_place(work, kind: str, key: str, target: Path) -> bool:
    """Whether `target` already holds the entry's bytes (by its record's hash)."""
    try:
        wanted = work.cache.record(kind, key)["sha256"]
    except (OSError, ValueError, KeyError):
        return False
    if target.is_file() and work.file_hash(target) == wanted:
        work.cache.reference(kind, key)
        return True
    return False


def copy_done(work, node: Node) -> bool:
    kind, key, _ = node.args["source"]
    return in_place(work, kind, key, Path(node.args["target"]))


def make_copy(work, node: Node) -> dict:
    kind, key, ext = node.args["source"]
    target = Path(node.args["target"])
    if not in_place(work, kind, key, target):
        with atomic_path(target) as tmp:
            shutil.copyfile(work.cache.path(kind, key, ext), tmp)
        work.file_hash(target)  # hashed once now (warm in memory), so the next build only stats it
    return {}


def cuesheet_node(cues: list[Node], timing: Node, target: Path) -> Node:
    key = content_key({"kind": "cuesheet", "cues": [c.key for c in cues], "timing": timing.key})
    return Node("output", "cuesheet", key, "", (timing.id, *(c.id for c in cues)),
                {"timing": timing.key, "cues": [c.key for c in cues], "target": str(target)}, runs_on=DRIVER)


def make_cuesheet(work, node: Node) -> dict:
    from filmmaker.graph.score import cue_sheet

    timing = work.timing(node.args["timing"])
    records = {}
    for index, key in enumerate(node.args["cues"]):
        records[index] = work.record("cue", key)
        work.cache.reference("cue", key)  # read for the sheet on every build: `cache gc` must keep it
    text = cue_sheet(work.plan, work.resolved.sources, timing, records)
    write_if_changed(Path(node.args["target"]), text.encode("utf-8"))
    return {}


def export_node(name: str, timeline: Node, waits_for: list[Node], folder: Path, strict: bool) -> Node:
    key = content_key({"kind": "export", "format": name, "timeline": timeline.key, "folder": str(folder),
                       "strict": strict, "after": sorted(n.key for n in waits_for)})
    return Node("export", name, key, "", (timeline.id, *(n.id for n in waits_for)),
                {"folder": str(folder), "strict": strict}, runs_on=DRIVER)


def export_done(work, node: Node) -> bool:
    """Whether the last build wrote this very export (same key) and its file is still as written:
    then neither the timeline nor the file is made again (a rebuild that changes nothing imports
    no OpenTimelineIO)."""
    record = work.last_outputs().get(node.id)
    if not record or record.get("key") != node.key:
        return False
    for path, digest in record.get("files", {}).items():
        if not Path(path).is_file() or work.file_hash(Path(path)) != digest:
            return False
    return True


def make_export(work, node: Node) -> dict:
    from filmmaker.export import EDITORIAL, write_exports
    from filmmaker.timeline import STEMS, link_stems

    folder = Path(node.args["folder"])
    if node.name in EDITORIAL:
        link_stems(work.timeline, {path for _, path in STEMS.values() if (folder / path).is_file()})
    written, warnings = write_exports(work.timeline, work.subtitles, folder, work.sp.slug, (node.name,),
                                      node.args["strict"])
    work.exports.update(written)
    work.outputs[node.id] = {"key": node.key, "files": {str(p): work.file_hash(p) for p in written.values()},
                             "formats": {name: str(p) for name, p in written.items()}, "warnings": warnings}
    return {"warnings": warnings}


def check_targets(graph, slug: str) -> None:
    """Refuse, before any work, a film whose outputs cannot be written: a file where one of their
    folders should be (`-o` naming a file), or a folder where a file goes (`out/film.mp4/`)."""
    from filmmaker.errors import FilmmakerError
    from filmmaker.export import FORMATS

    targets = [Path(node.args["target"]) for node in graph.of_kind("output") if "target" in node.args]
    targets += [Path(node.args["folder"]) / f"{slug}{FORMATS[node.name]}" for node in graph.of_kind("export")]
    for target in targets:
        for folder in target.parents:
            if os.path.lexists(folder):
                if not folder.is_dir():
                    raise FilmmakerError(f"{folder} is a file where the build needs a folder (to write "
                                         f"{target.name} in); give -o a folder, new or existing, or move the file")
                break
        if target.is_dir():
            raise FilmmakerError(f"{target} is a folder where the build writes a file; move or rename the folder")
