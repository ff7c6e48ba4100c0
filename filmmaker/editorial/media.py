"""Each shot's picture as a file an editor can conform to: `media/<REEL>.mp4`.

A shot between two cuts is its body segment as the film has it, copied. A shot beside a dissolve
needs handles, the frames the dissolve borrows beyond the shot: those are rendered once (clean,
not blended) and joined to the body segment by stream copy, so the frames inside the shot are
the very frames of the cut. Media are cached by content key; a rebuild that changes nothing
only compares sizes and times of the files already there.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from filmmaker.cache import atomic_path, content_key
from filmmaker.timeline import handles

if TYPE_CHECKING:
    from filmmaker.build import FilmBuilder, Segment
    from filmmaker.plan import PlannedShot, Timing

MEDIA_VERSION = 1


@dataclass(frozen=True)
class Piece:
    first: int  # shot-local frame
    frames: int
    segment: str | None = None  # the body segment's key; None = a handle rendered here


@dataclass(frozen=True)
class ShotMedia:
    shot: PlannedShot
    reel: str
    body: str  # the body segment's key
    pieces: tuple[Piece, ...]

    @property
    def filename(self) -> str:
        return f"{self.reel}.mp4"

    @property
    def kind(self) -> str:
        """Where the file lives in the cache: a body alone is its own segment."""
        return "segment" if len(self.pieces) == 1 else "media"

    @property
    def key(self) -> str:
        if self.kind == "segment":
            return self.body
        # the body's key names everything its frames depend on; the handles are more of the same shot
        return content_key({"kind": "media", "v": MEDIA_VERSION, "body": self.body,
                            "pieces": [[p.first, p.frames] for p in self.pieces]})


def plan_media(timing: Timing, shots, segments: list[Segment], reels: dict[str, str]) -> list[ShotMedia]:
    body = {seg.name: seg for seg in segments if ">" not in seg.name}
    out = []
    for ps in shots:
        head, tail = handles(timing, ps.index)
        first, end = timing.body(ps.index)
        seg = body[ps.id]
        pieces = [Piece(first, end - first, seg.key)]
        if head:  # the dissolve into the shot borrows `head` frames before it, and takes `first` of its own
            pieces.insert(0, Piece(-head, head + first))
        if tail:
            pieces.append(Piece(end, timing.frames[ps.index] - end + tail))
        out.append(ShotMedia(ps, reels[ps.id], seg.key, tuple(pieces)))
    return out


def export_media(builder: FilmBuilder, timing: Timing, media: list[ShotMedia], segments: list[Segment],
                 picture_keys, line_keys, folder: Path) -> list[Path]:
    """Put each shot's media in `folder/media/`, rendering only what neither that folder nor the
    cache holds. A file already there with its record's hash is left alone and its cache entry
    never opened: a rebuild that changes nothing reads no media."""
    targets = {m: folder / "media" / m.filename for m in media}
    pending = [m for m in media if not builder.in_place(m.kind, m.key, targets[m])]
    for m in media:
        if m.kind == "media" and m not in pending:
            builder._note("media", m.shot.id, built=False)
    if pending:
        _make(builder, timing, pending, segments, picture_keys, line_keys)
    for m in pending:
        with atomic_path(targets[m]) as tmp:
            shutil.copyfile(builder.cache.path(m.kind, m.key, ".mp4"), tmp)
        builder.file_hash(targets[m])  # hashed once now (warm in memory), so the next build only stats it
    return list(targets.values())


def _make(builder: FilmBuilder, timing: Timing, media: list[ShotMedia], segments: list[Segment],
          picture_keys, line_keys) -> None:
    """Render what the cache lacks: handles, joined to their shot's body segment."""
    cache = builder.cache
    todo = []
    for m in media:
        if m.kind == "media" and not cache.has("media", m.key, ".mp4"):
            todo.append(m)
        elif m.kind == "media":
            builder._note("media", m.shot.id, built=False)
    bodies = {m.body for m in media}
    missing = [s for s in segments if s.key in bodies and not cache.has("segment", s.key, ".mp4")]
    if missing:  # a cache cleared or quarantined since the cut was made
        builder.make_pictures(timing, picture_keys)
        builder.make_segments(timing, missing, picture_keys, line_keys)
    if not todo:
        return
    from filmmaker.render import shot as shot_render  # looked up at call time: tests count its encodes
    from filmmaker.render.ffmpeg import concat_listing, run_ffmpeg

    for m in todo:
        ps = m.shot
        with cache.put("media", m.key, ".mp4") as tmp, tempfile.TemporaryDirectory(dir=tmp.parent) as work:
            files = []
            for n, piece in enumerate(m.pieces):
                if piece.segment:
                    files.append((cache.path("segment", piece.segment, ".mp4"), piece.frames))
                    continue
                path = Path(work) / f"handle{n}.mp4"
                frames = builder._frames_of(ps, timing, picture_keys).read(piece.first, piece.frames)
                audio = builder._shot_dialogue(ps, timing, line_keys, piece.first, piece.frames)
                shot_render.encode_segment(frames, piece.frames, audio, builder.enc, path)
                files.append((path, piece.frames))
            listing = Path(work) / "join.txt"
            listing.write_text(concat_listing(files, builder.enc.fps))
            run_ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-map", "0", "-c", "copy",
                        "-movflags", "+faststart", "-fflags", "+bitexact", "-f", "mp4", str(tmp)],
                       f"joining the handles of shot {ps.id!r} to its media")
        builder._note("media", ps.id, built=True)
