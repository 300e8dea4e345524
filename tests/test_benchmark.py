"""The build-speed benchmark: a small smoke run, and the fast path builds exactly what a plain build does."""

import sys

from conftest import ROOT, differences, report, run_build

sys.path.insert(0, str(ROOT))

from benchmarks.bench import run  # noqa: E402
from benchmarks.corpus import make_corpus  # noqa: E402


def test_cached_and_shared_parsing_builds_the_same_site_as_a_plain_build(tmp_path):
    corpus = make_corpus(tmp_path / "content", updates=12)
    plain = run_build(tmp_path / "plain", content=corpus, overrides={"CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False})
    assert plain.status == 0, plain.log
    cached_first = run_build(tmp_path / "cached", content=corpus)
    assert cached_first.status == 0, cached_first.log
    (tmp_path / "cached-cache" / "builds").rename(tmp_path / "stamps")  # build again, not "nothing changed"
    cached = run_build(tmp_path / "cached", content=corpus)  # warm: everything from the cache
    assert cached.status == 0, cached.log
    assert "Nothing changed" not in cached.log
    assert any((tmp_path / "cached-cache").rglob("*Readers*")), "the reader cache was written"
    assert differences(plain.output, cached.output) == []


def test_benchmark_smoke_run_prints_both_builds_and_their_ratios():
    table = run(updates=8, runs=1)
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert [row.split("|")[1].strip() for row in rows] == ["cold", "warm", "one change", "preview: one change visible"]
    for row in rows:
        cells = [cell.strip() for cell in row.split("|")[2:-1]]
        assert float(cells[0]) > 0 and float(cells[1]) > 0 and cells[2].endswith("x")
    report("benchmark smoke run (8 updates x 3 languages)", table)
