"""Check every content file against the documented contract before a build.

Stock Pelican turns many writer mistakes into a dropped article or a
traceback (a language without a subsite is a KeyError deep inside
i18n_subsites). Here each mistake becomes one line naming the file and the
field, all of them in one run, and the build stops before writing anything.
"""

import datetime
import difflib
import os
import re
import zoneinfo
from urllib.parse import unquote, urlsplit

import yaml
from pelican import signals

from local_dates import parse_local_time

# LibYAML's parser when PyYAML has it: the check reads every file on every build.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ImpossibleDate(yaml.constructor.ConstructorError):
    pass


class ContractLoader(SafeLoader):
    """SafeLoader, except that a date that does not exist (2024-13-45) is a
    problem at its line, where PyYAML raises a bare ValueError."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            raise ImpossibleDate(None, None, f'"{node.value}" is not a date that exists', node.start_mark) from None


ContractLoader.add_constructor("tag:yaml.org,2002:timestamp", ContractLoader.construct_yaml_timestamp)
FILE_NAME = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[^.]+)\.md$")
INTERNAL_LINK = re.compile(r"\{(?:filename|static|attach)\}([^\s)\"'>#?]+)")
SLUG_CHARACTER = re.compile(r"\w", re.UNICODE)
FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?)\n(?:---|\.\.\.)\n(?P<body>.*)\Z", re.DOTALL)
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M")
DATE_HINT = "expected YYYY-MM-DD or YYYY-MM-DD HH:MM"
# A Solar Hijri date such as 1402-10-04 parses as a Gregorian one; no piece of
# this campaign is dated outside these years.
YEARS = range(1900, 2101)
PRISONER_STATUSES = ("imprisoned", "on-furlough", "released", "executed", "disappeared", "unknown")

# Field kinds; each maps a value to an error text, or None when it is fine.
TEXT, DATE, LIST, YEAR, URL, LOCATION, ZONE, EVENT_TIME = (
    "text", "date", "list", "year", "url", "location", "zone", "event time")
PRISONER_SLUGS, EVENT_SLUG, IMAGE = "prisoner slugs", "event slug", "image"

PIECE = {
    "title": TEXT, "date": DATE, "summary": TEXT, "tags": LIST, "image": IMAGE,
    "image_credit": TEXT, "image_alt": TEXT, "status": ("published", "draft"), "modified": DATE,
}
SECTIONS = {
    "updates": ({**PIECE, "prisoners": PRISONER_SLUGS}, ("title", "date")),
    "events": ({**PIECE, "prisoners": PRISONER_SLUGS, "start": EVENT_TIME, "end": EVENT_TIME,
                "timezone": ZONE, "location": LOCATION, "online": URL, "event": EVENT_SLUG},
               ("title", "date", "start")),
    "pages": ({**PIECE, "status": ("published", "draft", "hidden")}, ("title",)),
    "prisoners": ({"name": TEXT, "name_native": TEXT, "status": PRISONER_STATUSES, "prison": TEXT,
                   "arrested": DATE, "sentence": TEXT, "charges": LIST, "photo": IMAGE,
                   "photo_credit": TEXT, "photo_alt": TEXT, "born": YEAR, "occupation": TEXT,
                   "summary": TEXT, "modified": DATE},
                  ("name", "status")),
}


def site_languages(settings) -> list[str]:
    return [settings["DEFAULT_LANG"], *settings.get("I18N_SUBSITES", {})]


def _is_date(value) -> bool:
    if not isinstance(value, datetime.date):
        for fmt in DATE_FORMATS:
            try:
                value = datetime.datetime.strptime(str(value), fmt)
                break
            except ValueError:
                pass
        else:
            return False
    return value.year in YEARS


def _field_problem(kind, value, slugs) -> str | None:
    """Why `value` is not a valid `kind`, or None."""
    if isinstance(kind, tuple):
        return None if value in kind else f"{value!r} is not one of {', '.join(kind)}"
    if kind == TEXT:
        return None if isinstance(value, (str, int, float)) else "expected text"
    if kind == DATE:
        return None if _is_date(value) else f'"{value}" is not a date ({DATE_HINT})'
    if kind == YEAR:
        return None if isinstance(value, int) and value in YEARS else f"{value!r} is not a year such as 1972"
    if kind in (LIST, PRISONER_SLUGS):
        if not isinstance(value, list) or not all(isinstance(item, (str, int)) for item in value):
            return f'expected a list such as ["first", "second"], got {value!r}'
        blank = [item for item in value if not SLUG_CHARACTER.search(str(item))]
        if blank:
            return f"{blank[0]!r} has no letter or digit (each item needs a word)"
        if kind == PRISONER_SLUGS:
            unknown = [str(item) for item in value if str(item) not in slugs["prisoners"]]
            if unknown:
                return (f"{', '.join(unknown)}: no prisoner profile with this slug "
                        f"(expected a file content/prisoners/{unknown[0]}.<lang>.md)")
        return None
    if kind == URL:
        parts = urlsplit(str(value))
        return None if parts.scheme in ("http", "https") and parts.netloc else f"{value!r} is not a web address (https://…)"
    if kind == ZONE:
        try:
            zoneinfo.ZoneInfo(str(value))
            return None
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            return f"{value!r} is not a time zone name such as America/Los_Angeles or Asia/Tehran"
    if kind == EVENT_TIME:
        try:
            parse_local_time(value, "UTC")
            return None if _is_date(str(value)[:10]) else f'"{value}" is not a date ({DATE_HINT})'
        except ValueError:
            return f'"{value}" is not a date or time ({DATE_HINT})'
    if kind == LOCATION:
        if isinstance(value, dict) and value.get("name") and set(value) <= {"name", "address"}:
            return None
        return "expected 'name:' and optionally 'address:' lines indented under 'location:'"
    if kind == IMAGE:
        if os.path.isfile(os.path.join(slugs["images"], str(value))):
            return None
        return f"{value!r} is not a file in content/images/"
    if kind == EVENT_SLUG:
        return None if str(value) in slugs["events"] else f"{value!r}: no event with this slug in content/events/"
    raise ValueError(kind)


def check_file(path: str, shown: str, section: str, languages, slugs) -> list[str]:
    """Problems of one content file, each as '<file>: <field>: <what is wrong>'."""
    fields, required = SECTIONS[section]
    problems = []
    name = FILE_NAME.match(os.path.basename(path))
    if not name:
        return [
            f"{shown}: file name: expected <slug>.<lang>.md with a lower-case ASCII "
            "slug such as evin-visit.fa.md"
        ]
    if name["lang"] not in languages:
        problems.append(
            f"{shown}: lang: {name['lang']!r} is not a language of this site "
            f"(use one of {', '.join(languages)})"
        )
    try:
        with open(path, encoding="utf-8") as source:
            text = source.read().replace("\r\n", "\n")
    except UnicodeDecodeError:
        return [*problems, f"{shown}: file: not UTF-8 text; save it as UTF-8"]
    match = FRONT_MATTER.match(text)
    if not match:
        return [*problems, f"{shown}: front-matter: missing; start the file with a '---' line, "
                           "the fields, then another '---' line"]
    try:
        meta = yaml.load(match["yaml"], Loader=ContractLoader)  # noqa: S506 - a safe loader
    except ImpossibleDate as error:
        field = match["yaml"].splitlines()[error.problem_mark.line].split(":", 1)[0].strip(" -")
        return [*problems, f"{shown}: {field}: {error.problem} ({DATE_HINT})"]
    except yaml.reader.ReaderError as error:
        return [*problems, f"{shown}: front-matter: contains an invisible control character "
                           f"(U+{error.character:04X}); delete it"]
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        where = f" (line {line + 2})" if line is not None else ""
        return [*problems, f"{shown}: front-matter: not valid YAML{where}; quote values that contain ':' or '#'"]
    if not isinstance(meta, dict):
        return [*problems, f"{shown}: front-matter: expected 'field: value' lines"]
    for field in required:
        if meta.get(field) in (None, ""):
            problems.append(f"{shown}: {field}: missing (required)")
    for image, alt in (("image", "image_alt"), ("photo", "photo_alt")):
        if meta.get(image) and not meta.get(alt):
            problems.append(f"{shown}: {alt}: missing; describe the {image} for readers who cannot see it")
    for field, value in meta.items():
        if field not in fields:
            guess = difflib.get_close_matches(str(field), list(fields), n=1)
            hint = f"did you mean {guess[0]!r}?" if guess else f"known fields: {', '.join(fields)}"
            problems.append(f"{shown}: {field}: unknown field; {hint}")
        elif value not in (None, ""):
            problem = _field_problem(fields[field], value, slugs)
            if problem:
                problems.append(f"{shown}: {field}: {problem}")
    if not match["body"].strip() and section != "prisoners":
        problems.append(f"{shown}: body: empty; write the text below the closing '---'")
    for target in INTERNAL_LINK.findall(match["body"]):
        base = slugs["root"] if target.startswith("/") else os.path.dirname(path)
        if not os.path.isfile(os.path.normpath(os.path.join(base, unquote(target).lstrip("/")))):
            problems.append(f"{shown}: body: links to {target!r}, which is not a file in content/")
    return problems


def content_files(settings) -> list[tuple[str, str]]:
    """(path, section) of every Markdown source, sorted by path."""
    root = settings["PATH"]
    folders = [(folder, folder) for folder in (*settings["ARTICLE_PATHS"], *settings["PAGE_PATHS"])]
    folders.append((settings.get("PRISONERS_PATH", "prisoners"), "prisoners"))
    files = []
    for folder, section in folders:
        for directory, _, names in os.walk(os.path.join(root, folder)):
            files += [(os.path.join(directory, name), section) for name in names if not name.startswith(".")]
    return sorted(files)


# Control characters and line breaks in a file name or value would split a
# problem over several lines; they are shown escaped instead.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(problem: str) -> str:
    return UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", problem)


def check_content(settings) -> list[str]:
    """Every problem in the site's sources, in file order, one line each."""
    root = settings["PATH"]
    files = content_files(settings)
    slugs = {section: set() for section in SECTIONS}
    slugs["images"] = os.path.join(root, "images")
    slugs["root"] = root
    for path, section in files:
        if match := FILE_NAME.match(os.path.basename(path)):
            slugs[section].add(match["slug"])
    problems = []
    seen = {}
    languages = site_languages(settings)
    # What a file's check reads besides the file: the other files and images.
    around = repr((languages, files, sorted(_listdir(slugs["images"]))))
    checked = {}
    for path, section in files:
        shown = os.path.relpath(path, os.path.dirname(root))
        key = (path, _stamp(path), around)
        checked[key] = _CHECKED[key] if key in _CHECKED else check_file(path, shown, section, languages, slugs)
        problems += checked[key]
        if match := FILE_NAME.match(os.path.basename(path)):
            # Updates and events are both articles: one slug names one piece.
            key = ("articles" if section in settings["ARTICLE_PATHS"] else section, match["slug"], match["lang"])
            if key in seen:
                problems.append(f"{shown}: slug: {match['slug']!r} in {match['lang']!r} is also {seen[key]}")
            seen.setdefault(key, shown)
    _CHECKED.clear()
    _CHECKED.update(checked)
    return [_one_line(problem) for problem in problems]


# In a process that checks again (the live preview): (file, its size and
# time, what else its check read) → its problems, from the last check.
_CHECKED = {}
# Main sites checked when they were set up, whose first build is still to come.
_CHECKED_AT_START = set()


def _stamp(path: str):
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def _listdir(folder: str) -> list[str]:
    return os.listdir(folder) if os.path.isdir(folder) else []


def check_before_build(pelican_obj):
    """Stop the build with one line per problem before Pelican reads anything."""
    settings = pelican_obj.settings
    if settings["DEFAULT_LANG"] in settings.get("I18N_SUBSITES", {}):
        return  # a subsite: the main site checked all content already
    problems = check_content(settings)
    if problems:
        raise SystemExit("\n".join(problems))
    _CHECKED_AT_START.add(id(pelican_obj))


def check_before_rebuild(pelican_obj):
    """The live preview builds again in the same process on every save: check
    again (only changed files are read). A problem stops this build only; the
    preview reports it, keeps the pages it has and waits for the next save."""
    settings = pelican_obj.settings
    if settings["DEFAULT_LANG"] in settings.get("I18N_SUBSITES", {}):
        return None
    if id(pelican_obj) in _CHECKED_AT_START:
        _CHECKED_AT_START.discard(id(pelican_obj))  # its first build: checked already
        return None
    problems = check_content(settings)
    if problems:
        raise RuntimeError("\n".join(problems))
    return None


def register():
    signals.initialized.connect(check_before_build)
    signals.get_generators.connect(check_before_rebuild)
