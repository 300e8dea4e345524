"""Each language's site has its own Pagefind index, made while the build runs."""

import json

import pytest
from search_index import page_glob


@pytest.mark.parametrize("lang, folder", [("en", ""), ("fa", "fa"), ("es", "es")])
def test_each_language_index_holds_exactly_its_own_pieces(site, lang, folder):
    root = site.output / folder
    entry = json.loads((root / "pagefind" / "pagefind-entry.json").read_text())
    others = {"fa", "es"} - {folder}
    pieces = [page for page in root.rglob("*.html")
              if page.relative_to(root).parts[0] not in others and "data-pagefind-body" in page.read_text()]
    assert list(entry["languages"]) == [lang]
    assert entry["languages"][lang]["page_count"] == len(pieces) > 10


def test_the_main_site_glob_leaves_out_the_subsites_and_the_index(tmp_path):
    for name in ("updates", "fa", "es", "pagefind", "feeds"):
        (tmp_path / name).mkdir()
    for name in ("index.html", "about.html", "sitemap.xml"):
        (tmp_path / name).write_text("")
    assert page_glob(str(tmp_path), {"fa", "es"}) == "{about.html,feeds/**/*.html,index.html,updates/**/*.html}"
