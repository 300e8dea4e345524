"""Sharing and subscribing: plain share links, link previews, the subscribe page."""

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from conftest import LANGS, PUBLISH_URL
from content import sources
from pages import parse, resolve

SHARE_HOSTS = {"t.me", "wa.me", "x.com", "www.facebook.com", "bsky.app"}
UPDATES = sources("updates")


def shared_pages(build):
    for folder in ("updates", "events"):
        for (slug, lang), meta in sources(folder).items():
            yield build.lang_root(lang) / folder / f"{slug}.html", meta["title"], lang, f"{folder}/{slug}.html"
    for (slug, lang), meta in sources("prisoners").items():
        yield build.lang_root(lang) / "prisoners" / f"{slug}.html", meta["name"], lang, f"prisoners/{slug}.html"


def test_share_links_carry_the_title_and_public_address_encoded_as_utf8(published):
    checked = 0
    for page, title, lang, path in shared_pages(published):
        public = f"{PUBLISH_URL}{'' if lang == 'en' else '/' + lang}/{path}"
        links = {urlsplit(a.get("href")).netloc or "mailto": a.get("href")
                 for a in parse(page).cssselect(".share ul a")}
        assert set(links) == SHARE_HOSTS | {"mailto"}, page
        for host, href in links.items():
            assert href.isascii(), f"{href} must be percent-encoded"
            query = parse_qs(urlsplit(href).query)
            shared = " ".join(value for values in query.values() for value in values)
            assert public in shared, (host, href)
            assert title in shared or host == "www.facebook.com", (host, href)  # Facebook takes only the address
        assert parse(page).cssselect("#share-link")[0].get("value") == public
        checked += 1
    assert checked >= 30


def test_a_persian_title_survives_the_round_trip_through_a_share_link(published):
    page = published.lang_root("fa") / "updates" / "letters-to-evin.html"
    (telegram,) = [a.get("href") for a in parse(page).cssselect(".share a") if "t.me" in a.get("href")]
    assert "%D8" in telegram or "%DB" in telegram  # Arabic-script UTF-8 bytes, percent-encoded
    assert parse_qs(urlsplit(telegram).query)["text"] == [UPDATES[("letters-to-evin", "fa")]["title"]]


def test_share_section_loads_nothing_from_the_services(published):
    for page, *_ in shared_pages(published):
        tree = parse(page)
        for element in tree.cssselect(".share *"):
            for attribute in ("src", "srcset", "data"):
                assert not element.get(attribute), (page, element.tag)
        assert not tree.cssselect("iframe")


@pytest.mark.parametrize("lang", LANGS)
def test_link_previews_use_open_graph_and_twitter_cards(published, lang):
    page = published.lang_root(lang) / "updates" / "letters-to-evin.html"
    tree = parse(page)
    og = {m.get("property"): m.get("content") for m in tree.cssselect("meta[property]")}
    alternates = [m.get("content") for m in tree.cssselect('meta[property="og:locale:alternate"]')]
    meta = UPDATES[("letters-to-evin", lang)]
    assert og["og:title"] == meta["title"]
    assert og["og:type"] == "article"
    assert og["og:url"] == f"{PUBLISH_URL}{'' if lang == 'en' else '/' + lang}/updates/letters-to-evin.html"
    assert og["og:locale"] == {"en": "en_US", "fa": "fa_IR", "es": "es_ES"}[lang]
    assert sorted(alternates) == sorted({"en": "en_US", "fa": "fa_IR", "es": "es_ES"}[o] for o in LANGS if o != lang)
    assert og["og:description"] and og["og:site_name"]
    assert tree.cssselect('meta[name="twitter:card"]')[0].get("content") == "summary"


def test_a_photo_becomes_the_preview_image_with_its_size(content_copy, tmp_path):
    from conftest import run_build
    from PIL import Image
    (content_copy / "images").mkdir(exist_ok=True)
    Image.new("RGB", (1200, 630), (10, 10, 10)).save(content_copy / "images" / "card.jpg")
    piece = content_copy / "updates" / "letters-to-evin.fa.md"
    piece.write_text(piece.read_text(encoding="utf-8").replace(
        "tags:", 'image: card.jpg\nimage_alt: "نامه‌ها روی میز"\ntags:', 1), encoding="utf-8")
    build = run_build(tmp_path / "output", settings="publishconf.py", content=content_copy,
                      env={"SITEURL": PUBLISH_URL})
    assert build.status == 0, build.log
    tree = parse(build.output / "fa" / "updates" / "letters-to-evin.html")
    og = {m.get("property"): m.get("content") for m in tree.cssselect("meta[property]")}
    assert og["og:image"] == f"{PUBLISH_URL}/images/card-1200.jpg"
    assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
    assert og["og:image:alt"] == "نامه‌ها روی میز"
    assert (build.output / "images" / "card-1200.jpg").is_file()
    assert tree.cssselect('meta[name="twitter:card"]')[0].get("content") == "summary_large_image"


@pytest.mark.parametrize("lang", LANGS)
def test_subscribe_page_lists_every_feed_with_its_public_address(published, lang):
    page = published.lang_root(lang) / "subscribe.html"
    tree = parse(page)
    root = PUBLISH_URL + ("" if lang == "en" else f"/{lang}")
    codes = {c.text_content() for c in tree.cssselect("main code")}
    expected = {f"{root}/feeds/all.atom.xml", f"{root}/feeds/all.rss.xml", f"{root}/feeds/updates.atom.xml",
                f"{root}/feeds/events.atom.xml", f"{root}/events/calendar.ics",
                f"{root}/feeds/status.atom.xml", f"{root}/feeds/status.rss.xml"}
    expected |= {f"{root}/feeds/prisoners/{slug}.atom.xml" for slug, profile_lang in sources("prisoners")
                 if profile_lang == lang}
    assert codes == expected
    for link in tree.cssselect("main li a"):
        path = unquote(urlsplit(link.get("href")).path).removeprefix(urlsplit(PUBLISH_URL).path + "/")
        assert (published.output / path).is_file(), link.get("href")


def test_every_page_links_the_subscribe_page(site):
    from pages import page_lang
    for page in site.pages():
        targets = [resolve(site.output, page, a.get("href")) for a in parse(page).cssselect("footer a")]
        assert (site.lang_root(page_lang(site.output, page)) / "subscribe.html").resolve() in targets, page
