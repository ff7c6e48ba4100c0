"""Who an actor is and what they agreed to, as the screenplay says it:

    actors:
      eileen:
        face: media/faces/eileen.jpg
        person: real                 # real | fictional | public-domain
        consent:
          release: releases/eileen-2026.pdf   # the signed release (its SHA-256 goes to consent.lock)
          covers: [face, voice]
          uses: [audition, internal]          # audition | internal | release
          expires: 2027-06-30

Whether the cut may use them is decided by `filmmaker.consent` before any work.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from filmmaker.screenplay.model import Consent
from filmmaker.screenplay.reader import NodeReader, position

PERSONS = ("real", "fictional", "public-domain")
DISCLOSURE_CARDS = ("end", "open", "both", "none")
NONCOMMERCIAL = ("dlib-68", "jukebox", "musicgen", "xtts")  # the names credits.noncommercial gives
COVERS = ("face", "voice")
USES = ("audition", "internal", "release")
CONSENT_KEYS = ("release", "covers", "uses", "expires")
RELEASE_SUFFIXES = {".pdf", ".txt", ".md", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".html", ".odt", ".docx"}


def read_person(reader: NodeReader, node: yaml.Node, field_name: str) -> str:
    return reader.choice(node, field_name, PERSONS, "real")


def read_consent(reader: NodeReader, node: yaml.Node, field_name: str) -> Consent | None:
    m = reader.mapping(node, field_name, CONSENT_KEYS, required=("release", "covers", "uses"))
    pos = {key: position(value) for key, value in m.items()}
    pos[""] = position(node)
    release = reader.file(m["release"], f"{field_name}.release", RELEASE_SUFFIXES, "a signed release document") \
        if "release" in m else None
    covers = _list(reader, m.get("covers"), f"{field_name}.covers", COVERS)
    uses = _list(reader, m.get("uses"), f"{field_name}.uses", USES)
    expires = _date(reader, m["expires"], f"{field_name}.expires") if "expires" in m else None
    return Consent(release, covers, uses, expires, pos=pos)


def _list(reader: NodeReader, node: yaml.Node | None, field_name: str, choices: tuple[str, ...]) -> tuple[str, ...]:
    if node is None:
        return ()
    items = node.value if isinstance(node, yaml.SequenceNode) else [node]
    values = []
    for i, item in enumerate(items):
        where = f"{field_name}[{i}]" if isinstance(node, yaml.SequenceNode) else field_name
        value = reader.choice(item, where, choices, "")
        if value:
            values.append(value)
    return tuple(dict.fromkeys(values))


def _date(reader: NodeReader, node: yaml.Node, field_name: str) -> dt.date | None:
    text = node.value if isinstance(node, yaml.ScalarNode) else ""
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        reader.fail(node, field_name, f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2027-06-30")
        return None


def read_disclosure(reader: NodeReader, node: yaml.Node) -> tuple[str, tuple[int, int]]:
    """`disclosure: {card: end|open|both|none}`: where the card saying who is synthetic goes."""
    card = reader.mapping(node, "disclosure", ("card",)).get("card")
    return (reader.choice(card, "disclosure.card", DISCLOSURE_CARDS, "end") if card else "end"), position(node)


def read_licences(reader: NodeReader, node: yaml.Node) -> tuple[tuple[str, ...], tuple[int, int]]:
    """`licences: {accept_noncommercial: [jukebox]}`: non-commercial components a release may use."""
    listed = reader.mapping(node, "licences", ("accept_noncommercial",)).get("accept_noncommercial")
    items = listed.value if isinstance(listed, yaml.SequenceNode) else [listed] if listed is not None else []
    accepted = [reader.choice(item, "licences.accept_noncommercial", NONCOMMERCIAL, "") for item in items]
    return tuple(name for name in accepted if name), position(node)


def read_provenance(reader: NodeReader, node: yaml.Node) -> tuple[Path | None, Path | None]:
    """`provenance: {cert: my-chain.pem, key: my-key.pem}`: the user's own signing certificate."""
    m = reader.mapping(node, "provenance", ("cert", "key"), required=("cert", "key"))
    pem = {".pem", ".crt", ".cer", ".key"}
    cert = reader.file(m["cert"], "provenance.cert", pem, "a PEM certificate chain", media=False) \
        if "cert" in m else None
    key = reader.file(m["key"], "provenance.key", pem, "a PEM private key", media=False) if "key" in m else None
    return (cert, key) if cert and key else (None, None)
