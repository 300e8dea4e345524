"""Each language's site makes content objects for its own language's files only.

i18n_subsites expects every language's site to read every content file:
each site then drops the pieces in other languages, keeping them only as
the `translations` of its own pieces. Making those objects costs as much as
making the site's own: at 1,000 updates, two thirds of the 1.2 s in which
the three sites make their content, on one core, before any page is written.

Here a site's articles and pages generators list only the files named in its
language (`<slug>.<lang>.md`, site_rules.FILE_NAME; a file named in no site
language is listed in every site, as before, for the content check and
Pelican to refuse). Once the last language's site has made its content
(`all_generators_finalized`, sent before that site's writer is made),
record_site sends `sites_read` (pipeline). Then each piece is given, as its
translations, copies of the same piece (same translation id, same list:
published, draft or hidden) as the other languages' sites made it, and
i18n_subsites, when the last site's writer is made, points each copy at its
own site's address, as it did the objects it made itself.

PLUGINS lists this after build_cache, whose wrapper of get_files then sees
every language's files and has its workers parse the new ones at once, when
the main site lists them; in the other order each site's new files would be
parsed when that site lists them, which is as correct but starts three
pools of workers instead of one.
"""

import os
from operator import attrgetter

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican_compat import copy_content
from pipeline import sites_read
from site_caches import in_memory
from site_rules import FILE_NAME, languages

# The lists whose pieces are each other's translations, per generator: a
# published piece's versions are the published ones, a draft's the drafts…
# (Pelican groups each list on its own, with process_translations).
VERSION_LISTS = {
    ArticlesGenerator: ("articles", "drafts", "hidden_articles"),
    PagesGenerator: ("pages", "draft_pages", "hidden_pages"),
}
TRANSLATION_IDS = {ArticlesGenerator: "ARTICLE_TRANSLATION_ID", PagesGenerator: "PAGE_TRANSLATION_ID"}

# Language → the generators of its site, for the build under way (the main
# site, whose content is made first, starts it again).
SITES = in_memory("language sites")


def own_files(files, lang: str, langs) -> list[str]:
    """The paths of `files` a site in `lang` reads: all but those named in another of `langs`."""
    kept = []
    for path in files:
        named = FILE_NAME.match(os.path.basename(path))
        if not named or named["lang"] == lang or named["lang"] not in langs:
            kept.append(path)
    return kept


def list_own_files(generator) -> None:
    if not isinstance(generator, tuple(VERSION_LISTS)):
        return
    get_files, lang, langs = generator.get_files, generator.settings["DEFAULT_LANG"], languages(generator.settings)

    def get_own_files(*args, **kwargs):
        return own_files(get_files(*args, **kwargs), lang, langs)

    generator.get_files = get_own_files


def translation_key(translation_id):
    """What tells a piece's versions apart, as Pelican's process_translations
    reads the setting: an attribute, several, or none (each piece on its own)."""
    if not translation_id:
        return id
    return attrgetter(*([translation_id] if isinstance(translation_id, str) else translation_id))


def link_versions(sites: dict) -> None:
    """Give every piece of `sites` (language → its generators) copies of its
    versions in the other languages' sites as its translations."""
    for kind, names in VERSION_LISTS.items():
        generators = [generator for found in sites.values() for generator in found if isinstance(generator, kind)]
        for name in names:
            versions = {}
            for generator in generators:
                key = translation_key(generator.settings[TRANSLATION_IDS[kind]])
                for piece in getattr(generator, name, []):
                    versions.setdefault(key(piece), []).append(piece)
            for group in versions.values():
                # One copy per piece that shows it, since i18n_subsites points
                # each at the other site from the site that shows it. A copy's
                # own translations are empty: no page shows a translation's
                # translations, and a site's digest then reaches each version
                # once, whatever order the sites come in.
                for piece in group:
                    piece.translations = [copy_content(other, translations=[]) for other in group
                                          if other is not piece]


def record_site(generators) -> None:
    """Keep each site's generators; after the last language's, send sites_read."""
    found = [generator for generator in generators if isinstance(generator, tuple(VERSION_LISTS))]
    if not found:
        return
    settings = found[0].settings
    langs = languages(settings)
    if settings["DEFAULT_LANG"] == langs[0]:
        SITES.clear()  # the main site makes its content first
    SITES[settings["DEFAULT_LANG"]] = found
    if len(SITES) == len(langs):
        sites = dict(SITES)
        SITES.clear()
        sites_read.send(sites)


def register():
    signals.generator_init.connect(list_own_files)
    signals.all_generators_finalized.connect(record_site)
    sites_read.connect(link_versions)
