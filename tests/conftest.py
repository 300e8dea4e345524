"""Shared fixtures: real Pelican builds of the real content, built once per session."""

import datetime
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

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


def run_build(output: Path, *, settings: str = "pelicanconf.py", content: Path = ROOT / "content",
              extra_args=(), overrides=None, env=None) -> Build:
    """Build like `invoke build` does, in a subprocess, capturing the log.

    `overrides` are settings given to Pelican's --extra-settings (one flag
    for all: Pelican keeps only the last flag's values).
    """
    overrides = {"BUILD_DATE": BUILD_DATE, **(overrides or {})}
    # Each test build gets its own content cache, beside its output.
    extra_args = [*extra_args, "--cache-path", str(output.parent / f"{output.name}-cache"), "--extra-settings",
                  *(f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in overrides.items())]
    code = (
        "import sys; sys.path.insert(0, 'plugins'); from site_build import build; "
        f"sys.exit(build({settings!r}, {str(output)!r}, {str(content)!r}, extra_args={list(extra_args)!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, **(env or {})},
    )
    return Build(result.returncode, output, result.stdout + result.stderr)


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
    from site_build import bundle

    directory = tmp_path_factory.mktemp("bundle")
    status, path = bundle("pelicanconf.py", str(directory), str(ROOT / "content"), day=datetime.date(2026, 11, 24))
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
