"""Prisoner profiles: one page per prisoner per language, an index, feeds.

Profiles live in content/prisoners/<slug>.<lang>.md. Each subsite reads the
profiles of its own language; updates and events name prisoners with
`prisoners: [slug, …]`, which gives every profile its timeline and feeds and
every piece its linked names. Unknown slugs never get this far: the content
contract stops the build first.
"""

import posixpath

from pelican import signals
from pelican.contents import Content
from pelican.generators import CachingGenerator
from pelican.plugins.i18n_subsites.i18n_subsites import relpath_to_site

from content_contract import PRISONER_STATUSES
from local_dates import build_date, years_and_months


class Prisoner(Content):
    mandatory_properties = ("title",)
    allowed_statuses = ("published", "draft")
    default_status = "published"
    default_template = "prisoner"

    def __init__(self, content, metadata=None, settings=None, source_path=None, context=None):
        metadata = dict(metadata or {})
        # Pelican reserves `status` for publishing (published/draft).
        metadata["detention"] = metadata.pop("status", "unknown")
        metadata["title"] = metadata.get("name", "")
        super().__init__(content, metadata, settings, source_path, context)


def group_by_status(prisoners):
    """[(status, [prisoners sorted by name])] in the order of PRISONER_STATUSES, empty groups left out."""
    groups = []
    for status in PRISONER_STATUSES:
        members = sorted((p for p in prisoners if p.detention == status), key=lambda p: p.title)
        if members:
            groups.append((status, members))
    return groups


class PrisonersGenerator(CachingGenerator):
    """Reads the profiles, links them with the pieces that name them, writes pages and feeds."""

    def generate_context(self):
        lang = self.settings["DEFAULT_LANG"]
        folder = self.settings["PRISONERS_PATH"]
        profiles = []
        for path in sorted(self.get_files(folder, extensions=("md",))):
            profile = self.get_cached_data(path, None)
            if profile is None:
                profile = self.readers.read_file(base_path=self.path, path=path, content_class=Prisoner,
                                                 context=self.context)
                self.cache_data(path, profile)
            if profile.status == "published":
                profiles.append(profile)
        self.prisoners = [p for p in profiles if p.lang == lang]
        today = build_date(self.settings)
        timelines = {}
        for article in self.context["articles"]:
            for slug in dict.fromkeys(str(s) for s in article.metadata.get("prisoners", [])):
                timelines.setdefault(slug, []).append(article)
        for prisoner in self.prisoners:
            prisoner.translations = []
            for other in profiles:
                if other.slug == prisoner.slug and other is not prisoner:
                    other.override_url = posixpath.join(relpath_to_site(lang, other.lang), prisoner.url)
                    prisoner.translations.append(other)
            prisoner.as_of = today
            arrested = prisoner.metadata.get("arrested")
            prisoner.time_in_prison = (years_and_months(arrested, today)
                                       if arrested and prisoner.detention == "imprisoned" else None)
            prisoner.timeline = timelines.get(prisoner.slug, [])

        # Link each piece to the profiles it names, in its language when there is one.
        by_slug = {}
        for profile in sorted(profiles, key=lambda p: p.lang != lang):
            by_slug.setdefault(profile.slug, profile)
        for article in self.context["articles"]:
            article.prisoner_profiles = [by_slug[str(s)] for s in article.metadata.get("prisoners", [])
                                         if str(s) in by_slug]
        self.save_cache()
        self.readers.save_cache()
        self.context["prisoners"] = self.prisoners
        self.context["prisoners_by_status"] = group_by_status(self.prisoners)

    def generate_output(self, writer):
        relative = self.settings["RELATIVE_URLS"]
        for prisoner in self.prisoners:
            writer.write_file(prisoner.save_as, self.get_template(prisoner.template), self.context,
                              relative_urls=relative, url=prisoner.url, prisoner=prisoner)
            for kind in ("atom", "rss"):
                path = self.settings[f"PRISONER_FEED_{kind.upper()}"].format(slug=prisoner.slug)
                writer.write_feed(prisoner.timeline, self.context, path, feed_type=kind,
                                  feed_title=prisoner.title)
        index = self.settings["PRISONERS_INDEX_SAVE_AS"]
        writer.write_file(index, self.get_template("prisoners"), self.context,
                          relative_urls=relative, url=index)


def get_generators(pelican_obj):
    return PrisonersGenerator


def register():
    signals.get_generators.connect(get_generators)
