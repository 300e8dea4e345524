"""Build-time benchmark: this project's build against stock Pelican + i18n_subsites.

Both build the same synthetic corpus (benchmarks/corpus.py). For each, in
one run: a cold full build (no output, no cache), a warm rebuild with
nothing changed, and a rebuild after one file changed; each the median of
several runs, with the peak memory of the largest build process and the
CPU time of all of them (the project's build uses every core).
"""

import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from benchmarks.corpus import make_corpus

ROOT = Path(__file__).resolve().parent.parent


def timed(command, cwd=ROOT) -> tuple[float, int, float]:
    """Wall seconds, peak resident memory (KiB) of the largest process, and CPU
    seconds (user + system) of `command` and the processes it waited for."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", *command], cwd=cwd,
                            capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(f"{command[:4]} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    seconds, peak, user, system = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(peak), float(user) + float(system)


def stock_command(corpus, output, cache):
    return [sys.executable, "-m", "pelican", str(corpus), "-s", str(ROOT / "benchmarks" / "stockconf.py"),
            "-o", str(output), "--cache-path", str(cache), "-q"]


def project_command(corpus, output, cache):
    code = ("import sys; sys.path.insert(0, 'plugins'); from site_build import build; "
            f"sys.exit(build('pelicanconf.py', {str(output)!r}, {str(corpus)!r}, "
            f"extra_args=['--cache-path', {str(cache)!r}, '-q']))")
    return [sys.executable, "-c", code]


def stock_preview(corpus, output, cache, port):
    command = [*stock_command(corpus, output, cache), "--autoreload", "--listen", "--port", str(port)]
    return command, {**os.environ, "PYTHONHASHSEED": "0"}


def project_preview(corpus, output, cache, port):
    sys.path.insert(0, str(ROOT / "plugins"))
    from site_build import preview_command

    return preview_command("pelicanconf.py", str(output), str(corpus), port, ["--cache-path", str(cache), "-q"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _served(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (OSError, http.client.HTTPException):
        return ""  # not there yet, or caught while the preview rewrites it


def _wait_for(url: str, text: str, limit: float) -> float:
    """Seconds until `url` serves a page containing `text`."""
    start = time.monotonic()
    while text not in _served(url):
        if time.monotonic() - start > limit:
            raise RuntimeError(f"{url} did not show {text!r} within {limit} s")
        time.sleep(0.02)
    return time.monotonic() - start


def measure_preview(preview_for, corpus: Path, work: Path, runs: int) -> float:
    """Median seconds from saving a changed file to the live preview serving the changed page."""
    output, cache, port = work / "preview", work / "preview-cache", _free_port()
    command, env = preview_for(corpus, output, cache, port)
    log = work / "preview.log"
    with open(log, "w") as sink:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    changed = corpus / "updates" / "update-0.en.md"
    original = changed.read_text(encoding="utf-8")
    url = f"http://127.0.0.1:{port}/updates/update-0.html"

    def builds_done() -> int:  # Pelican prints "Done:" once per language when a build ends
        return log.read_text(errors="replace").count("Done:") // 3

    def wait_for_build(count: int) -> None:
        start = time.monotonic()
        while builds_done() < count:
            if time.monotonic() - start > 900 or server.poll() is not None:
                raise RuntimeError(f"the preview did not finish build {count}:\n{log.read_text()[-2000:]}")
            time.sleep(0.05)
        time.sleep(0.5)  # Pelican starts watching right after printing

    try:
        wait_for_build(1)
        seconds = []
        for run in range(runs):
            marker = f"previewmarker{run}x{time.monotonic_ns()}"
            changed.write_text(original + f"\n{marker}\n", encoding="utf-8")
            seconds.append(_wait_for(url, marker, 120))
            wait_for_build(run + 2)
        return statistics.median(seconds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
        changed.write_text(original, encoding="utf-8")


def measure(builds: dict, corpus: Path, work: Path, runs: int) -> dict:
    """{build: {scenario: (median seconds, peak KiB, median CPU seconds)}} for
    cold, warm and one-file-changed builds. Each run takes the builds in
    turn, so that drifts of the machine (disk write-back, other load) fall
    on all of them alike."""
    results = {name: {"cold": [], "warm": [], "one change": []} for name in builds}
    changed = corpus / "updates" / "update-0.en.md"
    original = changed.read_text(encoding="utf-8")
    for run in range(runs):
        for name, command_for in builds.items():
            output, cache = work / name / "output", work / name / "cache"
            shutil.rmtree(output, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            results[name]["cold"].append(timed(command_for(corpus, output, cache)))
            results[name]["warm"].append(timed(command_for(corpus, output, cache)))
            changed.write_text(original + f"\nOne more line, run {run}.\n", encoding="utf-8")
            results[name]["one change"].append(timed(command_for(corpus, output, cache)))
            changed.write_text(original, encoding="utf-8")
    return {name: {scenario: (statistics.median(s for s, _, _ in values), max(m for _, m, _ in values),
                              statistics.median(c for _, _, c in values))
                   for scenario, values in scenarios.items()}
            for name, scenarios in results.items()}


def run(updates: int = 1000, runs: int = 3) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        corpus = make_corpus(tmp / "content", updates)
        files = sum(1 for _ in corpus.rglob("*.md"))
        measured = measure({"stock": stock_command, "project": project_command}, corpus, tmp, runs)
        stock, project = measured["stock"], measured["project"]
        stock["preview: one change visible"] = (measure_preview(stock_preview, corpus, tmp / "stock", runs),
                                                None, None)
        project["preview: one change visible"] = (measure_preview(project_preview, corpus, tmp / "project", runs),
                                                  None, None)
    lines = [f"Corpus: {updates} updates x 3 languages, {files} Markdown files; median of {runs} runs; "
             f"{os.cpu_count()} CPUs",
             "",
             "| build | stock (s) | project (s) | stock/project | stock peak (MiB) | project peak (MiB) "
             "| stock CPU (s) | project CPU (s) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for name in stock:
        (s_time, s_mem, s_cpu), (p_time, p_mem, p_cpu) = stock[name], project[name]
        memory = f"{s_mem / 1024:.0f} | {p_mem / 1024:.0f} | {s_cpu:.2f} | {p_cpu:.2f}" if s_mem else "- | - | - | -"
        lines.append(f"| {name} | {s_time:.2f} | {p_time:.2f} | {s_time / p_time:.2f}x | {memory} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(run(*(int(arg) for arg in sys.argv[1:])))
