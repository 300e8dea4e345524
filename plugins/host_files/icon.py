"""Draws the site's icon, a lit candle in the campaign's colours.

Run `.venv/bin/python plugins/host_files/icon.py` to write it again into the
theme (theme/static/favicon.ico with 16, 32 and 48 pixels, and a 180-pixel
apple-touch-icon.png); the files are committed, builds only copy them.
"""

import io
import math
import os
import sys

from PIL import Image, ImageDraw

ACCENT = (138, 28, 28)   # --accent in theme/static/css/site.css
PAPER = (255, 253, 248)  # --paper
FLAME = (245, 178, 60)
CORE = (255, 236, 170)
COLOURS = 32
DRAWN = 512  # drawn large, then scaled down: smooth edges at every size


def teardrop(cx, top, bottom, half_width, steps=96):
    """A flame: pointed at the top, round at the bottom."""
    b = (bottom - top) / 2
    cy = top + b
    return [(cx + half_width * math.sin(t) * math.sin(t / 2) ** 1.2 / 0.77, cy - b * math.cos(t))
            for t in (2 * math.pi * i / steps for i in range(steps))]


def draw(size: int) -> Image.Image:
    s = DRAWN / 100
    # Opaque, square: a palette of a few colours then keeps every edge clean.
    image = Image.new("RGB", (DRAWN, DRAWN), ACCENT)
    pen = ImageDraw.Draw(image)
    pen.rectangle((37 * s, 52 * s, 63 * s, 90 * s), fill=PAPER)             # the candle
    pen.polygon(teardrop(50 * s, 8 * s, 47 * s, 15 * s), fill=FLAME)          # its flame
    pen.polygon(teardrop(50 * s, 26 * s, 45 * s, 6.5 * s), fill=CORE)         # the flame's heart
    return image.resize((size, size), Image.LANCZOS)


def small_png(image: Image.Image) -> bytes:
    """The image as a palette PNG: a few hundred bytes instead of a few thousand."""
    out = io.BytesIO()
    image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue()


def ico(images) -> bytes:
    """An ICO file whose entries are PNGs (every browser since IE 11 reads them)."""
    header = bytearray(b"\0\0\1\0" + len(images).to_bytes(2, "little"))
    pngs = [small_png(image) for image in images]
    offset = 6 + 16 * len(images)
    for image, png in zip(images, pngs):
        width = image.width % 256
        header += bytes([width, width, 0, 0]) + (1).to_bytes(2, "little") + (32).to_bytes(2, "little")
        header += len(png).to_bytes(4, "little") + offset.to_bytes(4, "little")
        offset += len(png)
    return bytes(header) + b"".join(pngs)


def main(static: str) -> None:
    with open(os.path.join(static, "favicon.ico"), "wb") as target:
        target.write(ico([draw(size) for size in (16, 32, 48)]))
    with open(os.path.join(static, "apple-touch-icon.png"), "wb") as target:
        # Apple's devices round the corners themselves.
        target.write(small_png(draw(180)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "theme", "static"))
