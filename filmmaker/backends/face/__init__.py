"""Face swappers behind one small interface: put an actor's face on the stand-in, frame by frame.

The build talks to an engine only through `FaceEngine` (and the tracker it returns), so another
swapper (an ONNX model the user supplies, say) can take the dlib engine's place by registering
in `ENGINES`.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any, Protocol

FACE_ENGINE_VERSION = 1  # bump when the swap's pixels change
ENGINES = {"dlib": "filmmaker.backends.face.dlib_swap:DlibEngine"}
Box = tuple[int, int, int, int]


class FaceTracker(Protocol):
    strength: float  # how much of the swap shows in the last frame, 0..1 (fades on loss)
    stats: Any  # .found, .lost (frame counts) and .points (landmarks per frame, None when lost)

    def __call__(self, frame: Any) -> Any:
        """The next frame of the shot, with the face swapped."""


class FaceEngine(Protocol):
    name: str

    def load_actor_face(self, path: Path, actor: str) -> Any:
        """The identity source from the actor's photo; raises ResolveError naming actor and file."""

    def tracker(self, face: Any, fps: float, hint: Any, detect_every: int | None, points: int) -> FaceTracker:
        """A stateful swapper for one role through one shot, fed frames in order."""

    def embedding(self, image: Any, box: Box) -> Any:
        """An identity descriptor of the face in `box` (distances below ~0.6: the same person)."""

    def face_box(self, points: Any) -> Box:
        """The face's box from a tracker's landmarks."""

    def descriptor(self, face: Any) -> Any:
        """The identity descriptor of an actor face returned by load_actor_face."""

    def reference(self, image: Any) -> Any | None:
        """The descriptor of the largest face in a photo of a stand-in, or None."""


def open_face_engine(name: str = "dlib") -> FaceEngine:
    from filmmaker.errors import ResolveError

    if name not in ENGINES:
        raise ResolveError(f"unknown face engine {name!r}; available: {', '.join(ENGINES)}")
    module, _, cls = ENGINES[name].partition(":")
    return getattr(import_module(module), cls)()
