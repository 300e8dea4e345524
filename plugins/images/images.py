"""Photos that are light, do not shift the layout, and carry no metadata.

Every image in content/images/ is written to output/images/ re-encoded from
its pixels only, so no EXIF (GPS, camera serial, time), XMP, IPTC or ICC
data survives, the originals included; camera rotation is applied first.
Each also gets WebP and fallback copies in IMAGE_WIDTHS, which templates
offer through `picture(name)`: a <picture> with srcset, width and height.

Pelican itself copies no image: its static generator would copy them byte
for byte (metadata included) into every language's folder. Here each
language's links point at the main site's re-encoded copy instead, and
`image_problem` (run by the content check) refuses what cannot be
re-encoded: formats Pillow cannot read (HEIC from phones), SVG (which can
carry scripts), damaged files and images too large to decode safely.
"""

import functools
import importlib
import json
import os
import posixpath
import shutil
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError
from pelican import signals
from file_digests import bytes_digest, file_digest
from site_caches import in_memory
from build_cache.processes import FORKS, can_fork
from pelican_compat import relpath_to_site
from pipeline import site_written
from site_rules import is_subsite, main_lang

# WebP registered by name: otherwise the first WebP read or written makes
# Pillow import every format it knows (Image.init: about 0.27 s a process).
importlib.import_module("PIL.WebPImagePlugin")

IMAGES = "images"
# Formats re-encoded as themselves (GIF as PNG); anything else is refused.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# A 24-megapixel camera photo is 6000x4000; decoding costs about 4 bytes a pixel.
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_MAX_BYTES = 30_000_000
REFUSED_KINDS = {
    ".heic": "a HEIC photo (the iPhone's format), which cannot be cleaned of its location; export it as JPEG",
    ".heif": "a HEIF photo, which cannot be cleaned of its location; export it as JPEG",
    ".svg": "an SVG drawing, which can carry scripts; export it as PNG",
    ".svgz": "an SVG drawing, which can carry scripts; export it as PNG",
    ".html": "a web page, not an image; remove it from content/images/",
    ".htm": "a web page, not an image; remove it from content/images/",
}

FALLBACK_FORMATS = {"JPEG": ("jpg", {"quality": 82, "optimize": True, "progressive": True}),
                    "PNG": ("png", {"optimize": True}),
                    "WEBP": ("webp", {"quality": 80}),
                    "GIF": ("png", {"optimize": True})}
WEBP_OPTIONS = {"quality": 80, "method": 6}


def _pixels_only(image: Image.Image) -> Image.Image:
    """A copy holding nothing but the (upright) pixels."""
    upright = ImageOps.exif_transpose(image)
    mode = upright.mode if upright.mode in ("RGB", "RGBA", "L", "LA") else "RGBA"
    upright = upright.convert(mode)
    return Image.frombytes(upright.mode, upright.size, upright.tobytes())


# (file, digest of its bytes) → its format and upright size.
_SOURCE_INFO = in_memory("image sizes")


def _source_info(path: str):
    key = (path, file_digest(path))
    if key not in _SOURCE_INFO:
        with Image.open(path) as image:
            _SOURCE_INFO[key] = image.format, ImageOps.exif_transpose(image).size
    return _SOURCE_INFO[key]


def derivatives(path: str, widths) -> dict:
    """Names and sizes of the files written for the image at `path`."""
    fmt, (width, height) = _source_info(path)
    stem, _ = os.path.splitext(os.path.basename(path))
    extension = FALLBACK_FORMATS.get(fmt, ("png", {}))[0]
    sizes = sorted({w for w in widths if w < width} | {width})
    return {
        "width": width, "height": height,
        "webp": [(f"{stem}-{w}.webp", w, round(height * w / width)) for w in sizes],
        "fallback": [(f"{stem}-{w}.{extension}", w, round(height * w / width)) for w in sizes],
    }


def _encode(path: str, name: str, target_dir: str, widths) -> None:
    """Write the metadata-free original and the sized copies of one image."""
    with Image.open(path) as image:
        fmt = image.format
        clean = _pixels_only(image)
    extension, options = FALLBACK_FORMATS.get(fmt, ("png", {}))
    original = clean.convert("RGB") if fmt == "JPEG" else clean
    original.save(os.path.join(target_dir, name), format=fmt if fmt in ("JPEG", "PNG", "WEBP") else "PNG",
                  **options)
    info = derivatives(path, widths)
    for (webp_name, w, h), (fallback_name, _, _) in zip(info["webp"], info["fallback"]):
        resized = clean.resize((w, h), Image.Resampling.LANCZOS)
        resized.save(os.path.join(target_dir, webp_name), format="WEBP", **WEBP_OPTIONS)
        (resized.convert("RGB") if extension == "jpg" else resized).save(
            os.path.join(target_dir, fallback_name), **options)


def image_problem(path: str, settings=None) -> str | None:
    """Why the file at `path` cannot be published as an image, or None.

    Decodes the pixels (JPEG at an eighth of its size, which still reads
    every byte), so a damaged or cut-short file is named here rather than
    failing the encoder halfway through a build.
    """
    settings = settings or {}
    max_pixels = settings.get("IMAGE_MAX_PIXELS", IMAGE_MAX_PIXELS)
    max_bytes = settings.get("IMAGE_MAX_BYTES", IMAGE_MAX_BYTES)
    size = os.path.getsize(path)
    if size > max_bytes:
        return f"{size / 1e6:.0f} MB is more than a photo needs (at most {max_bytes / 1e6:.0f} MB); export it smaller"
    too_large = (f"more than {max_pixels / 1e6:.0f} megapixels; scale it down "
                 "(6000 pixels on the longer side is plenty)")
    try:
        with warnings.catch_warnings():
            # Pillow only warns up to twice its own limit; ours is lower and says the size.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if image.format not in FORMATS:
                    return f"{image.format} images are not published; save it as JPEG or PNG"
                if width * height > max_pixels:
                    return f"{width}×{height} pixels is {too_large}"
                if image.format == "JPEG":
                    image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
    except Image.DecompressionBombError:
        return too_large
    except UnidentifiedImageError:
        kind = REFUSED_KINDS.get(os.path.splitext(path)[1].lower())
        return kind or "not an image the site can publish; save it as JPEG, PNG, WebP or GIF"
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        return f"damaged or cut short ({error}); export it again"
    return None


MANIFEST = "manifest.json"


def _copy_verified(encoded: str, target_dir: str | None) -> list[str] | None:
    """Copy the files of one cache entry into `target_dir`, checking each
    against the entry's manifest; None when the entry is missing, damaged or
    cut short, so that the image is encoded again."""
    try:
        with open(os.path.join(encoded, MANIFEST), encoding="utf-8") as source:
            manifest = json.load(source)
        contents = {}
        for name, expected in sorted(manifest.items()):
            with open(os.path.join(encoded, name), "rb") as source:
                contents[name] = source.read()
            if bytes_digest(contents[name]) != expected:
                return None
    except (OSError, ValueError, AttributeError):
        return None
    for name, data in contents.items() if target_dir else ():
        with open(os.path.join(target_dir, name), "wb") as target:
            target.write(data)
    return sorted(contents)


def _encode_entry(path: str, name: str, encoded: str, widths) -> None:
    partial = f"{encoded}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    os.makedirs(partial)
    _encode(path, name, partial, widths)
    manifest = {}
    for file_name in os.listdir(partial):
        with open(os.path.join(partial, file_name), "rb") as source:
            manifest[file_name] = bytes_digest(source.read())
    with open(os.path.join(partial, MANIFEST), "w", encoding="utf-8") as target:
        json.dump(manifest, target)
    shutil.rmtree(encoded, ignore_errors=True)
    os.replace(partial, encoded)


def image_sources(source_dir: str) -> list[str]:
    """Names of the regular files in `source_dir`; links and anything else
    are refused by the content check and never read here."""
    if not os.path.isdir(source_dir) or os.path.islink(source_dir):
        return []
    with os.scandir(source_dir) as entries:
        return sorted(entry.name for entry in entries
                      if entry.is_file(follow_symlinks=False) and not entry.name.startswith("."))


def process_images(source_dir: str, target_dir: str | None, widths, cache_dir: str) -> list[str]:
    """Write metadata-free originals and sized copies; return the files written.

    Encoding is the slow part, so each image's files are kept in `cache_dir`
    under a digest of its bytes and the widths, with a manifest of their
    digests, and copied from there while the image is unchanged and the
    copy intact. Without `target_dir`, only fill the cache.
    """
    written = []
    if target_dir:
        os.makedirs(target_dir, exist_ok=True)
    for name in image_sources(source_dir):
        path = os.path.join(source_dir, name)
        with open(path, "rb") as source:
            digest = bytes_digest(source.read() + repr(sorted(widths)).encode())[:16]
        encoded = os.path.join(cache_dir, f"{name}-{digest}")
        files = _copy_verified(encoded, target_dir)
        if files is None:
            if image_problem(path):
                continue  # refused, with its name, by the content check
            _encode_entry(path, name, encoded, widths)
            files = _copy_verified(encoded, target_dir)
        written += files if target_dir else []
    return written


def picture(settings, name: str) -> dict | None:
    path = os.path.join(settings["PATH"], "images", name)
    if not name or not os.path.isfile(path):
        return None
    try:
        return derivatives(path, settings["IMAGE_WIDTHS"])
    except OSError:
        return None


def add_template_helper(generator):
    generator.env.globals["picture"] = functools.partial(picture, generator.settings)


def take_over_static_images(generator):
    """Keep Pelican from copying any content file as it is: it would publish
    each image unchanged under every language. Links to an image
    ({static}/images/…) lead to the main site's re-encoded copy instead."""
    settings = generator.settings
    if is_subsite(settings):
        # i18n_subsites puts these in the template context only once every site is read.
        to_main = relpath_to_site(settings["DEFAULT_LANG"], main_lang(settings))
        for static in generator.staticfiles:
            static.override_url = posixpath.join(to_main, static.url)
    generator.staticfiles = []
    generator.context["staticfiles"] = []


def _folders(settings) -> tuple[str, str, str]:
    return (os.path.join(settings["PATH"], "images"), os.path.join(settings["OUTPUT_PATH"], "images"),
            os.path.join(settings["CACHE_PATH"], "images"))


def encode_ahead(pelican_obj):
    """With PARALLEL_BUILD, encode new images in a forked process while the
    build reads the content: the encoder's memory (libwebp's is large) then
    never adds to the build process's, which holds the whole site."""
    settings = pelican_obj.settings
    if is_subsite(settings) or not can_fork(settings):
        return
    source, _, cache = _folders(settings)
    # A failure is met and reported again by write_images.
    FORKS.start("images", functools.partial(_encode_in_background, source, settings["IMAGE_WIDTHS"], cache))


def _encode_in_background(source: str, widths, cache: str) -> None:
    # The content check and the parsing workers start beside it on every core;
    # niced, it gets the time they leave (the subsites are read on one core),
    # and it has until the main site is written.
    os.nice(10)
    process_images(source, None, widths, cache)


def write_images(pelican_obj):
    settings = pelican_obj.settings
    if is_subsite(settings):
        return  # images live once, in the main site
    FORKS.wait_for("images")
    source, target, cache = _folders(settings)
    process_images(source, target, settings["IMAGE_WIDTHS"], cache)


def register():
    signals.initialized.connect(encode_ahead)
    signals.generator_init.connect(add_template_helper)
    signals.static_generator_finalized.connect(take_over_static_images)
    site_written.connect(write_images)
