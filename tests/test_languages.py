"""The three-language site: lang/dir, language switcher, hreflang, untranslated pieces."""

import re

from conftest import LANGS
from content import content_versions
from pages import page_lang, parse, resolve


def output_path(build, folder, slug, lang):
    name = f"{slug}.html" if folder == "pages" else f"{folder}/{slug}.html"
    return build.lang_root(lang) / name


def test_every_page_declares_its_language_and_direction(site):
    for page in site.pages():
        root = parse(page)
        lang = page_lang(site.output, page)
        assert root.get("lang") == lang, page
        assert root.get("dir") == ("rtl" if lang == "fa" else "ltr"), page


def test_switcher_links_each_translation_or_that_languages_home(site):
    for (folder, slug), langs in content_versions().items():
        for lang in langs:
            page = output_path(site, folder, slug, lang)
            links = {a.get("lang"): resolve(site.output, page, a.get("href"))
                     for a in parse(page).cssselect("nav.languages a")}
            assert set(links) == set(LANGS) - {lang}, page
            for other, target in links.items():
                expected = (output_path(site, folder, slug, other) if other in langs
                            else site.lang_root(other) / "index.html")
                assert target == expected.resolve(), (page, other)
                assert target.is_file()


def test_switcher_on_every_page_points_at_existing_files(site):
    for page in site.pages():
        for link in parse(page).cssselect("nav.languages a"):
            target = resolve(site.output, page, link.get("href"))
            assert target is not None and target.is_file(), (page, link.get("href"))


def test_hreflang_alternates_are_reciprocal_and_include_x_default(site):
    alternates = {}
    for page in site.pages():
        links = parse(page).cssselect('link[rel="alternate"][hreflang]')
        if links:
            alternates[page.resolve()] = {
                link.get("hreflang"): resolve(site.output, page, link.get("href")) for link in links}
    assert alternates, "no page declares hreflang alternates"
    for page, links in alternates.items():
        assert "x-default" in links, page
        assert links[page_lang(site.output, page)] == page, page
        for lang, target in links.items():
            assert target.is_file(), (page, lang)
            if lang != "x-default":
                assert alternates[target][page_lang(site.output, page)] == page, (page, lang)


def test_translated_pieces_declare_every_existing_translation(site):
    for (folder, slug), langs in content_versions().items():
        for lang in langs:
            page = output_path(site, folder, slug, lang)
            declared = {link.get("hreflang") for link in parse(page).cssselect("link[hreflang]")}
            assert declared == set(langs) | {"x-default"}, page


def test_untranslated_pieces_are_not_written_or_listed_in_other_languages(site):
    versions = content_versions()
    missing = [(key, lang) for key, langs in versions.items() for lang in LANGS if lang not in langs]
    assert missing, "the starter content should leave at least one piece untranslated"
    for (folder, slug), lang in missing:
        assert not output_path(site, folder, slug, lang).exists()
        listing = site.lang_root(lang) / "index.html"
        hrefs = [a.get("href") for a in parse(listing).cssselect("main a")]
        assert not any(h.endswith(f"/{slug}.html") or h == f"{slug}.html" for h in hrefs), (slug, lang)


def test_each_language_writes_exactly_its_own_pieces(site):
    versions = content_versions()
    for lang in LANGS:
        root = site.lang_root(lang)
        for folder in ("updates", "events"):
            written = {p.stem for p in (root / folder).glob("*.html")} - {"index"}
            written = {s for s in written if not s.startswith("page-")}
            expected = {slug for (f, slug), langs in versions.items() if f == folder and lang in langs}
            assert written == expected, (lang, folder)
    assert not list(site.output.rglob("drafts")), "no drafts folder may be published"


def test_theme_assets_are_written_once_and_shared_by_every_language(site):
    assert (site.output / "theme" / "css" / "site.css").is_file()
    assert not (site.output / "fa" / "theme").exists()
    assert not (site.output / "es" / "theme").exists()
    for page in site.pages():
        sheets = [resolve(site.output, page, link.get("href"))
                  for link in parse(page).cssselect('link[rel="stylesheet"]')]
        assert sheets == [(site.output / "theme" / "css" / "site.css").resolve()], page


def test_farsi_pages_use_the_self_hosted_font_without_blocking_text(site):
    css = (site.output / "theme" / "css" / "site.css").read_text()
    faces = re.findall(r"@font-face\s*{[^}]*}", css)
    assert faces and all("font-display: swap" in face for face in faces)
    for url in ("../fonts/vazirmatn-regular.woff2", "../fonts/vazirmatn-bold.woff2"):
        assert url in css
        font = (site.output / "theme" / "css" / url).resolve()
        assert font.read_bytes()[:4] == b"wOF2"
    physical = re.findall(r"[\w-]*\b(?:left|right)\b[\w-]*\s*:|:\s*(?:left|right)\b", css)
    assert physical == [], "use logical properties (inline-start/end), not left/right"


def test_farsi_tag_urls_keep_persian_script_and_zero_width_non_joiner(site):
    tags = {p.stem for p in (site.output / "fa" / "tags").glob("*.html")} - {"index"}
    assert tags and all(re.search("[\u0600-\u06ff]", tag) for tag in tags)
    joined = [tag for tag in tags if "\u200c" in tag]
    assert joined, "a tag such as نامه‌ها must keep its zero-width non-joiner"
    for tag in joined:
        assert not re.search("[-\\s]\u200c|\u200c[-\\s]", tag)
