"""Reading the content sources directly, as ground truth for checking the output."""

from collections import defaultdict
from pathlib import Path

import yaml
from babel.messages.pofile import read_po
from conftest import ROOT


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def sources(folder: str, root: Path = ROOT / "content"):
    """{(slug, lang): front-matter} of every file in content/<folder>/."""
    found = {}
    for path in sorted((root / folder).glob("*.md")):
        slug, lang, _ = path.name.split(".")
        found[(slug, lang)] = front_matter(path)
    return found


def pieces_naming(prisoner: str, lang: str) -> dict:
    """{(folder, slug): date} of the pieces in `lang` whose front-matter names `prisoner`."""
    named = {}
    for folder in ("updates", "events"):
        for (slug, piece_lang), meta in sources(folder).items():
            if piece_lang == lang and prisoner in meta.get("prisoners", []) and meta.get("status") != "draft":
                named[(folder, slug)] = meta["date"]
    return named


def langs_by_slug(folder: str) -> dict:
    langs = defaultdict(set)
    for slug, lang in sources(folder):
        langs[slug].add(lang)
    return langs


def content_versions():
    """{(folder, slug): {lang: file}} read from the content file names."""
    versions = defaultdict(dict)
    for folder in ("updates", "events", "pages"):
        for path in (ROOT / "content" / folder).glob("*.md"):
            slug, lang, _ = path.name.split(".")
            versions[(folder, slug)][lang] = path
    return versions


def translate(text, lang):
    """The interface text `text` as the theme's catalog for `lang` has it."""
    if lang == "en":
        return text
    with open(ROOT / "theme" / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po)[text].string
