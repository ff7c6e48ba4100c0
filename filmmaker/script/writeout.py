"""The screenplay YAML that `filmmaker import` writes for a script."""

from __future__ import annotations

import os
from pathlib import Path

from filmmaker.script.convert import Imported, import_script
from filmmaker.script.emit import emit_yaml
from filmmaker.script.read import read_script


def screenplay_yaml(script_path: str | os.PathLike, target: Path | None = None) -> tuple[str, Imported]:
    script = read_script(script_path)
    imported = import_script(script)
    header = [f"Imported from {script.path.name} by `filmmaker import`: the scenes, shots and lines are the",
              "script's; add pictures (picture:), cameras and a score here, or re-import after editing the script.",
              "cast: each role has a voice from the palette (`filmmaker voices`), chosen so that no two roles",
              "in a scene sound alike; give a role another actor by changing its line."]
    for scene, a, b in imported.casting.alike:
        header.append(f"warning: {a} and {b} share {scene} and sound alike (too few voices apart)")
    return emit_yaml(imported.doc, imported.comments, header) + _song_cues(imported), imported


def _song_cues(imported: Imported) -> str:
    """The script's lyrics as song cues, commented out: a song needs a song model installed."""
    if not imported.songs:
        return ""
    out = ["", "# The script's lyrics, ready for song cues (see the README's Score section); a song needs a song",
           "# model, so these wait for you to uncomment them:", "# score:"]
    for first, last, lyrics in imported.songs:
        out += [f"#   - from: {first}", f"#     to: {last}", "#     song:", "#       engine: ace-step",
                "#       style: a sung melody, acoustic guitar", "#       lyrics: |"]
        out += [f"#         {line}" for line in lyrics.split("\n")]
    return "\n".join(out) + "\n"
