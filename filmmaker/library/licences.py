"""Licences travel with library media: each still or footage file's licence (from its sidecar) for the
credits and the media list, and a warning for each library file the film uses without one."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from filmmaker.library.describe import licence_of


def media_used(plan) -> dict[Path, list[str]]:
    """Each still or footage file the cut uses -> the shots that use it, in film order."""
    used: dict[Path, list[str]] = {}
    for ps in plan.shots:
        if ps.shot.picture.path is not None:
            used.setdefault(ps.shot.picture.path, []).append(ps.id)
    return used


def in_library(plan, path: Path) -> bool:
    real = path.resolve()
    return any(real.is_relative_to(folder) for folder in plan.screenplay.library.media)


def library_warnings(plan) -> list[str]:
    """A `find:` that found nothing, and library media with no licence recorded."""
    out = []
    for ps in plan.shots:
        found = ps.shot.picture.found
        if found is not None and found.chosen is None:
            best = f" (best: {found.others[0].path.name} at {found.others[0].score:.2f})" if found.others else ""
            out.append(f"shot {ps.id!r}: nothing in the library scores {plan.screenplay.library.threshold:g} or more "
                       f"for {found.find.text!r}{best}; pictured as a storyboard panel. Describe the shot "
                       "differently, add media, or lower `library.threshold`")
    for path, shots in media_used(plan).items():
        if in_library(plan, path) and not licence_of(path):
            out.append(f"library file {path} (shot {', '.join(shots)}) has no licence recorded; add `licence` to "
                       f"its sidecar {path.with_suffix('.json').name} before you release the film")
    return out


def media_list(plan) -> str:
    """CSV: each still and footage file the cut uses, its shots and its licence."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["file", "shots", "licence", "found_by"])
    root = plan.screenplay.root
    for path, shots in media_used(plan).items():
        finds = [ps.shot.picture.found.find.text for ps in plan.shots
                 if ps.shot.picture.path == path and ps.shot.picture.found is not None]
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        writer.writerow([name, " ".join(shots), licence_of(path) or "", " | ".join(dict.fromkeys(finds))])
    return buffer.getvalue()
