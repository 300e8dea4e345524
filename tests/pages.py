"""Reading built pages: parse HTML and resolve the links a page writes."""

from itertools import dropwhile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html


def parse(path: Path):
    return lxml_html.fromstring(path.read_bytes())


def page_lang(output: Path, page: Path) -> str:
    first = page.relative_to(output).parts[0]
    return first if first in ("fa", "es") else "en"


def resolve(output: Path, page: Path, url: str) -> Path | None:
    """The file a relative link on `page` points to, or None for other URLs."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("#", "/")) or not parts.path:
        return None
    return (page.parent / unquote(parts.path)).resolve()


def local_links(tree):
    """(attribute value) of every href/src in the page."""
    for element in tree.iter():
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value is not None:
                yield element, value


def normalized(url: str) -> bool:
    """No '.' or '..' segment except a leading run of '..' (as in '../../x')."""
    segments = urlsplit(url).path.split("/")
    rest = list(dropwhile(lambda segment: segment == "..", segments))
    return "." not in rest and ".." not in rest
