"""Every file the build hands to an editor, written from the one Timeline (and the subtitle cues,
from the same timing), so none can disagree with the cut.

Formats, one function each in OpenTimelineIO's adapter style (object in, text out):
CMX 3600 EDL (otio-cmx3600-adapter), native .otio, FCP 7 XML (otio-fcp-adapter), SRT, WebVTT.
A format that cannot carry the film (an EDL at 15 fps) raises ExportError; the build skips it
with a warning, an explicit `filmmaker export --format` of it fails.

A fade through black between shots is a centred dissolve marked `kind: fade` on the timeline: the
.otio keeps that mark, the FCP XML makes it FCP's own Dip to Color Dissolve (black), and the EDL,
which has no dip in one event, writes a dissolve with a comment saying so (and a warning).
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from filmmaker.cache import write_if_changed
from filmmaker.errors import FilmmakerError, Problem, ScreenplayError
from filmmaker.plan import Plan, Timing
from filmmaker.timeline import DEFAULT_START, ascii_fold, is_drop_frame

if TYPE_CHECKING:
    import opentimelineio as otio

FORMATS = {"edl": ".edl", "otio": ".otio", "fcp7xml": ".xml", "srt": ".srt", "vtt": ".vtt"}
EDITORIAL = ("edl", "otio", "fcp7xml")  # the formats that point at media/
# Rates NLEs read CMX 3600 timecode at; 29.97 and 59.94 in drop-frame.
EDL_RATES = (Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001), Fraction(30),
             Fraction(50), Fraction(60000, 1001), Fraction(60))
# SMPTE timecode, which an FCP 7 XML's clips carry (through OpenTimelineIO), has these rates
FCP_RATES = tuple(sorted(EDL_RATES + (Fraction(48),)))


ALL_FORMATS = tuple(FORMATS)


@dataclass(frozen=True)
class ExportOptions:
    """What a build hands over besides the film: `build` writes every format (a format the film
    cannot take is skipped with a warning); `filmmaker export` the ones asked for, strictly."""

    formats: tuple[str, ...] = ALL_FORMATS
    timecode_start: str = DEFAULT_START  # record timecode of the film's first frame
    film: bool = True  # write the MP4 (and what goes with it) too
    strict: bool = False  # a format the film cannot take fails the build instead of being skipped


class ExportError(FilmmakerError):
    """A format cannot represent this film (its frame rate, so far)."""


# -- subtitles ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subtitle:
    start: float  # seconds in the film
    end: float
    speaker: str
    text: str  # with the parenthetical, if any, in front; sung words between music notes
    italic: bool = False  # a voice-over (V.O.): in italics, as subtitles show a voice not in the picture


def subtitle_cues(plan: Plan, timing: Timing, line_seconds: dict[str, float]) -> list[Subtitle]:
    """One cue per line in film order; each stays up a little past its line. Lines spoken at once
    (`overlap`) are on screen together, each its own cue."""
    cues, together = [], []  # together[i]: the first cue of the lines cue i is spoken with
    for ps in plan.shots:
        shot_start = timing.seconds(timing.starts[ps.index])
        for pl in ps.lines:
            start = shot_start + timing.line_starts[pl.id]
            end = start + line_seconds[pl.id] + 0.25
            note = f"({pl.line.parenthetical}) " if pl.line.parenthetical else ""
            words = f"♪ {pl.line.text} ♪" if pl.line.sung else pl.line.text
            together.append(together[-1] if pl.index and pl.line.overlap else len(cues))
            cues.append(Subtitle(start, end, pl.line.speaker, f"{note}{words}", pl.line.narration))
    for i, cue in enumerate(cues):  # never overlap the next line, only the ones spoken with it
        nxt = next((j for j in range(i + 1, len(cues)) if together[j] != together[i]), None)
        if nxt is not None:
            cues[i] = replace(cue, end=min(cue.end, cues[nxt].start - 0.04))
    if plan.disclosure:  # the disclosure's note is the last cue: over the end card, or the film's last seconds
        end = timing.total_seconds
        last = plan.shots[-1]
        start = timing.seconds(timing.starts[last.index]) if last.disclosure_card else max(0.0, end - 5.0)
        cues.append(Subtitle(start, end, "", plan.disclosure))
    return cues


def _clock(seconds: float, decimal: str) -> str:
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{decimal}{ms:03d}"


def to_srt(cues: list[Subtitle]) -> str:
    """SubRip: the speaker's name as a prefix; a voice-over in italics."""
    blocks = [f"{i}\n{_clock(c.start, ',')} --> {_clock(c.end, ',')}\n"
              f"{_italic(_wrap(f'{c.speaker}: {c.text}' if c.speaker else c.text), c.italic)}\n"
              for i, c in enumerate(cues, 1)]
    return "\n".join(blocks)


def _italic(text: str, italic: bool) -> str:
    return f"<i>{text}</i>" if italic else text


def to_vtt(cues: list[Subtitle]) -> str:
    """WebVTT: the speaker in a voice tag, which players show or style as they choose; a
    voice-over in italics."""
    blocks = ["WEBVTT\n"]
    for i, c in enumerate(cues, 1):
        text = _italic(_wrap(c.text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), c.italic)
        speaker = c.speaker.replace(">", "")
        voice = f"<v {speaker}>" if speaker else ""
        blocks.append(f"{i}\n{_clock(c.start, '.')} --> {_clock(c.end, '.')}\n{voice}{text}\n")
    return "\n".join(blocks)


def _wrap(text: str, width: int = 42) -> str:
    """Two lines of at most ~42 characters is the usual subtitle measure."""
    return "\n".join(textwrap.wrap(text, width)) or text


# -- edit decision lists -----------------------------------------------------------------------


def _fps(timeline: otio.schema.Timeline) -> Fraction:
    return Fraction(timeline.metadata["filmmaker"]["fps"])


def _format_problem(fps: Fraction, name: str) -> str | None:
    """Why `name` cannot carry a film at `fps`, or None when it can."""
    if name == "edl" and fps not in EDL_RATES:
        rates = ", ".join(f"{float(r):g}" for r in EDL_RATES)
        return (f"a CMX 3600 EDL cannot be written at {float(fps):g} fps: its timecode runs at {rates}; "
                "use one of those, or the .otio / FCP XML, which carry this rate")
    if name == "fcp7xml" and fps not in FCP_RATES:
        rates = ", ".join(f"{float(r):g}" for r in FCP_RATES)
        return (f"FCP 7 XML has no timebase for {float(fps):g} fps: its timecode runs at {rates}; use one "
                "of those, or the .otio, which carries this rate")
    return None


def check_formats(screenplay, formats: tuple[str, ...]) -> None:
    """Before any work: every format asked for can carry the film, or a problem at `format.fps`."""
    from filmmaker.screenplay.yamlsafe import compose_yaml

    problems = [message for name in formats if (message := _format_problem(screenplay.format.fps, name))]
    if not problems:
        return
    line, col = 1, 1
    for key, value in compose_yaml(screenplay.path).value:
        if key.value == "format":
            node = next((v for k, v in value.value if k.value == "fps"), value)
            line, col = node.start_mark.line + 1, node.start_mark.column + 1
    raise ScreenplayError([Problem(screenplay.path, line, col, "format.fps", message) for message in problems])


def to_edl(timeline: otio.schema.Timeline) -> tuple[str, list[str]]:
    """CMX 3600 text and the warnings of what had to be folded to ASCII for it."""
    import opentimelineio as otio

    fps = _fps(timeline)
    if problem := _format_problem(fps, "edl"):
        raise ExportError(problem)
    warnings = []
    copy = timeline.deepcopy()  # the adapter rewrites the track it writes
    title = ascii_fold(copy.name)
    if title != copy.name:
        warnings.append(f"EDL: the title {copy.name!r} is written as {title!r} (CMX 3600 is ASCII)")
    copy.name = title
    video = copy.video_tracks()[0]
    # The adapter counts record time from zero: a leading gap of the start timecode moves every
    # event to it without an event of its own.
    start = copy.global_start_time
    video.insert(0, otio.schema.Gap(source_range=otio.opentime.TimeRange(
        otio.opentime.RationalTime(0, start.rate), start)))
    text = otio.adapters.write_to_string(copy, "cmx_3600", style="avid", reelname_len=8)
    # The adapter writes a dissolve as "D 024    "; CMX 3600's columns (and column readers such as
    # pycmx) put the length in its own field: "D    024 ". Same width, so nothing else moves.
    text = re.sub(r"^(\d{3}  .{8} .{6})D (\d{3})    ", r"\1D    \2 ", text, flags=re.M)
    fcm = "FCM: DROP FRAME" if is_drop_frame(fps) else "FCM: NON-DROP FRAME"
    title_line, _, events = text.partition("\n\n")
    events, dips = _mark_dips(events, _dissolve_kinds(copy))
    if dips:
        warnings.append(f"EDL: the fades through black ({', '.join(dips)}) are written as dissolves with the comment "
                        f"'{DIP_COMMENT}': CMX 3600 has no dip to black in one event; the .otio and FCP XML hold them")
    return f"{title_line}\n{fcm}\n\n{events}", warnings


DIP_COMMENT = "* EFFECT NAME: DIP TO BLACK"
_DISSOLVE_EVENT = re.compile(r"^\d{3}  .{8} .{6}D    \d{3} ")
# FCP 7's own dip: a centred transition through a colour, black unless told otherwise
FCP_DIP = {"name": "Dip to Color Dissolve", "effectid": "Dip to Color Dissolve", "effectcategory": "Dissolve",
           "effecttype": "transition", "mediatype": "video"}


def _dissolve_kinds(timeline: otio.schema.Timeline) -> list[tuple[str, bool]]:
    """Each dissolve on the picture track in order: its name ("a>b") and whether it is a fade through black."""
    import opentimelineio as otio

    return [(item.name, item.metadata.get("filmmaker", {}).get("kind") == "fade")
            for item in timeline.video_tracks()[0] if isinstance(item, otio.schema.Transition)]


def _mark_dips(events: str, kinds: list[tuple[str, bool]]) -> tuple[str, list[str]]:
    """The EDL's events with a comment under each dissolve that is a fade through black (the k-th
    dissolve event is the track's k-th transition), and those fades' names."""
    dips = [name for name, dip in kinds if dip]
    if not dips:
        return events, []
    out, k = [], 0
    for line in events.split("\n"):
        out.append(line)
        if _DISSOLVE_EVENT.match(line):
            if k < len(kinds) and kinds[k][1]:
                out.append(DIP_COMMENT)
            k += 1
    return "\n".join(out), dips


def to_otio(timeline: otio.schema.Timeline) -> str:
    """OpenTimelineIO's own JSON; media paths stay relative to the file's folder."""
    return timeline.to_json_string() + "\n"


def to_fcp7xml(timeline: otio.schema.Timeline, folder: Path) -> str:
    """Final Cut Pro 7 XML (read by Premiere, Resolve, Avid through converters). Its `pathurl`
    must be a URL, so media are written as file:// URLs of their place under `folder`."""
    import opentimelineio as otio

    if problem := _format_problem(_fps(timeline), "fcp7xml"):
        raise ExportError(problem)
    copy = timeline.deepcopy()
    for clip in copy.find_clips():
        ref = clip.media_reference
        if isinstance(ref, otio.schema.ExternalReference):
            ref.target_url = (folder / ref.target_url).resolve().as_uri()
    for item in copy.video_tracks()[0]:  # a fade through black as FCP's dip, not its default cross dissolve
        if isinstance(item, otio.schema.Transition) and item.metadata.get("filmmaker", {}).get("kind") == "fade":
            item.metadata["fcp_xml"] = {"effect": dict(FCP_DIP)}
    return otio.adapters.write_to_string(copy, "fcp_xml")


# -- writing -----------------------------------------------------------------------------------


def write_exports(timeline: otio.schema.Timeline, cues: list[Subtitle], folder: Path, slug: str,
                  formats: tuple[str, ...], strict: bool = False) -> tuple[dict[str, Path], list[str]]:
    """Write the chosen formats as `folder/<slug>.<ext>`, each atomically and only when its bytes
    change. A format this film cannot take is skipped with a warning, or raises when `strict`."""
    written: dict[str, Path] = {}
    warnings: list[str] = []
    for name in formats:
        try:
            if name == "edl":
                text, notes = to_edl(timeline)
                warnings += notes
            elif name == "otio":
                text = to_otio(timeline)
            elif name == "fcp7xml":
                text = to_fcp7xml(timeline, folder)
            elif name == "srt":
                text = to_srt(cues)
            else:
                text = to_vtt(cues)
        except ExportError as exc:
            if strict:
                raise
            warnings.append(f"{name} not written: {exc}")
            continue
        path = folder / f"{slug}{FORMATS[name]}"
        data = text.encode("utf-8")
        write_if_changed(path, data)
        written[name] = path
    return written, warnings
