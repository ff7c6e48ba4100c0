"""Where a media path named in a screenplay may point: only at a file inside the project.

A screenplay is something people share, so a path in it must not reach past the project: no
`../../home/me/.ssh/id_rsa.jpg`, no link inside the project that points elsewhere, no device,
and nothing ffmpeg would read as a URL or protocol (`concat:`, `http:`, `pipe:0`) or as an
option (`-i`). Every check here is made on the text or with stat, never by opening the file,
so a FIFO or a device is refused at once rather than read for ever.

Models (diffusion, MusicGen, song, lyrics, voice models) are not media and may live anywhere:
the reader calls these checks only for media.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# ffmpeg takes `name:` (its protocol letters: a-z, 0-9, '+', '-', '.') at the start of a path for
# a protocol, and `subfile,` too. We refuse a colon anywhere before the first slash: that covers
# every protocol, present or future, and URLs; a file really named so can be written `./a:b.jpg`.
_PROTOCOL = re.compile(r"^([^/:]*):")
_SUBFILE = "subfile,"


def written_problem(value: str) -> str | None:
    """Why `value`, as written, cannot be a media path (a URL, an ffmpeg protocol or option), or None."""
    if value.startswith("-"):
        return (f"{value!r} starts with '-', which ffmpeg would take for an option, not a file; give the path "
                f"of a file in the project folder (a file whose name starts with '-': write it as './{value}')")
    match = _PROTOCOL.match(value)
    if match or value.lower().startswith(_SUBFILE):
        scheme = "subfile" if value.lower().startswith(_SUBFILE) else match.group(1)
        named = "" if "://" in value else f" (a file whose name holds a colon: write it as './{value}')"
        return (f"{value!r} reads as a URL or ffmpeg protocol ({scheme!r}), not a file; media come only from "
                f"files in the project folder: download or copy it there and give its path{named}")
    return None


def real_path(root: Path, value: str) -> Path:
    """`value` against `root`, every existing link followed (a link loop is left as it stands, for
    the stat that follows to name)."""
    return Path(os.path.realpath(root / value))


def outside_problem(real: Path, value: str, root: Path, libraries: tuple[Path, ...], audio: bool) -> str | None:
    """Why `real` (the resolved `value`) is outside the project folder and every library folder, or None."""
    home = Path(os.path.realpath(root))  # the folder itself may be reached through a link (/tmp on macOS)
    if any(real.is_relative_to(folder) for folder in (home, *libraries)):
        return None
    written = Path(os.path.normpath(root / value))
    via = (f" through the symbolic link {_first_link(root, value)}"
           if written.is_relative_to(root) else "")
    where = f"{home}" + (" or a library folder (`music.library`, `library.media`)" if libraries else "")
    fix = ("replace the link with a copy of the file" if via else "copy it into the project folder") + \
        (", or add its folder to `music.library`" if audio else "")
    return (f"{value!r} is outside the project: it leads{via} to {real}, which is not inside {where}; "
            f"media must stay inside the project; {fix}")


def _first_link(root: Path, value: str) -> str:
    """The first symbolic link along `value` (inside the project), as written: the one to replace."""
    path = root
    for part in Path(value).parts:
        path = path / part
        if os.path.islink(path):  # False, not an error, for a name too long or a folder that is a file
            return repr(os.path.relpath(path, root))
    return repr(value)
