"""What every built page carries: dates, links, resources, translated UI."""

import re
from urllib.parse import urlsplit

import pytest
from conftest import LANGS, PUBLISH_URL
from content import sources
from pages import local_links, normalized, parse, resolve

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



# --- The home page as the campaign's front ------------------------------------------------------

def home(site, lang):
    page = site.lang_root(lang) / "index.html"
    return page, parse(page)


def target(site, lang, page, href):
    return resolve(site.output, page, href).relative_to(site.lang_root(lang).resolve()).as_posix()


@pytest.mark.parametrize("lang", LANGS)
def test_the_home_page_leads_with_the_demand_and_the_actions_that_answer_it(site, lang):
    page, tree = home(site, lang)
    (h1,) = tree.cssselect("main h1")
    assert h1.getparent().get("class") == "appeal" and len(h1.text_content().split()) >= 5
    site_name = tree.cssselect(".site-name")[0].text_content().strip()
    assert site_name not in [h.text_content().strip() for h in tree.cssselect("main h1, main h2, main h3")]
    actions = [target(site, lang, page, a.get("href")) for a in tree.cssselect(".appeal .actions a")]
    assert actions == ["appeal.html", "volunteer.html"]
    # In the order of the brief: demand, prisoners, next event, latest pieces.
    sections = [s.get("class") for s in tree.cssselect("main .home > section")]
    assert sections == ["appeal", "in-danger", "next-event", "latest"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_home_page_lists_the_prisoners_in_most_danger_first_with_their_status(site, lang):
    from site_rules import PRISONER_STATUSES

    page, tree = home(site, lang)
    statuses = {slug: meta["status"] for (slug, piece_lang), meta in sources("prisoners").items() if piece_lang == lang}
    listed = []
    for item in tree.cssselect(".danger-list li"):
        slug = target(site, lang, page, item.cssselect("a")[0].get("href")).removeprefix("prisoners/")[:-5]
        (badge,) = item.cssselect(".badge")
        assert badge.text_content().strip() and f"badge-{statuses[slug]}" in badge.get("class")
        listed.append(slug)
    in_danger = [slug for slug, status in statuses.items() if status not in ("released", "executed")]
    assert sorted(listed) == sorted(in_danger) and listed
    ranks = [PRISONER_STATUSES.index(statuses[slug]) for slug in listed]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize("lang", LANGS)
def test_the_home_page_names_the_next_event_with_its_date_time_and_place(site, lang):
    # The session's build date is 2026-11-24; the next event is the Human Rights Day vigil.
    page, tree = home(site, lang)
    (event,) = tree.cssselect(".next-event")
    assert target(site, lang, page, event.cssselect("a")[0].get("href")) == "events/human-rights-day-vigil.html"
    (time,) = event.cssselect("time")
    assert time.get("datetime") == "2026-12-10T18:00:00-08:00"
    meta = sources("events")[("human-rights-day-vigil", lang)]
    assert meta["location"]["address"] in event.text_content()
    assert {"en": "6:00", "es": "18:00", "fa": "۱۸:۰۰"}[lang] in time.text_content()


@pytest.mark.parametrize("lang", LANGS)
def test_the_home_page_then_lists_the_latest_pieces(site, lang):
    page, tree = home(site, lang)
    shown = [target(site, lang, page, e.cssselect(".entry-title a")[0].get("href"))
             for e in tree.cssselect(".latest .entries .entry")]
    pieces = {f"{folder}/{slug}.html": str(meta["date"]) for folder in ("updates", "events")
              for (slug, piece_lang), meta in sources(folder).items()
              if piece_lang == lang and meta.get("status") != "draft"}
    newest = sorted(pieces, key=lambda path: pieces[path], reverse=True)
    assert shown == newest[:len(shown)] and len(shown) == min(10, len(pieces))


# --- Posters ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_every_prisoner_has_a_poster_with_both_scripts_status_demand_and_address(site, lang):
    english = {slug: meta["name"] for (slug, piece_lang), meta in sources("prisoners").items() if piece_lang == "en"}
    for (slug, piece_lang), meta in sources("prisoners").items():
        if piece_lang != lang:
            continue
        page = site.lang_root(lang) / "posters" / f"{slug}.html"
        tree = parse(page)
        poster = tree.cssselect("main .poster")[0]
        text = poster.text_content()
        assert tree.cssselect("main h1")[0].text_content().strip() == meta["name"]
        for name in (english[slug], meta["name_native"]):
            assert name in text, (lang, slug, name)
        assert poster.cssselect(".badge")[0].text_content().strip()
        assert meta["name"] in poster.cssselect(".poster-demand")[0].text_content()
        profile = f"{'' if lang == 'en' else lang + '/'}prisoners/{slug}.html"
        assert poster.cssselect(".poster-address .url")[0].text_content().strip().endswith(profile)
        # Not a second search hit for the prisoner: only the profile is indexed.
        assert not tree.cssselect("[data-pagefind-body]")
        profile_page = site.lang_root(lang) / "prisoners" / f"{slug}.html"
        links = [target(site, lang, profile_page, a.get("href")) for a in parse(profile_page).cssselect(".share a[href]")
                 if not urlsplit(a.get("href")).scheme]
        assert f"posters/{slug}.html" in links, (lang, slug, links)
        alternates = {link.get("hreflang"): link.get("href") for link in tree.cssselect("link[hreflang]")}
        assert all(href.endswith(f"posters/{slug}.html") for href in alternates.values()), alternates


def test_search_folds_arabic_keyboard_letters_with_the_tag_table(site):
    import json

    from search_index import fold, search_folding
    from tag_names.tag_names import LETTERS

    assert fold("كتابخانهٔ زندانيان ١٤٠٣") == "کتابخانهٔ زندانیان ۱۴۰۳"
    folding = json.loads(search_folding())
    assert {ord(k): v or None for k, v in folding.items()} == LETTERS
    (root,) = parse(site.lang_root("fa") / "search.html").cssselect("#search")
    assert json.loads(root.get("data-fold")) == folding
