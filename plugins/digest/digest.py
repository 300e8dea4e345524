"""Weekly email digest, written by the same build as the site.

When DIGEST_SINCE is set (as `invoke digest` does), each language's build
also writes digest.html, an email-ready page (inline styles, tables, no
remote fonts, no tracking pixel, absolute links) and digest.txt, its
plain-text alternative. They list the period's updates and events with
summaries and linked prisoners, then the upcoming events, using the same
pieces, dates and translations as the site.
"""

import dataclasses
import datetime
import os
import shutil
import tempfile

from pelican import signals
from pelican.generators import Generator
from site_build import BuildRequest
from site_build.site_build import file_settings
from site_rules import build_date, languages, site_folder

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


def build_digests(request: BuildRequest, directory: str, langs=None, *, since=None,
                  until=None) -> tuple[int, list[str]]:
    """Write <directory>/<until>/<lang>.html and .txt, the email digest of each
    language of `langs` (default: all), built as `request` says (but its output).

    `since` defaults to the day after the newest digest in `directory`, or a
    week before `until`; `until` defaults to today. Returns (status, files).
    """
    until = until or datetime.date.today()
    if since is None:
        earlier = [datetime.date.fromisoformat(name) for name in _listdir(directory)
                   if _is_day(name) and datetime.date.fromisoformat(name) < until]
        since = max(earlier) + datetime.timedelta(days=1) if earlier else until - datetime.timedelta(days=6)
    request = request.with_settings(DIGEST_SINCE=since.isoformat(), DIGEST_UNTIL=until.isoformat(),
                                    BUILD_DATE=until.isoformat(), SEARCH_INDEX=False)
    written = []
    with tempfile.TemporaryDirectory() as work:
        site = os.path.join(work, "site")
        status = dataclasses.replace(request, output=site, reuse=False, summary=False).run()
        if status:
            return status, written
        settings = file_settings(request)
        target = os.path.join(directory, until.isoformat())
        os.makedirs(target, exist_ok=True)
        for lang in langs or languages(settings):
            source = os.path.join(site, site_folder(lang, settings))
            for extension in ("html", "txt"):
                path = os.path.join(target, f"{lang}.{extension}")
                shutil.copyfile(os.path.join(source, f"digest.{extension}"), path)
                written.append(path)
    return 0, written


def _listdir(directory: str) -> list[str]:
    return os.listdir(directory) if os.path.isdir(directory) else []


def _is_day(name: str) -> bool:
    try:
        datetime.date.fromisoformat(name)
        return True
    except ValueError:
        return False
