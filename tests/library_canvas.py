"""Drawing primitives for the test media library's painters (`library_stills`, `library_drawing`): a
gradient, circle, ellipse, rectangle, polygon, line, centred text, fog and glow on a BGR numpy image, each
placed by coordinates given as fractions of the image's width and height, drawn with OpenCV.
"""

from __future__ import annotations

import cv2
import numpy as np

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
