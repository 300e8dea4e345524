"""Incremental builds: after any kind of edit, reusing the previous build gives
exactly the site a build from scratch gives, and unchanged pages are reused."""

import dataclasses
import hashlib
import importlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUILD_DATE, ROOT, differences, request_for, run_build
from site_build import pelican_environment
from sites import EDITS, append, corpus_and_theme, reference_build, small_corpus
from waiting import settled

sb = importlib.import_module("site_build.site_build")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Built once, so that every edit has a previous build."""
    root = tmp_path_factory.mktemp("incremental")
    content, theme = corpus_and_theme(root)
    first = run_build(root / "site", content=content, overrides={"THEME": str(theme)})
    assert first.status == 0, first.log
    return root, content, theme


def test_changed_markdown_settings_parse_every_file_again(tmp_path):
    content = small_corpus(tmp_path, updates=2)
    append(content / "updates" / "update-0.en.md", "\nThe campaign's vigil -- in 'quotes'.\n")
    output = tmp_path / "site"
    assert run_build(output, content=content).status == 0
    assert re.search("campaign(&rsquo;|’)s", (output / "updates" / "update-0.html").read_text())
    plain = {"MARKDOWN_TYPOGRAPHY": False}  # straight quotes: every file must be parsed again
    again = run_build(output, content=content, overrides=plain)
    scratch = reference_build(content, overrides=plain)
    assert again.status == 0 and scratch.status == 0
    assert "campaign's" in (output / "updates" / "update-0.html").read_text()
    assert differences(scratch.output, again.output) == []


def test_a_body_edit_renders_only_the_pages_that_show_that_piece(tmp_path):
    content = small_corpus(tmp_path, updates=30)
    output = tmp_path / "site"
    assert run_build(output, content=content).status == 0
    before = {path: path.stat().st_mtime_ns for path in output.rglob("*.html")}
    append(content / "updates" / "update-7.en.md", "\nOne more line.\n")
    assert run_build(output, content=content).status == 0
    changed = sorted(path.relative_to(output).as_posix() for path, mtime in before.items()
                     if path.stat().st_mtime_ns != mtime)
    assert "updates/update-7.html" in changed
    assert "updates/update-8.html" not in changed and "fa/updates/update-7.html" not in changed
    # The piece's page and the list pages that show it; nothing in other languages.
    assert not any(name.startswith(("fa/", "es/")) for name in changed), changed
    assert len(changed) < len(before) / 10, f"{len(changed)} of {len(before)} pages rendered again"


CHECK_AND_TELL_IMPORTS = (
    "import json, sys; from site_build import BuildRequest; status = BuildRequest(**json.loads(sys.argv[1])).run(); "
    "print('imported:', sorted({name.split('.')[0] for name in sys.modules} & {'pelican', 'jinja2', 'markdown', 'babel'}));"
    "from site_build.pelican_process import PELICAN; print('Pelican process started:', PELICAN._process is not None);"
    " sys.exit(status)")


def test_a_build_with_nothing_changed_is_skipped_without_importing_pelican_and_keeps_the_site(tmp_path):
    content = small_corpus(tmp_path, updates=3)
    output = tmp_path / "site"
    assert run_build(output, content=content).status == 0
    # In a process of its own, as `invoke build` runs it: telling that nothing changed must not pay for Pelican.
    request = json.dumps(dataclasses.asdict(request_for(output, content=content)))
    again = subprocess.run([sys.executable, "-c", CHECK_AND_TELL_IMPORTS, request], cwd=ROOT, capture_output=True,
                           text=True, check=False, env=pelican_environment())
    assert again.returncode == 0 and "Nothing changed" in again.stdout, again.stdout + again.stderr
    assert "imported: []" in again.stdout and "Pelican process started: False" in again.stdout
    assert (output / "fa" / "index.html").is_file()
    other_day = run_build(output, content=content, overrides={"BUILD_DATE": "2026-12-24"})
    assert other_day.status == 0 and "Nothing changed" not in other_day.log


def test_a_body_edit_indexes_only_its_language_for_search_again(tmp_path):
    content = small_corpus(tmp_path, updates=4)
    output = tmp_path / "site"
    assert run_build(output, content=content).status == 0
    entries = {lang: output / lang / "pagefind" / "pagefind-entry.json" for lang in ("fa", "es")}
    entries["en"] = output / "pagefind" / "pagefind-entry.json"
    before = {lang: entry.stat().st_ino for lang, entry in entries.items()}
    append(content / "updates" / "update-2.en.md", "\nA new paragraph.\n")
    assert run_build(output, content=content).status == 0
    after = {lang: entry.stat().st_ino for lang, entry in entries.items()}
    assert after["fa"] == before["fa"] and after["es"] == before["es"]  # linked from the previous build
    assert after["en"] != before["en"]


def keeping_times(edit):
    """`edit`, after which every file it changed has its access and modification times back."""
    def apply(content, theme):
        times = {path: (path.stat().st_atime_ns, path.stat().st_mtime_ns)
                 for root in (content, theme) for path in root.rglob("*") if path.is_file()}
        edit(content, theme)
        for path, (accessed, modified) in times.items():
            if path.exists():
                os.utime(path, ns=(accessed, modified))
    return apply


def same_size_image(path):
    """Another photo (other dimensions and colour) of exactly as many bytes as the one at `path`."""
    from PIL import Image

    size = path.stat().st_size
    encoded = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 180, 20)).save(encoded, "JPEG", quality=90)
    data = encoded.getvalue()
    assert len(data) <= size
    return data + b"\0" * (size - len(data))  # after the end-of-image marker, which decoders ignore


# Every edit keeps the modification times of the files it changes (a checkout,
# a copy or an editor may): what a build reuses must be told apart by bytes alone.
# The edits follow each other in one project, as a writer's do.
EDITS_KEEPING_TIMES = {
    **{name: keeping_times(edit) for name, edit in EDITS.items()},
    "an image replaced by one of the same size": keeping_times(
        lambda c, t: (c / "images" / "photo-2.jpg").write_bytes(same_size_image(c / "images" / "photo-2.jpg"))),
}


@pytest.mark.parametrize("edit", EDITS_KEEPING_TIMES)
def test_incremental_build_after_an_edit_equals_a_build_from_scratch(project, edit):
    root, content, theme = project
    EDITS_KEEPING_TIMES[edit](content, theme)
    incremental = run_build(root / "site", content=content, overrides={"THEME": str(theme)})
    assert incremental.status == 0, incremental.log
    assert "Nothing changed" not in incremental.log
    scratch = reference_build(content, theme)
    assert scratch.status == 0, scratch.log
    assert differences(scratch.output, incremental.output) == []


def alter_keeping_size_and_times(path):
    """Change bytes of `path` in place (same inode, same size) and put its times back."""
    status = path.stat()
    data = path.read_bytes()
    assert b"<title>" in data
    with open(path, "r+b") as target:
        target.write(data.replace(b"<title>", b"<TITLE>", 1))
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


def test_a_build_with_nothing_changed_writes_again_what_was_deleted_or_altered_in_the_output(tmp_path):
    content = small_corpus(tmp_path, updates=3)
    output = tmp_path / "site"
    assert run_build(output, content=content).status == 0
    shutil.copytree(output, tmp_path / "as-built", copy_function=shutil.copy2)
    (output / "fa" / "index.html").unlink()
    (output / "es" / "pagefind" / "pagefind-entry.json").unlink()
    alter_keeping_size_and_times(output / "updates" / "update-1.html")
    repaired = run_build(output, content=content)
    assert repaired.status == 0, repaired.log
    assert "Nothing changed" not in repaired.log
    assert "3 files in site/ not as the last build wrote" in repaired.log
    assert differences(tmp_path / "as-built", output) == []
    again = run_build(output, content=content)
    assert again.status == 0 and "Nothing changed" in again.log
    shutil.rmtree(output)
    whole = run_build(output, content=content)
    assert whole.status == 0 and "Nothing changed" not in whole.log
    assert differences(tmp_path / "as-built", output) == []


def test_a_second_check_of_an_unchanged_site_reads_no_file_and_still_finds_one_altered_in_place(tmp_path):
    from file_digests import KnownDigests, build_records

    content = small_corpus(tmp_path, updates=3)
    output = tmp_path / "site"
    assert run_build(output, content=content).status == 0
    settled(*(path for root in (output, content) for path in root.rglob("*") if path.is_file()))
    assert "Nothing changed" in run_build(output, content=content).log
    request = request_for(output, content=content)
    settings = sb.file_settings(request)
    records = build_records(settings["CACHE_PATH"], str(output.resolve()))
    known = KnownDigests.load(records.known)
    assert sb.build_inputs(settings, request.settings_file, known) == (tmp_path / "site-cache" / "builds" /
                                                                       os.path.basename(records.stamp)).read_text()
    recorded = json.loads(Path(records.manifest).read_text())
    assert len(recorded) > 100 and sb._differing_files(str(output.resolve()), recorded, known) == []
    assert known.read == 0
    alter_keeping_size_and_times(output / "updates" / "update-1.html")
    assert sb._differing_files(str(output.resolve()), recorded, known) == ["updates/update-1.html"]
    assert known.read == 1


def test_an_altered_output_page_is_not_reused_by_the_next_build(tmp_path):
    content = small_corpus(tmp_path, updates=3)
    output = tmp_path / "site"
    assert run_build(output, content=content).status == 0
    alter_keeping_size_and_times(output / "updates" / "update-1.html")
    append(content / "updates" / "update-0.en.md", "\nA new paragraph.\n")
    incremental = run_build(output, content=content)
    assert incremental.status == 0, incremental.log
    scratch = reference_build(content)
    assert scratch.status == 0, scratch.log
    assert differences(scratch.output, output) == []


# Pelican building again in one process, as `invoke serve` does on every save:
# one build for each line read.
# Each page written is printed as it is: "WROTE <path> <digest of its bytes then>".
REBUILDS = """
import gc, hashlib, json, sys
from pelican import Pelican, signals
from pelican.contents import Content
from pelican.settings import read_settings
def wrote(path, context):
    with open(path, "rb") as page:
        print("WROTE", path, hashlib.sha256(page.read()).hexdigest(), flush=True)
signals.content_written.connect(wrote)
pelican = Pelican(read_settings("pelicanconf.py", override=json.loads(sys.argv[1])))
for _ in sys.stdin:
    pelican.run()
    left = gc.collect()
    print("BUILT", gc.isenabled(), sum(isinstance(o, Content) for o in gc.get_objects()), left, flush=True)
"""


class Rebuilds:
    """Builds in place in one process, with the live preview's settings (site_build.preview_command)."""

    def __init__(self, root, content, output=None, cache=None):
        self.output = output or root / "preview"
        cache = cache or root / "preview-cache"
        settings = {"PATH": str(content), "OUTPUT_PATH": str(self.output), "CACHE_PATH": str(cache),
                    "BUILD_DATE": BUILD_DATE, "DELETE_OUTPUT_DIRECTORY": False, "PREVIOUS_OUTPUT_PATH": str(self.output),
                    "PARALLEL_BUILD": False, "KEEP_CONTENT_OBJECTS": True, "SEARCH_INDEX": False}
        self.process = subprocess.Popen([sys.executable, "-c", REBUILDS, json.dumps(settings)], cwd=ROOT,
                                        env=pelican_environment(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)

    def build(self) -> str:
        """Build; Pelican's log. Then `collecting` says whether the cycle collector is on, `live`
        how many content objects are alive in the process, `left` how many objects the build
        left for the collector."""
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        log = []
        for line in self.process.stdout:
            if line.startswith("BUILT "):
                _, collecting, live, left = line.split()
                self.collecting, self.live, self.left = collecting == "True", int(live), int(left)
                return "".join(log)
            log.append(line)
        raise AssertionError("".join(log[-60:]))

    def close(self) -> None:
        if not self.process.stdin.closed:
            self.process.stdin.close()
        self.process.wait()


@pytest.fixture
def rebuilds(tmp_path):
    content = small_corpus(tmp_path, updates=3)
    process = Rebuilds(tmp_path, content)
    yield process, content
    process.close()


def test_building_again_in_one_process_shows_an_edit_that_kept_the_modification_time(rebuilds):
    process, content = rebuilds
    process.build()
    keeping_times(lambda c, t: append(c / "updates" / "update-0.en.md", "\nA paragraph saved in no time.\n"))(
        content, content)
    process.build()
    assert "A paragraph saved in no time." in (process.output / "updates" / "update-0.html").read_text()


def test_building_again_in_one_process_writes_again_a_page_altered_with_its_time_put_back(rebuilds):
    process, content = rebuilds
    process.build()
    page = process.output / "updates" / "update-1.html"
    as_built = page.read_bytes()
    alter_keeping_size_and_times(page)
    append(content / "updates" / "update-0.en.md", "\nA new paragraph.\n")
    process.build()
    assert page.read_bytes() == as_built


def written(log: str) -> list[tuple[str, str]]:
    """(path, digest of its bytes) of each page written, in order, from a Rebuilds log."""
    return [tuple(line.split()[1:]) for line in log.splitlines() if line.startswith("WROTE ")]


def test_a_rebuild_writes_the_saved_piece_first_as_the_whole_build_leaves_it(rebuilds):
    process, content = rebuilds
    first_build = written(process.build())
    assert len({path for path, _ in first_build}) == len(first_build)  # nothing kept yet: each page once
    # The main site's page: without this, it would be written after both subsites.
    append(content / "updates" / "update-0.en.md", "\nSeen first.\n")
    rebuild = written(process.build())
    page = process.output / "updates" / "update-0.html"
    final = hashlib.sha256(page.read_bytes()).hexdigest()
    # Before any other page of any language, with the bytes the whole build leaves there.
    assert rebuild[0] == (str(page), final)
    assert "Seen first." in page.read_text(encoding="utf-8")
    # Then every site as usual, this page with the rest of its site.
    assert (str(page), final) in rebuild[1:]
    assert [path for path, _ in rebuild].count(str(page)) == 2


def test_building_again_in_one_process_keeps_no_content_object_of_an_earlier_build(rebuilds):
    # Pelican memoizes every object's HTML for the life of the process; each
    # build makes objects of its own, so each save used to keep its objects alive.
    process, content = rebuilds
    live, left = [], []
    for save in range(4):
        append(content / "updates" / "update-0.en.md", f"\nSave {save}.\n")
        process.build()
        live.append(process.live)
        left.append(process.left)
        assert process.collecting  # on again between builds
    assert live[1] == live[2] == live[3], live
    # Collected by the build itself, before the next save, not in it.
    assert max(left) < 1000, left


def deleted_piece(content):
    """Delete update-2 in every language; return a function that puts it back."""
    saved = {path: path.read_bytes() for path in (content / "updates").glob("update-2.*.md")}
    assert len(saved) == 3
    for path in saved:
        path.unlink()
    return lambda: [path.write_bytes(data) for path, data in saved.items()]


# What a writer does between two `make build`s, with `make serve` running on the
# same output/ and cache/: the preview rebuilds output/ in place on every save.
# `build` is a `make build` in between.
def deleted_during_the_preview(preview, content, build):
    preview.build()
    deleted_piece(content)
    preview.build()


def deleted_and_put_back_during_the_preview(preview, content, build):
    preview.build()
    restore = deleted_piece(content)
    preview.build()
    restore()
    preview.build()


def deleted_built_then_put_back_and_deleted_again_in_the_preview(preview, content, build):
    restore = deleted_piece(content)
    assert build().status == 0  # the record of the last build is now of the site without the piece
    preview.build()
    restore()
    preview.build()
    deleted_piece(content)
    preview.build()


def put_back_in_the_preview_and_deleted_again_once_it_stopped(preview, content, build):
    restore = deleted_piece(content)
    assert build().status == 0
    preview.build()
    restore()
    preview.build()  # the piece is back on the home page and in the feeds
    preview.close()
    deleted_piece(content)  # the content is again what the last build was made of


PREVIEW_SESSIONS = {
    "a piece deleted while the preview runs": deleted_during_the_preview,
    "a piece deleted and put back while the preview runs": deleted_and_put_back_during_the_preview,
    "a piece deleted and built, then put back and deleted again in the preview":
        deleted_built_then_put_back_and_deleted_again_in_the_preview,
    "a piece deleted and built, put back in the preview, deleted again once it stopped":
        put_back_in_the_preview_and_deleted_again_once_it_stopped,
}


@pytest.mark.parametrize("session", PREVIEW_SESSIONS)
def test_a_build_after_the_preview_rebuilt_output_in_place_equals_a_build_from_scratch(session, tmp_path):
    content = small_corpus(tmp_path, updates=3)
    output, cache = tmp_path / "site", tmp_path / "site-cache"  # the cache run_build gives this output

    def build():
        return run_build(output, content=content)

    assert build().status == 0
    preview = Rebuilds(tmp_path, content, output=output, cache=cache)
    try:
        PREVIEW_SESSIONS[session](preview, content, build)
    finally:
        preview.close()
    after = build()
    assert after.status == 0, after.log
    scratch = reference_build(content)
    assert scratch.status == 0, scratch.log
    assert differences(scratch.output, output) == [], after.log
    listed = "update-2.html" in (output / "index.html").read_text(encoding="utf-8")
    assert listed == (content / "updates" / "update-2.en.md").exists()
