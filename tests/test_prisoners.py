"""Prisoner profiles: facts, timelines, linked names, the index and per-prisoner feeds."""

import datetime
from urllib.parse import urlsplit

import feedparser
import pytest
from PIL import Image
from conftest import BUILD_DATE, LANGS, PUBLISH_URL, edited_site, run_build
from content import pieces_naming, sources, translate
from pages import parse, resolve

PROFILES = sources("prisoners")
STATUS_LABELS = {"sentenced-to-death": "Sentenced to death", "at-risk-of-execution": "At risk of execution",
                 "imprisoned": "Imprisoned", "on-furlough": "On furlough", "released": "Released",
                 "executed": "Executed", "disappeared": "Forcibly disappeared", "unknown": "Status unknown"}


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




# One site for the profiles changed below (add_…, each beside its test): a photo on the Farsi profile of
# Narges Mohammadi, and her status at risk of execution in every language; they change different lines.

@pytest.fixture(scope="module")
def changed_profiles(tmp_path_factory):
    return edited_site(tmp_path_factory, "profiles", add_profile_photo, add_risk_of_execution)


def add_profile_photo(content):
    (content / "images").mkdir(exist_ok=True)
    Image.new("RGB", (600, 800), (90, 90, 90)).save(content / "images" / "portrait.png")
    profile = content / "prisoners" / "narges-mohammadi.fa.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace(
        "status:", 'photo: portrait.png\nphoto_alt: "چهرهٔ نرگس محمدی"\nphoto_consent: family\n'
                   'photo_source: "Given to the campaign by her family"\nphoto_credit: "خانوادهٔ او"\nstatus:', 1),
        encoding="utf-8")


def test_a_profile_photo_is_shown_with_its_description_in_every_subsite(changed_profiles):
    build = changed_profiles
    for page in (build.output / "fa" / "prisoners" / "narges-mohammadi.html", build.output / "fa" / "prisoners" / "index.html"):
        (img,) = parse(page).cssselect("main img")
        target = resolve(build.output, page, img.get("src"))
        assert target.parent == (build.output / "images").resolve() and target.name.startswith("portrait")
        assert target.is_file()
        assert img.get("alt") == "چهرهٔ نرگس محمدی"
        assert img.get("width") and img.get("height")
    profile_tree = parse(build.output / "fa" / "prisoners" / "narges-mohammadi.html")
    (figure,) = profile_tree.cssselect("figure.lead-image")
    assert "خانوادهٔ او" in figure.cssselect("figcaption")[0].text_content()
    assert [c.strip().split(" ")[1] for c in figure.cssselect("source")[0].get("srcset").split(",")] == ["480w", "600w"]
    assert "Given to the campaign" not in profile_tree.text_content()  # the source is for volunteers, not readers


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


# --- Status: badges, death sentences, days in detention, history, feeds ----------------------------

PERSIAN_DIGITS = str.maketrans("0123456789,", "۰۱۲۳۴۵۶۷۸۹٬")
DETAINED = ("imprisoned", "sentenced-to-death", "at-risk-of-execution")


@pytest.mark.parametrize("lang", LANGS)
def test_every_listing_of_prisoners_shows_the_status_as_words_on_a_colour(site, lang):
    index = parse(site.lang_root(lang) / "prisoners" / "index.html")
    cards = index.cssselect(".prisoner-card")
    assert len(cards) == len([key for key in PROFILES if key[1] == lang])
    for card in cards:
        slug = card.cssselect("h3 a")[0].get("href").rsplit("/", 1)[-1].removesuffix(".html")
        status = PROFILES[(slug, lang)]["status"]
        (badge,) = card.cssselect(".badge")
        assert badge.get("class") == f"badge badge-{status}"
        assert badge.text_content() == translate(STATUS_LABELS[status], lang)
    for slug, profile_lang in PROFILES:
        if profile_lang == lang:
            header = parse(profile_page(site, slug, lang)).cssselect("article.prisoner header .status-line .badge")
            assert [b.text_content() for b in header] == [translate(STATUS_LABELS[PROFILES[(slug, lang)]["status"]],
                                                                    lang)]


def test_the_prisoners_index_lists_death_sentences_first(site):
    sections = [s.get("id") for s in parse(site.output / "prisoners" / "index.html").cssselect("main section")]
    assert sections[0] == "sentenced-to-death"


@pytest.mark.parametrize("slug, lang", sorted(PROFILES))
def test_a_death_sentence_stands_out_at_the_top_of_the_profile(site, slug, lang):
    article = parse(profile_page(site, slug, lang)).cssselect("article.prisoner")[0]
    alerts = article.cssselect(".alert")
    if PROFILES[(slug, lang)]["status"] in ("sentenced-to-death", "at-risk-of-execution"):
        (alert,) = alerts
        assert alert.getprevious().tag == "header"  # right under the name, before photo and facts
        assert PROFILES[(slug, lang)]["name"] in alert.text_content()
        assert [a.get("href") for a in alert.cssselect("a")] == ["#take-action"]
        assert article.cssselect("#take-action")
    else:
        assert alerts == []


def test_starter_content_has_a_prisoner_under_sentence_of_death():
    assert any(meta["status"] == "sentenced-to-death" for meta in PROFILES.values())


@pytest.mark.parametrize("slug, lang", sorted(PROFILES))
def test_days_in_detention_are_counted_to_the_build_date_in_the_pages_digits(site, slug, lang):
    meta = PROFILES[(slug, lang)]
    line = parse(profile_page(site, slug, lang)).cssselect(".status-line")[0].text_content()
    if meta["status"] not in DETAINED:
        assert not any(ch.isdigit() for ch in line), line
        return
    days = (datetime.date.fromisoformat(BUILD_DATE) - meta["arrested"]).days
    assert days > 3000
    expected = {"en": f"{days:,}", "es": f"{days:,}".replace(",", "."), "fa": f"{days:,}".translate(PERSIAN_DIGITS)}
    assert expected[lang] in line, line
    if lang == "fa":
        assert not any("0" <= ch <= "9" for ch in line)


@pytest.mark.parametrize("slug, lang", sorted(PROFILES))
def test_status_history_lists_each_change_with_its_date_newest_first(site, slug, lang):
    history = PROFILES[(slug, lang)].get("status_history", [])
    items = parse(profile_page(site, slug, lang)).cssselect("section.history li")
    expected = sorted(history, key=lambda change: change["date"], reverse=True)
    assert len(items) == len(expected) and expected
    for item, change in zip(items, expected):
        assert item.get("id") == f"status-{change['date'].isoformat()}"
        assert item.cssselect("time")[0].get("datetime") == change["date"].isoformat()
        assert item.cssselect(".badge")[0].text_content() == translate(STATUS_LABELS[change["status"]], lang)
        assert change.get("note", "") in item.text_content()
    assert max(history, key=lambda change: change["date"])["status"] == PROFILES[(slug, lang)]["status"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_the_status_feed_holds_every_change_of_every_prisoner_in_that_language(published, lang, kind):
    path = published.lang_root(lang) / "feeds" / f"status.{kind}.xml"
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title.endswith(translate("Status changes", lang))
    expected = sorted(((change["date"], slug, change["status"]) for (slug, profile_lang), meta in PROFILES.items()
                       if profile_lang == lang for change in meta.get("status_history", [])), reverse=True)
    assert len(feed.entries) == len(expected) >= 6
    prefix = PUBLISH_URL + ("" if lang == "en" else f"/{lang}")
    dates = []
    for entry in feed.entries:
        page, anchor = entry.link.split("#")
        slug = page.removeprefix(prefix + "/prisoners/").removesuffix(".html")
        assert entry.title.startswith(PROFILES[(slug, lang)]["name"] + ": ")
        day = datetime.date.fromisoformat(anchor.removeprefix("status-"))
        (status,) = [change["status"] for change in PROFILES[(slug, lang)]["status_history"] if change["date"] == day]
        assert entry.title.endswith(translate(STATUS_LABELS[status], lang))
        assert parse(published.lang_root(lang) / "prisoners" / f"{slug}.html").cssselect(f"#{anchor}")
        dates.append(day)
    assert dates == sorted(dates, reverse=True)
    assert len({entry.id for entry in feed.entries}) == len(feed.entries)


@pytest.mark.parametrize("lang", LANGS)
def test_the_subscribe_page_and_the_index_offer_the_status_feeds(site, lang):
    root = site.lang_root(lang)
    for page in (root / "subscribe.html", root / "prisoners" / "index.html"):
        targets = {resolve(site.output, page, a.get("href")) for a in parse(page).cssselect("main a")}
        assert {(root / "feeds" / f"status.{kind}.xml").resolve() for kind in ("atom", "rss")} <= targets, page


def test_status_history_mistakes_fail_the_build_one_line_each_naming_file_and_field(content_copy, tmp_path):
    def edit(name, old, new):
        path = content_copy / "prisoners" / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    edit("toomaj-salehi.en.md", "{date: 2024-12-01, status: released", "{date: 2024-12-01, status: freed")
    edit("toomaj-salehi.es.md", "{date: 2024-06-22,", "{date: 2024-04-24,")
    edit("toomaj-salehi.fa.md", "{date: 2024-12-01, status: released", "{date: 2024-12-01, status: imprisoned")
    edit("narges-mohammadi.en.md", "{date: 2021-11-16, status: imprisoned,", "{day: 2021-11-16, status: imprisoned,")
    edit("narges-mohammadi.es.md", "{date: 2024-12-04,", "{date: 2024-12-40,")
    edit("ahmadreza-djalali.en.md", "action_review: 2027-03-31\n", "")
    build = run_build(tmp_path / "output", content=content_copy)
    assert build.status != 0
    assert build.log.strip().splitlines() == [
        "content/prisoners/ahmadreza-djalali.en.md: action_review: missing; an action kit needs the date after "
        "which the action must be checked again",
        "content/prisoners/narges-mohammadi.en.md: status_history: change 1: day: unknown field; use date, status "
        "and note",
        'content/prisoners/narges-mohammadi.es.md: status_history: "2024-12-40" is not a date that exists (expected '
        "YYYY-MM-DD or YYYY-MM-DD HH:MM)",
        "content/prisoners/toomaj-salehi.en.md: status_history: change 4: status: 'freed' is not one of "
        "sentenced-to-death, at-risk-of-execution, imprisoned, disappeared, on-furlough, released, executed, unknown",
        "content/prisoners/toomaj-salehi.es.md: status_history: change 3: date: 2024-04-24 is given twice; write "
        "one change per day",
        "content/prisoners/toomaj-salehi.fa.md: status_history: the latest change (2024-12-01) is 'imprisoned' but "
        "status is 'released'; make them agree",
    ]


def test_pieces_show_the_status_of_each_prisoner_they_name(site):
    checked = 0
    for (slug, lang), meta in sources("updates").items():
        page = site.lang_root(lang) / "updates" / f"{slug}.html"
        badges = parse(page).cssselect(".named-prisoners .badge")
        assert [b.text_content() for b in badges] == [
            translate(STATUS_LABELS[PROFILES[(name, lang)]["status"]], lang) for name in meta.get("prisoners", [])]
        checked += len(badges)
    assert checked >= 3


def add_risk_of_execution(content):
    for lang in LANGS:
        path = content / "prisoners" / f"narges-mohammadi.{lang}.md"
        source = path.read_text(encoding="utf-8")
        text = source.replace('status: "on-furlough"', 'status: "at-risk-of-execution"')
        text = text.replace("status_history:\n", "status_history:\n  - {date: 2026-11-01, status: at-risk-of-execution}\n")
        assert text.count("at-risk-of-execution") == 2, path  # both lines were there to change
        path.write_text(text, encoding="utf-8")


def test_a_prisoner_at_risk_of_execution_is_flagged_and_counted_as_detained(changed_profiles):
    build = changed_profiles
    for lang in LANGS:
        page = parse(build.lang_root(lang) / "prisoners" / "narges-mohammadi.html")
        name = PROFILES[("narges-mohammadi", lang)]["name"]
        (alert,) = page.cssselect(".alert")
        assert alert.text_content().strip().startswith(
            translate("%(name)s faces a charge that carries the death penalty.", lang).replace("%(name)s", name))
        days = (datetime.date.fromisoformat(BUILD_DATE) - PROFILES[("narges-mohammadi", lang)]["arrested"]).days
        digits = str(days % 1000).zfill(3).translate(PERSIAN_DIGITS) if lang == "fa" else str(days % 1000).zfill(3)
        assert digits in page.cssselect(".status-line")[0].text_content()
        index = parse(build.lang_root(lang) / "prisoners" / "index.html")
        assert [s.get("id") for s in index.cssselect("main section")][:2] == ["sentenced-to-death",
                                                                              "at-risk-of-execution"]


def test_farsi_profiles_mark_a_birth_year_as_gregorian(site):
    from persiantools.digits import en_to_fa

    for (slug, lang), meta in sources("prisoners").items():
        if "born" not in meta:
            continue
        facts = parse(site.lang_root(lang) / "prisoners" / f"{slug}.html").cssselect("dd")
        shown = [dd.text_content() for dd in facts if str(meta["born"]) in dd.text_content()
                 or en_to_fa(str(meta["born"])) in dd.text_content()]
        # Farsi readers count years in the Solar Hijri calendar: 1972 alone reads as a year of it.
        expected = f"{en_to_fa(str(meta['born']))} میلادی" if lang == "fa" else str(meta["born"])
        assert shown == [expected], (slug, lang, shown)
