"""New files are parsed by worker processes and subsites are written by forked
copies of the build process: the site is the same as one process builds,
and a copy's failure fails the whole build."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import BUILD_DATE, ROOT, differences, run_build
from site_build import pelican_environment
from sites import seed_images, small_corpus



def pelican(output, content, *settings):
    """Pelican alone, verbose (the plain log handler of site_build shows no progress); a new cache
    starts with the encoded images of sites.seed_images."""
    seed_images(Path(f"{output}-cache"), content)
    result = subprocess.run([sys.executable, "-m", "pelican", str(content), "--settings", "pelicanconf.py",
                             "--output", str(output), "--cache-path", f"{output}-cache", "--verbose",
                             "--extra-settings", f'BUILD_DATE="{BUILD_DATE}"', *settings],
                            cwd=ROOT, capture_output=True, text=True, env=pelican_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_parsing_and_writing_in_parallel_builds_the_same_site_as_one_process(tmp_path):
    content = small_corpus(tmp_path, updates=40)  # enough new files to start parsing workers
    parallel = pelican(tmp_path / "parallel", content)
    single = pelican(tmp_path / "single", content, "PARALLEL_BUILD=false")
    assert re.search(r"Parsed 1\d\d of 1\d\d new files in \d+ worker", parallel), parallel[-3000:]
    assert "new files in" not in single
    assert differences(tmp_path / "single", tmp_path / "parallel") == []
    # A build of site_build, a fork of its warm process (site_build.pelican_process), makes the same site
    # as Pelican started on its own.
    warm = run_build(tmp_path / "warm", content=content)
    assert warm.status == 0, warm.log
    assert differences(tmp_path / "single", warm.output) == []
    # Pelican's summary once per language, by the process that read them all: a copy
    # that wrote a subsite ends with that site (build_cache.processes).
    assert parallel.count("Done:") == 3 and single.count("Done:") == 3


def test_files_edited_with_their_times_put_back_are_parsed_again_by_the_workers(tmp_path):
    content = small_corpus(tmp_path, updates=40)
    pelican(tmp_path / "parallel", content)
    for path in sorted((content / "updates").glob("*.md")):
        status = path.stat()
        path.write_text(path.read_text(encoding="utf-8") + "\nEdited in no time.\n", encoding="utf-8")
        os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    again = pelican(tmp_path / "parallel", content)
    assert re.search(r"Parsed 1\d\d of 1\d\d new files in \d+ worker", again), again[-3000:]
    pelican(tmp_path / "single", content, "PARALLEL_BUILD=false", "CACHE_CONTENT=false")
    assert differences(tmp_path / "single", tmp_path / "parallel") == []
    assert "Edited in no time." in (tmp_path / "parallel" / "fa" / "updates" / "update-3.html").read_text()


def test_a_failure_while_a_copy_writes_a_subsite_fails_the_build_and_keeps_the_previous_site(tmp_path):
    content = small_corpus(tmp_path, updates=3)
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
    # The build's report, not Pelican's log: each problem once, as one line, without traceback.
    lines = broken.log.strip().splitlines()
    assert len(lines) == len(set(lines)) and "Traceback" not in broken.log, broken.log
    assert any("writing the fa site failed" in line for line in lines), broken.log
    assert any("no_such_helper" in line for line in lines), broken.log
    assert {path: path.read_bytes() for path in output.rglob("*.html")} == before



def test_a_failure_in_the_main_site_stops_the_copies_writing_the_others(tmp_path):
    content = small_corpus(tmp_path, updates=40)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    article = theme / "templates" / "article.html"
    # Fails only for English pages, which the build process itself writes at
    # once; the copies' pages each take a while (about 10 ms), so that the
    # copies are still writing when it fails, however fast the build gets.
    article.write_text("{% if DEFAULT_LANG == 'en' %}{{ no_such_helper() }}{% endif %}"
                       "{% if DEFAULT_LANG != 'en' %}{% for _ in range(100000) %}{% endfor %}{% endif %}"
                       + article.read_text())
    result = subprocess.run([sys.executable, "-m", "pelican", str(content), "--settings", "pelicanconf.py",
                             "--output", str(tmp_path / "site"), "--cache-path", str(tmp_path / "cache"),
                             "--extra-settings", f'THEME="{theme}"', f'BUILD_DATE="{BUILD_DATE}"'],
                            cwd=ROOT, capture_output=True, text=True, env=pelican_environment())
    log = result.stdout + result.stderr
    assert result.returncode != 0 and "no_such_helper" in log
    # The Persian and Spanish sites were read ("Done" once each) but their copies never
    # finished: a copy indexes its site for search last, once its pages are written.
    assert log.count("Done:") == 2, log[-3000:]
    assert not [lang for lang in ("fa", "es") if (tmp_path / "site" / lang / "pagefind").exists()]
