"""Music sources for score cues."""

from __future__ import annotations

import re
from pathlib import Path


def card_licence(folder: Path) -> str | None:
    """The licence a model folder's card (README.md) declares in its front matter, or None."""
    card = folder / "README.md"
    if not card.is_file():
        return None
    match = re.search(r"^licen[cs]e:\s*(\S+)", card.read_text(errors="replace"), re.MULTILINE)
    return match.group(1) if match else None
