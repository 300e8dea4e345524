"""A printable poster for every prisoner, in every language: posters/<slug>.html.

The poster is an ordinary page of the site (header, navigation, footer on
screen) whose print stylesheet leaves only the poster: the name in large
type in Latin and Persian script, the photo if there is one, the status,
the campaign's demand and the address of the profile. It fits one page of
A4 and of US Letter (the print test prints both with Chromium).

Runs after plugins/prisoners (PLUGINS order), whose context it reads.
"""

import posixpath

from pelican import signals
from pelican.generators import Generator
from pelican_compat import relpath_to_site


class Poster:
    """What base.html needs of a piece (lang, url, translations, title…) for one poster."""

    status = "published"

    def __init__(self, prisoner, url, save_as, translations=()):
        self.prisoner = prisoner
        self.lang = prisoner.lang
        self.source_path = prisoner.source_path
        self.url, self.save_as = url, save_as
        self.translations = list(translations)
        self.title = prisoner.title
        self.summary = getattr(prisoner, "summary", "")
        self.photo = getattr(prisoner, "photo", None)
        self.photo_alt = getattr(prisoner, "photo_alt", None)
        self.image = self.image_alt = None

    def __repr__(self):
        return f"<Poster {self.lang} {self.url}>"


def latin_name(prisoner) -> str:
    """The prisoner's name in Latin script: this profile's, or its English (else any) translation's."""
    names = [prisoner] + sorted(getattr(prisoner, "translations", []), key=lambda other: other.lang != "en")
    for profile in names:
        title = str(profile.title)
        if title and all(not ("\u0600" <= c <= "\u06ff") for c in title):
            return title
    return ""


def poster_of(prisoner, settings) -> Poster:
    url, save_as = (settings[key].format(slug=prisoner.slug) for key in ("POSTER_URL", "POSTER_SAVE_AS"))
    lang = prisoner.lang
    translations = [Poster(other, posixpath.join(relpath_to_site(lang, other.lang), url), save_as)
                    for other in getattr(prisoner, "translations", [])]
    return Poster(prisoner, url, save_as, translations)


class PostersGenerator(Generator):
    def generate_context(self):
        for prisoner in self.context.get("prisoners", []):
            prisoner.poster_url = self.settings["POSTER_URL"].format(slug=prisoner.slug)
            prisoner.latin_name = latin_name(prisoner)

    def generate_output(self, writer):
        template = self.get_template("poster")
        for prisoner in self.context.get("prisoners", []):
            poster = poster_of(prisoner, self.settings)
            self.context.setdefault("posters", []).append(poster)
            writer.write_file(self.settings["POSTER_SAVE_AS"].format(slug=prisoner.slug), template, self.context,
                              relative_urls=self.settings["RELATIVE_URLS"], url=poster.url, prisoner=prisoner,
                              poster=poster)


def set_defaults(pelican_obj):
    pelican_obj.settings.setdefault("POSTER_URL", "posters/{slug}.html")
    pelican_obj.settings.setdefault("POSTER_SAVE_AS", pelican_obj.settings["POSTER_URL"])


def get_generators(pelican_obj):
    return PostersGenerator


def register():
    signals.initialized.connect(set_defaults)
    signals.get_generators.connect(get_generators)
