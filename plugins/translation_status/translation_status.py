"""What translators should do next: missing and stale translations, UI strings.

A translation is missing when there is no file for its language, or the file
is still a draft (`status: draft`, which `invoke new translation` writes):
a draft is published in no language. A translation is stale when its
original (the main-language version) was changed after it: each file's last
change is its last commit, or its modification time while it has
uncommitted edits or git is not available.
"""

import datetime
import os
import re
import subprocess
from collections import defaultdict
from typing import NamedTuple

from site_rules import FILE_NAME, FRONT_MATTER, languages, load_front_matter, sections

# Front-matter is at most this long (the content contract refuses longer).
FRONT_MATTER_BYTES = 32 * 1024
STATUS_LINE = re.compile(r"^status\s*:", re.MULTILINE)
DRAFT_DETAIL = "a draft (status: draft); delete that line when the translation is done"


class Row(NamedTuple):
    lang: str
    piece: str
    state: str  # "missing", "stale" or "UI string"
    detail: str


def _git(root: str, *args) -> str | None:
    try:
        result = subprocess.run(["git", "-C", root, *args], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout


def last_changes(root: str, paths) -> dict[str, datetime.datetime]:
    """{path: time of its last change} for the given files under `root`."""
    paths = [os.path.abspath(p) for p in paths]
    changed = {p: datetime.datetime.fromtimestamp(os.path.getmtime(p), datetime.timezone.utc) for p in paths}
    top = _git(root, "rev-parse", "--show-toplevel")
    log = _git(root, "log", "--format=%x00%ct", "--name-only", "--", ".")
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", ".")
    if top is None or log is None or status is None:
        return changed
    top = top.strip()
    dirty = {os.path.join(top, line[3:].strip().strip('"')) for line in status.splitlines()}
    committed = {}
    for block in log.split("\0")[1:]:
        stamp, *names = block.strip().splitlines()
        when = datetime.datetime.fromtimestamp(int(stamp), datetime.timezone.utc)
        for name in names:
            committed.setdefault(os.path.join(top, name), when)
    for path in paths:
        if path in committed and path not in dirty:
            changed[path] = committed[path]
    return changed


def is_draft(path: str) -> bool:
    """Whether the piece at `path` says `status: draft` (in any case, as Pelican
    reads it). A file whose front-matter cannot be read is not called a draft:
    the content check reports it."""
    try:
        with open(path, encoding="utf-8") as source:
            head = source.read(FRONT_MATTER_BYTES + 16)
        match = FRONT_MATTER.match(head if "\n---\n" in head or "\n...\n" in head else "")
        if not match or not STATUS_LINE.search(match["yaml"]):
            return False  # most files: no status line, no YAML to parse
        meta, problems = load_front_matter(match["yaml"])
    except Exception:  # noqa: BLE001 - unreadable, not UTF-8, not YAML: the content check says which
        return False
    return not problems and isinstance(meta, dict) and str(meta.get("status", "")).strip().lower() == "draft"


def content_versions(settings) -> dict[str, dict[str, str]]:
    """{"<folder>/<slug>": {lang: path}} of every content file, drafts included."""
    root = settings["PATH"]
    folders = sections(settings)
    pieces = defaultdict(dict)
    for folder in folders:
        directory = os.path.join(root, folder)
        for name in sorted(os.listdir(directory)) if os.path.isdir(directory) else []:
            if match := FILE_NAME.match(name):
                pieces[f"{folder}/{match['slug']}"][match["lang"]] = os.path.join(directory, name)
    return pieces


def published_summary(settings) -> str:
    """What each language publishes, by section, in one line: "en: 5 updates,
    5 events, 3 prisoners, 4 pages; fa: …". Drafts are not counted."""
    langs, kinds = languages(settings), sections(settings)
    counts = {lang: dict.fromkeys(kinds, 0) for lang in langs}
    for piece, versions in content_versions(settings).items():
        section = piece.split("/", 1)[0]
        for lang, path in versions.items():
            if lang in counts and section in counts[lang] and not is_draft(path):
                counts[lang][section] += 1
    return "; ".join(f"{lang}: " + ", ".join(_pieces(number, section) for section, number in numbers.items())
                     for lang, numbers in counts.items())


def _pieces(number: int, section: str) -> str:
    return f"{number} {section[:-1] if number == 1 and section.endswith('s') else section}"


def translation_report(settings) -> list[Row]:
    root = settings["PATH"]
    langs = languages(settings)
    main = langs[0]
    pieces = content_versions(settings)
    changes = last_changes(root, [p for versions in pieces.values() for p in versions.values()])
    rows = []
    for piece, versions in sorted(pieces.items()):
        drafts = {lang for lang, path in versions.items() if is_draft(path)}
        published = sorted(lang for lang in versions if lang not in drafts)
        if not published:
            continue  # published in no language yet: nothing to translate
        original_lang = main if main in published else published[0]
        original = versions[original_lang]
        for lang in langs:
            if lang not in versions:
                rows.append(Row(lang, piece, "missing", f"translate from {original_lang}"))
            elif lang in drafts:
                rows.append(Row(lang, piece, "missing", DRAFT_DETAIL))
            elif lang != original_lang:
                ours, theirs = changes[os.path.abspath(versions[lang])], changes[os.path.abspath(original)]
                if theirs > ours:
                    rows.append(Row(lang, piece, "stale",
                                    f"{original_lang} changed {theirs:%Y-%m-%d}, {lang} last {ours:%Y-%m-%d}"))
    from ui_catalogs import catalog_path, incomplete_entries  # Babel and Pelican: not for published_summary

    for lang in langs[1:]:
        path = catalog_path(settings["THEME"], lang)
        entries = incomplete_entries(path) if os.path.isfile(path) else ["(the whole catalog is missing)"]
        rows += [Row(lang, os.path.relpath(path, os.path.dirname(root)), "UI string", entry) for entry in entries]
    return sorted(rows, key=lambda row: (langs.index(row.lang), row.state, row.piece))


def changed_pieces_only(rows: list[Row], changed_paths) -> list[Row]:
    """The rows about pieces one of `changed_paths` (files of any language,
    as `git diff --name-only` lists them) belongs to: what a pull request
    leaves to translate."""
    pieces = set()
    for path in changed_paths:
        folder, name = os.path.split(os.path.normpath(path.strip()))
        if match := FILE_NAME.match(name):
            pieces.add(f"{os.path.basename(folder)}/{match['slug']}")
    return [row for row in rows if row.piece in pieces]


HEADERS = ("Language", "Piece", "Status", "What to do")


def format_report(rows: list[Row], fmt: str = "table") -> str:
    if not rows:
        return "Everything is translated and up to date."
    counts = defaultdict(lambda: defaultdict(int))
    for row in rows:
        counts[row.lang][row.state] += 1
    summary = "; ".join(f"{lang}: " + ", ".join(f"{n} {state}" for state, n in states.items())
                        for lang, states in counts.items())
    if fmt == "markdown":
        lines = [f"**Translations to do** ({summary})", "", "| " + " | ".join(HEADERS) + " |",
                 "| --- | --- | --- | --- |"]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        return "\n".join(lines)
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r} (use table or markdown)")
    widths = [max(len(str(cell)) for cell in column) for column in zip(HEADERS, *rows)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip()
             for line in (HEADERS, *rows)]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join([*lines, "", summary])
