"""A writer's script -> the screenplay, as YAML nodes placed at the script's own lines.

`filmmaker import` writes these nodes out as YAML (emit.py); `filmmaker build SCRIPT.fountain`
reads them directly, with the sidecar's settings merged in (sidecar.py), so both make the same
film and a problem in the script points at the script.

Shots: each action paragraph, centered text (a card) or speech with no action before it in its
scene starts a shot. A shot's id is its scene's (from the heading) and the opening words of
what it shows, so inserting or moving a scene leaves every other id alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from filmmaker.backends.voice.palette import palette_voice
from filmmaker.script.casting import Casting, cast_roles
from filmmaker.script.elements import Element, Pos, Script, script_error

CHORUS = "CHORUS"  # who sings lyrics written outside any speech
STOP_WORDS = {"a", "an", "the", "of", "and", "to", "in", "on", "at", "is", "are", "with", "into", "from", "his",
              "her", "their", "its", "as", "by", "for", "we", "he", "she", "they", "it", "up", "over", "then"}
SCENE_ID_CHARS = 14
SHOT_WORDS_CHARS = 12  # scene id, "-2", ".", words, "-2": within the 32 characters an id may have
FADE_OUTS = ("FADE OUT", "FADE TO BLACK", "CUT TO BLACK", "FADE OUT TO BLACK", "SMASH TO BLACK")
STR, BOOL, INT, FLOAT = (f"tag:yaml.org,2002:{t}" for t in ("str", "bool", "int", "float"))


def canonical_label(kind: str, first_shot: bool) -> str | None:
    """The wording a transition of `kind` is written with when the screenplay keeps none."""
    return {"crossfade": "DISSOLVE TO:", "fade": "FADE IN:" if first_shot else "FADE TO:"}.get(kind)


FADE_OUT_LABEL = "FADE OUT."


def transition_kind(wording: str) -> str:
    words = wording.upper()
    if "DISSOLVE" in words:
        return "crossfade"
    return "fade" if words.startswith("FADE") else "cut"


def is_fade_out(wording: str) -> bool:
    return wording.upper().rstrip(".:! ") in FADE_OUTS


@dataclass
class Imported:
    doc: yaml.MappingNode  # the screenplay, every node marked with the script's line and column
    comments: dict[int, list[str]]  # id(node) -> comment lines written above it (sections, synopses, casting)
    casting: Casting
    scene_ids: list[str] = field(default_factory=list)
    shot_ids: list[str] = field(default_factory=list)
    songs: list[tuple[str, str, str]] = field(default_factory=list)  # (from shot, to shot, lyrics): the sung lines


class Nodes:
    """YAML nodes marked at a position in a file, so the screenplay reader's problems point there."""

    def __init__(self, name: str):
        self.name = name

    def mark(self, pos: Pos) -> yaml.Mark:
        return yaml.Mark(self.name, 0, pos[0] - 1, pos[1] - 1, None, None)

    def scalar(self, value, pos: Pos) -> yaml.ScalarNode:
        if isinstance(value, bool):
            tag, text = BOOL, "true" if value else "false"
        elif isinstance(value, (int, float)):
            tag, text = (INT if isinstance(value, int) else FLOAT), f"{value:g}"
        else:
            tag, text = STR, str(value)
        return yaml.ScalarNode(tag, text, self.mark(pos), self.mark(pos))

    def mapping(self, pairs: list[tuple[str, yaml.Node]], pos: Pos, flow: bool = False) -> yaml.MappingNode:
        return yaml.MappingNode("tag:yaml.org,2002:map", [(self.scalar(k, pos), v) for k, v in pairs],
                                self.mark(pos), self.mark(pos), flow_style=flow)

    def sequence(self, items: list[yaml.Node], pos: Pos, flow: bool = False) -> yaml.SequenceNode:
        return yaml.SequenceNode("tag:yaml.org,2002:seq", items, self.mark(pos), self.mark(pos), flow_style=flow)


@dataclass
class _Shot:
    pos: Pos
    description: str | None = None
    card: str | None = None
    lines: list[yaml.Node] = field(default_factory=list)
    notes: list[tuple[str, Pos]] = field(default_factory=list)
    transition: Element | None = None
    fade_out: Element | None = None
    comments: list[str] = field(default_factory=list)


@dataclass
class _Scene:
    heading: str
    pos: Pos
    number: str | None
    shots: list[_Shot] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


class _Converter:
    def __init__(self, script: Script):
        self.script = script
        self.n = Nodes(str(script.path))
        self.scenes: list[_Scene] = []
        self.pending_transition: Element | None = None
        self.pending_comments: list[str] = []
        self.pending_notes: list[tuple[str, Pos]] = []
        self.speech: Element | None = None  # the cue whose lines are being read
        self.parenthetical: str | None = None
        self.first_of_speech = False
        self.lines: dict[str, int] = {}

    def run(self) -> Imported:
        for element in self.script.elements:
            getattr(self, "on_" + element.kind)(element)
        if self.pending_transition is not None:  # a script ends on its last transition: a fade to black
            if not self.shots_so_far():
                raise script_error(self.script.path, self.pending_transition.pos, "transition",
                                   "the script has no action or dialogue to picture")
            self.scenes[-1].shots[-1].fade_out = self.pending_transition
        if not self.shots_so_far():
            raise script_error(self.script.path, (1, 1), "script", "nothing to film: the script has no scene "
                               "heading, action or dialogue; write at least one action line or speech")
        casting = cast_roles([scene.speakers for scene in self.scenes], self.lines)
        return self.document(casting)

    def shots_so_far(self) -> bool:
        return any(scene.shots for scene in self.scenes)

    # -- elements, in script order ------------------------------------------------------------

    def on_heading(self, e: Element) -> None:
        self.end_speech()
        self.scenes.append(_Scene(e.text, e.pos, e.number, comments=self.pending_comments))
        self.pending_comments = []

    def on_action(self, e: Element) -> None:
        self.end_speech()
        self.new_shot(e.pos).description = e.text

    def on_centered(self, e: Element) -> None:
        self.end_speech()
        self.new_shot(e.pos).card = e.text

    def on_character(self, e: Element) -> None:
        self.end_speech()
        self.speech, self.parenthetical, self.first_of_speech = e, None, True

    def on_parenthetical(self, e: Element) -> None:
        if self.speech is None:  # a direction on its own: Fountain would call it action
            return self.on_action(e)
        self.parenthetical = e.text.strip().removeprefix("(").removesuffix(")").strip() or None

    def on_dialogue(self, e: Element) -> None:
        if self.speech is None:
            return self.on_action(e)
        self.add_line(e, sung=False)

    def on_lyric(self, e: Element) -> None:
        if self.speech is None:  # lyrics outside a speech: sung by a chorus, a role like any other
            self.speech, self.parenthetical, self.first_of_speech = Element("character", CHORUS, e.pos), None, True
            self.add_line(e, sung=True)
            self.speech = None
            return
        self.add_line(e, sung=True)

    def on_transition(self, e: Element) -> None:
        self.end_speech()
        if is_fade_out(e.text) and self.shots_so_far():
            self.scenes[-1].shots[-1].fade_out = e
        else:
            self.pending_transition = e

    def on_note(self, e: Element) -> None:
        shot = self.scenes[-1].shots[-1] if self.scenes and self.scenes[-1].shots else None
        (shot.notes if shot is not None else self.pending_notes).append((e.text, e.pos))

    def on_section(self, e: Element) -> None:
        self.end_speech()
        self.pending_comments.append("#" * max(1, e.level) + " " + e.text)

    def on_synopsis(self, e: Element) -> None:
        self.end_speech()
        self.pending_comments.append("= " + e.text)

    def on_page_break(self, e: Element) -> None:
        self.end_speech()

    # -- building --------------------------------------------------------------------------------

    def end_speech(self) -> None:
        self.speech = None

    def new_shot(self, pos: Pos) -> _Shot:
        if not self.scenes:  # action before any heading: the film opens on a scene of its own
            self.scenes.append(_Scene("OPENING", pos, None))
        shot = _Shot(pos, transition=self.pending_transition, comments=self.pending_comments)
        shot.notes.extend(self.pending_notes)
        self.pending_transition, self.pending_comments, self.pending_notes = None, [], []
        self.scenes[-1].shots.append(shot)
        return shot

    def add_line(self, e: Element, sung: bool) -> None:
        cue = self.speech
        scene = self.scenes[-1] if self.scenes else None
        shot = scene.shots[-1] if scene and scene.shots else None
        if shot is None:  # a speech straight after the heading: a shot of the scene itself
            shot = self.new_shot(cue.pos)
            scene = self.scenes[-1]
        n = self.n
        pairs = [("speaker", n.scalar(cue.text, cue.pos)), ("text", n.scalar(e.text, e.pos))]
        if self.parenthetical:
            pairs.append(("parenthetical", n.scalar(self.parenthetical, e.pos)))
        if cue.extension:
            pairs.append(("extension", n.scalar(cue.extension, cue.pos)))
        if cue.dual and self.first_of_speech and shot.lines:
            pairs.append(("overlap", n.scalar(True, cue.pos)))
        if sung:
            pairs.append(("sung", n.scalar(True, e.pos)))
        shot.lines.append(n.mapping(pairs, e.pos, flow=True))
        self.parenthetical, self.first_of_speech = None, False
        self.lines[cue.text] = self.lines.get(cue.text, 0) + 1
        if cue.text not in scene.speakers:
            scene.speakers.append(cue.text)

    def document(self, casting: Casting) -> Imported:
        n = self.n
        comments: dict[int, list[str]] = {}
        imported = Imported(n.mapping([], (1, 1)), comments, casting)
        title = self.script.title() or self.script.path.stem.replace("-", " ").replace("_", " ").title()
        top: list[tuple[str, yaml.Node]] = [("title", n.scalar(title.replace("\n", " "), (1, 1)))]
        page = [(key, value) for key, value in self.script.title_page if key.lower() != "title"]
        if page:
            top.append(("title_page", n.mapping([(k, n.scalar(v, (1, 1))) for k, v in page], (1, 1))))
        top.append(("actors", self.actors(casting)))
        top.append(("cast", n.mapping([(role, n.scalar(voice, (1, 1))) for role, voice in casting.voices.items()],
                                      (1, 1))))
        scene_nodes = [self.scene_node(scene, imported) for scene in self.scenes]
        top.append(("scenes", n.sequence(scene_nodes, (1, 1))))
        imported.doc = n.mapping(top, (1, 1))
        return imported

    def actors(self, casting: Casting) -> yaml.MappingNode:
        n = self.n
        pairs = []
        for name in dict.fromkeys(casting.voices.values()):
            spec = palette_voice(name).spec
            voice = [("engine", n.scalar(spec.engine, (1, 1))), ("model", n.scalar(spec.model, (1, 1)))]
            voice += [(k, n.scalar(v, (1, 1))) for k, v in (("pitch", spec.pitch), ("timbre", spec.timbre),
                                                            ("rate", spec.rate))
                      if v is not None and not (k == "pitch" and v == 0) and not (k == "rate" and v == 1.0)]
            pairs.append((name, n.mapping([("voice", n.mapping(voice, (1, 1), flow=True))], (1, 1))))
        return n.mapping(pairs, (1, 1))

    def scene_node(self, scene: _Scene, imported: Imported) -> yaml.MappingNode:
        n = self.n
        scene_id = _unique(_scene_slug(scene.heading), imported.scene_ids)
        pairs = [("id", n.scalar(scene_id, scene.pos)), ("heading", n.scalar(scene.heading, scene.pos))]
        if scene.number:
            pairs.append(("number", n.scalar(scene.number, scene.pos)))
        shots = [self.shot_node(scene, scene_id, shot, imported) for shot in scene.shots]
        if not shots:  # a heading with nothing under it still shows its place
            shots = [self.shot_node(scene, scene_id, _Shot(scene.pos), imported)]
        pairs.append(("shots", n.sequence(shots, scene.pos)))
        node = n.mapping(pairs, scene.pos)
        if scene.comments:
            imported.comments[id(node)] = scene.comments
        return node

    def shot_node(self, scene: _Scene, scene_id: str, shot: _Shot, imported: Imported) -> yaml.MappingNode:
        n = self.n
        what = shot.description or shot.card or (self.first_words(shot) if shot.lines else scene.heading)
        shot_id = _unique(f"{scene_id}.{_words_slug(what, 3, SHOT_WORDS_CHARS) or 'shot'}", imported.shot_ids)
        pairs = [("id", n.scalar(shot_id, shot.pos))]
        if shot.description:
            pairs.append(("description", n.scalar(shot.description, shot.pos)))
        elif shot.card is not None:
            pairs.append(("picture", n.mapping([("card", n.scalar(shot.card, shot.pos))], shot.pos, flow=True)))
        else:  # dialogue with nothing described: the place itself
            pairs.append(("picture", n.mapping([("prompt", n.scalar(scene.heading, shot.pos))], shot.pos, flow=True)))
        first_shot = len(imported.shot_ids) == 1
        if shot.transition is not None:
            pairs.append(("transition", self.transition_node(shot.transition, first_shot)))
        if shot.fade_out is not None:
            label = shot.fade_out.text if shot.fade_out.text != FADE_OUT_LABEL else None
            pairs.append(("fade_out", n.mapping([("fade", n.scalar(1, shot.fade_out.pos))] +
                                                ([("as", n.scalar(label, shot.fade_out.pos))] if label else []),
                                                shot.fade_out.pos, flow=True)))
        if shot.notes:
            pairs.append(("notes", n.sequence([n.scalar(text, pos) for text, pos in shot.notes], shot.pos,
                                              flow=True)))
        if shot.lines:
            pairs.append(("lines", n.sequence(shot.lines, shot.pos)))
        node = n.mapping(pairs, shot.pos)
        if shot.comments:
            imported.comments[id(node)] = shot.comments
        self.note_song(shot, shot_id, imported)
        return node

    def note_song(self, shot: _Shot, shot_id: str, imported: Imported) -> None:
        """Sung lines, gathered over consecutive shots, for a song cue the writer may add."""
        sung = [dict((k.value, v.value) for k, v in line.value) for line in shot.lines]
        lyrics = "\n".join(line["text"] for line in sung if line.get("sung") == "true")
        if not lyrics:
            return
        songs = imported.songs
        if songs and songs[-1][1] == imported.shot_ids[-2 if len(imported.shot_ids) > 1 else 0]:
            songs[-1] = (songs[-1][0], shot_id, songs[-1][2] + "\n" + lyrics)
        else:
            songs.append((shot_id, shot_id, lyrics))

    def first_words(self, shot: _Shot) -> str:
        first = dict((k.value, v.value) for k, v in shot.lines[0].value)
        return f"{first['speaker']} {first['text']}"

    def transition_node(self, e: Element, first_shot: bool) -> yaml.Node:
        n = self.n
        kind = transition_kind(e.text)
        label = None if e.text == canonical_label(kind, first_shot) else e.text
        if kind == "cut":
            return n.mapping([("as", n.scalar(label, e.pos))], e.pos, flow=True)
        if label is None:
            return n.scalar(kind, e.pos)
        return n.mapping([(kind, n.scalar(1, e.pos)), ("as", n.scalar(label, e.pos))], e.pos, flow=True)


def import_script(script: Script) -> Imported:
    return _Converter(script).run()


def _words_slug(text: str, count: int, limit: int) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower())
    kept = [w for w in words if w not in STOP_WORDS] or words
    slug = ""
    for word in kept[:count]:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or (kept[0][:limit] if kept else "")


def _scene_slug(heading: str) -> str:
    place = re.sub(r"^(INT\.?/EXT|INT|EXT|EST|I/E)[. ]+", "", heading.strip(), flags=re.IGNORECASE)
    return _words_slug(place, 4, SCENE_ID_CHARS) or "scene"


def _unique(base: str, taken: list[str]) -> str:
    name, k = base, 2
    while name in taken:
        name = f"{base}-{k}"
        k += 1
    taken.append(name)
    return name
