"""Taking action: the action kit on profiles, signing the appeal, contact, the campaign's own images."""

import datetime
import filecmp
import re
import subprocess
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import WCAG_22_AA
from checker import nu_check
from conftest import LANGS, PUBLISH_URL, ROOT, report, run_build
from content import sources, translate
from pages import parse, resolve

PROFILES = sources("prisoners")
PAGES = sources("pages")
KITS = sorted(key for key, meta in PROFILES.items() if meta.get("action_letter"))
CONTACT = "appeal@campaign.example"
ENDPOINT = "https://forms.example.org/f/iec-appeal"


def paragraphs(text):
    return [" ".join(block.split()) for block in text.strip().split("\n\n") if block.strip()]


def profile(build, slug, lang):
    return build.lang_root(lang) / "prisoners" / f"{slug}.html"


@pytest.fixture(scope="module")
def with_form(tmp_path_factory):
    """With a form endpoint and a contact address, a year after the starter actions' review dates."""
    build = run_build(tmp_path_factory.mktemp("with-form") / "output",
                      overrides={"APPEAL_FORM_ACTION": ENDPOINT, "CONTACT_EMAIL": CONTACT, "BUILD_DATE": "2027-11-24"})
    assert build.status == 0, build.log
    return build


@pytest.fixture(scope="module")
def email_only(tmp_path_factory):
    build = run_build(tmp_path_factory.mktemp("email-only") / "output", overrides={"CONTACT_EMAIL": CONTACT})
    assert build.status == 0, build.log
    return build


# --- The action kit -------------------------------------------------------------------------------

def test_starter_content_has_action_kits_in_every_language():
    assert {slug for slug, _ in KITS} >= {"ahmadreza-djalali", "narges-mohammadi"}
    assert all((slug, lang) in KITS for slug, _ in KITS for lang in LANGS)


@pytest.mark.parametrize("slug, lang", KITS)
def test_the_kit_says_whom_to_write_to_and_shows_the_letter_in_the_pages_language(site, slug, lang):
    meta = PROFILES[(slug, lang)]
    kit = parse(profile(site, slug, lang)).cssselect("section.take-action")[0]
    addresses = [[line.strip() for line in a.itertext() if line.strip()] for a in kit.cssselect(".address")]
    assert addresses == [[line for line in block.strip().splitlines()] for block in meta["action_to"]]
    (letter,) = [div for div in kit.cssselect(".letter") if div.get("lang") is None]
    texts = [p.text_content() for p in letter.cssselect("p")]
    assert texts[0] == meta["action_salutation"]
    assert texts[1:-1] == paragraphs(meta["action_letter"])
    assert texts[-1] == translate("Your name, town and country", lang)


@pytest.mark.parametrize("slug, lang", [key for key in KITS if key[1] != "fa"])
def test_english_and_spanish_kits_also_carry_the_letter_in_persian(site, slug, lang):
    persian = PROFILES[(slug, "fa")]
    kit = parse(profile(site, slug, lang)).cssselect("section.take-action")[0]
    (letter,) = kit.cssselect('.letter[lang="fa"]')
    assert letter.get("dir") == "rtl"
    assert [p.text_content() for p in letter.cssselect("p")] == [persian["action_salutation"],
                                                                  *paragraphs(persian["action_letter"])]
    mailtos = [a.get("href") for a in kit.cssselect('a[href^="mailto:"]')]
    bodies = [parse_qs(urlsplit(href).query)["body"][0] for href in mailtos]
    assert any("\u0600" <= ch <= "\u06ff" for ch in bodies[1])


@pytest.mark.parametrize("slug, lang", KITS)
def test_the_letter_as_an_email_has_subject_and_body_percent_encoded_persian_included(site, slug, lang):
    meta = PROFILES[(slug, lang)]
    href = parse(profile(site, slug, lang)).cssselect("section.take-action a.button")[0].get("href")
    assert href.isascii() and " " not in href and "\n" not in href
    parts = urlsplit(href)
    assert parts.scheme == "mailto" and parts.path == ""  # the reader adds the embassy's address
    fields = {key: unquote(value) for key, value in (pair.split("=", 1) for pair in parts.query.split("&"))}
    assert fields["subject"] == meta["action_subject"]
    assert fields["body"] == "\r\n\r\n".join([meta["action_salutation"], meta["action_letter"].strip()]).replace(
        "\n\n", "\r\n\r\n").replace("\r\r", "\r")
    assert "+" not in parts.query  # a space is %20 in mailto:, never +


@pytest.mark.parametrize("slug, lang", KITS)
def test_an_action_past_its_review_date_says_it_may_be_out_of_date(site, with_form, slug, lang):
    review = PROFILES[(slug, lang)]["action_review"]
    assert review > datetime.date(2026, 11, 24)
    current = parse(profile(site, slug, lang)).cssselect("section.take-action")[0]
    assert not current.cssselect(".notice")
    assert current.cssselect(f'.meta time[datetime="{review.isoformat()}"]')
    expired = parse(profile(with_form, slug, lang)).cssselect("section.take-action")[0]
    (notice,) = expired.cssselect(".notice")
    assert translate("This action may be out of date.", lang) in notice.text_content()
    assert notice.cssselect(f'time[datetime="{review.isoformat()}"]')


POLITICAL = {
    "en": ["regime", "government", "authorit", "judiciary", "court", "sentence", "execution", "charge", "trial",
           "spy", "release", "prison", "protest", "revolution", r"war\b", "sanction"],
    "es": ["régimen", "gobierno", "autoridad", "poder judicial", "tribunal", "condena", "ejecución", "cargo",
           "juicio", "espía", "liberación", "prisión", "cárcel", "protesta", "revolución", "guerra", "sanci"],
    "fa": ["رژیم", "حکومت", "دولت", "مقامات", "قوه", "دادگاه", "حکم", "اعدام", "اتهام", "محاکمه", "جاسوس",
           "آزادی", "زندان", "اعتراض", "انقلاب", "جنگ", "تحریم"],
}
# Each is the start of a word (a regular expression after a word boundary), so "war" is not "warm".


@pytest.mark.parametrize("slug, lang", KITS)
def test_the_message_of_solidarity_keeps_clear_of_politics_and_the_case(site, slug, lang):
    meta = PROFILES[(slug, lang)]
    message = meta["action_solidarity"].lower()
    for word in POLITICAL[lang] + [re.escape(charge.lower()) for charge in meta.get("charges", [])]:
        assert not re.search(rf"(?<!\w){word}", message), (slug, lang, word)
    kit = parse(profile(site, slug, lang)).cssselect("section.take-action")[0]
    shown = [p.text_content() for p in kit.cssselect("blockquote.solidarity p")]
    assert shown == paragraphs(meta["action_solidarity"])
    # It goes through the campaign, never straight to the prison or the family.
    assert translate("We pass messages on only when it is safe. Never send anything to the prison or to the "
                     "family yourself.", lang) in kit.text_content()


@pytest.mark.parametrize("lang", LANGS)
def test_messages_of_solidarity_are_sent_to_the_contact_address_when_there_is_one(site, email_only, lang):
    slug = KITS[0][0]
    assert not parse(profile(site, slug, lang)).cssselect('blockquote.solidarity ~ p a[href^="mailto:"]')
    (link,) = parse(profile(email_only, slug, lang)).cssselect('blockquote.solidarity ~ p a[href^="mailto:"]')
    parts = urlsplit(link.get("href"))
    assert parts.path == CONTACT
    assert unquote(parse_qs(parts.query)["body"][0]).startswith(paragraphs(PROFILES[(slug, lang)]["action_solidarity"])[0])


@pytest.mark.parametrize("lang", LANGS)
def test_the_kit_warns_readers_in_iran_not_to_sign_with_their_name(site, lang):
    for slug, kit_lang in KITS:
        if kit_lang == lang:
            text = parse(profile(site, slug, lang)).cssselect("section.take-action")[0].text_content()
            assert translate("If you live in Iran, do not send it under your own name: share this page with people "
                             "abroad instead.", lang) in text


# --- Signing the appeal and contact -----------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_appeal_form_posts_to_the_configured_endpoint_with_every_field_labelled(with_form, lang):
    page = with_form.lang_root(lang) / "appeal.html"
    tree = parse(page)
    (form,) = tree.cssselect("main form")
    assert form.get("action") == ENDPOINT and form.get("method") == "post"
    fields = form.cssselect("input:not([type=hidden])")
    assert [f.get("name") for f in fields] == ["name", "place", "email", "public"]
    for field in fields:
        (label,) = tree.cssselect(f'label[for="{field.get("id")}"]')
        assert label.text_content().strip()
    assert form.cssselect("input[name=name]")[0].get("required") is not None
    assert form.cssselect("input[name=public]")[0].get("checked") is None  # public only when the reader says so
    assert form.cssselect("input[type=hidden][name=language]")[0].get("value") == lang
    assert form.cssselect("button[type=submit]")
    (policy,) = tree.cssselect('meta[http-equiv="Content-Security-Policy"]')
    assert policy.get("content").endswith("form-action 'self' https://forms.example.org")
    assert not tree.xpath("//script[not(@src)]")


def test_the_policy_allows_forms_to_the_configured_host_only(site, with_form):
    assert "form-action 'self' https://forms.example.org;" in (with_form.output / "_headers").read_text()
    for page in site.pages():
        policy = parse(page).cssselect('meta[http-equiv="Content-Security-Policy"]')[0].get("content")
        assert policy.endswith("form-action 'self'"), page
        assert not parse(page).cssselect("form[method=post]"), page


@pytest.mark.parametrize("lang", LANGS)
def test_without_an_endpoint_the_appeal_is_signed_by_an_email_to_the_contact_address(site, email_only, lang):
    tree = parse(email_only.lang_root(lang) / "appeal.html")
    assert not tree.cssselect("main form")
    (button,) = tree.cssselect("section.sign a.button")
    parts = urlsplit(button.get("href"))
    assert parts.scheme == "mailto" and parts.path == CONTACT
    query = parse_qs(parts.query)
    assert query["subject"] == [translate("I sign the Emergency Appeal", lang)]
    assert query["body"][0].split("\r\n")[:2] == [translate("Name:", lang), translate("Town and country:", lang)]
    # With neither setting, the appeal points to the stalls and events.
    fallback = parse(site.lang_root(lang) / "appeal.html").cssselect("section.sign")[0]
    assert not fallback.cssselect("a, form")
    assert translate("Add your name at one of our stalls or events.", lang) in fallback.text_content()


@pytest.mark.parametrize("lang", LANGS)
def test_the_contact_address_is_given_on_about_appeal_and_donate(site, with_form, lang):
    for name in ("about", "appeal", "donate"):
        links = parse(with_form.lang_root(lang) / f"{name}.html").cssselect("section.contact a")
        assert [a.get("href") for a in links] == [f"mailto:{CONTACT}"] and links[0].text_content() == CONTACT
        assert not parse(site.lang_root(lang) / f"{name}.html").cssselect("section.contact a")
    assert not parse(with_form.lang_root(lang) / "volunteer.html").cssselect("section.contact")


def test_pages_with_the_form_and_the_kits_pass_the_nu_html_checker(with_form, email_only):
    pages = [str(build.lang_root(lang) / name) for build in (with_form, email_only) for lang in LANGS
             for name in ("appeal.html", "about.html", "donate.html", *(f"prisoners/{s}.html" for s, _ in KITS[::3]))]
    result = nu_check(*pages)
    assert result.returncode == 0, result.stdout + result.stderr
    report("Nu Html Checker", f"{len(pages)} appeal, contact and action-kit pages with the form settings: 0 errors")


# --- In a browser: accessibility, target sizes, printing --------------------------------------------



@pytest.mark.parametrize("lang", LANGS)
def test_the_form_and_the_kit_have_no_wcag_violation_and_targets_of_24_pixels(browser, with_form, lang):
    page = browser.new_page(viewport={"width": 1024, "height": 800})
    try:
        for path in ("appeal.html", "prisoners/ahmadreza-djalali.html"):
            page.goto((with_form.lang_root(lang) / path).as_uri())
            result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}}).response
            assert result["violations"] == [], [(v["id"], v["nodes"][0]["target"]) for v in result["violations"]]
            report("axe-core (WCAG 2.2 AA)", f"{lang} {path} with the appeal form: 0 violations")
        page.set_viewport_size({"width": 375, "height": 800})  # a phone
        page.goto((with_form.lang_root(lang) / "appeal.html").as_uri())
        sizes = page.eval_on_selector_all(
            "form input:not([type=hidden]), form button, form label",
            "els => els.map(e => [e.tagName, e.type || '', e.getBoundingClientRect().width, e.getBoundingClientRect().height])")
        assert len(sizes) == 9
        for tag, kind, width, height in sizes:
            if tag != "LABEL":
                assert width >= 24 and height >= 24, (tag, kind, width, height)
    finally:
        page.close()


def test_a_printed_profile_puts_the_letter_on_a_page_of_its_own_without_buttons(browser, site):
    page = browser.new_page()
    try:
        page.goto(profile(site, "ahmadreza-djalali", "en").as_uri())
        page.emulate_media(media="print")
        letter = page.eval_on_selector(".take-action .letter", "e => getComputedStyle(e).breakBefore")
        buttons = page.eval_on_selector_all(".take-action .button", "els => els.map(e => getComputedStyle(e).display)")
        assert letter == "page" and buttons and set(buttons) == {"none"}
    finally:
        page.close()


# --- The campaign's own images -------------------------------------------------------------------

ILLUSTRATED = {"appeal": "letters.png", "volunteer": "vigil-candles.png"}


def test_the_illustrations_are_drawn_by_the_committed_script(tmp_path):
    subprocess.run([str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "tools" / "illustrations.py"), str(tmp_path)],
                   check=True, capture_output=True)
    for name in ILLUSTRATED.values():
        assert filecmp.cmp(tmp_path / name, ROOT / "content" / "images" / name, shallow=False), name


@pytest.mark.parametrize("lang", LANGS)
def test_starter_pages_show_the_campaigns_illustrations_with_description_and_link_preview(site, published, lang):
    for name, image in ILLUSTRATED.items():
        meta = PAGES[(name, lang)]
        assert meta["image"] == image
        page = published.lang_root(lang) / f"{name}.html"
        tree = parse(page)
        (img,) = tree.cssselect("figure.lead-image img")
        assert img.get("alt") == meta["image_alt"] and img.get("width") == "1200" and img.get("height") == "630"
        preview = site.lang_root(lang) / f"{name}.html"
        assert resolve(site.output, preview, parse(preview).cssselect("figure.lead-image img")[0].get("src")).is_file()
        assert tree.cssselect("figure.lead-image picture source[type='image/webp']")
        (og,) = tree.cssselect('meta[property="og:image"]')
        assert og.get("content") == f"{PUBLISH_URL}/images/{image.removesuffix('.png')}-1200.png"
        assert meta["image_credit"] in tree.cssselect("figure.lead-image figcaption")[0].text_content()


def test_every_page_has_a_link_preview_image_the_sites_card_in_its_language_without_one(published):
    for page in published.pages():
        tree = parse(page)
        (og,) = tree.cssselect('meta[property="og:image"]')
        lang = tree.get("lang")
        path = unquote(urlsplit(og.get("content")).path).removeprefix(urlsplit(PUBLISH_URL).path + "/")
        assert (published.output / path).is_file(), page
        has_own = tree.cssselect("figure.lead-image img")
        if not has_own:
            assert path == f"images/social-card-{lang}-1200.png", page
            alt = tree.cssselect('meta[property="og:image:alt"]')[0].get("content")
            assert alt == tree.cssselect('meta[property="og:site_name"]')[0].get("content")


def test_the_social_cards_name_the_site_in_each_language():
    from PIL import Image
    for lang in LANGS:
        with Image.open(ROOT / "content" / "images" / f"social-card-{lang}.png") as card:
            assert card.size == (1200, 630)


def test_a_form_endpoint_that_is_not_https_fails_the_build_in_one_line(tmp_path):
    build = run_build(tmp_path / "output", overrides={"APPEAL_FORM_ACTION": "http://forms.example.org/f"})
    assert build.status != 0
    assert build.log.strip() == ("APPEAL_FORM_ACTION: 'http://forms.example.org/f' is not an https:// address; "
                                 "signatures must travel encrypted (leave it empty to sign by email)")


@pytest.mark.parametrize("lang", LANGS)
def test_the_prisoners_index_leads_to_each_action_kit(site, lang):
    page = site.lang_root(lang) / "prisoners" / "index.html"
    links = {a.get("href") for a in parse(page).cssselect(".prisoner-card a") if a.get("href").endswith("#take-action")}
    assert links == {f"../prisoners/{slug}.html#take-action" for slug, kit_lang in KITS if kit_lang == lang}
