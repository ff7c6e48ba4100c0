"""A writer's script as a flat list of elements: what Fountain and Final Draft both hold.

Both readers (fountain.py, fdx.py) produce a `Script` and both writers take one, so the
conversion to and from the screenplay (convert.py, handback.py) knows neither format.
Every element keeps where it starts in its file, so a problem found later can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from filmmaker.errors import Problem, ScreenplayError

Pos = tuple[int, int]  # 1-based line, column in the script file

# heading: a scene heading (INT./EXT., a forced `.HEADING`), with its scene `number` when given
# action: an action paragraph (its lines joined by "\n")
# character: a character cue; `text` is the name, `extension` what follows it ("(V.O.)", "(O.S.) (CONT'D)"),
#   `dual` marks the second speech of dual dialogue (Fountain's `^`, Final Draft's <DualDialogue>)
# parenthetical: "(softly)" under a cue, parentheses included
# dialogue: the words of a speech (lines joined by "\n")
# lyric: a sung line (Fountain's `~`, Final Draft's Lyrics paragraph), inside a speech or on its own
# transition: CUT TO:, DISSOLVE TO:, FADE OUT. (a forced `>TEXT` too)
# centered: centered text (`>THE END<`)
# note: a writer's note ([[...]] in Fountain, a ScriptNote in Final Draft), brackets removed
# section: an outline section (`# Act One`); `level` is its depth (the number of #)
# synopsis: an outline synopsis (`= what happens`)
# page_break: `===`
KINDS = ("heading", "action", "character", "parenthetical", "dialogue", "lyric", "transition", "centered",
         "note", "section", "synopsis", "page_break")

# Title page keys in Fountain's spelling; Final Draft's title page is mapped onto them.
TITLE_KEYS = ("Title", "Credit", "Author", "Authors", "Source", "Draft date", "Date", "Contact", "Copyright",
              "Notes", "Revision")

MAX_SCRIPT_BYTES = 5_000_000  # a 120-page feature is about 200 kB in Fountain and 1 MB in Final Draft


@dataclass(frozen=True)
class Element:
    kind: str  # one of KINDS
    text: str
    pos: Pos = field(default=(1, 1), compare=False)
    number: str | None = None  # heading: the scene number ("12", "12A")
    extension: str | None = None  # character: the parenthesised extensions as written, "(V.O.)"
    dual: bool = False  # character: this speech overlaps the one before it
    level: int = 0  # section: its depth


@dataclass(frozen=True)
class Script:
    path: Path
    title_page: tuple[tuple[str, str], ...]  # (key, value) in the order written; a value's lines joined by "\n"
    elements: tuple[Element, ...]

    def title(self) -> str | None:
        return next((value for key, value in self.title_page if key.lower() == "title"), None)


def script_error(path: Path, pos: Pos, field: str, message: str) -> ScreenplayError:
    return ScreenplayError([Problem(path, pos[0], pos[1], field, message)])
