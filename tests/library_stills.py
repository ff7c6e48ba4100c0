"""The 40 still painters of the test media library: each `_NAME(img, rng)` paints, in place on a BGR image,
something simple that its item's description names (a rocket at dawn, a harbour at night, a title card);
`library_drawing` maps each still's file stem to its painter.
"""

from __future__ import annotations

import itertools

import cv2
import numpy as np
from library_canvas import BGR, _circle, _ellipse, _fog, _glow, _gradient, _line, _poly, _rect, _text

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
