"""Screenplay format v1 as plain frozen dataclasses: no YAML, no media, no backends.

Every object keeps `pos`, the (line, col) of each of its fields in the source file, so that
problems found later (at resolve or render time) can still point at the right place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Literal

Pos = tuple[int, int]  # 1-based line, column

CAMERA_MOVES = ("static", "push-in", "pull-out", "pan-left", "pan-right")
PICTURE_KINDS = ("still", "footage", "card", "prompt")
MOODS = ("calm", "energetic", "happy", "nostalgic", "tender")
# Where a picture that does not match the frame's shape is cropped: the point of its spare width
# and height (0..1) kept in view. The default sits a little above centre, where faces usually are.
ANCHORS = {"auto": (0.5, 0.35), "center": (0.5, 0.5), "top": (0.5, 0.0), "bottom": (0.5, 1.0),
           "left": (0.0, 0.5), "right": (1.0, 0.5)}


@dataclass(frozen=True)
class Format:
    width: int = 1280
    height: int = 720
    fps: Fraction = Fraction(24)


@dataclass(frozen=True)
class VoiceSpec:
    engine: str = "piper"  # piper, espeak or coqui
    model: str | None = None  # engine-specific: a voice name, a file or a folder; None = the engine's default
    speaker: int | str | None = None  # a speaker of a multi-speaker model (index, or name for coqui)
    pitch: float = 0.0  # semitones
    rate: float = 1.0  # >1 speaks faster
    timbre: float | None = None  # formant shift in semitones; None = the formants move with the pitch
    sample: Path | None = None  # a recording of the person, for voice cloning (coqui XTTS)
    language: str | None = None  # for multilingual models, e.g. "en"


@dataclass(frozen=True)
class Actor:
    id: str
    voice: VoiceSpec
    face: Path | None = None
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Line:
    speaker: str  # a role name from `cast`
    text: str
    parenthetical: str | None = None
    pause_before: float = 0.0  # seconds of held silence before the line, beyond the usual gap
    pause_after: float = 0.0
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Picture:
    kind: Literal["still", "footage", "card", "prompt"]
    source: str  # the path (still, footage) or the text (card, prompt)
    path: Path | None = None  # resolved absolute path for still/footage
    start: float = 0.0  # footage in-point, seconds
    end: float | None = None  # footage out-point, seconds; None = end of file
    keep_audio: bool = False  # footage: mix its own sound under the dialogue
    anchor: str = "auto"  # still/footage crop, one of ANCHORS
    background: str = "#101418"  # card colours
    color: str = "#f2ead8"


@dataclass(frozen=True)
class Transition:
    kind: Literal["cut", "crossfade"] = "cut"
    seconds: float = 0.0


FACE_HINTS = ("auto", "left", "right", "largest")


@dataclass(frozen=True)
class FaceCasting:
    """Whose face goes on which stand-in: a role, and how to find its stand-in in the frame."""

    role: str
    hint: str = "auto"  # one of FACE_HINTS
    reference: Path | None = None  # or a photo of the stand-in, matched by face embedding


@dataclass(frozen=True)
class Shot:
    id: str
    picture: Picture
    camera: str = "static"
    lines: tuple[Line, ...] = ()
    duration: float | None = None  # None = auto
    transition: Transition = Transition()
    faces: tuple[FaceCasting, ...] = ()
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Scene:
    id: str
    heading: str
    shots: tuple[Shot, ...]
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Cue:
    start_shot: str  # `from`
    end_shot: str  # `to`, inclusive
    mood: str | None = None
    track: str | None = None  # a track name within the mood; default: the first in the library
    file: Path | None = None
    volume: float = 0.5
    fade_in: float = 1.0
    fade_out: float = 2.0
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Screenplay:
    path: Path  # the YAML file; relative paths in it resolve against its folder
    title: str
    format: Format
    actors: dict[str, Actor]
    cast: dict[str, str]  # role -> actor id
    scenes: tuple[Scene, ...]
    score: tuple[Cue, ...] = ()
    face_landmarks: int = 68  # face swap: 68 landmarks (quality, non-commercial model) or 5 (licence-clean)

    @property
    def slug(self) -> str:
        return slugify(self.title)

    @property
    def root(self) -> Path:
        return self.path.parent

    def shots(self) -> list[tuple[Scene, Shot]]:
        return [(scene, shot) for scene in self.scenes for shot in scene.shots]


def slugify(text: str) -> str:
    out = "".join(c.lower() if c.isascii() and c.isalnum() else "-" for c in text)
    return "-".join(part for part in out.split("-") if part) or "film"
