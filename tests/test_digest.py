"""The email digest: email-safe HTML and plain text per language, for a period."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from conftest import LANGS, PUBLISH_URL, ROOT
from content import sources
from lxml import html as lxml_html
from digest import build_digests
from site_build import BuildRequest
from sites import own_cache

SINCE, UNTIL = datetime.date(2023, 10, 10), datetime.date(2023, 10, 31)


def pieces_in_period(lang, since=SINCE, until=UNTIL):
    return {meta["title"]: (folder, slug) for folder in ("updates", "events")
            for (slug, piece_lang), meta in sources(folder).items()
            if piece_lang == lang and since <= meta["date"] <= until}


def published(folder):
    """The public build of the real content (publishconf.py reads SITEURL from the environment), with a
    cache in `folder`."""
    return BuildRequest(settings_file=str(ROOT / "publishconf.py"), content=str(ROOT / "content"),
                        cache=own_cache(folder))


@pytest.fixture(scope="module")
def digests(tmp_path_factory):
    directory = tmp_path_factory.mktemp("digests")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SITEURL", PUBLISH_URL)
        status, files = build_digests(published(directory), str(directory), list(LANGS), since=SINCE, until=UNTIL)
    assert status == 0
    assert sorted(f.rsplit("/", 1)[1] for f in files) == sorted(f"{l}.{e}" for l in LANGS for e in ("html", "txt"))
    return directory / UNTIL.isoformat()


@pytest.mark.parametrize("lang", LANGS)
def test_html_digest_is_email_safe_and_in_the_readers_language(digests, lang):
    source = (digests / f"{lang}.html").read_text(encoding="utf-8")
    tree = lxml_html.fromstring(source)
    assert tree.get("lang") == lang and tree.get("dir") == ("rtl" if lang == "fa" else "ltr")
    assert not tree.xpath("//script|//link|//style|//iframe"), "mail clients drop stylesheets and scripts"
    assert "@font-face" not in source and "url(" not in source
    for element in tree.iter():
        if element.get("href"):
            href = element.get("href")
            assert href.startswith(PUBLISH_URL + "/"), href
        if element.tag == "img":
            assert element.get("src").startswith(PUBLISH_URL + "/images/") and element.get("alt") is not None
            assert element.get("width") not in ("0", "1"), "no tracking pixel"
    assert tree.xpath("//table[@role='presentation']")
    assert all("text-align:" + ("right" if lang == "fa" else "left") in td.get("style")
               for td in tree.xpath("//td[@style][not(@align)]") if "text-align" in td.get("style"))


@pytest.mark.parametrize("lang", LANGS)
def test_digest_lists_the_periods_pieces_with_prisoners_and_the_upcoming_events(digests, lang):
    tree = lxml_html.fromstring((digests / f"{lang}.html").read_bytes())
    linked = {a.text_content(): urlsplit(a.get("href")).path for a in tree.xpath("//a[@style]")}
    expected = pieces_in_period(lang)
    assert expected
    for title, (folder, slug) in expected.items():
        assert linked[title].endswith(f"/{folder}/{slug}.html")
    upcoming = {meta["title"] for (slug, piece_lang), meta in sources("events").items()
                if piece_lang == lang and meta["start"][:10] >= UNTIL.isoformat()}
    assert upcoming and upcoming <= set(linked)
    listed = {title for title in linked if title in {m["title"] for m in sources("updates").values()}}
    assert listed == {t for t, (folder, _) in expected.items() if folder == "updates"}
    profiles = {meta["name"] for (slug, profile_lang), meta in sources("prisoners").items() if profile_lang == lang}
    assert profiles & set(linked)


@pytest.mark.parametrize("lang", LANGS)
def test_plain_text_alternative_has_titles_and_addresses_but_no_markup(digests, lang):
    text = (digests / f"{lang}.txt").read_text(encoding="utf-8")
    assert not re.search(r"<[a-z/][^>]*>|&[a-z]+;|&#\d+;", text)
    for title, (folder, slug) in pieces_in_period(lang).items():
        assert title in text
        assert f"{PUBLISH_URL}{'' if lang == 'en' else '/' + lang}/{folder}/{slug}.html" in text


def test_by_default_a_digest_starts_the_day_after_the_last_one(tmp_path, monkeypatch):
    monkeypatch.setenv("SITEURL", PUBLISH_URL)
    (tmp_path / "2023-10-15").mkdir()
    status, files = build_digests(published(tmp_path / "build"), str(tmp_path), ["es"], until=UNTIL)
    assert status == 0
    text = (tmp_path / UNTIL.isoformat() / "es.txt").read_text(encoding="utf-8")
    assert "del 16 de octubre de 2023 al 31 de octubre de 2023" in text
    for title in pieces_in_period("es", since=datetime.date(2023, 10, 16)):
        assert title in text
    for title in set(pieces_in_period("es")) - set(pieces_in_period("es", since=datetime.date(2023, 10, 16))):
        assert title not in text
