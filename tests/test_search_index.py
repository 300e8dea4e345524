"""Each language's site has its own Pagefind index, made while the build runs."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest


@pytest.mark.parametrize("lang, folder", [("en", ""), ("fa", "fa"), ("es", "es")])
def test_each_language_index_holds_exactly_its_own_pieces(site, lang, folder):
    root = site.output / folder
    entry = json.loads((root / "pagefind" / "pagefind-entry.json").read_text())
    others = {"fa", "es"} - {folder}
    pieces = [page for page in root.rglob("*.html")
              if page.relative_to(root).parts[0] not in others and "data-pagefind-body" in page.read_text()]
    assert list(entry["languages"]) == [lang]
    assert entry["languages"][lang]["page_count"] == len(pieces) > 10


def test_the_index_made_from_the_trimmed_copies_is_the_index_of_the_whole_pages(site, tmp_path):
    """The copies Pagefind reads keep only the language, the title and the
    marked region; its index (files named by their content) is the same as
    from the whole pages, written in the same order to the same kind of
    folder (Pagefind numbers the pages in the order it finds them)."""
    from search_index.search_index import BLOCK_END, INDEXED, _pages, copies_folder, fold

    root = site.output / "fa"
    with tempfile.TemporaryDirectory(dir=copies_folder()) as folder:
        whole = Path(folder)
        for page in _pages(str(root), set()):
            text = (root / page).read_text(encoding="utf-8")
            if INDEXED in text:
                (whole / page).parent.mkdir(parents=True, exist_ok=True)
                (whole / page).write_text(BLOCK_END.sub(r" </\1>", fold(text)), encoding="utf-8")
        subprocess.run([sys.executable, "-m", "pagefind", "--site", str(whole), "--output-path",
                        str(tmp_path / "index"), "--silent"], check=True)

    def files(index):
        return sorted(str(path.relative_to(index)) for path in index.rglob("*") if path.is_file())

    built = files(root / "pagefind")
    assert built == files(tmp_path / "index")
    assert len([name for name in built if name.startswith("fragment/")]) > 10
