"""Printing: every page prints without the site's chrome; every prisoner's poster prints on one page
of A4 and of US Letter (Chromium's own PDF output, read back with pypdf)."""

import io
import re
import unicodedata

import pytest
from conftest import LANGS, report
from content import sources
from pypdf import PdfReader
from browser import TEMPLATES, url

DEMAND = {"en": "political prisoners in Iran, now", "es": "todos los presos políticos de Irán",
          "fa": "همهٔ زندانیان سیاسی ایران"}


@pytest.fixture(scope="module")
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


def words(text: str) -> list[str]:
    """The words of PDF text without punctuation: presentation forms folded (NFKC), heh with hamza
    (ۀ, هٔ) spelt one way, no zero-width non-joiner; a Persian line's words may come out reversed."""
    text = unicodedata.normalize("NFKC", text).replace("\u06c0", "\u0647\u0654").replace("\u200c", "")
    return [word.strip(".,:;!?«»()،؛") for word in text.split()]


def has_phrase(text: str, phrase: str) -> bool:
    wanted = words(phrase)
    found = words(text)
    return all(word in found for word in wanted)


@pytest.mark.parametrize("lang", LANGS)
def test_every_poster_prints_on_one_page_of_a4_and_of_letter(site, page, lang):
    profiles = {slug: meta for (slug, piece_lang), meta in sources("prisoners").items() if piece_lang == lang}
    english = {slug: meta["name"] for (slug, piece_lang), meta in sources("prisoners").items() if piece_lang == "en"}
    assert profiles
    for slug, meta in profiles.items():
        page.goto(url(site, lang, f"posters/{slug}.html"))
        for paper in ("A4", "Letter"):
            pdf = PdfReader(io.BytesIO(page.pdf(format=paper, print_background=True)))
            assert len(pdf.pages) == 1, (lang, slug, paper, len(pdf.pages))
            text = pdf.pages[0].extract_text()
            for name in {meta["name"], meta.get("name_native") or meta["name"], english[slug]}:
                assert has_phrase(text, name), (lang, slug, paper, name, text)
            assert has_phrase(text, DEMAND[lang]), (lang, slug, text)
            profile = f"{'' if lang == 'en' else lang + '/'}prisoners/{slug}.html"
            assert profile in re.sub(r"\s+", "", text), (lang, slug, text)
            for chrome in ("Skip to main content", "Telegram", "Atom"):
                assert chrome not in text
        report("print", f"{lang} posters/{slug}.html: 1 page on A4 and on Letter, names in Latin and Persian script")


@pytest.mark.parametrize("lang", LANGS)
def test_printed_pages_leave_out_navigation_sharing_and_footer(site, page, lang):
    page.emulate_media(media="print")
    try:
        for template in ("index", "article", "prisoner", "event", "page"):
            page.goto(url(site, lang, TEMPLATES[template]))
            shown = page.evaluate("""() => Object.fromEntries(['.site-nav', '.languages', '.site-footer', '.share',
                '.skip-link', 'main'].map(s => [s, [...document.querySelectorAll(s)]
                  .some(e => getComputedStyle(e).display !== 'none')]))""")
            assert shown == {".site-nav": False, ".languages": False, ".site-footer": False, ".share": False,
                             ".skip-link": False, "main": True}, (lang, template, shown)
            size = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector("
                                 "'main .prose p, main .summary p, main p:not(.meta)')).fontSize)")
            assert size >= 14, (lang, template, size)  # 10.5 pt or more
    finally:
        page.emulate_media(media="screen")


def test_printed_links_to_other_sites_show_their_address(site, page):
    page.emulate_media(media="print")
    try:
        page.goto(url(site, "en", TEMPLATES["article"]))
        after = page.evaluate("""() => { const a = document.createElement('a'); a.href = 'https://example.org/report';
            a.textContent = 'a report'; document.querySelector('main .prose p').append(' ', a);
            const inside = document.querySelector('main .prose a[href^="../"], main .prose a:not([href^="http"])');
            return [getComputedStyle(a, '::after').content, inside ? getComputedStyle(inside, '::after').content : 'none']; }""")
        assert after[0] == '" (" "https://example.org/report" ")"' or "https://example.org/report" in after[0], after
        assert after[1] in ("none", "normal"), after
        pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
        text = "".join(p.extract_text() for p in pdf.pages)
        assert "https://example.org/report" in re.sub(r"\s+", "", text)
        assert "Skip to main content" not in text and "Telegram" not in text
        report("print", f"article on A4: {len(pdf.pages)} pages, no navigation, sharing or footer; "
                        "addresses of links to other sites printed after them")
    finally:
        page.emulate_media(media="screen")


def test_the_poster_offers_a_print_button_where_javascript_runs(site, page):
    page.goto(url(site, "fa", "posters/narges-mohammadi.html"))
    button = page.locator("button[data-print]")
    assert button.is_visible() and button.inner_text() == "چاپ این پوستر"
    page.emulate_media(media="print")
    try:
        assert not button.is_visible()
    finally:
        page.emulate_media(media="screen")
