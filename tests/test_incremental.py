"""Incremental builds: after any kind of edit, reusing the previous build gives
exactly the site a build from scratch gives, and unchanged pages are reused."""

import shutil
import sys

import pytest

from conftest import ROOT, differences, run_build

sys.path.insert(0, str(ROOT))

from benchmarks.corpus import make_corpus  # noqa: E402


def append(path, text):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def replace(path, old, new):
    source = path.read_text(encoding="utf-8")
    assert old in source
    path.write_text(source.replace(old, new), encoding="utf-8")


EDITS = {
    "body of an update with a summary": lambda c, t: append(c / "updates" / "update-0.en.md", "\nA new paragraph.\n"),
    "title of a translation": lambda c, t: replace(c / "updates" / "update-1.fa.md", "Update 1 fa", "به‌روزرسانی تازه"),
    "body of an event without a summary": lambda c, t: append(c / "events" / "event-1.es.md", "\nOtra línea.\n"),
    "tags of an update": lambda c, t: replace(c / "updates" / "update-2.en.md", "tags: [", 'tags: ["New tag", '),
    "a deleted translation": lambda c, t: (c / "updates" / "update-3.es.md").unlink(),
    "a new update": lambda c, t: shutil.copy(c / "updates" / "update-4.en.md", c / "updates" / "brand-new.en.md"),
    "a prisoner's profile": lambda c, t: append(c / "prisoners" / "prisoner-0.fa.md", "\nخبر تازه.\n"),
    "a replaced image": lambda c, t: shutil.copy(c / "images" / "photo-1.jpg", c / "images" / "photo-0.jpg"),
    "a template": lambda c, t: replace(t / "templates" / "base.html", "</footer>", "<p>Edited</p></footer>"),
    "a UI translation": lambda c, t: replace(t / "translations" / "fa" / "LC_MESSAGES" / "messages.po",
                                             'msgid "Updates"\nmsgstr "', 'msgid "Updates"\nmsgstr "تازه‌ها: '),
}


def corpus_and_theme(root):
    """A small corpus and a copy of the theme, for EDITS to change."""
    content = make_corpus(root / "content", updates=6)
    theme = root / "theme"
    shutil.copytree(ROOT / "theme", theme)
    return content, theme


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Built once, so that every edit has a previous build."""
    root = tmp_path_factory.mktemp("incremental")
    content, theme = corpus_and_theme(root)
    first = run_build(root / "site", content=content, overrides={"THEME": str(theme)})
    assert first.status == 0, first.log
    return root, content, theme


@pytest.mark.parametrize("edit", EDITS)
def test_incremental_build_after_an_edit_equals_a_build_from_scratch(project, edit, tmp_path):
    root, content, theme = project
    EDITS[edit](content, theme)
    incremental = run_build(root / "site", content=content, overrides={"THEME": str(theme)})
    assert incremental.status == 0, incremental.log
    scratch = run_build(tmp_path / "scratch", content=content,
                        overrides={"THEME": str(theme), "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False})
    assert scratch.status == 0, scratch.log
    assert differences(scratch.output, incremental.output) == []


def test_changed_markdown_settings_parse_every_file_again(tmp_path):
    content = make_corpus(tmp_path / "content", updates=2)
    append(content / "updates" / "update-0.en.md", "\nThe campaign's vigil -- in 'quotes'.\n")
    output = tmp_path / "site"
    assert run_build(output, content=content).status == 0
    assert "campaign&rsquo;s" in (output / "updates" / "update-0.html").read_text()
    plain = {"MARKDOWN": {"extension_configs": {"markdown.extensions.extra": {}}, "output_format": "html5"}}
    again = run_build(output, content=content, overrides=plain)
    scratch = run_build(tmp_path / "scratch", content=content,
                        overrides={**plain, "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False})
    assert again.status == 0 and scratch.status == 0
    assert "campaign's" in (output / "updates" / "update-0.html").read_text()
    assert differences(scratch.output, again.output) == []


def test_a_body_edit_renders_only_the_pages_that_show_that_piece(tmp_path):
    content = make_corpus(tmp_path / "content", updates=30)
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


def test_a_build_with_nothing_changed_is_skipped_and_keeps_the_site(tmp_path):
    content = make_corpus(tmp_path / "content", updates=3)
    output = tmp_path / "site"
    assert run_build(output, content=content).status == 0
    again = run_build(output, content=content)
    assert again.status == 0 and "Nothing changed" in again.log
    assert (output / "fa" / "index.html").is_file()
    other_day = run_build(output, content=content, overrides={"BUILD_DATE": "2026-12-24"})
    assert other_day.status == 0 and "Nothing changed" not in other_day.log


def test_a_body_edit_indexes_only_its_language_for_search_again(tmp_path):
    content = make_corpus(tmp_path / "content", updates=4)
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
