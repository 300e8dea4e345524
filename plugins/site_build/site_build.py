"""Run a strict Pelican build that replaces the output folder only on success.

Pelican writes straight into OUTPUT_PATH, so a failed build would leave a
half-written site behind. Here Pelican writes into a fresh folder beside
the target, and that folder takes the target's place only when Pelican
exited cleanly, in one step (renameat2's exchange on Linux: a web server
reading the target never finds it missing); otherwise the previous site
stays as it was.

One build of a folder runs at a time: each holds an exclusive lock on
`.<name>.lock` beside it, and a second one waits. Holding it, a build
removes the staging and retired folders a killed build left behind.

The next build checks the folder against the record of what the last one
wrote (fingerprints.BuildRecords) before it says "Nothing changed" or reuses
any file: a file deleted or altered since means building every page again.

Writers read what the build reported (pipeline's report), not Pelican's log:
on failure one line per problem, never a traceback; on success the build's
notes and one line of what each language published ("Built output/: en: 5
updates, …; fa: …"). With `verbose`, Pelican's whole log, then that line.

Every build starts from a BuildRequest: tasks, tests and benchmarks alike.
All of this runs before Pelican and without importing it (about a quarter
of a second): the settings file is read as Pelican reads it
(file_settings), and Pelican runs in a process of its own (pelican_process).
"""

import contextlib
import ctypes
import dataclasses
import errno
import importlib.util
import json
import os
import pathlib
import re
import shutil
import sys
import tempfile
import traceback
from collections.abc import Mapping

from .pelican_process import PELICAN

try:
    import fcntl
except ImportError:  # not on Windows: builds are not locked there
    fcntl = None


@dataclasses.dataclass(frozen=True)
class BuildRequest:
    """One build of the site, as every task, test and benchmark asks for it.

    `settings` override the settings file's values (Pelican's own and the
    plugins': {"SEARCH_INDEX": False}); `cache` is the cache folder (the
    settings file's CACHE_PATH by default, else Pelican's: `cache`); `env`
    adds to the environment the settings file is read in (publishconf.py
    reads SITEURL from it). With `reuse`, pages whose inputs did not change
    are taken from the previous build in `output` instead of rendered
    again, and when no input changed at all (see build_inputs) the build is
    skipped; both only when `output` holds exactly what the last build wrote
    there. With `summary`, a build that succeeds prints what each language
    published; with `verbose`, Pelican's whole log as it wrote it.
    """

    output: str = "output"
    settings_file: str = "pelicanconf.py"
    content: str = "content"
    settings: Mapping = dataclasses.field(default_factory=dict)
    cache: str | None = None
    env: Mapping = dataclasses.field(default_factory=dict)
    reuse: bool = True
    summary: bool = True
    verbose: bool = False

    def run(self) -> int:
        """Build; Pelican's exit status."""
        return build(self)

    def with_settings(self, **settings) -> "BuildRequest":
        return dataclasses.replace(self, settings={**self.settings, **settings})


def pelican_environment(request: BuildRequest | None = None) -> dict:
    """The environment Pelican runs in. Pelican collects content files in a set: with
    string hashing fixed it reads them in the same order every run, so pieces of one
    date are listed alike and unchanged pages come out byte for byte."""
    return {**os.environ, **(request.env if request else {}), "PYTHONHASHSEED": "0"}


def build(request: BuildRequest) -> int:
    """Carry out `request` (see BuildRequest); return Pelican's exit status."""
    # A link to the served folder (output -> /var/www/site) stays a link: the
    # folder it leads to is built beside and replaced.
    output = os.path.realpath(request.output)
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with exclusive_build(output) as lock:
        remove_stale_folders(output)
        return _build(dataclasses.replace(request, output=output), lock)


def _build(request: BuildRequest, lock) -> int:
    from file_digests import KnownDigests, build_records, output_digests
    from pipeline import read_report
    from translation_status import published_summary

    output, overrides = request.output, dict(request.settings)
    try:
        settings = file_settings(request)
    except SettingsFileError as problem:
        sys.stderr.write(f"{problem}\n")
        return 1
    records = build_records(settings["CACHE_PATH"], output) if request.reuse else None
    request = dataclasses.replace(request, cache=settings["CACHE_PATH"])  # Pelican's, for certain
    # Pelican's console wraps at 80 columns in a pipe: as wide as our terminal.
    environment = {**pelican_environment(request), "COLUMNS": str(shutil.get_terminal_size((160, 24)).columns)}
    plugins = [name for name in settings.get("PLUGINS", ()) if isinstance(name, str)]
    if not records or not os.path.isdir(output):
        # A build for certain: Pelican's process imports Pelican while the inputs are read.
        PELICAN.start(environment, preload=plugins)
    if records:
        # The digests of the sources and of the output as last read: a file is
        # read again only where its status changed.
        known = KnownDigests.load(records.known)
        inputs = build_inputs(settings, request.settings_file, known)
        present = os.path.isdir(output)
        differing = _differing_files(output, _read(records.manifest, dict), known) if present else []
        if known.read:  # for the writers, which check the files they take from the last build
            known.save(records.known)
        if present and not differing and _read(records.stamp) == inputs:
            print(f"Nothing changed since the last build of {output}.")
            return 0
        # The pages' records are kept for the next build in any case; none of
        # the previous files is taken unless the folder is as recorded.
        overrides.update(PREVIOUS_OUTPUT_PATH=output, PREVIOUS_OUTPUT_INTACT=not differing)
        if differing and differing is not UNRECORDED:
            shown = ", ".join(differing[:3]) + (", …" if len(differing) > 3 else "")
            print(f"{len(differing)} file{'s' if len(differing) > 1 else ''} in {os.path.basename(output)}/ not as "
                  f"the last build wrote ({shown}): building every page again.")
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(output)}-building-", dir=os.path.dirname(output))
    # What the build tells (pipeline's report), beside the staging folder, removed with it.
    report_file = overrides["REPORT_FILE"] = f"{staging}.report.jsonl"
    arguments = [
        *pelican_arguments(request, overrides), "--output", staging,
        "--fatal", "warnings",
        # Pelican's plain handler shows warnings and errors only, one line
        # each; its default one (rich) shows the progress --verbose asks for.
        *(("--verbose",) if request.verbose else ("--log-handler", "plain")),
    ]
    try:
        if records:
            _remove(records.stamp)  # the output is about to change
        # Pelican holds the lock too: if this process is killed, no other build
        # starts (nor removes the staging folder) while Pelican still writes.
        status, log = PELICAN.run(arguments, environment, pass_fds=(lock,) if lock is not None else (), preload=plugins)
        report = read_report(report_file)
        if status == 0:
            if records:
                _write(f"{records.manifest}.partial",
                       json.dumps(output_digests(staging, known, site=output), sort_keys=True))
            _replace(staging, output)
            if records:
                os.replace(f"{records.manifest}.partial", records.manifest)
                known.save(records.known)
                _write(records.stamp, inputs)
            sys.stdout.write(log if request.verbose else "".join(f"{line}\n" for line in report["note"]))
            if request.summary:
                print(f"Built {os.path.basename(output)}/: {published_summary(settings)}")
        else:
            # A build that failed before its plugins were loaded reported nothing: then Pelican's own log.
            problems = list(dict.fromkeys(report["problem"]))
            sys.stderr.write(log if request.verbose or not problems else "\n".join(problems) + "\n")
        return status
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        _remove(report_file)


def pelican_arguments(request: BuildRequest, settings: Mapping) -> list[str]:
    """Pelican's arguments for `request`'s content, settings file and cache, with `settings` on top."""
    arguments = [os.path.abspath(request.content), "--settings", request.settings_file]
    if request.cache:
        arguments += ["--cache-path", os.path.abspath(request.cache)]
    if settings:
        # One flag for all: Pelican keeps only the last one's values.
        arguments += ["--extra-settings", *(f"{key}={json.dumps(value, ensure_ascii=False)}"
                                            for key, value in settings.items())]
    return arguments


UNRECORDED = ["(no record of the last build)"]  # what the folder should hold is not known


def _differing_files(output: str, recorded: dict | None, known=None) -> list[str]:
    """The files of `output` that are not what the last build wrote (missing,
    extra or other bytes), sorted; UNRECORDED without a record. `known`:
    fingerprints.KnownDigests of the files as last read."""
    from file_digests import output_digests

    if recorded is None:
        return UNRECORDED
    found = output_digests(output, known)
    if found == recorded:  # the usual case, compared in C
        return []
    return sorted(name for name in set(found) | set(recorded) if found.get(name) != recorded.get(name))


LOCK_WAIT = "Waiting for another build of {name}/ to finish…"


@contextlib.contextmanager
def exclusive_build(output: str):
    """Hold the lock on building `output` (an flock on `.<name>.lock` beside it),
    waiting for another build that holds it. Yields the lock's file descriptor."""
    if fcntl is None:
        yield None
        return
    name = os.path.basename(output)
    lock = os.open(os.path.join(os.path.dirname(output), f".{name}.lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC,
                   0o644)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(LOCK_WAIT.format(name=name), flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield lock
    finally:
        os.close(lock)  # releases it (the lock file stays: removing it would race with a waiting build)


def remove_stale_folders(output: str) -> None:
    """Remove the staging and retired folders (and problem lists) of builds of
    `output` that were killed. Only while holding its lock: then no build of it is under way."""
    parent, name = os.path.dirname(output), os.path.basename(output)
    # Exactly the names tempfile.mkdtemp gives them: `.site-old-building-…`, a
    # build of site-old/, is not a folder of site/'s.
    ours = re.compile(rf"\.{re.escape(name)}-(building|old)-[a-z0-9_]{{8}}")
    for entry in os.scandir(parent):
        if ours.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        elif entry.name.endswith(".report.jsonl") and ours.fullmatch(entry.name.removesuffix(".report.jsonl")):
            _remove(entry.path)


def preview_command(request: BuildRequest, port: int = 8000) -> tuple[list[str], dict]:
    """Pelican's live preview (command and environment): serve `request.output`
    on `port` and rebuild it in place on every save, rendering only the pages
    whose inputs changed. The preview has no search index; the search page
    then shows its browse list."""
    output = os.path.abspath(request.output)
    overrides = {**request.settings, "DELETE_OUTPUT_DIRECTORY": False, "PREVIOUS_OUTPUT_PATH": output,
                 "PARALLEL_BUILD": False, "KEEP_CONTENT_OBJECTS": True, "SEARCH_INDEX": False}
    command = [sys.executable, "-m", "pelican", *pelican_arguments(request, overrides), "--output", output,
               "--autoreload", "--listen", "--port", str(port)]
    return command, pelican_environment(request)


def build_inputs(settings, settings_file: str, known=None) -> str:
    """A digest of everything a build reads: settings (their values and the
    files that set them), content, theme, plugins, installed packages and the
    day it describes. `known`: fingerprints.KnownDigests of the files as last read."""
    from file_digests import PLACE_SETTINGS, code_digest, digest, stable, tree_digest
    from site_rules import build_date

    values = {key: value for key, value in settings.items() if key not in PLACE_SETTINGS}
    return digest(stable(values), tree_digest(*_config_modules(settings_file), known=known),
                  tree_digest(settings["PATH"], known=known), code_digest(settings, known),
                  build_date(settings).isoformat())


# What Pelican reads relative to the settings file's folder, and where it caches by default.
RELATIVE_TO_SETTINGS_FILE = ("THEME", "CACHE_PATH")
DEFAULT_CACHE_PATH = "cache"


class SettingsFileError(Exception):
    """A settings file that cannot be run, in one line: the file, the line and what is wrong."""


def file_settings(request: BuildRequest) -> dict:
    """The settings file's own values (its upper-case names, as Pelican reads
    them) with `request.settings` on top; THEME, CACHE_PATH and PLUGIN_PATHS
    resolved from the settings file's folder as Pelican resolves them, PATH
    and CACHE_PATH as the build gets them. Pelican's defaults are left out:
    they change only with Pelican, which code_digest covers.
    (test_pelican_compat checks this against Pelican's own read_settings.)"""
    path = os.path.abspath(request.settings_file)
    spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
    module = importlib.util.module_from_spec(spec)
    try:
        with environment(request.env):  # publishconf.py reads SITEURL from it
            spec.loader.exec_module(module)
    except Exception as error:  # noqa: BLE001 - whatever a settings file raises
        raise SettingsFileError(_settings_problem(path, error)) from None
    settings = {**{name: value for name, value in vars(module).items() if name.isupper()}, **request.settings}
    folder = os.path.dirname(path)
    for key in RELATIVE_TO_SETTINGS_FILE:
        if isinstance(settings.get(key), str):
            resolved = os.path.normpath(os.path.join(folder, settings[key]))
            if key != "THEME" or os.path.exists(resolved):  # THEME may name one of Pelican's themes
                settings[key] = resolved
    settings["PLUGIN_PATHS"] = [os.path.normpath(os.path.join(folder, plugins))
                                for plugins in settings.get("PLUGIN_PATHS", [])]
    settings["PATH"] = os.path.abspath(request.content)
    settings["CACHE_PATH"] = os.path.abspath(request.cache or settings.get("CACHE_PATH", DEFAULT_CACHE_PATH))
    return settings


def _settings_problem(path: str, error: Exception) -> str:
    """"<file>, line <n>: <what is wrong>", in the settings file or one beside it
    that it imports (publishconf.py imports pelicanconf.py)."""
    if isinstance(error, SyntaxError):
        where, line, message = error.filename or path, error.lineno, error.msg
    else:
        ours = [frame for frame in traceback.extract_tb(error.__traceback__)
                if os.path.dirname(frame.filename) == os.path.dirname(path)]
        where, line = (ours[-1].filename, ours[-1].lineno) if ours else (path, None)
        message = f"{type(error).__name__}: {error}"
    return f"{os.path.relpath(where)}{f', line {line}' if line else ''}: {message}"


@contextlib.contextmanager
def environment(added: Mapping):
    """os.environ with `added`, the keys it changed put back afterwards."""
    saved = {key: os.environ.get(key) for key in added}
    os.environ.update(added)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _config_modules(settings_file: str) -> list[str]:
    """The Python files beside the settings file, which it may import (publishconf imports pelicanconf)."""
    folder = os.path.dirname(os.path.abspath(settings_file))
    return [os.path.join(folder, name) for name in sorted(os.listdir(folder)) if name.endswith("conf.py")]


def _read(path: str, kind: type = str):
    """The text of a file, or with `kind` (dict, list) the value its JSON holds; None
    if it is missing, unreadable or holds anything else."""
    try:
        with open(path, encoding="utf-8") as source:
            value = source.read() if kind is str else json.load(source)
    except (OSError, ValueError):
        return None
    return value if isinstance(value, kind) else None


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pathlib.Path(path).write_text(text, encoding="utf-8")


def _remove(path: str) -> None:
    pathlib.Path(path).unlink(missing_ok=True)


def _replace(new: str, target: str) -> None:
    """Put `new` in place of `target`; the old tree is removed only afterwards.

    Where the system can (Linux), the two are exchanged in one step, so
    `target` is never missing for a web server serving it; elsewhere the old
    tree is renamed away first, and for a moment there is no `target`.
    """
    os.chmod(new, 0o755)  # mkdtemp makes it private; a web server must read it
    target = os.path.realpath(target)  # a link to the site stays, leading to the new tree
    if not os.path.lexists(target):
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # `new` is now the old tree
        return
    retired = tempfile.mkdtemp(prefix=f".{os.path.basename(target)}-old-", dir=os.path.dirname(target))
    os.rmdir(retired)
    os.rename(target, retired)
    os.rename(new, target)
    shutil.rmtree(retired, ignore_errors=True)


AT_FDCWD = -100
RENAME_EXCHANGE = 2
# What renameat2 answers where the kernel or the file system cannot exchange.
NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV}


def _exchange(first: str, second: str) -> bool:
    """Swap two paths atomically (renameat2 with RENAME_EXCHANGE, glibc 2.28 or
    later); False where that is not available, and nothing was changed."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in NO_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), first, None, second)


def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function
