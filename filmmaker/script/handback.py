"""The film's screenplay -> a writer's script (`filmmaker export --format fountain|fdx`).

Scenes with their headings and numbers, each shot's description as action (a card as centered
text), its notes, its lines as speeches with parentheticals, extensions, dual dialogue and lyrics,
and its transitions in the script's own words. What a script cannot hold (pictures, cameras,
cast, score, the outline's sections and synopses, which the screenplay keeps as comments) stays
in the YAML. Consecutive lines of one speaker are written as one speech where the next line's
parenthetical or lyric marks where it was split, so importing the export gives the same lines.
"""

from __future__ import annotations

from pathlib import Path

from filmmaker.screenplay.model import Line, Screenplay, Shot
from filmmaker.script.convert import CHORUS, FADE_OUT_LABEL, canonical_label
from filmmaker.script.elements import Element, Script


def script_of(sp: Screenplay, path: Path) -> Script:
    title_page = (("Title", sp.title), *sp.title_page)
    elements: list[Element] = []
    first = True
    for scene in sp.scenes:
        for i, shot in enumerate(scene.shots):
            lead, body = _shot(shot, first)
            elements += lead  # a scene's transition is written above its heading, as scripts do
            if i == 0 and (scene.heading != "OPENING" or scene is not sp.scenes[0]):
                elements.append(Element("heading", scene.heading, number=scene.number))
            elements += body
            first = False
    return Script(path, title_page, tuple(elements))


def _shot(shot: Shot, first: bool) -> tuple[list[Element], list[Element]]:
    """(the transition into the shot, if the script writes one; the shot itself)."""
    out: list[Element] = []
    transition = shot.transition
    label = transition.label or canonical_label(transition.kind, first)
    lead = [Element("transition", label)] if label else []
    if shot.description:
        out.append(Element("action", shot.description))
    elif shot.picture.kind == "card":
        out.append(Element("centered", shot.picture.source))
    out += [Element("note", note) for note in shot.notes]
    previous: Line | None = None
    alone = True  # no speech yet in this shot: a chorus's lyric can stand on its own
    for line in shot.lines:
        alone = alone and _chorus(line)
        if alone:  # written as lyrics outside any speech, as the script had them
            out.append(Element("lyric", line.text))
            previous = line
            continue
        if previous is None or not _continues(previous, line):
            out.append(Element("character", line.speaker, extension=line.extension,
                               dual=line.overlap and previous is not None))
        if line.parenthetical:
            out.append(Element("parenthetical", f"({line.parenthetical})"))
        out.append(Element("lyric" if line.sung else "dialogue", line.text))
        previous = line
    if shot.fade_out is not None:
        out.append(Element("transition", shot.fade_out.label or FADE_OUT_LABEL))
    return lead, out


def _chorus(line: Line) -> bool:
    return line.speaker == CHORUS and line.sung and not (line.extension or line.parenthetical or line.overlap)


def _continues(previous: Line, line: Line) -> bool:
    """Whether `line` can go on in `previous`'s speech and still be read back as a line of its own."""
    same = previous.speaker == line.speaker and previous.extension == line.extension and not line.overlap
    return same and bool(line.parenthetical or line.sung or previous.sung)
