"""Read Markdown with markdown-it-py: the project's one way to turn Markdown into HTML.

Pelican's MarkdownReader runs Python-Markdown; its `extra` and `smarty`
extensions took a third of a cold build. markdown-it-py (CommonMark, with
tables, footnotes and definition lists from mdit-py-plugins) makes the same
HTML for everything the content contract promises, and reads a file about
four times faster (the Markdown alone, seven times):

- raw HTML typed or pasted into Markdown is shown as text (html=False);
  the HTML made here is then cleaned by safe_text's allow-list sanitizer
  as it is made (safe_html), so the reader cache keeps it sanitized;
- link and image addresses are kept as written (no percent-encoding), so
  Pelican's `{static}` and `{filename}` links are replaced as before;
- footnotes are written with Python-Markdown's markup and anchors
  (`#fn:label`, `#fnref:label`), so links to a footnote keep working;
- straight quotes, `--`, `---` and `...` become typographic, with the
  quotation marks of the file's language (QUOTES, MARKDOWN_QUOTES).

MarkdownItReader is LibYAMLMetadataReader (front-matter read with LibYAML
by pelican-yaml-metadata's own methods) with this engine for the body and
for the formatted fields (FORMATTED_FIELDS: the `summary`).
"""

import functools
import logging
import os
import re
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token
from safe_text import safe_html
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from pelican import signals
from pelican.readers import BaseReader, parse_path_metadata
from pelican.utils import pelican_open

from libyaml_reader.libyaml_reader import LibYAMLMetadataReader
from pelican_compat import YAML_HEADER

logger = logging.getLogger(__name__)

# Quotation marks per language: "…" in Markdown becomes the first pair, '…'
# the second (for a quotation inside a quotation). An apostrophe is ’ in
# every language.
QUOTES = {
    "en": "“”‘’",
    # Spanish (RAE, Ortografía 2010): angular quotes first, English double
    # quotes inside them: «Dijo: “no”».
    "es": "«»“”",
    # Persian quotes with the guillemets « » (گیومه; Persian style guides
    # and Persian Wikipedia call “ ” a foreign mark), except a quotation
    # inside a quotation, which Persian punctuation manuals put between “ ”:
    # «گفت: “…”». CLDR's ‹ › for that inner pair is rare in Persian print, is
    # not on the Persian keyboard, and has no glyph in the site's Vazirmatn
    # subset (theme/static/fonts keeps U+00AB, U+00BB and U+2018-201F, not
    # U+2039-203A), so browsers would draw it in another font. « » are
    # mirrored in right-to-left text: « opens at the right-hand end.
    "fa": "«»“”",
}
DEFAULTS = {
    # Per language, four characters: opening and closing double, opening and closing single.
    "MARKDOWN_QUOTES": {},
    # Smart quotes, -- (–), --- (—) and ... (…); off leaves the text as typed.
    "MARKDOWN_TYPOGRAPHY": True,
}
# Python-Markdown's footnote markup, kept so that pages, feeds and links to
# a footnote look and work as they did.
BACKLINK_TITLE = "Jump back to footnote {} in the text"

# smarty's rules: exactly two or three hyphens, exactly three dots.
DASHES_AND_DOTS = re.compile(r"(?<!-)(---|--)(?!-)|(?<!\.)\.\.\.(?!\.)")
TYPOGRAPHIC = {"---": "\u2014", "--": "\u2013", "...": "\u2026"}
STRAIGHT = re.compile("['\"]")
DECADE = re.compile(r"(?<!\w)'(?=\d\ds)")
APOSTROPHE = "\u2019"
# After these, a quotation mark left unpaired opens a quotation.
OPENING_CONTEXT = "([{<-/\u2013\u2014\u201c\u2018\u00ab"


def quotes_for(lang: str | None, settings=None) -> str:
    """The four quotation marks of `lang` (MARKDOWN_QUOTES, then QUOTES, then DEFAULT_LANG's)."""
    settings = settings or {}
    chosen = {**QUOTES, **(settings.get("MARKDOWN_QUOTES") or {})}
    default = chosen.get(settings.get("DEFAULT_LANG", "en"), QUOTES["en"])
    quotes = chosen.get(lang, default)
    if not (isinstance(quotes, str) and len(quotes) == 4):
        raise ValueError(f"MARKDOWN_QUOTES[{lang!r}]: expected four characters such as “”‘’, got {quotes!r}")
    return quotes


def language_of(source_path: str, metadata=None, settings=None) -> str:
    """The language a file is written in: its `lang` field, else what
    FILENAME_METADATA or PATH_METADATA read from its path, else DEFAULT_LANG."""
    settings = settings or {}
    for key, value in (metadata or {}).items():
        if str(key).lower() == "lang" and isinstance(value, str) and value.strip():
            return value.strip()
    path = source_path
    if settings.get("PATH") and os.path.isabs(source_path):
        path = os.path.relpath(source_path, settings["PATH"])
    from_path = parse_path_metadata(source_path=path, settings=settings).get("lang")
    if isinstance(from_path, str) and from_path:
        return from_path
    return settings.get("DEFAULT_LANG", "en")


def _typography(state) -> None:
    """smarty's dashes and ellipsis in text (not in code, addresses or autolinks)."""
    if not state.md.options.typographer:
        return
    for token in state.tokens:
        if token.type != "inline" or not token.children or ("--" not in token.content
                                                             and "..." not in token.content):
            continue
        in_autolink = False
        for child in token.children:
            if child.type == "link_open" and child.info == "auto":
                in_autolink = True
            elif child.type == "link_close" and child.info == "auto":
                in_autolink = False
            elif child.type == "text" and not in_autolink and ("--" in child.content or "..." in child.content):
                child.content = DASHES_AND_DOTS.sub(lambda m: TYPOGRAPHIC[m.group(0)], child.content)


def _decades(state) -> None:
    """smarty's decade abbreviation: the '90s has an apostrophe, not an opening quote."""
    if not state.md.options.typographer:
        return
    for token in state.tokens:
        if token.type == "inline" and token.children and "'" in token.content:
            for child in token.children:
                if child.type == "text" and "'" in child.content:
                    child.content = DECADE.sub(APOSTROPHE, child.content)


def _quotes_left(state) -> None:
    """Quotation marks smartquotes left straight because it found no pair
    for them (a decade such as '90s, a quotation running over several
    paragraphs, a quote in the middle of a word): like smarty, an opening
    mark where a word starts, else a closing one; ’ before a digit. An
    escaped quote (\\" or \\') stays straight."""
    if not state.md.options.typographer:
        return
    quotes = state.md.options.quotes
    for token in state.tokens:
        if token.type != "inline" or not token.children or not STRAIGHT.search(token.content):
            continue
        before = " "
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                before = " "
                continue
            if child.type == "text" and STRAIGHT.search(child.content):
                child.content = _educate(child.content, before, quotes)
            if child.content:
                before = child.content[-1]


def _educate(text: str, before: str, quotes: str) -> str:
    chars = list(text)
    for i, char in enumerate(chars):
        if char not in "'\"":
            continue
        last = chars[i - 1] if i else before
        after = chars[i + 1] if i + 1 < len(chars) else " "
        opens = (last.isspace() or last in OPENING_CONTEXT) and not after.isspace()
        if char == "'":
            chars[i] = APOSTROPHE if after.isdigit() or not opens else quotes[2]
        else:
            chars[i] = quotes[0] if opens else quotes[1]
    return "".join(chars)


def _footnote_label(token: Token) -> str:
    return escape(str(token.meta.get("label") or token.meta["id"] + 1))


def _footnote_ref(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    label, sub = _footnote_label(token), token.meta.get("subId", 0)
    ref = f"fnref{sub + 1 if sub else ''}:{label}"
    return f'<sup id="{ref}"><a class="footnote-ref" href="#fn:{label}">{token.meta["id"] + 1}</a></sup>'


def _footnote_anchor(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    label, sub = _footnote_label(token), token.meta.get("subId", 0)
    ref = f"fnref{sub + 1 if sub else ''}:{label}"
    title = BACKLINK_TITLE.format(token.meta["id"] + 1)
    return ("&#160;" if sub == 0 else "") + f'<a class="footnote-backref" href="#{ref}" title="{title}">&#8617;</a>'


def _footnote_open(self, tokens, idx, options, env) -> str:
    return f'<li id="fn:{_footnote_label(tokens[idx])}">\n'


def _image(self, tokens, idx, options, env) -> str:
    """Python-Markdown's order of attributes: alt, src, title."""
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    title = token.attrGet("title")
    return (f'<img alt="{escape(alt)}" src="{escape(token.attrGet("src") or "")}"'
            + (f' title="{escape(title)}"' if title is not None else "") + ">")


def _as_written(url: str) -> str:
    return url


@functools.lru_cache(maxsize=None)
def _engine(lang: str, quotes: str, typography: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "xhtmlOut": False, "typographer": typography, "quotes": quotes})
    md.disable(["html_block", "html_inline"])
    md.enable("table")
    footnote_plugin(md, inline=False)
    deflist_plugin(md)
    md.core.ruler.before("text_join", "typography", _typography)
    md.enable("smartquotes")
    md.core.ruler.before("smartquotes", "decades", _decades)
    md.core.ruler.after("smartquotes", "quotes_left", _quotes_left)
    # Pelican replaces {static}/… and {filename}/… in the HTML: keep addresses
    # as written (markdown-it would percent-encode the braces). Addresses with
    # a javascript:, vbscript:, file: or data: scheme still make no link.
    md.normalizeLink = _as_written
    md.normalizeLinkText = _as_written
    md.add_render_rule("image", _image)
    md.add_render_rule("footnote_ref", _footnote_ref)
    md.add_render_rule("footnote_block_open", lambda *args: '<div class="footnote">\n<hr>\n<ol>\n')
    md.add_render_rule("footnote_block_close", lambda *args: "</ol>\n</div>\n")
    md.add_render_rule("footnote_open", _footnote_open)
    md.add_render_rule("footnote_anchor", _footnote_anchor)
    return md


def markdown_it(lang: str | None = None, settings=None) -> MarkdownIt:
    """The MarkdownIt instance for `lang` with `settings`, made once per language and settings."""
    settings = settings or {}
    lang = lang or settings.get("DEFAULT_LANG", "en")
    typography = bool(settings.get("MARKDOWN_TYPOGRAPHY", DEFAULTS["MARKDOWN_TYPOGRAPHY"]))
    return _engine(lang, quotes_for(lang, settings), typography)


def engine_html(text: str, lang: str | None = None, settings=None) -> str:
    """`text` (Markdown) as the engine writes it, with the quotation marks of
    `lang`, not yet sanitized. Without markdown-it's last newline, as
    Python-Markdown wrote it: pages and feeds stay byte for byte the same."""
    html = markdown_it(lang, settings).render(text)
    return html[:-1] if html.endswith("\n") else html


def render(text: str, lang: str | None = None, settings=None) -> str:
    """engine_html, sanitized (safe_text.safe_html): what a piece shows."""
    return safe_html(engine_html(text, lang, settings))


class _Converter:
    """What pelican-yaml-metadata calls to format FORMATTED_FIELDS
    (`self._md.reset().convert(text)`), in the language of the file being read."""

    def __init__(self, settings):
        self.settings = settings
        self.lang = settings.get("DEFAULT_LANG", "en")

    def reset(self):
        return self

    def convert(self, text: str) -> str:
        return render(text, self.lang, self.settings)


class MarkdownItReader(LibYAMLMetadataReader):
    """Markdown files with YAML front-matter, the text rendered by markdown-it-py."""

    enabled = True

    def __init__(self, settings):
        # Not YAMLMetadataReader's __init__: it builds a Python-Markdown
        # instance from MARKDOWN that this reader never uses.
        BaseReader.__init__(self, settings)
        self._source_path = None
        self._md = _Converter(settings)

    def read(self, source_path):
        """pelican-yaml-metadata's read, with this engine and the file's language."""
        self._source_path = source_path
        self._md.lang = language_of(source_path, None, self.settings)
        with pelican_open(source_path) as text:
            match = YAML_HEADER.fullmatch(text)
        if not match:
            # The content check refuses such a file before any build.
            logger.info("No YAML metadata header found in '%s'", source_path)
            return self._md.convert(text), {}
        metadata = self._load_yaml_metadata(match.group("metadata"), source_path)
        return self._md.convert(match.group("content")), metadata

    def _parse_yaml_metadata(self, meta, source_path):
        # A `lang` field overrides the file name, for the summary and the text alike.
        self._md.lang = language_of(source_path, meta, self.settings)
        return super()._parse_yaml_metadata(meta, source_path)


def add_reader(readers) -> None:
    for extension in MarkdownItReader.file_extensions:
        readers.reader_classes[extension] = MarkdownItReader


def set_defaults(pelican_obj) -> None:
    for name, value in DEFAULTS.items():
        pelican_obj.settings.setdefault(name, value)


def register():
    signals.initialized.connect(set_defaults)
    signals.readers_init.connect(add_reader)
