"""Fountain 1.1 (https://fountain.io/syntax) to a `Script` and back.

Written here rather than taken from PyPI: the parsers there (screenplay-tools, fountain-py,
fountain-parser) keep no line and column for what they read, and a writer's mistake must be
pointed at. Emphasis (*italic*, **bold**, _underline_) is dropped: a voice cannot speak it and a
prompt does not need it; an escaped `\\*` stays a star.
"""

from __future__ import annotations

import re
from pathlib import Path

from filmmaker.script.elements import Element, Pos, Script, script_error

HEADING = re.compile(r"^(INT|EXT|EST|INT\.?/EXT|I/E)[. ]", re.IGNORECASE)
SCENE_NUMBER = re.compile(r"^(.*?)\s*#([A-Za-z0-9.\-]+)#\s*$")
TITLE_KEY = re.compile(r"^([A-Za-z][A-Za-z ]*):\s*(.*)$")
# a cue: an optional forcing @, the name, its extensions in parentheses, a dual-dialogue caret
CUE = re.compile(r"^(@)?([^(^@][^(^]*?)\s*((?:\([^)]*\)\s*)*)(\^)?\s*$")
FADES = ("FADE OUT.", "FADE OUT", "FADE IN:", "FADE TO BLACK.", "FADE TO BLACK", "CUT TO BLACK.", "FADE IN.")
NOTE = re.compile(r"\[\[(.*?)\]\]", re.DOTALL)
BONEYARD = re.compile(r"/\*.*?\*/", re.DOTALL)
EMPHASIS = (re.compile(r"(?<!\\)(\*{1,3})(?=\S)(.+?)(?<=\S)(?<!\\)\1"), re.compile(r"(?<!\\)_(?=\S)(.+?)(?<=\S)(?<!\\)_"))


def parse_fountain(text: str, path: Path) -> Script:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = BONEYARD.sub(lambda m: "\n" * m.group(0).count("\n"), text)  # kept lines: positions stay true
    notes: list[tuple[Pos, str]] = []

    def keep_note(m: re.Match) -> str:
        notes.append((_pos(text, m.start()), " ".join(m.group(1).split())))
        return "\n" * m.group(0).count("\n")

    text = NOTE.sub(keep_note, text)
    lines = text.split("\n")
    title_page, first = _title_page(lines)
    elements = _Blocks(path, lines).read(first)
    return Script(path, title_page, tuple(_with_notes(elements, notes)))


def _pos(text: str, offset: int) -> Pos:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _title_page(lines: list[str]) -> tuple[tuple[tuple[str, str], ...], int]:
    """The key: value pairs at the top (a value may go on indented lines under its key)."""
    if not lines or not TITLE_KEY.match(lines[0]) or HEADING.match(lines[0]):
        return (), 0
    pairs: list[list[str]] = []
    i = 0
    while i < len(lines) and lines[i].strip():
        line = lines[i]
        m = TITLE_KEY.match(line)
        if m and not line[:1].isspace():
            pairs.append([m.group(1).strip(), m.group(2).strip()])
        elif pairs:
            pairs[-1][1] = (pairs[-1][1] + "\n" + line.strip()).strip("\n")
        i += 1
    return tuple((key, _plain(value)) for key, value in pairs), i


def _with_notes(elements: list[tuple[Element, int]], notes: list[tuple[Pos, str]]) -> list[Element]:
    """Each note after the element it was written in (or before the next one, if on its own)."""
    out = []
    pending = sorted(notes)
    for element, last_line in elements:
        while pending and pending[0][0][0] < element.pos[0]:
            pos, note = pending.pop(0)
            out.append(Element("note", note, pos))
        out.append(element)
        while pending and pending[0][0][0] <= last_line:
            pos, note = pending.pop(0)
            out.append(Element("note", note, pos))
    out.extend(Element("note", note, pos) for pos, note in pending)
    return [e for e in out if e.kind != "note" or e.text]


class _Blocks:
    """Reads paragraphs (runs of lines between blank lines) into elements, with their last line."""

    def __init__(self, path: Path, lines: list[str]):
        self.path = path
        self.lines = lines
        self.out: list[tuple[Element, int]] = []
        self.speakers: set[str] = set()

    def read(self, start: int) -> list[tuple[Element, int]]:
        blocks, block = [], []
        for number, line in enumerate(self.lines[start:], start + 1):
            if line.strip() or (line == "  " and block):  # two spaces: a blank line inside dialogue
                block.append((number, line.rstrip() if line != "  " else ""))
            elif block:
                blocks.append(block)
                block = []
        if block:
            blocks.append(block)
        for block in blocks:
            self.block(block)
        self.check_lone_cues(blocks)
        return self.out

    def add(self, kind: str, text: str, pos: Pos, last: int, **extra) -> None:
        self.out.append((Element(kind, text, pos, **extra), last))

    def block(self, block: list[tuple[int, str]]) -> None:
        number, first = block[0]
        stripped = first.strip()
        col = len(first) - len(first.lstrip()) + 1
        if re.fullmatch(r"={3,}", stripped):
            self.add("page_break", "", (number, col), number)
            return self.rest(block)
        if stripped.startswith("#"):
            level = len(stripped) - len(stripped.lstrip("#"))
            self.add("section", stripped[level:].strip(), (number, col), number, level=level)
            return self.rest(block)
        if stripped.startswith("=") and not stripped.startswith("=="):
            self.add("synopsis", stripped[1:].strip(), (number, col), number)
            return self.rest(block)
        if stripped.startswith(">") and stripped.endswith("<"):
            centered = []
            while block and block[0][1].strip().startswith(">") and block[0][1].strip().endswith("<"):
                centered.append(_plain(block.pop(0)[1].strip()[1:-1].strip()))
            self.add("centered", "\n".join(centered), (number, col), number + len(centered) - 1)
            return self.block(block) if block else None
        if self.heading(number, col, stripped):
            return self.rest(block)
        if self.transition(number, col, stripped, len(block)):
            return None
        if stripped.startswith("~"):
            for n, line in block:
                self.add("lyric", _plain(line.strip()[1:].strip()), (n, col), n)
            return None
        if len(block) > 1 and self.cue(number, col, stripped):
            return self.speech(block[1:])
        self.action(block)

    def rest(self, block: list[tuple[int, str]]) -> None:
        if len(block) > 1:
            self.block(block[1:])

    def heading(self, number: int, col: int, stripped: str) -> bool:
        forced = stripped.startswith(".") and not stripped.startswith("..")
        if not forced and not HEADING.match(stripped):
            return False
        heading = stripped[1:].strip() if forced else stripped
        scene_number = None
        m = SCENE_NUMBER.match(heading)
        if m:
            heading, scene_number = m.group(1).strip(), m.group(2)
        if not heading:
            raise script_error(self.path, (number, col), "scene heading", "a forced heading ('.') with no "
                               "words; write the place, e.g. .THE MOON")
        self.add("heading", _plain(heading), (number, col), number, number=scene_number)
        return True

    def transition(self, number: int, col: int, stripped: str, size: int) -> bool:
        forced = stripped.startswith(">") and not stripped.endswith("<")
        natural = size == 1 and stripped == stripped.upper() and (stripped.endswith("TO:") or stripped in FADES)
        if not (forced or natural) or size > 1:
            return False
        self.add("transition", _plain(stripped[1:].strip() if forced else stripped), (number, col), number)
        return True

    def cue(self, number: int, col: int, stripped: str) -> bool:
        m = CUE.match(stripped)
        if not m:
            return False
        forced, name, extension, dual = m.group(1), m.group(2).strip(), m.group(3).strip(), m.group(4)
        if not forced and (name != name.upper() or not re.search(r"[A-Z]", name)):
            return False
        self.speakers.add(name)
        self.add("character", name, (number, col), number, extension=" ".join(extension.split()) or None,
                 dual=bool(dual))
        return True

    def speech(self, lines: list[tuple[int, str]]) -> None:
        """What follows a cue: parentheticals, dialogue (its lines joined) and sung lines."""
        cue_pos, name = self.out[-1][0].pos, self.out[-1][0].text
        said = False
        dialogue: list[tuple[int, str]] = []

        def flush() -> None:
            if dialogue:
                n0 = dialogue[0][0]
                col = len(self.lines[n0 - 1]) - len(self.lines[n0 - 1].lstrip()) + 1
                self.add("dialogue", _plain("\n".join(t for _, t in dialogue).strip()), (n0, col), dialogue[-1][0])
                dialogue.clear()

        for number, line in lines:
            stripped = line.strip()
            col = len(line) - len(line.lstrip()) + 1
            if stripped.startswith("(") and stripped.endswith(")"):
                flush()
                self.add("parenthetical", _plain(stripped), (number, col), number)
            elif stripped.startswith("~"):
                flush()
                self.add("lyric", _plain(stripped[1:].strip()), (number, col), number)
                said = True
            else:
                dialogue.append((number, stripped))
                said = True
        flush()
        if not said:
            raise script_error(self.path, cue_pos, "character", f"{name}: a character cue with no dialogue; "
                               "add the line under it, or make it action by starting it with '!'")

    def action(self, block: list[tuple[int, str]]) -> None:
        number, first = block[0]
        texts = [line for _, line in block]
        if texts[0].lstrip().startswith("!"):
            texts[0] = texts[0].lstrip()[1:]
        col = len(first) - len(first.lstrip()) + 1
        self.add("action", _plain("\n".join(t.rstrip() for t in texts).strip("\n")), (number, col), block[-1][0])

    def check_lone_cues(self, blocks: list[list[tuple[int, str]]]) -> None:
        """A lone line that names a speaker (or is forced with @) is a cue whose dialogue is missing."""
        for element, _ in self.out:
            if element.kind != "action" or "\n" in element.text:
                continue
            m = CUE.match(element.text.strip())
            raw = self.lines[element.pos[0] - 1].strip()
            if m and (raw.startswith("@") or (m.group(2).strip() in self.speakers and m.group(2).isupper())):
                raise script_error(self.path, element.pos, "character",
                                   f"{m.group(2).strip()}: a character cue with no dialogue; add the line "
                                   "under it (no blank line between), or make it action by starting it with '!'")


def _plain(text: str) -> str:
    """Text as spoken and pictured: emphasis markers off, escapes resolved."""
    for pattern in EMPHASIS:
        previous = None
        while previous != text:
            previous, text = text, pattern.sub(lambda m: m.group(m.lastindex), text)
    return text.replace("\\*", "*").replace("\\_", "_")


# -- writing ----------------------------------------------------------------------------------------

SPEECH = ("parenthetical", "dialogue", "lyric")


def write_fountain(script: Script) -> str:
    parts: list[str] = []
    for key, value in script.title_page:
        lines = value.split("\n")
        parts.append(f"{key}: {_escape(lines[0])}" if len(lines) == 1
                     else f"{key}:\n" + "\n".join(f"    {_escape(v)}" for v in lines))
    paragraphs = ["\n".join(parts)] if parts else []
    speech: list[str] | None = None
    for element in script.elements:
        if element.kind in SPEECH and speech is not None:
            speech.append(_speech_line(element))
            continue
        speech = None
        if element.kind == "character":
            speech = [_cue(element)]
            paragraphs.append(speech)  # type: ignore[arg-type]  # joined below, once the speech is whole
            continue
        paragraphs.append(_paragraph(element))
    return "\n\n".join(p if isinstance(p, str) else "\n".join(p) for p in paragraphs) + "\n"


def _paragraph(element: Element) -> str:
    text = _escape(element.text)
    if element.kind == "heading":
        number = f" #{element.number}#" if element.number else ""
        return (text if HEADING.match(text) else "." + text) + number
    if element.kind == "transition":
        natural = text == text.upper() and (text.endswith("TO:") or text in FADES)
        return text if natural else "> " + text
    if element.kind == "centered":
        return "\n".join(f"> {line} <" for line in text.split("\n"))
    if element.kind == "note":
        return f"[[{element.text}]]"
    if element.kind == "section":
        return "#" * max(1, element.level) + " " + text
    if element.kind == "synopsis":
        return "= " + text
    if element.kind == "page_break":
        return "==="
    if element.kind == "lyric":
        return "~" + text
    return _action(text)


def _action(text: str) -> str:
    """Action, forced with '!' where Fountain would read it as something else."""
    first = text.split("\n")[0].strip()
    looks_special = (HEADING.match(first) or first.startswith((".", ">", "~", "=", "#", "@", "!", "("))
                     or (first == first.upper() and re.search(r"[A-Z]", first)))
    return "!" + text if looks_special else text


def _cue(element: Element) -> str:
    name = element.text
    forced = name != name.upper() or not re.search(r"[A-Z]", name)
    return ("@" if forced else "") + name + (f" {element.extension}" if element.extension else "") + \
        (" ^" if element.dual else "")


def _speech_line(element: Element) -> str:
    text = _escape(element.text)
    if element.kind == "lyric":
        return "~" + text
    if element.kind == "dialogue":  # a blank line inside a speech is written as two spaces
        return "\n".join(line if line.strip() else "  " for line in text.split("\n"))
    return text


def _escape(text: str) -> str:
    return text.replace("*", "\\*").replace("_", "\\_")
