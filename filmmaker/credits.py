"""Credits and licences: who plays whom (faces and voices, and where they come from), the voices
and models with their licences, the music with its licences, the stock media; and the components
whose licence forbids commercial use, which a release build refuses unless the screenplay
acknowledges each (`licences: {accept_noncommercial: [jukebox]}`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from filmmaker.errors import Problem

VOICE_LICENCES = {
    "piper": "piper (MIT); the bundled en_US-joe-medium voice: dataset CC0, packaging MIT; another voice: "
             "its model card",
    "espeak": "espeak-ng, GPL-3.0-or-later (a separate library loaded at run time)",
    "kokoro": "Kokoro-82M weights and voices Apache-2.0; int8 ONNX export MIT",
    "coqui": "Coqui TTS code MPL-2.0; the model's own licence (XTTS v2: CPML, non-commercial)",
}


@dataclass(frozen=True)
class NonCommercial:
    name: str  # what `licences.accept_noncommercial` lists to acknowledge it
    what: str
    why: str


def noncommercial(plan) -> list[NonCommercial]:
    """The components the cut uses whose licence forbids commercial use, known from the plan alone."""
    from filmmaker.people import uses_of

    sp, found = plan.screenplay, {}
    if sp.face_landmarks == 68 and any(use.what == "face" for use in uses_of(plan)):
        found["dlib-68"] = NonCommercial("dlib-68", "the 68-point dlib face landmark model",
                                         "trained on iBUG 300-W, whose licence excludes commercial use; "
                                         "`face_swap: {landmarks: 5}` uses the licence-clean 5-point model")
    for pc in plan.cues:
        if pc.cue.song is not None and pc.cue.song.engine == "jukebox":
            found["jukebox"] = NonCommercial("jukebox", "OpenAI's Jukebox weights", "non-commercial use only")
        if pc.cue.generate:
            found["musicgen"] = NonCommercial("musicgen", f"MusicGen ({pc.cue.model})",
                                              "the facebook/musicgen-* weights are CC-BY-NC 4.0")
    for ps in plan.shots:
        for pl in ps.lines:
            voice = pl.actor.voice
            if voice.engine == "coqui" and "xtts" in (voice.model or "xtts").lower():
                found["xtts"] = NonCommercial("xtts", f"Coqui XTTS ({voice.model or 'xtts_v2'})",
                                              "the Coqui Public Model License: non-commercial")
    return list(found.values())


def licence_problems(plan) -> list[Problem]:
    """A release build's refusals: each non-commercial component the screenplay did not acknowledge."""
    sp = plan.screenplay
    line, col = sp.licences_pos
    return [Problem(sp.path, line, col, "licences.accept_noncommercial",
                    f"{c.what} is licensed for non-commercial use only ({c.why}); a release build needs another "
                    f"component, or your acknowledgement: `licences: {{accept_noncommercial: [{c.name}]}}`")
            for c in noncommercial(plan) if c.name not in sp.accept_noncommercial]


def credits_text(plan, sources: dict | None = None) -> str:
    """The credits as plain text; `sources` (cue index -> resolved Source) adds the music's licences."""
    sp = plan.screenplay
    out = [sp.title, "", "Cast"]
    voices: dict[str, str] = {}
    for role, actor_id in sorted(sp.cast.items()):
        actor = sp.actors[actor_id]
        voice = actor.voice
        said = f"{voice.engine} {voice.model or 'default voice'}"
        if voice.sample is not None:
            said += f", cloned from {_name(plan, voice.sample)}"
        face = f"face: {_name(plan, actor.face)}" if actor.face else "no face photo"
        person = f" ({actor.person})" if actor.person else ""
        out.append(f"  {role}: {actor_id}{person}; {face}; voice: {said}")
        voices[voice.engine] = VOICE_LICENCES.get(voice.engine, "see the engine's documentation")
    out += ["", "Voices and models"] + [f"  {engine}: {licence}" for engine, licence in sorted(voices.items())]
    if sp.imagery.model:
        out.append(f"  pictures: {sp.imagery.model} (diffusers); see its model card for the weights' licence")
    if any(ps.shot.faces for ps in plan.shots):
        landmarks = "68-point (iBUG 300-W: non-commercial)" if sp.face_landmarks == 68 else "5-point (CC0)"
        out.append(f"  face swap: dlib {landmarks} landmark model, face embedding ResNet (CC0)")
    out += ["", "Music"]
    for pc in plan.cues:
        source = (sources or {}).get(pc.index)
        what = pc.cue.mood and f"{pc.cue.mood} ({pc.cue.track or 'first track'})" or pc.cue.file and \
            _name(plan, pc.cue.file) or pc.cue.song and f"song, {pc.cue.song.engine}" or "MusicGen"
        licence = f": {source.name}, {source.licence}" if source is not None else ""
        out.append(f"  score[{pc.index}] {pc.cue.start_shot}-{pc.cue.end_shot}: {what}{licence}")
    media = sorted({_name(plan, ps.shot.picture.path) + _licence(ps.shot.picture.path)
                    for ps in plan.shots if ps.shot.picture.path is not None})
    out += ["", "Stock media"] + [f"  {name}" for name in media] + (["  none"] if not media else [])
    flagged = noncommercial(plan)
    out += ["", "Non-commercial components"] + [f"  {c.what}: {c.why}" for c in flagged] + \
        (["  none"] if not flagged else [])
    if plan.disclosure:
        out += ["", plan.disclosure]
    return "\n".join(out) + "\n"


def _licence(path: Path) -> str:
    """`: LICENCE` from the file's sidecar (NAME.json), as library media record it; else nothing."""
    from filmmaker.library.describe import licence_of

    licence = licence_of(path)
    return f": {licence}" if licence else ""


def _name(plan, path: Path) -> str:
    try:
        return str(path.relative_to(plan.screenplay.root))
    except ValueError:
        return str(path)
