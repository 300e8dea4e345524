"""Strict builds: i18n_subsites' traps give clear errors, and a failed build changes nothing."""

import gzip
import shutil

from conftest import ROOT, run_build


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_language_without_subsite_fails_with_one_line_naming_the_file(content_copy, tmp_path):
    write(content_copy / "updates" / "evin-visit.de.md", '---\ntitle: "Besuch"\ndate: 2023-10-09\n---\n\nText\n')
    build = run_build(tmp_path / "output", content=content_copy)
    assert build.status != 0
    assert build.log.strip() == (
        "content/updates/evin-visit.de.md: lang: 'de' is not a language of this site (use one of en, fa, es)")
    assert not (tmp_path / "output").exists()


def test_a_missing_catalog_is_an_error(tmp_path):
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    shutil.rmtree(theme / "translations" / "es")
    build = run_build(tmp_path / "output", extra_args=["--theme-path", str(theme)])
    assert build.status != 0
    assert "translations/es/LC_MESSAGES/messages.po: missing" in build.log
    assert "Traceback" not in build.log


def test_a_piece_translated_into_some_languages_only_builds_without_warnings(content_copy, tmp_path):
    # No English original: Pelican would warn about two "original" items in the main site.
    for lang, title in (("fa", "فقط فارسی و اسپانیایی"), ("es", "Solo en persa y español")):
        write(content_copy / "updates" / f"no-english.{lang}.md", f'---\ntitle: "{title}"\ndate: 2023-11-01\n---\n\nText.\n')
    build = run_build(tmp_path / "output", content=content_copy)
    assert build.status == 0, build.log
    assert "WARNING" not in build.log
    assert (tmp_path / "output" / "fa" / "updates" / "no-english.html").is_file()
    assert (tmp_path / "output" / "es" / "updates" / "no-english.html").is_file()
    assert not (tmp_path / "output" / "updates" / "no-english.html").exists()


def test_a_draft_is_published_in_no_language(content_copy, tmp_path):
    for lang in ("en", "fa"):
        write(content_copy / "updates" / f"not-ready.{lang}.md",
              '---\ntitle: "Not ready"\ndate: 2023-11-01\nstatus: draft\n---\n\nText.\n')
    build = run_build(tmp_path / "output", content=content_copy)
    assert build.status == 0, build.log
    assert not [p for p in (tmp_path / "output").rglob("*not-ready*")]
    assert "not-ready" not in "".join(p.read_text() for p in (tmp_path / "output").rglob("*.xml"))


def test_a_failed_build_leaves_the_previous_site_untouched(content_copy, tmp_path):
    output = tmp_path / "output"
    assert run_build(output, content=content_copy).status == 0
    before = {p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    write(content_copy / "updates" / "broken.en.md", '---\ntitle: "Broken"\ndate: "next week"\n---\n\nText\n')
    build = run_build(output, content=content_copy)
    assert build.status != 0
    assert 'content/updates/broken.en.md: date: "next week" is not a date' in build.log
    after = {p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_unreadable_content_cache_only_costs_time(tmp_path):
    output = tmp_path / "output"
    assert run_build(output).status == 0
    cache = tmp_path / "output-cache"
    cached = [p for p in cache.rglob("*") if p.is_file()]
    assert cached
    for path in cached:
        path.write_bytes(gzip.compress(b"not a pickle"))
    build = run_build(output)
    assert build.status == 0, build.log
    assert (output / "fa" / "index.html").is_file()
