"""The live preview (`invoke serve`): each rebuild after an edit gives the pages
a build from scratch gives, although it reuses the previous run's work."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import BUILD_DATE, ROOT, differences
from site_build import BuildRequest, pelican_environment, preview_command
from test_incremental import EDITS, corpus_and_theme

SETTINGS = {"BUILD_DATE": BUILD_DATE}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def settings_of(theme, **more) -> dict:
    return {**SETTINGS, "THEME": str(theme), **more}


class Preview:
    """`invoke serve`'s process, and a way to wait for each of its builds."""

    def __init__(self, root, content, theme):
        self.output, self.log = root / "preview", root / "preview.log"
        request = BuildRequest(str(self.output), content=str(content), cache=str(root / "preview-cache"),
                               settings=settings_of(theme))
        command, env = preview_command(request, free_port())
        with open(self.log, "w") as sink:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        self.builds = 0
        self.wait()

    def wait(self) -> None:
        """Until the next build has finished (Pelican prints "Done:" once per language)."""
        self.builds += 1
        deadline = time.monotonic() + 120
        while self.log.read_text(errors="replace").count("Done:") < 3 * self.builds:
            assert self.process.poll() is None and time.monotonic() < deadline, self.log.read_text()[-3000:]
            time.sleep(0.05)
        time.sleep(1)  # Pelican starts watching for changes after it prints; an edit before that is missed

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait()


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    root = tmp_path_factory.mktemp("preview")
    content, theme = corpus_and_theme(root)
    running = Preview(root, content, theme)
    yield running, content, theme
    running.stop()


def scratch_build(output, content, theme) -> None:
    """Pelican alone (no search index, as in the preview), no cache, fresh output."""
    result = subprocess.run([sys.executable, "-m", "pelican", str(content), "--settings", "pelicanconf.py",
                             "--output", str(output), "--cache-path", str(output.parent / "scratch-cache"),
                             "--ignore-cache", "--fatal", "warnings", "--extra-settings",
                             *(f"{key}={json.dumps(value)}" for key, value in settings_of(theme, SEARCH_INDEX=False).items())],
                            cwd=ROOT, capture_output=True, text=True, env=pelican_environment())
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("edit", EDITS)
def test_each_preview_rebuild_equals_a_build_from_scratch(preview, edit, tmp_path):
    running, content, theme = preview
    EDITS[edit](content, theme)
    running.wait()
    scratch_build(tmp_path / "scratch", content, theme)
    assert differences(tmp_path / "scratch", running.output) == []


def test_a_mistake_saved_in_the_preview_is_one_line_and_the_pages_stay(preview):
    running, content, _ = preview
    page = running.output / "updates" / "update-5.html"
    shown = page.read_bytes()
    source = content / "updates" / "update-5.en.md"
    good = source.read_text(encoding="utf-8")
    source.write_text(good.replace("date: ", "date: next week #", 1), encoding="utf-8")
    deadline = time.monotonic() + 60
    while "update-5.en.md: date:" not in running.log.read_text():
        assert running.process.poll() is None and time.monotonic() < deadline, running.log.read_text()[-3000:]
        time.sleep(0.05)
    assert "Traceback" not in running.log.read_text()
    assert page.read_bytes() == shown
    source.write_text(good + "\nFixed.\n", encoding="utf-8")
    running.wait()
    assert b"Fixed." in page.read_bytes()
