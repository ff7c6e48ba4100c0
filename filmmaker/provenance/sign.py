"""Sign a finished cut with its C2PA manifest, and read a film's manifest back.

Layout: c2pa (BMFF) writes its manifest store as one `uuid` box right after `ftyp`, before `moov`,
and rewrites the chunk offsets in `moov` by the box's size; no other box moves. So a `+faststart`
film (moov before mdat) stays faststart, and every track stays. `sign_film` checks both on what it
wrote, before it renames it into place. Fragmented MP4 is refused: c2pa-python cannot sign it.

Re-signing a signed film replaces its manifest (c2pa writes one store; the old one is not kept).
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

from filmmaker.errors import RenderError
from filmmaker.partials import part_prefix
from filmmaker.provenance.keys import PROJECT_ORG, SignerConfig
from filmmaker.provenance.manifest import CAST_LABEL, FilmProvenance, manifest_json

C2PA_UUID = bytes.fromhex("d8fec3d61b0e483c92975828877ec481")  # the BMFF uuid box c2pa stores its manifest in
SIGNER_LABEL = "org.filmmaker.signer"
MP4 = "video/mp4"
# Validation codes that mean the file's bytes (media or manifest) differ from what was signed
CHANGED_CODES = {"assertion.dataHash.mismatch", "assertion.bmffHash.mismatch", "assertion.boxesHash.mismatch",
                 "assertion.collectionHash.mismatch", "assertion.hashedURI.mismatch", "claimSignature.mismatch"}

_UMASK = os.umask(0)
os.umask(_UMASK)


class NotSigned(RenderError):
    """The film carries no C2PA manifest."""


def sign_film(src: Path, dst: Path, provenance: FilmProvenance, signer: SignerConfig) -> None:
    """Write `src` with its signed manifest to `dst`: through a temp file beside `dst`, checked
    (one manifest box, the same tracks, still faststart if `src` was) and then renamed, so `dst`
    is the whole signed film or untouched. `dst` may be `src`."""
    import c2pa

    src, dst = Path(src), Path(dst)
    before = _layout(src)
    definition = manifest_json(provenance)
    # the signer's own word on its key (read_film: a user's self-signed leaf is still self-signed)
    definition["assertions"].append({"label": SIGNER_LABEL, "data": {"self_signed": signer.self_signed,
                                                                     "subject": signer.subject}})
    try:
        fd, tmp = tempfile.mkstemp(prefix=part_prefix(dst.stem), suffix=f".part{dst.suffix}", dir=dst.parent)
    except OSError as exc:
        raise RenderError(f"cannot write the signed film beside {dst}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w+b") as out, open(src, "rb") as source:
            with c2pa.Builder(definition) as builder, signer.c2pa_signer() as c2pa_signer:
                builder.sign(c2pa_signer, MP4, source, out)
            out.flush()
            os.fsync(out.fileno())
        _check_signed(before, _layout(Path(tmp)), src)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a film opens like any file
        os.replace(tmp, dst)
    except c2pa.C2paError as exc:
        raise RenderError(f"signing {src} with its C2PA manifest failed ({signer.subject}): {_said(exc)}") from None
    except OSError as exc:
        raise RenderError(f"signing {src} into {dst} failed: {exc.strerror or exc}") from None
    finally:
        Path(tmp).unlink(missing_ok=True)


def read_film(path: Path, trust: Path | None = None) -> dict:
    """A film's C2PA manifest as c2pa.Reader gives it, with its validation, read offline.

    `trust`: a PEM file of extra trust anchors (e.g. the project CA, SignerConfig.trust_anchor);
    a film signed under one of them reads as trusted. Returns:
      manifest_store      the whole store (c2pa.Reader.json())
      active_label        the active manifest's label
      active_manifest     the active manifest
      validation_state    "Invalid" | "Valid" | "Trusted"
      validation_status   c2pa's list of status entries ({code, url, explanation}), failures only
      changed             whether the media or the manifest changed after signing (a hash mismatch)
      signer              the signature's info (issuer, common_name, alg, time, cert_serial_number)
      self_signed         signed with a self-signed key (a project key): integrity, not identity
      trusted             the signing chain ends in a trust anchor the reader was given
      cast                the per-shot swapped faces and cloned voices (org.filmmaker.cast), or None
    Raises NotSigned if the film has no manifest, RenderError if it cannot be read.
    """
    import c2pa

    path = Path(path)
    settings: dict = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}  # offline, always
    try:
        if trust is not None:
            settings["trust"] = {"user_anchors": Path(trust).read_text()}
        with open(path, "rb") as fh, c2pa.Context.from_dict(settings) as context:
            reader = c2pa.Reader.try_create(MP4, fh, None, context)
            if reader is None:
                raise NotSigned(f"{path} carries no C2PA manifest: it was not signed, or its manifest was removed")
            with reader:
                store = json.loads(reader.json())
                state = reader.get_validation_state()
    except c2pa.C2paError as exc:
        raise RenderError(f"cannot read the C2PA manifest of {path}: {_said(exc)} (a damaged manifest, or one "
                          "changed after signing)") from None
    except OSError as exc:
        raise RenderError(f"cannot read {exc.filename or path}: {exc.strerror or exc}") from None
    label = store.get("active_manifest")
    active = store.get("manifests", {}).get(label) or {}
    status = store.get("validation_status") or []
    results = (store.get("validation_results") or {}).get("activeManifest") or {}
    codes = {s.get("code") for s in status} | {s.get("code") for s in results.get("failure", [])}
    assertions = {a.get("label"): a.get("data") for a in active.get("assertions", [])}
    signer = active.get("signature_info") or {}
    declared = (assertions.get(SIGNER_LABEL) or {}).get("self_signed") is True
    return {
        "manifest_store": store,
        "active_label": label,
        "active_manifest": active,
        "validation_state": state,
        "validation_status": status,
        "changed": bool(codes & CHANGED_CODES),
        "signer": signer,
        "self_signed": signer.get("issuer") == PROJECT_ORG or declared,
        "trusted": state == "Trusted",
        "cast": assertions.get(CAST_LABEL),
    }


def _said(exc: Exception) -> str:
    """c2pa's message, on one line."""
    return " ".join(str(exc).split()) or type(exc).__name__


# ---------------------------------------------------------------------------------------------
# the MP4's top-level layout, read from box headers (and moov), not from the media


@dataclass(frozen=True)
class Layout:
    boxes: tuple[str, ...]  # top-level box types in order, c2pa's manifest box left out
    manifests: int  # c2pa manifest boxes
    tracks: tuple[str, ...]  # each track's handler type (vide, soun, ...), in order

    @property
    def faststart(self) -> bool:
        return "moov" in self.boxes and "mdat" in self.boxes and self.boxes.index("moov") < self.boxes.index("mdat")


def _layout(path: Path) -> Layout:
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            boxes, manifests, moov, offset = [], 0, None, 0
            while offset < size:
                kind, start, length = _box_header(fh, offset, size, path)
                if kind == "uuid" and fh.read(16) == C2PA_UUID:
                    manifests += 1
                else:
                    boxes.append(kind)
                if kind == "moov":
                    fh.seek(offset + start)
                    moov = fh.read(length - start)
                offset += length
    except OSError as exc:
        raise RenderError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not boxes or boxes[0] != "ftyp" or moov is None:
        raise RenderError(f"{path} is not an MP4 (no ftyp and moov boxes); sign the cut filmmaker wrote")
    if "moof" in boxes:
        raise RenderError(f"{path} is a fragmented MP4, which c2pa-python cannot sign; write it with "
                          "-movflags +faststart instead of fragments")
    return Layout(tuple(boxes), manifests, tuple(_handlers(moov)))


def _box_header(fh, offset: int, size: int, path: Path) -> tuple[str, int, int]:
    """(type, header length, box length) of the box at `offset`; a box must fit in the file."""
    fh.seek(offset)
    head = fh.read(8)
    if len(head) < 8:
        raise RenderError(f"{path}: a truncated box at byte {offset}; the file is damaged")
    length, kind = struct.unpack(">I4s", head)
    start = 8
    if length == 1:
        length, start = struct.unpack(">Q", fh.read(8))[0], 16
    elif length == 0:
        length = size - offset
    if length < start or offset + length > size:
        raise RenderError(f"{path}: a box at byte {offset} runs past the end of the file; the file is damaged")
    return kind.decode("latin-1"), start, length


def _children(data: bytes):
    """(type, payload) of each box in `data`."""
    offset = 0
    while offset + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        start = 8
        if length == 1:
            length, start = struct.unpack(">Q", data[offset + 8:offset + 16])[0], 16
        elif length == 0:
            length = len(data) - offset
        if length < start:
            return
        yield kind.decode("latin-1"), data[offset + start:offset + length]
        offset += length


def _handlers(moov: bytes) -> list[str]:
    """moov/trak/mdia/hdlr handler_type of each track (after version+flags and pre_defined)."""
    found = []
    for kind, trak in _children(moov):
        if kind == "trak":
            mdia = next((p for k, p in _children(trak) if k == "mdia"), b"")
            hdlr = next((p for k, p in _children(mdia) if k == "hdlr"), b"")
            found.append(hdlr[8:12].decode("latin-1") if len(hdlr) >= 12 else "?")
    return found


def _check_signed(before: Layout, after: Layout, src: Path) -> None:
    if after.manifests != 1:
        raise RenderError(f"signing {src}: expected one C2PA manifest box in the result, found {after.manifests}")
    if after.tracks != before.tracks:
        raise RenderError(f"signing {src} changed its tracks: {before.tracks} became {after.tracks}")
    if after.boxes != before.boxes:
        raise RenderError(f"signing {src} moved its boxes: {before.boxes} became {after.boxes}"
                          + ("; the film is no longer faststart" if before.faststart and not after.faststart else ""))
