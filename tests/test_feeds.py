"""Per-language feeds: well-formed, complete items, one language each, absolute when published."""

from urllib.parse import urlsplit

import feedparser
import pytest
from conftest import LANGS, PUBLISH_URL
from pages import page_lang, parse, resolve
from test_languages import content_versions

FEEDS = ["all.atom.xml", "all.rss.xml", "updates.atom.xml", "updates.rss.xml",
         "events.atom.xml", "events.rss.xml"]


def expected_items(lang, section=None):
    return {(folder, slug) for (folder, slug), langs in content_versions().items()
            if folder != "pages" and lang in langs and section in (None, folder)}


def item_key(lang, link):
    """(folder, slug) of the page a feed entry links to, checking it is in `lang`'s site."""
    path = urlsplit(link).path
    prefix = urlsplit(PUBLISH_URL).path + ("" if lang == "en" else f"/{lang}")
    assert path.startswith(prefix + "/"), (lang, link)
    folder, name = path[len(prefix) + 1:].split("/")
    return folder, name.removesuffix(".html")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", FEEDS)
def test_feeds_are_well_formed_and_hold_only_their_language(published, lang, name):
    feed = feedparser.parse((published.lang_root(lang) / "feeds" / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.entries
    section = None if name.startswith("all.") else name.split(".")[0]
    keys = set()
    for entry in feed.entries:
        assert entry.get("title") and entry.get("link") and entry.get("id")
        assert entry.get("published_parsed") or entry.get("updated_parsed")
        assert entry.link.startswith(PUBLISH_URL + "/"), entry.link
        assert entry.get("content") or entry.get("summary"), "full content expected"
        keys.add(item_key(lang, entry.link))
    assert keys == expected_items(lang, section)


@pytest.mark.parametrize("lang", LANGS)
def test_feeds_carry_full_content_in_their_language(published, lang):
    feed = feedparser.parse((published.lang_root(lang) / "feeds" / "all.atom.xml").read_bytes())
    titles = {entry.title for entry in feed.entries}
    pages = {parse(published.lang_root(lang) / folder / f"{slug}.html").cssselect("h1")[0].text_content()
             for folder, slug in expected_items(lang)}
    assert titles == pages
    assert all(len(entry.content[0].value) > 500 for entry in feed.entries)


def test_feed_self_links_point_to_their_own_language_folder(published):
    for lang in LANGS:
        feed = feedparser.parse((published.lang_root(lang) / "feeds" / "all.atom.xml").read_bytes())
        self_link = next(link.href for link in feed.feed.links if link.rel == "self")
        prefix = PUBLISH_URL if lang == "en" else f"{PUBLISH_URL}/{lang}"
        assert self_link == f"{prefix}/feeds/all.atom.xml"


def test_every_page_links_its_own_languages_feeds_for_autodiscovery(site):
    for page in site.pages():
        lang_root = site.lang_root(page_lang(site.output, page))
        tree = parse(page)
        for kind, name in (("application/atom+xml", "all.atom.xml"), ("application/rss+xml", "all.rss.xml")):
            links = [resolve(site.output, page, link.get("href"))
                     for link in tree.cssselect(f'link[rel="alternate"][type="{kind}"]')]
            assert (lang_root / "feeds" / name).resolve() in links, page


def test_section_pages_link_their_section_feeds(site):
    for lang in LANGS:
        for section in ("updates", "events"):
            page = site.lang_root(lang) / section / "index.html"
            hrefs = {resolve(site.output, page, link.get("href"))
                     for link in parse(page).cssselect('link[rel="alternate"]')}
            for kind in ("atom", "rss"):
                target = site.lang_root(lang) / "feeds" / f"{section}.{kind}.xml"
                assert target.resolve() in hrefs and target.is_file()
