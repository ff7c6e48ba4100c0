"""The library's index: every still, and every shot of every piece of footage, with its words and
their embedding, cached by content.

Each file's record (its description, its shots, their vectors) is kept under a key made of the file's
bytes, its sidecars' bytes and the models' fingerprints, in `.filmmaker/library/`: re-indexing after
adding one file embeds that file alone, and a changed sidecar re-embeds its file. The whole index is
kept beside the records, so an unchanged library opens with one read.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from filmmaker.cache import FileHashes, atomic_write_bytes, content_key, file_sha256
from filmmaker.library.describe import describe_media, sidecars
from filmmaker.library.embed import ClipEmbedder, TextEmbedder
from filmmaker.library.shots import UnreadableMedia, footage_shots
from filmmaker.screenplay.model import LibrarySettings

VERSION = 1
STILL_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"}
FOOTAGE_SUFFIXES = {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi"}
# CLIP's text-to-frame cosines run about 0.2-0.35 for a good match where MiniLM's text-to-text run
# 0.5-0.8: scaled so that one threshold serves both
CLIP_SCALE = 2.5
CONTEXT_WEIGHT = 0.25  # how far a shot's scene and people lean its `find:` (its own words weigh 1)


@dataclass(frozen=True)
class Entry:
    """A still, or one shot of a piece of footage."""

    path: Path
    kind: str  # still or footage
    description: str
    source: str  # where the words came from: sidecar, xmp, iptc, exif, filename
    licence: str | None = None
    start: float = 0.0  # footage: the shot's in and out points, seconds
    end: float | None = None
    shot: int = 0  # footage: which shot of the file

    @property
    def seconds(self) -> float | None:
        return None if self.end is None else self.end - self.start

    @property
    def described(self) -> bool:
        return self.source != "filename"

    def label(self) -> str:
        return self.path.name if self.kind == "still" else f"{self.path.name} [{self.start:.2f}-{self.end:.2f}]"


@dataclass
class IndexReport:
    embedded: list[Path] = field(default_factory=list)  # files embedded by this run
    reused: int = 0  # files whose cached record served
    skipped: list[Path] = field(default_factory=list)  # unreadable or corrupt: left out, with a warning
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class LibraryIndex:
    entries: list[Entry]
    text: np.ndarray  # (N, d) unit vectors of the entries' descriptions
    clip: np.ndarray | None = None  # (N, D) unit vectors of their frames (undescribed entries), else zeros
    text_embedder: TextEmbedder | None = None
    clip_embedder: ClipEmbedder | None = None
    warnings: list[str] = field(default_factory=list)  # what its files' sidecars got wrong

    def scores(self, query: str, context: str = "") -> np.ndarray:
        """Each entry's cosine similarity to `query`; `context` (the scene, the people in it) leans
        the query a little its way."""
        q = self.text_embedder.encode([query] + ([context] if context else []))
        vector = q[0] + CONTEXT_WEIGHT * q[1] if context else q[0]
        scores = similarities(self.text, vector / np.linalg.norm(vector))
        if self.clip is not None and self.clip_embedder is not None:
            undescribed = np.array([not e.described for e in self.entries])
            if undescribed.any():
                seen = np.clip(similarities(self.clip, self.clip_embedder.encode_texts([query])[0]) * CLIP_SCALE,
                               -1, 1)
                scores = np.where(undescribed, np.maximum(scores, seen), scores)
        return scores

    def search(self, query: str, top: int = 10, context: str = "") -> list[tuple[Entry, float]]:
        return [(self.entries[i], score) for i, score in ranked(self.scores(query, context))[:top]]


def similarities(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """matrix @ vector, on torch's threads: the model just ran there, and OpenBLAS's threads, woken by a
    numpy product, spin on after it and starve the next query's embedding (p95 100 ms against 11 ms
    per query at 10,000 entries, measured by benchmarks/library.py)."""
    import torch

    return torch.mv(torch.from_numpy(np.ascontiguousarray(matrix)), torch.from_numpy(vector.astype(np.float32))).numpy()


def ranked(scores: np.ndarray) -> list[tuple[int, float]]:
    """Indices best first; ties (the shots of one clip, described once) in library order: deterministic."""
    rounded = np.round(scores.astype(np.float64), 6)
    order = np.lexsort((np.arange(len(scores)), -rounded))
    return [(int(i), float(rounded[i])) for i in order]


def library_files(settings: LibrarySettings, report: IndexReport) -> list[Path]:
    """The stills and footage in the library's folders, sorted, hidden files and folders left out.
    A link that leads out of every library folder is left out too: naming a folder consents to it alone."""
    files: dict[Path, None] = {}
    for folder in settings.media:
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if any(part.startswith(".") for part in rel.parts) or path.suffix.lower() not in \
                    STILL_SUFFIXES | FOOTAGE_SUFFIXES:
                continue
            real = path.resolve()
            if not any(real.is_relative_to(f) for f in settings.media):
                report.warnings.append(f"library: {path} leads outside the library folders (to {real}); left out")
            elif path.is_file():  # not a folder, FIFO or device that happens to be named .mp4
                files[path] = None
    return list(files)


def open_index(settings: LibrarySettings, state_dir: Path,
               progress: Callable[[int, int, Path], None] | None = None) -> tuple[LibraryIndex, IndexReport]:
    """The library's index, (re)making only the records of files that are new or changed."""
    started = time.perf_counter()
    report = IndexReport()
    folder = state_dir / "library"
    text = TextEmbedder(settings.text_model)
    clip = ClipEmbedder(settings.clip_model) if settings.clip_model else None
    hashes = FileHashes(folder / "file-hashes.json")
    files = library_files(settings, report)
    keys = [_record_key(path, hashes, text, clip) for path in files]
    whole = folder / f"index-{content_key({'records': keys, 'paths': [str(p) for p in files]})}.npz"
    if whole.is_file():
        index = _read_whole(whole)
        if index is not None:
            hashes.save()
            report.reused = len(files)
            report.warnings.extend(index.warnings)
            report.seconds = time.perf_counter() - started
            index.text_embedder, index.clip_embedder = text, clip
            return index, report
    entries: list[Entry] = []
    text_rows, clip_rows, said_wrong = [], [], []
    for i, (path, key) in enumerate(zip(files, keys)):
        if progress:
            progress(i, len(files), path)
        record_path = folder / "records" / f"{key}.npz"
        record = _read_record(record_path, path)
        if record is None:
            try:
                record = _make_record(path, text, clip)
            except UnreadableMedia as exc:
                report.skipped.append(path)
                report.warnings.append(f"library: skipped {exc}")
                continue
            _write_record(record_path, record)
            report.embedded.append(path)
        else:
            report.reused += 1
        file_entries, text_vectors, clip_vectors = record
        said_wrong += [f"library: {w}" for w in file_entries[0].get("warnings", [])]
        entries += [Entry(path=path, **{k: v for k, v in e.items() if k != "warnings"}) for e in file_entries]
        text_rows.append(text_vectors)
        clip_rows.append(clip_vectors)
    if progress:
        progress(len(files), len(files), None)
    dim = text_rows[0].shape[1] if text_rows else 384
    text_matrix = np.concatenate(text_rows) if text_rows else np.zeros((0, dim), np.float32)
    clip_matrix = np.concatenate(clip_rows) if clip is not None and clip_rows else None
    index = LibraryIndex(entries, text_matrix, clip_matrix, text, clip, said_wrong)
    report.warnings += said_wrong
    if not report.skipped:  # a library with a bad file is indexed again next time: it may be fixed
        for stale in folder.glob("index-*.npz"):
            stale.unlink(missing_ok=True)
        _write_whole(whole, index)
    hashes.save()
    report.seconds = time.perf_counter() - started
    return index, report


def _record_key(path: Path, hashes: FileHashes, text: TextEmbedder, clip: ClipEmbedder | None) -> str:
    side = {p.name: file_sha256(p) for p in sidecars(path)}
    return content_key({"v": VERSION, "sha256": hashes(path), "sidecars": side, "text": text.id,
                        "clip": clip.id if clip else None})


def _make_record(path: Path, text: TextEmbedder, clip: ClipEmbedder | None):
    """A file's entries (dicts), their text vectors and their frame vectors (CLIP; (n, 0) without it)."""
    description = describe_media(path)
    kind = "still" if path.suffix.lower() in STILL_SUFFIXES else "footage"
    if kind == "still":
        frame = _still_frame(path)  # decoded whole: a corrupt still is found here, not mid-build
        spans, frames = [(0.0, None)], [frame]
    else:
        _, shots = footage_shots(path)
        spans = [(s.start, s.end) for s in shots]
        frames = _middle_frames(path, shots) if clip is not None else []
    # a sidecar's `shots` list words each shot; past its end, or without one, the file's words serve
    words = [description.shots[n] if n < len(description.shots) else description.text for n in range(len(spans))]
    entries = [{"kind": kind, "source": description.source, "licence": description.licence, "description": said,
                "start": start, "end": end, "shot": n} for n, ((start, end), said) in enumerate(zip(spans, words))]
    entries[0]["warnings"] = list(description.warnings)
    text_vectors = text.encode([e["description"] for e in entries])
    clip_vectors = clip.encode_images(frames) if clip is not None else np.zeros((len(entries), 0), np.float32)
    return entries, text_vectors, clip_vectors


def _still_frame(path: Path) -> np.ndarray:
    from PIL import Image

    try:
        with Image.open(path) as image:
            return np.asarray(image.convert("RGB"))
    except Exception as exc:  # noqa: BLE001 - Pillow raises a dozen kinds for a damaged file
        raise UnreadableMedia(f"{path}: cannot be read as an image ({type(exc).__name__}: {exc}); replace or "
                              "remove it") from None


def _middle_frames(path: Path, shots) -> list[np.ndarray]:
    import cv2

    capture = cv2.VideoCapture(str(path))
    frames = []
    try:
        for shot in shots:
            capture.set(cv2.CAP_PROP_POS_FRAMES, (shot.start_frame + shot.end_frame - 1) // 2)
            ok, frame = capture.read()
            if not ok:
                raise UnreadableMedia(f"{path}: frame {shot.start_frame} cannot be decoded; re-encode or remove it")
            frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    finally:
        capture.release()
    return frames


def _pack(meta, arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, meta=np.frombuffer(json.dumps(meta).encode(), np.uint8), **arrays)
    return buffer.getvalue()


def _unpack(path: Path):
    """(meta, arrays) of a file _pack wrote; None for a file missing, damaged or from another version."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode())
            return meta, {name: data[name] for name in data.files if name != "meta"}
    except (OSError, ValueError, KeyError, EOFError, UnicodeDecodeError):
        return None


def _write_record(path: Path, record) -> None:
    entries, text_vectors, clip_vectors = record
    atomic_write_bytes(path, _pack({"v": VERSION, "entries": entries}, {"text": text_vectors, "clip": clip_vectors}))


def _read_record(path: Path, media: Path):
    unpacked = _unpack(path)
    if unpacked is None or unpacked[0].get("v") != VERSION:
        return None
    meta, arrays = unpacked
    entries = meta["entries"]
    if not entries or len(arrays.get("text", ())) != len(entries):
        return None
    return entries, arrays["text"], arrays["clip"]


def _write_whole(path: Path, index: LibraryIndex) -> None:
    entries = [{**asdict(e), "path": str(e.path)} for e in index.entries]
    clip = index.clip if index.clip is not None else np.zeros((len(entries), 0), np.float32)
    atomic_write_bytes(path, _pack({"v": VERSION, "entries": entries, "warnings": index.warnings},
                                   {"text": index.text, "clip": clip}))


def _read_whole(path: Path) -> LibraryIndex | None:
    unpacked = _unpack(path)
    if unpacked is None or unpacked[0].get("v") != VERSION:
        return None
    meta, arrays = unpacked
    entries = [Entry(**{**e, "path": Path(e["path"])}) for e in meta["entries"]]
    clip = arrays["clip"] if arrays["clip"].shape[1] else None
    return LibraryIndex(entries, arrays["text"], clip, warnings=meta.get("warnings", []))
