"""Shared fixtures: real Pelican builds of the real content, built once per session."""

import contextlib
import dataclasses
import datetime
import io
import json
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_build import BuildRequest

ROOT = Path(__file__).resolve().parent.parent

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
                overrides=None, env=None, verbose: bool = False) -> BuildRequest:
    """The BuildRequest of a test build: the session's build date, and a
    content cache of its own beside its output."""
    return BuildRequest(str(output), str(ROOT / settings), str(content),
                        settings={"BUILD_DATE": BUILD_DATE, **(overrides or {})},
                        cache=str(output.parent / f"{output.name}-cache"), env=env or {}, verbose=verbose)


def run_build(output: Path, **request) -> Build:
    """Build as `invoke build` does (a BuildRequest, see request_for), capturing what it prints."""
    log = io.StringIO()
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        status = request_for(output, **request).run()
    return Build(status, output, log.getvalue())


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


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Build:
    """The starter content built with the preview settings."""
    build = run_build(tmp_path_factory.mktemp("site") / "output")
    assert build.status == 0, build.log
    return build


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Build:
    """The starter content built for publishing under a sub-path."""
    build = run_build(tmp_path_factory.mktemp("published") / "output", settings="publishconf.py",
                      env={"SITEURL": PUBLISH_URL})
    assert build.status == 0, build.log
    return build


@pytest.fixture(scope="session")
def unzipped_bundle(tmp_path_factory) -> Path:
    """`invoke bundle`'s zip of the starter content, unzipped."""
    from offline_copy import bundle

    directory = tmp_path_factory.mktemp("bundle")
    status, path = bundle(BuildRequest(settings_file=str(ROOT / "pelicanconf.py"), content=str(ROOT / "content")),
                          str(directory), day=datetime.date(2026, 11, 24))
    assert status == 0
    assert Path(path).name == "iec-site-2026-11-24.zip"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(directory / "unzipped")
    return directory / "unzipped" / "iec-site-2026-11-24"


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


def pytest_terminal_summary(terminalreporter):
    for section, lines in FIGURES.items():
        terminalreporter.section(section)
        for line in lines:
            terminalreporter.write_line(line)
