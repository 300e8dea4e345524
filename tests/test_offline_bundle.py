"""The offline copy (`invoke bundle`): pages link relatively so it works from
disk, and what must be absolute (share links, feeds, calendars) names the
public site: SITEURL when it is set, as for publishing, else publishconf.py's
address; never the preview's localhost."""

import datetime
import re
import zipfile
from pathlib import Path
from urllib.parse import quote

import pytest
from lxml import etree, html

from conftest import PUBLISH_URL, ROOT
from sites import own_cache

LOCAL = "localhost"
ARTICLE = "updates/letters-to-evin.html"
ATOM = "{http://www.w3.org/2005/Atom}"


def make_bundle(directory: Path, siteurl: str | None) -> Path:
    from offline_copy import bundle
    from site_build import BuildRequest

    with pytest.MonkeyPatch.context() as patch:
        if siteurl is None:
            patch.delenv("SITEURL", raising=False)
        else:
            patch.setenv("SITEURL", siteurl)
        status, path = bundle(BuildRequest(settings_file=str(ROOT / "pelicanconf.py"), content=str(ROOT / "content"),
                                           cache=own_cache(directory)),
                              str(directory), day=datetime.date(2026, 11, 24))
    assert status == 0
    with zipfile.ZipFile(path) as archive:
        archive.extractall(directory / "unzipped")
    return directory / "unzipped" / "iec-site-2026-11-24"


@pytest.fixture(scope="module")
def public_bundle(tmp_path_factory) -> Path:
    """Bundled as `SITEURL=https://mirror.example/iec invoke bundle`."""
    return make_bundle(tmp_path_factory.mktemp("public-bundle"), PUBLISH_URL)


@pytest.fixture(scope="module")
def plain_bundle(tmp_path_factory) -> Path:
    """Bundled as `invoke bundle`, with no SITEURL in the environment."""
    return make_bundle(tmp_path_factory.mktemp("plain-bundle"), None)


def default_public_address() -> str:
    """What `make publish` would use without SITEURL: publishconf.py's address."""
    from pelican.settings import read_settings

    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SITEURL", raising=False)
        return read_settings(str(ROOT / "publishconf.py"))["SITEURL"]


def share_address(page: Path) -> str:
    return html.parse(str(page)).getroot().get_element_by_id("share-link").get("value")


def test_with_siteurl_set_share_links_name_the_public_address_of_the_page(public_bundle):
    for lang_root, prefix in ((public_bundle, ""), (public_bundle / "fa", "fa/"), (public_bundle / "es", "es/")):
        expected = f"{PUBLISH_URL}/{prefix}{ARTICLE}"
        page = lang_root / ARTICLE
        assert share_address(page) == expected
        links = [a.get("href") for a in html.parse(str(page)).getroot().cssselect(".share a")]
        assert links and all(quote(expected, safe="/") in link for link in links), links
        og = html.parse(str(page)).getroot().cssselect('meta[property="og:url"]')[0].get("content")
        assert og == expected


def test_with_siteurl_set_feeds_and_calendars_are_addressed_at_the_public_site(public_bundle):
    feed = etree.parse(str(public_bundle / "fa" / "feeds" / "all.atom.xml")).getroot()
    assert feed.findtext(f"{ATOM}id") == f"{PUBLISH_URL}/fa/feeds/all.atom.xml"
    entries = [link.get("href") for link in feed.iterfind(f"{ATOM}entry/{ATOM}link")]
    assert entries and all(link.startswith(f"{PUBLISH_URL}/fa/") for link in entries), entries
    calendar = (public_bundle / "events" / "calendar.ics").read_text(encoding="utf-8")
    urls = re.findall(r"^URL:(\S+)", calendar, re.M)
    assert urls and all(url.startswith(f"{PUBLISH_URL}/events/") for url in urls), urls


def test_without_siteurl_share_links_and_feeds_name_publishconfs_public_address(plain_bundle):
    public = default_public_address()
    assert public.startswith("https://") and LOCAL not in public
    assert share_address(plain_bundle / "fa" / ARTICLE) == f"{public}/fa/{ARTICLE}"
    feed = etree.parse(str(plain_bundle / "feeds" / "all.atom.xml")).getroot()
    assert feed.findtext(f"{ATOM}id") == f"{public}/feeds/all.atom.xml"


@pytest.mark.parametrize("bundled", ["public_bundle", "plain_bundle"])
def test_no_file_of_the_bundle_names_the_preview_address(bundled, public_bundle, plain_bundle):
    root = {"public_bundle": public_bundle, "plain_bundle": plain_bundle}[bundled]
    files = [path for path in root.rglob("*") if path.is_file()]
    assert len(files) > 100
    assert [path.relative_to(root).as_posix() for path in files if LOCAL.encode() in path.read_bytes()] == []


LINKING = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "srcset", "form": "action",
           "iframe": "src"}


@pytest.mark.parametrize("bundled", ["public_bundle", "plain_bundle"])
def test_every_page_of_the_bundle_links_to_the_site_relatively(bundled, public_bundle, plain_bundle):
    root = {"public_bundle": public_bundle, "plain_bundle": plain_bundle}[bundled]
    public = PUBLISH_URL if bundled == "public_bundle" else default_public_address()
    pages = sorted(root.rglob("*.html"))
    absolute, broken = [], []
    for page in pages:
        for element in html.parse(str(page)).getroot().iter(*LINKING):
            value = element.get(LINKING[element.tag]) or ""
            for url in (part.split()[0] for part in value.split(",") if part.strip()):
                if url.startswith((public, "http://localhost", "/")):
                    absolute.append((page.relative_to(root).as_posix(), url))
                elif not re.match(r"^[a-z]+:|#", url):
                    target = (page.parent / url.split("#")[0].split("?")[0]).resolve()
                    if not target.is_file() or root.resolve() not in target.parents:
                        broken.append((page.relative_to(root).as_posix(), url))
    assert pages and absolute == [] and broken == []
