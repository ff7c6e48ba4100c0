"""The voice palette: distinct people from the voices that install offline, measured.

Each entry is a voice design (engine, model, pitch, timbre, rate) that a screenplay can copy
into an actor's `voice:`. The bundled piper voice is a man (median F0 about 93 Hz); its women
are made by raising the pitch the tape way and then moving the spectral envelope back down, so
the vocal tract reads about 15% shorter (a woman's) instead of 75% shorter (a child's, which the
raw shift would give). Figures are from `python benchmarks/voices.py` (YIN F0 of the example's
lines, pocketsphinx WER of them alone and in the example's final mix): the design was chosen
among a grid of pitch and timbre for the lowest WER at a woman's F0 (>= 165 Hz). WORLD
resynthesis (pyworld) was measured and not taken: no better WER, and three times the cost with
an F0 tracker that does not halve or double the pitch.
"""

from __future__ import annotations

from dataclasses import dataclass

from filmmaker.screenplay.model import VoiceSpec


@dataclass(frozen=True)
class PaletteVoice:
    name: str
    sex: str  # woman | man: what listeners take it for
    spec: VoiceSpec
    note: str

    def yaml(self) -> str:
        fields = {"engine": self.spec.engine, "model": self.spec.model, "pitch": self.spec.pitch,
                  "timbre": self.spec.timbre, "rate": self.spec.rate}
        shown = {k: v for k, v in fields.items() if v is not None and not (k == "pitch" and v == 0)
                 and not (k == "rate" and v == 1.0)}
        return "{" + ", ".join(f"{k}: {v:g}" if isinstance(v, float) else f"{k}: {v}" for k, v in shown.items()) + "}"


JOE = "en_US-joe-medium"
BUNDLED = VoiceSpec(engine="piper", model=JOE)  # the voice as recorded: what the palette is measured against

PALETTE = (
    PaletteVoice("woman", "woman", VoiceSpec(engine="piper", model=JOE, pitch=10.25, timbre=2.5),
                 "the bundled voice raised 10.25 semitones, its envelope 2.5"),
    PaletteVoice("man", "man", VoiceSpec(engine="piper", model=JOE, pitch=2.0, rate=0.92),
                 "the bundled voice 2 semitones up, a little slower"),
)


def palette_voice(name: str) -> PaletteVoice:
    for voice in PALETTE:
        if voice.name == name:
            return voice
    raise KeyError(name)
