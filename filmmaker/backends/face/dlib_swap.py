"""The default face swapper, on the CPU: dlib detection and landmarks, a piecewise-affine warp,
colour matching and a feathered Poisson blend, tracked and smoothed across frames.

Models come from `face-recognition-models`: the 68-point landmark predictor (trained on iBUG
300-W, whose licence excludes commercial use: say so to anyone selling a film made with it),
the 5-point predictor (no such limit: `face_swap: {landmarks: 5}` swaps with it alone, by one
similarity transform, and it aligns faces for the embedding) and the ResNet face embedding used
for the identity check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

from filmmaker.errors import ResolveError

MIN_FACE_PX = 48  # narrower actor faces give a blurry swap
DETECT_WIDTH = 640  # frames are searched for faces at this width, then refined at full size
JAW, BROWS, INNER_MOUTH = range(0, 17), range(17, 27), range(60, 68)
LOST_AFTER_MISSES = 3  # detection rounds without our face before the track lets go
DETECT_INTERVAL_S = 1.0  # the detector's round between landmark-only frames (the look check covers cuts)
SAME_FACE = 0.5  # correlation of a tracked face with its look a frame before, below which it is lost


MISSING = "face swap needs dlib and its models: pip install dlib-bin face-recognition-models"
MODEL_FILES = {"68": "shape_predictor_68_face_landmarks.dat", "5": "shape_predictor_5_face_landmarks.dat",
               "embedding": "dlib_face_recognition_resnet_model_v1.dat"}


def model_paths() -> dict[str, Path]:
    """The model files of `face-recognition-models`, found without importing it: its __init__
    imports `pkg_resources`, which Python 3.12's venvs and recent setuptools no longer have.
    `find_spec` of a top-level package locates it without running its __init__."""
    from importlib.util import find_spec

    spec = find_spec("face_recognition_models")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        paths = {key: Path(folder) / "models" / name for key, name in MODEL_FILES.items()}
        if all(path.is_file() for path in paths.values()):
            return paths
    raise ResolveError(MISSING)


@lru_cache(maxsize=1)
def _models():
    try:
        import dlib
    except ImportError:
        raise ResolveError(MISSING) from None
    paths = model_paths()
    return (dlib, dlib.get_frontal_face_detector(),
            {68: dlib.shape_predictor(str(paths["68"])), 5: dlib.shape_predictor(str(paths["5"]))},
            dlib.face_recognition_model_v1(str(paths["embedding"])))


def detect(image: np.ndarray, upsample: int = 0) -> list[tuple[int, int, int, int]]:
    """Face boxes (left, top, right, bottom) in full-frame pixels, searched on a downscaled copy."""
    _, detector, _, _ = _models()
    scale = min(1.0, DETECT_WIDTH / image.shape[1])
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    return [(int(r.left() / scale), int(r.top() / scale), int(r.right() / scale), int(r.bottom() / scale))
            for r in detector(np.ascontiguousarray(small), upsample)]


def landmarks(image: np.ndarray, box: tuple[int, int, int, int], points: int = 68) -> np.ndarray:
    """Landmarks in the box, fitted on a crop around it (handing dlib the whole frame costs more
    than the fit itself)."""
    dlib, _, predictors, _ = _models()
    pad = (box[2] - box[0]) // 2
    x0, y0 = max(0, box[0] - pad), max(0, box[1] - pad)
    crop = np.ascontiguousarray(image[y0:box[3] + pad, x0:box[2] + pad])
    shape = predictors[points](crop, dlib.rectangle(box[0] - x0, box[1] - y0, box[2] - x0, box[3] - y0))
    return np.array([(p.x + x0, p.y + y0) for p in shape.parts()], dtype=np.float64)


def embedding(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """dlib's 128-d face descriptor; faces of one person lie within ~0.6 of each other."""
    dlib, _, predictors, recognizer = _models()
    shape = predictors[5](image, dlib.rectangle(*box))
    return np.array(recognizer.compute_face_descriptor(np.ascontiguousarray(image), shape))


def box_of(points: np.ndarray, margin: float = 0.0) -> tuple[int, int, int, int]:
    left, top = points.min(axis=0)
    right, bottom = points.max(axis=0)
    pad = margin * (right - left)
    return int(left - pad), int(top - pad), int(right + pad), int(bottom + pad)


@dataclass
class ActorFace:
    """The identity source: the actor's photo, its landmarks, and its embedding."""

    image: np.ndarray
    points: np.ndarray  # 68 landmarks
    triangles: list[tuple[int, int, int]]
    descriptor: np.ndarray
    points5: np.ndarray  # the licence-clean 5 landmarks (eye corners, base of the nose)


def load_actor_face(path: Path, actor: str) -> ActorFace:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as photo:
            image = np.asarray(photo.convert("RGB"))
    except (OSError, UnidentifiedImageError):
        raise ResolveError(f"actor {actor!r}: {path} is not an image; give a photo of the actor's face") from None
    boxes = detect(image, upsample=1)
    if not boxes:
        raise ResolveError(f"actor {actor!r}: no face found in {path}; use a frontal photo with the face "
                           "clearly visible")
    if len(boxes) > 1:
        raise ResolveError(f"actor {actor!r}: {len(boxes)} faces found in {path}; crop the photo to the actor alone")
    box = boxes[0]
    width = box[2] - box[0]
    if width < MIN_FACE_PX:
        raise ResolveError(f"actor {actor!r}: the face in {path} is {width} px wide; use a photo where it "
                           f"is at least {MIN_FACE_PX} px")
    points = landmarks(image, box)
    return ActorFace(image, points, delaunay(points), embedding(image, box), landmarks(image, box, 5))


def delaunay(points: np.ndarray) -> list[tuple[int, int, int]]:
    """Triangles over the landmarks, as index triples (computed once per actor)."""
    from scipy.spatial import Delaunay

    return [tuple(int(i) for i in simplex) for simplex in Delaunay(points).simplices]


def warp_face(source: ActorFace, target: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The actor's face warped, triangle by triangle, onto `target` landmarks (an image of `size`).

    One remap for the whole face: each output pixel looks up its triangle in a label image and
    takes that triangle's inverse affine map, so the cost is a few array passes, not ~100 warps."""
    corners = np.asarray(source.triangles)
    src, dst = source.points[corners], target[corners]  # (triangles, 3 corners, xy)
    usable = (np.abs(_areas(src)) >= 0.5) & (np.abs(_areas(dst)) >= 0.5)  # collapsed ones are singular
    # each triangle's inverse map M (dst -> src): [x y 1] @ M.T = src, for all triangles at once
    solved = np.linalg.solve(np.concatenate([dst[usable], np.ones((usable.sum(), 3, 1))], axis=2), src[usable])
    inverse = np.zeros((len(corners) + 1, 2, 3), np.float32)
    inverse[:-1][usable] = solved.transpose(0, 2, 1)
    inverse[-1] = [[0, 0, -1e4], [0, 0, -1e4]]  # outside every triangle: far off the photo, black
    labels = np.full((size[1], size[0]), -1, np.int32)
    polygons = np.round(dst).astype(np.int32)
    for index in np.flatnonzero(usable).tolist():
        cv2.fillConvexPoly(labels, polygons[index], index)
    matrix = inverse[labels]  # label -1 picks the last row: the 'outside' map
    ys, xs = np.mgrid[0:size[1], 0:size[0]].astype(np.float32)
    map_x = matrix[..., 0, 0] * xs + matrix[..., 0, 1] * ys + matrix[..., 0, 2]
    map_y = matrix[..., 1, 0] * xs + matrix[..., 1, 1] * ys + matrix[..., 1, 2]
    warped = cv2.remap(source.image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    return warped.astype(np.float32)


def _areas(triangles: np.ndarray) -> np.ndarray:
    """Signed areas of an array of triangles (..., 3, 2)."""
    a, b, c = triangles[..., 0, :], triangles[..., 1, :], triangles[..., 2, :]
    return 0.5 * ((b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1]) - (c[..., 0] - a[..., 0]) * (b[..., 1] - a[..., 1]))


def face_mask(points: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Where the swapped face shows: inside jaw and brows, less the inner mouth (the stand-in's
    teeth and tongue stay), feathered so no seam shows."""
    mask = np.zeros((size[1], size[0]), np.float32)
    hull = cv2.convexHull(np.int32(points[list(JAW) + list(BROWS)]))
    cv2.fillConvexPoly(mask, hull, 1.0, cv2.LINE_AA)
    cv2.fillPoly(mask, [np.int32(points[list(INNER_MOUTH)])], 0.0, cv2.LINE_AA)
    width = max(4, int(np.ptp(points[:, 0]) * 0.06))
    mask = cv2.erode(mask, np.ones((width, width), np.uint8))
    return cv2.GaussianBlur(mask, (0, 0), width / 2)


def match_colour(face: np.ndarray, frame: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Move the warped face's colour statistics (per-channel mean and spread inside the mask,
    from every 4th pixel) onto the stand-in's skin: its light and tone, the actor's features."""
    inside = mask[::4, ::4] > 0.5
    if inside.sum() < 20:
        return face
    f = face[::4, ::4][inside].astype(np.float32)
    t = frame[::4, ::4][inside].astype(np.float32)
    gain = (t.std(axis=0) + 1e-3) / (f.std(axis=0) + 1e-3)
    return np.clip((face - f.mean(axis=0)) * gain + t.mean(axis=0), 0, 255)


def _five_point_face(source: ActorFace, target: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The licence-clean path: the whole face moved by one similarity transform fitted to the
    five landmarks, inside an oval set by the eyes and nose (no mouth: it comes along whole)."""
    matrix, _ = cv2.estimateAffinePartial2D(np.float32(source.points5), np.float32(target))
    warped = cv2.warpAffine(source.image.astype(np.float32), matrix, size, flags=cv2.INTER_LINEAR,
                            borderMode=cv2.BORDER_REPLICATE)
    eyes, nose = target[:4].mean(axis=0), target[4]
    span = float(np.linalg.norm(target[0] - target[2]))
    down = nose - eyes
    centre = eyes + 0.55 * down
    angle = float(np.degrees(np.arctan2(target[0][1] - target[2][1], target[0][0] - target[2][0])))
    mask = np.zeros((size[1], size[0]), np.float32)
    cv2.ellipse(mask, (int(centre[0]), int(centre[1])), (int(span * 0.8), int(span * 1.05)), angle, 0, 360, 1.0, -1,
                cv2.LINE_AA)
    width = max(4, int(span * 0.12))
    return warped, cv2.GaussianBlur(cv2.erode(mask, np.ones((width, width), np.uint8)), (0, 0), width / 2)


def _face_region(points: np.ndarray) -> tuple[int, int, int, int]:
    if len(points) == 5:  # eyes and nose only: the face reaches well beyond them
        centre, span = points.mean(axis=0), float(np.linalg.norm(points[0] - points[2]))
        return (int(centre[0] - 1.6 * span), int(centre[1] - 1.6 * span),
                int(centre[0] + 1.6 * span), int(centre[1] + 2.0 * span))
    return box_of(points, margin=0.25)


def face_box(points: np.ndarray) -> tuple[int, int, int, int]:
    """The face's box from its landmarks, as the detector would draw it."""
    if len(points) == 5:
        centre, span = points.mean(axis=0), float(np.linalg.norm(points[0] - points[2]))
        return (int(centre[0] - 1.1 * span), int(centre[1] - 0.9 * span),
                int(centre[0] + 1.1 * span), int(centre[1] + 1.5 * span))
    return box_of(points)


def swap_onto(frame: np.ndarray, source: ActorFace, points: np.ndarray, strength: float = 1.0) -> np.ndarray:
    """One frame with the actor's face on the stand-in whose landmarks (68 or 5) are `points`."""
    h, w = frame.shape[:2]
    left, top, right, bottom = _face_region(points)
    left, top, right, bottom = max(left, 0), max(top, 0), min(right, w), min(bottom, h)
    if right - left < 8 or bottom - top < 8:
        return frame
    crop = frame[top:bottom, left:right]
    local = points - [left, top]
    size = (right - left, bottom - top)
    if len(points) == 5:
        warped, mask = _five_point_face(source, local, size)
    else:
        warped, mask = warp_face(source, local, size), face_mask(local, size)
    warped = match_colour(warped, crop, mask)
    blended = warped
    hard = (mask > 0.5).astype(np.uint8) * 255
    if hard.any():
        ys, xs = np.nonzero(hard)
        centre = (int((xs.min() + xs.max()) / 2), int((ys.min() + ys.max()) / 2))
        try:  # Poisson blending matches the seam's light; the feathered mask hides its edge
            blended = warped + _poisson_correction(warped, crop, hard, centre)
        except cv2.error:
            pass
    alpha = (mask * strength)[..., None]
    out = frame.copy()
    out[top:bottom, left:right] = np.clip(crop * (1 - alpha) + blended * alpha, 0, 255).astype(np.uint8)
    return out


def _poisson_correction(face: np.ndarray, crop: np.ndarray, hard: np.ndarray, centre: tuple[int, int]) -> np.ndarray:
    """What Poisson blending adds to the face: a smooth membrane that carries the seam's light
    inward. Being smooth, it is solved at half size and scaled up, at a quarter of the cost."""
    h, w = crop.shape[:2]
    if min(h, w) < 64:  # too small to halve
        return cv2.seamlessClone(face.astype(np.uint8), crop, hard, centre, cv2.NORMAL_CLONE).astype(np.float32) - face
    half = (w // 2, h // 2)
    small_face = cv2.resize(face, half, interpolation=cv2.INTER_AREA)
    small_crop = cv2.resize(crop, half, interpolation=cv2.INTER_AREA)
    small_hard = cv2.resize(hard, half, interpolation=cv2.INTER_NEAREST)
    small_centre = (centre[0] // 2, centre[1] // 2)
    cloned = cv2.seamlessClone(np.clip(small_face, 0, 255).astype(np.uint8), small_crop, small_hard, small_centre,
                               cv2.NORMAL_CLONE)
    return cv2.resize(cloned.astype(np.float32) - small_face, (w, h), interpolation=cv2.INTER_LINEAR)


def _appearance(frame: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """A 24x24 grey thumbnail of the box, zero-mean and unit-norm, for a quick 'still there?'."""
    h, w = frame.shape[:2]
    crop = frame[max(0, box[1]):min(h, box[3]), max(0, box[0]):min(w, box[2])]
    if crop.size == 0:
        return np.zeros(24 * 24, np.float32)
    grey = cv2.resize(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY), (24, 24), interpolation=cv2.INTER_AREA)
    vector = grey.astype(np.float32).ravel()
    vector -= vector.mean()
    return vector / (np.linalg.norm(vector) + 1e-6)


def _similarity(a: np.ndarray, b: np.ndarray | None) -> float:
    return 1.0 if b is None else float(np.dot(a, b))


class OneEuro:
    """One-Euro filter (Casiez et al. 2012) over landmark arrays: steady when still, quick when moving."""

    def __init__(self, fps: float, min_cutoff: float = 1.0, beta: float = 0.05, d_cutoff: float = 1.0):
        self.rate, self.min_cutoff, self.beta, self.d_cutoff = fps, min_cutoff, beta, d_cutoff
        self.value = self.speed = None

    def _alpha(self, cutoff: float):
        tau = 1.0 / (2 * np.pi * cutoff)
        return 1.0 / (1.0 + tau * self.rate)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.value is None:
            self.value, self.speed = x.copy(), np.zeros_like(x)
            return x
        speed = (x - self.value) * self.rate
        a_d = self._alpha(self.d_cutoff)
        self.speed = a_d * speed + (1 - a_d) * self.speed
        cutoff = self.min_cutoff + self.beta * np.abs(self.speed)
        a = self._alpha(cutoff)
        self.value = a * x + (1 - a) * self.value
        return self.value

    def reset(self) -> None:
        self.value = self.speed = None


@dataclass
class TrackStats:
    found: int = 0
    lost: int = 0
    points: list = field(default_factory=list)  # smoothed landmarks per frame (None when lost)


class FaceTrack:
    """Swaps one role's face through a shot, frame after frame, in order.

    Faces are detected every `detect_every` frames (by default every half second; at once when
    the track is lost or the face's look changes) and
    followed in between by refitting landmarks in the previous frame's box. Landmarks are
    smoothed with a One-Euro filter; where the face is lost the swap fades out over a few
    frames and back in when it is found, so it never freezes or floats.
    """

    def __init__(self, source: ActorFace, fps: float, hint: str | np.ndarray = "auto",
                 detect_every: int | None = None, smooth: bool = True, fade_frames: int = 4, points: int = 68):
        self.source, self.hint, self.n_points = source, hint, points
        self.detect_every = detect_every or max(1, round(fps * DETECT_INTERVAL_S))
        self.filter = OneEuro(fps) if smooth else None
        self.fade_step = 1.0 / max(1, fade_frames)
        self.strength = 0.0
        self.index = 0
        self.box: tuple[int, int, int, int] | None = None
        self.last_points: np.ndarray | None = None
        self.misses = 0
        self.recheck = False
        self.template: np.ndarray | None = None  # the followed face's look in the previous frame
        self.anchor: np.ndarray | None = None  # landmark centre when the box was last placed
        self.stats = TrackStats()

    def _choose(self, frame: np.ndarray, boxes: list, steady: bool) -> tuple[int, int, int, int] | None:
        """The face to follow: by the hint when acquiring, the one we follow while tracking."""
        if self.box is not None:  # tracking: the detection over our face, else judge by its look
            cx, cy = (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2
            reach = 0.5 * (self.box[2] - self.box[0])
            near = [b for b in boxes if abs((b[0] + b[2]) / 2 - cx) < reach and abs((b[1] + b[3]) / 2 - cy) < reach]
            if near:
                self.misses = 0
                return min(near, key=lambda b: ((b[0] + b[2]) / 2 - cx) ** 2 + ((b[1] + b[3]) / 2 - cy) ** 2)
            if steady:  # the frontal detector lost a turned face that is plainly still there
                return self.box
            self.misses += 1
            return self.box if self.misses < LOST_AFTER_MISSES else None
        if not boxes:
            return None
        if isinstance(self.hint, np.ndarray):  # a reference embedding: the closest face
            return min(boxes, key=lambda b: np.linalg.norm(embedding(frame, b) - self.hint))
        if self.hint == "left":
            return min(boxes, key=lambda b: b[0] + b[2])
        if self.hint == "right":
            return max(boxes, key=lambda b: b[0] + b[2])
        return max(boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))  # auto, largest

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        # is the face we follow still there? its look against the previous frame's (a cut, an
        # exit or an occlusion changes it at once; turning and moving change it little)
        steady = False
        if self.box is not None:
            look = _appearance(frame, self.box)
            steady = _similarity(look, self.template) >= SAME_FACE
        if self.index % self.detect_every == 0 or self.box is None or self.recheck or not steady:
            acquiring = self.box is None
            chosen = self._choose(frame, detect(frame), steady)
            if chosen is not self.box:  # a fresh detection: the box the predictor was trained on
                self.box, self.anchor = chosen, None
            if acquiring and chosen is not None:
                self.misses = 0
            self.recheck = self.box is not None and self.misses > 0
        self.index += 1
        self.template = _appearance(frame, self.box) if self.box is not None else None
        points = None
        if self.box is not None:
            points = landmarks(frame, self.box, self.n_points)
            # between detections the box follows the face's centre, keeping the detector's size:
            # refitting the box to the landmarks would feed their error back and let it grow
            centre = points.mean(axis=0)
            if self.anchor is None:
                self.anchor = centre
            else:
                dx, dy = (int(v) for v in np.round(centre - self.anchor))
                self.box = (self.box[0] + dx, self.box[1] + dy, self.box[2] + dx, self.box[3] + dy)
                self.anchor = self.anchor + (dx, dy)
            if self.filter is not None:
                points = self.filter(points)
            self.last_points = points
            self.stats.found += 1
            if self.misses:  # followed, but the detector no longer sees it: fade while we wait
                self.strength = max(0.0, self.strength - self.fade_step)
            else:
                self.strength = min(1.0, self.strength + self.fade_step)
        else:
            self.stats.lost += 1
            if self.filter is not None:
                self.filter.reset()
            self.strength = max(0.0, self.strength - self.fade_step)
            points = self.last_points if self.strength > 0 else None
        self.stats.points.append(None if self.box is None else points.copy())
        if points is None or self.strength <= 0:
            return frame
        return swap_onto(frame, self.source, points, self.strength)


class DlibEngine:
    """The FaceEngine interface over this module."""

    name = "dlib"

    def load_actor_face(self, path: Path, actor: str) -> ActorFace:
        return load_actor_face(path, actor)

    def tracker(self, face: ActorFace, fps: float, hint, detect_every: int | None, points: int) -> FaceTrack:
        return FaceTrack(face, fps, hint, detect_every, points=points)

    def embedding(self, image: np.ndarray, box) -> np.ndarray:
        return embedding(image, box)

    def face_box(self, points: np.ndarray):
        return face_box(points)

    def descriptor(self, face: ActorFace) -> np.ndarray:
        return face.descriptor

    def reference(self, image: np.ndarray) -> np.ndarray | None:
        boxes = detect(image, upsample=1)
        if not boxes:
            return None
        return embedding(image, max(boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1])))
