"""Writers' and translators' tools: invoke check, invoke new, invoke translations."""

import datetime
import os
import subprocess
import sys

import pytest
from conftest import ROOT, run_build
from content import front_matter
from content_contract import check_content
from pelican.settings import read_settings
from scaffold import ScaffoldError, new_piece
from translation_status import format_report, translation_report

TODAY = datetime.date(2026, 11, 24)


def settings_for(content):
    return read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content)})


def invoke(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "invoke", *args], cwd=cwd, capture_output=True, text=True)


def test_invoke_check_passes_the_starter_content():
    result = invoke("check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "All content files follow the contract."


def test_invoke_check_lists_every_problem_and_exits_1_without_building(content_copy):
    (content_copy / "updates" / "evin-visit.fa.md").write_text(
        '---\ntitle: "دیدار"\ndate: "1402-10-04"\n---\n\nمتن\n', encoding="utf-8")
    (content_copy / "pages" / "list.en.md").write_text("---\n- a\n- b\n---\n\nText\n", encoding="utf-8")
    (content_copy / "updates" / "link.en.md").write_text(
        '---\ntitle: "Link"\ndate: 2026-01-01\n---\n\nSee [the appeal]({filename}/pages/apeal.en.md).\n',
        encoding="utf-8")
    result = invoke("check", "--content", str(content_copy))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "content/pages/list.en.md: front-matter: expected 'field: value' lines",
        "content/updates/evin-visit.fa.md: date: \"1402-10-04\" is not a date (expected YYYY-MM-DD or YYYY-MM-DD HH:MM)",
        "content/updates/link.en.md: body: links to '/pages/apeal.en.md', which is not a file in content/",
    ]
    assert not (ROOT / "content" / "updates" / "evin-visit.fa.md").exists()


def test_an_update_and_an_event_sharing_a_slug_and_language_are_reported(content_copy):
    (content_copy / "events" / "letters-to-evin.en.md").write_text(
        '---\ntitle: "Letters"\ndate: 2026-01-01\nstart: 2026-01-02\n---\n\nText\n', encoding="utf-8")
    assert check_content(settings_for(content_copy)) == [
        "content/updates/letters-to-evin.en.md: slug: 'letters-to-evin' in 'en' is also content/events/letters-to-evin.en.md"]


def test_a_control_character_in_front_matter_is_named(content_copy):
    (content_copy / "updates" / "pasted.en.md").write_text(
        '---\ntitle: "Pasted\x07 title"\ndate: 2026-01-01\n---\n\nText\n', encoding="utf-8")
    assert check_content(settings_for(content_copy)) == [
        "content/updates/pasted.en.md: front-matter: contains an invisible control character (U+0007); delete it"]


@pytest.mark.parametrize("kind, folder", [("update", "updates"), ("event", "events"), ("page", "pages"),
                                          ("prisoner", "prisoners")])
def test_new_piece_has_the_right_name_todays_date_and_passes_the_contract(content_copy, kind, folder):
    path = new_piece(kind, "Vigil at the Ferry Building", content=str(content_copy), today=TODAY)
    assert path == str(content_copy / folder / "vigil-at-the-ferry-building.en.md")
    meta = front_matter(content_copy / folder / "vigil-at-the-ferry-building.en.md")
    text = (content_copy / folder / "vigil-at-the-ferry-building.en.md").read_text(encoding="utf-8")
    assert meta.get("title", meta.get("name")) == "Vigil at the Ferry Building"
    if folder in ("updates", "events"):
        assert meta["date"] == TODAY
        assert "# prisoners:" in text and "# image:" in text and "# tags:" in text
    assert check_content(settings_for(content_copy)) == []


def test_new_refuses_to_overwrite_and_needs_an_ascii_slug_for_persian_titles(content_copy):
    with pytest.raises(ScaffoldError, match="already exists"):
        new_piece("update", "Letters to Evin", slug="letters-to-evin", content=str(content_copy))
    with pytest.raises(ScaffoldError, match="--slug"):
        new_piece("update", "دیدار در اوین", lang="fa", content=str(content_copy))
    path = new_piece("update", "دیدار در اوین", lang="fa", slug="evin-visit", content=str(content_copy))
    assert front_matter(content_copy / "updates" / "evin-visit.fa.md")["title"] == "دیدار در اوین"
    assert path.endswith("updates/evin-visit.fa.md")


def test_translation_skeleton_keeps_slug_and_shared_fields_and_stays_unpublished(content_copy, tmp_path):
    source = content_copy / "events" / "depauw-roundtable.en.md"
    path = new_piece("", translate_from=str(source), lang="fa", content=str(content_copy))
    assert path == str(content_copy / "events" / "depauw-roundtable.fa.md")
    original, translation = front_matter(source), front_matter(content_copy / "events" / "depauw-roundtable.fa.md")
    for field in ("date", "start", "end", "timezone"):
        assert translation[field] == original[field]
    assert translation["status"] == "draft"
    assert check_content(settings_for(content_copy)) == []
    build = run_build(tmp_path / "output", content=content_copy)
    assert build.status == 0, build.log
    assert not (tmp_path / "output" / "fa" / "events" / "depauw-roundtable.html").exists()


def test_translating_a_file_with_broken_front_matter_is_one_clear_error(content_copy):
    source = content_copy / "updates" / "no-such-day.en.md"
    source.write_text('---\ntitle: "x"\ndate: 2023-02-30\n---\n\nText\n', encoding="utf-8")
    with pytest.raises(ScaffoldError, match=r"no-such-day.en.md: front-matter: not readable; `invoke check`"):
        new_piece("", translate_from=str(source), lang="fa", content=str(content_copy))
    assert not (content_copy / "updates" / "no-such-day.fa.md").exists()


def test_invoke_new_prints_the_path_or_one_line_why_not(tmp_path):
    result = invoke("new", "update", "دیدار", "--lang", "fa")
    assert result.returncode == 1
    assert result.stderr.strip() == "a title in Persian script needs an ASCII --slug, e.g. --slug evin-visit"


def git(repo, *args, when=None):
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def test_translation_report_finds_missing_stale_and_untranslated_ui_strings(tmp_path):
    content = tmp_path / "content"
    (content / "updates").mkdir(parents=True)
    piece = '---\ntitle: "{}"\ndate: 2026-01-01\n---\n\nText\n'
    for name in ("vigil.en.md", "vigil.fa.md", "vigil.es.md", "alone.en.md"):
        (content / "updates" / name).write_text(piece.format(name), encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "first", when="2026-01-01T12:00:00Z")
    (content / "updates" / "vigil.en.md").write_text(piece.format("Vigil, corrected"), encoding="utf-8")
    git(tmp_path, "commit", "-qam", "fix the original", when="2026-02-01T12:00:00Z")
    (content / "updates" / "vigil.es.md").write_text(piece.format("Vigilia, corregida"), encoding="utf-8")
    git(tmp_path, "commit", "-qam", "update es", when="2026-02-02T12:00:00Z")
    theme = tmp_path / "theme"
    import shutil
    shutil.copytree(ROOT / "theme", theme)
    po = theme / "translations" / "es" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Donar"', 'msgstr ""'), encoding="utf-8")
    settings = read_settings(str(ROOT / "pelicanconf.py"), override={"PATH": str(content), "THEME": str(theme)})
    rows = translation_report(settings)
    assert [tuple(row[:3]) for row in rows] == [
        ("fa", "updates/alone", "missing"),
        ("fa", "updates/vigil", "stale"),
        ("es", "theme/translations/es/LC_MESSAGES/messages.po", "UI string"),
        ("es", "updates/alone", "missing"),
    ]
    assert rows[1].detail == "en changed 2026-02-01, fa last 2026-01-01"
    assert rows[2].detail == "Donate"
    markdown = format_report(rows, "markdown")
    assert "| fa | updates/vigil | stale | en changed 2026-02-01, fa last 2026-01-01 |" in markdown
    table = format_report(rows)
    assert table.splitlines()[0].split() == ["Language", "Piece", "Status", "What", "to", "do"]
    assert table.splitlines()[-1] == "fa: 1 missing, 1 stale; es: 1 UI string, 1 missing"


def test_invoke_new_translation_takes_the_original_path(tmp_path):
    result = invoke("new", "translation", "content/updates/does-not-exist.en.md", "--lang", "fa")
    assert result.returncode == 1
    assert result.stderr.strip() == "content/updates/does-not-exist.en.md: no such file"


def test_a_draft_translation_counts_as_missing_and_says_it_is_a_draft(tmp_path):
    content = tmp_path / "content"
    piece = '---\ntitle: "{}"\ndate: 2026-01-01\n{}---\n\nText\n'
    for name, extra in (("vigil.en.md", ""), ("vigil.fa.md", "status: draft\n"),
                        ("vigil.es.md", "status: published\n"), ("quoted.en.md", ""),
                        ("quoted.es.md", 'status: "Draft"  # delete this line when the translation is ready\n')):
        (content / "updates").mkdir(parents=True, exist_ok=True)
        (content / "updates" / name).write_text(piece.format(name, extra), encoding="utf-8")
    rows = [row for row in translation_report(settings_for(content)) if row.state != "UI string"]
    assert [tuple(row) for row in rows] == [
        ("fa", "updates/quoted", "missing", "translate from en"),
        ("fa", "updates/vigil", "missing", "a draft (status: draft); delete that line when the translation is done"),
        ("es", "updates/quoted", "missing", "a draft (status: draft); delete that line when the translation is done"),
    ]
    assert format_report(rows).splitlines()[-1] == "fa: 2 missing; es: 1 missing"


def test_a_translation_started_with_invoke_new_is_missing_until_its_draft_line_is_deleted(content_copy):
    path = new_piece("", translate_from=str(content_copy / "updates" / "a-month-of-vigils.en.md"), lang="fa",
                     content=str(content_copy))
    missing = ("fa", "updates/a-month-of-vigils", "missing")
    assert missing in [tuple(row[:3]) for row in translation_report(settings_for(content_copy))]
    text = open(path, encoding="utf-8").read()
    open(path, "w", encoding="utf-8").write("\n".join(line for line in text.splitlines()
                                                       if not line.startswith("status: draft")) + "\n")
    assert missing not in [tuple(row[:3]) for row in translation_report(settings_for(content_copy))]


def test_translation_status_of_a_pull_request_lists_only_the_pieces_it_changes(tmp_path):
    from content import langs_by_slug

    changed = tmp_path / "changed.txt"
    changed.write_text("content/updates/researchers-wanted.en.md\ncontent/pages/about.fa.md\nREADME.md\n")
    result = subprocess.run([sys.executable, "-m", "invoke", "translations", "--format", "markdown",
                             "--changed", str(changed)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    rows = [line.split(" | ") for line in result.stdout.splitlines() if line.startswith("| ") and "---" not in line][1:]
    missing = sorted({"en", "fa", "es"} - langs_by_slug("updates")["researchers-wanted"])
    assert missing and sorted(row[0].strip("| ") for row in rows) == missing
    assert {row[1] for row in rows} == {"updates/researchers-wanted"}  # about is translated everywhere
    everything = subprocess.run([sys.executable, "-m", "invoke", "translations", "--format", "markdown"], cwd=ROOT,
                                capture_output=True, text=True).stdout
    assert everything.count("\n| ") > len(rows) + 1
