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

Three women and three men, so a scene of up to six speakers gets voices that are told apart; the
measured distance of every pair is stored below (`distance`, `alike`), for casting imported scripts.
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
    # Four more, so a scene of up to six speakers has voices told apart. Within a sex they are set
    # apart by pitch, about 3 semitones or more between neighbours (piper's intonation moves a voice a
    # semitone from one sentence to the next). Each is the lowest-WER design, on the example's lines,
    # in a grid of pitch, timbre and rate that kept every pair apart: higher women transcribe worse
    # (pocketsphinx), and a lower envelope wins some of it back.
    PaletteVoice("woman-mezzo", "woman", VoiceSpec(engine="piper", model=JOE, pitch=14.0, timbre=1.5),
                 "a higher woman: 14 semitones up, the envelope 1.5"),
    PaletteVoice("man-tenor", "man", VoiceSpec(engine="piper", model=JOE, pitch=5.0, timbre=3.0),
                 "a lighter man: 5 semitones up, the envelope 3"),
    PaletteVoice("woman-soprano", "woman", VoiceSpec(engine="piper", model=JOE, pitch=17.0, timbre=2.0, rate=1.05),
                 "a high woman: 17 semitones up, the envelope 2, a little faster (at 1.0 her pitch sagged)"),
    PaletteVoice("man-bass", "man", VoiceSpec(engine="piper", model=JOE, pitch=-2.0, timbre=0.0, rate=0.95),
                 "a deep man: 2 semitones down, the envelope as recorded, a little slower"),
)


def palette_voice(name: str) -> PaletteVoice:
    for voice in PALETTE:
        if voice.name == name:
            return voice
    raise KeyError(name)


# -- measured: who is told apart from whom ---------------------------------------------------------------

# Two voices are told apart when their F0 differs by 2 semitones or more, or their spectral
# envelopes by more than one voice on two sentences ever does (tests/unit/test_casting.py).
APART_SEMITONES = 2.0
APART_ENVELOPE_DB = 3.0

# Measured by `python benchmarks/voices.py --skip-speed --skip-film` (checked by the slow test in
# tests/unit/test_palette_measured.py) on test_casting.py's two sentences: median F0 in Hz (YIN,
# before the timbre warp), and per pair |dF0| in semitones and the envelope distance in dB (RMS,
# 100-5000 Hz), each the smaller over the two sentences.
# F0 is taken before the warp because YIN misreads lowered formants (the woman reads 291/268 Hz
# after it, 170 Hz before); the warp leaves the pitch alone (test_casting.py checks). pocketsphinx
# WER on test_casting.py's five sentences (limit 0.5): 0.03-0.07, woman-soprano and man-bass 0.13.
MEDIAN_F0 = {"woman": 169.8, "man": 104.9, "woman-mezzo": 203.9, "man-tenor": 124.7, "woman-soprano": 257.8,
             "man-bass": 81.6}
PAIRS = {  # (a, b): (|dF0| semitones, envelope dB)
    ("woman", "man"): (7.96, 2.47),
    ("woman", "woman-mezzo"): (3.35, 1.47),
    ("woman", "man-tenor"): (5.08, 1.19),
    ("woman", "woman-soprano"): (7.06, 1.85),
    ("woman", "man-bass"): (11.90, 4.82),
    ("man", "woman-mezzo"): (11.45, 2.79),
    ("man", "man-tenor"): (2.88, 2.22),
    ("man", "woman-soprano"): (15.02, 3.59),
    ("man", "man-bass"): (2.97, 3.74),
    ("woman-mezzo", "man-tenor"): (8.52, 2.18),
    ("woman-mezzo", "woman-soprano"): (3.57, 1.28),
    ("woman-mezzo", "man-bass"): (15.25, 4.77),
    ("man-tenor", "woman-soprano"): (12.14, 2.55),
    ("man-tenor", "man-bass"): (6.73, 4.44),
    ("woman-soprano", "man-bass"): (19.12, 5.77),
}


def measured(a: str, b: str) -> tuple[float, float]:
    """(|dF0| semitones, envelope distance dB) of two palette voices, in either order."""
    if a == b:
        palette_voice(a)
        return 0.0, 0.0
    return PAIRS[(a, b)] if (a, b) in PAIRS else PAIRS[(b, a)]


def distance(a: str, b: str) -> float:
    """How different two palette voices sound: >= 1.0 is told apart (by pitch or by envelope)."""
    semitones, envelope_db = measured(a, b)
    return max(semitones / APART_SEMITONES, envelope_db / APART_ENVELOPE_DB)


def alike(a: str, b: str) -> bool:
    return distance(a, b) < 1.0
