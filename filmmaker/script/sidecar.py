"""`filmmaker build SCRIPT.fountain`: the script, plus what it does not say from `SCRIPT.film.yaml`.

The sidecar holds any top-level screenplay setting but `scenes` (those are the script's), and
`shots:` keyed by shot id, each with the settings a YAML shot takes besides its words:

    imagery: {model: models/sdxl-turbo}
    cast: {MARA: woman-low}
    shots:
      kitchen-night.mara-pours:              # ids: `filmmaker plan SCRIPT.fountain`
        picture: {still: media/kitchen.jpg}
        camera: push-in

Its nodes are merged into the script's before the screenplay reader runs, each keeping its own
file and line, so a problem names the file it is in. An entry whose shot no longer exists (its
words changed in the script) is an error at its line, never dropped in silence.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from filmmaker.errors import Problem, ScreenplayError
from filmmaker.screenplay.load import screenplay_from_nodes
from filmmaker.screenplay.model import Screenplay
from filmmaker.screenplay.reader import did_you_mean, position
from filmmaker.screenplay.yamlsafe import compose_yaml
from filmmaker.script.convert import Imported, import_script
from filmmaker.script.read import read_script

SIDECAR_SUFFIX = ".film.yaml"
SHOT_SETTINGS = ("picture", "camera", "duration", "transition", "fade_out", "faces", "notes")
FROM_SCRIPT = ("id", "description", "lines")
MERGED_TABLES = ("actors", "cast")  # the sidecar's entries join the script's, winning on a clash


def sidecar_path(script: Path) -> Path:
    return script.with_name(script.stem + SIDECAR_SUFFIX)


def load_script_screenplay(path: str | os.PathLike) -> Screenplay:
    path = Path(path).absolute()
    return screenplay_from_nodes(script_document(path), path)


def script_document(path: Path) -> yaml.Node:
    """The script as screenplay nodes with its sidecar merged in; each node marked with its own file,
    so that an edit at a node's position (filmmaker.library.pin) lands in the right one."""
    imported = import_script(read_script(path))
    side = sidecar_path(path)
    if side.exists():
        merge_sidecar(imported, path, side)
    return imported.doc


def merge_sidecar(imported: Imported, script: Path, side: Path) -> None:
    root = compose_yaml(side)
    _mark_file(root, str(side))
    problems: list[Problem] = []

    def fail(node: yaml.Node, field: str, message: str) -> None:
        problems.append(Problem(side, *position(node), field, message))

    if not isinstance(root, yaml.MappingNode):
        raise ScreenplayError([Problem(side, *position(root), "", "expected a mapping of screenplay settings "
                                       "(format, cast, actors, shots, score...)")])
    top = _pairs(imported.doc)
    for key_node, value in root.value:
        key = str(key_node.value)
        if key == "scenes":
            fail(key_node, "scenes", f"the scenes come from the script {script.name}; set a shot's picture, "
                 "camera or length under `shots:` by its id")
        elif key == "shots":
            _merge_shots(imported, script, value, fail)
        elif key in MERGED_TABLES and key in top and isinstance(value, yaml.MappingNode):
            if key == "cast":
                _check_roles(imported, script, value, fail)
            _merge_mapping(top[key], value)
        else:
            _set(imported.doc, key_node, value)
    if problems:
        raise ScreenplayError(problems)


def _merge_shots(imported: Imported, script: Path, node: yaml.Node, fail) -> None:
    if not isinstance(node, yaml.MappingNode):
        return fail(node, "shots", "expected a mapping of shot id to its settings")
    shots = {str(_pairs(shot)["id"].value): shot for scene in _pairs(imported.doc)["scenes"].value
             for shot in _pairs(scene)["shots"].value}
    for key_node, settings in node.value:
        shot_id = str(key_node.value)
        if shot_id not in shots:
            fail(key_node, f"shots.{shot_id}", f"no shot in {script.name} has this id"
                 f"{did_you_mean(shot_id, shots)}; its words may have changed in the script. "
                 "`filmmaker plan` lists the shots' ids: move these settings to the right one, or delete them")
            continue
        if not isinstance(settings, yaml.MappingNode):
            fail(settings, f"shots.{shot_id}", f"expected a mapping of {', '.join(SHOT_SETTINGS)}")
            continue
        for setting, value in settings.value:
            if setting.value in FROM_SCRIPT:
                fail(setting, f"shots.{shot_id}.{setting.value}", f"the {setting.value} comes from the "
                     f"script {script.name}; change it there")
            elif setting.value not in SHOT_SETTINGS:
                fail(setting, f"shots.{shot_id}.{setting.value}",
                     f"unknown setting{did_you_mean(str(setting.value), SHOT_SETTINGS)}; "
                     f"a shot takes {', '.join(SHOT_SETTINGS)}")
            else:
                _set(shots[shot_id], setting, value)


def _check_roles(imported: Imported, script: Path, cast: yaml.MappingNode, fail) -> None:
    roles = imported.casting.voices
    for key_node, _ in cast.value:
        if key_node.value not in roles:
            fail(key_node, f"cast.{key_node.value}", f"no role {key_node.value!r} speaks in {script.name}"
                 f"{did_you_mean(str(key_node.value), roles)}; roles: {', '.join(roles)}")


def _pairs(node: yaml.MappingNode) -> dict[str, yaml.Node]:
    return {str(k.value): v for k, v in node.value}


def _set(mapping: yaml.MappingNode, key_node: yaml.Node, value: yaml.Node) -> None:
    for i, (k, _) in enumerate(mapping.value):
        if k.value == key_node.value:
            mapping.value[i] = (key_node, value)
            return
    mapping.value.append((key_node, value))


def _merge_mapping(into: yaml.MappingNode, extra: yaml.MappingNode) -> None:
    for key_node, value in extra.value:
        _set(into, key_node, value)


def _mark_file(node: yaml.Node, name: str) -> None:
    """Name the sidecar on every node, so the screenplay reader reports its problems there."""
    stack = [node]
    while stack:
        n = stack.pop()
        n.start_mark, n.end_mark = (yaml.Mark(name, m.index, m.line, m.column, None, None)
                                    for m in (n.start_mark, n.end_mark))
        if isinstance(n, yaml.MappingNode):
            stack.extend(x for pair in n.value for x in pair)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)
