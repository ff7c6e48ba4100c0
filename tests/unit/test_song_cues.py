"""A score cue's `song:` mapping as the screenplay reads it, and how a song is sized and timed
before any model runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from filmmaker.errors import ScreenplayError
from filmmaker.graph.song import song_bpm, song_seconds
from filmmaker.plan import plan_film
from filmmaker.screenplay import parse_screenplay

FILM = """\
title: T
actors:
  a: {{voice: {{engine: espeak, model: en-us}}}}
  b: {{voice: {{engine: espeak, model: en-us, rate: 0.5}}}}
cast: {{X: a}}
scenes:
  - id: s
    heading: INT. ROOM - DAY
    shots:
      - id: one
        picture: {{card: "One"}}
        duration: 3
      - id: two
        picture: {{card: "Two"}}
        lines:
          - {{speaker: X, text: "one two three four five six seven eight nine ten eleven twelve thirteen"}}
score:
  - from: one
    to: two
    song:
{song}
"""


def load(tmp_path: Path, song: str):
    screenplay = tmp_path / "film.yaml"
    text = FILM.format(song="\n".join("      " + line for line in song.strip("\n").splitlines()))
    return parse_screenplay(text, screenplay)


def problems(tmp_path: Path, song: str) -> list[str]:
    with pytest.raises(ScreenplayError) as caught:
        load(tmp_path, song)
    return [f"{p.line}:{p.field}: {p.message}" for p in caught.value.problems]


def test_a_song_reads_with_its_lyrics_inline_or_from_a_file(tmp_path):
    (tmp_path / "words.txt").write_text("la la la\n")
    song = load(tmp_path, "engine: ace-step\nmodel: org/model\nstyle: 'synth-pop, 92 bpm'\nlyrics: words.txt\n"
                          "seed: 3\nkeyscale: F# minor").score[0].song
    assert (song.engine, song.model, song.seed, song.keyscale) == ("ace-step", "org/model", 3, "F# minor")
    assert song.lyrics_file == (tmp_path / "words.txt").resolve() and song.lyrics == ""
    inline = load(tmp_path, "engine: jukebox\nstyle: pop\nlyrics: |\n  first line\n  second line").score[0].song
    assert inline.lyrics == "first line\nsecond line" and inline.lyrics_file is None
    assert inline.model == "5b_lyrics"  # jukebox's default, looked up in its own cache at resolve time


def test_draft_lyrics_go_beside_the_screenplay_and_need_a_language_model(tmp_path):
    (tmp_path / "gpt2").mkdir()
    song = load(tmp_path, "engine: ace-step\nstyle: pop\nlyrics: draft\nlyrics_model: gpt2").score[0].song
    assert song.draft and song.lyrics_file == tmp_path / "film.score0.lyrics.txt"
    assert song.lyrics_model == str((tmp_path / "gpt2").resolve())
    found = problems(tmp_path, "engine: ace-step\nstyle: pop\nlyrics: draft")
    assert any("song.lyrics: `lyrics: draft` needs a language model" in p and "lyrics_model:" in p for p in found)


def test_bad_song_fields_are_each_named_with_their_line(tmp_path):
    found = problems(tmp_path, "engine: acestep\nmodel: ./models/nowhere\nstyle: pop\nkeyscale: H major\n"
                               "bpm: 900\ncontinue: clip.txt\nvolume: 3")
    text = "\n".join(found)
    assert "song.engine: 'acestep' is not one of ace-step, jukebox (did you mean 'ace-step'?)" in text
    assert "song.model: song model folder not found" in text
    assert "song.keyscale: 'H major' is not a key" in text
    assert "song.bpm: must be between 20 and 300" in text
    assert "song.continue: 'clip.txt' does not look like an audio clip" in text
    assert "song.volume: unknown key; allowed: engine, model, style, lyrics" in text
    assert all(int(p.split(":")[0]) > 10 for p in found)  # positioned at the song's own lines
    missing = problems(tmp_path, "engine: ace-step")
    assert any("song" in p and "style" in p for p in missing)


def test_a_song_is_sized_from_words_and_durations_never_the_voices(tmp_path):
    screenplay = load(tmp_path, "engine: ace-step\nstyle: pop")
    fast, slow = plan_film(screenplay), plan_film(screenplay, cast={"X": "b"})  # b speaks at half speed
    seconds = song_seconds(fast, fast.cues[0])
    assert seconds == song_seconds(slow, slow.cues[0])  # a recast does not resize (regenerate) the song
    assert seconds % 5 == 0 and seconds >= 3 + 13 / 2.6  # room for the card and the words, on a 5 s grid
    sized = load(tmp_path, "engine: ace-step\nstyle: pop\nduration: 42")
    assert song_seconds(plan_film(sized), plan_film(sized).cues[0]) == 42


def test_the_tempo_is_the_songs_own_or_one_named_in_its_style(tmp_path):
    assert song_bpm(load(tmp_path, "engine: ace-step\nstyle: 'synth-pop, 92 bpm'").score[0].song) == 92
    assert song_bpm(load(tmp_path, "engine: ace-step\nstyle: 'x, 92 bpm'\nbpm: 120").score[0].song) == 120
    assert song_bpm(load(tmp_path, "engine: ace-step\nstyle: 'slow ballad'").score[0].song) is None
