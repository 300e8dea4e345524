"""Give each language's site its own Pagefind search index (<site>/pagefind/).

A reader then downloads only the index of the language they read. Each site
is indexed as soon as its pages are written: a subsite that build_cache
writes in a forked copy is indexed in that copy, beside the other languages
still being written, instead of all three one after the other at the end.

A site whose pages are all the very files of the previous build (linked from
it by build_cache) gets the previous index, linked too, instead of a new one.
The live preview has no index (SEARCH_INDEX off); its search page shows its
browse list.

Pagefind knows nothing of Persian keyboards: ي/ك typed on an Arabic layout
are other letters than the Persian ی/ک, and Arabic-Indic digits other than
Persian ones. So the index is made from copies of the pages with those
letters folded (tag_names.LETTERS, the table tags use), and search.js folds
the reader's query with the same table, given to it as `search_folding()`.
The copies also get a space before every closing block tag, so that a label
and its value ("Status", "Imprisoned") do not run together in an excerpt.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile

from build_cache.writer import previous_site_path
from pagefind_bin import get_executable
from pelican import signals
from pipeline import site_written
from site_rules import is_subsite
from tag_names.tag_names import LETTERS

# Elements whose text ends a phrase: Pagefind joins adjacent text nodes as is.
BLOCK_END = re.compile(r"</(p|li|dt|dd|h[1-6]|th|td|figcaption|div|section|header|footer|blockquote)>")


# The letters LETTERS folds; most pages have none, and finding that is far
# faster than str.translate, which looks up every character.
FOLDED = re.compile("[" + "".join(map(chr, sorted(LETTERS))) + "]")


def fold(text: str) -> str:
    """`text` with Arabic-keyboard letters and digits in their Persian form, as indexed."""
    return text.translate(LETTERS) if FOLDED.search(text) else text


def search_folding() -> str:
    """The folding table as JSON {"ي": "ی", …, "ـ": ""}, for search.js to fold queries alike."""
    return json.dumps({chr(code): value or "" for code, value in sorted(LETTERS.items())}, ensure_ascii=False)


# How base.html marks the pages search finds (pieces); Pagefind skips the others
# once any page has it, so they are not copied for it at all.
INDEXED = " data-pagefind-body>"


# What Pagefind reads of a page: its language (<html lang>), its title and
# the marked region. The copies leave out the header, navigation and footer of
# every page, which Pagefind would parse only to skip them (a seventh of its
# time); the index comes out the same, fragment for fragment.
INDEXED_REGION = re.compile(r"<main\b[^>]*" + INDEXED + ".*?</main>", re.S)
TITLE = re.compile(r"<title>.*?</title>", re.S)


def indexed_part(text: str) -> str:
    head, title, region = text.find("<head>"), TITLE.search(text), INDEXED_REGION.search(text)
    if head < 0 or not title or not region:
        return text
    return f'{text[:head]}<head><meta charset="utf-8">{title.group()}</head><body>{region.group()}</body></html>'


# The copies live only while Pagefind reads them: in memory (tmpfs) where the
# system has it, since making a file on this disk costs about 0.25 ms
# (copies of one language at 1,000 updates: 0.43 s on disk, 0.14 s in memory).
MEMORY_FOLDER = "/dev/shm"


def copies_folder() -> str | None:
    """Where the copies' temporary folder goes: MEMORY_FOLDER if usable, else the system's temporary folder."""
    return MEMORY_FOLDER if os.access(MEMORY_FOLDER, os.W_OK | os.X_OK) else None


def indexable_copy(source: str, target: str) -> bool:
    """Write the folded copy of the page at `source` to `target`, if search is to find it."""
    with open(source, encoding="utf-8") as page:
        text = page.read()
    if INDEXED not in text:
        return False
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as copy:
        copy.write(BLOCK_END.sub(r" </\1>", fold(indexed_part(text))))
    return True


def index_site(pelican_obj) -> None:
    settings = pelican_obj.settings
    if not settings.get("SEARCH_INDEX"):
        return
    folder = settings["OUTPUT_PATH"]
    # The main site's folder holds the subsites' folders, which are not its pages.
    skip = set() if is_subsite(settings) else set(settings.get("I18N_SUBSITES", {}))
    previous = previous_site_path(settings)
    if previous and reuse_index(folder, previous, skip):
        return
    shutil.rmtree(os.path.join(folder, "pagefind"), ignore_errors=True)  # built in place: no stale fragments
    with tempfile.TemporaryDirectory(prefix="iec-pagefind-", dir=copies_folder()) as copies:
        found = [page for page in _pages(folder, skip)
                 if indexable_copy(os.path.join(folder, page), os.path.join(copies, page))]
        if not found:
            return  # nothing to search (Pagefind refuses an empty site): the search page shows its browse list
        # The binary itself: `python -m pagefind` starts a Python only to run it (80 ms each time).
        indexed = subprocess.run([str(get_executable()), "--site", copies,
                                  "--output-path", os.path.abspath(os.path.join(folder, "pagefind")), "--silent"],
                                 check=False, capture_output=True, text=True)
    if indexed.returncode:
        problem = (indexed.stderr or indexed.stdout).strip().replace("\n", " ")
        raise RuntimeError(f"search index of the {settings['DEFAULT_LANG']} site: {problem}")


def _indexed_names(folder: str, skip) -> list[str]:
    """The pages and folders of pages at the top of a site."""
    return [name for name in sorted(os.listdir(folder)) if name not in skip and name != "pagefind"
            and (name.endswith(".html") or os.path.isdir(os.path.join(folder, name)))]


def _pages(folder: str, skip) -> dict:
    """Path → inode of every page a site's index covers."""
    found, top = {}, os.path.join(folder, "")
    for name in _indexed_names(folder, skip):
        path = os.path.join(folder, name)
        walked = os.walk(path) if os.path.isdir(path) else [(folder, [], [name])]
        for current, _, files in walked:
            for file_name in files:
                if file_name.endswith(".html"):
                    page = os.path.join(current, file_name)
                    found[page[len(top):]] = os.stat(page).st_ino  # relpath is slow over ten thousand pages
    return found


def reuse_index(folder: str, previous: str, skip) -> bool:
    """Link `previous`'s index into `folder` if every page it indexed is the same file now."""
    index = os.path.join(previous, "pagefind")
    if not os.path.isdir(index) or os.path.samefile(folder, previous):
        return False  # built in place, pages are rewritten in the same files: nothing tells what changed
    try:
        if _pages(folder, skip) != _pages(previous, skip):
            return False
        shutil.copytree(index, os.path.join(folder, "pagefind"), copy_function=os.link)
    except OSError:
        shutil.rmtree(os.path.join(folder, "pagefind"), ignore_errors=True)
        return False
    return True


def add_template_helpers(generator):
    generator.env.globals["search_folding"] = search_folding


def register():
    signals.generator_init.connect(add_template_helpers)
    site_written.connect(index_site)
