"""`filmmaker library pin`: write each `find:` shot's current choice into the screenplay as the explicit
`still` or `footage` picture it stands for, so an editor can lock the film's pictures.

Only the `picture:` values change, in place: the rest of the file (comments, order, spacing) is kept
byte for byte. A script's `find:` lives in its sidecar (SCRIPT.film.yaml), which is edited instead.
A shot that found nothing keeps its `find:`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from filmmaker.cache import atomic_write_bytes
from filmmaker.screenplay.model import Picture, Screenplay
from filmmaker.screenplay.yamlsafe import compose_yaml, mapping_value


@dataclass(frozen=True)
class Pinned:
    shot: str
    file: Path  # the file edited: the screenplay, or a script's sidecar
    picture: str  # what was written


def pin_finds(sp: Screenplay) -> list[Pinned]:
    """Rewrite `sp`'s files (`sp` as `resolve_finds` returned it); return what was pinned."""
    nodes = _picture_nodes(sp.path)
    edits: dict[Path, list[tuple[int, int, str]]] = defaultdict(list)
    pinned = []
    for (scene_index, shot_index), node in nodes.items():
        shot = sp.scenes[scene_index].shots[shot_index]
        picture = shot.picture
        if picture.found is None or picture.found.chosen is None:
            continue
        name = node.start_mark.name
        file = Path(name) if isinstance(name, str) and name.startswith("/") else sp.path
        start, end = _span(node)
        text = _written(picture, node, flow=node.flow_style)
        edits[file].append((start, end, text))
        pinned.append(Pinned(shot.id, file, _written(picture, node, flow=True)))
    for file, spans in edits.items():
        source = file.read_text(encoding="utf-8")
        for start, end, text in sorted(spans, reverse=True):
            source = source[:start] + text + source[end:]
        atomic_write_bytes(file, source.encode("utf-8"))
    return pinned


def _picture_nodes(path: Path) -> dict[tuple[int, int], yaml.Node]:
    """(scene, shot) -> its `picture:` value node, for the shots whose picture is a `find:`."""
    from filmmaker.script.read import is_script

    if is_script(path):
        from filmmaker.script.sidecar import script_document

        root = script_document(path)
    else:
        root = compose_yaml(path)
    found = {}
    for s, scene in enumerate(_items(mapping_value(root, "scenes"))):
        for k, shot in enumerate(_items(mapping_value(scene, "shots"))):
            picture = mapping_value(shot, "picture")
            if isinstance(picture, yaml.MappingNode) and mapping_value(picture, "find") is not None:
                found[(s, k)] = picture
    return found


def _items(node) -> list:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _span(node: yaml.MappingNode) -> tuple[int, int]:
    """Where the mapping's text is: a flow mapping's braces, or a block mapping's first key to its last
    value's end (a block mapping's own end mark reaches over the comments and blank lines after it)."""
    if node.flow_style:
        return node.start_mark.index, node.end_mark.index
    return node.start_mark.index, node.value[-1][1].end_mark.index


def _written(picture: Picture, node: yaml.MappingNode, flow: bool) -> str:
    fields = [(picture.kind, _quoted(picture.source))]
    if picture.kind == "footage":
        fields += [("in", repr(picture.start)), ("out", repr(picture.end))]
        if picture.keep_audio:
            fields.append(("keep_audio", "true"))
    if picture.anchor != "auto":
        fields.append(("anchor", picture.anchor))
    if flow:
        return "{" + ", ".join(f"{key}: {value}" for key, value in fields) + "}"
    indent = " " * node.start_mark.column
    return f"\n{indent}".join(f"{key}: {value}" for key, value in fields)


def _quoted(text: str) -> str:
    """A path as a YAML scalar that reads back as the same string, in a flow mapping too."""
    try:
        plain = yaml.safe_load(text) == text
    except yaml.YAMLError:
        plain = False
    return text if plain and not any(c in text for c in ",[]{}#:") else json.dumps(text)
