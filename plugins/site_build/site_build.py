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

Each build records what it wrote (relative path → digest of the bytes) in
the cache folder beside its stamp, and the next build checks the folder
against that record before it says "Nothing changed" or reuses any file:
a deleted or altered file makes it build every page again. The check reads
again only the files whose status changed since they were last read
(fingerprints.KnownDigests, kept in the cache folder).

Writers read the failure, not a Python traceback: content problems arrive as
one line each from the content contract, and any other failure is reduced
to Pelican's own message. A build that succeeds says in one line what each
language published ("Built output/: en: 5 updates, …; fa: …"), instead of
Pelican's "Done: Processed …" lines (one per language, and one more per
language, with Pelican's own counts). With `verbose`, Pelican's whole log
is shown as it wrote it, then that line.

Every build starts from a BuildRequest: tasks, tests and benchmarks alike.
"""

import contextlib
import ctypes
import dataclasses
import errno
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping

try:
    import fcntl
except ImportError:  # not on Windows: builds are not locked there
    fcntl = None


@dataclasses.dataclass(frozen=True)
class BuildRequest:
    """One build of the site, as every task, test and benchmark asks for it.

    `settings` override the settings file's values (Pelican's own and the
    plugins': {"SEARCH_INDEX": False}); `cache` is the cache folder (the
    settings file's CACHE_PATH by default); `env` adds to the environment the
    settings file is read in (publishconf.py reads SITEURL from it). With
    `reuse`, pages whose inputs did not change are taken from the previous
    build in `output` instead of rendered again, and when no input changed
    at all (see build_inputs) the build is skipped; both only when `output`
    holds exactly what the last build wrote there. With `summary`, a build
    that succeeds prints what each language published (summary_line); with
    `verbose`, Pelican's whole log as it wrote it.
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

    def read_settings(self) -> dict:
        """The settings this build runs with (the settings file's, then `settings`)."""
        return _settings(self)


def pelican_environment(request: BuildRequest | None = None) -> dict:
    """The environment Pelican runs in. Pelican collects content files in a
    set: with string hashing fixed, it reads them in the same order every
    run, so pieces of the same date are listed in the same order and
    unchanged pages come out byte for byte."""
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
    from build_cache.fingerprints import KnownDigests, known_digests_path, output_digests

    output, overrides = request.output, dict(request.settings)
    inputs = stamp = None
    settings = _settings(request)
    if request.reuse:
        stamp = _stamp_path(settings, output)
        # The digests of the sources and of the output as last read: a file is
        # read again only where its status changed.
        known_path = known_digests_path(settings["CACHE_PATH"], output)
        known = KnownDigests.load(known_path)
        inputs = build_inputs(settings, request.settings_file, known)
        present = os.path.isdir(output)
        differing = _differing_files(output, _read_json(_manifest_path(stamp), dict), known) if present else []
        if known.read:  # for the writers, which check the files they take from the last build
            known.save(known_path)
        if present and not differing and _read(stamp) == inputs:
            print(f"Nothing changed since the last build of {output}.")
            return 0
        # The pages' records are kept for the next build in any case; none of
        # the previous files is taken unless the folder is as recorded.
        overrides.update(PREVIOUS_OUTPUT_PATH=output, PREVIOUS_OUTPUT_INTACT=not differing)
        if differing and differing is not UNRECORDED:
            print(f"{_count(differing)} in {os.path.basename(output)}/ not as the last build wrote "
                  f"({', '.join(differing[:3])}{', …' if len(differing) > 3 else ''}): building every page again.")
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(output)}-building-", dir=os.path.dirname(output))
    # Beside the staging folder (which becomes the site), removed with it.
    problems_file = overrides["PROBLEMS_FILE"] = f"{staging}.problems.json"
    command = [
        *pelican_command(request, overrides), "--output", staging,
        "--fatal", "warnings",
        # Pelican's plain handler shows warnings and errors only, one line
        # each; its default one (rich) shows the progress --verbose asks for.
        *(("--verbose",) if request.verbose else ("--log-handler", "plain")),
    ]
    # Pelican's console wraps at 80 columns in a pipe: without --verbose only
    # its totals (which are left out) go there; with it, as wide as our terminal.
    columns = shutil.get_terminal_size((160, 24)).columns if request.verbose else 1000
    environment = {**pelican_environment(request), "COLUMNS": str(columns)}
    # Pelican holds the lock too: if this process is killed, no other build
    # starts (nor removes the staging folder) while Pelican still writes.
    run = {"check": False, "capture_output": True, "text": True, "env": environment,
           "pass_fds": (lock,) if lock is not None else ()}
    try:
        if stamp:
            _remove(stamp)  # the output is about to change
        result = subprocess.run(command, **run)
        if result.returncode == 0:
            if stamp:
                manifest = _manifest_path(stamp)
                _write(f"{manifest}.partial", json.dumps(output_digests(staging, known, site=output), sort_keys=True))
            _replace(staging, output)
            if stamp:
                os.replace(f"{manifest}.partial", manifest)
                known.save(known_path)
                _write(stamp, inputs)
            log = result.stdout + result.stderr
            sys.stdout.write(log if request.verbose else without_pelican_totals(log))
            if request.summary:
                print(summary_line(settings, output))
        elif request.verbose:
            sys.stderr.write(result.stdout + result.stderr)
        else:
            sys.stderr.write("\n".join(map(str, _read_json(problems_file, list) or failure_lines(result.stderr))) + "\n")
        return result.returncode
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        _remove(problems_file)


def pelican_command(request: BuildRequest, settings: Mapping) -> list[str]:
    """Pelican's command line for `request`'s content, settings file and cache, with `settings` on top."""
    command = [sys.executable, "-m", "pelican", os.path.abspath(request.content), "--settings", request.settings_file]
    if request.cache:
        command += ["--cache-path", os.path.abspath(request.cache)]
    if settings:
        # One flag for all: Pelican keeps only the last one's values.
        command += ["--extra-settings", *(f"{key}={json.dumps(value, ensure_ascii=False)}"
                                          for key, value in settings.items())]
    return command


PELICAN_TOTALS = "Done: Processed "


def without_pelican_totals(log: str) -> str:
    """`log` without Pelican's "Done: Processed … in 0.52 seconds." lines
    (a message its console may have wrapped over a few lines)."""
    kept, left = [], 0
    for line in log.splitlines(keepends=True):
        if line.startswith(PELICAN_TOTALS):
            left = 3  # lines the message may still take
        if left:
            left = 0 if line.rstrip().endswith(" seconds.") else left - 1
            continue
        kept.append(line)
    return "".join(kept)


def summary_line(settings, output: str) -> str:
    """What each language published, by section, as one line:
    "Built output/: en: 5 updates, 5 events, 3 prisoners, 4 pages; fa: …".
    Drafts are published in no language and are not counted."""
    from translation_status.translation_status import content_versions, is_draft

    from site_rules import languages, sections as site_sections

    langs, sections = languages(settings), site_sections(settings)
    counts = {lang: dict.fromkeys(sections, 0) for lang in langs}
    for piece, versions in content_versions(settings).items():
        section = piece.split("/", 1)[0]
        for lang, path in versions.items():
            if lang in counts and section in counts[lang] and not is_draft(path):
                counts[lang][section] += 1
    return f"Built {os.path.basename(output)}/: " + "; ".join(
        f"{lang}: " + ", ".join(_pieces(number, section) for section, number in numbers.items())
        for lang, numbers in counts.items())


def _pieces(number: int, section: str) -> str:
    return f"{number} {section[:-1] if number == 1 and section.endswith('s') else section}"


# _differing_files when no record says what the folder should hold.
UNRECORDED = ["(no record of the last build)"]


def _differing_files(output: str, recorded: dict | None, known=None) -> list[str]:
    """The files of `output` that are not what the last build wrote (missing,
    extra or other bytes), sorted; UNRECORDED without a record. `known`:
    fingerprints.KnownDigests of the files as last read."""
    from build_cache.fingerprints import output_digests

    if recorded is None:
        return UNRECORDED
    found = output_digests(output, known)
    return sorted(name for name in set(found) | set(recorded) if found.get(name) != recorded.get(name))


def _count(names) -> str:
    return "1 file" if len(names) == 1 else f"{len(names)} files"


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
        elif entry.name.endswith(".problems.json") and ours.fullmatch(entry.name.removesuffix(".problems.json")):
            _remove(entry.path)


def preview_command(request: BuildRequest, port: int = 8000) -> tuple[list[str], dict]:
    """Pelican's live preview (command and environment): serve `request.output`
    on `port` and rebuild it in place on every save, rendering only the pages
    whose inputs changed. The preview has no search index; the search page
    then shows its browse list."""
    output = os.path.abspath(request.output)
    overrides = {**request.settings, "DELETE_OUTPUT_DIRECTORY": False, "PREVIOUS_OUTPUT_PATH": output,
                 "PARALLEL_BUILD": False, "KEEP_CONTENT_OBJECTS": True, "SEARCH_INDEX": False}
    command = [*pelican_command(request, overrides), "--output", output,
               "--autoreload", "--listen", "--port", str(port)]
    return command, pelican_environment(request)


def build_inputs(settings, settings_file: str, known=None) -> str:
    """A digest of everything a build reads: settings (their values and the
    files that set them), content, theme, plugins, installed packages and the
    day it describes. `known`: fingerprints.KnownDigests of the files as last read."""
    from build_cache.fingerprints import PLACE_SETTINGS, code_digest, digest, name_of, stable, tree_digest
    from local_dates import build_date

    values = {key: value for key, value in settings.items() if key not in PLACE_SETTINGS}
    return digest(stable(values, name_of), tree_digest(*_config_modules(settings_file), known=known),
                  tree_digest(settings["PATH"], known=known), code_digest(settings, known),
                  build_date(settings).isoformat())


def _settings(request: BuildRequest) -> dict:
    from pelican.settings import read_settings

    override = {**request.settings, "PATH": os.path.abspath(request.content)}
    if request.cache:
        override["CACHE_PATH"] = os.path.abspath(request.cache)
    with environment(request.env):
        return read_settings(request.settings_file, override=override)


@contextlib.contextmanager
def environment(env: Mapping):
    """os.environ with `env` added, while the settings file is read."""
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
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


def _stamp_path(settings, output: str) -> str:
    from build_cache.fingerprints import build_stamp_path

    return build_stamp_path(settings["CACHE_PATH"], output)


def _manifest_path(stamp: str) -> str:
    """Where the record of what the build wrote is kept: beside its stamp."""
    return f"{stamp}.files.json"


def _read_json(path: str, kind: type):
    """The `kind` (dict, list) a JSON file holds; None if it is missing or holds anything else."""
    try:
        value = json.loads(_read(path) or "null")
    except ValueError:
        return None
    return value if isinstance(value, kind) else None


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as source:
            return source.read()
    except (OSError, ValueError):
        return None


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as target:
        target.write(text)


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


FATAL_MARK = "RuntimeError: Warning or error encountered"
# The lines Python prints between chained tracebacks.
CHAINED = ("During handling of the above exception", "The above exception was the direct cause")


def failure_lines(log: str) -> list[str]:
    """What a failed build's log says, without tracebacks and Pelican's 'fatal' marker."""
    kept, in_traceback = [], False
    for line in log.splitlines():
        if line.startswith("Traceback (most recent call last):"):
            in_traceback = True
            continue
        if in_traceback:
            if line.startswith((" ", "\t", "^")) or not line.strip():
                continue
            in_traceback = False
            if line.strip() in kept:
                continue  # the exception repeats the message logged above it
        if line.strip() and line.strip() != FATAL_MARK and not line.startswith(CHAINED):
            kept.append(line.rstrip())
    return kept or ["The build failed without a message; run Pelican with --debug for details."]


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
