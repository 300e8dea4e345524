"""Prisoner profiles: facts, timelines, linked names, the index and per-prisoner feeds."""

import datetime
from urllib.parse import urlsplit

import feedparser
import pytest
from babel.messages.pofile import read_po
from PIL import Image
from conftest import BUILD_DATE, LANGS, PUBLISH_URL, ROOT, run_build
from content import pieces_naming, sources
from pages import parse, resolve

PROFILES = sources("prisoners")
STATUS_LABELS = {"sentenced-to-death": "Sentenced to death", "at-risk-of-execution": "At risk of execution",
                 "imprisoned": "Imprisoned", "on-furlough": "On furlough", "released": "Released",
                 "executed": "Executed", "disappeared": "Forcibly disappeared", "unknown": "Status unknown"}


def translate(text, lang):
    if lang == "en":
        return text
    with open(ROOT / "theme" / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po)[text].string


def profile_page(build, slug, lang):
    return build.lang_root(lang) / "prisoners" / f"{slug}.html"


def facts(tree) -> dict:
    box = tree.cssselect("section.facts dl")[0]
    return {dt.text_content().strip(): dd.text_content().strip()
            for dt, dd in zip(box.cssselect("dt"), box.cssselect("dd"))}


def test_starter_content_has_three_profiles_in_every_language():
    slugs = {slug for slug, _ in PROFILES}
    assert len(slugs) >= 3 and "narges-mohammadi" in slugs
    assert all((slug, lang) in PROFILES for slug in slugs for lang in LANGS)


@pytest.mark.parametrize("slug, lang", sorted(PROFILES))
def test_profile_shows_name_and_facts_in_its_language(site, slug, lang):
    meta = PROFILES[(slug, lang)]
    tree = parse(profile_page(site, slug, lang))
    assert tree.get("lang") == lang
    assert tree.cssselect("h1")[0].text_content() == meta["name"]
    box = facts(tree)
    assert box[translate("Status", lang)] == translate(STATUS_LABELS[meta["status"]], lang)
    if meta.get("prison"):
        assert box[translate("Prison", lang)] == meta["prison"]
    if meta.get("sentence"):
        assert box[translate("Sentence", lang)] == meta["sentence"]
    for charge in meta.get("charges", []):
        assert charge in box[translate("Charges", lang)]
    arrested = tree.cssselect("section.facts time")[0]
    assert arrested.get("datetime").startswith(meta["arrested"].isoformat())


def test_time_in_prison_is_counted_to_the_build_date_in_each_language(site):
    imprisoned = [(slug, lang) for (slug, lang), meta in PROFILES.items()
                  if meta["status"] in ("imprisoned", "sentenced-to-death", "at-risk-of-execution")]
    assert imprisoned
    for slug, lang in imprisoned:
        arrested = PROFILES[(slug, lang)]["arrested"]
        today = datetime.date.fromisoformat(BUILD_DATE)
        months = (today.year - arrested.year) * 12 + today.month - arrested.month - (today.day < arrested.day)
        years, months = divmod(months, 12)
        text = facts(parse(profile_page(site, slug, lang)))[translate("Time in prison", lang)]
        digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹") if lang == "fa" else {}
        assert str(years).translate(digits) in text and str(months).translate(digits) in text, text
        as_of = parse(profile_page(site, slug, lang)).cssselect("section.facts dd .meta time")[0]
        assert as_of.get("datetime").startswith(BUILD_DATE)


@pytest.mark.parametrize("slug, lang", sorted(PROFILES))
def test_timeline_lists_exactly_the_pieces_naming_the_prisoner_newest_first(site, slug, lang):
    page = profile_page(site, slug, lang)
    links = [resolve(site.output, page, a.get("href"))
             for a in parse(page).cssselect("section.timeline .entry-title a")]
    expected = pieces_naming(slug, lang)
    assert {(p.parent.name, p.stem) for p in links} == set(expected)
    dates = [expected[(p.parent.name, p.stem)] for p in links]
    assert dates == sorted(dates, reverse=True)


def test_pieces_link_the_prisoners_they_name_in_their_language(site):
    checked = 0
    for folder in ("updates", "events"):
        for (slug, lang), meta in sources(folder).items():
            page = site.lang_root(lang) / folder / f"{slug}.html"
            links = parse(page).cssselect(".named-prisoners a")
            assert [resolve(site.output, page, a.get("href")) for a in links] == [
                profile_page(site, name, lang).resolve() for name in meta.get("prisoners", [])]
            assert [a.text_content() for a in links] == [
                PROFILES[(name, lang)]["name"] for name in meta.get("prisoners", [])]
            checked += len(links)
    assert checked >= 10


def test_profiles_offer_ways_to_help(site):
    for (slug, lang) in PROFILES:
        page = profile_page(site, slug, lang)
        targets = {resolve(site.output, page, a.get("href")).name for a in parse(page).cssselect("aside.help a")}
        assert targets == {"appeal.html", "volunteer.html", "donate.html"}


@pytest.mark.parametrize("lang", LANGS)
def test_prisoners_index_groups_by_status_with_counts(site, lang):
    page = site.lang_root(lang) / "prisoners" / "index.html"
    tree = parse(page)
    listed = {}
    for section in tree.cssselect("main section"):
        heading = section.cssselect("h2")[0].text_content()
        cards = section.cssselect(".prisoner-card")
        digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹") if lang == "fa" else {}
        assert f"({str(len(cards)).translate(digits)})" in heading
        for card in cards:
            target = resolve(site.output, page, card.cssselect("h3 a")[0].get("href"))
            listed[target.stem] = (section.get("id"), card.text_content())
    expected = {slug: meta for (slug, profile_lang), meta in PROFILES.items() if profile_lang == lang}
    assert set(listed) == set(expected)
    for slug, meta in expected.items():
        status, text = listed[slug]
        assert status == meta["status"]
        assert meta["name"] in text and meta.get("prison", "") in text
        assert meta["name_native"] in text


@pytest.mark.parametrize("slug, lang", sorted(PROFILES))
@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_per_prisoner_feeds_hold_only_that_prisoners_pieces_in_that_language(published, slug, lang, kind):
    path = published.lang_root(lang) / "feeds" / "prisoners" / f"{slug}.{kind}.xml"
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    prefix = urlsplit(PUBLISH_URL).path + ("" if lang == "en" else f"/{lang}")
    keys = set()
    for entry in feed.entries:
        assert entry.title and entry.id and entry.get("published_parsed")
        path_part = urlsplit(entry.link).path
        assert path_part.startswith(prefix + "/"), entry.link
        folder, name = path_part[len(prefix) + 1:].split("/")
        keys.add((folder, name.removesuffix(".html")))
    assert keys == set(pieces_naming(slug, lang))


def test_profile_pages_advertise_their_feeds(site):
    for (slug, lang) in PROFILES:
        page = profile_page(site, slug, lang)
        hrefs = {resolve(site.output, page, link.get("href"))
                 for link in parse(page).cssselect('head link[rel="alternate"][type$="xml"]')}
        for kind in ("atom", "rss"):
            feed = site.lang_root(lang) / "feeds" / "prisoners" / f"{slug}.{kind}.xml"
            assert feed.resolve() in hrefs and feed.is_file()


def test_an_unknown_prisoner_slug_fails_the_build_naming_file_and_slug(content_copy, tmp_path):
    piece = content_copy / "updates" / "letters-to-evin.fa.md"
    piece.write_text(piece.read_text(encoding="utf-8").replace(
        "prisoners: [narges-mohammadi]", "prisoners: [narges-mohamadi]"), encoding="utf-8")
    build = run_build(tmp_path / "output", content=content_copy)
    assert build.status != 0
    assert build.log.strip() == (
        "content/updates/letters-to-evin.fa.md: prisoners: narges-mohamadi: no prisoner profile with this "
        "slug (expected a file content/prisoners/narges-mohamadi.<lang>.md)")




def test_a_profile_photo_is_shown_with_its_description_in_every_subsite(content_copy, tmp_path):
    (content_copy / "images").mkdir(exist_ok=True)
    Image.new("RGB", (600, 800), (90, 90, 90)).save(content_copy / "images" / "portrait.png")
    profile = content_copy / "prisoners" / "narges-mohammadi.fa.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "status:", 'photo: portrait.png\nphoto_alt: "چهرهٔ نرگس محمدی"\nphoto_consent: family\n'
                   'photo_source: "Given to the campaign by her family"\nstatus:', 1), encoding="utf-8")
    build = run_build(tmp_path / "output", content=content_copy)
    assert build.status == 0, build.log
    for page in (build.output / "fa" / "prisoners" / "narges-mohammadi.html", build.output / "fa" / "prisoners" / "index.html"):
        (img,) = parse(page).cssselect("main img")
        target = resolve(build.output, page, img.get("src"))
        assert target.parent == (build.output / "images").resolve() and target.name.startswith("portrait")
        assert target.is_file()
        assert img.get("alt") == "چهرهٔ نرگس محمدی"
        assert img.get("width") and img.get("height")


def test_a_missing_photo_fails_the_build_naming_the_file(content_copy, tmp_path):
    profile = content_copy / "prisoners" / "toomaj-salehi.es.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "status:", 'photo: toomaj.jpg\nphoto_alt: "Toomaj"\nphoto_consent: prisoner\nphoto_source: "him"\nstatus:', 1),
                       encoding="utf-8")
    build = run_build(tmp_path / "output", content=content_copy)
    assert build.status != 0
    assert build.log.strip() == "content/prisoners/toomaj-salehi.es.md: photo: 'toomaj.jpg' is not a file in content/images/"


def test_a_photo_without_consent_and_source_fails_the_build_naming_both_fields(content_copy, tmp_path):
    (content_copy / "images").mkdir(exist_ok=True)
    Image.new("RGB", (60, 80), (90, 90, 90)).save(content_copy / "images" / "portrait.png")
    profile = content_copy / "prisoners" / "toomaj-salehi.en.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "status:", 'photo: portrait.png\nphoto_alt: "Toomaj Salehi"\nstatus:', 1), encoding="utf-8")
    build = run_build(tmp_path / "output", content=content_copy)
    assert build.status != 0
    assert build.log.strip().splitlines() == [
        "content/prisoners/toomaj-salehi.en.md: photo_consent: missing; say who agreed to publishing the photo "
        "(prisoner, family, lawyer, self-published)",
        "content/prisoners/toomaj-salehi.en.md: photo_source: missing; say where the photo comes from "
        "(who took it or gave it to us)"]
