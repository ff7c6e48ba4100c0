"""What a still or a piece of footage shows, in words, for the media library's index.

The words come from the most deliberate source a file has: a sidecar the writer wrote (JSON, then
plain text) beats metadata a photo tool embedded (XMP, then IPTC, then EXIF), which beats words
guessed from the file name. Nothing here raises on a bad file: a library scan meets thousands of
files, and one broken sidecar or damaged image should cost only its own description. What went
wrong comes back in `Description.warnings`, naming the file and the fix.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

# Pillow reads embedded metadata from these; footage and anything else get sidecars and the name.
EMBEDDED_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff"}
SIDECAR_LIMIT = 1 << 20  # a description is a paragraph; a megabyte is a mistake, not a caption

# What cameras write into EXIF ImageDescription when nobody described anything.
_CAMERA_PLACEHOLDERS = {"olympus digital camera", "sony dsc", "digital camera", "kodak digital still camera",
                        "minolta digital camera", "lg digital camera", "samsung", "default", "dcim", "image"}
# File-name prefixes that cameras and phones add: they name the device, not the picture.
_CAMERA_PREFIXES = {"img", "dsc", "dscf", "dscn", "dcim", "pxl", "vid", "mvi", "gopr", "dji", "mov", "wa"}
_LICENCE_LINE = re.compile(r"^\s*licen[cs]e\s*:\s*(.*?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Description:
    text: str  # the words to embed (description, plus title/tags when useful)
    source: str  # "sidecar", "xmp", "iptc", "exif" or "filename"
    tags: tuple[str, ...] = ()
    licence: str | None = None
    title: str | None = None
    warnings: tuple[str, ...] = ()  # e.g. a sidecar that could not be read (named with the file and why)
    shots: tuple[str, ...] = ()  # footage: a JSON sidecar's words for each of its shots, in order


@dataclass(frozen=True)
class _Said:
    """What one source says; `licence` alone does not count as words."""

    description: str | None = None
    title: str | None = None
    tags: tuple[str, ...] = ()
    licence: str | None = None
    shots: tuple[str, ...] = ()

    @property
    def has_words(self) -> bool:
        return bool(self.description or self.title or self.tags)


def sidecars(media: Path) -> list[Path]:
    """The sidecar files beside `media` that exist, in precedence order: JSON before plain text,
    and within each the one named for the whole file (rocket.jpg.json) before the one named for
    its stem (rocket.json), since rocket.jpg and rocket.mp4 may share the latter."""
    media = Path(media)
    found: list[Path] = []
    for ext in (".json", ".txt"):
        for candidate in (media.with_name(media.name + ext), media.with_suffix(ext)):
            # is_file() first: a FIFO or device named like a sidecar would block the read forever
            if candidate != media and candidate not in found and candidate.is_file():
                found.append(candidate)
    return found


def describe_media(media: Path) -> Description:
    """Words for `media` from its best source; the licence comes from the first sidecar naming one,
    even a sidecar that says nothing else. Never raises for a bad file: see `warnings`."""
    media = Path(media)
    warnings: list[str] = []
    said = [_read_sidecar(sidecar, warnings) for sidecar in sidecars(media)]
    licence = next((s.licence for s in said if s and s.licence), None)
    best = next((s for s in said if s and s.has_words), None)
    if best is not None:
        return _description(best, "sidecar", licence, warnings)
    if media.suffix.lower() in EMBEDDED_SUFFIXES and media.is_file():
        for source, embedded in _embedded(media, warnings):
            if embedded.has_words:
                return _description(embedded, source, licence, warnings)
    return Description(text=filename_words(media), source="filename", licence=licence,
                       warnings=tuple(warnings))


def licence_of(media: Path) -> str | None:
    """The licence its sidecars state (JSON `licence`/`license`, or a `licence:` line in the .txt)."""
    for sidecar in sidecars(Path(media)):
        said = _read_sidecar(sidecar, [])
        if said and said.licence:
            return said.licence
    return None


def filename_words(media: Path) -> str:
    """Words guessed from a file name: "rocket_launch-pad_0042.jpg" -> "rocket launch pad"."""
    words = []
    for chunk in re.split(r"[\W_]+", Path(media).stem):
        # camelCase and letter/digit boundaries: "rocketLaunch2" -> rocket Launch 2
        chunk = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=\d)(?=\D)|(?<=\D)(?=\d)", " ", chunk)
        for word in chunk.lower().split():
            if word.isdigit() or word in _CAMERA_PREFIXES or (len(word) == 1 and word.isascii()):
                continue
            words.append(word)
    return " ".join(words)


def _description(said: _Said, source: str, licence: str | None, warnings: list[str]) -> Description:
    return Description(text=_words(said), source=source, tags=said.tags, licence=licence or said.licence,
                       title=said.title, warnings=tuple(warnings), shots=said.shots)


def _words(said: _Said) -> str:
    """Title, description and the tags it does not already mention, as one passage to embed."""
    description = said.description or ""
    parts = []
    if said.title and said.title.lower() not in description.lower():
        parts.append(said.title)
    if description:
        parts.append(description)
    mentioned = " ".join(parts).lower()
    extra = [tag for tag in said.tags if tag.lower() not in mentioned]
    if extra:
        parts.append(", ".join(extra))
    text = ""
    for part in parts:
        text = part if not text else text + (" " if text[-1] in ".!?" else ". ") + part
    return text


def _clean(text: str | None) -> str | None:
    """Whitespace collapsed (XMP and sidecars wrap lines anywhere); None for nothing."""
    if text is None:
        return None
    text = " ".join(str(text).replace("\x00", " ").split())
    return text or None


# --- sidecars -------------------------------------------------------------------------------------

def _read_sidecar(path: Path, warnings: list[str]) -> _Said | None:
    text = _sidecar_text(path, warnings)
    if text is None:
        return None
    if path.suffix == ".json":
        return _json_sidecar(path, text, warnings)
    licence, lines = None, []
    for line in text.splitlines():
        match = _LICENCE_LINE.match(line)
        if match and licence is None:
            licence = _clean(match.group(1))
        else:
            lines.append(line)
    said = _Said(description=_clean("\n".join(lines)), licence=licence)
    if not said.has_words and not licence:
        warnings.append(f"{path}: the sidecar is empty; write what the picture shows in it, or delete it")
    return said


def _sidecar_text(path: Path, warnings: list[str]) -> str | None:
    try:
        size = path.stat().st_size
        if size <= SIDECAR_LIMIT:
            with path.open("rb") as handle:
                data = handle.read(SIDECAR_LIMIT + 1)  # the file may have grown since stat()
            size = len(data)
        if size > SIDECAR_LIMIT:
            warnings.append(f"{path}: the sidecar is {size} bytes, over the {SIDECAR_LIMIT} byte limit; "
                            f"keep it to a description, or delete it")
            return None
        return data.decode("utf-8-sig")  # -sig: Windows editors start UTF-8 files with a BOM
    except UnicodeDecodeError as exc:
        warnings.append(f"{path}: the sidecar is not UTF-8 (byte {exc.start}); save it as UTF-8")
    except OSError as exc:
        warnings.append(f"{path}: the sidecar cannot be read ({exc.strerror or exc}); check its permissions")
    return None


def _json_sidecar(path: Path, text: str, warnings: list[str]) -> _Said | None:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        warnings.append(f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                        f"fix it, e.g. {{\"description\": \"...\"}}, or delete it")
        return None
    except (ValueError, RecursionError) as exc:  # nesting too deep for the parser
        warnings.append(f"{path}: not usable JSON ({type(exc).__name__}); "
                        f"write {{\"description\": \"...\"}} instead")
        return None
    if not isinstance(doc, dict):
        warnings.append(f"{path}: the JSON is {type(doc).__name__}, not an object; "
                        f"write {{\"description\": \"...\", \"tags\": [...], \"licence\": \"...\"}}")
        return None

    def string(*keys: str) -> str | None:
        for key in keys:
            value = doc.get(key)
            if value is None:
                continue
            if isinstance(value, str):
                return _clean(value)
            warnings.append(f"{path}: \"{key}\" should be a string, not {type(value).__name__}; ignored")
        return None

    tags = doc.get("tags")
    if isinstance(tags, str):  # "a, b, c" is what people type
        tags = tags.split(",")
    if tags is not None and not isinstance(tags, list):
        warnings.append(f"{path}: \"tags\" should be a list of strings, not {type(tags).__name__}; ignored")
        tags = []
    shots = doc.get("shots", [])
    if not (isinstance(shots, list) and all(isinstance(w, str) and w.strip() for w in shots)):
        warnings.append(f"{path}: \"shots\" should be a list of descriptions, one per shot in order; ignored")
        shots = []
    said = _Said(description=string("description"), title=string("title"),
                 tags=_tag_tuple(t for t in (tags or []) if isinstance(t, str)),
                 licence=string("licence", "license"), shots=tuple(_clean(w) for w in shots))
    if not said.has_words and not said.licence:
        warnings.append(f"{path}: the JSON has no \"description\", \"title\" or \"tags\"; add a description")
    return said


def _tag_tuple(tags) -> tuple[str, ...]:
    out: list[str] = []
    for tag in tags:
        tag = _clean(tag)
        if tag and tag not in out:
            out.append(tag)
    return tuple(out)


# --- embedded metadata ----------------------------------------------------------------------------

def _embedded(media: Path, warnings: list[str]):
    """Yields (source, what it says) for XMP, IPTC and EXIF, in that order, lazily: a caller that
    stops at XMP is not warned about a broken EXIF block it never needed. Each is read on its own,
    so a broken XMP packet still leaves the IPTC caption. Nothing raises."""
    try:
        from PIL import Image, IptcImagePlugin
    except ImportError:
        return
    readers = (("xmp", lambda im: _from_xmp(im.getxmp())),
               ("iptc", lambda im: _from_iptc(IptcImagePlugin.getiptcinfo(im))),
               ("exif", lambda im: _from_exif(im.getexif())))
    try:
        image = Image.open(media)  # parses the header only: no pixels are decoded
    except Exception as exc:  # noqa: BLE001 - Pillow raises a dozen kinds for a damaged file
        warnings.append(f"{media}: cannot be opened as an image ({type(exc).__name__}: {exc}); "
                        f"the file may be damaged: re-export it")
        return
    with image:
        for source, read in readers:
            try:
                said = read(image)
            except Exception as exc:  # noqa: BLE001 - a hostile packet raises anything (ParseError, struct.error...)
                warnings.append(f"{media}: its {source.upper()} metadata cannot be read "
                                f"({type(exc).__name__}: {exc}); describe it in a sidecar instead")
                continue
            yield source, said


def _from_xmp(xmp: dict) -> _Said:
    # Tools write one rdf:Description per schema or one for all: take the first of each field.
    blocks = list(_rdf_descriptions(xmp))
    description = next(filter(None, (_lang_alt(b.get("description")) for b in blocks)), None)
    title = next(filter(None, (_lang_alt(b.get("title")) for b in blocks)), None)
    tags = _tag_tuple(tag for b in blocks for tag in _list_items(b.get("subject")))
    return _Said(description=description, title=title, tags=tags)


def _rdf_descriptions(node):
    """Every rdf:Description in Pillow's XMP dict (one per schema, or all in one), in order."""
    if isinstance(node, list):
        for item in node:
            yield from _rdf_descriptions(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Description":
                yield from (v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict))
            else:
                yield from _rdf_descriptions(value)


def _lang_alt(value) -> str | None:
    """An rdf:Alt's x-default text (else its first), or a plain attribute's value."""
    items = _list_items(value, keep_lang=True)
    default = [text for lang, text in items if lang == "x-default"]
    return _clean((default or [text for _, text in items] or [None])[0])


def _list_items(value, keep_lang: bool = False) -> list:
    """The texts of an rdf:Alt/Bag/Seq (or of a plain string), as Pillow's getxmp() shapes them."""
    out: list = []

    def walk(node, lang=None):
        if isinstance(node, str):
            out.append((lang, node) if keep_lang else node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if "text" in node:
                walk(node["text"], node.get("lang"))
            for key in ("Alt", "Bag", "Seq", "li"):
                if key in node:
                    walk(node[key])

    walk(value)
    return out


def _from_iptc(info: dict | None) -> _Said:
    if not info:
        return _Said()
    utf8 = _values(info.get((1, 90))) == [b"\x1b%G"]  # the coded character set the record declares

    def text(raw: bytes) -> str:
        if utf8:
            return raw.decode("utf-8", "replace")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.decode("cp1252", "replace")  # the de facto default of older IPTC writers

    def first(*keys) -> str | None:
        for key in keys:
            for raw in _values(info.get(key)):
                if (value := _clean(text(raw))) is not None:
                    return value
        return None

    return _Said(description=first((2, 120)), title=first((2, 105), (2, 5)),
                 tags=_tag_tuple(text(raw) for raw in _values(info.get((2, 25)))))


def _values(value) -> list[bytes]:
    if value is None:
        return []
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, bytes)]


def _from_exif(exif) -> _Said:
    value = exif.get(0x010E)  # ImageDescription
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    value = _clean(value) if isinstance(value, str) else None
    if value and value.lower() in _CAMERA_PLACEHOLDERS:
        value = None
    return _Said(description=value)
