"""The painters of the test media library: `draw_still` paints an item's still with its painter from
`_STILLS` (the still painters are in `library_stills`), and `clip_frames` draws a clip's frames with its
frame generator from `_CLIPS` (defined here), each seeded by `_rng` from the item's file stem; an item with
no painter of its own gets `_generic`, a card with its name on a colour drawn from the stem.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from library_canvas import _circle, _ellipse, _glow, _gradient, _line, _poly, _rect, _text
from library_items import LibraryItem
from library_stills import (
    _beach_sunset,
    _birthday_cake,
    _bridge_fog,
    _cafe_rain_window,
    _chapter_card,
    _chess_board,
    _church_interior,
    _city_skyline_night,
    _classroom,
    _clock_tower,
    _computer_code,
    _desert_dunes,
    _factory_interior,
    _farm_field,
    _forest_autumn,
    _forest_snow,
    _graveyard_fog,
    _harbour_morning,
    _harbour_night,
    _hospital_corridor,
    _ice_arctic,
    _kitchen_morning,
    _library_shelves,
    _lighthouse_storm,
    _map_old,
    _moon_craters,
    _mountain_lake,
    _neon_alley,
    _office_desk,
    _parking_lot,
    _rocket_dawn,
    _space_earth,
    _starfield,
    _subway_tunnel,
    _sunflower_field,
    _title_card,
    _traffic_jam,
    _volcano_eruption,
    _waterfall_jungle,
    _wind_turbines,
)


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(sum(ord(c) * (i + 1) for i, c in enumerate(name)))


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
