"""Subtitles say how a line is heard: a voice-over (V.O.) in italics, sung words between music
notes, the parenthetical in front as ever."""

from __future__ import annotations

from pathlib import Path

from filmmaker.export import subtitle_cues, to_srt, to_vtt
from filmmaker.plan import plan_film, time_film
from filmmaker.screenplay import parse_screenplay

FILM = """
title: Marks
actors: {a: {voice: {engine: espeak}}}
cast: {MARA: a}
scenes:
  - heading: INT. KITCHEN - NIGHT
    shots:
      - id: one
        picture: {card: One}
        lines:
          - {speaker: MARA, text: I left that night., extension: (V.O.)}
          - {speaker: MARA, text: Over the hills & far away, sung: true, parenthetical: softly}
          - {speaker: MARA, text: Hello., extension: (O.S.)}
          - {speaker: MARA, text: <Still> here., extension: (v.o.), sung: true}
"""


def cues():
    plan = plan_film(parse_screenplay(FILM, Path("/tmp/marks.yaml")))
    seconds = {pl.id: 1.0 for ps in plan.shots for pl in ps.lines}
    return subtitle_cues(plan, time_film(plan, seconds, {}), seconds)


def test_cues_know_voice_overs_and_carry_the_music_notes():
    narrated, sung, offscreen, both = cues()
    assert (narrated.italic, narrated.text) == (True, "I left that night.")
    assert (sung.italic, sung.text) == (False, "(softly) ♪ Over the hills & far away ♪")
    assert (offscreen.italic, offscreen.text) == (False, "Hello.")  # off screen is not a voice-over
    assert (both.italic, both.text) == (True, "♪ <Still> here. ♪")


def test_srt_and_vtt_set_voice_overs_in_italics():
    srt, vtt = (text.replace("\n", " ") for text in (to_srt(cues()), to_vtt(cues())))  # unwrapped
    assert "<i>MARA: I left that night.</i>" in srt
    assert "MARA: (softly) ♪ Over the hills & far away ♪" in srt and "<i>MARA: Hello" not in srt
    assert "<v MARA><i>I left that night.</i>" in vtt
    assert "<v MARA>(softly) ♪ Over the hills &amp; far away ♪" in vtt
    assert "<v MARA><i>♪ &lt;Still&gt; here. ♪</i>" in vtt  # the line's own markup still escaped
