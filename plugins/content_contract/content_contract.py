"""Check every content file against the documented contract before a build.

Stock Pelican turns many writer mistakes into a dropped article or a
traceback (a language without a subsite is a KeyError deep inside
i18n_subsites). Here each mistake becomes one line naming the file and the
field, all of them in one run, and the build stops before writing anything.
"""

import contextlib
import datetime
import difflib
import os
import pickle
import posixpath
import re
import stat
import zoneinfo
from urllib.parse import unquote, urlsplit

import yaml
from pelican import signals

from build_cache.fingerprints import name_of, stable
from build_cache.processes import FORKS, can_fork
from file_digests import code_digest, current_digest, digest
from site_caches import in_memory
from images import image_problem
from pipeline import stop_build
from site_rules import (FILE_NAME, FRONT_MATTER, PRISONER_STATUSES, ImpossibleDate, is_subsite, load_front_matter,
                        reserved_page)
from site_rules import languages as site_languages
from local_dates import parse_local_time
from tag_names import canonical_tag, tag_slug

INTERNAL_LINK = re.compile(r"[{|](filename|static|attach)[}|]([^\s)\"'>#?]+)")
SLUG_CHARACTER = re.compile(r"\w", re.UNICODE)
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M")
DATE_HINT = "expected YYYY-MM-DD or YYYY-MM-DD HH:MM"
# A Solar Hijri date such as 1402-10-04 parses as a Gregorian one; no piece of
# this campaign is dated outside these years.
YEARS = range(1900, 2101)
# No piece needs more; anything larger is a mistake (a pasted file) or an attack
# (a YAML alias bomb expands a few lines into gigabytes).
MAX_FILE_BYTES = 2_000_000
MAX_FRONT_MATTER_BYTES = 32_000
# A tag names a topic; its page's file name must stay under the file system's 255 bytes.
MAX_TAG_CHARACTERS = 60
# Field kinds; each maps a value to an error text, or None when it is fine.
TEXT, DATE, LIST, YEAR, URL, LOCATION, ZONE, EVENT_TIME = (
    "text", "date", "list", "year", "url", "location", "zone", "event time")
PRISONER_SLUGS, EVENT_SLUG, IMAGE, TAGS = "prisoner slugs", "event slug", "image", "tags"
STATUS_HISTORY, EMAIL = "status history", "email"
# Who agreed to a prisoner's photo being published (`photo_consent`).
PHOTO_CONSENTS = ("prisoner", "family", "lawyer", "self-published")
EMAIL_ADDRESS = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")

PIECE = {
    "title": TEXT, "date": DATE, "summary": TEXT, "tags": TAGS, "image": IMAGE,
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
                   "photo_credit": TEXT, "photo_alt": TEXT, "photo_consent": PHOTO_CONSENTS,
                   "photo_source": TEXT, "born": YEAR, "occupation": TEXT,
                   "summary": TEXT, "modified": DATE, "status_history": STATUS_HISTORY,
                   # The take-action kit (Amnesty's Urgent Action pattern), in the file's language.
                   "action_to": LIST, "action_email": EMAIL, "action_salutation": TEXT, "action_subject": TEXT,
                   "action_letter": TEXT, "action_solidarity": TEXT, "action_review": DATE},
                  ("name", "status")),
}


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
    if kind in (LIST, TAGS, PRISONER_SLUGS):
        if not isinstance(value, list) or not all(isinstance(item, (str, int)) for item in value):
            return f'expected a list such as ["first", "second"], got {value!r}'
        blank = [item for item in value if not SLUG_CHARACTER.search(canonical_tag(str(item)))]
        if blank:
            return f"{blank[0]!r} has no letter or digit (each item needs a word)"
        if kind == TAGS:
            return _tags_problem(value, slugs["settings"])
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
        if (isinstance(value, dict) and value.get("name") and set(value) <= {"name", "address"}
                and all(isinstance(part, (str, int)) for part in value.values())):
            return None
        return "expected 'name:' and optionally 'address:' lines indented under 'location:', each one line of text"
    if kind == IMAGE:
        name = str(value)
        if os.path.isabs(name) or os.path.normpath(name).startswith(".."):
            return f"{value!r} is outside content/images/; give the name of a file in content/images/"
        if os.path.isfile(os.path.join(slugs["images"], name)):
            return None
        return f"{value!r} is not a file in content/images/"
    if kind == EVENT_SLUG:
        return None if str(value) in slugs["events"] else f"{value!r}: no event with this slug in content/events/"
    if kind == EMAIL:
        return None if EMAIL_ADDRESS.match(str(value)) else f"{value!r} is not an email address such as info@example.org"
    if kind == STATUS_HISTORY:
        return _status_history_problem(value)
    raise ValueError(kind)


HISTORY_HINT = "such as - {date: 2024-12-04, status: released, note: \"…\"}"


def _status_history_problem(value) -> str | None:
    """Why a `status_history` is not a list of {date, status, note?}, or None."""
    if not isinstance(value, list) or not value:
        return f"expected a list of changes {HISTORY_HINT}, got {value!r}"
    seen = set()
    for number, entry in enumerate(value, 1):
        if not isinstance(entry, dict):
            return f"change {number}: expected 'date:' and 'status:' (and optionally 'note:'), {HISTORY_HINT}"
        unknown = sorted(str(key) for key in entry if key not in ("date", "status", "note"))
        if unknown:
            return f"change {number}: {unknown[0]}: unknown field; use date, status and note"
        for field in ("date", "status"):
            if entry.get(field) in (None, ""):
                return f"change {number}: {field}: missing (required)"
        if not _is_date(entry["date"]) or isinstance(entry["date"], datetime.datetime):
            return f'change {number}: date: "{entry["date"]}" is not a date (expected YYYY-MM-DD)'
        if entry["status"] not in PRISONER_STATUSES:
            return f"change {number}: status: {entry['status']!r} is not one of {', '.join(PRISONER_STATUSES)}"
        if entry.get("note") is not None and not isinstance(entry["note"], (str, int, float)):
            return f"change {number}: note: expected text"
        day = str(entry["date"])[:10]
        if day in seen:
            return f"change {number}: date: {day} is given twice; write one change per day"
        seen.add(day)
    return None


def _prisoner_problems(meta) -> list[str]:
    """What a profile's fields say together: the photo's consent and source,
    the status history's last change, the action kit's parts."""
    problems = []
    if meta.get("photo"):
        if not meta.get("photo_consent"):
            problems.append(f"photo_consent: missing; say who agreed to publishing the photo "
                            f"({', '.join(PHOTO_CONSENTS)})")
        if not meta.get("photo_source"):
            problems.append("photo_source: missing; say where the photo comes from (who took it or gave it to us)")
    history = meta.get("status_history")
    if history and _status_history_problem(history) is None and meta.get("status") in PRISONER_STATUSES:
        latest = max(history, key=lambda entry: str(entry["date"]))
        if latest["status"] != meta["status"]:
            problems.append(f"status_history: the latest change ({str(latest['date'])[:10]}) is "
                            f"{latest['status']!r} but status is {meta['status']!r}; make them agree")
    kit = [field for field in meta if str(field).startswith("action_") and meta[field] not in (None, "")]
    if kit:
        for field, why in (("action_letter", "the sample letter"), ("action_to", "whom to write to"),
                           ("action_review", "the date after which the action must be checked again")):
            if meta.get(field) in (None, "", []):
                problems.append(f"{field}: missing; an action kit needs {why}")
    return problems


def _tags_problem(tags, settings) -> str | None:
    for tag in map(str, tags):
        length = len(canonical_tag(tag))
        if length > MAX_TAG_CHARACTERS:
            return f"{tag[:20]!r}… is {length} characters long; a tag names a topic in at most {MAX_TAG_CHARACTERS}"
        page = settings["TAG_SAVE_AS"].format(slug=tag_slug(tag, settings))
        if page == settings["TAGS_SAVE_AS"]:
            return f"{tag!r} would replace the page listing all tags ({page}); choose another word"
    return None


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
    size = os.path.getsize(path)
    if size > MAX_FILE_BYTES:
        return [*problems, f"{shown}: file: {size / 1e6:.1f} MB is more than a piece can be "
                           f"({MAX_FILE_BYTES / 1e6:.0f} MB); split it or remove what was pasted by mistake"]
    try:
        with open(path, encoding="utf-8") as source:
            text = source.read().replace("\r\n", "\n")
    except UnicodeDecodeError:
        return [*problems, f"{shown}: file: not UTF-8 text; save it as UTF-8"]
    except OSError as error:
        return [*problems, f"{shown}: file: cannot be read ({error.strerror}); check its permissions"]
    match = FRONT_MATTER.match(text)
    if not match:
        return [*problems, f"{shown}: front-matter: missing; start the file with a '---' line, "
                           "the fields, then another '---' line"]
    if len(match["yaml"].encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        return [*problems, f"{shown}: front-matter: longer than {MAX_FRONT_MATTER_BYTES // 1000} KB; "
                           "move long text into the body"]
    try:
        meta, structure = load_front_matter(match["yaml"])
    except ImpossibleDate as error:
        lines, line = match["yaml"].splitlines(), error.problem_mark.line
        while line > 0 and lines[line][:1] in (" ", "\t", "-"):  # inside a list or mapping: name its field
            line -= 1
        field = lines[line].split(":", 1)[0].strip(" -")
        return [*problems, f"{shown}: {field}: {error.problem} ({DATE_HINT})"]
    except yaml.reader.ReaderError as error:
        return [*problems, f"{shown}: front-matter: contains an invisible control character "
                           f"(U+{error.character:04X}); delete it"]
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        where = f" (line {line + 2})" if line is not None else ""
        return [*problems, f"{shown}: front-matter: not valid YAML{where}; quote values that contain ':' or '#'"]
    if structure:
        return [*problems, *(f"{shown}: {problem}" for problem in structure)]
    if not isinstance(meta, dict):
        return [*problems, f"{shown}: front-matter: expected 'field: value' lines"]
    for field in required:
        if meta.get(field) is None or not str(meta[field]).strip():
            problems.append(f"{shown}: {field}: missing (required)")
    for image, alt in (("image", "image_alt"), ("photo", "photo_alt")):
        if meta.get(image) and not meta.get(alt):
            problems.append(f"{shown}: {alt}: missing; describe the {image} for readers who cannot see it")
    if section == "prisoners":
        problems += [f"{shown}: {problem}" for problem in _prisoner_problems(meta)]
    wrong = set()
    for field, value in meta.items():
        if field not in fields:
            guess = difflib.get_close_matches(str(field), list(fields), n=1)
            hint = f"did you mean {guess[0]!r}?" if guess else f"known fields: {', '.join(fields)}"
            problems.append(f"{shown}: {field}: unknown field; {hint}")
        elif value not in (None, ""):
            problem = _field_problem(fields[field], value, slugs)
            if problem:
                problems.append(f"{shown}: {field}: {problem}")
                wrong.add(field)
    if section == "events" and not wrong & {"start", "end", "timezone"}:
        problems += [f"{shown}: {problem}" for problem in _event_time_problems(meta)]
    if not match["body"].strip() and section != "prisoners":
        problems.append(f"{shown}: body: empty; write the text below the closing '---'")
    problems += [f"{shown}: body: {problem}" for problem in _link_problems(match["body"], path, slugs)]
    if page := reserved_page(section, name["slug"], slugs["settings"]):
        problems.append(f"{shown}: slug: {name['slug']!r} would overwrite {page}, which the site makes itself; "
                        "rename the file")
    return problems


def _event_time_problems(meta) -> list[str]:
    if not meta.get("start") or not meta.get("end"):
        return []
    zone = str(meta.get("timezone") or "UTC")
    start, end = parse_local_time(meta["start"], zone), parse_local_time(meta["end"], zone)
    if isinstance(start, datetime.datetime) != isinstance(end, datetime.datetime):
        return ["end: one of start and end has a time of day and the other not; give both a time or neither"]
    if end < start:
        return [f"end: {meta['end']} is before start {meta['start']}"]
    return []


def _link_problems(body: str, path: str, slugs) -> list[str]:
    """Links to other content files ({filename}, {static}) that would not
    lead where the writer meant, or would publish a file from outside content/."""
    problems, root = [], os.path.realpath(slugs["root"])
    settings = slugs["settings"]
    published = {*settings["ARTICLE_PATHS"], *settings["PAGE_PATHS"], settings.get("PRISONERS_PATH", "prisoners"),
                 "images"}
    for kind, target in INTERNAL_LINK.findall(body):
        base = slugs["root"] if target.startswith("/") else os.path.dirname(path)
        linked = os.path.realpath(os.path.join(base, unquote(target).lstrip("/")))
        # Pelican looks up a link from the site root as written, without resolving '..'.
        tidy = "/" + posixpath.normpath(target.lstrip("/"))
        if os.path.commonpath([root, linked]) != root or (target.startswith("/") and tidy.startswith("/..")):
            problems.append(f"links to {target!r}, which is outside content/; link only to files in content/")
        elif target.startswith("/") and tidy != target:
            problems.append(f"links to {target!r}; write it as {tidy!r}")
        elif not os.path.isfile(linked):
            problems.append(f"links to {target!r}, which is not a file in content/")
        elif kind == "filename" and not linked.endswith(".md"):
            problems.append(f"{{filename}} links to {target!r}, which is not a piece; write {{static}} for images")
        elif kind == "attach":
            problems.append(f"{{attach}} links to {target!r}; write {{static}}/images/… instead")
        elif kind == "static" and linked.endswith(".md"):
            problems.append(f"{{static}} links to the piece {target!r}; write {{filename}} for pieces")
        elif os.path.relpath(os.path.dirname(linked), root) not in published:
            problems.append(f"links to {target!r}; only pieces and files in content/images/ are published")
    return problems


def content_files(settings) -> tuple[list[tuple[str, str]], list[str]]:
    """(path, section) of every Markdown source, sorted by path, and the
    problems of what content/ holds besides: links, special files, folders
    inside a section (whose name Pelican would take as a new section)."""
    root = settings["PATH"]
    folders = {folder: folder for folder in (*settings["ARTICLE_PATHS"], *settings["PAGE_PATHS"])}
    folders[settings.get("PRISONERS_PATH", "prisoners")] = "prisoners"
    files, problems = [], []
    for directory, subfolders, names in os.walk(root):
        for name in sorted(subfolders + names):
            path = os.path.join(directory, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode):
                problems.append(f"{_shown(path, root)}: file: a symbolic link; put the file itself in content/")
            elif not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                problems.append(f"{_shown(path, root)}: file: not a regular file; remove it from content/")
            elif name.startswith("."):
                continue
            elif directory == os.path.join(root, "images"):
                problems += [f"{_shown(path, root)}: image: {problem}" for problem in
                             filter(None, [stat.S_ISDIR(mode) and "a folder; put images directly in content/images/"
                                           or image_problem(path, settings)])]
            elif os.path.dirname(directory) == root and os.path.basename(directory) in folders:
                if stat.S_ISDIR(mode):
                    problems.append(f"{_shown(path, root)}: file: a folder inside a section; put pieces directly in "
                                    f"{_shown(directory, root)}/")
                else:
                    files.append((path, folders[os.path.basename(directory)]))
        subfolders[:] = [name for name in subfolders
                         if not name.startswith(".") and not os.path.islink(os.path.join(directory, name))]
    return sorted(files), problems


def _shown(path: str, root: str) -> str:
    """How a problem names `path` (content/updates/…): worked out only for a problem, since
    os.path.relpath is slow enough to count over ten thousand files."""
    return os.path.relpath(path, os.path.dirname(root))


# Control characters and line breaks in a file name or value would split a
# problem over several lines; they are shown escaped instead.
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(problem: str) -> str:
    return UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", problem)


def check_content(settings, settings_digest: str | None = None) -> list[str]:
    """Every problem in the site's sources, in file order, one line each.
    `settings_digest` stands for the settings in the key of the saved results
    (check_before_rebuild gives the one of the build's first check)."""
    root = settings["PATH"]
    files, tree_problems = content_files(settings)
    slugs = {section: set() for section in SECTIONS}
    slugs["images"] = os.path.join(root, "images")
    slugs["root"] = root
    slugs["settings"] = settings
    for path, section in files:
        if match := FILE_NAME.match(os.path.basename(path)):
            slugs[section].add(match["slug"])
    problems = tree_problems
    seen = {}
    languages = site_languages(settings)
    # What a file's check reads besides the file: the other files and images,
    # the settings and the code that checks.
    around = digest(repr((languages, files, sorted(_listdir(slugs["images"])))),
                    settings_digest or settings_key(settings), code_digest(settings))
    known = _CHECKED.get(around) or _saved_check(settings, around)
    keys = {path: (path, _stamp(path)) for path, _ in files}
    todo = [(path, _shown(path, root), section) for path, section in files if keys[path] not in known]
    checked = {keys[path]: known[keys[path]] for path, _ in files if keys[path] in known}
    checked.update(zip([keys[path] for path, _, _ in todo], _check_files(todo, languages, slugs)))
    for path, section in files:
        problems += checked[keys[path]]
        if match := FILE_NAME.match(os.path.basename(path)):
            # Updates and events are both articles: one slug names one piece.
            key = ("articles" if section in settings["ARTICLE_PATHS"] else section, match["slug"], match["lang"])
            if key in seen:
                problems.append(f"{_shown(path, root)}: slug: {match['slug']!r} in {match['lang']!r} is also "
                                f"{_shown(seen[key], root)}")
            seen.setdefault(key, path)
    _CHECKED.clear()
    _CHECKED[around] = checked
    if todo:
        _save_check(settings, around, checked)
    problems.sort(key=lambda problem: problem.split(": ", 1)[0])  # stable: a file's fields keep their order
    return [_one_line(problem) for problem in problems]


# (file, a digest of its bytes) → its problems, from the last check, under
# the digest of everything else the check read: in memory for a process that
# checks again (the live preview), and in the cache folder for the next build.
_CHECKED = in_memory("content check")
CHECK_FILE = "content-check.pickle"
# Fewer files to check than this are checked in the build process: starting workers would cost more.
CHECK_AHEAD_MINIMUM = 200
# (languages, slugs) of the check under way, inherited by its worker processes.
_CHECKING = None


def _check_files(todo, languages, slugs) -> list[list[str]]:
    """check_file of every (path, shown, section) of `todo`, in one forked worker per core if there are many."""
    global _CHECKING
    workers = os.cpu_count() or 1
    if len(todo) < CHECK_AHEAD_MINIMUM or workers < 2 or not can_fork(slugs["settings"]):
        return [check_file(path, shown, section, languages, slugs) for path, shown, section in todo]
    _CHECKING = (languages, slugs)
    try:
        parts = FORKS.map(_check_part, [todo[start::workers] for start in range(workers)], workers)
    finally:
        _CHECKING = None
    results = [None] * len(todo)
    for start, part in enumerate(parts):
        results[start::workers] = part
    return results


def _check_part(todo) -> list[list[str]]:
    languages, slugs = _CHECKING
    return [check_file(path, shown, section, languages, slugs) for path, shown, section in todo]


def _saved_check(settings, around: str) -> dict:
    try:
        with open(os.path.join(settings["CACHE_PATH"], CHECK_FILE), "rb") as source:
            saved = pickle.load(source)  # noqa: S301 - the build's own cache
    except Exception:  # noqa: BLE001 - missing or unreadable: every file is checked
        return {}
    return saved[1] if isinstance(saved, tuple) and len(saved) == 2 and saved[0] == around else {}


def _save_check(settings, around: str, checked: dict) -> None:
    path = os.path.join(settings["CACHE_PATH"], CHECK_FILE)
    # Builds of other folders may share the cache folder: each writes its own partial file.
    partial = f"{path}.{os.getpid()}.partial"
    try:
        os.makedirs(settings["CACHE_PATH"], exist_ok=True)
        with open(partial, "wb") as target:
            pickle.dump((around, checked), target, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.remove(partial)  # only the next build's time depends on it


# Main sites checked when they were set up, whose first build is still to come.
_CHECKED_AT_START = set()
# Main site → the digest of its settings at its first check. Other plugins
# add their defaults to the settings after it, which changes nothing the
# check reads: the live preview's checks use this one, so that its first
# rebuild does not check every file again.
_SETTINGS_AT_START = {}


def settings_key(settings) -> str:
    return digest(stable(settings, name_of))


def _stamp(path: str):
    """A digest of the file's bytes: an edit that keeps its modification time is still an edit."""
    try:
        return current_digest(path)
    except OSError:
        return None


def _listdir(folder: str) -> list[str]:
    return os.listdir(folder) if os.path.isdir(folder) else []


def check_before_build(pelican_obj):
    """Stop the build with one line per problem before Pelican reads anything."""
    settings = pelican_obj.settings
    if is_subsite(settings):
        return  # a subsite: the main site checked all content already
    key = _SETTINGS_AT_START[id(pelican_obj)] = settings_key(settings)
    problems = check_content(settings, key)
    if problems:
        stop_build(settings, problems)
    _CHECKED_AT_START.add(id(pelican_obj))


def check_before_rebuild(pelican_obj):
    """The live preview builds again in the same process on every save: check
    again (only changed files are read). A problem stops this build only; the
    preview reports it, keeps the pages it has and waits for the next save."""
    settings = pelican_obj.settings
    if is_subsite(settings):
        return None
    if id(pelican_obj) in _CHECKED_AT_START:
        _CHECKED_AT_START.discard(id(pelican_obj))  # its first build: checked already
        return None
    problems = check_content(settings, _SETTINGS_AT_START.get(id(pelican_obj)))
    if problems:
        raise RuntimeError("\n".join(problems))
    return None


def register():
    signals.initialized.connect(check_before_build)
    signals.get_generators.connect(check_before_rebuild)
