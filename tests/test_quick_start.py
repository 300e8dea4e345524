"""The quick start on a fresh machine: `make test` installs what the tests need,
and git ignores what a writer must never commit by accident."""

import os
import shutil
import subprocess

import pytest

from conftest import ROOT

# --- .gitignore ---------------------------------------------------------------------------------

NEVER_COMMITTED = [
    "output/index.html", "cache/builds/x", ".output.lock", ".output-building-abc12345/index.html",
    ".venv/bin/python", "node_modules/vnu-jar/package.json",
    # `invoke bundle` writes the offline copy beside the project by default.
    "iec-site-2026-11-24.zip",
    # Left by editors and file managers next to the files a writer edits.
    "content/updates/.vigil.en.md.swp", "content/updates/vigil.en.md~", "content/images/.DS_Store",
    "content/images/Thumbs.db", "content/pages/.~lock.about.en.md#",
]
COMMITTED = [
    "content/updates/vigil.en.md", "content/images/vigil.jpg", "pelicanconf.py", "tasks.py",
    # README: "commit that folder to keep the history" of the email digests.
    "digests/2026-11-24/en.html", "digests/2026-11-24/fa.txt",
]


def ignored(path: str) -> bool:
    result = subprocess.run(["git", "-C", str(ROOT), "check-ignore", "--no-index", "--quiet", path])
    assert result.returncode in (0, 1), result
    return result.returncode == 0


@pytest.mark.parametrize("path", NEVER_COMMITTED)
def test_git_ignores_what_a_build_a_bundle_or_an_editor_leaves_behind(path):
    assert ignored(path)


@pytest.mark.parametrize("path", COMMITTED)
def test_git_does_not_ignore_content_settings_or_the_digest_history(path):
    assert not ignored(path)


# --- make test on a machine without npm -----------------------------------------------------------

LOGGING_TOOL = '#!/bin/sh\necho "{name} $*" >> "{log}"\n'
# `npm ci` makes node_modules/, where the Makefile leaves its stamp.
FAKE_NPM = LOGGING_TOOL + '[ "$1" != ci ] || {mkdir} -p node_modules\n'
# What unpacks Decap CMS's tarball after `npm pack`.
UNPACKING_TOOLS = ("sha256sum", "mkdir", "tar", "rm")
# Installing the npm package puts npm on the PATH.
FAKE_APT_GET = LOGGING_TOOL + 'case " $* " in *" npm "*) {cp} "{npm}" "{bin}/npm";; esac\n'


@pytest.fixture
def fresh_machine(tmp_path):
    """A copy of the project's Makefile and the files it reads, with a PATH on
    which every tool `make test` runs only writes what it was asked to a log:
    `apt-get` (installing npm puts a logging `npm` on the PATH), the tools
    that unpack Decap CMS, `touch` and the venv's `invoke`. Returns (project, bin, that npm, run)."""
    project, tools, log = tmp_path / "project", tmp_path / "bin", tmp_path / "commands.log"
    project.mkdir()
    tools.mkdir()
    for name in ("Makefile", "requirements.txt", "pyproject.toml", "package.json", "package-lock.json"):
        shutil.copy(ROOT / name, project / name)
    venv = project / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "invoke").write_text(LOGGING_TOOL.format(name="invoke", log=log))
    (venv / "invoke").chmod(0o755)
    (project / ".venv" / ".installed").touch()
    npm = tmp_path / "npm"
    npm.write_text(FAKE_NPM.format(name="npm", log=log, mkdir=shutil.which("mkdir")))
    npm.chmod(0o755)
    (tools / "apt-get").write_text(FAKE_APT_GET.format(name="apt-get", log=log, cp=shutil.which("cp"), npm=npm,
                                                       bin=tools))
    (tools / "apt-get").chmod(0o755)
    os.symlink(shutil.which("touch"), tools / "touch")
    for name in UNPACKING_TOOLS:
        (tools / name).write_text(LOGGING_TOOL.format(name=name, log=log))
        (tools / name).chmod(0o755)
    make = shutil.which("make")

    def run(*targets):
        result = subprocess.run([make, "--no-print-directory", "-C", str(project), *targets], capture_output=True,
                                text=True, env={"PATH": str(tools), "HOME": str(tmp_path)})
        return result, (log.read_text().splitlines() if log.exists() else [])

    return project, tools, npm, run


def test_make_test_without_npm_installs_nodejs_and_npm_with_apt_get_before_npm_ci(fresh_machine):
    project, _, _, run = fresh_machine
    result, commands = run("test")
    assert result.returncode == 0, result.stdout + result.stderr
    installs = [line for line in commands if line.startswith("apt-get") and "install" in line]
    assert any(line.split()[-2:] == ["nodejs", "npm"] for line in installs), commands
    assert commands.index(next(line for line in installs if "npm" in line.split())) \
        < commands.index("npm ci --no-audit --no-fund --loglevel=error")
    assert commands[-1] == "invoke test"
    assert (project / "node_modules" / ".installed").exists()


def test_make_test_checks_decap_cms_against_its_pinned_digest_before_unpacking_it(fresh_machine):
    _, tools, npm, run = fresh_machine
    shutil.copy(npm, tools / "npm")
    result, commands = run("test")
    assert result.returncode == 0, result.stdout + result.stderr
    order = [next(i for i, line in enumerate(commands) if line.startswith(start))
             for start in ("npm ci", "npm pack --silent decap-cms@", "sha256sum --check", "tar -xzf decap-cms-")]
    assert order == sorted(order), commands
    # Only the tarball is fetched: the package's ~600 build dependencies are not in the lock file.
    assert '"node_modules/decap-cms"' not in (ROOT / "package-lock.json").read_text()


def test_make_test_with_npm_on_the_path_installs_no_nodejs(fresh_machine):
    _, tools, npm, run = fresh_machine
    shutil.copy(npm, tools / "npm")
    result, commands = run("test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not [line for line in commands if "nodejs" in line or line.split()[-1:] == ["npm"]], commands
    assert "npm ci --no-audit --no-fund --loglevel=error" in commands and commands[-1] == "invoke test"
