"""The example built and its dialogue measured (tests/speech.py's tools): word error rate from the
final mix and from the dialogue stem, per role, and how far apart the actors' voices are."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

from tests.speech import dialogue_wer


def film_report(screenplay: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "p"
        shutil.copytree(screenplay.parent, project, ignore=shutil.ignore_patterns(".filmmaker", "out"))
        subprocess.run([sys.executable, "-m", "filmmaker.cli", "build", str(project / screenplay.name), "--preview"],
                       check=True, capture_output=True)
        wer, f0 = dialogue_wer(project / "out")
    print("\nthe example's dialogue (pocketsphinx, each subtitle line on its own):")
    print(f"final mix WER {wer['mix', '']:.3f} (target <= 0.25, stretch 0.15); dialogue stem {wer['stem', '']:.3f}; "
          f"mix - stem {wer['mix', ''] - wer['stem', '']:+.3f} (target within 0.03)")
    for role in sorted(f0):
        print(f"  {role:10} final mix WER {wer['mix', role]:.3f} (target <= 0.30), stem {wer['stem', role]:.3f}, "
              f"median F0 {f0[role]:.1f} Hz")
    roles = sorted(f0)
    apart = min((abs(12 * np.log2(f0[a] / f0[b])) for a in roles for b in roles if a < b), default=float("nan"))
    print(f"  closest two actors: {apart:.1f} semitones apart (target >= 2)")
