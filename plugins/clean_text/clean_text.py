"""Drop characters that XML forbids from every piece's text.

A stray control character pasted from a messenger or word processor is
invisible in an editor, harmless in HTML, but makes a feed malformed, and
feed readers then refuse the whole feed. Removing it loses nothing a reader
could see.
"""

import re

from pelican import signals

# Characters outside XML 1.0's Char production: C0 controls other than tab,
# newline and carriage return; surrogates; U+FFFE and U+FFFF.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text):
    return FORBIDDEN.sub("", text) if isinstance(text, str) else text


def clean_content(content):
    content._content = clean(content._content)
    if hasattr(content, "title"):
        content.title = clean(content.title)
    if hasattr(content, "_summary"):
        content._summary = clean(content._summary)
    for field in ("title", "summary"):
        if field in content.metadata:
            content.metadata[field] = clean(content.metadata[field])


def register():
    signals.content_object_init.connect(clean_content)
