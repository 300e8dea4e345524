"""Files an attacker or a careless volunteer would put in content/, and checks that output stays inert."""

import struct
import zlib
from html import escape
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html
from PIL import Image

GPS = ((35.0, 41.0, 30.0), (51.0, 25.0, 10.0))
# Bytes that only metadata puts in an image file: EXIF's header and GPS, XMP, IPTC, our own marker.
METADATA_MARKERS = (b"Exif\x00", b"http://ns.adobe.com/xap", b"<x:xmpmeta", b"8BIM", b"PhoneMaker",
                    b"Someone in Tehran", b"ICC_PROFILE")


def jpeg_with_location(path: Path, size=(1600, 1000), colour=(140, 40, 40)) -> None:
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0132] = "2026:11:20 18:05:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", GPS[0], "E", GPS[1]
    image.save(path, exif=exif, quality=90, icc_profile=b"\0" * 128, comment=b"Someone in Tehran")


def webp_with_location(path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    Image.new("RGB", (640, 480), (20, 90, 160)).save(path, exif=exif, xmp=b"<x:xmpmeta>Tehran</x:xmpmeta>")


def heic_with_location(path: Path) -> None:
    """What an iPhone writes: an ISO media file ('ftypheic') that carries EXIF with GPS, which Pillow cannot read."""
    exif = b"Exif\x00\x00MM\x00*" + b"PhoneMaker GPS 35.69N 51.42E" + b"\x00" * 32
    boxes = struct.pack(">I4s4sI", 24, b"ftyp", b"heic", 0) + b"mif1heic"
    boxes += struct.pack(">I4s", 8 + len(exif), b"Exif") + exif
    path.write_bytes(boxes)


def png_claiming_size(path: Path, width: int, height: int) -> None:
    """A small PNG whose header says it is `width`×`height`, as a decompression bomb does."""
    Image.new("L", (8, 8)).save(path)
    data = bytearray(path.read_bytes())
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[12:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    path.write_bytes(bytes(data))


def truncated_jpeg(path: Path) -> None:
    jpeg_with_location(path, (800, 600))
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


SVG_WITH_SCRIPT = ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)">'
                   '<script>fetch("/?c="+document.cookie)</script><circle r="4"/></svg>')

# --- Is this output inert? ---------------------------------------------------------------------

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "srcset")
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")


def _scheme_of(value: str) -> str:
    """`value` as a browser's URL parser sees it: C0 controls and spaces stripped at
    both ends, tabs and line breaks removed anywhere (the WHATWG URL standard)."""
    return "".join(ch for ch in value.strip("".join(map(chr, range(33)))) if ch not in "\t\n\r").lower()


def active_content(markup: str) -> list[str]:
    """Everything in `markup` that could run code: script URLs, event handlers, inline scripts, embeds."""
    if not markup.strip():
        return []
    tree = lxml_html.fromstring(markup)
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"<{element.tag} {name}>")
            elif name.lower() in URL_ATTRIBUTES and _scheme_of(value).startswith(SCRIPT_SCHEMES):
                found.append(f"<{element.tag} {name}={value!r}>")
        if element.tag in ("iframe", "object", "embed", "base", "frame"):
            found.append(f"<{element.tag}>")
        if element.tag == "script" and not element.get("src"):
            found.append("inline <script>")
    return found


def feed_markup(path: Path) -> list[str]:
    """The HTML fragments a feed carries: Atom content/summary, RSS description."""
    tree = etree.parse(str(path))
    fragments = []
    for element in tree.iter("{http://www.w3.org/2005/Atom}content", "{http://www.w3.org/2005/Atom}summary",
                             "description"):
        fragments.append(element.text or "")
    for element in tree.iter("{http://www.w3.org/2005/Atom}link", "link"):
        fragments.append(f'<a href="{escape(element.get("href") or element.text or "")}">x</a>')
    return fragments


def published_files(output: Path) -> list[Path]:
    return sorted(path for path in output.rglob("*") if path.is_file() or path.is_symlink())
