"""Subsites are written by forked copies of the build process: the site is
the same as one process writes, and a copy's failure fails the whole build."""

import shutil
import sys

from conftest import ROOT, differences, run_build

sys.path.insert(0, str(ROOT))

from benchmarks.corpus import make_corpus  # noqa: E402


def test_writing_subsites_in_parallel_builds_the_same_site_as_one_process(tmp_path):
    content = make_corpus(tmp_path / "content", updates=10)
    parallel = run_build(tmp_path / "parallel", content=content)
    assert parallel.status == 0, parallel.log
    single = run_build(tmp_path / "single", content=content, overrides={"PARALLEL_BUILD": False})
    assert single.status == 0, single.log
    assert differences(single.output, parallel.output) == []
    # Every language finished: once in the process that read them, once in the copy that wrote it.
    assert parallel.log.count("Done:") == 5 and single.log.count("Done:") == 3


def test_a_failure_while_a_copy_writes_a_subsite_fails_the_build_and_keeps_the_previous_site(tmp_path):
    content = make_corpus(tmp_path / "content", updates=3)
    output = tmp_path / "site"
    assert run_build(output, content=content).status == 0
    before = {path: path.read_bytes() for path in output.rglob("*.html")}
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    article = theme / "templates" / "article.html"
    # A template that fails only for Persian pages, which a forked copy writes.
    article.write_text("{% if DEFAULT_LANG == 'fa' %}{{ no_such_helper() }}{% endif %}" + article.read_text())
    broken = run_build(output, content=content, overrides={"THEME": str(theme)})
    assert broken.status != 0
    assert "writing the fa site failed" in broken.log
    assert "no_such_helper" in broken.log, broken.log
    assert {path: path.read_bytes() for path in output.rglob("*.html")} == before
