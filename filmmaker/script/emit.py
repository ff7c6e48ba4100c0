"""YAML nodes -> YAML text a writer reads and edits: block layout, short things inline, comments
above what they describe. PyYAML's emitter writes no comments, hence this small one."""

from __future__ import annotations

import json
import re

import yaml

PLAIN_START = re.compile(r"[A-Za-z0-9(]")
FLOW_INDICATORS = set(",[]{}")


def emit_yaml(doc: yaml.MappingNode, comments: dict[int, list[str]], header: list[str]) -> str:
    out = [f"# {line}" if line else "#" for line in header]
    out += _block(doc, 0, comments)
    return "\n".join(out) + "\n"


def _block(node: yaml.Node, indent: int, comments: dict[int, list[str]]) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines += [f"{pad}# {c}" for c in comments.get(id(value), [])]
            lines += _entry(f"{pad}{_scalar(key, False)}:", value, indent, comments)
    else:
        for item in node.value:
            lines += [f"{pad}# {c}" for c in comments.get(id(item), [])]
            if isinstance(item, yaml.MappingNode) and not item.flow_style and item.value:
                inner = _block(item, indent + 2, comments)
                lines.append(f"{pad}- {inner[0].lstrip()}")
                lines += inner[1:]
            else:
                lines += _entry(f"{pad}-", item, indent, comments)
    return lines


def _entry(lead: str, value: yaml.Node, indent: int, comments: dict[int, list[str]]) -> list[str]:
    if isinstance(value, yaml.ScalarNode):
        if "\n" in value.value and value.tag.endswith(":str") and _literal_ok(value.value):
            body = [" " * (indent + 2) + line if line else "" for line in value.value.split("\n")]
            return [f"{lead} |-", *body]
        return [f"{lead} {_scalar(value, False)}"]
    if value.flow_style or not value.value:
        return [f"{lead} {_flow(value)}"]
    return [lead, *_block(value, indent + 2, comments)]


def _flow(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, True)
    if isinstance(node, yaml.MappingNode):
        return "{" + ", ".join(f"{_scalar(k, True)}: {_flow(v)}" for k, v in node.value) + "}"
    return "[" + ", ".join(_flow(item) for item in node.value) + "]"


def _scalar(node: yaml.ScalarNode, flow: bool) -> str:
    value = node.value
    if not node.tag.endswith(":str"):
        return value
    plain = (PLAIN_START.match(value) and "\n" not in value and not value.endswith((" ", ":")) and ": " not in value
             and " #" not in value and not (flow and FLOW_INDICATORS & set(value)))
    if plain and _reads_back(value):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _reads_back(value: str) -> bool:
    try:
        return yaml.safe_load(value) == value
    except yaml.YAMLError:
        return False


def _literal_ok(value: str) -> bool:
    """A literal block keeps text as it is, unless it starts with spaces or holds a control character."""
    return not value[:1].isspace() and not value.endswith("\n") and \
        not any(ord(c) < 32 and c != "\n" for c in value)
