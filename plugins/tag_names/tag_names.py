"""One tag, one page, however a volunteer's keyboard spelled it.

Persian is typed on Arabic keyboards as often as on Persian ones: ي and ك
look like ی and ک, a kashida (ـ) stretches a word without changing it, and
a zero-width non-joiner or a bidi mark can sit invisibly at either end.
Without care each variant gets its own look-alike tag page, and a piece
tagged with two variants is listed twice on one. Here every tag is reduced
to a canonical spelling before Pelican groups pieces by tag; pieces whose
tags share a slug share the page, and the page shows the spelling used
most across every language's pieces (on a tie, the one of the oldest
piece), so it does not change with the order files are read in. Each site
reads only its own language's pieces (own_language), so a tag is first
named from its site's uses, then renamed once every site is read
(`sites_read`, pipeline).
"""

import collections
import re
import unicodedata

from pelican import signals
from pelican.urlwrappers import Tag
from pipeline import sites_read
from site_caches import in_memory, remembered
from pelican.utils import slugify

LETTERS = str.maketrans({
    "\u064a": "\u06cc",  # Arabic yeh → Persian yeh
    "\u0649": "\u06cc",  # alef maksura → Persian yeh
    "\u0643": "\u06a9",  # Arabic kaf → Persian keheh
    **{chr(0x0660 + d): chr(0x06f0 + d) for d in range(10)},  # Arabic-Indic → Persian digits
    "\u0640": None,  # kashida (tatweel)
})
# Marks that change nothing a reader sees in a tag: bidi controls, zero-width joiner, BOM.
INVISIBLE = re.compile("[\u200b\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
ZWNJ = "\u200c"


@remembered("canonical tags")  # every use of a tag, in every language's site
def canonical_tag(name: str) -> str:
    """`name` in the one spelling the site uses for it."""
    text = INVISIBLE.sub("", unicodedata.normalize("NFC", str(name)).translate(LETTERS))
    text = re.sub(f"\\s*{ZWNJ}[\\s{ZWNJ}]*", ZWNJ, text)
    return " ".join(text.split()).strip(ZWNJ + " ")


def tag_slug(name: str, settings) -> str:
    """The slug (and so the page) of the tag `name`, as Pelican makes it."""
    return _slug(str(name), tuple(map(tuple, settings.get("TAG_REGEX_SUBSTITUTIONS", []))),
                 settings.get("SLUGIFY_PRESERVE_CASE", False), settings.get("SLUGIFY_USE_UNICODE", False))


@remembered("tag slugs")  # every piece names its tags in every language's site
def _slug(name: str, substitutions: tuple, preserve_case: bool, use_unicode: bool) -> str:
    return slugify(canonical_tag(name), regex_subs=list(substitutions), preserve_case=preserve_case,
                   use_unicode=use_unicode)


def display_names(spellings) -> dict[str, str]:
    """{slug: the spelling shown} from the (slug, spelling) of every use, in
    reading order: the spelling used most, and of those the first used."""
    counts = collections.Counter(spellings)
    shown = {}
    for (slug, spelling), count in counts.items():
        if slug not in shown or count > counts[(slug, shown[slug])]:
            shown[slug] = spelling
    return shown


# Language → (its site's Tag per slug, ((date, source path), its (slug, spelling) uses) of each piece).
USES = in_memory("tag uses")


def unify_tags(generator) -> None:
    """Give every piece of this language one Tag per topic, in its site's spelling."""
    settings = generator.settings
    pieces = [piece for group in (generator.articles, generator.translations, generator.drafts,
                                  generator.drafts_translations, generator.hidden_articles,
                                  generator.hidden_translations)
              for piece in group if getattr(piece, "tags", None)]
    pieces.sort(key=lambda piece: (piece.date, piece.source_path))
    uses = {id(piece): [(tag_slug(tag.name, settings), canonical_tag(tag.name)) for tag in piece.tags]
            for piece in pieces}
    shown = display_names(use for piece_uses in uses.values() for use in piece_uses)
    tags = {slug: Tag(name, settings) for slug, name in shown.items()}
    for piece in pieces:
        piece.tags = [tags[slug] for slug in dict.fromkeys(slug for slug, _ in uses[id(piece)])]
        piece.metadata["tags"] = piece.tags
    USES[settings["DEFAULT_LANG"]] = (tags, [((piece.date, piece.source_path), uses[id(piece)]) for piece in pieces])


def name_across_sites(sites) -> None:
    """Name each tag of every site with the spelling the pieces of all the languages use most."""
    recorded = [USES[lang] for lang in sites if lang in USES]
    read = sorted((piece for _, pieces in recorded for piece in pieces), key=lambda piece: piece[0])
    shown = display_names(use for _, piece_uses in read for use in piece_uses)
    for tags, _ in recorded:
        for slug, tag in tags.items():
            tag.slug = tag.slug  # kept (and its page) whatever the name
            tag.name = shown[slug]
    USES.clear()


def register():
    signals.article_generator_pretaxonomy.connect(unify_tags)
    sites_read.connect(name_across_sites)
