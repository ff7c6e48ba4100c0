"""Open a writer's script: Fountain (.fountain, .spmd) or Final Draft (.fdx), refused fast and
clearly when it is not one (a binary, an empty file, one over the size limit)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from filmmaker.script.elements import MAX_SCRIPT_BYTES, Script, script_error
from filmmaker.script.fdx import parse_fdx
from filmmaker.script.fountain import parse_fountain

FOUNTAIN_SUFFIXES = (".fountain", ".spmd")
FDX_SUFFIXES = (".fdx",)
SCRIPT_SUFFIXES = FOUNTAIN_SUFFIXES + FDX_SUFFIXES


def is_script(path: str | os.PathLike) -> bool:
    return Path(path).suffix.lower() in SCRIPT_SUFFIXES


def read_script(path: str | os.PathLike) -> Script:
    path = Path(path).absolute()
    data = _read_bytes(path)
    if not data.strip():
        raise script_error(path, (1, 1), "script", "the script is empty; write a scene in it first")
    nul = data.find(b"\0")
    if nul >= 0:
        raise script_error(path, _line_col(data, nul), "script", "a binary file (it holds NUL bytes), not a "
                           "script; give a Fountain (.fountain) or Final Draft (.fdx) file")
    if path.suffix.lower() in FDX_SUFFIXES:
        return parse_fdx(data, path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise script_error(path, _line_col(data, exc.start), "script", f"not UTF-8 text ({exc.reason}); "
                           "save the script as UTF-8") from None
    return parse_fountain(text, path)


def _read_bytes(path: Path) -> bytes:
    try:
        info = path.stat()
    except (OSError, ValueError) as exc:
        raise script_error(path, (1, 1), "script", f"cannot read the script: "
                           f"{getattr(exc, 'strerror', None) or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise script_error(path, (1, 1), "script", "not a regular file; give the path of a script file")
    if info.st_size > MAX_SCRIPT_BYTES:
        raise script_error(path, (1, 1), "script", f"the file is {info.st_size:,} bytes, over the "
                           f"{MAX_SCRIPT_BYTES:,}-byte limit for a script (a feature is about 200 kB); "
                           "is it the right file?")
    with open(path, "rb") as fh:
        data = fh.read(MAX_SCRIPT_BYTES + 1)
    if len(data) > MAX_SCRIPT_BYTES:
        raise script_error(path, (1, 1), "script", f"over the {MAX_SCRIPT_BYTES:,}-byte limit for a script")
    return data


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1
