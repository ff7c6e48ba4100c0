"""A shot's picture before the camera moves: stills fitted, cards typeset, prompts as storyboard panels.

Text uses Pillow's built-in Aileron (a CC0 typeface), so no font has to be installed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps

from filmmaker.errors import RenderError
from filmmaker.render.cardlines import CARD_LINES, card_layout_lines

MARGIN = 1.25  # generated panels are drawn larger than the frame so camera moves stay sharp


def load_still(path: Path) -> np.ndarray:
    try:
        with Image.open(path) as image:
            image = ImageOps.exif_transpose(image)
            return np.asarray(image.convert("RGB"))
    except Image.DecompressionBombError as exc:
        raise RenderError(f"cannot read image {path}: {bomb_message(exc)}") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise RenderError(f"cannot read image {path}: {exc}") from None


def examine_image(path: Path) -> dict:
    """Decode an input picture once, whole, as its users will: a decompression bomb, a truncated,
    empty or unrecognised file raises RenderError saying what is wrong and what to do."""
    try:
        with Image.open(path) as image:
            (width, height), mode = image.size, image.mode
            if image.format == "JPEG":  # every scan is still decoded, at an eighth of the size: far cheaper
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()  # the whole of it: a truncated file fails here, not halfway through a build
            return {"width": width, "height": height, "mode": mode}
    except Image.DecompressionBombError as exc:
        raise RenderError(f"{path.name}: {bomb_message(exc)}") from None
    except Image.UnidentifiedImageError:
        empty = path.stat().st_size == 0
        raise RenderError(f"{path.name} is {'empty' if empty else 'not an image Pillow can read'}; give a PNG, "
                          "JPEG, WebP, BMP or TIFF picture") from None
    except (OSError, ValueError, SyntaxError) as exc:  # truncated, or damaged inside
        raise RenderError(f"{path.name} is damaged ({exc}); export the picture again") from None


def bomb_message(exc: Exception) -> str:
    """A decompression bomb's refusal in words: how big it claims to be, and the limit."""
    import re

    sizes = [int(n) for n in re.findall(r"\((\d+) pixels\)|limit of (\d+)", str(exc)) for n in n if n]
    claimed = f"{sizes[0] / 1e6:,.0f} megapixels" if sizes else "more pixels than the limit"
    limit = f"{sizes[1] / 1e6:,.0f}" if len(sizes) > 1 else f"{2 * Image.MAX_IMAGE_PIXELS / 1e6:,.0f}"
    return (f"its header claims {claimed}, over the {limit}-megapixel limit (a decompression bomb, or a "
            "huge scan); scale it down (a frame is at most 7680x4320)")


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=max(8, size))


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def _wrap_to_width(draw: ImageDraw.ImageDraw, text: str, font, max_width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        words, current = paragraph.split(), ""
        for word in words:
            trial = f"{current} {word}".strip()
            if current and draw.textlength(trial, font=font) > max_width:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return lines


def _draw_block(draw, lines: list[str], font, centre: tuple[float, float], fill, spacing: float,
                stroke: int = 0) -> None:
    ascent, descent = font.getmetrics()
    step = (ascent + descent) * spacing
    top = centre[1] - step * len(lines) / 2
    for i, text in enumerate(lines):
        draw.text((centre[0], top + i * step + step / 2), text, font=font, fill=fill, anchor="mm",
                  stroke_width=stroke, stroke_fill=fill)


def render_card(text: str, width: int, height: int, background: str, color: str) -> np.ndarray:
    """Title-card typesetting: the largest size at which the text fits in three lines or fewer (or,
    for text of more lines than that, in its own lines, all inside the title-safe height)."""
    w, h = int(width * MARGIN), int(height * MARGIN)
    image = Image.new("RGB", (w, h), _hex(background))
    draw = ImageDraw.Draw(image)
    usable = width * 0.78  # the visible frame's width, inside title-safe margins
    most = card_layout_lines(text)
    size = int(height * 0.13)
    while True:
        font = _font(size)
        lines = _wrap_to_width(draw, text, font, usable)
        tall = len(lines) > CARD_LINES and sum(font.getmetrics()) * 1.25 * len(lines) > height * 0.78
        if (len(lines) <= most and not tall and all(draw.textlength(line, font=font) <= usable for line in lines)) \
                or size <= 14:
            break
        size = int(size * 0.9)
    tracked = [" ".join(line) if len(line) <= 24 and line.isupper() else line for line in lines]  # letter-spaced caps
    if any(draw.textlength(line, font=font) > usable for line in tracked):
        tracked = lines
    _draw_block(draw, tracked, font, (w / 2, h / 2), _hex(color), 1.25, stroke=max(1, size // 40))
    rule_y = h / 2 + (font.getmetrics()[0] + font.getmetrics()[1]) * 1.25 * len(lines) / 2 + size * 0.35
    draw.line([(w / 2 - size * 1.2, rule_y), (w / 2 + size * 1.2, rule_y)], fill=_hex(color), width=max(1, size // 28))
    return np.asarray(image)


def render_storyboard(prompt: str, heading: str, speakers: list[str], shot_id: str,
                      width: int, height: int) -> np.ndarray:
    """A drawn panel standing in for a generated picture: heading, description, who speaks."""
    w, h = int(width * MARGIN), int(height * MARGIN)
    image = Image.new("RGB", (w, h), (34, 36, 40))
    draw = ImageDraw.Draw(image)
    # the visible frame at zoom 1 is centred; keep everything inside it with a margin
    left, top = (w - width) / 2 + width * 0.07, (h - height) / 2 + height * 0.08
    right, bottom = (w + width) / 2 - width * 0.07, (h + height) / 2 - height * 0.08
    draw.rectangle([left, top, right, bottom], outline=(200, 196, 186), width=max(2, height // 240))
    small = _font(int(height * 0.038))
    draw.text((left + width * 0.02, top + height * 0.03), heading.upper(), font=small, fill=(230, 200, 120))
    draw.text((right - width * 0.02, top + height * 0.03), f"SHOT {shot_id}", font=small,
              fill=(150, 150, 150), anchor="ra")
    body = _font(int(height * 0.055))
    lines = _wrap_to_width(draw, prompt, body, (right - left) * 0.84)[:6]
    _draw_block(draw, lines, body, ((left + right) / 2, (top + bottom) / 2), (236, 232, 222), 1.3)
    if speakers:
        draw.text((left + width * 0.02, bottom - height * 0.03), "SPEAKING: " + ", ".join(speakers),
                  font=small, fill=(170, 190, 210), anchor="ld")
    draw.text((right - width * 0.02, bottom - height * 0.03), "STORYBOARD", font=small,
              fill=(110, 110, 110), anchor="rd")
    return np.asarray(image)


def save_png(array: np.ndarray, path: Path) -> None:
    Image.fromarray(array).save(path, format="PNG", compress_level=1)


def letterbox(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """`image` whole, centred on black bars, in the frame's shape (so no cover-fit crops it)."""
    h, w = image.shape[:2]
    if w * height == h * width:
        return image
    if w * height > h * width:  # wider than the frame: bars above and below
        out_w, out_h = w, round(w * height / width)
    else:
        out_w, out_h = round(h * width / height), h
    out = np.zeros((out_h, out_w, 3), np.uint8)
    top, left = (out_h - h) // 2, (out_w - w) // 2
    out[top:top + h, left:left + w] = image
    return out
