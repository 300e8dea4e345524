"""Prisoner profiles: one page per prisoner per language, an index, feeds.

Profiles live in content/prisoners/<slug>.<lang>.md. Each subsite reads the
profiles of its own language; updates and events name prisoners with
`prisoners: [slug, …]`, which gives every profile its timeline and feeds and
every piece its linked names. Unknown slugs never get this far: the content
contract stops the build first.

Besides the facts, a profile carries its status history (each change with
its date, also written as a feed of status changes per language) and an
action kit: whom to write to, a sample letter in the page's language and in
Persian (from the Farsi profile), an email with everything filled in, a
message of solidarity, and the date after which the action must be checked
again.
"""

import datetime
import functools
import posixpath
import re
from dataclasses import dataclass
from html import escape
from urllib.parse import quote, urlsplit

from babel.numbers import format_decimal
from pelican import signals
from pelican.contents import Content
from pelican.generators import CachingGenerator
from pelican_compat import relpath_to_site

from pipeline import stop_build
from site_rules import DEATH_PENALTY_STATUSES, content_security_policy, DETAINED_STATUSES, PRISONER_STATUSES, build_date
from local_dates import local_number, years_and_months

# The English words of each status, as theme/templates/partials/status.html
# writes them (the catalogs translate them there).
STATUS_LABELS = {
    "sentenced-to-death": "Sentenced to death", "at-risk-of-execution": "At risk of execution",
    "imprisoned": "Imprisoned", "on-furlough": "On furlough", "released": "Released", "executed": "Executed",
    "disappeared": "Forcibly disappeared", "unknown": "Status unknown",
}
# The feed's title, also written in prisoners.html so that it is extracted into the catalogs.
STATUS_FEED_TITLE = "Status changes"


@dataclass(frozen=True)
class StatusChange:
    """One line of a profile's status history (`status_history` in the front-matter)."""
    date: datetime.date
    status: str
    note: str = ""

    @property
    def anchor(self) -> str:
        return f"status-{self.date.isoformat()}"


@dataclass(frozen=True)
class StatusFeedItem:
    """A status change as Pelican's feed writer reads a piece; a value, so build_cache can digest it."""
    title: str
    url: str
    date: datetime.datetime
    summary: str
    content: str
    author: str = ""

    def get_content(self, site_url) -> str:
        return self.content


def status_history(value) -> list[StatusChange]:
    """The front-matter's `status_history`, newest first (the contract checked its form)."""
    changes = []
    for entry in value or []:
        date = entry["date"]
        if isinstance(date, datetime.datetime):
            date = date.date()
        elif not isinstance(date, datetime.date):
            date = datetime.date.fromisoformat(str(date)[:10])
        changes.append(StatusChange(date, str(entry["status"]), str(entry.get("note") or "")))
    return sorted(changes, key=lambda change: change.date, reverse=True)


def local_count(value: int, lang: str) -> str:
    """A count with the language's digit grouping: 3,865 · 3.865 · ۳٬۸۶۵."""
    text = format_decimal(value, locale=lang)
    return local_number(text, lang).replace(",", "\u066c") if lang == "fa" else text


def mailto(to="", subject="", body="") -> str:
    """A mailto: URL (RFC 6068) with subject and body percent-encoded as UTF-8,
    Persian included, line breaks as %0D%0A."""
    recipients = ",".join(quote(address.strip(), safe="@") for address in re.split(r"[,;\s]+", to or "") if address)
    fields = []
    if subject:
        fields.append("subject=" + quote(" ".join(str(subject).split()), safe=""))
    if body:
        lines = str(body).replace("\r\n", "\n").strip("\n").split("\n")
        fields.append("body=" + quote("\r\n".join(lines), safe=""))
    return f"mailto:{recipients}" + ("?" + "&".join(fields) if fields else "")


def letter_text(salutation, letter, closing="") -> str:
    """The sample letter as one text: salutation, paragraphs, closing."""
    parts = [str(part).strip() for part in (salutation, letter, closing) if part and str(part).strip()]
    return "\n\n".join(parts)


def paragraphs(text) -> list[str]:
    """A letter's paragraphs: blocks separated by a blank line; single line breaks kept as spaces."""
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", str(text or "").strip()) if block.strip()]


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


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    return value if isinstance(value, datetime.date) else None


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
            arrested = _as_date(prisoner.metadata.get("arrested"))
            detained = bool(arrested) and prisoner.detention in DETAINED_STATUSES
            prisoner.time_in_prison = years_and_months(arrested, today) if detained else None
            prisoner.days_count = max((today - arrested).days, 0) if detained else None
            prisoner.days_detained = local_count(prisoner.days_count, lang) if detained else None
            prisoner.death_penalty = prisoner.detention in DEATH_PENALTY_STATUSES
            prisoner.history = status_history(prisoner.metadata.get("status_history"))
            prisoner.timeline = timelines.get(prisoner.slug, [])
            self._action_kit(prisoner, today)

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

    def _action_kit(self, prisoner, today):
        """The take-action kit's texts and addresses, in this language and in Persian."""
        meta = prisoner.metadata
        prisoner.action = None
        if not meta.get("action_letter"):
            return
        persian = prisoner if prisoner.lang == "fa" else next(
            (other for other in prisoner.translations if other.lang == "fa" and other.metadata.get("action_letter")),
            None)
        review = _as_date(meta.get("action_review"))
        letter = letter_text(meta.get("action_salutation"), meta["action_letter"])
        action = {
            "to": [[line.strip() for line in str(address).strip().splitlines() if line.strip()]
                   for address in meta.get("action_to", [])],
            "email": str(meta.get("action_email") or ""),
            "salutation": str(meta.get("action_salutation") or ""),
            "paragraphs": paragraphs(meta["action_letter"]),
            "subject": str(meta.get("action_subject") or prisoner.title),
            "solidarity": paragraphs(meta.get("action_solidarity")),
            "review": review,
            "expired": bool(review) and today > review,
        }
        action["mailto"] = mailto(action["email"], action["subject"], letter)
        if persian is not None and persian is not prisoner:
            fa = persian.metadata
            action["persian"] = {
                "salutation": str(fa.get("action_salutation") or ""),
                "paragraphs": paragraphs(fa["action_letter"]),
                "mailto": mailto(action["email"], fa.get("action_subject") or persian.title,
                                 letter_text(fa.get("action_salutation"), fa["action_letter"])),
            }
        if action["solidarity"] and self.settings.get("CONTACT_EMAIL"):
            action["solidarity_mailto"] = mailto(self.settings["CONTACT_EMAIL"], prisoner.title,
                                                 "\n\n".join(action["solidarity"]))
        prisoner.action = action

    def translate(self, text: str) -> str:
        """`text` in this site's language, from the theme's catalogs."""
        return self._gettext.render(text=text)

    @functools.cached_property
    def _gettext(self):
        # Compiled once: compiling it for each of the status feed's lines cost more than the feed.
        return self.env.from_string("{{ gettext(text)|safe }}")

    def status_feed_items(self) -> list[StatusFeedItem]:
        """Every status change of every profile in this language, newest first."""
        gettext = self.translate
        items = []
        for prisoner in self.prisoners:
            for change in prisoner.history:
                label = gettext(STATUS_LABELS[change.status])
                note = f"<p>{escape(change.note)}</p>" if change.note else ""
                items.append(StatusFeedItem(
                    title=f"{prisoner.title}: {label}",
                    url=f"{prisoner.url}#{change.anchor}",
                    date=datetime.datetime.combine(change.date, datetime.time(), datetime.timezone.utc),
                    summary=escape(change.note or label),
                    content=f"<p>{escape(prisoner.title)}: {escape(label)}</p>{note}",
                    author=str(self.settings.get("AUTHOR") or "")))
        return sorted(items, key=lambda item: (item.date, item.title), reverse=True)

    def generate_output(self, writer):
        relative = self.settings["RELATIVE_URLS"]
        for prisoner in self.prisoners:
            writer.write_file(prisoner.save_as, self.get_template(prisoner.template), self.context,
                              relative_urls=relative, url=prisoner.url, prisoner=prisoner)
            for kind in ("atom", "rss"):
                path = self.settings[f"PRISONER_FEED_{kind.upper()}"].format(slug=prisoner.slug)
                writer.write_feed(prisoner.timeline, self.context, path, feed_type=kind,
                                  feed_title=prisoner.title)
        changes = self.status_feed_items()
        title = self.translate(STATUS_FEED_TITLE)
        for kind in ("atom", "rss"):
            path = self.settings.get(f"STATUS_FEED_{kind.upper()}")
            if path:
                writer.write_feed(changes, self.context, path, feed_type=kind, feed_title=title)
        index = self.settings["PRISONERS_INDEX_SAVE_AS"]
        writer.write_file(index, self.get_template("prisoners"), self.context,
                          relative_urls=relative, url=index)


def get_generators(pelican_obj):
    return PrisonersGenerator


def limit_form_action(pelican_obj):
    """form-action in the Content-Security-Policy: this site, and the appeal form's host when it has one."""
    settings = pelican_obj.settings
    action = settings.get("APPEAL_FORM_ACTION")
    if action and not (urlsplit(str(action)).scheme == "https" and urlsplit(str(action)).netloc):
        # Names and email addresses must not cross the network readable by anyone on the way.
        stop_build(settings, [f"APPEAL_FORM_ACTION: {action!r} is not an https:// address; signatures must "
                              "travel encrypted (leave it empty to sign by email)"])


def add_filters(generator):
    generator.env.filters["mailto"] = mailto
    generator.env.globals["mailto"] = mailto
    generator.env.globals["content_security_policy"] = functools.partial(content_security_policy, generator.settings)


def register():
    signals.initialized.connect(limit_form_action)
    signals.get_generators.connect(get_generators)
    signals.generator_init.connect(add_filters)
