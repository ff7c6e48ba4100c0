"""The face models are found without `pkg_resources` (issue 14): `face-recognition-models` imports
it in its __init__, and Python 3.12's venvs (like any recent setuptools) no longer have it."""

from __future__ import annotations

import json
import shutil
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("dlib")

ROOT = Path(__file__).resolve().parents[2]
MEDIA = ROOT / "assets" / "examples" / "media"
MISSING = "face swap needs dlib and its models: pip install dlib-bin face-recognition-models"


@pytest.fixture
def shadows(tmp_path) -> Path:
    """A folder to put first on PYTHONPATH, holding a `pkg_resources` that cannot be imported, as on 3.12."""
    folder = tmp_path / "shadows"
    (folder / "pkg_resources").mkdir(parents=True)
    (folder / "pkg_resources" / "__init__.py").write_text(
        "raise ImportError('pkg_resources is not installed (as in a Python 3.12 venv)')\n")
    return folder


def python(script: str, shadows: Path, *args: str, module: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(shadows), os.environ.get("PYTHONPATH")])))
    command = [sys.executable, *(["-m", script] if module else ["-c", textwrap.dedent(script)]), *args]
    return subprocess.run(command, check=False, capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def test_the_shadow_makes_the_models_package_unimportable_as_on_python_312(shadows):
    result = python("import face_recognition_models", shadows)
    assert result.returncode != 0 and "pkg_resources is not installed" in result.stderr


SWAP = """
    import json, sys
    from pathlib import Path

    import numpy as np
    from PIL import Image
    from filmmaker.backends.face import dlib_swap, open_face_engine

    engine = open_face_engine("dlib")
    actor = engine.load_actor_face(Path(sys.argv[1]), "lav")
    stand_in = np.ascontiguousarray(np.asarray(Image.open(sys.argv[2]).convert("RGB"))[:300])  # above her mission patch
    boxes = dlib_swap.detect(stand_in)  # as the tracker searches
    track = engine.tracker(actor, 24.0, "auto", None, 68)
    for _ in range(6):  # the swap fades in over the first frames
        swapped = track(stand_in)
    box = max(boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    left, top, right, bottom = box
    changed = np.abs(swapped[top:bottom, left:right].astype(float) - stand_in[top:bottom, left:right]).mean()
    print(json.dumps({
        "models": {key: str(path) for key, path in dlib_swap.model_paths().items()},
        "boxes": boxes, "strength": track.strength, "changed": changed,
        "before": float(np.linalg.norm(engine.embedding(stand_in, box) - engine.descriptor(actor))),
        "after": float(np.linalg.norm(engine.embedding(swapped, box) - engine.descriptor(actor))),
        "imported": sorted(name for name in ("pkg_resources", "face_recognition_models") if name in sys.modules),
    }))
"""


def test_a_face_is_found_and_swapped_without_pkg_resources(shadows):
    """Lav's face onto the astronaut of the example's still (its top: the mission patch also looks like a
    face to dlib), in a process where pkg_resources cannot be imported."""
    result = python(SWAP, shadows, str(MEDIA / "faces" / "lav.jpg"), str(MEDIA / "astronaut.jpg"))
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    assert set(found["models"]) == {"68", "5", "embedding"}
    assert all(Path(path).is_file() and "face_recognition_models" in path for path in found["models"].values())
    assert len(found["boxes"]) == 1 and found["strength"] == 1.0, found
    assert found["changed"] > 5, found  # the face's pixels moved (by ~14 levels on average here)
    assert found["after"] < found["before"] - 0.03, found  # towards the actor's identity (0.84 -> 0.73 here)
    assert found["imported"] == []  # the package's __init__ (and pkg_resources with it) never ran


def test_a_missing_models_package_still_names_the_pip_command(monkeypatch):
    import importlib.util

    from filmmaker.backends.face import dlib_swap, open_face_engine
    from filmmaker.errors import ResolveError

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *rest: None if name == "face_recognition_models" else real(name, *rest))
    dlib_swap._models.cache_clear()
    try:
        with pytest.raises(ResolveError) as caught:
            open_face_engine().load_actor_face(MEDIA / "faces" / "lav.jpg", "lav")
        assert str(caught.value) == MISSING
    finally:
        dlib_swap._models.cache_clear()


def test_a_models_package_without_its_files_fails_the_build_at_resolve_with_exit_2(shadows, tmp_path):
    """An install that lacks the model files (here: a stand-in package first on the path) is
    refused before any work, naming the pip command."""
    (shadows / "face_recognition_models").mkdir()
    (shadows / "face_recognition_models" / "__init__.py").write_text("")
    film = tmp_path / "film.yaml"
    for name in ("lav.jpg", "astronaut.jpg"):  # media stay inside the project
        shutil.copy(MEDIA / ("faces" if name == "lav.jpg" else "") / name, tmp_path / name)
    film.write_text("title: Faces\nactors: {lav: {face: lav.jpg, voice: {}}}\n"
                    "cast: {HERO: lav}\nscenes:\n  - heading: INT. ROOM - DAY\n    shots:\n"
                    "      - picture: {still: astronaut.jpg}\n        faces: {HERO: auto}\n")
    result = python("filmmaker.cli", shadows, "build", str(film), "--preview", "-o", str(tmp_path / "out"),
                    module=True)
    assert result.returncode == 2, result.stdout + result.stderr
    assert MISSING in result.stderr
    assert not (tmp_path / "out" / "film.mp4").exists()
