"""Photos that are light, do not shift the layout, and carry no metadata.

Every image in content/images/ is written to output/images/ re-encoded from
its pixels only, so no EXIF (GPS, camera serial, time), XMP, IPTC or ICC
data survives, the originals included; camera rotation is applied first.
Each also gets WebP and fallback copies in IMAGE_WIDTHS, which templates
offer through `picture(name)`: a <picture> with srcset, width and height.
"""

import functools
import hashlib
import os
import shutil
import sys
import tempfile

from PIL import Image, ImageOps
from pelican import signals

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


@functools.cache
def _source_info(path: str, mtime: float):
    with Image.open(path) as image:
        upright = ImageOps.exif_transpose(image)
        return image.format, upright.size


def derivatives(path: str, widths) -> dict:
    """Names and sizes of the files written for the image at `path`."""
    fmt, (width, height) = _source_info(path, os.path.getmtime(path))
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


def process_images(source_dir: str, target_dir: str | None, widths, cache_dir: str | None = None) -> list[str]:
    """Write metadata-free originals and sized copies; return the files written.

    Encoding is the slow part, so each image's files are kept in `cache_dir`
    under a digest of its bytes and the widths, and copied from there while
    the image is unchanged. Without `target_dir`, only fill the cache.
    """
    written = []
    if not os.path.isdir(source_dir):
        return written
    if target_dir:
        os.makedirs(target_dir, exist_ok=True)
    for name in sorted(os.listdir(source_dir)):
        path = os.path.join(source_dir, name)
        try:
            with Image.open(path):
                pass
        except OSError:
            continue  # not an image Pillow reads (e.g. SVG): copied as it is
        with open(path, "rb") as source:
            digest = hashlib.sha256(source.read() + repr(sorted(widths)).encode()).hexdigest()[:16]
        encoded = os.path.join(cache_dir, f"{name}-{digest}") if cache_dir else tempfile.mkdtemp()
        if not os.path.isdir(encoded) or not os.listdir(encoded):
            partial = f"{encoded}.partial"
            shutil.rmtree(partial, ignore_errors=True)
            os.makedirs(partial)
            _encode(path, name, partial, widths)
            shutil.rmtree(encoded, ignore_errors=True)
            os.replace(partial, encoded)
        for file_name in sorted(os.listdir(encoded)) if target_dir else ():
            shutil.copyfile(os.path.join(encoded, file_name), os.path.join(target_dir, file_name))
            written.append(file_name)
        if not cache_dir:
            shutil.rmtree(encoded)
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


# Output folder of the main site → the process encoding its images ahead.
ENCODING = {}


def _folders(settings) -> tuple[str, str, str]:
    return (os.path.join(settings["PATH"], "images"), os.path.join(settings["OUTPUT_PATH"], "images"),
            os.path.join(settings["CACHE_PATH"], "images"))


def encode_ahead(pelican_obj):
    """With PARALLEL_BUILD, encode new images in a forked process while the
    build reads the content: the encoder's memory (libwebp's is large) then
    never adds to the build process's, which holds the whole site."""
    settings = pelican_obj.settings
    if (settings["DEFAULT_LANG"] in settings.get("I18N_SUBSITES", {}) or not settings.get("PARALLEL_BUILD")
            or not hasattr(os, "fork")):
        return
    source, _, cache = _folders(settings)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            process_images(source, None, settings["IMAGE_WIDTHS"], cache)
            status = 0
        finally:
            os._exit(status)  # a failure is met and reported again by write_images
    ENCODING[settings["OUTPUT_PATH"]] = pid


def write_images(pelican_obj):
    settings = pelican_obj.settings
    if settings["DEFAULT_LANG"] in settings.get("I18N_SUBSITES", {}):
        return  # images live once, in the main site
    encoder = ENCODING.pop(settings["OUTPUT_PATH"], None)
    if encoder:
        os.waitpid(encoder, 0)
    source, target, cache = _folders(settings)
    process_images(source, target, settings["IMAGE_WIDTHS"], cache)


def register():
    signals.initialized.connect(encode_ahead)
    signals.generator_init.connect(add_template_helper)
    signals.finalized.connect(write_images)
