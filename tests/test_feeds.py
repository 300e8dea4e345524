"""Per-language feeds: well-formed, complete items, one language each, absolute when published."""

import datetime
import email.utils
import re
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import etree
from conftest import LANGS, PUBLISH_URL
from pages import page_lang, parse, resolve
from content import content_versions

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


# --- What the W3C Feed Validator checks, on every feed of every language ------
# (all, each section, each prisoner; in the preview and the published build).

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RFC_3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z")
RFC_822 = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                     r"\d{4} \d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT|UT)\Z")


def all_feeds(build):
    """(language, path below the output, parsed root) of every feed in the build."""
    feeds = []
    for path in sorted(build.output.rglob("*.xml")):
        if path.name == "sitemap.xml":
            continue
        relative = path.relative_to(build.output).as_posix()
        feeds.append((page_lang(build.output, path), relative, etree.parse(str(path)).getroot()))
    # Eight per language (all, updates, events, status changes), two per prisoner per language: a build
    # that lost some is not "all valid".
    prisoners = len(list((build.output / "prisoners").glob("*.html"))) - 1
    assert len(feeds) == len(LANGS) * (8 + 2 * prisoners) and prisoners > 0, [f[1] for f in feeds]
    return feeds


def rss_feeds(build):
    return [(lang, name, root) for lang, name, root in all_feeds(build) if root.tag == "rss"]


def atom_feeds(build):
    return [(lang, name, root) for lang, name, root in all_feeds(build) if root.tag == f"{ATOM}feed"]


def rfc_3339(text):
    assert text and RFC_3339.match(text), text
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def rfc_822(text):
    assert text and RFC_822.match(text), text
    return email.utils.parsedate_to_datetime(text)


@pytest.fixture(scope="module", params=["site", "published"])
def build(request, site, published):
    return {"site": site, "published": published}[request.param]


def test_rss_guids_that_are_not_addresses_say_so(build):
    guids = 0
    for _, name, root in rss_feeds(build):
        for guid in root.iterfind("channel/item/guid"):
            permalink = guid.get("isPermaLink", "true") == "true"
            assert not permalink or urlsplit(guid.text).scheme in ("http", "https"), (name, guid.text)
            assert guid.text.startswith("tag:") and guid.get("isPermaLink") == "false", (name, guid.text)
            guids += 1
    assert guids


def test_rss_and_atom_give_each_piece_the_same_identity(build):
    ids = {}
    for _, name, root in atom_feeds(build):
        for entry in root.iterfind(f"{ATOM}entry"):
            ids[entry.find(f"{ATOM}link[@rel='alternate']").get("href")] = entry.findtext(f"{ATOM}id")
    for _, name, root in rss_feeds(build):
        for item in root.iterfind("channel/item"):
            assert item.findtext("guid") == ids[item.findtext("link")], name


def test_every_feed_declares_the_language_of_its_site(build):
    for lang, name, root in all_feeds(build):
        declared = root.findtext("channel/language") if root.tag == "rss" else root.get(XML_LANG)
        assert declared == lang, (name, declared)


def test_every_feed_links_itself_at_its_own_absolute_address(build):
    site_url = PUBLISH_URL if build.output.parent.name.startswith("published") else "http://localhost:8000"
    for _, name, root in all_feeds(build):
        links = root.findall(f"channel/{ATOM}link" if root.tag == "rss" else f"{ATOM}link")
        assert [link.get("href") for link in links if link.get("rel") == "self"] == [f"{site_url}/{name}"], name


def test_each_atom_feed_is_identified_by_its_own_address(build):
    for _, name, root in atom_feeds(build):
        self_link = root.find(f"{ATOM}link[@rel='self']").get("href")
        assert root.findtext(f"{ATOM}id") == self_link, name


def test_atom_feeds_have_their_required_elements_and_dates(build):
    for _, name, root in atom_feeds(build):
        assert urlsplit(root.findtext(f"{ATOM}id")).scheme, name
        assert root.findtext(f"{ATOM}title").strip(), name
        assert root.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http"), name
        updated = rfc_3339(root.findtext(f"{ATOM}updated"))
        entries = root.findall(f"{ATOM}entry")
        assert entries, name
        latest = None
        for entry in entries:
            assert entry.findtext(f"{ATOM}title").strip(), name
            assert urlsplit(entry.findtext(f"{ATOM}id")).scheme, name
            assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http"), name
            assert entry.findtext(f"{ATOM}author/{ATOM}name") or root.findtext(f"{ATOM}author/{ATOM}name"), name
            entry_updated = rfc_3339(entry.findtext(f"{ATOM}updated"))
            published = entry.findtext(f"{ATOM}published")
            assert published is None or rfc_3339(published) <= entry_updated, name
            latest = max(latest or entry_updated, entry_updated)
        assert updated == latest, (name, updated, latest)


def test_rss_feeds_have_their_required_elements_and_rfc_822_dates(build):
    for _, name, root in rss_feeds(build):
        assert root.get("version") == "2.0"
        channel = root.find("channel")
        assert channel.findtext("title").strip() and channel.findtext("description").strip(), name
        assert urlsplit(channel.findtext("link")).scheme in ("http", "https"), name
        if channel.find("lastBuildDate") is not None:
            rfc_822(channel.findtext("lastBuildDate"))
        items = channel.findall("item")
        assert items, name
        for item in items:
            assert item.findtext("title").strip(), name
            assert urlsplit(item.findtext("link")).scheme in ("http", "https"), name
            assert item.findtext("guid"), name
            rfc_822(item.findtext("pubDate"))
