"""Reaching readers: page weight, images without metadata, offline bundle, mirrors, sitemap, headers."""

import gzip
import re
import shutil
import statistics
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from checker import nu_check
from conftest import LANGS, PUBLISH_URL, ROOT, report, run_build
from hostile import jpeg_with_location
from lxml import etree
from PIL import Image
from pages import local_links, page_lang, parse, resolve

FIRST_ROUND_TRIP = 14 * 1024
PAGE_BUDGET = 100 * 1024


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def template_of(site, page: Path) -> str:
    parts = page.relative_to(site.lang_root(page_lang(site.output, page))).parts
    if parts[0] in ("updates", "events", "prisoners", "tags") and len(parts) == 2:
        return {"updates": "article", "events": "event", "prisoners": "prisoner", "tags": "tag"}[parts[0]] \
            if parts[1] != "index.html" else {"updates": "category", "events": "category",
                                              "prisoners": "prisoners", "tags": "tags"}[parts[0]]
    return {"index.html": "index", "archives.html": "archives", "404.html": "404",
            "mirrors.html": "mirrors"}.get(parts[-1], "page")


def test_every_page_fits_the_first_round_trip_and_the_total_budget(site):
    css = (site.output / "theme" / "css" / "site.css").read_bytes()
    fonts = sum(gz(f.read_bytes()) for f in (site.output / "theme" / "fonts").glob("*.woff2"))
    figures = defaultdict(list)
    for page in site.pages():
        html = page.read_bytes()
        first = gz(html) + gz(css)
        # Only Farsi pages use the web font (the browser test checks which pages fetch it).
        total = first + (fonts if page_lang(site.output, page) == "fa" else 0)
        assert first <= FIRST_ROUND_TRIP, f"{page}: HTML+CSS {first} B gzip > {FIRST_ROUND_TRIP}"
        assert total <= PAGE_BUDGET, f"{page}: {total} B gzip > {PAGE_BUDGET}"
        figures[(template_of(site, page), page_lang(site.output, page))].append((first, total))
    for (template, lang), values in sorted(figures.items()):
        firsts, totals = [v[0] for v in values], [v[1] for v in values]
        report("page weight (gzip bytes: HTML+CSS first round trip / total with fonts, max)",
               f"{template:10} {lang}  pages {len(values):3}  HTML+CSS median {statistics.median(firsts):6.0f} "
               f"max {max(firsts):6}  total max {max(totals):6}")


def test_no_page_or_feed_requests_anything_from_another_host(published):
    own = urlsplit(PUBLISH_URL).netloc
    for path in published.output.rglob("*"):
        if path.suffix == ".html":
            tree = parse(path)
            urls = [el.get("src") for el in tree.iter() if el.get("src")]
            urls += [el.get("href") for el in tree.cssselect('link[rel~="stylesheet"], link[rel~="icon"], link[rel~="preload"]')]
            urls += [u.strip().split(" ")[0] for el in tree.iter() for u in (el.get("srcset") or "").split(",") if u.strip()]
        elif path.suffix == ".xml" and path.name != "sitemap.xml":
            text = path.read_text(encoding="utf-8")
            urls = re.findall(r"(?:src|srcset)=(?:&quot;|\")([^\"&\s]+)", text)
        elif path.suffix == ".css":
            urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", path.read_text())
        else:
            continue
        for url in urls:
            assert urlsplit(url).netloc in ("", own), (path, url)


# --- Images -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def with_photos(tmp_path_factory):
    content = tmp_path_factory.mktemp("photos") / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "images").mkdir(exist_ok=True)
    jpeg_with_location(content / "images" / "vigil.jpg")
    png = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    from PIL import PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Someone in Tehran")
    info.add_text("XML:com.adobe.xmp", "<x:xmpmeta>location</x:xmpmeta>")
    png.save(content / "images" / "portrait.png", pnginfo=info)
    event = content / "events" / "vigil-san-francisco.en.md"
    event.write_text(event.read_text(encoding="utf-8").replace(
        "tags:", 'image: vigil.jpg\nimage_alt: "Candles on the steps"\nimage_credit: "a volunteer"\ntags:', 1),
        encoding="utf-8")
    build = run_build(tmp_path_factory.mktemp("photos-site") / "output", content=content)
    assert build.status == 0, build.log
    return build


def test_no_image_in_the_output_carries_metadata(with_photos):
    images = [p for p in (with_photos.output / "images").iterdir()]
    assert {p.name for p in images} >= {"vigil.jpg", "portrait.png", "vigil-480.webp", "vigil-480.jpg"}
    for path in images:
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp", "Author"} & set(image.info), path
        assert b"PhoneMaker" not in path.read_bytes() and b"Tehran" not in path.read_bytes()


def test_photos_are_responsive_with_webp_fallback_size_and_alt(with_photos):
    page = with_photos.output / "events" / "vigil-san-francisco.html"
    tree = parse(page)
    (source,) = tree.cssselect("figure picture source")
    (img,) = tree.cssselect("figure picture img")
    assert source.get("type") == "image/webp"
    for srcset in (source.get("srcset"), img.get("srcset")):
        candidates = [c.strip().split(" ") for c in srcset.split(",")]
        assert [w for _, w in candidates] == ["480w", "960w", "1600w"]
        for url, width in candidates:
            with Image.open(resolve(with_photos.output, page, url)) as image:
                assert image.width == int(width[:-1])
    assert (img.get("width"), img.get("height")) == ("1600", "1000")
    assert img.get("alt") == "Candles on the steps"


def test_every_img_has_alt_text(with_photos):
    for page in with_photos.pages():
        for img in parse(page).cssselect("img"):
            assert img.get("alt") is not None and (img.get("alt").strip() or img.get("role") == "presentation"), page


def test_an_image_without_a_description_fails_the_build(content_copy, tmp_path):
    (content_copy / "images").mkdir(exist_ok=True)
    jpeg_with_location(content_copy / "images" / "x.jpg", (40, 40))
    piece = content_copy / "updates" / "letters-to-evin.es.md"
    piece.write_text(piece.read_text(encoding="utf-8").replace("tags:", "image: x.jpg\ntags:", 1), encoding="utf-8")
    build = run_build(tmp_path / "output", content=content_copy)
    assert build.status != 0
    assert build.log.strip() == ("content/updates/letters-to-evin.es.md: image_alt: missing; "
                                 "describe the image for readers who cannot see it")


# --- Offline bundle -----------------------------------------------------------------------------

def test_bundle_links_only_to_files_inside_it(unzipped_bundle):
    pages = list(unzipped_bundle.rglob("*.html"))
    assert pages
    for page in pages:
        for element, url in local_links(parse(page)):
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto") or url.startswith("#"):
                continue
            assert not parts.scheme and not url.startswith("/"), (page, url)
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), (page, url)
            assert unzipped_bundle.resolve() in target.parents, (page, url)


def test_bundle_holds_all_three_languages_and_their_feeds(unzipped_bundle):
    for lang in LANGS:
        root = unzipped_bundle if lang == "en" else unzipped_bundle / lang
        assert parse(root / "index.html").get("lang") == lang
        for feed in ("all.atom.xml", "all.rss.xml", "updates.atom.xml", "events.rss.xml"):
            etree.parse(str(root / "feeds" / feed))
        assert (root / "events" / "calendar.ics").is_file()
    assert not (unzipped_bundle / "_headers").exists()
    assert not [path for path in unzipped_bundle.rglob("pagefind*")]  # no search index offline


# --- Mirrors, sitemap, robots, headers, canonical -----------------------------------------------

@pytest.fixture(scope="module")
def mirrored(tmp_path_factory):
    onion = "http://campaignxyzabcdefghijklmnopqrstuvwxyz234567abcdefghijklmnop.onion"
    build = run_build(tmp_path_factory.mktemp("mirrored") / "output", settings="publishconf.py",
                      env={"SITEURL": PUBLISH_URL},
                      overrides={"ONION_ADDRESS": onion,
                                 "MIRRORS": ["https://mirror-one.example/", "https://two.example/iec/"]})
    assert build.status == 0, build.log
    build.onion = onion
    return build


def test_mirrors_and_onion_address_are_listed_in_every_language(mirrored):
    for lang in LANGS:
        page = mirrored.lang_root(lang) / "mirrors.html"
        hrefs = [a.get("href") for a in parse(page).cssselect("main a")]
        assert {"https://mirror-one.example/", "https://two.example/iec/", mirrored.onion} <= set(hrefs)
        (meta,) = parse(mirrored.lang_root(lang) / "index.html").cssselect('meta[http-equiv="onion-location"]')
        prefix = "" if lang == "en" else f"{lang}/"
        assert meta.get("content") == f"{mirrored.onion}/{prefix}index.html"
    headers = (mirrored.output / "_headers").read_text()
    assert f"Onion-Location: {mirrored.onion}/" in headers


def test_every_page_links_the_mirrors_page(site):
    for page in site.pages():
        targets = [resolve(site.output, page, a.get("href")) for a in parse(page).cssselect("footer a")]
        assert (site.lang_root(page_lang(site.output, page)) / "mirrors.html").resolve() in targets, page


def test_sitemap_lists_every_page_once_with_its_hreflang_alternates(published):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    tree = etree.parse(str(published.output / "sitemap.xml"))
    entries = {}
    for url in tree.findall("s:url", ns):
        loc = url.findtext("s:loc", namespaces=ns)
        assert loc not in entries, f"{loc} listed twice"
        entries[loc] = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)}
    pages = [p for p in published.pages() if p.name != "404.html"]
    assert len(entries) == len(pages)
    base = urlsplit(PUBLISH_URL).path
    for loc, alternates in entries.items():
        path = published.output / unquote(urlsplit(loc).path).removeprefix(base + "/")
        assert path.is_file(), loc
        declared = {link.get("hreflang"): link.get("href") for link in parse(path).cssselect("link[hreflang]")}
        assert {lang: unquote(href) for lang, href in alternates.items()} == declared, loc
    assert any(loc.startswith(f"{PUBLISH_URL}/fa/updates/") for loc in entries)


def test_robots_txt_and_headers_file(published):
    assert f"Sitemap: {PUBLISH_URL}/sitemap.xml" in (published.output / "robots.txt").read_text()
    headers = (published.output / "_headers").read_text()
    assert "frame-ancestors 'none'" in headers and "Referrer-Policy: no-referrer" in headers


def test_content_security_policy_allows_nothing_from_elsewhere_and_no_inline_code(published):
    for page in published.pages():
        (meta,) = parse(page).cssselect('meta[http-equiv="Content-Security-Policy"]')
        policy = meta.get("content")
        assert "default-src 'none'" in policy
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        assert not re.search(r"https?:|\*", policy), policy
        assert not parse(page).xpath("//script[not(@src)]|//@*[starts-with(name(), 'on')]|//*[@style]"), page


def test_published_pages_declare_their_canonical_address(published):
    for page in published.pages():
        (link,) = parse(page).cssselect('link[rel="canonical"]')
        relative = page.relative_to(published.output).as_posix()
        assert link.get("href") == f"{PUBLISH_URL}/{relative}"


@pytest.mark.parametrize("lang", ["fa", "es"])
def test_the_404_page_is_translated(site, lang):
    tree = parse(site.lang_root(lang) / "404.html")
    english = parse(site.output / "404.html")
    assert tree.get("lang") == lang
    assert tree.cssselect("h1")[0].text_content() != english.cssselect("h1")[0].text_content()


def test_every_page_passes_the_nu_html_checker(site, published):
    result = nu_check(site.output, published.output, skip_non_html=True)  # one run for both
    assert result.returncode == 0, result.stdout + result.stderr
    for build in (site, published):
        report("Nu Html Checker", f"{len(build.pages())} pages in {build.output.parent.name}: 0 errors")