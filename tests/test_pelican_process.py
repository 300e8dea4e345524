"""Pelican's warm process (site_build.pelican_process): each build a fresh fork of one process that
has imported Pelican, with the build's own command line, environment, working folder and held files."""

import json
import os
import subprocess
import sys

from site_build.pelican_process import PelicanProcesses
from waiting import wait_for

# A plugin that records, for each build, the process it ran in and how many times it was registered there.
RECORDER = """
import json, os
from pelican import signals

REGISTERED = []


def record(pelican_obj):
    if os.environ.get("KILL_WARM_PROCESS"):
        os.kill(os.getppid(), 9)
    with open(os.environ["RECORD"], "w") as out:
        json.dump({"pid": os.getpid(), "parent": os.getppid(), "registered": len(REGISTERED),
                   "cwd": os.getcwd(), "output": pelican_obj.output_path}, out)


def register():
    REGISTERED.append(1)
    signals.finalized.connect(record)
"""


def empty_site(folder):
    """A settings file for a site with no content and the recorder plugin, and its content folder."""
    (folder / "plugins").mkdir(parents=True)
    (folder / "plugins" / "recorder.py").write_text(RECORDER)
    (folder / "content").mkdir()
    settings = folder / "settings.py"
    settings.write_text(f'PLUGIN_PATHS = ["{folder / "plugins"}"]\nPLUGINS = ["recorder"]\n'
                        'SITEURL = ""\nTIMEZONE = "UTC"\nDEFAULT_LANG = "en"\nLOAD_CONTENT_CACHE = False\n')
    return settings


def build(processes, folder, settings, name, **env):
    arguments = [str(folder / "content"), "--settings", str(settings), "--output", name]
    return processes.run(arguments, {**os.environ, "PYTHONHASHSEED": "0", **env}, preload=["recorder"])


def test_each_build_runs_in_a_new_copy_of_one_warm_process_with_its_own_environment_and_folder(
        tmp_path, monkeypatch):
    settings, processes = empty_site(tmp_path), PelicanProcesses()
    try:
        runs = []
        for number in (1, 2):
            work = tmp_path / f"work-{number}"
            work.mkdir()
            monkeypatch.chdir(work)
            status, log = build(processes, tmp_path, settings, "out", RECORD=str(tmp_path / f"build-{number}.json"))
            assert status == 0, log
            runs.append(json.loads((tmp_path / f"build-{number}.json").read_text()))
        warm = processes._process.pid
    finally:
        processes.stop()
    assert [run["parent"] for run in runs] == [warm, warm] and warm != os.getpid()
    assert runs[0]["pid"] != runs[1]["pid"]
    # The plugin was imported by the warm process and registered by each build alone: no state carried over.
    assert [run["registered"] for run in runs] == [1, 1]
    assert [run["cwd"] for run in runs] == [str(tmp_path / "work-1"), str(tmp_path / "work-2")]
    assert (tmp_path / "work-1" / "out").is_dir() and (tmp_path / "work-2" / "out").is_dir()


def test_a_failing_build_gives_its_status_and_everything_pelican_wrote(tmp_path):
    processes = PelicanProcesses()
    try:
        status, log = processes.run([str(tmp_path), "--settings", str(tmp_path / "missing.py")], dict(os.environ))
    finally:
        processes.stop()
    assert status != 0
    assert "missing.py" in log


def test_a_warm_process_killed_during_a_build_fails_it_with_one_line_and_the_next_build_starts_another(tmp_path):
    settings, processes = empty_site(tmp_path), PelicanProcesses()
    try:
        processes.start({**os.environ, "PYTHONHASHSEED": "0"}, preload=["recorder"])
        first = processes._process.pid
        killed = build(processes, tmp_path, settings, str(tmp_path / "out-1"), RECORD=str(tmp_path / "1.json"),
                       KILL_WARM_PROCESS="1")  # the recorder kills the build's parent
        assert killed == (1, "Pelican's process ended before the build did.\n")
        status, log = build(processes, tmp_path, settings, str(tmp_path / "out-2"), RECORD=str(tmp_path / "2.json"))
        assert status == 0, log
        assert json.loads((tmp_path / "2.json").read_text())["parent"] not in (first, os.getpid())
    finally:
        processes.stop()


def test_the_warm_process_ends_with_the_process_that_started_it(tmp_path):
    caller = subprocess.run(
        [sys.executable, "-c", "import os; from site_build.pelican_process import PELICAN; "
         "PELICAN.start(dict(os.environ)); print(PELICAN._process.pid); os._exit(0)"],  # no clean-up of its own
        capture_output=True, text=True, check=True)
    warm = int(caller.stdout)

    def ended():
        try:
            with open(f"/proc/{warm}/stat") as stat:
                return stat.read().rpartition(")")[2].split()[0] in ("Z", "X")  # a zombie has ended
        except FileNotFoundError:
            return True

    wait_for(ended, "the warm process to end once its caller had", timeout=30)
