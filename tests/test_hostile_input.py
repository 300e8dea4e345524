"""Hostile and random input: inert markup, well-formed feeds, one-line errors, no partial output.

The property tests are derandomized so CI always runs the same examples; to
explore new ones locally, raise max_examples and drop derandomize.
"""

import datetime
import os
import re
import tempfile
from pathlib import Path

import feedparser
import icalendar
import pytest
import yaml
from conftest import ROOT, edited_site, run_build
from content_contract import check_content
from hypothesis import HealthCheck, given, settings
from hostile import (METADATA_MARKERS, SVG_WITH_SCRIPT, active_content, feed_markup, heic_with_location,
                     jpeg_with_location, png_claiming_size, published_files, truncated_jpeg, webp_with_location)
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html
from pages import parse
from pelican.settings import read_settings
from PIL import Image

HOSTILE_TITLE = "</title><script>alert(1)</script> \"double\" 'single' \u202eevil\u202c & <b>bold</b>"
# Markdown turns straight quotes into typographic ones in summaries, so this one has none.
HOSTILE_SUMMARY = "</title><script>alert(1)</script> \u202eevil\u202c & <b>bold</b> <img src=x onerror=alert(3)>"
CONTROL_BODY = "Before\x01 the\x0b bell\x1f rang.\n\nNext paragraph \ufffe end.\n"


def write_piece(path: Path, meta: dict, body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + body,
                    encoding="utf-8")


# --- One site holds every hostile piece that must build -----------------------------------------
#
# Each test of a site built from hostile pieces adds them with its add_… function (below, beside the
# test); they are different files (or, for the photos, lines no other adds), and every such test
# checks all the pages and feeds, so one build of the starter content with all of them serves all.

@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    return edited_site(tmp_path_factory, "hostile", add_hostile_metadata, add_hostile_links,
                       add_persian_tag_variants, add_photos_in_every_language)


def add_hostile_metadata(content):
    write_piece(content / "events" / "hostile.en.md", {
        "title": HOSTILE_TITLE, "date": datetime.date(2026, 11, 1), "start": "2026-12-01 18:00",
        "timezone": "Europe/Madrid", "summary": HOSTILE_SUMMARY,
        "location": {"name": HOSTILE_TITLE, "address": "<img src=x onerror=alert(2)>"},
        "tags": ["<script>tag</script>"],
    }, CONTROL_BODY)


def test_hostile_metadata_renders_inert_everywhere(hostile_site):
    output = hostile_site.output
    for page in output.rglob("*.html"):
        tree = parse(page)
        assert not tree.xpath("//script[not(@src)]|//*[@onerror]|//b[text()='bold']"), page
    page = parse(output / "events" / "hostile.html")
    assert page.cssselect("title")[0].text_content().startswith(HOSTILE_TITLE)
    assert page.cssselect("h1")[0].text_content() == HOSTILE_TITLE
    assert page.cssselect('meta[name="description"]')[0].get("content") == HOSTILE_SUMMARY
    assert "Before the bell rang." in page.cssselect(".prose")[0].text_content()
    for feed_path in output.rglob("*.xml"):
        etree.parse(str(feed_path))  # strict XML: raises on a control character
        feed = feedparser.parse(feed_path.read_bytes())
        assert not feed.bozo, (feed_path, feed.get("bozo_exception"))
        for entry in feed.entries:
            assert "<script" not in entry.title
    events = icalendar.Calendar.from_ical((output / "events" / "calendar.ics").read_bytes()).walk("VEVENT")
    (hostile,) = [e for e in events if "hostile" in str(e["uid"])]
    assert str(hostile["summary"]) == HOSTILE_TITLE
    assert HOSTILE_TITLE in str(hostile["location"])


# --- Property-based: any content either builds or fails with one line per problem --------------

SCRIPTS = ["Evin ", "اوین ", "زندانی‌ها ", "عربي ", "\u200f", "\u202b", "\u200c", "😀 ", "ñá ", ":", "#", "'",
           '"', "<", "&", "\x07", "\n", " ", "-", "[", "{"]
words = st.lists(st.sampled_from(SCRIPTS), max_size=8).map("".join)
text = st.one_of(words, st.text(max_size=12))
dates = st.one_of(st.dates(min_value=datetime.date(1300, 1, 1), max_value=datetime.date(2200, 1, 1)),
                  st.datetimes(min_value=datetime.datetime(1990, 1, 1), max_value=datetime.datetime(2030, 1, 1))
                  .map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
                  st.sampled_from(["1402-10-04", "2023-13-01", "tomorrow", "2023/10/09", ""]))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 3000), text, dates)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=2),
                      max_leaves=4)
FIELDS = ["title", "date", "summary", "tags", "status", "modified", "start", "end", "timezone", "location",
          "online", "event", "prisoners", "name", "name_native", "arrested", "born", "charges", "image",
          "sumary", "titel", "lang", "slug", "category", "template", "save_as"]
front_matter = st.dictionaries(st.one_of(st.sampled_from(FIELDS), text), values, max_size=6)
slugs = st.one_of(st.sampled_from(["vigil", "evin-visit", "a-1"]), text)
langs = st.sampled_from(["en", "fa", "es", "de", "EN", "", "fa.es"])
folders = st.sampled_from(["updates", "events", "pages", "prisoners"])
# safe_dump quotes a string that looks like a date, so days that do not exist come unquoted from here.
raw_headers = st.one_of(front_matter.map(lambda m: yaml.safe_dump(m, allow_unicode=True)), text,
                        st.sampled_from(["date: 2023-02-30\n", "title: x\nmodified: 2023-13-45\n"]))
bodies = st.one_of(st.just(""), text, st.just("{filename}/pages/missing.en.md"), st.just(CONTROL_BODY))
# Pieces that follow the contract except for what the text itself holds: they must build.
plausible_headers = st.fixed_dictionaries(
    {"title": words.filter(str.strip), "date": st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 1, 1)),
     "start": st.just("2026-12-01 18:00")},
    optional={"summary": text, "tags": st.lists(words.filter(lambda w: re.search(r"\w", w)), max_size=3),
              "location": st.fixed_dictionaries({"name": words.filter(str.strip)}), "timezone": st.just("Asia/Tehran")},
).map(lambda m: yaml.safe_dump(m, allow_unicode=True))
plausible = st.tuples(st.sampled_from(["updates", "events"]), st.sampled_from(["vigil", "evin-visit"]),
                      st.sampled_from(["en", "fa", "es"]), plausible_headers, bodies.filter(str.strip))
pieces = st.one_of(st.tuples(folders, slugs, langs, raw_headers, bodies), plausible)
CONTRACT_LINE = re.compile(r"^[^\n]*content/[^\n]*: [^\n:]+: [^\n]+$")


def make_content(root: Path, generated) -> None:
    """A small site: one valid page and update, plus the generated pieces."""
    write_piece(root / "pages" / "about.en.md", {"title": "About"}, "Text.\n")
    write_piece(root / "updates" / "base.en.md", {"title": "Base", "date": datetime.date(2026, 1, 1)}, "Text.\n")
    for folder, slug, lang, header, body in generated:
        name = f"{slug}.{lang}.md" if lang else f"{slug}.md"
        if "/" in name or name.startswith(".") or "\x00" in name:
            continue
        path = root / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            path.write_text(f"---\n{header}\n---\n\n{body}", encoding="utf-8")
        except (OSError, UnicodeEncodeError):
            continue


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pieces, min_size=1, max_size=3))
def test_checking_any_content_gives_only_one_line_problems(generated):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "content"
        make_content(root, generated)
        problems = check_content(read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(root)}))
        for line in problems:
            assert CONTRACT_LINE.match(line), line


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(pieces, min_size=1, max_size=2))
def test_any_content_builds_completely_or_fails_cleanly_leaving_output_alone(generated):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "content"
        make_content(root, generated)
        output = Path(tmp) / "output"
        output.mkdir()
        (output / "previous-site.txt").write_text("the last good build")
        build = run_build(output, content=root)
        assert "Traceback" not in build.log
        if build.status == 0:
            assert (output / "index.html").is_file() and not (output / "previous-site.txt").exists()
            for feed in output.rglob("*.xml"):
                assert not feedparser.parse(feed.read_bytes()).bozo, feed
        else:
            lines = build.log.strip().splitlines()
            assert lines and all(CONTRACT_LINE.match(line) for line in lines), build.log
            assert sorted(p.name for p in output.iterdir()) == ["previous-site.txt"]
        left = sorted(p.name for p in Path(tmp).iterdir() if p.name != ".output.lock")
        assert left in (["content", "output"], ["content", "output", "output-cache"])


# --- Nothing from outside content/ is published ---------------------------------------------------

def previous_output(tmp_path: Path) -> Path:
    output = tmp_path / "output"
    output.mkdir()
    (output / "previous-site.txt").write_text("the last good build")
    return output


def assert_refused(build, output: Path, *expected: str) -> None:
    """The build failed with one contract line per problem, naming each expected one, and left output/ alone."""
    assert build.status != 0, build.log
    lines = build.log.strip().splitlines()
    assert "Traceback" not in build.log
    assert all(CONTRACT_LINE.match(line) for line in lines), build.log
    for text in expected:
        assert any(text in line for line in lines), (text, build.log)
    assert sorted(p.name for p in output.iterdir()) == ["previous-site.txt"]
    assert not [p for p in output.parent.iterdir() if p.name.startswith(".output-")]


def test_symbolic_links_anywhere_in_content_are_refused_and_publish_nothing(content_copy, tmp_path):
    images = content_copy / "images"
    images.mkdir(exist_ok=True)
    (images / "environ.jpg").symlink_to("/proc/self/environ")
    (images / "passwd.png").symlink_to("/etc/passwd")
    (content_copy / "updates" / "hosts.en.md").symlink_to("/etc/hosts")
    (content_copy / "pages" / "system").symlink_to("/etc")
    output = previous_output(tmp_path)
    build = run_build(output, content=content_copy, env={"IEC_DEPLOY_TOKEN": "secret-token-123"})
    assert_refused(build, output, "content/images/environ.jpg: file: a symbolic link",
                   "content/images/passwd.png: file: a symbolic link", "content/updates/hosts.en.md: file: a symbolic link",
                   "content/pages/system: file: a symbolic link")
    assert "secret-token-123" not in build.log


def test_paths_that_climb_out_of_content_are_refused_with_the_file_and_field(content_copy, tmp_path):
    piece = content_copy / "updates" / "letters-to-evin.en.md"
    text = piece.read_text(encoding="utf-8").replace("tags:", "image: ../../../../etc/passwd\nimage_alt: x\ntags:", 1)
    piece.write_text(text + "\n[a]({static}/../../../../etc/passwd) [b]({filename}/../../outside.md)"
                            " [c](/etc/hostname) [d]({static}/pages/about.en.md) [e]({attach}/pages/about.es.md)\n",
                     encoding="utf-8")
    (content_copy.parent / "outside.md").write_text("---\ntitle: x\n---\nx\n")
    output = previous_output(tmp_path)
    build = run_build(output, content=content_copy)
    shown = "content/updates/letters-to-evin.en.md"
    assert_refused(build, output, f"{shown}: image: '../../../../etc/passwd' is outside content/images/",
                   f"{shown}: body: links to '/../../../../etc/passwd', which is outside content/",
                   f"{shown}: body: links to '/../../outside.md', which is outside content/",
                   f"{shown}: body: {{static}} links to the piece '/pages/about.en.md'; write {{filename}}",
                   f"{shown}: body: {{attach}} links to '/pages/about.es.md'")


# --- No image anywhere in the output keeps its metadata -----------------------------------------

def add_photos_in_every_language(content):
    """Photos with GPS, XMP and comments, used in the body of a Farsi and a Spanish piece and as lead images."""
    (content / "images").mkdir(exist_ok=True)
    jpeg_with_location(content / "images" / "evin-gate.jpg")
    webp_with_location(content / "images" / "banner.webp")
    for lang in ("fa", "es"):
        piece = content / "updates" / f"letters-to-evin.{lang}.md"
        text = piece.read_text(encoding="utf-8").replace("tags:", "image: banner.webp\nimage_alt: x\ntags:", 1)
        piece.write_text(text + "\n![evin]({static}/images/evin-gate.jpg)\n", encoding="utf-8")


def test_no_file_in_any_language_folder_carries_photo_metadata(hostile_site):
    output = hostile_site.output
    images = [p for p in published_files(output) if p.suffix.lower() in (".jpg", ".jpeg", ".png", ".webp", ".gif")]
    assert {p.name for p in images} >= {"evin-gate.jpg", "evin-gate-480.webp", "banner.webp", "banner-480.webp"}
    for path in published_files(output):
        data = path.read_bytes()
        assert not [marker for marker in METADATA_MARKERS if marker in data], path
    for path in images:
        with Image.open(path) as image:
            assert not image.getexif() and not {"exif", "xmp", "icc_profile", "comment"} & set(image.info), path
    assert not (output / "fa" / "images").exists() and not (output / "es" / "images").exists()


def test_images_in_translated_bodies_link_to_the_cleaned_copy(hostile_site):
    output = hostile_site.output
    for lang in ("fa", "es"):
        page = output / lang / "updates" / "letters-to-evin.html"
        (src,) = [img.get("src") for img in parse(page).cssselect(".prose img")]
        target = (page.parent / src).resolve()
        assert target == (output / "images" / "evin-gate.jpg").resolve(), src


def test_images_that_cannot_be_cleaned_or_decoded_safely_are_refused_by_name(content_copy, tmp_path):
    images = content_copy / "images"
    images.mkdir(exist_ok=True)
    heic_with_location(images / "from-phone.heic")
    (images / "logo.svg").write_text(SVG_WITH_SCRIPT)
    (images / "page.html").write_text("<script>alert(1)</script>")
    truncated_jpeg(images / "cut.jpg")
    png_claiming_size(images / "huge.png", 13000, 13000)
    png_claiming_size(images / "bomb.png", 60000, 60000)
    (images / "notes.txt").write_text("not an image")
    output = previous_output(tmp_path)
    build = run_build(output, content=content_copy)
    assert_refused(build, output, "content/images/from-phone.heic: image: a HEIC photo",
                   "content/images/logo.svg: image: an SVG drawing, which can carry scripts",
                   "content/images/page.html: image: a web page", "content/images/cut.jpg: image: damaged or cut short",
                   "content/images/huge.png: image: 13000×13000 pixels is more than 40 megapixels",
                   "content/images/bomb.png: image: more than 40 megapixels",
                   "content/images/notes.txt: image: not an image the site can publish")


def test_a_damaged_entry_in_the_image_cache_is_encoded_again(tmp_path):
    from images import process_images

    source, cache = tmp_path / "images", tmp_path / "cache"
    source.mkdir()
    jpeg_with_location(source / "vigil.jpg", (1200, 800))
    first = process_images(str(source), str(tmp_path / "out1"), [480], str(cache))
    (entry,) = cache.iterdir()
    cut = entry / "vigil-480.webp"
    cut.write_bytes(cut.read_bytes()[:100])
    process_images(str(source), str(tmp_path / "out2"), [480], str(cache))
    for name in first:
        assert (tmp_path / "out1" / name).read_bytes() == (tmp_path / "out2" / name).read_bytes(), name


# --- What YAML accepts but a writer never means ----------------------------------------------------

def check(root: Path) -> list[str]:
    return check_content(read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(root)}))


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))


def test_careless_and_hostile_front_matter_gets_one_line_each(content_copy):
    def piece(name, header, body="Text.\n"):
        path = content_copy / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{header}---\n\n{body}", encoding="utf-8")

    piece("updates/bomb.en.md", "title: Bomb\ndate: 2026-01-01\n" + BOMB)
    piece("updates/twice.en.md", "title: First\ndate: 2026-01-01\ntitle: Second\n")
    piece("updates/booleans.en.md", "title: Yes\ndate: 2026-01-01\ntags: [Evin, yes, on]\n")
    piece("updates/blank.en.md", "title: '   '\ndate: 2026-01-01\n")
    piece("updates/long-tag.fa.md", "title: x\ndate: 2026-01-01\ntags: [" + "زندان" * 60 + "]\n")
    piece("updates/index-tag.en.md", "title: x\ndate: 2026-01-01\ntags: [Index]\n")
    piece("events/backwards.en.md", "title: x\ndate: 2026-01-01\nstart: 2026-12-01 18:00\nend: 2026-12-01 17:00\n")
    piece("events/mixed.en.md", "title: x\ndate: 2026-01-01\nstart: 2026-12-01\nend: 2026-12-01 17:00\n")
    piece("events/address.en.md", "title: x\ndate: 2026-01-01\nstart: 2026-12-01\n"
                                  "location:\n  name: Hall\n  address: [1 Main St, Springfield]\n")
    piece("pages/search.en.md", "title: Search\n")
    piece("pages/subscribe.es.md", "title: x\n")
    piece("pages/page-2.en.md", "title: x\n")
    piece("updates/index.en.md", "title: x\ndate: 2026-01-01\n")
    piece("events/calendar.en.md", "title: x\ndate: 2026-01-01\nstart: 2026-12-01\n")
    piece("prisoners/index.en.md", "name: x\nstatus: imprisoned\n")
    piece("updates/2026/nested.en.md", "title: x\ndate: 2026-01-01\n")
    piece("updates/huge.en.md", "title: x\ndate: 2026-01-01\n", "word " * 500_000)
    piece("updates/front.en.md", "title: x\ndate: 2026-01-01\nsummary: '" + "x" * 40_000 + "'\n")
    os.mkfifo(content_copy / "updates" / "pipe.en.md")
    problems = check(content_copy)
    assert all(CONTRACT_LINE.match(line) for line in problems), problems
    expected = [
        "content/updates/bomb.en.md: b: uses a YAML alias (*name); write the value out in full",
        "content/updates/twice.en.md: title: given twice (lines 2 and 4); keep one",
        "content/updates/booleans.en.md: tags: 'yes' is read as true or false; put it in quotes",
        "content/updates/booleans.en.md: tags: 'on' is read as true or false",
        "content/updates/booleans.en.md: title: 'Yes' is read as true or false",
        "content/updates/blank.en.md: title: missing (required)",
        "content/updates/long-tag.fa.md: tags: ",
        "content/updates/index-tag.en.md: tags: 'Index' would replace the page listing all tags (tags/index.html)",
        "content/events/backwards.en.md: end: 2026-12-01 17:00 is before start 2026-12-01 18:00",
        "content/events/mixed.en.md: end: one of start and end has a time of day and the other not",
        "content/events/address.en.md: location: expected 'name:' and optionally 'address:'",
        "content/pages/search.en.md: slug: 'search' would overwrite search.html, which the site makes itself",
        "content/pages/subscribe.es.md: slug: 'subscribe' would overwrite subscribe.html",
        "content/pages/page-2.en.md: slug: 'page-2' would overwrite page-2.html",
        "content/updates/index.en.md: slug: 'index' would overwrite updates/index.html",
        "content/events/calendar.en.md: slug: 'calendar' would overwrite events/calendar.ics",
        "content/prisoners/index.en.md: slug: 'index' would overwrite prisoners/index.html",
        "content/updates/2026: file: a folder inside a section; put pieces directly in content/updates/",
        "content/updates/huge.en.md: file: 2.5 MB is more than a piece can be (2 MB)",
        "content/updates/front.en.md: front-matter: longer than 32 KB; move long text into the body",
        "content/updates/pipe.en.md: file: not a regular file; remove it from content/",
    ]
    for text in expected:
        assert any(line.startswith(text) for line in problems), (text, problems)
    assert len(problems) == len(expected), problems


def test_all_day_events_may_end_on_the_day_they_start(content_copy):
    path = content_copy / "events" / "vigil-san-francisco.en.md"
    text = path.read_text(encoding="utf-8")
    start = yaml.safe_load(text.split("---\n")[1])["start"]
    day = str(start)[:10]
    text = re.sub(r"(?m)^start:.*$", f"start: {day}", text)
    text = re.sub(r"(?m)^end:.*$", f"end: {day}", text)
    path.write_text(text, encoding="utf-8")
    assert check(content_copy) == []


# --- No script reaches a page or a feed -------------------------------------------------------------

HOSTILE_LINKS = [
    "[inline](javascript:alert(1))",
    "[upper](JaVaScRiPt:alert(2))",
    "[spaced](java\tscript:alert(3))",
    "[entity](&#106;avascript:alert(4))",
    "[hex](&#x6A;avascript:alert(5))",
    "[vb](vbscript:msgbox(6))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==)",
    "[reference][evil]\n\n[evil]: javascript:alert(8)",
    "<javascript:alert(9)>",
    "![pixel](https://tracker.example/pixel.png)",
    "![inline image](data:image/svg+xml,<svg onload=alert(10)>)",
    "[click](https://example.org){: onclick=\"alert(11)\" }",
    "[swap](https://example.org){: href=\"javascript:alert(12)\" }",
    "Paragraph with handler\n{: onmouseover=\"alert(13)\" style=\"position:fixed\" }",
    "<a href=\"javascript:alert(14)\">raw</a> <svg onload=alert(15)>",
]


def inert_problems(output: Path) -> list[str]:
    """Active content anywhere in the published tree: every page of every language, and every feed."""
    found = []
    for page in output.rglob("*.html"):
        found += [f"{page.relative_to(output)}: {item}" for item in active_content(page.read_text(encoding="utf-8"))]
    for feed in output.rglob("*.xml"):
        if feed.name != "sitemap.xml":
            for fragment in feed_markup(feed):
                found += [f"{feed.relative_to(output)}: {item}" for item in active_content(fragment)]
    return found


def add_hostile_links(content):
    for lang in ("en", "fa", "es"):
        write_piece(content / "updates" / f"hostile-links.{lang}.md",
                    {"title": "Links", "date": datetime.date(2026, 11, 20),
                     "summary": "[summary link](javascript:alert(0)) and ![x](https://tracker.example/s.png)"},
                    "\n\n".join(HOSTILE_LINKS) + "\n\nA [good link](https://example.org/appeal) stays.\n")


def test_script_links_and_event_attributes_never_reach_pages_or_feeds(hostile_site):
    output = hostile_site.output
    assert inert_problems(output) == []
    everything = "".join(path.read_text(encoding="utf-8", errors="replace") for path in published_files(output)
                         if path.suffix in (".html", ".xml"))
    assert "tracker.example" not in everything
    for lang in ("en", "fa", "es"):
        page = output / ("" if lang == "en" else lang) / "updates" / "hostile-links.html"
        prose = parse(page).cssselect(".prose")[0]
        assert [a.get("href") for a in prose.iter("a") if a.text == "good link"] == ["https://example.org/appeal"]
        assert "raw" in prose.text_content()  # raw HTML is shown as text, not dropped


hostile_url = st.one_of(
    st.sampled_from(["javascript:alert(1)", "JAVASCRIPT:alert(1)", "vbscript:x", "data:text/html,<script>x</script>",
                     "&#106;avascript:x", "java&#x09;script:x", " javascript:x", "javas\x00cript:x",
                     "https://example.org/ok", "/relative", "{filename}/pages/about.en.md", "//evil.example/x.png"]),
    st.text(alphabet="jJaAvVsScCrRiIpPtT:&#;x0123456789 \t/()", max_size=24))
hostile_attribute = st.sampled_from(["onclick", "onerror", "onload", "href", "src", "style", "formaction", "class",
                                     "srcdoc", "xlink:href"])
hostile_block = st.one_of(
    st.builds("[{}]({})".format, words, hostile_url),
    st.builds("![{}]({})".format, words, hostile_url),
    st.builds("<{}>".format, hostile_url),
    st.builds("[{}][r]\n\n[r]: {}".format, words, hostile_url),
    st.builds('[link](https://example.org){{: {}="{}" }}'.format, hostile_attribute, hostile_url),
    st.builds('Text\n{{: {}="{}" }}'.format, hostile_attribute, hostile_url),
    st.builds('<a href="{}" {}="x">raw</a>'.format, hostile_url, hostile_attribute),
)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_block, min_size=1, max_size=4))
def test_markdown_with_hostile_urls_and_attributes_renders_inert(blocks):
    from markdown_engine import render

    # What the reader caches: render sanitizes as it renders.
    cleaned = render("\n\n".join(blocks) + "\n", "en", read_settings(str(ROOT / "pelicanconf.py")))
    assert active_content(cleaned) == [], (blocks, cleaned)
    for img in lxml_html.fromstring(f"<div>{cleaned}</div>").iter("img"):
        assert not img.get("src") or "//" not in img.get("src"), cleaned


def test_html_sanitized_as_read_passes_and_any_text_made_from_it_is_sanitized_again():
    """The reader cache keeps sanitized HTML (SanitizedHTML) so that a rebuild
    does not sanitize it again; anything else that reaches a content object
    (another reader, a plugin changing the text) is sanitized when it is made."""
    from safe_text import SanitizedHTML, safe_html

    once = safe_html('<p onclick="steal()">Evin<script>steal()</script></p>')
    assert type(once) is SanitizedHTML and active_content(once) == [] and "Evin" in once
    assert safe_html(once) is once
    changed = once + "<img src=x onerror=steal()>"  # any str operation gives a plain str
    assert type(changed) is str
    assert active_content(safe_html(changed)) == []
    assert active_content(safe_html(str(once).replace("Evin", '<a href="javascript:steal()">Evin</a>'))) == []


@settings(max_examples=4, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_block, min_size=3, max_size=6))
def test_sites_built_from_hostile_markdown_stay_inert_in_pages_and_feeds(blocks):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "content"
        make_content(root, [])
        for lang in ("en", "fa"):
            write_piece(root / "updates" / f"hostile.{lang}.md", {"title": "x", "date": datetime.date(2026, 1, 2)},
                        "\n\n".join(blocks) + "\n")
        build = run_build(Path(tmp) / "output", content=root)
        assert build.status == 0, build.log
        assert inert_problems(Path(tmp) / "output") == []


# --- One tag, one page ---------------------------------------------------------------------------

def add_persian_tag_variants(content):
    variants = {
        "first": ["زندان اوین", "زندان اوين"],  # Persian yeh; Arabic yeh
        "second": ["زندان اوين", "\u200cزندان اوین\u200c"],  # Arabic yeh; non-joiners at the edges
        "third": ["زنـدان   اوین", "Evin Prison"],  # kashida and extra spaces
        "fourth": ["evin prison", "EVIN PRISON"],
    }
    for slug, tags in variants.items():
        write_piece(content / "updates" / f"{slug}.fa.md",
                    {"title": slug, "date": datetime.date(2026, 11, 1), "tags": tags}, "متن.\n")


def test_persian_tag_variants_share_one_page_listing_each_piece_once(hostile_site):
    tags = hostile_site.output / "fa" / "tags"
    persian = [p for p in tags.glob("*.html") if "زندان" in p.name]
    assert [p.name for p in persian] == ["زندان-اوین.html"]
    page = parse(persian[0])
    listed = [a.get("href") for a in page.cssselect(".entry-title a")]
    assert len(listed) == len(set(listed))
    assert {"../updates/first.html", "../updates/second.html", "../updates/third.html"} <= set(listed)
    # The spelling most pieces use: the Persian letters, no kashida, single spaces.
    assert page.cssselect("h1")[0].text_content() == "برچسب «زندان اوین»" or "زندان اوین" in \
        page.cssselect("h1")[0].text_content()
    assert "ي" not in persian[0].read_text(encoding="utf-8")
    english = [p.name for p in tags.glob("*.html") if "evin" in p.name.lower()]
    assert english == ["evin-prison.html"]
    english_page = parse(tags / "evin-prison.html")
    assert sorted(a.get("href") for a in english_page.cssselect(".entry-title a")) == [
        "../updates/fourth.html", "../updates/third.html"]
    # The spelling the site's English pieces use for this tag, not either variant written here.
    assert "«Evin Prison»" in english_page.cssselect("h1")[0].text_content()
