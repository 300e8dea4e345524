"""In-process unit tests of the build machinery: digests (file_digests, build_cache.fingerprints),
forked processes (build_cache.processes), page reuse (build_cache.writer) and
the helpers of site_build. No Pelican build and no subprocess: a fork only
where forking is what is tested. The whole file runs in about a second."""

import contextlib
import functools
import importlib
import io
import json
import logging
import os
import queue
import re
import shutil
import signal
import stat
import tempfile
import threading
import types

import jinja2
import pytest
from pelican.contents import Article
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Tag

import file_digests
from build_cache import fingerprints
from build_cache.fingerprints import new_build, page_digest, site_digest, stable
from file_digests import PLACE_SETTINGS, KnownDigests, file_digest, output_digests, source_digest, tree_digest
from build_cache.processes import Forks, can_fork
from build_cache.writer import ReusingWriter, previous_site_path
from pipeline import FATAL_MARK, ReportedLog, read_report, report_log, say, stop_build
from site_caches import forget
from waiting import settled

sb = importlib.import_module("site_build.site_build")

BUILD_DATE = "2026-11-24"


# --- Helpers ------------------------------------------------------------------------------


class Blocked(Exception):
    """Not an OSError (as TimeoutError is): code that catches OSError must not take it for its own."""


@contextlib.contextmanager
def deadline(seconds: int = 5):
    """Fail (Blocked) instead of hanging when the code under test blocks."""

    def expired(signum, frame):
        raise Blocked(f"still blocked after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def write(path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)


def rewrite_keeping_time(path, data: bytes) -> None:
    """Change a file's bytes and put its modification (and access) time back."""
    before = os.stat(path)
    path.write_bytes(data)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_mtime_ns == before.st_mtime_ns


def by_name(content) -> str:
    return fingerprints.name_of(content)


class Machinery:
    """An object with Python's default repr, which holds its memory address."""

    def run(self):
        pass


def article(title="Peace talks", body="<p>Body</p>", *, summary=None, slug="peace-talks", lang="en",
            settings=None) -> Article:
    metadata = {"title": title, "slug": slug, "lang": lang}
    if summary is not None:
        metadata["summary"] = summary
    return Article(body, metadata=metadata, settings=settings or dict(DEFAULT_CONFIG),
                   source_path=f"/content/updates/{slug}.{lang}.md")


# --- file_digests.file_digest, fingerprints.source_digest -----------------------------------------------


def test_a_file_changed_with_its_time_put_back_gets_a_new_digest(tmp_path):
    path = tmp_path / "update.en.md"
    write(path, b"title: One\n")
    first = file_digest(str(path))
    rewrite_keeping_time(path, b"title: Two\n")
    assert file_digest(str(path)) != first


def test_a_file_touched_without_changing_its_bytes_keeps_its_digest(tmp_path):
    path = tmp_path / "update.en.md"
    write(path, b"title: One\n")
    first = file_digest(str(path))
    os.utime(path, (1_000_000_000, 1_000_000_000))
    assert file_digest(str(path)) == first
    other = tmp_path / "copy.md"
    write(other, b"title: One\n")
    assert file_digest(str(other)) == first  # the bytes, not the name


def test_file_digest_refuses_a_fifo_at_once_instead_of_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with deadline(5), pytest.raises(OSError):
        file_digest(str(fifo))


def test_file_digest_refuses_a_folder(tmp_path):
    with pytest.raises(OSError):
        file_digest(str(tmp_path))


def test_file_digest_follows_a_symbolic_link_to_its_bytes(tmp_path):
    write(tmp_path / "target.md", b"bytes")
    os.symlink("target.md", tmp_path / "link.md")
    assert file_digest(str(tmp_path / "link.md")) == file_digest(str(tmp_path / "target.md"))


# --- file_digests: KnownDigests ----------------------------------------------------------


def test_known_digests_read_a_file_again_only_once_its_status_changed(tmp_path):
    path = tmp_path / "update.en.md"
    write(path, b"title: One\n")
    settled(path)
    known = KnownDigests()
    assert known.digest(str(path)) == file_digest(str(path)) and known.read == 1
    assert known.digest(str(path)) == file_digest(str(path)) and known.read == 1  # from memory
    os.utime(path)  # the same bytes, another status: read again, the same digest
    assert known.digest(str(path)) == file_digest(str(path)) and known.read == 2


def test_known_digests_see_a_file_changed_in_place_with_its_size_and_time_put_back(tmp_path):
    path = tmp_path / "index.html"
    write(path, b"<title>One</title>")
    settled(path)
    known = KnownDigests()
    first = known.digest(str(path))
    rewrite_keeping_time(path, b"<TITLE>One</TITLE>")  # same inode, size and modification time
    assert known.digest(str(path)) == file_digest(str(path)) != first


def test_known_digests_do_not_remember_a_file_read_within_a_tick_of_its_change(tmp_path):
    path = tmp_path / "index.html"
    write(path, b"<title>One</title>")
    known = KnownDigests()
    first = known.digest(str(path))  # just written: a change within the same tick could keep its status
    status = os.stat(path)
    with open(path, "r+b") as target:
        target.write(b"<TITLE>One</TITLE>")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert known.digest(str(path)) == file_digest(str(path)) != first
    assert known.read == 2


def test_known_digests_saved_keep_what_was_asked_under_its_key_and_a_damaged_file_is_ignored(tmp_path):
    staged, gone = tmp_path / ".site-building" / "index.html", tmp_path / "gone.html"
    for path in (staged, gone):
        write(path, path.name)
        settled(path)
    saved = tmp_path / "cache" / "known.json"
    known = KnownDigests()
    known.digest(str(gone))
    known.save(str(saved))
    again = KnownDigests.load(str(saved))
    again.digest(str(staged), key=str(tmp_path / "site" / "index.html"))  # once the staging folder is the site
    again.save(str(saved))
    assert list(json.loads(saved.read_text())) == [str(tmp_path / "site" / "index.html")]
    saved.write_text('{"%s": [1, 2]}' % staged)  # not what save writes
    damaged = KnownDigests.load(str(saved))
    assert damaged.digest(str(staged)) == file_digest(str(staged)) and damaged.read == 1
    saved.write_text("not json")
    assert KnownDigests.load(str(saved)).entries == {}


def test_output_and_tree_digests_with_known_digests_equal_those_read_from_the_bytes(tmp_path):
    site = tmp_path / "site"
    for name in ("index.html", "fa/index.html", "es/feeds/all.atom.xml"):
        write(site / name, name)
    os.symlink("index.html", site / "home.html")
    for name in ("index.html", "fa/index.html", "es/feeds/all.atom.xml"):
        settled(site / name)
    known = KnownDigests()
    assert output_digests(str(site), known) == output_digests(str(site))
    assert known.read == 3  # each file once; the link counts by its target's name
    assert tree_digest(str(site), known=known) == tree_digest(str(site))
    assert known.read == 4  # the link followed, as Pelican follows it
    rewrite_keeping_time(site / "fa" / "index.html", b"FA/INDEX.HTML")
    assert output_digests(str(site), known) == output_digests(str(site))
    assert tree_digest(str(site), known=known) == tree_digest(str(site))


def test_the_first_source_digest_stands_for_the_build_until_a_new_build(tmp_path):
    new_build()
    path = tmp_path / "update.en.md"
    write(path, b"first\n")
    during = source_digest(str(path))
    write(path, b"saved during the build\n")
    assert source_digest(str(path)) == during
    # The same file named another way is the same source.
    assert source_digest(os.path.join(str(tmp_path), ".", "update.en.md")) == during
    new_build()
    assert source_digest(str(path)) != during
    assert source_digest(str(path)) == file_digest(str(path))


def test_a_source_file_is_read_again_in_a_later_build_only_once_its_status_changed(tmp_path, monkeypatch):
    path = tmp_path / "update.en.md"
    write(path, b"first\n")
    # Not racily clean however soon it is read (KnownDigests' own test covers that).
    monkeypatch.setattr(KnownDigests, "RACY_NS", 0)
    monkeypatch.setattr(KnownDigests, "COARSE_RACY_NS", 0)
    reads = []
    monkeypatch.setattr(file_digests, "file_digest", lambda name: reads.append(name) or file_digest(name))
    new_build()
    first = source_digest(str(path))
    new_build()
    assert source_digest(str(path)) == first and reads == [str(path)]  # read by the first build only
    reads.clear()
    rewrite_keeping_time(path, b"other")  # its change time still moves
    new_build()
    assert source_digest(str(path)) == file_digest(str(path)) != first and reads == [str(path)]


# --- file_digests: tree_digest --------------------------------------------------------------


def test_a_symbolic_link_in_a_tree_counts_with_its_target_and_its_bytes(tmp_path):
    tree, targets = tmp_path / "tree", tmp_path / "targets"
    write(targets / "a.css", b"same")
    write(targets / "b.css", b"same")
    tree.mkdir()
    os.symlink(targets / "a.css", tree / "style.css")
    first = tree_digest(str(tree))
    (tree / "style.css").unlink()
    os.symlink(targets / "b.css", tree / "style.css")
    retargeted = tree_digest(str(tree))
    assert retargeted != first  # same bytes, another target
    write(targets / "b.css", b"other")
    assert tree_digest(str(tree)) != retargeted  # same target, other bytes


def test_a_linked_folder_counts_with_the_files_it_leads_to(tmp_path):
    tree, shared = tmp_path / "tree", tmp_path / "shared"
    write(shared / "logo.svg", b"<svg/>")
    tree.mkdir()
    os.symlink(shared, tree / "images")
    first = tree_digest(str(tree))
    write(shared / "logo.svg", b"<svg></svg>")
    assert tree_digest(str(tree)) != first


@pytest.mark.parametrize("kind", ["dangling link", "fifo", "link to its own folder", "links to each other"])
def test_a_special_entry_in_a_tree_is_a_marker_not_a_hang(tmp_path, kind):
    tree = tmp_path / "tree"
    write(tree / "index.md", b"kept")
    without = tree_digest(str(tree))
    if kind == "dangling link":
        os.symlink(tmp_path / "nowhere", tree / "gone.md")
    elif kind == "fifo":
        os.mkfifo(tree / "pipe.md")
    elif kind == "link to its own folder":
        os.symlink(".", tree / "again")
    else:
        os.symlink("second", tree / "first")
        os.symlink("first", tree / "second")
    with deadline(5):
        marked = tree_digest(str(tree))
    assert marked != without
    int(marked, 16)


def test_a_fifo_counts_otherwise_than_an_empty_file_of_its_name(tmp_path):
    tree = tmp_path / "tree"
    write(tree / "x.md", b"")
    as_file = tree_digest(str(tree))
    (tree / "x.md").unlink()
    os.mkfifo(tree / "x.md")
    with deadline(5):
        assert tree_digest(str(tree)) != as_file


def test_a_missing_root_is_a_marker_not_an_error(tmp_path):
    missing = tree_digest(str(tmp_path / "theme"))
    (tmp_path / "theme").mkdir()
    assert tree_digest(str(tmp_path / "theme")) != missing


def test_the_order_the_file_system_lists_a_folder_in_does_not_change_the_tree_digest(tmp_path, monkeypatch):
    tree = tmp_path / "tree"
    for name in ("b.md", "a.md", "c/d.md", "c/a.md"):
        write(tree / name, name)
    listed = tree_digest(str(tree))
    listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path: list(reversed(sorted(listdir(path)))))
    assert tree_digest(str(tree)) == listed
    monkeypatch.setattr(os, "listdir", lambda path: sorted(listdir(path)))
    assert tree_digest(str(tree)) == listed


def test_a_file_moved_within_a_tree_changes_its_digest(tmp_path):
    tree = tmp_path / "tree"
    write(tree / "a.md", b"text")
    first = tree_digest(str(tree))
    (tree / "a.md").rename(tree / "b.md")
    assert tree_digest(str(tree)) != first


def test_skipped_names_do_not_count_at_any_depth_and_other_names_do(tmp_path):
    tree = tmp_path / "plugins"
    write(tree / "one.py", b"code")
    write(tree / "__pycache__" / "one.pyc", b"compiled")
    write(tree / "deeper" / "__pycache__" / "two.pyc", b"compiled")
    first = tree_digest(str(tree), skip={"__pycache__"})
    write(tree / "__pycache__" / "one.pyc", b"compiled again")
    write(tree / "deeper" / "__pycache__" / "three.pyc", b"new")
    assert tree_digest(str(tree), skip={"__pycache__"}) == first
    assert tree_digest(str(tree)) != tree_digest(str(tree), skip={"__pycache__"})
    write(tree / "one.py", b"changed code")
    assert tree_digest(str(tree), skip={"__pycache__"}) != first


# --- fingerprints: stable ---------------------------------------------------------------------


def test_an_upgraded_package_changes_the_code_digest(tmp_path, monkeypatch):
    from file_digests import code_digest, packages

    site_packages = tmp_path / "site-packages"
    (site_packages / "feedgenerator-2.1.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(site_packages))
    (tmp_path / "theme").mkdir()
    settings = {"THEME": str(tmp_path / "theme"), "PLUGIN_PATHS": []}
    before = code_digest(settings)
    assert "feedgenerator-2.1.0.dist-info" in packages()
    (site_packages / "feedgenerator-2.1.0.dist-info").rename(site_packages / "feedgenerator-2.2.0.dist-info")
    assert code_digest(settings) != before


def test_stable_does_not_depend_on_dict_order_but_does_on_list_order():
    assert stable({"a": 1, "b": [1, 2], "c": {"x": 1, "y": 2}}, by_name) == \
        stable({"c": {"y": 2, "x": 1}, "b": [1, 2], "a": 1}, by_name)
    assert stable({"b": [1, 2]}, by_name) != stable({"b": [2, 1]}, by_name)
    assert stable({"a": 1}, by_name) != stable({"a": "1"}, by_name)


def test_static_files_are_listed_in_no_order_and_other_lists_keep_theirs():
    assert stable({"staticfiles": ["a.png", "b.png"]}, by_name) == stable({"staticfiles": ["b.png", "a.png"]}, by_name)
    assert stable({"images": ["a.png", "b.png"]}, by_name) != stable({"images": ["b.png", "a.png"]}, by_name)


@pytest.mark.parametrize("value", [
    Machinery(),
    lambda: None,
    (n for n in range(2)),
    Machinery().run,
    functools.partial(print, Machinery()),
    {"machinery": Machinery(), "others": [object(), {Machinery()}]},
], ids=["object", "lambda", "generator", "bound method", "partial", "nested"])
def test_a_memory_address_never_leaks_into_stable(value):
    written = stable(value, by_name)
    assert "0x" not in written
    assert written == stable(value, by_name)


def test_an_object_with_the_default_repr_is_written_as_its_type_name():
    assert stable(Machinery(), by_name) == stable(Machinery(), by_name)  # two addresses, one text
    assert "Machinery" in stable(Machinery(), by_name)
    assert stable(Machinery(), by_name) != stable(object(), by_name)


def test_place_settings_are_ignored_and_other_settings_count():
    assert PLACE_SETTINGS >= {"OUTPUT_PATH", "CACHE_PATH", "PREVIOUS_OUTPUT_PATH"}
    base = {"SITENAME": "Campaign", "DEFAULT_LANG": "en"}
    here = {**base, **{key: f"/tmp/here/{key}" for key in PLACE_SETTINGS}}
    there = {**base, **{key: f"/tmp/there/{key}" for key in PLACE_SETTINGS}}
    assert stable(here, by_name) == stable(there, by_name) == stable(base, by_name)
    assert stable({**base, "SITENAME": "Other"}, by_name) != stable(base, by_name)


def test_content_is_written_by_its_reference_and_tags_by_their_name():
    seen = []

    def ref(content):
        seen.append(content)
        return f"<piece {len(seen)}>"

    piece = article()
    written = stable({"article": piece, "tags": [Tag("peace", dict(DEFAULT_CONFIG))]}, ref)
    assert seen == [piece]
    assert "<piece 1>" in written and "<p>Body</p>" not in written
    settings = dict(DEFAULT_CONFIG)
    assert stable(Tag("peace", settings), ref) == stable(Tag("peace", dict(DEFAULT_CONFIG)), ref)
    assert stable(Tag("peace", settings), ref) != stable(Tag("war", settings), ref)


def test_a_list_that_holds_itself_is_written_to_a_bounded_depth():
    loop = []
    loop.append(loop)
    looping = {}
    looping["self"] = looping
    with deadline(5):
        assert stable(loop, by_name).count("[") == file_digests.MAX_DEPTH
        assert stable(looping, by_name).count("{") == file_digests.MAX_DEPTH


# --- file_digests: output_digests -------------------------------------------------------------


def test_output_digests_names_files_relative_to_the_site_by_their_bytes(tmp_path):
    site = tmp_path / "site"
    write(site / "index.html", b"home")
    write(site / "fa" / "index.html", b"home")
    write(site / "fa" / "updates" / "one.html", b"one")
    found = output_digests(str(site))
    assert set(found) == {"index.html", os.path.join("fa", "index.html"), os.path.join("fa", "updates", "one.html")}
    home, fa_home, one = "index.html", os.path.join("fa", "index.html"), os.path.join("fa", "updates", "one.html")
    assert found[home] == found[fa_home] != found[one]
    rewrite_keeping_time(site / "index.html", b"HOME")
    changed = output_digests(str(site))
    assert changed["index.html"] != found["index.html"]
    assert changed[fa_home] == found[fa_home] and changed[one] == found[one]


def test_output_digests_counts_a_symbolic_link_by_its_target_without_following_it(tmp_path):
    site = tmp_path / "site"
    write(site / "index.html", b"home")
    write(site / "other.html", b"home")
    write(tmp_path / "elsewhere" / "secret.html", b"not the site's")
    os.symlink("index.html", site / "latest.html")
    os.symlink(tmp_path / "elsewhere", site / "docs")
    found = output_digests(str(site))
    assert set(found) == {"index.html", "other.html", "latest.html", "docs"}  # the linked folder is not walked
    write(site / "index.html", b"new home")
    assert output_digests(str(site))["latest.html"] == found["latest.html"]
    (site / "latest.html").unlink()
    os.symlink("other.html", site / "latest.html")
    assert output_digests(str(site))["latest.html"] != found["latest.html"]


def test_output_digests_marks_a_fifo_without_opening_it(tmp_path):
    site = tmp_path / "site"
    write(site / "feed.xml", b"")
    regular = output_digests(str(site))["feed.xml"]
    (site / "feed.xml").unlink()
    os.mkfifo(site / "feed.xml")
    with deadline(5):
        assert output_digests(str(site))["feed.xml"] != regular


# --- fingerprints: site_digest, page_digest ---------------------------------------------------


def test_equal_contexts_built_apart_give_the_same_site_digest():
    first = {"SITENAME": "Campaign", "articles": [article(), article("Second", slug="second")]}
    again = {"articles": [article(), article("Second", slug="second")], "SITENAME": "Campaign"}
    assert site_digest(first, "code") == site_digest(again, "code")
    assert site_digest(first, "code") != site_digest(first, "other code")


def test_the_site_digest_follows_metadata_but_a_body_only_without_a_summary():
    assert site_digest({"articles": [article(title="One")]}) != site_digest({"articles": [article(title="Two")]})
    with_summary = [site_digest({"articles": [article(body=body, summary="Short")]})
                    for body in ("<p>A</p>", "<p>B</p>")]
    assert with_summary[0] == with_summary[1]
    without = [site_digest({"articles": [article(body=body)]}) for body in ("<p>A</p>", "<p>B</p>")]
    assert without[0] != without[1]


def test_the_site_digest_ignores_where_the_site_is_written():
    piece = article()
    assert site_digest({"OUTPUT_PATH": "/tmp/a", "articles": [piece]}) == \
        site_digest({"OUTPUT_PATH": "/tmp/b", "articles": [piece]})


def test_the_site_digest_reaches_translations_and_ends_on_a_translation_loop():
    def context(fa_title):
        english, farsi = article(), article(fa_title, lang="fa")
        english.translations, farsi.translations = [farsi], [english]
        return {"articles": [english]}

    with deadline(5):
        assert site_digest(context("گفتگو")) == site_digest(context("گفتگو"))
        assert site_digest(context("گفتگو")) != site_digest(context("صلح"))


def test_a_pieces_metadata_is_digested_once_per_build_unless_it_names_a_piece():
    """The other languages' sites reach a piece's metadata again through copies
    of it (own_language): its digest is remembered until the next build, but not
    for metadata naming another piece, which must be reached from every site."""
    from pelican_compat import copy_content

    new_build()
    piece = article()
    first = site_digest({"articles": [piece]})
    assert site_digest({"articles": [copy_content(piece)]}) == first
    piece.metadata["title"] = "Changed during the build"  # metadata is final once pages are written
    assert site_digest({"articles": [piece]}) == first
    new_build()
    assert site_digest({"articles": [piece]}) != first
    naming = article(slug="naming")
    naming.metadata["related"] = article("Named", slug="named")
    assert site_digest({"articles": [naming]}) == site_digest({"articles": [naming]})
    new_build()


def test_a_page_digest_follows_the_bodies_it_shows():
    site = site_digest({"SITENAME": "Campaign"})
    assert page_digest(site, "page", "a.html", {"article": article(body="<p>A</p>", summary="S")}) != \
        page_digest(site, "page", "a.html", {"article": article(body="<p>B</p>", summary="S")})
    assert page_digest(site, "page", "a.html", {"article": article()}) == \
        page_digest(site, "page", "a.html", {"article": article()})
    assert page_digest(site, "page", "a.html") != page_digest(site, "page", "b.html")
    assert page_digest(site, "page") != page_digest(site_digest({"SITENAME": "Other"}), "page")


def test_a_page_digest_reuses_the_body_references_it_was_given():
    piece, bodies = article(), {}
    first = page_digest("site", piece, bodies=bodies)
    assert id(piece) in bodies
    piece._content = "<p>Changed after the first page</p>"
    # Within one build a piece's body is digested once, for every page showing it.
    assert page_digest("site", piece, bodies=bodies) == first
    assert page_digest("site", piece) != first


# --- processes.Forks --------------------------------------------------------------------------


def test_work_started_in_a_fork_that_returns_gives_status_0_and_raising_gives_non_zero(tmp_path):
    forks = Forks()
    forks.start("returns", lambda: (tmp_path / "done").write_text("yes"))
    forks.start("raises", lambda: 1 / 0)
    with deadline(10):
        assert forks.wait_for("returns") == 0
        assert forks.wait_for("raises") not in (0, None)
    assert (tmp_path / "done").read_text() == "yes"
    assert forks.running == {}
    assert forks.wait_for("returns") is None  # waited for already


def test_fork_copy_is_true_only_in_the_copy_which_ends_through_end_copy(tmp_path):
    forks, parent = Forks(), os.getpid()
    read_end, write_end = os.pipe()
    forks.start("images", lambda: os.read(read_end, 1))  # still running when the copy is forked
    if forks.fork_copy("fa"):
        try:
            (tmp_path / "copy").write_text(f"{os.getpid()} {forks.copy_of} {forks.running}")
            forks.end_copy(0)
        finally:
            os._exit(70)  # never let the copy go on into pytest
    assert forks.copy_of is None
    assert forks.writes_elsewhere("fa") and not forks.writes_elsewhere("es")
    os.write(write_end, b"x")
    with deadline(10):
        forks.wait_all()
    os.close(read_end)
    os.close(write_end)
    pid, lang, running = (tmp_path / "copy").read_text().split(" ", 2)
    assert int(pid) != parent and lang == "fa"
    assert running == "{}"  # the copy forgot the parent's processes: it neither waits for nor stops them
    assert not forks.writes_elsewhere("fa")


def test_wait_all_raises_naming_the_language_whose_copy_failed(tmp_path):
    forks = Forks()
    for lang, status in (("fa", 1), ("es", 0)):
        if forks.fork_copy(lang):
            try:
                forks.end_copy(status)
            finally:
                os._exit(70)
    forks.start("images", lambda: None)
    with deadline(10), pytest.raises(RuntimeError) as failure:
        forks.wait_all()
    assert re.findall(r"\b(?:en|fa|es)\b", str(failure.value)) == ["fa"]
    assert forks.running == {}  # every process was waited for, not only up to the failure


def test_a_failed_helper_does_not_fail_wait_all():
    forks = Forks()
    forks.start("images", lambda: 1 / 0)
    with deadline(10):
        forks.wait_all()
    assert forks.running == {}


def test_stop_all_ends_a_child_that_would_wait_forever():
    forks = Forks()
    read_end, write_end = os.pipe()

    def wait_on_pipe():
        os.close(write_end)
        os.read(read_end, 1)  # this process holds no writer: blocks until the parent writes or closes

    forks.start("blocked", wait_on_pipe)
    pid = forks.running["blocked"]
    try:
        with deadline(10):
            forks.stop_all()
        assert forks.running == {}
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # already reaped by stop_all
    finally:
        os.close(write_end)  # the child, if still there, reads end of file and exits
        os.close(read_end)


def _square_all(chunk):
    return [n * n for n in chunk]


def test_map_returns_each_chunks_result_in_order():
    with deadline(20):
        assert Forks().map(_square_all, [[1, 2], [3], [], [4, 5]], 2) == [[1, 4], [9], [], [16, 25]]


def test_no_cycle_is_collected_while_a_build_runs_and_the_next_build_collects_those_a_failed_one_left():
    """A build keeps nearly every object it makes to its end: the collector
    would only rescan a growing heap. finish_site turns it on again; a build
    that failed never got there, so the next one in the process collects first."""
    import gc
    import weakref
    from types import SimpleNamespace

    from build_cache.build_cache import start_build

    class Cycle:
        pass

    sites = {"fa": {}}
    main = SimpleNamespace(settings={"DEFAULT_LANG": "en", "I18N_SUBSITES": sites})
    subsite = SimpleNamespace(settings={"DEFAULT_LANG": "fa", "I18N_SUBSITES": sites})
    try:
        start_build(main)
        assert not gc.isenabled()
        left = Cycle()
        left.itself = left
        garbage = weakref.ref(left)
        del left  # what the build leaves when it fails
        start_build(subsite)
        assert not gc.isenabled() and garbage() is not None
        start_build(main)
        assert not gc.isenabled() and garbage() is None
    finally:
        gc.enable()


def test_only_a_parallel_build_forks():
    assert can_fork({"PARALLEL_BUILD": True}) == hasattr(os, "fork")
    assert not can_fork({"PARALLEL_BUILD": False})
    assert not can_fork({})


# --- writer.ReusingWriter ---------------------------------------------------------------------


class Builds:
    """Successive builds of one site as site_build runs them: each writes into a
    fresh staging folder, naming the site's folder as the previous output, and
    the staging folder then takes the site's place."""

    def __init__(self, tmp_path):
        self.root = tmp_path
        self.site = tmp_path / "site"
        self.theme = tmp_path / "theme"
        write(self.theme / "templates" / "base.html", "{{ SITENAME }}")
        self.settings = {**DEFAULT_CONFIG, "CACHE_PATH": str(tmp_path / "cache"),
                         "PREVIOUS_OUTPUT_PATH": str(self.site), "THEME": str(self.theme), "PLUGIN_PATHS": [],
                         "BUILD_DATE": BUILD_DATE, "DEFAULT_LANG": "en", "I18N_SUBSITES": {}}
        self.produced = []

    def writer(self, **settings) -> ReusingWriter:
        staging = tempfile.mkdtemp(prefix=".site-building-", dir=self.root)
        return ReusingWriter(staging, settings={**self.settings, "OUTPUT_PATH": staging, **settings})

    def producer(self, data: bytes):
        def produce():
            self.produced.append(data)
            return data
        return produce

    def generate(self, files: dict, context=None, **settings) -> ReusingWriter:
        """One build writing `files` (name → bytes, also their inputs) with write_generated, not yet published."""
        self.produced = []
        writer = self.writer(**settings)
        for name, data in files.items():
            writer.write_generated(name, context or {"SITENAME": "Campaign"}, [name, data.decode()],
                                   self.producer(data))
        writer.save_records()
        return writer

    def publish(self, writer) -> None:
        if self.site.exists():
            shutil.rmtree(self.site)
        os.rename(writer.output_path, self.site)

    def build(self, files: dict, context=None, **settings) -> ReusingWriter:
        """One build, published: its staging folder is now the site."""
        writer = self.generate(files, context, **settings)
        self.publish(writer)
        return writer


def inode(path) -> int:
    return os.stat(path).st_ino


def test_a_file_whose_inputs_did_not_change_is_linked_from_the_previous_build(tmp_path):
    builds = Builds(tmp_path)
    first = builds.build({"calendar.ics": b"BEGIN:VCALENDAR", "fa/calendar.ics": b"BEGIN:VCALENDAR fa"})
    assert sorted(builds.produced) == [b"BEGIN:VCALENDAR", b"BEGIN:VCALENDAR fa"]
    assert (first.rendered, first.reused) == (2, 0)
    before = {name: inode(builds.site / name) for name in ("calendar.ics", "fa/calendar.ics")}
    second = builds.generate({"calendar.ics": b"BEGIN:VCALENDAR", "fa/calendar.ics": b"BEGIN:VCALENDAR fa"})
    assert builds.produced == []
    assert (second.rendered, second.reused) == (0, 2)
    for name, number in before.items():
        assert inode(os.path.join(second.output_path, name)) == number  # a hard link, not a copy
    assert open(os.path.join(second.output_path, "fa", "calendar.ics"), "rb").read() == b"BEGIN:VCALENDAR fa"


def test_a_reused_file_is_reused_again_in_the_build_after(tmp_path):
    builds = Builds(tmp_path)
    builds.build({"calendar.ics": b"one"})
    builds.build({"calendar.ics": b"one"})
    third = builds.generate({"calendar.ics": b"one"})
    assert builds.produced == [] and third.reused == 1


def test_a_file_whose_inputs_changed_is_rendered_again(tmp_path):
    builds = Builds(tmp_path)
    builds.build({"calendar.ics": b"one", "feed.xml": b"feed"})
    second = builds.generate({"calendar.ics": b"two", "feed.xml": b"feed"})
    assert builds.produced == [b"two"]
    assert (second.rendered, second.reused) == (1, 1)
    assert open(os.path.join(second.output_path, "calendar.ics"), "rb").read() == b"two"


def test_a_previous_file_altered_with_its_time_put_back_is_rendered_again(tmp_path):
    builds = Builds(tmp_path)
    builds.build({"calendar.ics": b"genuine"})
    rewrite_keeping_time(builds.site / "calendar.ics", b"altered")
    second = builds.generate({"calendar.ics": b"genuine"})
    assert builds.produced == [b"genuine"]
    assert open(os.path.join(second.output_path, "calendar.ics"), "rb").read() == b"genuine"
    assert inode(os.path.join(second.output_path, "calendar.ics")) != inode(builds.site / "calendar.ics")


def read_by_site_build(builds, *names) -> None:
    """Save KnownDigests of the site's files `names` as site_build's check does before a build."""
    paths = [str(builds.site / name) for name in names]
    settled(*paths)
    known = KnownDigests()
    for path in paths:
        known.digest(path)
    known.save(file_digests.build_records(builds.settings["CACHE_PATH"], str(builds.site)).known)
    forget("known digests")  # as a new build process starts


def test_the_writer_trusts_site_build_s_reading_of_a_file_whose_status_did_not_change(tmp_path):
    builds = Builds(tmp_path)
    builds.build({"calendar.ics": b"genuine"})
    read_by_site_build(builds, "calendar.ics")
    second = builds.generate({"calendar.ics": b"genuine"})
    assert builds.produced == [] and second.reused == 1 and second.known.read == 0


def test_a_previous_file_altered_with_its_time_put_back_after_site_build_read_it_is_rendered_again(tmp_path):
    builds = Builds(tmp_path)
    builds.build({"calendar.ics": b"genuine"})
    read_by_site_build(builds, "calendar.ics")
    rewrite_keeping_time(builds.site / "calendar.ics", b"altered")
    second = builds.generate({"calendar.ics": b"genuine"})
    assert builds.produced == [b"genuine"] and second.reused == 0
    assert open(os.path.join(second.output_path, "calendar.ics"), "rb").read() == b"genuine"


def test_a_previous_file_deleted_is_rendered_again(tmp_path):
    builds = Builds(tmp_path)
    builds.build({"calendar.ics": b"genuine", "feed.xml": b"feed"})
    (builds.site / "calendar.ics").unlink()
    second = builds.generate({"calendar.ics": b"genuine", "feed.xml": b"feed"})
    assert builds.produced == [b"genuine"] and second.reused == 1


def test_nothing_is_reused_when_the_previous_output_is_not_intact(tmp_path):
    builds = Builds(tmp_path)
    builds.build({"calendar.ics": b"one", "feed.xml": b"feed"})
    second = builds.generate({"calendar.ics": b"one", "feed.xml": b"feed"}, PREVIOUS_OUTPUT_INTACT=False)
    assert sorted(builds.produced) == [b"feed", b"one"] and second.reused == 0
    builds.publish(second)
    # Its records are kept: the build after it reuses again.
    builds.generate({"calendar.ics": b"one", "feed.xml": b"feed"})
    assert builds.produced == []


def test_nothing_is_reused_without_a_previous_output_path(tmp_path):
    builds = Builds(tmp_path)
    builds.build({"calendar.ics": b"one"})
    builds.generate({"calendar.ics": b"one"}, PREVIOUS_OUTPUT_PATH=None)
    assert builds.produced == [b"one"]


def test_an_unreadable_record_means_rendering_everything(tmp_path):
    builds = Builds(tmp_path)
    builds.build({"calendar.ics": b"one"})
    records = list((tmp_path / "cache" / "pages").iterdir())
    assert len(records) == 1
    records[0].write_bytes(b"not a pickle")
    builds.generate({"calendar.ics": b"one"})
    assert builds.produced == [b"one"]


def test_a_change_of_theme_or_build_date_renders_again(tmp_path):
    builds = Builds(tmp_path)
    builds.build({"calendar.ics": b"one"})
    builds.build({"calendar.ics": b"one"}, BUILD_DATE="2026-11-25")
    assert builds.produced == [b"one"]
    write(builds.theme / "templates" / "base.html", "{{ SITENAME }}!")
    builds.generate({"calendar.ics": b"one"}, BUILD_DATE="2026-11-25")
    assert builds.produced == [b"one"]


def test_a_change_in_the_site_context_renders_again(tmp_path):
    builds = Builds(tmp_path)
    builds.build({"calendar.ics": b"one"}, context={"SITENAME": "Campaign", "articles": [article()]})
    builds.build({"calendar.ics": b"one"}, context={"SITENAME": "Campaign", "articles": [article()]})
    assert builds.produced == []
    builds.build({"calendar.ics": b"one"}, context={"SITENAME": "Campaign", "articles": [article("Renamed")]})
    assert builds.produced == [b"one"]


def test_a_page_of_a_template_is_reused_until_the_piece_it_shows_changes(tmp_path):
    builds = Builds(tmp_path)
    template = jinja2.Environment(loader=jinja2.DictLoader(
        {"article.html": "{{ SITENAME }}: {{ article.title }} {{ article.content }}"})).get_template("article.html")

    def build(piece):
        writer = builds.writer()
        writer.write_file("updates/peace-talks.html", template, {"SITENAME": "Campaign"}, article=piece,
                          template_name="article")
        writer.save_records()
        builds.publish(writer)
        return writer

    first = build(article(body="<p>A</p>", summary="S"))
    assert (first.rendered, first.reused) == (1, 0)
    page = builds.site / "updates" / "peace-talks.html"
    assert page.read_text() == "Campaign: Peace talks <p>A</p>"
    number = inode(page)
    second = build(article(body="<p>A</p>", summary="S"))
    assert (second.rendered, second.reused) == (0, 1) and inode(page) == number
    third = build(article(body="<p>B</p>", summary="S"))  # the summary hides the body from the site digest
    assert (third.rendered, third.reused) == (1, 0)
    assert page.read_text() == "Campaign: Peace talks <p>B</p>"


def test_building_in_place_keeps_reused_files_and_removes_those_left_behind(tmp_path):
    builds = Builds(tmp_path)
    site = str(builds.site)
    os.makedirs(site)

    def build(files):
        builds.produced = []
        writer = ReusingWriter(site, settings={**builds.settings, "OUTPUT_PATH": site})
        for name, data in files.items():
            writer.write_generated(name, {"SITENAME": "Campaign"}, [name], builds.producer(data))
        writer.remove_left_behind()
        writer.save_records()
        return writer

    build({"calendar.ics": b"one", "events/old.ics": b"old"})
    number = inode(builds.site / "calendar.ics")
    second = build({"calendar.ics": b"one"})
    assert builds.produced == [] and second.reused == 1
    assert inode(builds.site / "calendar.ics") == number
    assert not (builds.site / "events" / "old.ics").exists()


def test_a_subsite_takes_its_previous_files_from_its_folder_in_the_previous_output(tmp_path):
    settings = {"OUTPUT_PATH": str(tmp_path / ".site-building-x" / "fa"),
                "PREVIOUS_OUTPUT_PATH": str(tmp_path / "site"),
                "DEFAULT_LANG": "fa", "I18N_SUBSITES": {"fa": {}, "es": {}}}
    assert previous_site_path(settings) == str(tmp_path / "site" / "fa")
    main = {**settings, "OUTPUT_PATH": str(tmp_path / ".site-building-x"), "DEFAULT_LANG": "en"}
    assert previous_site_path(main) == str(tmp_path / "site")
    assert previous_site_path({**main, "PREVIOUS_OUTPUT_PATH": None}) is None


# --- site_build helpers -----------------------------------------------------------------------


def test_a_second_build_of_the_same_folder_waits_for_the_first(tmp_path, monkeypatch):
    output = str(tmp_path / "site")
    said, entered = queue.Queue(), queue.Queue()
    monkeypatch.setattr(sb, "print", lambda text, **_: said.put(text), raising=False)
    first_holds = threading.Event()

    def second_build():
        with sb.exclusive_build(output):
            entered.put(first_holds.is_set())

    with sb.exclusive_build(output) as lock:
        assert lock is not None and os.path.exists(tmp_path / ".site.lock")
        first_holds.set()
        second = threading.Thread(target=second_build, daemon=True)
        second.start()
        # The second build found the lock held and says it waits ...
        assert said.get(timeout=5) == sb.LOCK_WAIT.format(name="site")
        assert entered.empty()
        first_holds.clear()
    # ... and gets in once the first let go, not before.
    assert entered.get(timeout=5) is False
    second.join(5)
    assert not second.is_alive()
    # Free again: the next build does not wait.
    with sb.exclusive_build(output):
        pass
    assert said.empty()


def test_builds_of_different_folders_do_not_wait_for_each_other(tmp_path, monkeypatch):
    said = []
    monkeypatch.setattr(sb, "print", lambda text, **_: said.append(text), raising=False)
    with sb.exclusive_build(str(tmp_path / "site")), sb.exclusive_build(str(tmp_path / "site-old")):
        pass
    assert said == []


def test_remove_stale_folders_removes_only_this_sites_staging_and_retired_folders(tmp_path):
    output = tmp_path / "site"
    output.mkdir()
    made = [tempfile.mkdtemp(prefix=".site-building-", dir=tmp_path),
            tempfile.mkdtemp(prefix=".site-old-", dir=tmp_path)]
    for folder in made:
        write(tmp_path / folder / "index.html", "half written")
    kept = [".site-old-building-abcd1234",  # a build of site-old/
            ".site-building-abc",  # not a name mkdtemp gives
            ".site-building-abcd12345",
            ".other-building-abcd1234",
            "site-building-abcd1234",
            "site"]
    for name in kept:
        (tmp_path / name).mkdir(exist_ok=True)
    write(tmp_path / ".site-old-efgh5678", "a file, not a folder")
    write(tmp_path / "linked" / "keep.html", "kept")
    os.symlink(tmp_path / "linked", tmp_path / ".site-building-ijkl9012")
    sb.remove_stale_folders(str(output))
    left = set(os.listdir(tmp_path))
    assert not left & {os.path.basename(folder) for folder in made}
    assert left >= set(kept) | {".site-old-efgh5678", ".site-building-ijkl9012", "linked"}
    assert (tmp_path / "linked" / "keep.html").is_file()


def test_remove_stale_folders_of_site_old_removes_its_own_staging_folder(tmp_path):
    (tmp_path / ".site-old-building-abcd1234").mkdir()
    (tmp_path / ".site-building-abcd1234").mkdir()
    sb.remove_stale_folders(str(tmp_path / "site-old"))
    assert os.listdir(tmp_path) == [".site-building-abcd1234"]


def staged(tmp_path, files: dict) -> str:
    new = tempfile.mkdtemp(prefix=".site-building-", dir=tmp_path)
    for name, text in files.items():
        write(tmp_path / new / name, text)
    return new


@pytest.mark.parametrize("exchange", ["renameat2", "rename"])
def test_replace_puts_the_new_folder_in_the_targets_place_and_the_old_content_goes(tmp_path, monkeypatch, exchange):
    target = tmp_path / "site"
    write(target / "index.html", "old")
    write(target / "fa" / "index.html", "old fa")
    new = staged(tmp_path, {"index.html": "new", "es/index.html": "new es"})
    assert stat.S_IMODE(os.stat(new).st_mode) == 0o700  # as mkdtemp makes it
    number = inode(new)
    if exchange == "rename":
        monkeypatch.setattr(sb, "_renameat2", lambda: None)
    elif sb._renameat2() is None:
        pytest.skip("no renameat2 here")
    else:
        def no_rename(*args):
            raise AssertionError("the target was renamed away instead of exchanged")
        monkeypatch.setattr(os, "rename", no_rename)
    sb._replace(new, str(target))
    assert inode(target) == number  # the folder itself, moved in one rename, not copied
    assert (target / "index.html").read_text() == "new" and (target / "es" / "index.html").read_text() == "new es"
    assert not (target / "fa").exists()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o755
    assert sorted(os.listdir(tmp_path)) == ["site"]  # neither the staging nor a retired folder is left


def test_replace_without_a_target_renames_the_new_folder(tmp_path):
    new = staged(tmp_path, {"index.html": "new"})
    number = inode(new)
    sb._replace(new, str(tmp_path / "site"))
    assert inode(tmp_path / "site") == number and os.listdir(tmp_path) == ["site"]
    assert stat.S_IMODE(os.stat(tmp_path / "site").st_mode) == 0o755


def test_replacing_an_output_that_is_a_symbolic_link_leaves_no_staging_entry_behind(tmp_path):
    # BUG (site_build._replace): the exchange puts the link where the staging
    # folder was, and shutil.rmtree refuses a link (the error is ignored): a
    # `.site-building-…` link stays, which remove_stale_folders never removes either.
    write(tmp_path / "www" / "index.html", "old")
    os.symlink("www", tmp_path / "site")
    new = staged(tmp_path, {"index.html": "new"})
    sb._replace(new, str(tmp_path / "site"))
    assert (tmp_path / "site" / "index.html").read_text() == "new"
    sb.remove_stale_folders(str(tmp_path / "site"))
    assert sorted(os.listdir(tmp_path)) == ["site", "www"]


def test_differing_files_finds_missing_extra_and_changed_files(tmp_path):
    site = tmp_path / "site"
    for name in ("index.html", "fa/index.html", "gone.html"):
        write(site / name, name)
    recorded = output_digests(str(site))
    assert sb._differing_files(str(site), recorded) == []
    rewrite_keeping_time(site / "fa" / "index.html", b"fa/INDEX.html")
    (site / "gone.html").unlink()
    write(site / "extra.html", "extra")
    assert sb._differing_files(str(site), recorded) == sorted(["extra.html", "gone.html",
                                                               os.path.join("fa", "index.html")])


def test_differing_files_without_a_record_is_unrecorded(tmp_path):
    (tmp_path / "site").mkdir()
    assert sb._differing_files(str(tmp_path / "site"), None) is sb.UNRECORDED
    assert sb._differing_files(str(tmp_path / "site"), {}) == []


def test_the_report_takes_each_warning_and_error_once_without_traceback_or_the_fatal_marker(tmp_path):
    settings = {"REPORT_FILE": str(tmp_path / "report.jsonl")}
    logger = logging.getLogger("test.report")
    handler = ReportedLog(settings)
    logger.addHandler(handler)
    try:
        logger.info("Writing index.html")  # progress is not reported
        logger.warning("content/updates/one.en.md: the title is missing")
        try:
            {}["date"]
        except KeyError as problem:
            logger.critical("%s: %s", type(problem).__name__, problem, exc_info=True)
        logger.critical(FATAL_MARK, exc_info=False)
    finally:
        logger.removeHandler(handler)
    say(settings, "Web editor: admin/ with Decap CMS 3.0 (900 KB).")
    assert read_report(settings["REPORT_FILE"]) == {
        "problem": ["content/updates/one.en.md: the title is missing", "KeyError: 'date'"],
        "note": ["Web editor: admin/ with Decap CMS 3.0 (900 KB)."]}


def test_each_build_in_one_process_reports_into_its_own_report_and_logging_never_fails_on_it(tmp_path):
    root = logging.getLogger()
    before = list(root.handlers)
    first, second = ({"REPORT_FILE": str(tmp_path / name)} for name in ("first.jsonl", "second.jsonl"))
    try:
        report_log(types.SimpleNamespace(settings=first))
        report_log(types.SimpleNamespace(settings=first))  # a subsite's `initialized`
        logging.getLogger("test.report").warning("from the first build")
        report_log(types.SimpleNamespace(settings=second))
        logging.getLogger("test.report").warning("from the second build")
        assert [h for h in root.handlers if isinstance(h, ReportedLog)] and len(root.handlers) == len(before) + 1
        (tmp_path / "second.jsonl").unlink()
        (tmp_path / "second.jsonl").mkdir()  # a report that cannot be written
        with contextlib.redirect_stderr(io.StringIO()):
            logging.getLogger("test.report").warning("lost, but logging goes on")
        report_log(types.SimpleNamespace(settings={}))  # a build without a report (Pelican run directly)
        assert root.handlers == before
    finally:
        root.handlers[:] = before
    assert read_report(first["REPORT_FILE"])["problem"] == ["from the first build"]


def test_problems_reported_by_forked_processes_all_reach_one_report(tmp_path):
    settings = {"REPORT_FILE": str(tmp_path / "report.jsonl")}
    children = []
    for lang in ("fa", "es"):
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                with contextlib.suppress(SystemExit):
                    stop_build(settings, [f"{lang}: first problem", f"{lang}: second problem"])
                status = 0
            finally:
                os._exit(status)
        children.append(pid)
    with pytest.raises(SystemExit, match="en: the only problem"):
        stop_build(settings, ["en: the only problem"])
    assert all(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0 for pid in children)
    problems = read_report(settings["REPORT_FILE"])["problem"]
    assert sorted(problems) == sorted(["en: the only problem", "fa: first problem", "fa: second problem",
                                       "es: first problem", "es: second problem"])
    assert problems.index("fa: first problem") < problems.index("fa: second problem")


def test_a_report_cut_short_keeps_its_whole_lines_and_a_missing_one_is_empty(tmp_path):
    assert read_report(str(tmp_path / "none.jsonl")) == {"problem": [], "note": []}
    (tmp_path / "cut.jsonl").write_text('{"problem": "a"}\n["no"]\n{"note": "b"}\n{"probl')
    assert read_report(str(tmp_path / "cut.jsonl")) == {"problem": ["a"], "note": ["b"]}


def test_templates_are_compiled_once_for_every_environment_with_the_same_options(tmp_path, monkeypatch):
    from template_cache import CompiledTemplates

    theme = tmp_path / "theme"
    write(theme / "page.html", "{% if x %}\n  <p>{{ x }}</p>\n{% endif %}\n")
    cache, compiled = CompiledTemplates(str(tmp_path / "templates")), []
    compile_ = jinja2.Environment.compile

    def counting_compile(self, source, *args, **kwargs):
        compiled.append(source)
        return compile_(self, source, *args, **kwargs)

    def render(**options):
        environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(theme)), bytecode_cache=cache, **options)
        with monkeypatch.context() as patch:
            patch.setattr(jinja2.Environment, "compile", counting_compile)
            shown = environment.get_template("page.html").render(x="<b>")
        uncached = jinja2.Environment(**options).from_string((theme / "page.html").read_text()).render(x="<b>")
        assert shown == uncached
        return shown

    trimmed = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}
    first = render(**trimmed)
    assert len(compiled) == 1
    assert render(**trimmed) == first and len(compiled) == 1  # another generator, language or build
    # Other options compile other code, never the code compiled for these.
    assert render(autoescape=True) != first and len(compiled) == 2
    assert render(trim_blocks=True, lstrip_blocks=True) != first and len(compiled) == 3
    write(theme / "page.html", "<p>{{ x }}!</p>\n")  # a changed template is compiled again
    assert render(**trimmed) == "<p>&lt;b&gt;!</p>" and len(compiled) == 4
