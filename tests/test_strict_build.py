"""Strict builds: i18n_subsites' traps give clear errors, a failed build changes
nothing, and builds of one output folder take turns and replace it in one step."""

import fcntl
import gzip
import os
import re
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import ROOT, build_command, differences, edited_site, request_for, run_build
from site_build import site_build
from sites import small_corpus
from waiting import wait_for


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
    build = run_build(tmp_path / "output", overrides={"THEME": str(theme)})
    assert build.status != 0
    assert "translations/es/LC_MESSAGES/messages.po: missing" in build.log
    assert "Traceback" not in build.log


def test_a_broken_settings_file_fails_with_one_line_and_leaves_the_site_alone(tmp_path, monkeypatch):
    site = tmp_path / "output"
    write(site / "index.html", "the site as it was")
    conf = tmp_path / "myconf.py"
    conf.write_text((ROOT / "pelicanconf.py").read_text(encoding="utf-8").replace('THEME = "theme"', 'THEME = them'),
                    encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    build = run_build(site, settings=str(conf), encoded_images=False)
    assert build.status != 0
    assert build.log.strip().splitlines() == [
        f"myconf.py, line {conf.read_text().splitlines().index('THEME = them') + 1}: NameError: name 'them' is not defined"]
    assert (site / "index.html").read_text() == "the site as it was"
    assert not list(tmp_path.glob(".output-*"))  # no staging folder left


# One site for the pieces below that are not in every language (add_…, each beside its test): a piece
# without its English original, and a draft in two languages. Different files; the first test's "no
# warning" then holds for the draft as well.

@pytest.fixture(scope="module")
def partly_translated(tmp_path_factory):
    return edited_site(tmp_path_factory, "partly-translated", add_a_piece_without_english, add_a_draft)


def add_a_piece_without_english(content):
    # No English original: Pelican would warn about two "original" items in the main site.
    for lang, title in (("fa", "فقط فارسی و اسپانیایی"), ("es", "Solo en persa y español")):
        write(content / "updates" / f"no-english.{lang}.md", f'---\ntitle: "{title}"\ndate: 2023-11-01\n---\n\nText.\n')


def test_a_piece_translated_into_some_languages_only_builds_without_warnings(partly_translated):
    output = partly_translated.output
    assert "WARNING" not in partly_translated.log
    assert (output / "fa" / "updates" / "no-english.html").is_file()
    assert (output / "es" / "updates" / "no-english.html").is_file()
    assert not (output / "updates" / "no-english.html").exists()


def add_a_draft(content):
    for lang in ("en", "fa"):
        write(content / "updates" / f"not-ready.{lang}.md",
              '---\ntitle: "Not ready"\ndate: 2023-11-01\nstatus: draft\n---\n\nText.\n')


def test_a_draft_is_published_in_no_language(partly_translated):
    output = partly_translated.output
    assert not [p for p in output.rglob("*not-ready*")]
    assert "not-ready" not in "".join(p.read_text() for p in output.rglob("*.xml"))


# The build machinery does the same whatever the content: the tests below build the small corpus
# (tests/sites.py) where a build may be short.

def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path):
    output, content = tmp_path / "output", small_corpus(tmp_path / "source")
    assert run_build(output, content=content).status == 0
    before = {p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    write(content / "updates" / "broken.en.md", '---\ntitle: "Broken"\ndate: "next week"\n---\n\nText\n')
    build = run_build(output, content=content)
    assert build.status != 0
    assert 'content/updates/broken.en.md: date: "next week" is not a date' in build.log
    after = {p.relative_to(output): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert after == before
    # No staging folder left; only the lock file, which stays (removing it would race with a waiting build).
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [".output.lock"]


def test_an_unreadable_content_cache_only_costs_time(tmp_path):
    output, content = tmp_path / "output", small_corpus(tmp_path / "source")
    own_templates = {"TEMPLATE_CACHE_PATH": None}  # the compiled templates in this cache too
    assert run_build(output, content=content, overrides=own_templates).status == 0
    cache = tmp_path / "output-cache"
    cached = [p for p in cache.rglob("*") if p.is_file()]
    assert any(p.parent.name == "templates" for p in cached) and any("catalogs" in p.parts for p in cached)
    for path in cached:
        path.write_bytes(gzip.compress(b"not a pickle"))
    build = run_build(output, content=content, overrides=own_templates)
    assert build.status == 0, build.log
    assert (output / "fa" / "index.html").is_file()


def start_build(output, content, **popen):
    """A build like run_build's, started in the background with its output piped."""
    return subprocess.Popen(build_command(request_for(output, content=content)), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **popen)


def wait_for_staging(output, process, limit=120.0):
    """Until the build `process` has made its staging folder beside `output`; return it."""
    def staging():
        assert process.poll() is None, process.communicate()
        return sorted(output.parent.glob(f".{output.name}-building-*"))

    return wait_for(staging, "the build's staging folder", limit, every=0.005)[0]


class HeldLock:
    """The lock a build of `output` takes, held by the test as another build would."""

    def __init__(self, output):
        self.file = open(output.parent / f".{output.name}.lock", "a")
        fcntl.flock(self.file, fcntl.LOCK_EX)

    def release(self):
        self.file.close()


def test_a_second_build_of_the_same_folder_waits_for_the_first_and_says_so(tmp_path):
    output = tmp_path / "output"
    lock = HeldLock(output)
    waiting = start_build(output, small_corpus(tmp_path / "source"))
    try:
        assert waiting.stdout.readline() == "Waiting for another build of output/ to finish…\n"
        assert waiting.poll() is None and not output.exists()
        assert not list(tmp_path.glob(".output-building-*"))  # it has not started
    finally:
        lock.release()
    out, err = waiting.communicate()
    assert waiting.returncode == 0, out + err
    assert (output / "fa" / "index.html").is_file()


def test_a_build_holds_the_lock_until_it_has_replaced_the_folder(tmp_path, site):
    # The starter content: its build lasts long enough for a second one to start meanwhile.
    output, content = tmp_path / "output", ROOT / "content"
    first = start_build(output, content)
    wait_for_staging(output, first)
    with open(tmp_path / ".output.lock", "a") as lock, pytest.raises(BlockingIOError):
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    second = start_build(output, content)
    assert second.stdout.readline() == "Waiting for another build of output/ to finish…\n"
    for process in (first, second):
        out, err = process.communicate()
        assert process.returncode == 0, out + err
    assert "Nothing changed" in out  # the second found the site the first had finished
    assert differences(site.output, output) == []  # the session's build of the starter content, from scratch
    assert not [p.name for p in tmp_path.iterdir() if "-building-" in p.name or "-old-" in p.name]


def test_the_folders_a_killed_build_left_are_removed_by_the_next_build(tmp_path):
    output, content = tmp_path / "output", small_corpus(tmp_path / "source")  # killed as soon as it stages
    assert run_build(output, content=content).status == 0
    (output / "index.html").write_text("changed, so that the next build does not stop at Nothing changed")
    killed = start_build(output, content, start_new_session=True)
    staging = wait_for_staging(output, killed)
    os.killpg(killed.pid, signal.SIGKILL)  # the build and the Pelican it runs
    killed.communicate()
    retired = tmp_path / ".output-old-k1ll3d_0"  # what a build killed while replacing the folder leaves
    (retired / "fa").mkdir(parents=True)
    (retired / "fa" / "index.html").write_text("old")
    other = tmp_path / ".output-old-building-abcd1234"  # a build of output-old/: not this build's to remove
    other.mkdir()
    assert staging.is_dir()
    build = run_build(output, content=content)
    assert build.status == 0, build.log
    assert not staging.exists() and not retired.exists()
    assert other.is_dir()
    assert (output / "fa" / "index.html").is_file()


def test_a_build_waiting_for_the_lock_leaves_the_running_builds_staging_folder_alone(tmp_path):
    output = tmp_path / "output"
    lock = HeldLock(output)
    running = tmp_path / ".output-building-running0"  # the holder of the lock is writing here
    (running / "fa").mkdir(parents=True)
    waiting = start_build(output, small_corpus(tmp_path / "source"))
    try:
        assert waiting.stdout.readline().startswith("Waiting for another build")
        assert (running / "fa").is_dir()
    finally:
        lock.release()
    out, err = waiting.communicate()
    assert waiting.returncode == 0, out + err
    assert not running.exists()  # the lock is free: nobody writes there any more


def tree(path, files):
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_the_output_folder_is_replaced_without_a_moment_when_it_is_missing(tmp_path, monkeypatch):
    target, new = tmp_path / "output", tmp_path / ".output-building-new"
    tree(target, {"index.html": "old", "fa/index.html": "old fa"})
    tree(new, {"index.html": "new", "es/index.html": "new es"})
    seen = []
    rename, rmtree = os.rename, shutil.rmtree

    def watched(function):
        def call(*args, **kwargs):
            seen.append(target.is_dir())
            function(*args, **kwargs)
            seen.append(target.is_dir())
        return call

    monkeypatch.setattr(os, "rename", watched(rename))
    monkeypatch.setattr(shutil, "rmtree", watched(rmtree))
    site_build._replace(str(new), str(target))
    assert seen and all(seen)  # at every step, a web server finds a folder
    assert (target / "index.html").read_text() == "new" and (target / "es" / "index.html").is_file()
    assert not (target / "fa").exists() and not new.exists()
    assert oct(target.stat().st_mode & 0o777) == "0o755"


def test_without_an_atomic_exchange_the_folder_is_still_replaced(tmp_path, monkeypatch):
    target, new = tmp_path / "output", tmp_path / ".output-building-new"
    tree(target, {"index.html": "old", "fa/index.html": "old fa"})
    tree(new, {"index.html": "new"})
    monkeypatch.setattr(site_build, "_renameat2", lambda: None)
    site_build._replace(str(new), str(target))
    assert (target / "index.html").read_text() == "new" and not (target / "fa").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["output"]


TREE_DIGEST = """
import sys
from file_digests import tree_digest
print(tree_digest(sys.argv[1]))
"""


def tree_digest_of(folder) -> str:
    """tree_digest in a process of its own, which must not hang (it would, opening a FIFO)."""
    result = subprocess.run([sys.executable, "-c", TREE_DIGEST, str(folder)], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_input_digest_reads_only_regular_files_and_still_sees_the_others_change(tmp_path):
    folder = tmp_path / "content"
    tree(folder, {"updates/a.en.md": "A", "images/readme.txt": "B"})
    os.mkfifo(folder / "updates" / "pipe.en.md")
    os.symlink("nowhere.en.md", folder / "updates" / "dangling.en.md")
    os.symlink("../updates/a.en.md", folder / "images" / "link.md")
    os.symlink(".", folder / "images" / "loop")
    first = tree_digest_of(folder)
    assert first == tree_digest_of(folder)
    (folder / "updates" / "dangling.en.md").unlink()
    os.symlink("elsewhere.en.md", folder / "updates" / "dangling.en.md")
    second = tree_digest_of(folder)
    (folder / "updates" / "a.en.md").write_text("changed")  # also what images/link.md leads to
    third = tree_digest_of(folder)
    (folder / "updates" / "pipe.en.md").unlink()
    fourth = tree_digest_of(folder)
    assert len({first, second, third, fourth}) == 4


def test_a_dangling_link_in_the_content_is_no_traceback(content_copy, tmp_path):
    os.symlink("does-not-exist.en.md", content_copy / "updates" / "gone.en.md")
    build = run_build(tmp_path / "output", content=content_copy)
    assert "Traceback" not in build.log
    assert "gone.en.md" in build.log


def corpus_with_a_draft(root):
    content = small_corpus(root, updates=3)
    draft = content / "updates" / "update-0.es.md"
    draft.write_text(draft.read_text(encoding="utf-8").replace("---\n", "---\nstatus: draft\n", 1), encoding="utf-8")
    return content


SUMMARY = ("Built site/: en: 3 updates, 2 events, 3 prisoners, 4 pages; fa: 3 updates, 2 events, 3 prisoners, "
           "4 pages; es: 2 updates, 2 events, 3 prisoners, 4 pages")


def test_a_successful_build_prints_one_line_with_what_each_language_published(tmp_path):
    content = corpus_with_a_draft(tmp_path)
    build = run_build(tmp_path / "site", content=content)
    assert build.status == 0, build.log
    assert build.log.splitlines() == [SUMMARY]
    assert not (tmp_path / "site" / "es" / "updates" / "update-0.html").exists()  # the draft
    again = run_build(tmp_path / "site", content=content)
    assert again.log.splitlines() == [f"Nothing changed since the last build of {tmp_path / 'site'}."]


def test_a_verbose_build_shows_pelicans_progress_and_the_summary(tmp_path):
    content = corpus_with_a_draft(tmp_path)
    build = run_build(tmp_path / "site", content=content, verbose=True)
    assert build.status == 0, build.log
    assert len(re.findall(r"INFO +Writing", build.log)) > 50, build.log
    assert build.log.splitlines()[-1] == SUMMARY
