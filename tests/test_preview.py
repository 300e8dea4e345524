"""The live preview (`invoke serve`): each rebuild after an edit gives the pages
a build from scratch gives, although it reuses the previous run's work."""

import contextlib
import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from conftest import BUILD_DATE, ROOT, differences
from site_build import BuildRequest, preview_command
from sites import EDITS, corpus_and_theme, reference_build
from waiting import wait_for

SETTINGS = {"BUILD_DATE": BUILD_DATE}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def settings_of(theme, **more) -> dict:
    return {**SETTINGS, "THEME": str(theme), **more}


def processes(pid: int) -> list[int]:
    """`pid` and all its descendants (Pelican watches for changes in a child process)."""
    found = [pid]
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # it may end meanwhile
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                for child in children.read().split():
                    found += processes(int(child))
    return found


def watched_folders(pid: int) -> set[int]:
    """The inodes that the inotify instances of `pid` and its descendants watch (Linux's /proc)."""
    inodes = set()
    for process in processes(pid):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            for fd in os.listdir(f"/proc/{process}/fd"):
                with contextlib.suppress(FileNotFoundError):
                    if os.readlink(f"/proc/{process}/fd/{fd}") == "anon_inode:inotify":
                        with open(f"/proc/{process}/fdinfo/{fd}") as info:
                            inodes |= {int(line.split(" ino:")[1].split()[0], 16) for line in info
                                       if line.startswith("inotify ")}
    return inodes


class Preview:
    """`invoke serve`'s process, and a way to wait for each of its builds."""

    def __init__(self, root, content, theme):
        self.content, self.theme = content, theme
        self.output, self.log = root / "preview", root / "preview.log"
        request = BuildRequest(str(self.output), content=str(content), cache=str(root / "preview-cache"),
                               settings=settings_of(theme))
        command, env = preview_command(request, free_port())
        with open(self.log, "w") as sink:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        self.builds = 0
        self.wait()

    def running(self) -> bool:
        assert self.process.poll() is None, self.log.read_text(errors="replace")[-3000:]
        return True

    def printed(self, text: str, times: int = 1) -> bool:
        return self.running() and self.log.read_text(errors="replace").count(text) >= times

    def wait(self) -> None:
        """Until the next build has finished (Pelican prints "Done:" once per language) and Pelican
        watches every folder of the content and the theme again: it starts watching only after it
        printed, and an edit saved before that would be missed."""
        self.builds += 1
        tail = lambda: self.log.read_text(errors="replace")[-3000:]  # noqa: E731
        wait_for(lambda: self.printed("Done:", 3 * self.builds), lambda: f"build {self.builds}: {tail()}", 120)
        folders = {path.stat().st_ino for root in (self.content, self.theme)
                   for path in (root, *root.rglob("*")) if path.is_dir()}
        wait_for(lambda: self.running() and folders <= watched_folders(self.process.pid),
                 lambda: f"Pelican to watch the content and the theme: {tail()}", 60)

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


def differences_from_scratch(content, theme, preview) -> list[str]:
    """The files in which the preview's folder differs from a build from scratch of the same content and
    theme (sites.reference_build, which the incremental-build tests also compare with), leaving out the
    search index that the reference has and the preview does not make (SEARCH_INDEX, which only adds
    the pagefind/ folders)."""
    reference = reference_build(content, theme)
    assert reference.status == 0, reference.log
    return [found for found in differences(reference.output, preview)
            if not (found.startswith("missing or extra: ") and "pagefind" in Path(found.split(": ", 1)[1]).parts
                    and (reference.output / found.split(": ", 1)[1]).exists())]


@pytest.mark.parametrize("edit", EDITS)
def test_each_preview_rebuild_equals_a_build_from_scratch(preview, edit):
    running, content, theme = preview
    EDITS[edit](content, theme)
    running.wait()
    assert differences_from_scratch(content, theme, running.output) == []


def test_a_mistake_saved_in_the_preview_is_one_line_and_the_pages_stay(preview):
    running, content, _ = preview
    page = running.output / "updates" / "update-5.html"
    shown = page.read_bytes()
    source = content / "updates" / "update-5.en.md"
    good = source.read_text(encoding="utf-8")
    source.write_text(good.replace("date: ", "date: next week #", 1), encoding="utf-8")
    wait_for(lambda: running.printed("update-5.en.md: date:"), "the mistake in the log", 60)
    assert "Traceback" not in running.log.read_text()
    assert page.read_bytes() == shown
    source.write_text(good + "\nFixed.\n", encoding="utf-8")
    running.wait()
    assert b"Fixed." in page.read_bytes()
