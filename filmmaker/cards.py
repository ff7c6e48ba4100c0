"""Cards the plan adds as shots of its own: the title page's opening card here, the disclosure's
cards (disclosure.py) through the same `insert_cards`. Like disclosure.py, this reads the plan it
extends without importing plan.py (which imports it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from filmmaker.screenplay.model import Picture, Shot

TITLE_CARD_ID = "title-page"
TITLE_CARD_SECONDS = 5.0
TITLE_KEYS = ("credit", "author", "authors", "source")  # what the card shows below the title, in this order


def card_id(wanted: str, taken: set[str]) -> str:
    """`wanted`, or with "-card" added until no shot of the writer's has it (theirs keeps its name)."""
    while wanted in taken:
        wanted += "-card"
    return wanted


def insert_cards(plan, front: Sequence[tuple[Shot, bool]] = (), back: Sequence[tuple[Shot, bool]] = ()):
    """The plan with card shots put before and after its shots, each `(shot, is_disclosure_card)`,
    in the scene of the shot they stand beside; shots, their lines and the cues' spans re-indexed."""
    shots = list(plan.shots)
    first, last = shots[0], shots[-1]
    # replace() on a planned shot makes another without naming plan.PlannedShot (no import of plan.py)
    made = [[replace(beside, shot=shot, lines=(), disclosure_card=flag) for shot, flag in cards]
            for beside, cards in ((first, front), (last, back))]
    shots = [*made[0], *shots, *made[1]]
    renumbered = tuple(replace(ps, index=i, lines=tuple(replace(pl, shot_index=i) for pl in ps.lines))
                       for i, ps in enumerate(shots))
    index_of = {ps.id: ps.index for ps in renumbered}
    cues = tuple(replace(pc, first=index_of[pc.cue.start_shot], last=index_of[pc.cue.end_shot]) for pc in plan.cues)
    return replace(plan, shots=renumbered, cues=cues)


def title_page_text(screenplay) -> str | None:
    """The title, a blank line, then the credit, author and source as the title page gives them;
    None without a title page."""
    if not screenplay.title_page:
        return None
    given = {key.strip().lower(): value.strip() for key, value in screenplay.title_page}
    below = [given[key] for key in TITLE_KEYS if given.get(key)]
    return "\n".join([screenplay.title.strip(), "", *below]) if below else screenplay.title.strip()


def with_title_page(plan):
    """The plan opening on a title card, when the screenplay has a title page."""
    text = title_page_text(plan.screenplay)
    if text is None or not plan.shots:
        return plan
    shot_id = card_id(TITLE_CARD_ID, {ps.id for ps in plan.shots})
    return insert_cards(plan, front=[(Shot(shot_id, Picture("card", text), duration=TITLE_CARD_SECONDS), False)])
