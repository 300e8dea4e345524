"""The build-speed benchmark: a small smoke run, and the fast path builds exactly what a plain build does."""

from conftest import differences, report, run_build

from benchmarks.bench import PREVIEW, RECORDED, Figures, hugo_executable, hugo_pages_missing, run, targets_table
from benchmarks.corpus import make_corpus


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


def _table(lines):
    """The rows of the Markdown table that starts at lines[0], as lists of cells, without its header."""
    rows = []
    for line in lines[2:]:
        if not line.startswith("| "):
            break
        rows.append([cell.strip() for cell in line.split("|")[1:-1]])
    return rows


def test_benchmark_smoke_run_prints_every_build_the_targets_and_hugo():
    assert hugo_executable(), "hugo is not installed (make test installs it: apt-get install hugo)"
    text = run(updates=8, runs=1)
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("| ")
              and not lines[i - 1].startswith("| ")]
    assert len(starts) == 2, text
    results, targets = _table(lines[starts[0]:]), _table(lines[starts[1]:])
    header = [cell.strip() for cell in lines[starts[0]].split("|")[1:-1]]
    assert header[:5] == ["build", "stock (s)", "project (s)", "stock/project", "Hugo (s)"]
    assert "stock user (s)" in header and "project sys (s)" in header and "Hugo peak (MiB)" in header
    assert [row[0] for row in results] == ["cold", "cold, search index off", "warm", "one change",
                                           "preview: one change visible"]
    for row in results:
        name, stock, project, ratio, hugo = row[:5]
        assert float(stock) > 0 and float(project) > 0 and ratio.endswith("x"), row
        assert (hugo == "-") == (name == "cold, search index off"), row  # Hugo has no search index to turn off
        if hugo != "-":
            assert float(hugo) > 0, row
        cpu_and_memory = row[5:]
        if name.startswith("preview"):
            assert set(cpu_and_memory) == {"-"}, row
        else:  # user and system CPU, then peak memory, of stock and the project
            assert all(float(cell) >= 0 for cell in cpu_and_memory[0:2] + cpu_and_memory[3:5]), row
            assert float(cpu_and_memory[6]) > 0 and float(cpu_and_memory[7]) > 0, row
    assert "a page for each of the 51 pieces" in text  # Hugo's pages were counted
    assert [row[0] for row in targets][:2] == [
        "cold build at least 2.5x faster than stock, every feature on (search index included)",
        "cold build at least 3x faster than stock, search index off"]
    assert all(row[2] in ("yes", "no") or row[2].startswith("- (") for row in targets), targets
    assert "user CPU" in targets[0][1]
    report("benchmark smoke run (8 updates x 3 languages)", text)


def test_hugo_pages_are_counted_per_piece_and_language(tmp_path):
    corpus = tmp_path / "content"
    for name in ("updates/update-0.en.md", "updates/update-0.fa.md", "pages/about.es.md"):
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    output = tmp_path / "public"
    (output / "updates").mkdir(parents=True)
    (output / "updates" / "update-0.html").write_text("", encoding="utf-8")
    (output / "es" / "pages").mkdir(parents=True)
    (output / "es" / "pages" / "about.html").write_text("", encoding="utf-8")
    assert hugo_pages_missing(corpus, output) == ["fa/updates/update-0.html"]


def _targets(stock_cold: float, warm: float) -> dict[str, list[str]]:
    """targets_table at N = 1,000 for a run whose stock cold build took `stock_cold` s and the project's warm `warm` s."""
    stock = {name: Figures(stock_cold, 150_000, stock_cold, 1.0) for name in ("cold", "warm", "one change")}
    project = {"cold": Figures(stock_cold / 2, 100_000, 1.0, 1.0), "warm": Figures(warm, 50_000, warm, 0.1),
               "one change": Figures(3.0, 100_000, 3.0, 1.0), PREVIEW: Figures(1.0)}
    results = {"stock": stock, "project": project, "project, search off": {"cold": Figures(stock_cold / 3, 100_000, 1.0, 1.0)}}
    return {row[0]: row[1:] for row in _table(targets_table(1000, results))}


def test_the_figures_recorded_before_the_restructuring_are_scaled_by_stock_s_cold_build_on_this_machine():
    recorded = RECORDED[1000]
    same_machine = _targets(recorded["stock cold"], recorded["warm"] * 1.5)["warm no worse than today"]
    slower_machine = _targets(recorded["stock cold"] * 2, recorded["warm"] * 1.5)["warm no worse than today"]
    assert same_machine[1] == "no" and slower_machine[1] == "yes"
    assert f"{recorded['warm'] * 2:.2f} s beside stock's {recorded['stock cold'] * 2:.2f} s here" in slower_machine[0]
