"""The site in a real browser: Debian's Chromium, headless, driven by Playwright, checked with axe-core."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser import TEMPLATES, WCAG_22_AA, url
from conftest import LANGS, report
from PIL import Image



@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()



def first_tag_page(site, lang):
    tags = sorted(p for p in (site.lang_root(lang) / "tags").glob("*.html") if p.name != "index.html")
    return tags[0].relative_to(site.lang_root(lang)).as_posix()


@pytest.mark.parametrize("lang", LANGS)
def test_every_template_has_no_wcag_22_aa_violation(site, page, lang):
    axe = Axe()
    pages = {**EVERY_TEMPLATE, "tag": first_tag_page(site, lang)}
    for template, path in pages.items():
        if not (site.lang_root(lang) / path).exists():
            continue
        page.goto(url(site, lang, path))
        violations = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}}).response["violations"]
        assert violations == [], (lang, template, [(v["id"], v["nodes"][0]["target"]) for v in violations])
        report("axe-core (WCAG 2.2 AA)", f"{lang} {template:10} {path}: 0 violations")
    assert all(request.startswith("file://") for request in page.requests), page.requests


@pytest.mark.parametrize("lang", LANGS)
def test_keyboard_users_get_a_skip_link_and_a_visible_focus(site, page, lang):
    page.goto(url(site, lang, TEMPLATES["article"]))
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
        const r = e.getBoundingClientRect();
        return {cls: e.className, outline: s.outlineStyle, width: parseFloat(s.outlineWidth), top: r.top, h: r.height}; }""")
    assert focused["cls"] == "skip-link" and focused["top"] >= 0 and focused["h"] > 0
    assert focused["outline"] != "none" and focused["width"] >= 2
    page.keyboard.press("Enter")
    # Following the fragment link is asynchronous: wait for it rather than race it.
    page.wait_for_url(lambda address: address.endswith("#main"), timeout=5000)
    checked = 0
    for _ in range(30):
        page.keyboard.press("Tab")
        tag, outline, width = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return [document.activeElement.tagName, s.outlineStyle, parseFloat(s.outlineWidth)]; }")
        if tag == "BODY":
            break  # past the last link
        assert tag in ("A", "INPUT", "BUTTON") and outline != "none" and width >= 2, (tag, outline, width)
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("lang", LANGS)
def test_navigation_targets_are_at_least_24_by_24_pixels(site, page, lang):
    for path in (TEMPLATES["index"], TEMPLATES["article"], TEMPLATES["category"], TEMPLATES["tags"]):
        page.set_viewport_size({"width": 360, "height": 740})
        page.goto(url(site, lang, path))
        boxes = page.evaluate("""() => [...document.querySelectorAll(
            'nav a, .languages span, .tags a, .tag-cloud a, .button, .pagination a, .entry-title a')]
            .map(e => { const r = e.getBoundingClientRect(); return [e.textContent.trim(), r.width, r.height]; })""")
        assert boxes
        for text, width, height in boxes:
            assert width >= 24 and height >= 24, (lang, path, text, width, height)


def test_every_page_has_the_landmarks_screen_readers_jump_between(site, page):
    for lang in LANGS:
        page.goto(url(site, lang, TEMPLATES["prisoner"]))
        assert page.get_by_role("banner").count() == 1
        assert page.get_by_role("main").count() == 1
        assert page.get_by_role("contentinfo").count() == 1
        navigation = page.get_by_role("navigation")
        labels = {navigation.nth(i).get_attribute("aria-label") for i in range(navigation.count())}
        assert len(labels) == navigation.count() >= 2


def test_pages_read_the_same_with_javascript_off(site, browser):
    texts = []
    for enabled in (True, False):
        context = browser.new_context(java_script_enabled=enabled)
        page = context.new_page()
        page.goto(url(site, "fa", TEMPLATES["event"]))
        # The "Copy link" button is the one thing JavaScript adds (it is hidden without it).
        page.evaluate("() => document.querySelectorAll('main button[data-copy]').forEach(b => b.remove())")
        texts.append(page.inner_text("main"))
        context.close()
    assert texts[0] == texts[1] and len(texts[0]) > 500


def test_farsi_pages_lay_out_right_to_left(site, page, tmp_path):
    # A page with a short heading (the home page's is the campaign's demand, a full line).
    page.goto(url(site, "fa", TEMPLATES["category"]))
    shot = tmp_path / "fa-index.png"
    page.screenshot(path=str(shot), full_page=False)
    width = page.viewport_size["width"]
    nav = page.evaluate("() => [...document.querySelectorAll('.site-nav a')]"
                        ".map(a => { const r = a.getBoundingClientRect(); return [Math.round(r.top), r.right]; })")
    rows = {}
    for top, x in nav:
        rows.setdefault(top, []).append(x)
    assert all(xs == sorted(xs, reverse=True) for xs in rows.values()), "each row should run right to left"
    right_edges = [xs[0] for xs in rows.values()]
    assert max(right_edges) - min(right_edges) < 1 and right_edges[0] > width / 2, "rows start at the right"
    heading = page.evaluate("""() => { const h = document.querySelector('main h1'); const r = h.getBoundingClientRect();
        const m = document.querySelector('main').getBoundingClientRect(); const range = document.createRange();
        range.selectNodeContents(h); const t = range.getBoundingClientRect();
        return {direction: getComputedStyle(h).direction, textRight: t.right, textLeft: t.left, mainRight: m.right,
                paddingRight: parseFloat(getComputedStyle(document.querySelector('main')).paddingRight)}; }""")
    assert heading["direction"] == "rtl"
    assert abs(heading["textRight"] - (heading["mainRight"] - heading["paddingRight"])) < 2, heading
    assert heading["textLeft"] > width / 3, "a short heading sits at the right, leaving the left empty"
    site_name = page.locator(".site-name").bounding_box()
    assert site_name["x"] + site_name["width"] > width * 0.6
    assert shot.stat().st_size > 10_000
    report("Farsi layout", f"screenshot {shot}: navigation rows, right edges: "
                           f"{[[round(x) for x in xs] for xs in rows.values()]}")


def test_only_farsi_pages_fetch_the_farsi_font_and_only_from_the_site(site, page):
    page.goto(url(site, "en", TEMPLATES["prisoner"]))
    page.wait_for_load_state("networkidle")
    assert not [r for r in page.requests if r.endswith(".woff2")]
    page.requests.clear()
    page.goto(url(site, "fa", TEMPLATES["article"]))
    page.wait_for_load_state("networkidle")
    fonts = [r for r in page.requests if r.endswith(".woff2")]
    assert fonts and all(r.startswith("file://") and "/theme/fonts/vazirmatn-" in r for r in fonts)
    assert page.evaluate("document.fonts.check('16px Vazirmatn', 'سلام')")


def test_the_offline_bundle_walks_from_home_to_farsi_to_an_article_and_back_to_english(unzipped_bundle, page):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto((unzipped_bundle / "index.html").as_uri())
    assert page.get_attribute("html", "lang") == "en"
    page.click("nav.languages a[lang=fa]")
    assert page.url.endswith("/fa/index.html") and page.get_attribute("html", "dir") == "rtl"
    title = page.inner_text(".entries .entry-title a >> nth=0")
    page.click(".entries .entry-title a >> nth=0")
    assert page.inner_text("main h1") == title
    article = page.url.split("/fa/", 1)[1]
    page.click("nav.languages a[lang=en]")
    assert page.get_attribute("html", "lang") == "en"
    assert page.url == (unzipped_bundle / article).as_uri()
    page.click(".site-nav a >> nth=0")
    assert page.url.endswith("/updates/index.html")
    assert failed == []
    assert all(r.startswith("file://") for r in page.requests)


@pytest.fixture(scope="module")
def served_site(site):
    """The built site over HTTP on the loopback address (the search index is fetched, not read from files)."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site.output))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("lang, query", [("fa", "اوین"), ("es", "vigilia"), ("en", "Nobel")])
def test_search_finds_pages_in_the_readers_language(served_site, page, lang, query):
    prefix = "" if lang == "en" else f"/{lang}"
    page.goto(f"{served_site}{prefix}/search.html")
    page.wait_for_selector(".search-form", state="visible")
    assert page.is_hidden(".search-fallback")
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    page.wait_for_selector(".search-results li a")
    hrefs = page.eval_on_selector_all(".search-results li a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs
    for href in hrefs:
        assert href.startswith(f"{prefix}/") and not (lang == "en" and href.startswith(("/fa/", "/es/"))), href
    assert all(r.startswith(served_site) for r in page.requests), "everything loads from the site itself"
    report("search", f"{lang} '{query}': {len(hrefs)} results, first {hrefs[0]}")


def test_without_javascript_the_search_page_offers_places_to_browse(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(url(site, "fa", "search.html"))
    assert page.is_visible(".search-fallback") and page.is_hidden(".search-form")
    assert page.locator(".search-fallback a").count() == 5
    context.close()


@pytest.fixture(scope="module")
def served_under_a_sub_path(site):
    """The built site over HTTP at /iec/, with every request the server answered: [(path, status)]."""
    import functools
    import http.server
    import threading

    answered = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path):
            inside = path.startswith("/iec/")
            return super().translate_path(path[len("/iec"):] if inside else "/does-not-exist" + path)

        def log_request(self, code="-", size="-"):
            answered.append((self.path, int(getattr(code, "value", code))))

        def log_message(self, *args):
            pass

    handler = functools.partial(Handler, directory=str(site.output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/iec", answered
    server.shutdown()


@pytest.mark.parametrize("lang", LANGS)
def test_no_request_of_a_page_fails_in_any_language_under_a_sub_path(served_under_a_sub_path, browser, lang):
    """Every file a page needs is there, its icons too (no 404 in the console)."""
    address, answered = served_under_a_sub_path
    prefix = "" if lang == "en" else f"/{lang}"
    for path in ("index.html", TEMPLATES["article"], TEMPLATES["prisoner"]):
        # A new context each time: nothing comes from the cache of the page before.
        context = browser.new_context()
        page = context.new_page()
        failed, statuses = [], []
        page.on("requestfailed", lambda request: failed.append((request.url, request.failure)))
        page.on("response", lambda response: statuses.append((response.url, response.status)))
        answered.clear()
        page.goto(f"{address}{prefix}/{path}")
        page.wait_for_load_state("networkidle")
        # A browser with tabs then asks for the icons the page names; the headless shell shows none.
        for icon in page.eval_on_selector_all("link[rel~=icon], link[rel=apple-touch-icon]",
                                              "links => links.map(link => link.href)"):
            page.request.get(icon)
        context.close()
        assert [(asked, status) for asked, status in answered if status >= 400] == [], (lang, path)
        assert {("/iec/theme/favicon.ico", 200), ("/iec/theme/apple-touch-icon.png", 200)} <= set(answered), \
            (lang, path, answered)
        assert failed == [] and [s for s in statuses if s[1] >= 400] == [], (lang, path, failed, statuses)


def test_browsers_asking_the_site_root_for_its_icon_get_it(site, served_site, page):
    """/favicon.ico, for hosts where the site is the root: the theme's icon, small, in three sizes."""
    response = page.goto(f"{served_site}/favicon.ico")
    assert response.status == 200 and response.headers["content-type"].startswith("image/")
    icon = site.output / "theme" / "favicon.ico"
    assert response.body() == icon.read_bytes() == (site.output / "favicon.ico").read_bytes()
    assert len(response.body()) < 2048
    with Image.open(icon) as image:
        assert image.info["sizes"] == {(16, 16), (32, 32), (48, 48)}


# --- Layout on phones and desktops ------------------------------------------------------------

EVERY_TEMPLATE = {**TEMPLATES, "poster": "posters/narges-mohammadi.html", "search": "search.html",
                  "subscribe": "subscribe.html", "updates": "updates/index.html"}
PHONE = {"width": 390, "height": 844}


def templates_of(site, lang):
    pages = {**EVERY_TEMPLATE, "tag": first_tag_page(site, lang)}
    return {name: path for name, path in pages.items() if (site.lang_root(lang) / path).exists()}


@pytest.mark.parametrize("lang", LANGS)
def test_no_template_scrolls_sideways_at_320_pixels(site, page, lang):
    """Long feed addresses, names and URLs wrap: nothing is wider than the smallest phone."""
    page.set_viewport_size({"width": 320, "height": 640})
    checked = []
    for template, path in templates_of(site, lang).items():
        page.goto(url(site, lang, path))
        widths = page.evaluate("""() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,
            [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 0.5
               || e.getBoundingClientRect().left < -0.5).map(e => e.tagName + '.' + e.className).slice(0, 5)]""")
        assert widths[0] <= widths[1] and not widths[2], (lang, template, widths)
        checked.append(template)
    assert len(checked) >= 14
    report("layout", f"{lang}: no horizontal overflow at 320 px on {len(checked)} templates")


@pytest.mark.parametrize("lang", LANGS)
def test_the_first_story_shows_on_the_first_screen_of_a_phone(site, page, lang):
    page.set_viewport_size(PHONE)
    page.goto(url(site, lang, TEMPLATES["index"]))
    header = page.locator(".site-header").bounding_box()
    first = page.locator(".entries .entry-title >> nth=0").bounding_box()
    assert header["height"] <= 0.2 * PHONE["height"], header
    assert first["y"] + first["height"] <= PHONE["height"], (lang, first)
    page.goto(url(site, lang, TEMPLATES["article"]))
    paragraph = page.locator("main .prose p >> nth=0").bounding_box()
    assert paragraph["y"] < PHONE["height"] - 50, (lang, paragraph)
    report("layout", f"{lang} 390×844: header {header['height']:.0f} px, first story's title ends at "
                     f"{first['y'] + first['height']:.0f} px; article text starts at {paragraph['y']:.0f} px")


@pytest.mark.parametrize("lang", LANGS)
def test_the_navigation_is_one_row_on_a_desktop(site, page, lang):
    page.set_viewport_size({"width": 1280, "height": 800})
    for path in (TEMPLATES["index"], TEMPLATES["article"], TEMPLATES["prisoner"]):
        page.goto(url(site, lang, path))
        tops = page.evaluate("() => [...new Set([...document.querySelectorAll('.site-nav a')]"
                             ".map(a => Math.round(a.getBoundingClientRect().top)))]")
        assert len(tops) == 1, (lang, path, tops)


def test_titles_in_lists_are_underlined_only_when_pointed_at_and_skip_persian_descenders(site, page):
    page.goto(url(site, "fa", TEMPLATES["index"]))
    title = page.locator(".entries .entry-title a >> nth=0")
    style = "e => { const s = getComputedStyle(e); return [s.textDecorationLine, s.textDecorationSkipInk]; }"
    assert title.evaluate(style)[0] == "none"
    title.hover()
    assert title.evaluate(style) == ["underline", "auto"]
    page.goto(url(site, "fa", TEMPLATES["article"]))
    link = page.locator("main .named-prisoners a >> nth=0")
    line, skip = link.evaluate(style)
    offset = link.evaluate("e => parseFloat(getComputedStyle(e).textUnderlineOffset) / parseFloat(getComputedStyle(e).fontSize)")
    assert line == "underline" and skip == "auto" and offset >= 0.3


def test_persian_text_is_set_larger_than_latin_text(site, page):
    sizes = {}
    for lang in LANGS:
        page.goto(url(site, lang, TEMPLATES["article"]))
        sizes[lang] = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('main .prose p')).fontSize)")
    assert sizes["fa"] >= 1.1 * sizes["en"] and sizes["en"] == sizes["es"] >= 16, sizes
    report("layout", f"body text: {sizes} px")


@pytest.mark.parametrize("lang", LANGS)
def test_share_buttons_are_at_least_24_by_24_pixels(site, page, lang):
    page.set_viewport_size(PHONE)
    for path in (TEMPLATES["article"], TEMPLATES["prisoner"]):
        page.goto(url(site, lang, path))
        boxes = page.evaluate("() => [...document.querySelectorAll('.share li a')]"
                              ".map(e => { const r = e.getBoundingClientRect(); return [e.textContent, r.width, r.height]; })")
        assert len(boxes) == 6
        assert all(width >= 24 and height >= 24 for _, width, height in boxes), boxes


@pytest.mark.parametrize("lang", LANGS)
def test_the_home_page_shows_the_status_of_the_prisoners_in_danger(site, browser, lang):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.goto(url(site, lang, TEMPLATES["index"]))
    badges = page.locator(".danger-list .badge")
    assert badges.count() >= 2
    for i in range(badges.count()):
        assert badges.nth(i).is_visible() and badges.nth(i).inner_text().strip()
    assert page.locator(".appeal .actions a").count() == 2 and page.locator(".next-event time").is_visible()
    context.close()


# --- Persian-aware search -----------------------------------------------------------------------

def search(page, address, query):
    page.goto(f"{address}/fa/search.html")
    page.wait_for_selector(".search-form", state="visible")
    page.fill("#search-query", query)
    page.press("#search-query", "Enter")
    page.wait_for_selector(".search-results li")
    return page.eval_on_selector_all(".search-results li a", "links => links.map(a => a.getAttribute('href'))")


ARABIC = str.maketrans({"ی": "ي", "ک": "ك", **{chr(0x06F0 + d): chr(0x0660 + d) for d in range(10)}})


def test_a_query_typed_on_an_arabic_keyboard_finds_farsi_pages(served_site, page):
    for persian in ("زندانیان", "کارزار"):
        arabic = persian.translate(ARABIC)
        assert arabic != persian
        found = search(page, served_site, arabic)
        assert found and found == search(page, served_site, persian), (persian, found)
    style = page.eval_on_selector(".search-results", "e => getComputedStyle(e).listStyleType")
    assert style == "persian"
    report("search", f"fa 'زندانيان' (Arabic ي): {len(found)} results, the same as with Persian ی; "
                     "numbered in Persian digits")


@pytest.fixture(scope="module")
def served_arabic_keyboard_site(tmp_path_factory):
    """A site with one Farsi update written on an Arabic keyboard (ي, ك, Arabic-Indic digits), over HTTP."""
    import functools
    import http.server
    import shutil
    import threading

    from conftest import ROOT, run_build

    content = tmp_path_factory.mktemp("arabic-keyboard") / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "updates" / "arabic-keyboard.fa.md").write_text(
        '---\ntitle: "يادداشتي از كتابخانهٔ زندان"\ndate: 2026-11-01\nsummary: "نامه‌اي دربارهٔ كتابخانه"\n---\n\n'
        "زندانيان در سال ١٤٠٣ براي كتابخانهٔ زندان كتاب خواستند.\n", encoding="utf-8")
    build = run_build(content.parent / "output", content=content)
    assert build.status == 0, build.log
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(build.output))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_farsi_page_written_on_an_arabic_keyboard_is_found_with_persian_letters(served_arabic_keyboard_site, page):
    for query in ("کتابخانهٔ", "یادداشتی", "۱۴۰۳", "١٤٠٣"):
        found = search(page, served_arabic_keyboard_site, query)
        assert "/fa/updates/arabic-keyboard.html" in found, (query, found)


def test_search_excerpts_keep_labels_apart_from_their_values(served_site, page):
    page.goto(f"{served_site}/search.html")
    page.wait_for_selector(".search-form", state="visible")
    page.fill("#search-query", "Evin")
    page.press("#search-query", "Enter")
    page.wait_for_selector(".search-results li p")
    excerpts = page.eval_on_selector_all(".search-results li p", "ps => ps.map(p => p.textContent)")
    assert excerpts
    for text in excerpts:
        assert not re.search(r"[a-z.,:;)][A-Z]", text), text
    report("search", f"en 'Evin': excerpts such as {excerpts[0][:90]!r}")
