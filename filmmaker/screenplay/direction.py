"""How a line is delivered: parentheticals and punctuation turned into numbers. Pure functions.

A parenthetical may hold several directions ("softly, slowly"); each known word moves gain, rate
or pitch, and `whispering` also swaps the voiced sound for breath. Words we do not know stay in
the subtitles as a note and are reported once as a warning, never as an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Direction:
    gain_db: float = 0.0  # relative to the dialogue loudness target
    rate: float = 1.0  # multiplies the actor's rate
    pitch: float = 0.0  # semitones, added to the actor's pitch
    whisper: bool = False


# the effect of each known direction, and the words that name it
DIRECTIONS: dict[str, Direction] = {
    "whispering": Direction(gain_db=-12.0, rate=0.95, whisper=True),
    "softly": Direction(gain_db=-6.0, rate=0.95, pitch=-0.5),
    "shouting": Direction(gain_db=6.0, rate=1.05, pitch=2.0),
    "quickly": Direction(rate=1.3),
    "slowly": Direction(rate=0.75),
}
SYNONYMS = {
    "whispering": ("whisper", "whispers", "whispered", "whispering", "in a whisper", "under her breath",
                   "under his breath", "under their breath"),
    "softly": ("soft", "softly", "quietly", "gently", "quiet", "low"),
    "shouting": ("shout", "shouts", "shouting", "shouted", "yelling", "yells", "loudly", "loud", "screaming"),
    "quickly": ("quick", "quickly", "fast", "rapidly", "hurriedly", "rushed"),
    "slowly": ("slow", "slowly", "deliberately", "haltingly"),
}
_WORD_TO_DIRECTION = {word: name for name, words in SYNONYMS.items() for word in words}

# Timing directions: silence before the line (seconds), which the loader makes its `pause_before`
# unless the line gives one. Scripts write "(beat)" everywhere; a voice cannot perform it otherwise.
BEATS = {"beat": 0.6, "a beat": 0.6, "pause": 0.8, "a pause": 0.8, "a moment": 0.8, "after a moment": 0.8,
         "long pause": 1.5, "a long pause": 1.5, "long beat": 1.5, "a long beat": 1.5}

ELLIPSIS_PAUSE = 0.55  # seconds of silence for "..." or "…"
DASH_PAUSE = 0.3  # for an em dash "—" or a spaced " -- "
_PAUSE_MARK = re.compile(r"(\.\.\.+|…|—|\s--\s)")


def parse_parenthetical(text: str | None) -> tuple[Direction, list[str]]:
    """The combined direction, and the parts of the parenthetical that were not understood."""
    if not text:
        return Direction(), []
    combined = Direction()
    unknown = []
    for part in _parts(text):
        if part in BEATS:  # timing, not delivery: the line's pause_before (screenplay/load.py)
            continue
        name = _WORD_TO_DIRECTION.get(part)
        if name is None:
            unknown.append(part)
            continue
        d = DIRECTIONS[name]
        combined = Direction(combined.gain_db + d.gain_db, combined.rate * d.rate,
                             combined.pitch + d.pitch, combined.whisper or d.whisper)
    return combined, unknown


def beat_seconds(text: str | None) -> float:
    """Silence a parenthetical asks for before its line: (beat), (pause), (long pause)."""
    return max((BEATS.get(part, 0.0) for part in _parts(text or "")), default=0.0)


def _parts(text: str) -> list[str]:
    return [part for part in (p.strip(" ().!") for p in re.split(r"[,;/]|\band\b", text.lower())) if part]


def split_pauses(text: str) -> list[tuple[str, float]]:
    """The line cut at its pause marks: (words to speak, seconds of silence after them)."""
    pieces: list[tuple[str, float]] = []
    for chunk in _PAUSE_MARK.split(text):
        if not chunk:
            continue
        if _PAUSE_MARK.fullmatch(chunk):
            pause = ELLIPSIS_PAUSE if "." in chunk or "…" in chunk else DASH_PAUSE
            if pieces:
                words, before = pieces[-1]
                pieces[-1] = (words, before + pause)
            else:
                pieces.append(("", pause))
        elif chunk.strip():
            pieces.append((chunk.strip(), 0.0))
    return pieces
