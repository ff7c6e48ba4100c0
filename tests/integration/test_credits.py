"""Credits beside every cut: every component of the example named with its source and licence."""

from __future__ import annotations

import subprocess
import sys


def test_credits_list_every_component_of_the_example(built_example):
    screenplay, plan, _ = built_example
    text = (screenplay.parent / "out" / "credits.txt").read_text()
    for expected in ("The Launch", "COMMANDER: eileen (public-domain); face: media/faces/eileen.jpg; voice: piper",
                     "FLIGHT: lav (public-domain); face: media/faces/lav.jpg",
                     "piper: piper (MIT); the bundled en_US-joe-medium voice: dataset CC0",
                     "score[0] title-trend: calm (first track): calm_acoustic_1, MIT (immich-memories-music",
                     "score[1] pad-card-end: happy (happy_acoustic_1): happy_acoustic_1, MIT",
                     "media/astronaut.jpg", "media/footage/deep-field.mp4", "media/rocket.jpg",
                     "Non-commercial components\n  none"):
        assert expected in text, expected
    shown = subprocess.run([sys.executable, "-m", "filmmaker.cli", "credits", str(screenplay)], capture_output=True,
                           text=True, timeout=120)
    assert shown.returncode == 0 and shown.stdout == text
