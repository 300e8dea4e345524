"""Make whatever writers paste safe to publish.

- Raw HTML in Markdown (bodies and summaries) is shown as text, never
  interpreted: content is Markdown only, so a pasted `<script>` or
  `<img onerror=…>` stays inert and the site keeps its no-script policy.
  The Markdown engine (plugins/markdown_engine, markdown-it-py with
  html=False) does that.
- What Markdown itself makes is then cleaned by an allow-list sanitizer
  (nh3, the Rust `ammonia`), in case the engine ever lets something
  through: only the elements and attributes markdown_engine writes, links
  only to web, mail and relative addresses (no `javascript:`, `vbscript:`
  or `data:`, however encoded), images only from this site, no event
  handler or style. Feeds carry the same cleaned HTML, and no
  Content-Security-Policy protects them.
- The engine's output is sanitized as it is parsed (safe_html), so that the
  reader cache keeps it sanitized and a rebuild does not sanitize every
  piece again; every content object's body and formatted fields go
  through safe_html once more when it is made, which passes what it
  sanitized already (SanitizedHTML) and sanitizes anything else.
- Titles are one line: line breaks and runs of spaces become one space.
- Characters that XML forbids are dropped: a stray control character pasted
  from a messenger is invisible in an editor and harmless in HTML, but makes
  a feed malformed, and feed readers then refuse the whole feed.
"""

import re
from urllib.parse import urlsplit

import nh3
from site_caches import remembered
from pelican import signals
from pelican.urlwrappers import URLWrapper

# Characters outside XML 1.0's Char production: C0 controls other than tab,
# newline and carriage return; surrogates; U+FFFE and U+FFFF.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# What markdown_engine writes, and nothing else: footnotes are a div of
# class "footnote", sup, and links with an id, a class and a title; fenced
# code has a class; table cells' text-align style is dropped.
ALLOWED_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "code", "pre", "blockquote",
                "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "sup", "div",
                "dl", "dt", "dd"}
ALLOWED_ATTRIBUTES = {"*": {"id", "class", "title"}, "a": {"href"}, "img": {"src", "alt"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _same_site_images(element: str, attribute: str, value: str) -> str | None:
    """An image from another host would tell it who reads the page: only relative sources stay."""
    if element == "img" and attribute == "src":
        parts = urlsplit(value.strip())
        if parts.scheme or parts.netloc or value.strip().startswith(("/", "\\")):
            return None
    return value


@remembered("sanitized html")  # each file is read by every language's site
def sanitize(html: str) -> str:
    """`html` with only the markup Markdown writes, and only safe addresses in it."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     attribute_filter=_same_site_images, strip_comments=True)


class SanitizedHTML(str):
    """HTML that safe_html made, and nothing else: every str operation on it
    gives a plain str again, so a changed text is sanitized again."""
    __slots__ = ()


def safe_html(text: str) -> SanitizedHTML:
    """`text` without XML-forbidden characters, sanitized; as is if safe_html made it."""
    if type(text) is SanitizedHTML:
        return text
    return SanitizedHTML(sanitize(clean(text)))


def clean(value):
    """`value` without XML-forbidden characters, looking inside lists, mappings and tags."""
    if isinstance(value, str):
        return FORBIDDEN.sub("", value)
    if isinstance(value, list):
        return [clean(item) for item in value]
    if isinstance(value, dict):
        return {clean(key): clean(item) for key, item in value.items()}
    if isinstance(value, URLWrapper) and FORBIDDEN.search(value.name):
        value.name = clean(value.name)  # assigning a name drops the computed slug: only when needed
    return value


def clean_content(content):
    if isinstance(content._content, str):
        content._content = safe_html(content._content)
    if isinstance(getattr(content, "_summary", None), str):
        content._summary = safe_html(content._summary)
    for field, value in content.metadata.items():
        if field in content.settings.get("FORMATTED_FIELDS", ()) and isinstance(value, str):
            cleaned = safe_html(value)
        else:
            cleaned = clean(value)
        if field in ("title", "name") and isinstance(cleaned, str):
            cleaned = " ".join(cleaned.split())
        content.metadata[field] = cleaned
        if field != "summary" and hasattr(content, field):
            setattr(content, field, cleaned)


def register():
    signals.content_object_init.connect(clean_content)
