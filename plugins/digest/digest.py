"""Weekly email digest, written by the same build as the site.

When DIGEST_SINCE is set (as `invoke digest` does), each language's build
also writes digest.html, an email-ready page (inline styles, tables, no
remote fonts, no tracking pixel, absolute links) and digest.txt, its
plain-text alternative. They list the period's updates and events with
summaries and linked prisoners, then the upcoming events, using the same
pieces, dates and translations as the site.
"""

import datetime

from pelican import signals
from pelican.generators import Generator

from local_dates import build_date

DIGEST_FILES = {"digest.html": "digest_email.html", "digest.txt": "digest_email.txt"}


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def period_pieces(articles, since: datetime.date, until: datetime.date) -> list:
    """Pieces published from `since` to `until` (both included), oldest first."""
    return sorted((a for a in articles if since <= a.date.date() <= until), key=lambda a: a.date)


class DigestGenerator(Generator):
    def generate_context(self):
        pass

    def generate_output(self, writer):
        if not self.settings.get("DIGEST_SINCE"):
            return
        since = _day(self.settings["DIGEST_SINCE"])
        until = _day(self.settings.get("DIGEST_UNTIL") or build_date(self.settings))
        articles = self.context["articles"]
        pieces = period_pieces(articles, since, until)
        upcoming = sorted((a for a in articles if getattr(a, "upcoming", False)), key=lambda a: a.event_sort_key)
        for name, template in DIGEST_FILES.items():
            writer.write_file(name, self.env.get_template(template), self.context, relative_urls=False,
                              digest_since=since, digest_until=until,
                              digest_updates=[p for p in pieces if p.category.slug == "updates"],
                              digest_events=[p for p in pieces if p.category.slug == "events"],
                              digest_upcoming=upcoming)


def get_generators(pelican_obj):
    return DigestGenerator


def register():
    signals.get_generators.connect(get_generators)
