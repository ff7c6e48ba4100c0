"""The hand-off to an editing suite: one Timeline of the cut, the media it points at, its exports.

The builder makes an `Editorial` once it knows the timing and the segments; the join reads the
cut's lengths from `editorial.timeline`, and `write` puts the media and the chosen formats in a
folder. The timeline is cheap to make (no media is read), so a no-op rebuild makes it too and
finds every file already in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from filmmaker.editorial.media import export_media, plan_media
from filmmaker.export import EDITORIAL, FORMATS, subtitle_cues, write_exports
from filmmaker.timeline import DEFAULT_START, STEMS, ShotInfo, build_timeline, link_stems, reel_names

if TYPE_CHECKING:
    from filmmaker.build import FilmBuilder, Segment
    from filmmaker.plan import Plan, PlannedShot, Timing

ALL_FORMATS = tuple(FORMATS)


@dataclass(frozen=True)
class ExportOptions:
    """What a build hands over besides the film: `build` writes every format (a format the film
    cannot take is skipped with a warning); `filmmaker export` the ones asked for, strictly."""

    formats: tuple[str, ...] = ALL_FORMATS
    timecode_start: str = DEFAULT_START  # record timecode of the film's first frame
    film: bool = True  # write the MP4 (and what goes with it) too
    strict: bool = False  # a format the film cannot take fails the build instead of being skipped


class Editorial:
    def __init__(self, builder: FilmBuilder, timing: Timing, line_seconds: dict[str, float],
                 segments: list[Segment], picture_keys: dict[int, str], line_keys: dict[str, str],
                 start: str = DEFAULT_START):
        plan = builder.plan
        self.builder, self.timing, self.segments = builder, timing, segments
        self.picture_keys, self.line_keys = picture_keys, line_keys
        self.reels, renamed = reel_names([ps.id for ps in plan.shots])
        self.warnings = []
        if renamed:
            listed = ", ".join(f"{sid} -> {reel}" for sid, reel in renamed.items())
            self.warnings.append(f"shot ids that are not CMX 3600 reel names (at most 8 of A-Z, 0-9, _) get "
                                 f"derived reels, also the names of their files in media/: {listed}; give a "
                                 "shot such an id to choose its reel")
        self.media = plan_media(timing, plan.shots, segments, self.reels)
        shots = {m.shot.id: ShotInfo(m.reel, {"segment": m.body, "picture": picture_keys[m.shot.index],
                                              "media": m.key}, _seed(plan, m.shot))
                 for m in self.media}
        self.timeline = build_timeline(plan, timing, line_seconds, shots, start)
        self.cues = subtitle_cues(plan, timing, line_seconds)

    def write(self, folder: Path, formats: tuple[str, ...] = ALL_FORMATS, strict: bool = False) -> dict[str, Path]:
        """Media (when an editorial format is asked for) and each format's file in `folder`;
        warnings go to the builder's report."""
        b = self.builder
        folder.mkdir(parents=True, exist_ok=True)
        if any(name in EDITORIAL for name in formats):
            export_media(b, self.timing, self.media, self.segments, self.picture_keys, self.line_keys, folder)
            present = {path for _, path in STEMS.values() if (folder / path).is_file()}
            link_stems(self.timeline, present)
            b.report.warnings.extend(self.warnings)
        written, warnings = write_exports(self.timeline, self.cues, folder, b.sp.slug, formats, strict)
        b.report.warnings.extend(warnings)
        return written


def _seed(plan: Plan, ps: PlannedShot) -> int | None:
    """The seed a generated picture was made with; None for every other picture."""
    imagery = getattr(plan.screenplay, "imagery", None)
    if ps.shot.picture.kind != "prompt" or imagery is None or not imagery.model:
        return None
    from filmmaker.imagery import generation

    return generation(plan, ps, imagery).seed
