"""A script's title page opens the film on a card: the title, a blank line, the credit and author
(and source), each on its own line, set large enough to read."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from filmmaker.cards import TITLE_CARD_SECONDS, title_page_text
from filmmaker.plan import plan_film, time_film
from filmmaker.render.picture import render_card
from filmmaker.screenplay import load_screenplay, parse_screenplay

FILM = """
title: The Long Night
title_page: {{Credit: Written by, Author: Ada Lane, Source: Based on a story by Mara Quill, Draft date: 1 May 2026}}
actors: {{a: {{voice: {{engine: espeak}}}}}}
cast: {{MARA: a}}
scenes:
  - heading: INT. KITCHEN - NIGHT
    shots:
      - id: {first}
        picture: {{card: One}}
        lines:
          - {{speaker: MARA, text: Hello.}}
      - id: two
        picture: {{card: Two}}
score:
  - {{from: two, to: two, mood: calm}}
"""


def plan_of(first: str = "one", path: str = "/tmp/title.yaml"):
    return plan_film(parse_screenplay(FILM.format(first=first), Path(path)))


def test_the_film_opens_on_the_title_card_and_the_rest_moves_up_one():
    plan = plan_of()
    card = plan.shots[0]
    assert [ps.id for ps in plan.shots] == ["title-page", "one", "two"]
    assert card.shot.picture.kind == "card" and card.shot.duration == TITLE_CARD_SECONDS == 5.0
    assert card.shot.picture.source == "The Long Night\n\nWritten by\nAda Lane\nBased on a story by Mara Quill"
    assert not card.lines and not card.disclosure_card and card.scene is plan.shots[1].scene
    assert [pl.id for pl in plan.shots[1].lines] == ["1.0"] and [ps.index for ps in plan.shots] == [0, 1, 2]
    assert [(pc.first, pc.last) for pc in plan.cues] == [(2, 2)]
    timing = time_film(plan, {"1.0": 1.0}, {})
    assert timing.frames[0] == 120 and timing.starts[1] == 120


def test_a_writers_shot_keeps_the_name_and_no_title_page_means_no_card():
    assert [ps.id for ps in plan_of(first="title-page").shots][:2] == ["title-page-card", "title-page"]
    plain = plan_film(parse_screenplay(FILM.format(first="one").replace("title_page:", "# title_page:"),
                                       Path("/tmp/plain.yaml")))
    assert [ps.id for ps in plain.shots] == ["one", "two"]
    # a title page of keys the card does not show: the title alone
    sp = parse_screenplay(FILM.format(first="one").replace(
        "{Credit: Written by, Author: Ada Lane, Source: Based on a story by Mara Quill, Draft date: 1 May 2026}",
        "{Contact: ada@example.com}"), Path("/tmp/contact.yaml"))
    assert title_page_text(sp) == "The Long Night"


def test_the_title_card_comes_before_an_opening_disclosure(tmp_path):
    from test_consent import project  # tests/unit/test_consent.py: a film with a real person's face

    screenplay = project(tmp_path, "    person: real\n", "    person: real\n")
    screenplay.write_text(screenplay.read_text() + "disclosure: {card: both}\ntitle_page: {Author: Ada Lane}\n")
    plan = plan_film(load_screenplay(screenplay))
    assert [ps.id for ps in plan.shots] == ["title-page", "disclosure-open", "face", "disclosure"]
    assert [ps.disclosure_card for ps in plan.shots] == [False, True, False, True]


def _ink_rows(image: np.ndarray, width: int, height: int) -> list[tuple[int, int]]:
    """Runs of rows with text in the visible frame (the card is drawn larger, for camera moves)."""
    h, w = image.shape[:2]
    top, left = (h - height) // 2, (w - width) // 2
    visible = image[top:top + height, left:left + width].astype(int)
    ink = (np.abs(visible - visible[2, 2]).sum(axis=2) > 60).any(axis=1)
    runs, start = [], None
    for y, on in enumerate(ink):
        if on and start is None:
            start = y
        elif not on and start is not None:
            runs.append((start, y))
            start = None
    return runs + ([(start, len(ink))] if start is not None else [])


def test_a_title_card_of_five_lines_renders_each_line_large_inside_the_frame():
    text = plan_of().shots[0].shot.picture.source
    image = render_card(text, 1280, 720, "#101418", "#f2ead8")
    runs = _ink_rows(image, 1280, 720)
    lines, rule = runs[:-1], runs[-1]  # the card's rule under the text
    assert len(lines) == 4  # title, credit, author, source: the blank line is a gap
    assert all(end - start > 30 for start, end in lines)  # set large, not at the smallest size
    assert lines[1][0] - lines[0][1] > 2 * (lines[2][0] - lines[1][1])  # the blank line between title and credit
    assert rule[1] - rule[0] < 10


def test_a_built_film_opens_on_its_title_card(tmp_path):
    from filmmaker.build import build_film

    path = tmp_path / "title.yaml"
    path.write_text(FILM.format(first="one").replace("title: The Long Night\n",
                                                     "title: The Long Night\nformat: {width: 320, height: 180}\n"))
    report = build_film(plan_film(load_screenplay(path)), tmp_path / "out")
    assert "title-page" in report.built["picture"] and "title-page" in report.built["segment"]
    assert report.timing.frames[0] == 120 and report.frames == sum(report.timing.frames)
    srt = (tmp_path / "out" / "the-long-night.srt").read_text()
    assert srt.startswith("1\n00:00:05,500 --> ")  # the line, after the card's five seconds
