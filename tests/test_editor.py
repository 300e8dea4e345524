"""The web editor (plugins/editor): Decap CMS at admin/, its config from the content contract,
driven in Debian's Chromium against decap-server on loopback, writing files that pass the check and build."""

import functools
import json
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from checker import nu_check
from conftest import ROOT, report, run_build
from waiting import wait_for
from pelican.settings import read_settings
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from content_contract import check_content
from site_rules import PRISONER_STATUSES
from content_contract.content_contract import SECTIONS
from editor import admin_page, editor_config, local_backend
from editor.editor import PACKAGE, bundle_files

LOCAL_HOSTS = ("127.0.0.1", "localhost")
DEADLINE = 60


def settings(content: Path = ROOT / "content", **override):
    return read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content), **override})


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- The configuration follows the contract ---------------------------------------------------

def test_config_has_one_collection_per_section_with_the_contracts_fields():
    config = editor_config(settings())
    collections = {c["name"]: c for c in config["collections"]}
    assert set(collections) == set(SECTIONS)
    for section, (fields, required) in SECTIONS.items():
        collection = collections[section]
        assert collection["folder"] == f"content/{section}" and collection["format"] == "contract-frontmatter"
        assert collection["extension"] == "md" and collection["i18n"] is True
        editor_fields = {f["name"]: f for f in collection["fields"] if f["name"] != "body"}
        assert list(editor_fields) == list(fields), section
        assert {name for name, f in editor_fields.items() if f.get("required", True)} == set(required), section
    prisoner = {f["name"]: f for f in collections["prisoners"]["fields"]}
    assert prisoner["status"]["widget"] == "select" and prisoner["status"]["options"] == list(PRISONER_STATUSES)
    # Letters and addresses run over several lines: text boxes, and one per addressee, not a comma list.
    assert prisoner["action_letter"]["widget"] == prisoner["action_solidarity"]["widget"] == "text"
    assert prisoner["action_to"]["widget"] == "list" and prisoner["action_to"]["field"]["widget"] == "text"
    event = {f["name"]: f for f in collections["events"]["fields"]}
    assert event["start"]["format"] == "YYYY-MM-DD HH:mm"
    assert [f["name"] for f in event["location"]["fields"]] == ["name", "address"]
    assert event["image"]["widget"] == "image" and event["tags"]["widget"] == "list"
    assert event["date"]["format"] == "YYYY-MM-DD"


def test_config_writes_each_language_to_its_own_file_and_images_by_name():
    config = editor_config(settings())
    assert config["i18n"] == {"structure": "multiple_files", "locales": ["en", "fa", "es"], "default_locale": "en"}
    assert config["media_folder"] == "content/images" and config["public_folder"] == ""
    assert config["slug"]["encoding"] == "ascii"
    assert config["backend"] == {"name": "proxy", "proxy_url": "http://127.0.0.1:8081/api/v1"}
    hosted = editor_config(settings(EDITOR_REPO="campaign/site", EDITOR_AUTH_URL="https://auth.example/auth"))
    assert hosted["backend"]["name"] == "github" and hosted["backend"]["repo"] == "campaign/site"
    assert hosted["backend"]["base_url"] == "https://auth.example"
    assert hosted["local_backend"]["allowed_hosts"] == ["localhost", "127.0.0.1"]


def test_admin_page_passes_the_nu_html_checker(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(admin_page(settings()), encoding="utf-8")
    result = nu_check(page)
    assert result.returncode == 0, result.stdout + result.stderr


# --- Builds -----------------------------------------------------------------------------------

def test_the_editor_is_off_by_default_and_a_build_without_node_modules_says_so(tmp_path):
    assert read_settings(str(ROOT / "pelicanconf.py"))["EDITOR"] is False
    build = run_build(tmp_path / "output", overrides={"EDITOR": True, "EDITOR_PACKAGE": str(tmp_path / "none")})
    assert build.status == 0, build.log
    assert not (build.output / "admin").exists()
    assert [line for line in build.log.splitlines() if "Web editor" in line] == [
        "Web editor: decap-cms is not installed (make editor) or not the pinned version; the site is built without admin/."]


@pytest.fixture(scope="module")
def backend_port():
    return free_port()


@pytest.fixture(scope="module")
def editor_site(tmp_path_factory, backend_port):
    assert bundle_files(PACKAGE), "run `make test` (it installs decap-cms from the npm registry)"
    build = run_build(tmp_path_factory.mktemp("editor-site") / "output", overrides={
        "EDITOR": True, "EDITOR_LOCAL_BACKEND": f"http://127.0.0.1:{backend_port}/api/v1"})
    assert build.status == 0, build.log
    return build


def test_a_build_with_the_editor_writes_admin_from_the_bundle(editor_site, backend_port):
    admin = editor_site.output / "admin"
    assert {"index.html", "config.yml", "decap-cms.js", "editor.js", "editor.css"} <= {p.name for p in admin.iterdir()}
    assert yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))["backend"]["proxy_url"] == \
        f"http://127.0.0.1:{backend_port}/api/v1"
    size = sum(p.stat().st_size for p in admin.iterdir())
    report("web editor", f"admin/: {size // 1024} KB in {len(list(admin.iterdir()))} files")
    # Everything the page loads is the site's own.
    page = (admin / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"https?://[^\s;\"']+", page) == [f"http://127.0.0.1:{backend_port}"]


# --- In the browser ---------------------------------------------------------------------------

@pytest.fixture
def repository(tmp_path):
    """A copy of the repository's content for decap-server to write into."""
    shutil.copytree(ROOT / "content", tmp_path / "repo" / "content")
    return tmp_path / "repo"


@pytest.fixture
def decap_server(repository, backend_port):
    url = f"http://127.0.0.1:{backend_port}/api/v1"
    command, env = local_backend(str(repository), backend_port)
    assert env["BIND_HOST"] == "127.0.0.1"
    log = open(repository.parent / "decap-server.log", "w")  # a file, so the server never blocks on a full pipe
    process = subprocess.Popen(command, cwd=repository, env=env, stdout=log, stderr=subprocess.STDOUT)

    def answers():
        if process.poll() is not None:
            raise AssertionError(f"decap-server exited: {(repository.parent / 'decap-server.log').read_text()}")
        request = urllib.request.Request(url, data=json.dumps({"action": "info"}).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=1) as response:
                return json.load(response)
        except OSError:
            return None

    try:
        assert wait_for(answers, "decap-server", DEADLINE)["type"] == "local_fs"
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def site_server(editor_site):
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(editor_site.output)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.requests, page.errors = [], []
        page.on("request", lambda request: page.requests.append(request.url))
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        # Anything for another host is recorded above and never leaves the machine.
        context.route(lambda url: urlsplit(url).hostname not in LOCAL_HOSTS, lambda route: route.abort())
        yield page
    finally:
        context.close()


def test_a_writer_creates_an_update_and_its_farsi_translation_in_the_browser(
        repository, decap_server, site_server, browser_page, tmp_path):
    started = time.monotonic()
    page = browser_page
    page.set_default_timeout(DEADLINE * 1000)
    page.goto(f"{site_server}/admin/index.html")
    page.get_by_role("button", name="Login").click()
    page.get_by_text("Updates").first.wait_for()
    page.goto(f"{site_server}/admin/index.html#/collections/updates/new")
    page.get_by_text("Writing in EN").wait_for()
    page.get_by_text("Writing in FA").wait_for()
    titles, dates = page.locator('[id^="title-field-"]'), page.locator('[id^="date-field-"]')
    bodies = page.locator('[data-slate-editor="true"]')
    titles.nth(0).fill("Vigil: Evin's letters, read aloud")
    dates.nth(0).fill("2026-11-20")
    page.locator('[id^="summary-field-"]').nth(0).fill("Letters from Evin Prison were read outside the embassy.")
    page.locator('[id^="tags-field-"]').nth(0).fill("Evin Prison, Vigils")
    bodies.nth(0).click()
    page.keyboard.type("Fifty people came and read the letters aloud.")
    titles.nth(1).fill("شب‌زنده‌داری: نامه‌های اوین خوانده شد")
    dates.nth(1).fill("2026-11-20")
    bodies.nth(1).click()
    page.keyboard.type("پنجاه نفر آمدند و نامه‌ها را بلند خواندند.")
    # Farsi is edited right to left, English left to right.
    directions = [element.evaluate("e => getComputedStyle(e).direction")
                  for element in (titles.nth(0), bodies.nth(0), titles.nth(1), bodies.nth(1))]
    assert directions == ["ltr", "ltr", "rtl", "rtl"]
    page.get_by_role("button", name="Publish").first.click()
    page.get_by_text("Publish now").click()

    updates = repository / "content" / "updates"
    slug = "vigil-evins-letters-read-aloud"
    # Wait inside Playwright, not in Python: the sync API runs the route handler above (and so lets the
    # save request through) only while a Playwright call is waiting.
    try:
        page.get_by_text("Entry saved").wait_for()
    except PlaywrightTimeout:
        page.screenshot(path=str(tmp_path / "editor.png"), full_page=True)
        raise AssertionError(f"not saved; found {sorted(p.name for p in updates.glob(f'{slug}*'))}, "
                             f"screenshot {tmp_path / 'editor.png'}; page says: "
                             f"{page.inner_text('body')[:600]!r}") from None
    assert sorted(p.name for p in updates.glob(f"{slug}.*")) == [f"{slug}.en.md", f"{slug}.fa.md"]
    english = (updates / f"{slug}.en.md").read_text(encoding="utf-8")
    farsi = (updates / f"{slug}.fa.md").read_text(encoding="utf-8")
    assert english.startswith("---\n") and farsi.startswith("---\n")
    front = yaml.safe_load(english.split("---\n")[1])
    assert front["title"] == "Vigil: Evin's letters, read aloud" and str(front["date"]) == "2026-11-20"
    assert front["tags"] == ["Evin Prison", "Vigils"]
    assert yaml.safe_load(farsi.split("---\n")[1])["title"] == "شب‌زنده‌داری: نامه‌های اوین خوانده شد"
    assert "پنجاه نفر آمدند" in farsi
    edited = time.monotonic() - started

    assert check_content(settings(repository / "content")) == []
    build = run_build(tmp_path / "output", content=repository / "content")
    assert build.status == 0, build.log
    assert (build.output / "updates" / f"{slug}.html").is_file()
    assert (build.output / "fa" / "updates" / f"{slug}.html").is_file()
    assert not (build.output / "es" / "updates" / f"{slug}.html").exists()

    assert page.errors == []
    hosts = {urlsplit(url).hostname for url in page.requests}
    assert hosts <= set(LOCAL_HOSTS), sorted(url for url in page.requests if urlsplit(url).hostname not in LOCAL_HOSTS)
    report("web editor", f"create an update + its Farsi translation in Chromium: {edited:.1f} s; "
                         f"{len(page.requests)} requests, all to 127.0.0.1")
