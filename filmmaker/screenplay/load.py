"""YAML screenplay -> validated `Screenplay`, reporting every problem at once.

The reader walks composed YAML nodes (never constructed Python objects) so that each value
keeps its line and column. Each check records a `Problem` and carries on with a safe default,
so one run lists everything that is wrong.
"""

from __future__ import annotations

import os
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from filmmaker.errors import Problem, ScreenplayError
from filmmaker.screenplay.consent import read_consent, read_disclosure, read_licences, read_person, read_provenance
from filmmaker.screenplay.direction import beat_seconds
from filmmaker.screenplay.model import (
    ANCHORS,
    CAMERA_MOVES,
    CUE_ENDS,
    CUE_STYLES,
    DEFAULT_MUSICGEN,
    DEVICES,
    FACE_HINTS,
    FIT_MODES,
    LOUDNESS_TARGETS,
    MAX_LINE_CHARS,
    MOODS,
    MOTIONS,
    PICTURE_KINDS,
    Actor,
    Cue,
    FaceCasting,
    Format,
    Imagery,
    ImageryOverrides,
    LibrarySettings,
    Line,
    MixSettings,
    Picture,
    Pos,
    Scene,
    Screenplay,
    Shot,
    Transition,
    VoiceSpec,
)
from filmmaker.screenplay.reader import NodeReader, describe, did_you_mean, fmt, is_null, position, scalar_number
from filmmaker.screenplay.scripted import (
    read_fade_out,
    read_notes,
    read_scene_number,
    read_title_page,
    read_transition,
)
from filmmaker.screenplay.library import read_find, read_library
from filmmaker.screenplay.song import read_song
from filmmaker.screenplay.yamlsafe import compose_yaml

VOICE_ENGINES = ("piper", "espeak", "coqui", "kokoro")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"}
VIDEO_SUFFIXES = {".mp4", ".mov", ".m4v", ".mkv", ".webm", ".avi"}
AUDIO_SUFFIXES = {".wav", ".flac", ".mp3", ".ogg", ".opus", ".m4a", ".aac"}
MAX_SECONDS = 3600.0
CUE_SOURCES = ("mood", "file", "generate", "song")
CUE_KEYS = ("from", "to", *CUE_SOURCES, "style", "track", "duration", "seed", "model", "volume", "fade_in",
            "fade_out", "in", "out", "end", "hit", "bpm", "licence")
PROMPT_OPTIONS = ("seed", "steps", "guidance", "style", "negative")  # a prompt shot's own imagery settings
NTSC_RATES = (Fraction(24000, 1001), Fraction(30000, 1001), Fraction(60000, 1001))  # 23.976, 29.97, 59.94

# node kinds whose work can run on a GPU on Ray (the heavy models, and what a GPU encoder could take)
GPU_KINDS = ("image", "motion", "music", "song", "line", "picture", "segment", "media", "cue", "premix", "mixaudio")
_EMPTY = yaml.MappingNode("tag:yaml.org,2002:map", [])


def load_screenplay(path: str | os.PathLike) -> Screenplay:
    """Load and validate a screenplay file; raise ScreenplayError listing every problem."""
    path = Path(path).absolute()
    return _Reader(path).screenplay(compose_yaml(path))


def screenplay_from_nodes(root: yaml.Node, path: str | os.PathLike) -> Screenplay:
    """Validate a screenplay already composed into YAML nodes (a script's, filmmaker.script)."""
    return _Reader(Path(path).absolute()).screenplay(root)


def parse_screenplay(text: str, path: str | os.PathLike) -> Screenplay:
    """Validate screenplay `text` as if it were the file at `path` (paths resolve against it)."""
    path = Path(path).absolute()
    return _Reader(path).screenplay(compose_yaml(path, text))


class _Reader(NodeReader):
    def screenplay(self, root: yaml.Node) -> Screenplay:
        top = self.mapping(root, "", ("title", "format", "actors", "cast", "scenes", "score", "face_swap",
                                       "imagery", "music", "mix", "executor", "disclosure", "licences", "provenance",
                                       "title_page", "library"),
                           required=("title", "scenes"))
        title = self.text(top["title"], "title", "Untitled") if "title" in top else "Untitled"
        fmt = self.format(top["format"]) if "format" in top else Format()
        # first: media may come from these folders as well as the project's (problems sort by position)
        library = self.music_library(top["music"]) if "music" in top else ()
        media = self.media = read_library(self, top["library"]) if "library" in top else None
        self.libraries = library + (media.media if media else ())
        actors = self.actors(top["actors"]) if "actors" in top else {}
        cast, cast_pos = self.cast(top["cast"], actors) if "cast" in top else ({}, {})
        scenes = self.scenes(top["scenes"], cast) if "scenes" in top else ()
        score = self.score(top["score"], scenes, _library_moods(library)) if "score" in top else ()
        mix = self.mix(top["mix"]) if "mix" in top else MixSettings()
        landmarks = 68
        if "face_swap" in top:
            options = self.mapping(top["face_swap"], "face_swap", ("landmarks",))
            if "landmarks" in options:
                landmarks = int(self.choice(options["landmarks"], "face_swap.landmarks", ("68", "5"), "68"))
        imagery = self.imagery(top["imagery"]) if "imagery" in top else Imagery()
        gpus = self.executor(top["executor"]) if "executor" in top else {}
        cert, key = read_provenance(self, top["provenance"]) if "provenance" in top else (None, None)
        accepted, licences_pos = read_licences(self, top["licences"]) if "licences" in top else ((), (1, 1))
        disclosure, disclosure_pos = read_disclosure(self, top["disclosure"]) if "disclosure" in top \
            else ("end", (1, 1))
        title_page = read_title_page(self, top["title_page"]) if "title_page" in top else ()
        if self.problems:
            raise ScreenplayError(self.problems)
        return Screenplay(self.path, title, fmt, actors, cast, scenes, score, landmarks, imagery, title_page=title_page,
                          music_library=library, mix=mix, ray_gpus=gpus, disclosure=disclosure,
                          disclosure_pos=disclosure_pos, accept_noncommercial=accepted, licences_pos=licences_pos,
                          provenance_cert=cert, provenance_key=key, library=media or LibrarySettings())

    def executor(self, node: yaml.Node) -> dict[str, float]:
        """`executor: {ray: {gpus: {image: 1}}}`: GPUs a Ray node of each kind asks for."""
        ray = self.mapping(self.mapping(node, "executor", ("ray",)).get("ray", _EMPTY), "executor.ray", ("gpus",))
        gpus = self.mapping(ray.get("gpus", _EMPTY), "executor.ray.gpus", GPU_KINDS)
        return {kind: self.number(value, f"executor.ray.gpus.{kind}", 0.0, low=0, high=64)
                for kind, value in gpus.items()}

    def format(self, node: yaml.Node) -> Format:
        m = self.mapping(node, "format", ("width", "height", "fps"))
        width = self.integer(m["width"], "format.width", 1280, 64, 7680) if "width" in m else 1280
        height = self.integer(m["height"], "format.height", 720, 64, 4320) if "height" in m else 720
        for name, value in (("width", width), ("height", height)):
            if value % 2:
                self.fail(m[name], f"format.{name}", f"must be even for H.264 4:2:0, got {value}")
        fps = Fraction(24)
        if "fps" in m:
            value = self.number(m["fps"], "format.fps", 24, low=1, high=120)
            fps = next((ntsc for ntsc in NTSC_RATES if abs(value - ntsc) < 0.002),
                       Fraction(value).limit_denominator(1001))
        return Format(width, height, fps)

    def actors(self, node: yaml.Node) -> dict[str, Actor]:
        actors: dict[str, Actor] = {}
        for key_node, value_node in self.table(node, "actors"):
            actor_id = self.identifier(key_node, f"actors.{key_node.value}")
            field = f"actors.{key_node.value}"
            m = self.mapping(value_node, field, ("face", "voice", "look", "person", "consent"), required=("voice",))
            face = self.file(m["face"], f"{field}.face", IMAGE_SUFFIXES, "an image") if "face" in m else None
            voice = self.voice(m["voice"], f"{field}.voice") if "voice" in m else VoiceSpec()
            look = self.text(m["look"], f"{field}.look") or None if "look" in m else None
            # where each key (and the voice's) stands, for problems found once the files are opened
            pos = {"": position(key_node), **{key: position(value) for key, value in m.items()}}
            if isinstance(m.get("voice"), yaml.MappingNode):
                pos.update((f"voice.{k.value}", position(v)) for k, v in m["voice"].value
                           if isinstance(k, yaml.ScalarNode))
            person = read_person(self, m["person"], f"{field}.person") if "person" in m else None
            consent = read_consent(self, m["consent"], f"{field}.consent") if "consent" in m else None
            if actor_id:
                actors[actor_id] = Actor(actor_id, voice, face, look, person, consent, pos=pos)
        return actors

    def voice(self, node: yaml.Node, field: str) -> VoiceSpec:
        m = self.mapping(node, field, ("engine", "model", "speaker", "pitch", "rate", "timbre", "sample",
                                       "language"))
        engine = self.choice(m["engine"], f"{field}.engine", VOICE_ENGINES, "piper") if "engine" in m else "piper"
        model = None
        if "model" in m:
            model = self.path_text(m["model"], f"{field}.model") or None
            if model and engine == "piper" and model.endswith(".onnx"):
                path = self.file(m["model"], f"{field}.model", {".onnx"}, "a piper voice", media=False)
                # as written, links not followed: its .onnx.json is looked up beside the name given
                model = os.path.abspath(self.root / model) if path else None
            elif model and engine == "coqui" and ("/" in model and not model.startswith("tts_models/")
                                                  or model.startswith((".", "~"))):
                path = (self.root / model).expanduser().resolve()  # a local model folder
                if not path.is_dir():
                    self.fail(m["model"], f"{field}.model", f"model folder not found: {path}; put the "
                              "Coqui model's config.json and checkpoint there, or give a model name")
                model = str(path)
        speaker: int | str | None = None
        if "speaker" in m and not is_null(m["speaker"]):
            if scalar_number(m["speaker"]) is not None or engine != "coqui":
                speaker = self.integer(m["speaker"], f"{field}.speaker", 0, 0, 10_000)
            else:
                speaker = self.text(m["speaker"], f"{field}.speaker") or None
        pitch = self.number(m["pitch"], f"{field}.pitch", 0.0, low=-12, high=12) if "pitch" in m else 0.0
        rate = self.number(m["rate"], f"{field}.rate", 1.0, low=0.5, high=2.0) if "rate" in m else 1.0
        timbre = self.number(m["timbre"], f"{field}.timbre", 0.0, low=-8, high=8) if "timbre" in m else None
        sample = self.file(m["sample"], f"{field}.sample", AUDIO_SUFFIXES, "a recording") if "sample" in m else None
        if "sample" in m and engine != "coqui":
            self.fail(m["sample"], f"{field}.sample", "voice cloning from a sample needs `engine: coqui`")
        language = self.text(m["language"], f"{field}.language") if "language" in m else None
        return VoiceSpec(engine, model, speaker, pitch, rate, timbre, sample, language)

    def cast(self, node: yaml.Node, actors: dict[str, Actor]) -> tuple[dict[str, str], dict[str, Pos]]:
        cast: dict[str, str] = {}
        where: dict[str, Pos] = {}
        for key_node, value_node in self.table(node, "cast"):
            role = key_node.value
            actor = self.text(value_node, f"cast.{role}")
            if actor and actor not in actors:
                known = ", ".join(sorted(actors)) or "none defined"
                self.fail(value_node, f"cast.{role}", f"actor {actor!r} is not in `actors`"
                          f"{did_you_mean(actor, actors)}; known actors: {known}")
            cast[role] = actor
            where[role] = position(key_node)
        return cast, where

    def scenes(self, node: yaml.Node, cast: dict[str, str]) -> tuple[Scene, ...]:
        scenes: list[Scene] = []
        shot_ids: dict[str, str] = {}
        scene_ids: set[str] = set()
        items = self.sequence(node, "scenes")
        if isinstance(node, yaml.SequenceNode) and not items:
            self.fail(node, "scenes", "a film needs at least one scene")
        for si, scene_node in enumerate(items):
            field = f"scenes[{si}]"
            m = self.mapping(scene_node, field, ("id", "heading", "number", "shots"), required=("heading", "shots"))
            scene_id = (self.identifier(m["id"], f"{field}.id") if "id" in m else None) or f"s{si + 1}"
            if scene_id in scene_ids:
                self.fail(m.get("id", scene_node), f"{field}.id", f"duplicate scene id {scene_id!r}")
            scene_ids.add(scene_id)
            heading = self.text(m["heading"], f"{field}.heading", "SCENE") if "heading" in m else "SCENE"
            shots = []
            shot_nodes = self.sequence(m["shots"], f"{field}.shots") if "shots" in m else []
            if "shots" in m and isinstance(m["shots"], yaml.SequenceNode) and not shot_nodes:
                self.fail(m["shots"], f"{field}.shots", "a scene needs at least one shot")
            for hi, shot_node in enumerate(shot_nodes):
                shot = self.shot(shot_node, f"{field}.shots[{hi}]", f"{scene_id}_{hi + 1:02d}", cast)
                if shot.id in shot_ids:
                    line, col = shot.pos.get("id", shot.pos[""])
                    self.problems.append(Problem(
                        self.path, line, col, f"{field}.shots[{hi}].id",
                        f"duplicate shot id {shot.id!r} (first used at {shot_ids[shot.id]}); "
                        "shot ids must be unique across the film"))
                else:
                    shot_ids[shot.id] = f"{field}.shots[{hi}]"
                shots.append(shot)
            number = read_scene_number(self, m["number"], f"{field}.number") if "number" in m else None
            scenes.append(Scene(scene_id, heading, tuple(shots), number, pos={"": position(scene_node)}))
        return tuple(scenes)

    def shot(self, node: yaml.Node, field: str, default_id: str, cast: dict[str, str]) -> Shot:
        m = self.mapping(node, field, ("id", "description", "picture", "camera", "lines", "duration", "transition",
                                       "fade_out", "faces", "notes"))
        pos = {key: position(value) for key, value in m.items()}
        pos[""] = position(node)
        shot_id = (self.identifier(m["id"], f"{field}.id") if "id" in m else None) or default_id
        description = self.text(m["description"], f"{field}.description") if "description" in m else None
        if "picture" in m:
            picture = self.picture(m["picture"], f"{field}.picture")
        elif description:  # what the shot shows, in words, is its prompt until a picture is chosen
            picture = Picture("prompt", description, pos={"prompt": pos["description"]})
        else:
            if isinstance(node, yaml.MappingNode):
                self.fail(node, field, "missing required key 'picture' (or a `description` to picture)")
            picture = Picture("card", "")
        camera = self.choice(m["camera"], f"{field}.camera", CAMERA_MOVES, "static") if "camera" in m else "static"
        lines = tuple(self.line(n, f"{field}.lines[{i}]", cast)
                      for i, n in enumerate(self.sequence(m["lines"], f"{field}.lines"))) if "lines" in m else ()
        duration = None
        if "duration" in m:
            d = m["duration"]
            if isinstance(d, yaml.ScalarNode) and d.value == "auto":
                duration = None
            elif scalar_number(d) is None:
                self.fail(d, f"{field}.duration", f"expected `auto` or a number of seconds, got {describe(d)}")
            else:
                duration = self.number(d, f"{field}.duration", 3.0, positive=True)
                if duration > MAX_SECONDS:
                    self.fail(d, f"{field}.duration", f"{fmt(duration)} s is longer than an hour; "
                              "split the shot")
        transition = read_transition(self, m["transition"], f"{field}.transition") if "transition" in m \
            else Transition()
        fade_out = read_fade_out(self, m["fade_out"], f"{field}.fade_out") if "fade_out" in m else None
        faces = self.faces(m["faces"], f"{field}.faces", cast, picture) if "faces" in m else ()
        notes = read_notes(self, m["notes"], f"{field}.notes") if "notes" in m else ()
        return Shot(shot_id, picture, camera, lines, duration, transition, faces, description, notes, fade_out,
                    pos=pos)

    def faces(self, node: yaml.Node, field: str, cast: dict[str, str], picture: Picture) -> tuple[FaceCasting, ...]:
        if picture.kind == "card":
            self.fail(node, field, "a card has no faces to swap; use a still, footage or prompt picture")
            return ()
        out = []
        for key_node, value_node in self.table(node, field):
            role = key_node.value
            if role not in cast:
                self.fail(key_node, f"{field}.{role}", f"unknown role {role!r}{did_you_mean(role, cast)}; "
                          f"roles in `cast`: {', '.join(sorted(cast)) or 'none'}")
                continue
            hint = self.text(value_node, f"{field}.{role}", "auto")
            if hint in FACE_HINTS:
                out.append(FaceCasting(role, hint))
                continue
            reference = self.file(value_node, f"{field}.{role}", IMAGE_SUFFIXES,
                                  f"one of {', '.join(FACE_HINTS)} or a photo of the stand-in")
            if reference:
                out.append(FaceCasting(role, "reference", reference, pos=position(value_node)))
        return tuple(out)

    def picture(self, node: yaml.Node, field: str) -> Picture:
        options = ("in", "out", "keep_audio", "anchor", "background", "color", "motion", "reuse") + PROMPT_OPTIONS
        m = self.mapping(node, field, PICTURE_KINDS + options)
        kinds = [k for k in PICTURE_KINDS if k in m]
        if len(kinds) != 1:
            if isinstance(node, yaml.MappingNode):
                got = f"got {', '.join(kinds)}" if kinds else "got none"
                self.fail(node, field, f"give exactly one of {', '.join(PICTURE_KINDS)} ({got})")
            return Picture("card", "")
        kind = kinds[0]
        allowed_options = {"still": ("anchor", "motion"), "footage": ("in", "out", "keep_audio", "anchor"),
                           "card": ("background", "color"), "prompt": ("anchor", "motion") + PROMPT_OPTIONS,
                           "find": ("reuse", "anchor", "keep_audio")}[kind]
        for option in options:
            if option in m and option not in allowed_options:
                self.fail(m[option], f"{field}.{option}", f"`{option}` does not apply to a {kind} picture")
        if kind == "find":
            return self.find(node, m, field)
        source = self.text(m[kind], f"{field}.{kind}")
        path = None
        if kind == "still":
            path = self.file(m[kind], f"{field}.still", IMAGE_SUFFIXES, "an image")
        elif kind == "footage":
            path = self.file(m[kind], f"{field}.footage", VIDEO_SUFFIXES, "a video")
        start = self.number(m["in"], f"{field}.in", 0.0, low=0, high=MAX_SECONDS) if "in" in m else 0.0
        end = self.number(m["out"], f"{field}.out", 0.0, low=0, high=MAX_SECONDS) if "out" in m else None
        if end is not None and end <= start:
            self.fail(m["out"], f"{field}.out", f"out-point {fmt(end)} s must come after the in-point {fmt(start)} s")
            end = None
        keep_audio = self.boolean(m["keep_audio"], f"{field}.keep_audio", False) if "keep_audio" in m else False
        anchor = self.choice(m["anchor"], f"{field}.anchor", tuple(ANCHORS), "auto") if "anchor" in m else "auto"
        colours = {}
        for name in ("background", "color"):
            if name in m:
                value = self.text(m[name], f"{field}.{name}")
                if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
                    self.fail(m[name], f"{field}.{name}", f"{value!r} is not a colour; write it as #RRGGBB")
                else:
                    colours[name] = value
        overrides = None
        if kind == "prompt" and any(option in m for option in PROMPT_OPTIONS):
            overrides = self.imagery_overrides(m, field)
        motion = self.choice(m["motion"], f"{field}.motion", MOTIONS, "camera") if "motion" in m else "camera"
        return Picture(kind, source, path, start, end, keep_audio, anchor, **colours, imagery=overrides, motion=motion,
                       pos={key: position(value) for key, value in m.items()})

    def find(self, node: yaml.Node, m: dict, field: str) -> Picture:
        find = read_find(self, m, field)
        if self.media is None:
            self.fail(m["find"], f"{field}.find", "`find:` looks in the film's library, and there is none; add "
                      "`library: {media: [FOLDER]}` naming your folders of stills and footage")
        keep_audio = self.boolean(m["keep_audio"], f"{field}.keep_audio", False) if "keep_audio" in m else False
        anchor = self.choice(m["anchor"], f"{field}.anchor", tuple(ANCHORS), "auto") if "anchor" in m else "auto"
        return Picture("find", find.text, keep_audio=keep_audio, anchor=anchor, find=find,
                       pos={key: position(value) for key, value in m.items()})

    def imagery_overrides(self, m: dict, field: str) -> ImageryOverrides:
        seed = self.integer(m["seed"], f"{field}.seed", 0, 0, 2**32 - 1) if "seed" in m else None
        steps = self.integer(m["steps"], f"{field}.steps", 25, 1, 500) if "steps" in m else None
        guidance = self.number(m["guidance"], f"{field}.guidance", 7.5, low=0, high=50) if "guidance" in m else None
        style = self.text(m["style"], f"{field}.style") if "style" in m else None
        negative = self.text(m["negative"], f"{field}.negative") if "negative" in m else None
        return ImageryOverrides(seed, steps, guidance, style, negative)

    def imagery(self, node: yaml.Node) -> Imagery:
        m = self.mapping(node, "imagery", ("model", "steps", "guidance", "size", "style", "negative", "seed",
                                           "device", "fit", "batch", "motion_model", "motion_frames",
                                           "motion_steps", "motion_fps", "motion_size"))
        model, model_path = self.model_ref(m, "model")
        motion_model, motion_model_path = self.model_ref(m, "motion_model")
        size = self.image_size(m["size"], "imagery.size") if "size" in m else None
        motion_size = self.image_size(m["motion_size"], "imagery.motion_size") if "motion_size" in m else None
        settings = {
            "steps": self.integer(m["steps"], "imagery.steps", 25, 1, 500) if "steps" in m else 25,
            "guidance": self.number(m["guidance"], "imagery.guidance", 7.5, low=0, high=50) if "guidance" in m else 7.5,
            "style": self.text(m["style"], "imagery.style") if "style" in m else "",
            "negative": self.text(m["negative"], "imagery.negative") if "negative" in m else "",
            "seed": self.integer(m["seed"], "imagery.seed", 0, 0, 2**32 - 1) if "seed" in m else 0,
            "device": self.choice(m["device"], "imagery.device", DEVICES, "auto") if "device" in m else "auto",
            "fit": self.choice(m["fit"], "imagery.fit", FIT_MODES, "crop") if "fit" in m else "crop",
            "batch": self.integer(m["batch"], "imagery.batch", 4, 1, 64) if "batch" in m else 4,
            "motion_frames": self.integer(m["motion_frames"], "imagery.motion_frames", 14, 2, 256)
            if "motion_frames" in m else 14,
            "motion_steps": self.integer(m["motion_steps"], "imagery.motion_steps", 25, 1, 500)
            if "motion_steps" in m else 25,
            "motion_fps": self.integer(m["motion_fps"], "imagery.motion_fps", 7, 1, 60) if "motion_fps" in m else 7,
        }
        if motion_size:
            settings["motion_size"] = motion_size
        pos = {key: position(value) for key, value in m.items()}
        pos[""] = position(node)
        return Imagery(model, model_path, size=size, motion_model=motion_model, motion_model_path=motion_model_path,
                       pos=pos, **settings)

    def model_ref(self, m: dict, name: str) -> tuple[str | None, Path | None]:
        """A model as written, and as a folder next to the screenplay when it names one (else it
        is a Hugging Face id, looked up in the local cache at build time)."""
        model = self.path_text(m[name], f"imagery.{name}") or None if name in m else None
        if model and (model.startswith((".", "/", "~")) or (self.root / model).exists()):
            return model, (self.root / Path(model).expanduser()).resolve()
        return model, None

    def image_size(self, node: yaml.Node, field: str) -> tuple[int, int] | None:
        """`512x768`, `[512, 768]` or `512` (square); multiples of 8, as latent diffusion needs."""
        if isinstance(node, yaml.SequenceNode) and len(node.value) == 2:
            dims = [self.integer(n, field, 512, 64, 4096) for n in node.value]
        elif isinstance(node, yaml.ScalarNode) and re.fullmatch(r"\s*\d+\s*(x\s*\d+\s*)?", node.value):
            dims = [int(v) for v in node.value.split("x")]
            dims = dims * 2 if len(dims) == 1 else dims
        else:
            self.fail(node, field, f"expected a size like 512x768, got {describe(node)}")
            return None
        if any(not 64 <= d <= 4096 or d % 8 for d in dims):
            self.fail(node, field, f"{dims[0]}x{dims[1]}: each side must be a multiple of 8 between 64 and 4096")
            return None
        return dims[0], dims[1]

    def line(self, node: yaml.Node, field: str, cast: dict[str, str]) -> Line:
        m = self.mapping(node, field, ("speaker", "text", "parenthetical", "pause_before", "pause_after",
                                       "extension", "overlap", "sung"), required=("speaker", "text"))
        pos = {key: position(value) for key, value in m.items()}
        speaker = self.text(m["speaker"], f"{field}.speaker") if "speaker" in m else ""
        if speaker and speaker not in cast:
            known = ", ".join(sorted(cast)) or "none"
            self.fail(m["speaker"], f"{field}.speaker", f"unknown role {speaker!r}"
                      f"{did_you_mean(speaker, cast)}; roles in `cast`: {known}")
        text = self.text(m["text"], f"{field}.text", limit=MAX_LINE_CHARS, too_long="a line that long would take "
                         "minutes to speak; split it into several lines") if "text" in m else ""
        parenthetical = None
        if "parenthetical" in m:
            parenthetical = self.text(m["parenthetical"], f"{field}.parenthetical").strip("() ") or None
        pauses = {name: self.number(m[name], f"{field}.{name}", 0.0, low=0, high=10) if name in m else 0.0
                  for name in ("pause_before", "pause_after")}
        if "pause_before" not in m:  # "(beat)": a script's pause, taken unless the line sets its own
            pauses["pause_before"] = beat_seconds(parenthetical)
        extension = self.text(m["extension"], f"{field}.extension", limit=60) or None if "extension" in m else None
        flags = {name: self.boolean(m[name], f"{field}.{name}", False) for name in ("overlap", "sung") if name in m}
        return Line(speaker, text, parenthetical, pos=pos, extension=extension, **pauses, **flags)

    def score(self, node: yaml.Node, scenes: tuple[Scene, ...], moods: tuple[str, ...]) -> tuple[Cue, ...]:
        shot_index = {shot.id: i for i, shot in enumerate(s for scene in scenes for s in scene.shots)}
        scene_ends = {scene.id: (scene.shots[0].id, scene.shots[-1].id) for scene in scenes if scene.shots}
        return tuple(self.cue(cue_node, f"score[{i}]", shot_index, scene_ends, moods)
                     for i, cue_node in enumerate(self.sequence(node, "score")))

    def cue(self, node: yaml.Node, field: str, shot_index: dict[str, int],
            scene_ends: dict[str, tuple[str, str]], moods: tuple[str, ...]) -> Cue:
        m = self.mapping(node, field, CUE_KEYS, required=("from", "to"))
        pos = {key: position(value) for key, value in m.items()}
        pos[""] = position(node)
        ends = {}
        for end, which in (("from", 0), ("to", 1)):
            if end in m:
                name = self.text(m[end], f"{field}.{end}")
                if name in shot_index:
                    ends[end] = name
                elif name in scene_ends:  # a scene: from its first shot, or to its last
                    ends[end] = scene_ends[name][which]
                elif name:
                    self.fail(m[end], f"{field}.{end}", f"no shot or scene with id {name!r}"
                              f"{did_you_mean(name, [*shot_index, *scene_ends])}")
        a, b = ends.get("from"), ends.get("to")
        if a and b and shot_index[b] < shot_index[a]:
            self.fail(m["to"], f"{field}.to", f"the cue's range is empty: shot {b!r} comes before "
                      f"{a!r}; swap `from` and `to`")
        sources = [k for k in CUE_SOURCES if k in m]
        if len(sources) != 1 and isinstance(node, yaml.MappingNode):
            self.fail(node, field, "give exactly one source: `mood` (from the stock library), `file` "
                      "(your own audio), `generate` (a prompt for MusicGen) or `song` (sung lyrics)")
        for key, needs in (("track", "mood"), ("style", "mood"), ("duration", "generate"), ("seed", "generate"),
                           ("model", "generate")):
            if key in m and needs not in m:
                self.fail(m[key], f"{field}.{key}", f"`{key}` applies to a `{needs}` cue; add `{needs}` or "
                          f"remove `{key}`" if key != "track" else "`track` picks within a `mood`; add a mood")
        if "licence" in m and "mood" in m:
            self.fail(m["licence"], f"{field}.licence", "the stock library's licence is known; `licence` is "
                      "for `file`, `generate` and `song` cues")
        opt = {}
        if "mood" in m:
            opt["mood"] = self.choice(m["mood"], f"{field}.mood", moods, "calm")
        if "style" in m:
            opt["style"] = self.choice(m["style"], f"{field}.style", CUE_STYLES, "acoustic")
        if "track" in m:
            opt["track"] = self.text(m["track"], f"{field}.track") or None
        if "file" in m:
            opt["file"] = self.file(m["file"], f"{field}.file", AUDIO_SUFFIXES, "an audio file")
        if "generate" in m:
            opt["generate"] = self.text(m["generate"], f"{field}.generate") or None
        if "song" in m:
            opt["song"] = read_song(self, m["song"], f"{field}.song", int(field[6:-1]), AUDIO_SUFFIXES, MAX_SECONDS)
        if "duration" in m:
            opt["duration"] = self.number(m["duration"], f"{field}.duration", 30.0, positive=True, high=MAX_SECONDS)
        if "seed" in m:
            opt["seed"] = self.integer(m["seed"], f"{field}.seed", 0, 0, 2**32 - 1)
        if "model" in m:
            opt["model"] = self.musicgen_model(m["model"], f"{field}.model")
        numbers = {"volume": (0, 2), "fade_in": (0, 60), "fade_out": (0, 60), "in": (0, MAX_SECONDS),
                   "out": (0, MAX_SECONDS), "bpm": (20, 300)}
        values = {key: self.number(m[key], f"{field}.{key}", 0.0, low=low, high=high)
                  for key, (low, high) in numbers.items() if key in m}
        if "out" in values and values["out"] <= values.get("in", 0.0):
            self.fail(m["out"], f"{field}.out", f"out-point {fmt(values['out'])} s must come after the in-point "
                      f"{fmt(values.get('in', 0.0))} s")
            del values["out"]
        renamed = {"in": "start", "out": "stop"}
        opt.update({renamed.get(key, key): value for key, value in values.items()})
        if "end" in m:
            opt["end"] = self.choice(m["end"], f"{field}.end", CUE_ENDS, "fade")
        if "hit" in m:
            hit = self.text(m["hit"], f"{field}.hit")
            if hit not in shot_index:
                self.fail(m["hit"], f"{field}.hit", f"no shot with id {hit!r}{did_you_mean(hit, shot_index)}")
            elif a and b and not shot_index[a] <= shot_index[hit] <= shot_index[b]:
                self.fail(m["hit"], f"{field}.hit", f"shot {hit!r} is outside the cue ({a!r} to {b!r}); hit a "
                          "shot the cue plays over")
            else:
                opt["hit"] = hit
        if "licence" in m:
            opt["licence"] = self.text(m["licence"], f"{field}.licence") or None
        return Cue(a or "", b or "", pos=pos, **opt)

    def musicgen_model(self, node: yaml.Node, field: str) -> str:
        """A folder (checked here) or a Hugging Face id (looked up in the local cache at resolve time)."""
        value = self.path_text(node, field) or DEFAULT_MUSICGEN
        path = (self.root / value).expanduser().resolve()
        if path.is_dir() or value.startswith((".", "/", "~")) or value.count("/") != 1:
            if not path.is_dir():
                self.fail(node, field, f"MusicGen model folder not found: {path}; download a model once "
                          "(huggingface-cli download facebook/musicgen-small --local-dir models/musicgen-small) "
                          "and give its folder, relative to the screenplay")
            return str(path)
        return value

    def music_library(self, node: yaml.Node) -> tuple[Path, ...]:
        m = self.mapping(node, "music", ("library",))
        if "library" not in m:
            return ()
        items = m["library"].value if isinstance(m["library"], yaml.SequenceNode) else [m["library"]]
        folders = []
        for i, item in enumerate(items):
            field = f"music.library[{i}]" if isinstance(m["library"], yaml.SequenceNode) else "music.library"
            value = self.path_text(item, field)
            path = (self.root / value).expanduser().resolve()
            if value and not path.is_dir():
                self.fail(item, field, f"music folder not found: {path}; give a folder of audio files "
                          "(one subfolder per mood), relative to the screenplay")
            elif value:
                folders.append(path)
        return tuple(folders)

    def mix(self, node: yaml.Node) -> MixSettings:
        m = self.mapping(node, "mix", ("loudness", "duck", "song_duck", "attack", "release", "crossfade"))
        opt: dict[str, Any] = {}
        if "loudness" in m:
            opt["loudness"] = self.choice(m["loudness"], "mix.loudness", tuple(LOUDNESS_TARGETS), "web")
        limits = {"duck": (-40, 0), "song_duck": (-60, 0), "attack": (0.005, 2), "release": (0.02, 5),
                  "crossfade": (0, 10)}
        opt.update({key: self.number(m[key], f"mix.{key}", getattr(MixSettings, key), low=low, high=high)
                    for key, (low, high) in limits.items() if key in m})
        return MixSettings(**opt)

def _library_moods(folders: tuple[Path, ...]) -> tuple[str, ...]:
    """The bundled moods, then each user folder's mood subfolders (and its own name, for loose files)."""
    extra = []
    for folder in folders:
        extra += [folder.name] + sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    return tuple(dict.fromkeys([*MOODS, *extra]))
