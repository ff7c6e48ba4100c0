"""Subtitles from the timing the render used, so they cannot disagree with the cut."""

from __future__ import annotations

import textwrap

from filmmaker.plan import Plan, Timing


def _srt_time(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def subtitle_cues(plan: Plan, timing: Timing, line_seconds: dict[str, float]) -> list[tuple[float, float, str]]:
    """(start, end, text) per line in film order; each stays up a little past its line."""
    cues = []
    for ps in plan.shots:
        shot_start = timing.seconds(timing.starts[ps.index])
        for pl in ps.lines:
            start = shot_start + timing.line_starts[pl.id]
            end = start + line_seconds[pl.id] + 0.25
            note = f"({pl.line.parenthetical}) " if pl.line.parenthetical else ""
            cues.append((start, end, f"{pl.line.speaker}: {note}{pl.line.text}"))
    for i in range(len(cues) - 1):  # never overlap the next line
        start, end, text = cues[i]
        cues[i] = (start, min(end, cues[i + 1][0] - 0.04), text)
    return cues


def to_srt(cues: list[tuple[float, float, str]]) -> str:
    blocks = [f"{i}\n{_srt_time(a)} --> {_srt_time(b)}\n{_wrap(text)}\n" for i, (a, b, text) in enumerate(cues, 1)]
    return "\n".join(blocks)


def _wrap(text: str, width: int = 42) -> str:
    """Two lines of at most ~42 characters is the usual subtitle measure."""
    return "\n".join(textwrap.wrap(text, width)) or text
