"""Parse YAML into position-carrying nodes, refusing hostile input before it costs anything.

PyYAML's safe loader already refuses to *construct* Python objects, but it still walks alias
bombs and recurses on deep nesting. We never construct: we pre-scan the event stream
(iterative, so deep nesting cannot blow the stack), then compose nodes and read them ourselves.
"""

from __future__ import annotations

import stat
from pathlib import Path

import yaml

from filmmaker.errors import Problem, ScreenplayError

MAX_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_ALIASES = 100
MAX_NODES = 200_000  # after expanding aliases

STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}

try:  # the C loader is ~10x faster and keeps the same marks
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Loader = yaml.SafeLoader


def _problem(path: Path, mark, message: str, field: str = "") -> Problem:
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return Problem(path, line, col, field, message)


def compose_yaml(path: Path, text: str | None = None) -> yaml.Node:
    """Read `path` (or `text`) into a YAML node tree, or raise ScreenplayError."""
    if text is None:
        text = _read_text(path)
    else:
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError as exc:
            line, col = _line_col(text, exc.start)
            raise ScreenplayError([Problem(path, line, col, "", "text holds a character that is not valid "
                                           "Unicode (a lone surrogate); retype it")]) from None
        if size > MAX_BYTES:
            raise ScreenplayError([Problem(path, 1, 1, "", f"over the {MAX_BYTES:,}-byte limit for a screenplay")])

    _prescan(path, text)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(path, exc) from None
    if node is None:
        raise ScreenplayError([Problem(path, 1, 1, "", "the file is empty; start from `filmmaker new DIR`")])
    _count_nodes(path, node)
    return node


def _read_text(path: Path) -> str:
    """The file's text, read only if it is a regular file of at most MAX_BYTES: a FIFO would be
    waited on for ever and a device (/dev/zero) read until memory runs out."""
    try:
        info = path.stat()
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        raise ScreenplayError([Problem(path, 1, 1, "", f"cannot read file: {_reason(exc)}; give the path of a "
                                       "readable screenplay file")]) from None
    if not stat.S_ISREG(info.st_mode):
        raise ScreenplayError([Problem(path, 1, 1, "", f"not a regular file (it is {describe_file(info.st_mode)}); "
                                       "give the path of a screenplay's YAML file")])
    if info.st_size > MAX_BYTES:
        raise ScreenplayError([Problem(
            path, 1, 1, "", f"file is {info.st_size:,} bytes, over the {MAX_BYTES:,}-byte limit for a "
            "screenplay; split it or move long text out")])
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # never more, whatever the file grew to since stat
    except OSError as exc:
        raise ScreenplayError([Problem(path, 1, 1, "", f"cannot read file: {_reason(exc)}; give the "
                                       "path of a readable screenplay file")]) from None
    if len(data) > MAX_BYTES:
        raise ScreenplayError([Problem(path, 1, 1, "", f"over the {MAX_BYTES:,}-byte limit for a screenplay")])
    try:  # newlines as text mode reads them (what Path.read_text gave before)
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        raise ScreenplayError([Problem(path, 1, 1, "", f"not UTF-8 text ({exc.reason}); save it as UTF-8")]) from None


def _reason(exc: Exception) -> str:
    return getattr(exc, "strerror", None) or str(exc)


def describe_file(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def _syntax_error(path: Path, exc: yaml.MarkedYAMLError) -> ScreenplayError:
    mark = exc.problem_mark or exc.context_mark
    message = f"YAML syntax error: {exc.problem or exc.context}"
    if exc.context and exc.problem:
        message += f" ({exc.context})"
    return ScreenplayError([_problem(path, mark, message)])


def _prescan(path: Path, text: str) -> None:
    depth = aliases = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ScreenplayError([_problem(
                        path, event.start_mark, f"nesting deeper than {MAX_DEPTH} levels; a "
                        "screenplay never needs that, check the indentation")])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise ScreenplayError([_problem(
                        path, event.start_mark, f"more than {MAX_ALIASES} aliases (*name); "
                        "write the values out instead")])
            tag = getattr(event, "tag", None)
            if tag and tag not in STANDARD_TAGS and tag not in ("!", "?"):
                raise ScreenplayError([_problem(
                    path, event.start_mark, f"tag {tag!r} is not allowed: a screenplay holds only "
                    "plain data (text, numbers, lists, mappings); remove the tag")])
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(path, exc) from None
    except yaml.reader.ReaderError as exc:  # a control character: unmarked, but its offset is known
        line, col = _line_col(text, exc.position)
        raise ScreenplayError([Problem(path, line, col, "", f"character {exc.character!r} is not allowed "
                                       "in YAML; delete it")]) from None


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _count_nodes(path: Path, root: yaml.Node) -> None:
    """Count nodes as if aliases were expanded: an alias bomb is refused here, fast."""
    memo: dict[int, int] = {}
    order: list[yaml.Node] = []
    stack = [root]
    seen: set[int] = set()
    while stack:  # iterative post-order over the (shared) node graph
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        stack.extend(_children(node))
    for node in reversed(order):
        memo[id(node)] = 1 + sum(memo.get(id(child), 1) for child in _children(node))
        if memo[id(node)] > MAX_NODES:
            raise ScreenplayError([_problem(
                path, node.start_mark, f"expands to more than {MAX_NODES:,} values through "
                "aliases (an alias bomb?); write the values out instead")])


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def mapping_value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value node under `key` in a mapping node (None when it is no mapping or has no such key):
    for edits made in a file's own text, at its nodes' positions."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None
