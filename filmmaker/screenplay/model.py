"""Screenplay format v1 as plain frozen dataclasses: no YAML, no media, no backends.

Every object keeps `pos`, the (line, col) of each of its fields in the source file, so that
problems found later (at resolve or render time) can still point at the right place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Literal

Pos = tuple[int, int]  # 1-based line, column
MAX_LINE_CHARS = 4_000  # one line of dialogue: about five minutes of speech, under a minute to synthesize

CAMERA_MOVES = ("static", "push-in", "pull-out", "pan-left", "pan-right")
PICTURE_KINDS = ("still", "footage", "card", "prompt", "find")
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
class Consent:
    """What a real person agreed to (screenplay/consent.py reads it; filmmaker.consent checks it)."""

    release: Path | None  # the signed release document
    covers: tuple[str, ...]  # face, voice
    uses: tuple[str, ...]  # audition, internal, release
    expires: dt.date | None
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Actor:
    id: str
    voice: VoiceSpec
    face: Path | None = None
    look: str | None = None  # how the actor looks, in words: added to generated pictures' prompts
    person: str | None = None  # real, fictional or public-domain; None: not said
    consent: Consent | None = None  # what a real person agreed to (screenplay/consent.py)
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Line:
    speaker: str  # a role name from `cast`
    text: str
    parenthetical: str | None = None
    pause_before: float = 0.0  # seconds of held silence before the line, beyond the usual gap
    pause_after: float = 0.0
    extension: str | None = None  # the script's cue extension as written: "(V.O.)", "(O.S.)"
    overlap: bool = False  # starts with the line before it (a script's dual dialogue)
    sung: bool = False  # sung words (a script's lyrics): shown with music marks, meant for a song cue
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def narration(self) -> bool:
        """A voice-over: heard over the picture, not spoken in it."""
        return bool(self.extension) and "V.O." in self.extension.upper()


@dataclass(frozen=True)
class Find:
    """`picture: {find: ...}`: a still or footage shot chosen from the film's library by meaning."""

    text: str
    reuse: bool = False  # may take a library picture another shot already took
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Candidate:
    """A library picture a `find:` scored: a still, or one shot of a piece of footage."""

    path: Path
    kind: Literal["still", "footage"]
    start: float  # footage in/out points of the shot within the file, seconds
    end: float | None
    score: float  # cosine similarity to the shot's description, in context
    licence: str | None = None


@dataclass(frozen=True)
class Found:
    """What a `find:` chose, and the runners-up, for the plan and `library pin`."""

    find: Find
    chosen: Candidate | None  # None: nothing scored above the threshold (a storyboard panel instead)
    others: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class Picture:
    kind: Literal["still", "footage", "card", "prompt", "find"]
    source: str  # the path (still, footage) or the text (card, prompt)
    path: Path | None = None  # resolved absolute path for still/footage
    start: float = 0.0  # footage in-point, seconds
    end: float | None = None  # footage out-point, seconds; None = end of file
    keep_audio: bool = False  # footage: mix its own sound under the dialogue
    anchor: str = "auto"  # still/footage crop, one of ANCHORS
    background: str = "#101418"  # card colours
    color: str = "#f2ead8"
    imagery: ImageryOverrides | None = None  # prompt: this shot's departures from the film's `imagery`
    motion: str = "camera"  # still, prompt: `generate` animates the picture with `imagery.motion_model`
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)  # its keys'
    find: Find | None = None  # kind "find", until filmmaker.library.find chooses its still or footage
    found: Found | None = field(default=None, compare=False, hash=False)  # what it chose (not the pixels)


FIT_MODES = ("crop", "letterbox")
MOTIONS = ("camera", "generate")
DEVICES = ("auto", "cuda", "mps", "cpu")


@dataclass(frozen=True)
class Imagery:
    """How `prompt` shots are pictured: a diffusers model and its settings, shared by the film."""

    model: str | None = None  # a local diffusers folder or a Hugging Face cache id; None = storyboard panels
    model_path: Path | None = None  # `model` as a folder, resolved against the screenplay's, when it is one
    steps: int = 25
    guidance: float = 7.5
    size: tuple[int, int] | None = None  # generated width, height; None = the model's native size
    style: str = ""  # appended to every prompt, so the film has one look
    negative: str = ""
    seed: int = 0  # each shot's seed derives from this and the shot id
    device: str = "auto"  # one of DEVICES
    fit: str = "crop"  # one of FIT_MODES: how a picture of another shape meets the frame
    batch: int = 4  # prompts generated together
    # image-to-video for `motion: generate` pictures (Stable Video Diffusion and the like)
    motion_model: str | None = None
    motion_model_path: Path | None = None
    motion_frames: int = 14
    motion_steps: int = 25
    motion_fps: int = 7  # the motion model's frame-rate conditioning: lower moves more
    motion_size: tuple[int, int] = (1024, 576)
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class ImageryOverrides:
    """Per-shot settings; None = the film's."""

    seed: int | None = None
    steps: int | None = None
    guidance: float | None = None
    style: str | None = None
    negative: str | None = None


TRANSITION_KINDS = ("cut", "crossfade", "fade")


@dataclass(frozen=True)
class Transition:
    """How a shot begins: a cut, a crossfade from the shot before, or a fade through black (on the
    first shot, a fade in from black)."""

    kind: Literal["cut", "crossfade", "fade"] = "cut"
    seconds: float = 0.0
    label: str | None = None  # the script's own words for it ("SMASH CUT TO:"), given back on export


FACE_HINTS = ("auto", "left", "right", "largest")


@dataclass(frozen=True)
class FaceCasting:
    """Whose face goes on which stand-in: a role, and how to find its stand-in in the frame."""

    role: str
    hint: str = "auto"  # one of FACE_HINTS
    reference: Path | None = None  # or a photo of the stand-in, matched by face embedding
    pos: Pos = field(default=(1, 1), compare=False, hash=False, repr=False)  # of the hint or photo


@dataclass(frozen=True)
class Shot:
    id: str
    picture: Picture
    camera: str = "static"
    lines: tuple[Line, ...] = ()
    duration: float | None = None  # None = auto
    transition: Transition = Transition()
    faces: tuple[FaceCasting, ...] = ()
    description: str | None = None  # what the shot shows, in words (a script's action); a prompt without a picture
    notes: tuple[str, ...] = ()  # the writer's notes; they change nothing in the cut
    fade_out: Transition | None = None  # kind "fade": the shot fades to black at its end (a script's FADE OUT.)
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Scene:
    id: str
    heading: str
    shots: tuple[Shot, ...]
    number: str | None = None  # the script's scene number ("12A")
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)


CUE_STYLES = ("acoustic", "electronic")
CUE_ENDS = ("fade", "bar")
LOUDNESS_TARGETS = {"web": -16.0, "broadcast": -23.0}  # integrated LUFS: streaming platforms; EBU R128
DEFAULT_MUSICGEN = "facebook/musicgen-small"  # looked up in the local Hugging Face cache, never downloaded


SONG_ENGINES = ("ace-step", "jukebox")
# looked up in the local Hugging Face cache or Jukebox's own cache, never downloaded
DEFAULT_SONG_MODELS = {"ace-step": "ACE-Step/acestep-v15-xl-turbo-diffusers", "jukebox": "5b_lyrics"}


@dataclass(frozen=True)
class Song:
    """A score cue that is a song: sung lyrics in a style, made by a song engine."""

    engine: str  # one of SONG_ENGINES
    model: str  # an absolute folder, or an id/name looked up in the engine's local cache
    style: str  # genre, manner, instruments, voice
    lyrics: str = ""  # inline lyrics ("" with no lyrics_file: an instrumental)
    lyrics_file: Path | None = None  # lyrics in a file (or where a draft is written)
    draft: bool = False  # `lyrics: draft`: drafted by `lyrics_model` into lyrics_file if it is missing
    lyrics_model: str | None = None  # a local causal language model folder or Hugging Face id
    prime: Path | None = None  # `continue`: a clip the song carries on
    seed: int = 0
    bpm: float | None = None  # None: a tempo named in `style` ("92 bpm"), else the engine's choice
    keyscale: str | None = None  # e.g. "C major"
    duration: float | None = None  # seconds to generate; None: the cue's words and shots, with room
    window: float | None = None  # seconds generated per resumable step; None: the engine's own
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class Cue:
    start_shot: str  # `from` (a scene id given there is stored as its first shot)
    end_shot: str  # `to`, inclusive (a scene id: its last shot)
    mood: str | None = None
    track: str | None = None  # a track name within the mood; default: the first in the library
    file: Path | None = None
    volume: float = 0.5
    fade_in: float = 1.0
    fade_out: float = 2.0
    style: str | None = None  # with `mood`: acoustic or electronic
    generate: str | None = None  # a text prompt for MusicGen
    duration: float | None = None  # generate: seconds to generate; None = the cue's span
    seed: int = 0
    model: str = DEFAULT_MUSICGEN  # generate: an absolute folder, or a Hugging Face id found in the cache
    start: float = 0.0  # `in`: seconds into the source where the cue begins
    stop: float | None = None  # `out`: seconds into the source where it ends (and loops back)
    end: str = "fade"  # one of CUE_ENDS: fade out at the span's end, or stop on the last bar line
    hit: str | None = None  # a shot id: a downbeat lands on its first frame
    bpm: float | None = None  # the source's tempo, overriding metadata and measurement
    licence: str | None = None  # for `file` and `generate` cues: what the cue sheet reports
    song: Song | None = None  # a song cue: sung, on its own stem, ducked deeper
    pos: dict[str, Pos] = field(default_factory=dict, compare=False, hash=False, repr=False)


@dataclass(frozen=True)
class MixSettings:
    """The program mix: its loudness standard and how the score steps aside for dialogue."""

    loudness: str = "web"  # a key of LOUDNESS_TARGETS
    duck: float = -10.0  # dB the score dips under a spoken line
    attack: float = 0.08  # seconds for the dip to set in (it starts early: look-ahead)
    release: float = 0.45  # seconds for the score to come back after the line
    crossfade: float = 2.0  # seconds two adjacent cues overlap, centred on the cut between them
    song_duck: float = -18.0  # dB a song dips under a line: sung words compete with spoken ones

    @property
    def target_lufs(self) -> float:
        return LOUDNESS_TARGETS[self.loudness]


@dataclass(frozen=True)
class LibrarySettings:
    """`library:`: folders of the writer's own stills and footage, found by meaning (`find:`)."""

    media: tuple[Path, ...] = ()
    clip_model: Path | None = None  # a CLIP folder (transformers): undescribed media are embedded by their frames
    text_model: Path | None = None  # a sentence-transformers folder; None: the packaged all-MiniLM-L6-v2
    threshold: float = 0.3  # the least score a `find:` takes; below it, a storyboard panel
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
    imagery: Imagery = Imagery()
    music_library: tuple[Path, ...] = ()  # folders of the user's own tracks, beside the bundled library
    mix: MixSettings = MixSettings()
    ray_gpus: dict[str, float] = field(default_factory=dict)  # executor.ray.gpus: node kind -> GPUs per node
    disclosure: str = "end"  # where the card saying who is synthetic goes: end, open, both, none
    disclosure_pos: Pos = (1, 1)
    accept_noncommercial: tuple[str, ...] = ()  # non-commercial components a release build may use
    provenance_cert: Path | None = None  # `provenance: {cert, key}`: the user's signing chain (PEM) ...
    provenance_key: Path | None = None  # ... and its private key; None: the project's own key
    licences_pos: Pos = (1, 1)
    title_page: tuple[tuple[str, str], ...] = ()  # a script's title page: an opening title card when given
    library: LibrarySettings = LibrarySettings()

    @property
    def slug(self) -> str:
        return slugify(self.title)

    @property
    def root(self) -> Path:
        return self.path.parent

    def shots(self) -> list[tuple[Scene, Shot]]:
        return [(scene, shot) for scene in self.scenes for shot in scene.shots]


MAX_SLUG = 80  # a file name holds 255 bytes: room for the slug and what follows it (".part", a cast id, a role)


def slugify(text: str) -> str:
    out = "".join(c.lower() if c.isascii() and c.isalnum() else "-" for c in text)
    slug = "-".join(part for part in out.split("-") if part) or "film"
    if len(slug) > MAX_SLUG:  # a long title: cut at a word where one ends near the limit, so the name still reads
        at_word = slug[:MAX_SLUG + 1].rsplit("-", 1)[0]
        slug = at_word if MAX_SLUG // 2 <= len(at_word) <= MAX_SLUG else slug[:MAX_SLUG]
    return slug
