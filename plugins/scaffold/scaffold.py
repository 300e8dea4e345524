"""Start a new piece, or a translation of one, with the right name and fields.

`new_piece("update", "Title")` writes content/updates/<slug>.en.md with
today's date and every optional field of its kind present as a comment.
With `translate_from`, the new file keeps the original's slug and copies
the fields that do not change between languages (dates, images, prisoners);
text fields keep the original wording for the translator to replace, and
articles and pages start as drafts so nothing half-translated is published.
"""

import datetime
import json
import os
import re

from pelican.utils import slugify
from site_rules import FILE_NAME, FRONT_MATTER, SLUG, read_front_matter

KINDS = {"update": "updates", "event": "events", "page": "pages", "prisoner": "prisoners"}
PERSIAN = re.compile("[\u0600-\u06ff]")
# Fields whose value is the same in every language.
SHARED = ("date", "start", "end", "timezone", "online", "event", "prisoners", "image", "photo",
          "status", "arrested", "born", "name_native", "modified")

OPTIONAL = {
    "updates": [
        ('summary: "One or two sentences for lists and feeds."', ""),
        ('tags: ["Narges Mohammadi", "Evin Prison"]', "in this file's language"),
        ("prisoners: [narges-mohammadi]", "slugs of profiles in content/prisoners/"),
        ("image: photo.jpg", "a file in content/images/"),
        ('image_alt: "What the photo shows"', "required with image"),
        ('image_credit: "Photo: …"', ""),
        ("status: draft", "keeps the piece unpublished"),
        ("modified: {today}", "date of the last real change"),
    ],
    "pages": [
        ('summary: "One or two sentences for the page description."', ""),
        ("image: photo.jpg", "a file in content/images/"),
        ('image_alt: "What the photo shows"', "required with image"),
        ("status: draft", "keeps the page unpublished"),
    ],
    "prisoners": [
        ('name_native: "نام به فارسی"', "the name in Persian script"),
        ('prison: "Evin Prison, Tehran"', ""),
        ("arrested: {today}", "YYYY-MM-DD"),
        ('sentence: "…"', ""),
        ('charges: ["…"]', ""),
        ("born: 1980", "a year"),
        ('occupation: "…"', ""),
        ("photo: portrait.jpg", "a file in content/images/"),
        ('photo_alt: "What the photo shows"', ""),
        ('photo_credit: "Photo: …"', ""),
        ("photo_consent: family", "required with photo: prisoner, family, lawyer or self-published"),
        ('photo_source: "Given to the campaign by the family"', "required with photo"),
        ('summary: "One sentence about who they are."', ""),
        ("modified: {today}", "when the facts were last checked"),
        ('status_history: [{{date: {today}, status: unknown, note: "…"}}]', "every change; the latest is status"),
        ('action_to: ["Head of the Judiciary, …"]', "the action kit: whom to write to, one text each"),
        ('action_salutation: "Dear …,"', ""),
        ('action_subject: "…"', "the email's subject"),
        ('action_letter: "…"', "the sample letter; several paragraphs: action_letter: | then indented lines"),
        ('action_solidarity: "…"', "to the prisoner: warm, no politics, nothing about the case"),
        ("action_review: {today}", "after this day the kit says it may be out of date"),
    ],
}
OPTIONAL["events"] = [
    ('end: "{today} 20:00"', "same format as start"),
    ('timezone: "America/Los_Angeles"', "IANA name; default UTC"),
    ('location: {{name: "Venue", address: "City, Country"}}', ""),
    ("online: https://example.org/live", "stream or meeting address"),
    ("event: slug-of-the-announcement", "in a report: the event it reports on"),
    *OPTIONAL["updates"],
]
REQUIRED = {
    "updates": ['title: {title}', "date: {today}"],
    "events": ['title: {title}', "date: {today}", 'start: "{today} 18:00"'],
    "pages": ['title: {title}'],
    "prisoners": ['name: {title}', "status: unknown"],
}
BODY = {
    "updates": "Write the update here. Use ## for section headings.\n",
    "events": "What will happen, what to bring, how to stay safe.\n",
    "pages": "Write the page here.\n",
    "prisoners": "A short biography. Never publish family members' names or private details.\n",
}


class ScaffoldError(Exception):
    """A piece cannot be created as asked; the message says why."""


def _yaml_value(value) -> str:
    if isinstance(value, (datetime.date, int)):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)


def _target(content: str, folder: str, slug: str, lang: str) -> str:
    path = os.path.join(content, folder, f"{slug}.{lang}.md")
    if os.path.exists(path):
        raise ScaffoldError(f"{path}: already exists; edit it instead")
    return path


def _write(path: str, text: str) -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "x", encoding="utf-8") as piece:
        piece.write(text)
    return path


def new_piece(kind: str, title: str = "", *, lang: str = "en", slug: str | None = None,
              translate_from: str | None = None, content: str = "content",
              today: datetime.date | None = None) -> str:
    """Create the file and return its path; raise ScaffoldError with a one-line reason."""
    today = today or datetime.date.today()
    if translate_from:
        return _translation(translate_from, lang, content)
    if kind not in KINDS:
        raise ScaffoldError(f"{kind!r} is not a kind of piece (use one of {', '.join(KINDS)})")
    folder = KINDS[kind]
    if slug is None:
        if PERSIAN.search(title):
            raise ScaffoldError("a title in Persian script needs an ASCII --slug, e.g. --slug evin-visit")
        slug = slugify(title, regex_subs=[(r"[^\w\s-]", ""), (r"[-\s]+", "-")])
    if not SLUG.fullmatch(slug):
        raise ScaffoldError(f"{slug!r} is not a slug: use lower-case ASCII letters, digits and hyphens")
    fields = {"title": _yaml_value(title), "today": today.isoformat()}
    lines = [line.format(**fields) for line in REQUIRED[folder]]
    for example, note in OPTIONAL[folder]:
        comment = f"  # {note}" if note else ""
        lines.append(f"# {example.format(**fields)}{comment}")
    text = "---\n" + "\n".join(lines) + "\n---\n\n" + BODY[folder]
    return _write(_target(content, folder, slug, lang), text)


def _translation(source: str, lang: str, content: str) -> str:
    name = FILE_NAME.match(os.path.basename(source))
    if not os.path.isfile(source):
        raise ScaffoldError(f"{source}: no such file")
    if not name:
        raise ScaffoldError(f"{source}: not a content file named <slug>.<lang>.md")
    folder = os.path.basename(os.path.dirname(source))
    with open(source, encoding="utf-8") as original:
        text = original.read().replace("\r\n", "\n")
    meta = read_front_matter(text)
    if meta is None:
        raise ScaffoldError(f"{source}: front-matter: not readable; `invoke check` names the problem")
    lines = []
    for field, value in meta.items():
        if field in SHARED and not (field == "status" and folder != "prisoners"):
            lines.append(f"{field}: {_yaml_value(value)}")
        else:
            lines.append(f"{field}: {_yaml_value(value)}  # translate from {name['lang']}")
    if folder != "prisoners":
        lines.append("status: draft  # delete this line when the translation is ready")
    text = "---\n" + "\n".join(lines) + "\n---\n" + FRONT_MATTER.match(text)["body"]
    return _write(_target(content, folder, name["slug"], lang), text)
