""""Make this the cast": the role's actor changed in the screenplay's own text, in place (or in a
script's sidecar), every other byte of the file kept: comments, order, spacing."""

from __future__ import annotations

from pathlib import Path

import yaml

from filmmaker.cache import atomic_write_bytes
from filmmaker.errors import FilmmakerError
from filmmaker.screenplay.yamlsafe import compose_yaml, mapping_value


def set_cast(screenplay: Path, role: str, actor: str) -> Path:
    """Cast `actor` as `role`; returns the file edited."""
    from filmmaker.script.read import is_script

    file = screenplay
    if is_script(screenplay):
        from filmmaker.script.sidecar import sidecar_path

        file = sidecar_path(screenplay)
        if not file.exists():
            atomic_write_bytes(file, f"cast:\n  {role}: {actor}\n".encode())
            return file
    text = file.read_text(encoding="utf-8")
    root = compose_yaml(file, text)
    cast = mapping_value(root, "cast")
    if cast is None:  # a script's sidecar without a cast yet: one is added at its end
        if file == screenplay:
            raise FilmmakerError(f"{file.name} has no `cast:`; add one")
        atomic_write_bytes(file, (text.rstrip("\n") + f"\ncast:\n  {role}: {actor}\n").encode())
        return file
    if not isinstance(cast, yaml.MappingNode):
        raise FilmmakerError(f"{file.name}: `cast:` is not a mapping of ROLE: ACTOR")
    node = mapping_value(cast, role)
    if node is None:
        if file == screenplay:
            raise FilmmakerError(f"no role {role!r} in the cast of {file.name}")
        at = cast.value[-1][1].end_mark.index if cast.value else cast.start_mark.index
        addition = f", {role}: {actor}" if cast.flow_style else f"\n{' ' * cast.start_mark.column}{role}: {actor}"
        if cast.flow_style and not cast.value:  # `cast: {}`: inside the braces
            at, addition = cast.start_mark.index + 1, f"{role}: {actor}"
        atomic_write_bytes(file, (text[:at] + addition + text[at:]).encode())
        return file
    if not isinstance(node, yaml.ScalarNode):
        raise FilmmakerError(f"{file.name}: the cast of {role} is not an actor id")
    start, end = node.start_mark.index, node.end_mark.index
    atomic_write_bytes(file, (text[:start] + actor + text[end:]).encode())
    return file
