"""How many lines a title card's text is set in: light (no imaging), so the graph can key a card by
its layout without loading Pillow or numpy."""

from __future__ import annotations

CARD_LINES = 3  # a card's text is set in at most this many lines, or one a line of its own text (a title page)


def card_layout_lines(text: str) -> int:
    """How many lines a card's text may take: three, or more when it has more lines of its own."""
    return max(CARD_LINES, len(text.splitlines()))
