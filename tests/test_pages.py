"""What every built page carries: dates, links, resources, translated UI."""

import re
from urllib.parse import urlsplit

import pytest
from conftest import LANGS, PUBLISH_URL, ROOT
from pages import local_links, normalized, page_lang, parse, resolve

SOLAR_HIJRI_MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
                      "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]
RESOURCE_ATTRIBUTES = {"img": "src", "script": "src", "iframe": "src", "source": "src",
                       "audio": "src", "video": "src", "embed": "src", "object": "data"}


def times(site, lang, path):
    return parse(site.lang_root(lang) / path).cssselect("article header time")


def test_farsi_article_dates_use_solar_hijri_and_persian_digits(site):
    # 9 October 2023 is 17 Mehr 1402 in the Solar Hijri calendar.
    (time,) = times(site, "fa", "updates/nobel-prize-for-narges-mohammadi.html")
    assert time.get("datetime").startswith("2023-10-09")
    assert time.text == "۱۷ مهر ۱۴۰۲"
    checked = 0
    for page in (site.output / "fa").rglob("*.html"):
        for element in parse(page).cssselect("time"):
            text = element.text_content()
            assert any(month in text.split() for month in SOLAR_HIJRI_MONTHS), (page, text)
            assert re.search("[۰-۹]{4}", text) and not re.search("[0-9]", text), (page, text)
            checked += 1
    assert checked > 50


def test_english_and_spanish_dates_are_written_in_their_own_language(site):
    (english,) = times(site, "en", "updates/nobel-prize-for-narges-mohammadi.html")
    (spanish,) = times(site, "es", "updates/nobel-prize-for-narges-mohammadi.html")
    assert english.text == "October 9, 2023"
    assert spanish.text == "9 de octubre de 2023"
    assert english.get("datetime") == spanish.get("datetime")


def test_every_date_sits_in_a_time_element_with_an_iso_datetime(site):
    for page in site.pages():
        for element in parse(page).cssselect("time"):
            assert re.fullmatch(r"\d{4}-\d\d-\d\d(T[\d:]+([+-]\d\d:\d\d)?)?", element.get("datetime")), page


def test_no_page_loads_anything_from_another_host(site):
    for page in site.pages():
        tree = parse(page)
        for element in tree.iter():
            attribute = RESOURCE_ATTRIBUTES.get(element.tag)
            urls = [element.get(attribute)] if attribute and element.get(attribute) else []
            if element.tag == "link" and element.get("rel") in ("stylesheet", "icon", "preload", "manifest"):
                urls.append(element.get("href"))
            urls += [u.strip().split(" ")[0] for u in (element.get("srcset") or "").split(",") if u.strip()]
            for url in urls:
                assert not urlsplit(url).netloc, (page, url)
        for script in tree.cssselect("script"):
            # Only enhancements from the site itself: no inline code, nothing blocking the page.
            assert script.get("src") and not urlsplit(script.get("src")).netloc, page
            assert script.get("defer") is not None or script.get("type") == "module", page
            assert not (script.text or "").strip(), page
    for css in site.output.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text()):
            assert not urlsplit(url).netloc, (css, url)
        assert "@import" not in css.read_text()


def test_every_internal_link_is_normalized_and_points_at_an_existing_file(site):
    checked = 0
    for page in site.pages():
        for element, url in local_links(parse(page)):
            assert normalized(url), (page, url)
            target = resolve(site.output, page, url)
            if target is not None:
                assert target.is_file(), (page, url)
                checked += 1
    assert checked > 500


def test_published_links_are_absolute_normalized_and_under_the_site_url(published):
    for page in published.pages():
        for element, url in local_links(parse(page)):
            parts = urlsplit(url)
            if parts.netloc and url.startswith(PUBLISH_URL):
                assert normalized(url), (page, url)
                target = published.output / parts.path.removeprefix(urlsplit(PUBLISH_URL).path).lstrip("/")
                assert target.is_file(), (page, url)
        for link in parse(page).cssselect("link[hreflang]"):
            assert link.get("href").startswith(PUBLISH_URL + "/"), page


@pytest.mark.parametrize("lang", ["fa", "es"])
def test_interface_text_is_in_the_pages_language(site, lang):
    english_ui = {"Updates", "Events", "Appeal", "Volunteer", "Donate", "About", "Archives", "Tags",
                  "Skip to main content"}
    for page in (site.lang_root(lang)).rglob("*.html"):
        tree = parse(page)
        chrome = [a.text_content().strip() for a in tree.cssselect("nav.site-nav a, .skip-link, footer a")]
        assert not english_ui.intersection(chrome), page


def test_navigation_reaches_every_section_and_page_in_each_language(site):
    for lang in LANGS:
        home = site.lang_root(lang) / "index.html"
        targets = {resolve(site.output, home, a.get("href")).relative_to(site.lang_root(lang).resolve()).as_posix()
                   for a in parse(home).cssselect("nav.site-nav a")}
        assert targets == {"updates/index.html", "prisoners/index.html", "events/index.html", "appeal.html",
                           "volunteer.html", "donate.html", "about.html", "search.html"}, lang


def test_pages_without_stylesheet_still_read_in_order(site):
    # Content precedes the footer and follows a skip link: readable unstyled and by keyboard.
    for page in site.pages():
        tree = parse(page)
        body = [el.tag for el in tree.body]
        assert body[:2] == ["a", "header"] and "main" in body, page
        assert tree.cssselect("a.skip-link")[0].get("href") == "#main"
        assert tree.cssselect("main#main"), page
        assert len(tree.cssselect("h1")) == 1, page


def test_starter_build_is_warning_free(site):
    assert "WARNING" not in site.log and "ERROR" not in site.log, site.log

