"""Check every content file against the documented contract before a build.

Stock Pelican turns many writer mistakes into a dropped article or a
traceback (a language without a subsite is a KeyError deep inside
i18n_subsites). Here each mistake becomes one line naming the file and the
field, all of them in one run, and the build stops before writing anything.
"""

import datetime
import os
import re

import yaml
from pelican import signals

FILE_NAME = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[^.]+)\.md$")
FRONT_MATTER = re.compile(r"\A---\n(?P<yaml>.*?)\n(?:---|\.\.\.)\n(?P<body>.*)\Z", re.DOTALL)
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M")
DATE_HINT = "expected YYYY-MM-DD or YYYY-MM-DD HH:MM"


def site_languages(settings) -> list[str]:
    return [settings["DEFAULT_LANG"], *settings.get("I18N_SUBSITES", {})]


# A Solar Hijri date such as 1402-10-04 parses as a Gregorian one; no piece of
# this campaign is dated outside these years.
YEARS = range(1900, 2101)


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


def check_file(path: str, shown: str, languages, required) -> list[str]:
    """Problems of one content file, each as '<file>: <field>: <what is wrong>'."""
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
        return [*problems, f"{shown}: front-matter: missing; start the file with a '---' line, the fields, then another '---' line"]
    try:
        meta = yaml.safe_load(match["yaml"])
    except yaml.YAMLError as error:
        line = getattr(getattr(error, "problem_mark", None), "line", None)
        where = f" (line {line + 2})" if line is not None else ""
        return [*problems, f"{shown}: front-matter: not valid YAML{where}; quote values that contain ':' or '#'"]
    if not isinstance(meta, dict):
        return [*problems, f"{shown}: front-matter: expected 'field: value' lines"]
    for field in required:
        if meta.get(field) in (None, ""):
            problems.append(f"{shown}: {field}: missing (required)")
    for field in ("date", "modified"):
        if meta.get(field) not in (None, "") and not _is_date(meta[field]):
            problems.append(f'{shown}: {field}: "{meta[field]}" is not a date ({DATE_HINT})')
    return problems


def check_content(settings) -> list[str]:
    """Every problem in the site's articles and pages, in file order."""
    root = settings["PATH"]
    languages = site_languages(settings)
    sections = [(folder, ("title", "date")) for folder in settings["ARTICLE_PATHS"]]
    sections += [(folder, ("title",)) for folder in settings["PAGE_PATHS"]]
    files = []
    for folder, required in sections:
        for directory, _, names in os.walk(os.path.join(root, folder)):
            files += [(os.path.join(directory, name), required) for name in names if not name.startswith(".")]
    problems = []
    for path, required in sorted(files):
        problems += check_file(path, os.path.relpath(path, os.path.dirname(root)), languages, required)
    return problems


def check_before_build(pelican_obj):
    settings = pelican_obj.settings
    if settings["DEFAULT_LANG"] in settings.get("I18N_SUBSITES", {}):
        return  # a subsite: the main site checked all content already
    problems = check_content(settings)
    if problems:
        raise SystemExit("\n".join(problems))


def register():
    signals.initialized.connect(check_before_build)
