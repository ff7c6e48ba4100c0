"""Typed readers over composed YAML nodes: each value is checked where it stands, a problem is
recorded with its line and column and a safe default returned, so one run lists every mistake.
Nothing here knows what a screenplay is (load.py does)."""

from __future__ import annotations

import difflib
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from filmmaker.errors import Problem
from filmmaker.screenplay.model import Pos
from filmmaker.screenplay.paths import outside_problem, real_path, written_problem

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")
MAX_TEXT = 10_000  # characters in any one value (a line of dialogue has its own, lower limit)


def did_you_mean(word: str, choices) -> str:
    match = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def position(node: yaml.Node) -> Pos:
    return node.start_mark.line + 1, node.start_mark.column + 1



class NodeReader:
    def __init__(self, path: Path):
        self.path = path
        self.root = path.parent
        self.libraries: tuple[Path, ...] = ()  # `music.library` and `library.media` folders: media may come from them too
        self.media = None  # the `library:` settings, once read
        self.problems: list[Problem] = []

    # -- reporting -------------------------------------------------------------------------

    def fail(self, node: yaml.Node, field: str, message: str) -> None:
        line, col = position(node)
        self.problems.append(Problem(self.file_of(node), line, col, field, message))

    def file_of(self, node: yaml.Node) -> Path:
        """The file a node was read from: a script's screenplay is its nodes and its sidecar's
        (filmmaker.script.sidecar), each marked with its own file's path."""
        name = node.start_mark.name
        return Path(name) if isinstance(name, str) and name.startswith("/") else self.path

    # -- typed readers: each returns a usable value even after reporting a problem ---------

    def mapping(self, node: yaml.Node, field: str, allowed: tuple[str, ...],
                required: tuple[str, ...] = ()) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, field, f"expected a mapping of {', '.join(allowed)}, got {describe(node)}")
            return {}
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                self.fail(key_node, field, "keys must be plain text")
                continue
            if key in out:
                self.fail(key_node, join_field(field, key), "given twice; keep one")
            elif key not in allowed:
                self.fail(key_node, join_field(field, key),
                          f"unknown key{did_you_mean(key, allowed)}; allowed: {', '.join(allowed)}")
            else:
                out[key] = value_node
        for key in required:
            if key not in out:
                self.fail(node, field or "(top level)", f"missing required key {key!r}")
        return out

    def table(self, node: yaml.Node, field: str) -> list[tuple[yaml.Node, yaml.Node]]:
        """A mapping with free-form keys (actor ids, role names)."""
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, field, f"expected a mapping, got {describe(node)}")
            return []
        seen: set[str] = set()
        pairs = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or not key_node.value:
                self.fail(key_node, field, "keys must be plain text")
                continue
            if key_node.value in seen:
                self.fail(key_node, join_field(field, key_node.value), "given twice; keep one")
                continue
            seen.add(key_node.value)
            pairs.append((key_node, value_node))
        return pairs

    def sequence(self, node: yaml.Node, field: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.fail(node, field, f"expected a list (items starting with '- '), got {describe(node)}")
            return []
        return list(node.value)

    def text(self, node: yaml.Node, field: str, default: str = "", limit: int = MAX_TEXT,
             too_long: str = "shorten it") -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            self.fail(node, field, f"expected text, got {describe(node)}")
            return default
        if not node.value.strip():
            self.fail(node, field, "must not be empty")
            return default
        if len(node.value) > limit:  # the file may hold a megabyte: no one value needs a tenth of it
            self.fail(node, field, f"is {len(node.value):,} characters long, over the limit of {limit:,}; {too_long}")
            return default
        return node.value.strip()

    def path_text(self, node: yaml.Node, field: str) -> str:
        """Text that names a file or folder: a NUL (or another control character) in it can name no file."""
        value = self.text(node, field)
        bad = next((c for c in value if ord(c) < 32 or c == "\x7f"), None)
        if bad is not None:
            what = "a NUL character" if bad == "\0" else f"the control character {bad!r}"
            self.fail(node, field, f"the path holds {what}, which no file name can; retype the path")
            return ""
        return value

    def number(self, node: yaml.Node, field: str, default: float, *, low: float | None = None,
               high: float | None = None, positive: bool = False) -> float:
        value = scalar_number(node)
        if value is None:
            self.fail(node, field, f"expected a number, got {describe(node)}")
            return default
        if positive and value <= 0:
            self.fail(node, field, f"must be greater than 0, got {fmt(value)}")
            return default
        if (low is not None and value < low) or (high is not None and value > high):
            self.fail(node, field, f"must be between {fmt(low)} and {fmt(high)}, got {fmt(value)}")
            return default
        return value

    def integer(self, node: yaml.Node, field: str, default: int, low: int, high: int) -> int:
        value = scalar_number(node)
        if value is None or value != int(value):
            self.fail(node, field, f"expected a whole number, got {describe(node)}")
            return default
        if not low <= value <= high:
            self.fail(node, field, f"must be between {low} and {high}, got {int(value)}")
            return default
        return int(value)

    def boolean(self, node: yaml.Node, field: str, default: bool) -> bool:
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            return node.value.lower() in ("true", "yes", "on")
        self.fail(node, field, f"expected true or false, got {describe(node)}")
        return default

    def choice(self, node: yaml.Node, field: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(node, field, default)
        if value not in choices:
            self.fail(node, field, f"{value!r} is not one of {', '.join(choices)}{did_you_mean(value, choices)}")
            return default
        return value

    def identifier(self, node: yaml.Node, field: str) -> str | None:
        value = self.text(node, field)
        if value and not ID_PATTERN.match(value):
            self.fail(node, field, f"{value!r} is not a valid id: use letters, digits, '_', '-' "
                      "or '.', starting with a letter or digit, at most 32 characters")
            return None
        return value or None

    def file(self, node: yaml.Node, field: str, suffixes: set[str], what: str, media: bool = True) -> Path | None:
        """A file the film reads, resolved. `media` (all but a model file): it must be a file inside
        the project or a library folder, and nothing ffmpeg could take for a protocol or an option."""
        value = self.path_text(node, field)
        if not value:
            return None
        written = self.root / value
        if media:
            problem = written_problem(value) or outside_problem(
                real_path(self.root, value), value, self.root, self.libraries, audio=".wav" in suffixes)
            if problem is not None:
                self.fail(node, field, problem)
                return None
        if Path(value).suffix.lower() not in suffixes:
            self.fail(node, field, f"{value!r} does not look like {what} (expected one of "
                      f"{', '.join(sorted(suffixes))})")
            return None
        problem = file_problem(written, value)
        if problem is not None:
            self.fail(node, field, problem)
            return None
        path = written.resolve()
        if not os.access(path, os.R_OK):
            self.fail(node, field, f"file is not readable: {path}; check its permissions")
            return None
        return path

    # -- the screenplay ----------------------------------------------------------------------


def join_field(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def scalar_number(node: yaml.Node) -> float | None:
    if not isinstance(node, yaml.ScalarNode) or node.tag not in (
            "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        return None
    try:  # YAML 1.1 numbers too (017 octal, 1:30 sexagesimal), read as the safe loader reads them
        value = float(yaml.safe_load(node.value))
    except (ValueError, TypeError, yaml.YAMLError):
        return None
    return value if math.isfinite(value) else None


def describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if node.tag == "tag:yaml.org,2002:null":
        return "nothing"
    if node.tag.endswith(("int", "float")) and scalar_number(node) is None:
        return f"{node.value!r}, which is not a finite number"
    kind = {"int": "number", "float": "number", "bool": "true/false"}.get(node.tag.rsplit(":", 1)[-1], "text")
    return f"{kind} {node.value!r}"


def fmt(value: Any) -> str:
    return "%g" % value if isinstance(value, float) else str(value)


def file_problem(path: Path, written: str) -> str | None:
    """Why `path` (given as `written`) cannot be read as a file, or None. A FIFO or a device is named
    for what it is (opened as media, it would be waited on or read for ever), and so is a link to nothing."""
    try:
        info = os.stat(path)  # follows links: what a reader would open
    except FileNotFoundError:
        if path.is_symlink():
            return (f"{written!r} is a symbolic link to {os.readlink(path)!r}, which does not exist; point it "
                    "at the file or replace it with the file")
        hint = f" (did you mean {m!r}?)" if (m := _near_file(path)) else ""
        return (f"file not found: {written!r}, looked for {_absolute(path)}{hint}; paths are relative to the "
                "screenplay's folder")
    except (OSError, ValueError, RuntimeError) as exc:  # a link loop, a name too long, a folder that is a file
        return f"{written!r} cannot be opened ({getattr(exc, 'strerror', None) or exc}); give the path of a file"
    if not stat.S_ISREG(info.st_mode):
        from filmmaker.screenplay.yamlsafe import describe_file

        via = f" (the symbolic link points at {os.readlink(path)!r})" if path.is_symlink() else ""
        return f"{written!r} is {describe_file(info.st_mode)}{via}, not a regular file; give the path of a file"
    return None


def _absolute(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def _near_file(path: Path) -> str | None:
    try:
        names = os.listdir(path.parent)
    except OSError:
        return None
    match = difflib.get_close_matches(path.name, names, n=1, cutoff=0.7)
    return match[0] if match else None
