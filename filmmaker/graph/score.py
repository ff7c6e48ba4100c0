"""The score's arithmetic: where each cue sounds (spans, crossfades between abutting cues, hits),
and the cue sheet. Sources are found in graph/sources.py, cues made in graph/cue.py.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from filmmaker.plan import Plan, PlannedCue, Timing

if TYPE_CHECKING:
    import numpy as np

from filmmaker.render.levels import RATE

# Every source is matched to this loudness before its `volume`: stock masters differ by 4 dB and a
# generated or user track by anything, so `volume: 1` always means a bed 6 dB under the dialogue
# (lines are at -20 LUFS); ducking then takes it further down under each line.
MUSIC_LUFS = -26.0
CUE_SHEET_COLUMNS = ("cue", "source", "track", "licence", "in", "out", "duration", "source_in", "engine", "model",
                     "lyrics", "seed")


def cue_spans(plan: Plan, timing: Timing) -> list[CueSpan]:
    """Where each cue sounds in the film, in samples; abutting cues overlap by the mix's crossfade."""
    def sample(frame: int) -> int:
        return round(frame * RATE / timing.fps)

    shots = [(sample(timing.starts[pc.first]), sample(timing.starts[pc.last] + timing.frames[pc.last]))
             for pc in plan.cues]
    return overlap_adjacent(shots, plan.screenplay.mix.crossfade, sample(timing.total_frames))


def hit_offset(plan: Plan, pc: PlannedCue, timing: Timing, span: CueSpan) -> int | None:
    """Samples from the cue's start to the first frame of its `hit` shot, where a downbeat lands."""
    if not pc.cue.hit:
        return None
    index = next(ps.index for ps in plan.shots if ps.id == pc.cue.hit)
    return round(timing.starts[index] * RATE / timing.fps) - span.start


def cue_sheet(plan: Plan, sources: dict, timing: Timing, records: dict[int, dict]) -> str:
    """CSV: one row per cue, times in the film as HH:MM:SS:FF, durations in seconds.
    `records`: each cue's cache record (where in its source the cue starts)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CUE_SHEET_COLUMNS)
    for pc, span in zip(plan.cues, cue_spans(plan, timing)):
        source = sources[pc.index]
        label = f"score[{pc.index}] {pc.cue.start_shot}-{pc.cue.end_shot}"
        writer.writerow([label, source.kind, source.name, source.licence, timecode(span.start, timing.fps),
                         timecode(span.end, timing.fps), f"{(span.end - span.start) / RATE:.3f}",
                         f"{records[pc.index].get('source_in', pc.cue.start):.3f}", *_made_by(plan, pc, source)])
    return out.getvalue()


def _made_by(plan: Plan, pc: PlannedCue, source) -> list[str]:
    """(engine, model, lyrics, seed) of generated music; blank for a track or a file."""
    cue = pc.cue
    if cue.song is not None:
        facts = source.song
        if facts.lyrics_file is not None:
            lyrics = facts.lyrics_file.name if facts.lyrics_file.parent == plan.screenplay.path.parent \
                else str(facts.lyrics_file)
        else:
            lyrics = "inline" if facts.lyrics else "instrumental"
        model = facts.folder.name if Path(cue.song.model).is_absolute() else cue.song.model  # a folder, or an id
        return [cue.song.engine, model, lyrics, str(cue.song.seed)]
    if cue.generate:
        return ["musicgen", source.model.name if source.model else cue.model, "", str(cue.seed)]
    return ["", "", "", ""]


@dataclass(frozen=True)
class CueSpan:
    """Where a cue sounds in the film, in samples, and the crossfades that replace its own fades."""

    start: int
    end: int
    crossfade_in: float | None = None  # seconds, equal-power, centred on the cut into this cue
    crossfade_out: float | None = None


def overlap_adjacent(spans: list[tuple[int, int]], seconds: float, total: int, rate: int = RATE) -> list[CueSpan]:
    """Cues that abut (one ends where the next starts) overlap by `seconds`, centred on the cut.

    The overlap is at most half of either cue, so a short cue is never swallowed by its neighbours.
    """
    out = []
    for i, (start, end) in enumerate(spans):
        before = [j for j, s in enumerate(spans) if j != i and s[1] == start]
        after = [j for j, s in enumerate(spans) if j != i and s[0] == end]
        new_start, new_end, xf_in, xf_out = start, end, None, None
        if seconds > 0 and before:
            half = min(int(seconds * rate / 2), *((spans[j][1] - spans[j][0]) // 2 for j in before + [i]))
            new_start, xf_in = max(0, start - half), 2 * half / rate
        if seconds > 0 and after:
            half = min(int(seconds * rate / 2), *((spans[j][1] - spans[j][0]) // 2 for j in after + [i]))
            new_end, xf_out = min(total, end + half), 2 * half / rate
        out.append(CueSpan(new_start, new_end, xf_in, xf_out))
    return out


def timecode(sample: int, fps) -> str:
    """Non-drop-frame timecode at the film's nominal rate (29.97 counts as 30, as editors read it)."""
    nominal = round(float(fps))
    frames = round(sample / RATE * float(fps))
    seconds, ff = divmod(frames, nominal)
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}:{ff:02d}"


def remove_rumble(audio: np.ndarray) -> np.ndarray:
    """A 20 Hz high-pass: a codec's DC offset and subsonic drift would only eat headroom."""
    import numpy as np
    from scipy.signal import butter, sosfiltfilt

    sos = butter(2, 20.0, "highpass", fs=RATE, output="sos")
    return sosfiltfilt(sos, audio, axis=0).astype(np.float32)
