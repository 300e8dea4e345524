"""Make whatever writers paste safe to publish.

- Raw HTML in Markdown (bodies and summaries) is shown as text, never
  interpreted: content is Markdown only, so a pasted `<script>` or
  `<img onerror=…>` stays inert and the site keeps its no-script policy.
- Titles are one line: line breaks and runs of spaces become one space.
- Characters that XML forbids are dropped: a stray control character pasted
  from a messenger is invisible in an editor and harmless in HTML, but makes
  a feed malformed, and feed readers then refuse the whole feed.
"""

import re

from markdown.extensions import Extension
from pelican import signals
from pelican.urlwrappers import URLWrapper

# Characters outside XML 1.0's Char production: C0 controls other than tab,
# newline and carriage return; surrogates; U+FFFE and U+FFFF.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class EscapeRawHtml(Extension):
    """Python-Markdown extension: treat HTML blocks and inline tags as text."""

    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


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
    content._content = clean(content._content)
    if hasattr(content, "_summary"):
        content._summary = clean(content._summary)
    for field, value in content.metadata.items():
        cleaned = clean(value)
        if field in ("title", "name") and isinstance(cleaned, str):
            cleaned = " ".join(cleaned.split())
        content.metadata[field] = cleaned
        if field != "summary" and hasattr(content, field):
            setattr(content, field, cleaned)


def escape_raw_html(pelican_obj):
    extensions = pelican_obj.settings["MARKDOWN"].setdefault("extensions", [])
    if not any(isinstance(extension, EscapeRawHtml) for extension in extensions):
        extensions.append(EscapeRawHtml())


def register():
    signals.initialized.connect(escape_raw_html)
    signals.content_object_init.connect(clean_content)
