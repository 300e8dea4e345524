"""Shared fixtures: real Pelican builds of the real content, built once per session."""

import contextlib
import dataclasses
import datetime
import io
import json
import os
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_build import BuildRequest

ROOT = Path(__file__).resolve().parent.parent

import sites  # noqa: E402  (tests/sites.py: what the run builds once)
import tiers  # noqa: E402  (tests/tiers.py: unit, tool, build, browser)

LANGS = ("en", "fa", "es")
PUBLISH_URL = "https://mirror.example/iec"
# The day the session's sites describe: upcoming events and time in prison
# are counted from it, so the tests do not depend on when they run.
BUILD_DATE = "2026-11-24"


@dataclass
class Build:
    status: int
    output: Path
    log: str

    def lang_root(self, lang: str) -> Path:
        return self.output if lang == "en" else self.output / lang

    def pages(self):
        return sorted(self.output.rglob("*.html"))


def request_for(output: Path, *, settings: str = "pelicanconf.py", content: Path = ROOT / "content",
                overrides=None, env=None, verbose: bool = False, encoded_images: bool = True) -> BuildRequest:
    """The BuildRequest of a test build: the session's build date, and a
    content cache of its own beside its output, but the run's one folder of
    compiled templates (sites.shared_templates).

    With `encoded_images` (the default), a new cache starts with the images
    of `content` already encoded, those it has byte for byte among the
    starter content's and the benchmark corpus's (tests/sites.py); without,
    it starts empty and the build encodes every image.
    """
    overrides = {"BUILD_DATE": BUILD_DATE, **sites.shared_templates(), **(overrides or {})}
    cache = output.parent / f"{output.name}-cache"
    if encoded_images:
        sites.seed_images(cache, content)
    return BuildRequest(str(output), str(ROOT / settings), str(content), settings=overrides, cache=str(cache),
                        env=env or {}, verbose=verbose)


def run_build(output: Path, **request) -> Build:
    """Build as `invoke build` does (a BuildRequest, see request_for), capturing what it prints."""
    log = io.StringIO()
    build_request = request_for(output, **request)
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        status = build_request.run()
    return Build(status, output, log.getvalue())


def edited_site(tmp_path_factory, name: str, *edits) -> Build:
    """The starter content with each of `edits` (functions of the content folder) applied, built;
    for a module whose tests change different lines of it and share one build."""
    content = tmp_path_factory.mktemp(name) / "content"
    shutil.copytree(ROOT / "content", content)
    for edit in edits:
        edit(content)
    build = run_build(content.parent / "output", content=content)
    assert build.status == 0, build.log
    return build


# A BuildRequest carried out in a process of its own (for builds a test runs side by side or kills).
BUILD_COMMAND = ("import json, sys; from site_build import BuildRequest; "
                 "sys.exit(BuildRequest(**json.loads(sys.argv[1])).run())")


def build_command(request: BuildRequest) -> list[str]:
    return [sys.executable, "-c", BUILD_COMMAND, json.dumps(dataclasses.asdict(request))]


def files_of(path: Path) -> list[str]:
    return sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())


def differences(expected: Path, actual: Path) -> list[str]:
    """Files that differ between two built sites (missing, extra or other bytes)."""
    names = files_of(expected)
    found = [f"missing or extra: {name}" for name in sorted(set(names) ^ set(files_of(actual)))]
    for name in names:
        if not (actual / name).is_file():
            continue
        a, b = (expected / name).read_bytes(), (actual / name).read_bytes()
        # Pagefind writes its manifests' keys in no fixed order; their content must match.
        if a != b and not (name.endswith(".json") and json.loads(a) == json.loads(b)):
            found.append(f"different: {name}")
    return found


@pytest.fixture(scope="session", autouse=True)
def shared_folder(tmp_path_factory):
    """The folder of what the whole run builds once; under pytest-xdist, its workers share it."""
    base = tmp_path_factory.getbasetemp()
    sites.SHARED = base.parent if "PYTEST_XDIST_WORKER" in os.environ else base
    yield sites.SHARED
    sites.SHARED = None


@pytest.fixture(scope="session")
def site(shared_folder) -> Build:
    """The starter content built with the preview settings."""
    build = sites.shared_build("site", run_build)
    assert build.status == 0, build.log
    return build


@pytest.fixture(scope="session")
def published(shared_folder) -> Build:
    """The starter content built for publishing under a sub-path."""
    build = sites.shared_build("published", lambda output: run_build(
        output, settings="publishconf.py", env={"SITEURL": PUBLISH_URL}))
    assert build.status == 0, build.log
    return build


@pytest.fixture(scope="session")
def unzipped_bundle(shared_folder) -> Path:
    """`invoke bundle`'s zip of the starter content, unzipped."""
    from offline_copy import bundle

    def make(directory):
        status, path = bundle(BuildRequest(settings_file=str(ROOT / "pelicanconf.py"), content=str(ROOT / "content"),
                                           cache=sites.own_cache(directory)),
                              str(directory), day=datetime.date(2026, 11, 24))
        assert status == 0
        assert Path(path).name == "iec-site-2026-11-24.zip"
        with zipfile.ZipFile(path) as archive:
            archive.extractall(directory / "unzipped")

    return sites.once("bundle", make) / "unzipped" / "iec-site-2026-11-24"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (tests/browser.py), started once for every browser test of the session."""
    from browser import launch
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the real content, for builds that break it on purpose."""
    copy = tmp_path / "content"
    shutil.copytree(ROOT / "content", copy)
    return copy


# Figures that tests measure (page weights, pages validated, axe results) are
# printed at the end of the run, so every CI log shows them.
FIGURES: dict[str, list[str]] = {}


def report(section: str, line: str) -> None:
    FIGURES.setdefault(section, []).append(line)


# Skipped tests (a test that cannot run where CI runs it proves nothing there): CI fails on any.
SKIPPED: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session):
    # A pytest-xdist worker sends its figures to the controller, which prints them.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["figures"] = json.dumps(FIGURES)
    elif SKIPPED and os.environ.get("CI") and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    for section, lines in json.loads(getattr(node, "workeroutput", {}).get("figures", "{}")).items():
        FIGURES.setdefault(section, []).extend(lines)


def pytest_terminal_summary(terminalreporter):
    for section, lines in FIGURES.items():
        terminalreporter.section(section)
        for line in lines:
            terminalreporter.write_line(line)
    if SKIPPED and os.environ.get("CI"):
        terminalreporter.section("skipped in CI", red=True)
        terminalreporter.write_line(f"{len(SKIPPED)} skipped, so the run fails: {', '.join(SKIPPED[:5])}")


# --- Tiers and pytest-xdist groups (tests/tiers.py) ----------------------------------------------

@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    xdist = config.pluginmanager.hasplugin("xdist")
    groups = tiers.groups(items) if xdist else {}
    for item in items:
        tier = tiers.tier_of(item)
        item.add_marker(getattr(pytest.mark, tier))
        item.tier = tier
        if item in groups:
            item.add_marker(pytest.mark.xdist_group(groups[item]))
    if "PYTEST_XDIST_WORKER" in os.environ:
        items[:] = tiers.longest_modules_first(items)


@pytest.fixture(autouse=True)
def _tier_kept(request):
    """Fails a test that starts a program its tier does not allow (tests/tiers.py)."""
    with tiers.Watch(getattr(request.node, "tier", "browser")) as watch:
        yield
    problem = watch.problem()
    if problem:
        pytest.fail(problem, pytrace=False)
