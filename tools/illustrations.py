"""Draws the campaign's own illustrations into content/images/ (no photo, no person, nothing to consent to).

Run `.venv/bin/python tools/illustrations.py` to write them again; the PNG
files are committed, and the build publishes them like any image (re-encoded,
in IMAGE_WIDTHS, WebP with a PNG fallback).

- vigil-candles.png: a row of lit candles at night, for vigils and the Volunteer page;
- letters.png: letters flying towards a lit candle, for the Appeal page.

Both are 1200×630, the size link previews (Open Graph) show best, as are

- social-card-<lang>.png: the site's name in each language over the candles,
  the link preview of every page that has no image of its own. Persian is
  set in the theme's Vazirmatn (with Raqm, Pillow's text shaping), English
  and Spanish in DejaVu Sans (Debian's fonts-dejavu-core); run the script
  again when SITENAME changes.
"""

import math
import os
import random
import sys

from PIL import Image, ImageDraw, ImageFilter, ImageFont

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "plugins"))
from host_files.icon import ACCENT, CORE, FLAME, PAPER, teardrop  # noqa: E402

WIDTH, HEIGHT = 1200, 630
NIGHT = (33, 22, 30)
WAX = (244, 236, 220)
WAX_SHADE = (214, 202, 182)
SCALE = 2  # drawn at twice the size, then scaled down: smooth edges
COLOURS = 64


def glow(image, centres, radius, colour, strength):
    """A soft light around each flame."""
    light = Image.new("RGB", image.size, (0, 0, 0))
    pen = ImageDraw.Draw(light)
    for x, y in centres:
        pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
    light = light.filter(ImageFilter.GaussianBlur(radius / 2))
    return Image.blend(image, Image.composite(light, image, light.convert("L")), strength)


def candle(pen, x, base, width, height):
    """A candle standing on `base`; returns where its flame burns."""
    top = base - height
    pen.rectangle((x - width / 2, top, x + width / 2, base), fill=WAX)
    pen.rectangle((x + width / 6, top, x + width / 2, base), fill=WAX_SHADE)
    pen.ellipse((x - width / 2, top - width / 8, x + width / 2, top + width / 8), fill=WAX)
    pen.line((x, top - width * 0.25, x, top), fill=(60, 40, 30), width=max(2, int(width / 14)))
    flame_top, flame_bottom = top - width * 1.5, top - width * 0.15
    pen.polygon(teardrop(x, flame_top, flame_bottom, width * 0.38), fill=FLAME)
    pen.polygon(teardrop(x, flame_top + (flame_bottom - flame_top) * 0.45, flame_bottom, width * 0.17), fill=CORE)
    return x, (flame_top + flame_bottom) / 2


def vigil_candles() -> Image.Image:
    w, h = WIDTH * SCALE, HEIGHT * SCALE
    image = Image.new("RGB", (w, h), NIGHT)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, h * 0.78, w, h), fill=(52, 34, 40))  # the steps the candles stand on
    rng = random.Random(10)  # Human Rights Day: the same picture every time
    flames = []
    for i in range(9):
        x = w * (0.08 + 0.105 * i)
        width = w * rng.uniform(0.038, 0.05)
        height = h * rng.uniform(0.18, 0.42)
        flames.append((x, width, height))
    lights = []
    pen = ImageDraw.Draw(image)
    for x, width, height in flames:
        lights.append(candle(pen, x, h * 0.82, width, height))
    image = glow(image, lights, w * 0.05, (150, 90, 30), 0.55)
    pen = ImageDraw.Draw(image)
    for x, width, height in flames:  # flames again, bright over their glow
        candle(pen, x, h * 0.82, width, height)
    return image.resize((WIDTH, HEIGHT), Image.LANCZOS)


def envelope(pen, cx, cy, size, angle):
    """A closed envelope, turned by `angle` degrees."""
    half_w, half_h = size / 2, size / 3
    turn = math.radians(angle)

    def at(dx, dy):
        return (cx + dx * math.cos(turn) - dy * math.sin(turn), cy + dx * math.sin(turn) + dy * math.cos(turn))

    corners = [at(-half_w, -half_h), at(half_w, -half_h), at(half_w, half_h), at(-half_w, half_h)]
    pen.polygon(corners, fill=PAPER, outline=(190, 170, 150))
    pen.line([corners[0], at(0, half_h * 0.15), corners[1]], fill=(190, 170, 150), width=max(2, int(size / 40)))


def letters() -> Image.Image:
    w, h = WIDTH * SCALE, HEIGHT * SCALE
    image = Image.new("RGB", (w, h), ACCENT)
    pen = ImageDraw.Draw(image)
    light = candle(pen, w * 0.78, h * 0.9, w * 0.07, h * 0.42)
    image = glow(image, [light], w * 0.09, (230, 150, 60), 0.5)
    pen = ImageDraw.Draw(image)
    candle(pen, w * 0.78, h * 0.9, w * 0.07, h * 0.42)
    rng = random.Random(1948)  # the Universal Declaration of Human Rights
    for i in range(11):
        t = i / 10
        cx = w * (0.06 + 0.6 * t) + rng.uniform(-30, 30) * SCALE
        cy = h * (0.78 - 0.5 * math.sin(t * math.pi * 0.9)) + rng.uniform(-40, 40) * SCALE
        envelope(pen, cx, cy, w * (0.07 + 0.035 * t), rng.uniform(-25, 25))
    return image.resize((WIDTH, HEIGHT), Image.LANCZOS)


ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
PERSIAN_FONT = os.path.join(ROOT, "theme", "static", "fonts", "vazirmatn-bold.woff2")
LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def site_names() -> dict:
    """{lang: (SITENAME, SITESUBTITLE)} from pelicanconf.py."""
    sys.path.insert(0, ROOT)
    import pelicanconf
    names = {pelicanconf.DEFAULT_LANG: (pelicanconf.SITENAME, pelicanconf.SITESUBTITLE)}
    for lang, settings in pelicanconf.I18N_SUBSITES.items():
        names[lang] = (settings["SITENAME"], settings["SITESUBTITLE"])
    return names


def wrapped(pen, text, font, width, **options) -> list[str]:
    """`text` in lines no wider than `width`."""
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and pen.textlength(trial, font=font, **options) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line]


def social_card(name: str, subtitle: str, lang: str) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), NIGHT)
    image.paste(vigil_candles(), (0, 250))  # the candles' upper half below the words
    pen = ImageDraw.Draw(image)
    rtl = lang == "fa"
    options = {"direction": "rtl", "language": "fa"} if rtl else {"language": lang}
    path = PERSIAN_FONT if rtl else LATIN_FONT
    big = ImageFont.truetype(path, 64, layout_engine=ImageFont.Layout.RAQM)
    small = ImageFont.truetype(path, 30, layout_engine=ImageFont.Layout.RAQM)
    x, anchor = (WIDTH - 70, "ra") if rtl else (70, "la")
    y = 60
    for line in wrapped(pen, name, big, WIDTH - 140, **options):
        pen.text((x, y), line, font=big, fill=PAPER, anchor=anchor, **options)
        y += 84
    y += 10
    for line in wrapped(pen, subtitle, small, WIDTH - 140, **options):
        pen.text((x, y), line, font=small, fill=FLAME, anchor=anchor, **options)
        y += 44
    return image


def save(image: Image.Image, path: str) -> None:
    image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT).save(path, "PNG", optimize=True)
    print(f"{path}: {os.path.getsize(path)} bytes")


def main(folder: str) -> None:
    os.makedirs(folder, exist_ok=True)
    save(vigil_candles(), os.path.join(folder, "vigil-candles.png"))
    save(letters(), os.path.join(folder, "letters.png"))
    for lang, (name, subtitle) in site_names().items():
        save(social_card(name, subtitle, lang), os.path.join(folder, f"social-card-{lang}.png"))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                            "content", "images"))
