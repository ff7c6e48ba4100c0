"""Final Draft (.fdx) to and from a `Script`, refusing anything an FDX file never needs (DTDs, entities).

Reading: each <Paragraph> of <Content> becomes one element at the line and column of its start tag, by its
Type (Scene Heading, Action, Character, Parenthetical, Dialogue, Lyrics, Transition; Shot, General and
unknown types read as action, a centered Action/General as centered). A <DualDialogue> marks every
Character after its first as `dual`. A <ScriptNote> becomes a note right after the paragraph holding it;
document-level notes (Final Draft 11+ anchors them by a character Range) are read where they appear, i.e.
after the script, since the Range is not mapped. StartsNewPage="Yes" is a page_break before its paragraph.
Not read: styles, revisions, scene properties, omitted scenes, headers and footers, tags, SmartType lists.

Writing, so that reading gives back the same script:
- a note, section or synopsis is a ScriptNote on the paragraph before it (or on an empty General paragraph
  when there is none, or a page break comes between). Sections and synopses are notes whose text starts
  "Section <level>: " or "Synopsis: "; a real note starting that way gets one more leading backslash.
- dual dialogue wraps the speech before the dual cue and the dual speech in one <DualDialogue>; a dual cue
  with no speech before it gets an empty Character paragraph in front (read back as nothing).
- page_break is StartsNewPage="Yes" on the next paragraph (an empty General one if none comes).
- the title page is one paragraph per (key, value), its key in a FountainKey attribute, so every key, not only
  Title, Credit, Author, Source, Draft date, Contact, Copyright and Notes, reads back as written. A title page
  without that attribute (Final Draft's own) is guessed, texts kept as written: the first paragraph (and any
  before the credit) Title, "Written by"/"by" Credit, the next one Author, "Based on..." Source, "Draft..."/a
  date Draft date, "(c)"/"Copyright" Copyright, the rest Contact (one per line).
Not kept by a round trip: trailing whitespace, elements with empty text (an FDX empty paragraph is skipped),
characters XML cannot hold (control characters), and a cue with no dialogue (refused when read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler

from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.expatreader import create_parser

from filmmaker.errors import Problem, ScreenplayError
from filmmaker.script.elements import MAX_SCRIPT_BYTES, Element, Script, script_error

_REEXPORT = "re-export the script from Final Draft (File > Save As, Final Draft Document)"
# Only these elements are kept while reading; the rest (styles, layout, SmartType) could be megabytes.
_KEEP = frozenset(("Content", "TitlePage", "Paragraph", "Text", "DualDialogue", "ScriptNote", "ScriptNotes"))
_TYPES = {"Scene Heading": "heading", "Action": "action", "General": "action", "Shot": "action",
          "Character": "character", "Parenthetical": "parenthetical", "Dialogue": "dialogue",
          "Lyrics": "lyric", "Lyric": "lyric", "Transition": "transition"}
_FDX_TYPE = {"heading": "Scene Heading", "action": "Action", "centered": "Action", "character": "Character",
             "parenthetical": "Parenthetical", "dialogue": "Dialogue", "lyric": "Lyrics",
             "transition": "Transition"}
_SPEECH = ("Parenthetical", "Dialogue", "Lyrics")
_EXTENSION = re.compile(r"^(.*?)\s*((?:\([^()]*\)\s*)+)$", re.DOTALL)
_OUTLINE = re.compile(r"^(\\*)(?:Section (\d+)|(Synopsis)):(?: (.*))?$", re.DOTALL)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CREDIT = re.compile(r"^(?:[A-Za-z&',. -]{0,40}\s)?by:?$", re.IGNORECASE)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DRAFT = re.compile(rf"^(?:(?:\w+ )?draft\b|revised\b|revision\b|\d{{1,4}}[/.-]\d{{1,2}}[/.-]\d{{1,4}}$"
                    rf"|{_MONTH} \d{{1,2}},? \d{{4}}$|\d{{1,2}} {_MONTH} \d{{4}}$|{_MONTH},? \d{{4}}$)",
                    re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)", re.IGNORECASE)
_SOURCE = re.compile(r"^based on\b", re.IGNORECASE)
_TOP_KEYS = ("Title", "Credit", "Author", "Authors", "Source")


# --- reading -------------------------------------------------------------------------------------------------

@dataclass(eq=False)
class _Node:
    tag: str
    attrs: dict[str, str]
    pos: tuple[int, int]
    children: list[_Node] = field(default_factory=list)
    chars: list[str] = field(default_factory=list)

    def kids(self, tag: str) -> list[_Node]:
        return [c for c in self.children if c.tag == tag]

    def text(self) -> str:
        return "".join("".join(t.chars) for t in self.kids("Text")).rstrip()


class _Builder(ContentHandler):
    def __init__(self, path: Path):
        super().__init__()
        self.path, self.root, self.stack = path, None, []
        self.parser = None  # asked where expat is: feed() sets no document locator

    def startElement(self, name, attrs):
        pos = (self.parser.getLineNumber(), self.parser.getColumnNumber() + 1)
        parent = self.stack[-1] if self.stack else None
        node = None
        if self.root is None:
            if name != "FinalDraft":  # refuse at once: no need to read a large foreign document
                raise script_error(self.path, pos, name, f"this is not a Final Draft file: its root is <{name}>, "
                                   "not <FinalDraft>; open it in Final Draft and save it as a .fdx")
            node = self.root = _Node(name, dict(attrs.items()), pos)
        elif parent is not None and name in _KEEP:
            node = _Node(name, dict(attrs.items()), pos)
            parent.children.append(node)
        self.stack.append(node)

    def endElement(self, name):
        self.stack.pop()

    def characters(self, content):
        if self.stack and self.stack[-1] is not None and self.stack[-1].tag == "Text":
            self.stack[-1].chars.append(content)


def _doctype_at(data: bytes) -> tuple[int, int] | None:
    """Where <!DOCTYPE starts (expat is past its name by then); ASCII-compatible encodings only."""
    at = data.find(b"<!DOCTYPE")
    return (data.count(b"\n", 0, at) + 1, at - data.rfind(b"\n", 0, at)) if at >= 0 else None


def _read_xml(data: bytes, path: Path) -> _Node:
    builder = _Builder(path)
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(builder)
    builder.parser = parser

    def here():
        return parser.getLineNumber(), parser.getColumnNumber() + 1

    try:
        parser.feed(data)
        parser.close()
    except SAXParseException as e:
        raise script_error(path, (e.getLineNumber(), e.getColumnNumber() + 1), "xml",
                           f"not well-formed XML ({e.getMessage()}); fix the file here or {_REEXPORT}") from None
    except DTDForbidden:
        raise script_error(path, _doctype_at(data) or here(), "xml", "the file declares a DTD (<!DOCTYPE ...>); "
                           f"Final Draft never writes one: remove it or {_REEXPORT}") from None
    except EntitiesForbidden as e:
        raise script_error(path, here(), "xml", f"the file declares an entity (<!ENTITY {e.name} ...>); "
                           f"Final Draft never writes one: remove it or {_REEXPORT}") from None
    except ExternalReferenceForbidden as e:
        raise script_error(path, here(), "xml", f"the file refers to an external entity ({e.sysid}); Final "
                           f"Draft never writes one: remove it or {_REEXPORT}") from None
    assert builder.root is not None  # expat reports a document without a root as not well-formed
    return builder.root


def _note(node: _Node) -> Element:
    paras = node.kids("Paragraph")
    text = "\n".join(p.text() for p in paras) if paras else node.text()
    m = _OUTLINE.match(text)
    if m and not m.group(1):
        kind = "synopsis" if m.group(3) else "section"
        return Element(kind, m.group(4) or "", node.pos, level=int(m.group(2) or 0))
    return Element("note", text[1:] if m else text, node.pos)  # drop the escaping backslash


def _notes(node: _Node, out: list[Element]) -> None:
    for child in node.children:
        if child.tag == "ScriptNote":
            out.append(_note(child))
        elif child.tag == "ScriptNotes":
            out.extend(_note(n) for n in child.kids("ScriptNote"))


def _paragraph(p: _Node, out: list[Element], dual: bool = False, nested: bool = False) -> None:
    if p.attrs.get("StartsNewPage") == "Yes":
        out.append(Element("page_break", "", p.pos))
    text, fdx_type = p.text(), p.attrs.get("Type", "")
    kind = _TYPES.get(fdx_type, "action")
    if not text:
        pass
    elif kind == "heading":
        out.append(Element("heading", text, p.pos, number=p.attrs.get("Number") or None))
    elif kind == "character":
        m = _EXTENSION.match(text)
        name, ext = (m.group(1), m.group(2).rstrip()) if m and m.group(1) else (text, None)
        out.append(Element("character", name, p.pos, extension=ext, dual=dual))
    elif kind == "parenthetical":
        text = text if text.startswith("(") else "(" + text
        out.append(Element("parenthetical", text if text.endswith(")") else text + ")", p.pos))
    elif kind == "action" and fdx_type in ("Action", "General") and p.attrs.get("Alignment") == "Center":
        out.append(Element("centered", text, p.pos))
    else:
        out.append(Element(kind, text, p.pos))
    if not nested:  # a DualDialogue inside a DualDialogue is not Final Draft's: not followed
        for wrapper in p.kids("DualDialogue"):
            cues = 0
            for inner in wrapper.kids("Paragraph"):
                cues += inner.attrs.get("Type") == "Character"
                _paragraph(inner, out, dual=cues > 1 and inner.attrs.get("Type") == "Character", nested=True)
    _notes(p, out)


def _guess_title_page(texts: list[str]) -> list[tuple[str, str]]:
    credit = next((i for i, t in enumerate(texts) if _CREDIT.match(t)), None)
    pairs: list[tuple[str, str]] = []
    contact: list[str] = []
    for i, t in enumerate(texts):
        if i == credit:
            pairs.append(("Credit", t))
        elif credit is not None and i == credit + 1:
            pairs.append(("Author", t))
        elif i == 0:
            pairs.append(("Title", t))
        elif credit is not None and i < credit:  # a title over several paragraphs
            pairs[0] = ("Title", pairs[0][1] + "\n" + t)
        elif _DRAFT.match(t):
            pairs.append(("Draft date", t))
        elif _COPYRIGHT.match(t):
            pairs.append(("Copyright", t))
        elif _SOURCE.match(t):
            pairs.append(("Source", t))
        else:
            contact.append(t)
    return pairs + ([("Contact", "\n".join(contact))] if contact else [])


def _title_page(root: _Node) -> tuple[tuple[str, str], ...]:
    marked: list[tuple[str, str]] = []
    plain: list[str] = []
    for page in root.kids("TitlePage"):
        for content in page.kids("Content"):
            for p in content.kids("Paragraph"):
                if "FountainKey" in p.attrs:
                    marked.append((p.attrs["FountainKey"], p.text()))
                elif p.text().strip():
                    plain.append(p.text().strip())
    return tuple(marked + _guess_title_page(plain))


def _check_cues(path: Path, elements: list[Element]) -> None:
    problems = []
    for i, e in enumerate(elements):
        if e.kind != "character":
            continue
        j = i + 1
        while j < len(elements) and elements[j].kind in ("parenthetical", "note", "section", "synopsis",
                                                          "page_break"):
            j += 1
        if j == len(elements) or elements[j].kind not in ("dialogue", "lyric"):
            problems.append(Problem(path, *e.pos, "character", f"{e.text!r}: a character cue with no dialogue; "
                                    "add the line or make it action"))
    if problems:
        raise ScreenplayError(problems)


def parse_fdx(data: bytes, path: Path) -> Script:
    """Read a Final Draft document; every refusal is a ScreenplayError pointing into the file."""
    if len(data) > MAX_SCRIPT_BYTES:
        raise script_error(path, (1, 1), "", f"the file is {len(data):,} bytes, over the {MAX_SCRIPT_BYTES:,} "
                           "a script needs; is it a Final Draft script?")
    root = _read_xml(data, path)
    out: list[Element] = []
    for child in root.children:  # notes outside paragraphs are read where they appear
        for node in child.children if child.tag == "Content" else [child]:
            if node.tag == "Paragraph" and child.tag == "Content":
                _paragraph(node, out)
            elif node.tag in ("ScriptNote", "ScriptNotes"):
                _notes(_Node("", {}, node.pos, [node]), out)
    _check_cues(path, out)
    return Script(path, _title_page(root), tuple(out))


# --- writing -------------------------------------------------------------------------------------------------

@dataclass(eq=False)
class _Para:
    type: str | None  # None: the paragraph wrapping a DualDialogue; "": a title page paragraph (no Type)
    text: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    inner: list[_Para] = field(default_factory=list)


def _esc(text: str, attr: bool = False) -> str:
    text = _NOT_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\r", "&#13;")
    return text.replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;") if attr else text


def _note_text(e: Element) -> str:
    if e.kind == "section":
        return f"Section {e.level}: {e.text}"
    if e.kind == "synopsis":
        return f"Synopsis: {e.text}"
    return "\\" + e.text if _OUTLINE.match(e.text) else e.text


def _xml(p: _Para, pad: str, out: list[str]) -> None:
    named = ({"Type": p.type} if p.type else {}) | p.attrs
    attrs = "".join(f' {k}="{_esc(v, True)}"' for k, v in named.items())
    out.append(f"{pad}<Paragraph{attrs}>")
    if p.type is None:
        out.append(f"{pad}  <DualDialogue>")
        for inner in p.inner:
            _xml(inner, pad + "    ", out)
        out.append(f"{pad}  </DualDialogue>")
    else:
        out.append(f"{pad}  <Text>{_esc(p.text)}</Text>")
    for note in p.notes:
        out += [f"{pad}  <ScriptNote>", f"{pad}    <Paragraph>", f"{pad}      <Text>{_esc(note)}</Text>",
                f"{pad}    </Paragraph>", f"{pad}  </ScriptNote>"]
    out.append(f"{pad}</Paragraph>")


def _speech_before(paras: list[_Para]) -> list[_Para]:
    """Take the speech that ends `paras` out of it, to share a DualDialogue with the dual one."""
    k = len(paras)
    while k and paras[k - 1].type in _SPEECH:
        k -= 1
    if not k or paras[k - 1].type != "Character":
        return [_Para("Character")]  # read back as nothing, so the dual cue stays second
    speech = paras[k - 1:]
    del paras[k - 1:]
    return speech


def write_fdx(script: Script) -> str:
    """Write a Final Draft 5 document that `parse_fdx` reads back to the same title page and elements."""
    paras: list[_Para] = []
    dual: _Para | None = None  # the DualDialogue still taking the dual speech's lines
    new_page = False

    def add(p: _Para, into: list[_Para]) -> _Para:
        nonlocal new_page
        if new_page:
            p.attrs["StartsNewPage"], new_page = "Yes", False
        into.append(p)
        return p

    for e in script.elements:
        here = dual.inner if dual else paras
        if e.kind == "page_break":
            if new_page:
                add(_Para("General"), here)
            new_page = True
        elif e.kind in ("note", "section", "synopsis"):
            target = here[-1] if here and not new_page else add(_Para("General"), here)
            target.notes.append(_note_text(e))
        elif e.kind in ("parenthetical", "dialogue", "lyric") and dual:
            add(_Para(_FDX_TYPE[e.kind], e.text), dual.inner)
        elif e.kind == "character" and e.dual:
            speech = _speech_before(paras) if dual is None else [_Para("Character")]
            dual = _Para(None, inner=speech)
            paras.append(dual)
            add(_Para("Character", f"{e.text} {e.extension}" if e.extension else e.text), dual.inner)
        else:
            dual = None
            p = add(_Para(_FDX_TYPE.get(e.kind, "Action"), e.text), paras)
            if e.kind == "heading" and e.number:
                p.attrs["Number"] = e.number
            elif e.kind == "centered":
                p.attrs["Alignment"] = "Center"
            elif e.kind == "character" and e.extension:
                p.text = f"{e.text} {e.extension}"
    if new_page:
        add(_Para("General"), dual.inner if dual else paras)

    out = ['<?xml version="1.0" encoding="UTF-8" standalone="no" ?>',
           '<FinalDraft DocumentType="Script" Template="No" Version="5">', "", "  <Content>"]
    for p in paras:
        _xml(p, "    ", out)
    out += ["  </Content>", "", "  <TitlePage>", "    <Content>"]
    for i, (key, value) in enumerate(script.title_page):
        if i:  # a blank line between entries, read back as nothing
            out.append('      <Paragraph Alignment="Center"/>')
        align = "Center" if key in _TOP_KEYS else "Left"
        _xml(_Para("", value, {"Alignment": align, "FountainKey": key}), "      ", out)
    out += ["    </Content>", "  </TitlePage>", "", "</FinalDraft>", ""]
    return "\n".join(out)
