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
a deleted or altered file makes it build every page again.

Writers read the failure, not a Python traceback: content problems arrive as
one line each from the content contract, and any other failure is reduced
to Pelican's own message. A build that succeeds says in one line what each
language published ("Built output/: en: 5 updates, …; fa: …"), instead of
Pelican's "Done: Processed …" lines (one per language, and one more per
language a forked copy wrote, with Pelican's own counts). With `--verbose`
(or `--debug`) in `extra_args`, Pelican's whole log is shown as it wrote it,
then that line.
"""

import contextlib
import ctypes
import datetime
import errno
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

try:
    import fcntl
except ImportError:  # not on Windows: builds are not locked there
    fcntl = None

# What only a web host can use: header rules.
HOST_ONLY = {"_headers"}


def pelican_environment() -> dict:
    """The environment Pelican runs in. Pelican collects content files in a
    set: with string hashing fixed, it reads them in the same order every
    run, so pieces of the same date are listed in the same order and
    unchanged pages come out byte for byte."""
    return {**os.environ, "PYTHONHASHSEED": "0"}


def build(settings_file: str, output: str, content: str = "content", *, extra_args=(), reuse: bool = True,
          summary: bool = True) -> int:
    """Build `content` with `settings_file` into `output`; return Pelican's exit status.

    With `reuse`, pages whose inputs did not change are taken from the
    previous build in `output` instead of rendered again, and when no input
    changed at all (see build_inputs) the build is skipped. Both only when
    `output` holds exactly what the last build wrote there. With `summary`,
    a build that succeeds prints what each language published (summary_line).
    """
    output = os.path.abspath(output)
    os.makedirs(os.path.dirname(output), exist_ok=True)
    with exclusive_build(output) as lock:
        remove_stale_folders(output)
        return _build(settings_file, output, content, extra_args, reuse, lock, summary)


VERBOSE_FLAGS = {"-v", "--verbose", "-D", "--debug"}


def _build(settings_file: str, output: str, content: str, extra_args, reuse: bool, lock, summary: bool) -> int:
    from build_cache.fingerprints import output_digests

    inputs = stamp = None
    settings = _settings(settings_file, content, extra_args)
    if reuse:
        inputs, stamp = build_inputs(settings, settings_file), _stamp_path(settings, output)
        present = os.path.isdir(output)
        differing = _differing_files(output, _read_manifest(_manifest_path(stamp))) if present else []
        if present and not differing and _read(stamp) == inputs:
            print(f"Nothing changed since the last build of {output}.")
            return 0
        # The pages' records are kept for the next build in any case; none of
        # the previous files is taken unless the folder is as recorded.
        extra_args = _with_setting(extra_args, "PREVIOUS_OUTPUT_PATH", output)
        if differing:
            extra_args = _with_setting(extra_args, "PREVIOUS_OUTPUT_INTACT", False)
        if differing and differing is not UNRECORDED:
            print(f"{_count(differing)} in {os.path.basename(output)}/ not as the last build wrote "
                  f"({', '.join(differing[:3])}{', …' if len(differing) > 3 else ''}): building every page again.")
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(output)}-building-", dir=os.path.dirname(output))
    verbose = bool(VERBOSE_FLAGS.intersection(extra_args))
    command = [
        sys.executable, "-m", "pelican", content,
        "--settings", settings_file,
        "--output", staging,
        "--fatal", "warnings",
        # Pelican's plain handler shows warnings and errors only, one line
        # each; its default one (rich) shows the progress --verbose asks for.
        *(() if verbose else ("--log-handler", "plain")),
        *extra_args,
    ]
    # Pelican's console wraps at 80 columns in a pipe: without --verbose only
    # its totals (which are left out) go there; with it, as wide as our terminal.
    columns = shutil.get_terminal_size((160, 24)).columns if verbose else 1000
    environment = {**pelican_environment(), "COLUMNS": str(columns)}
    # Pelican holds the lock too: if this process is killed, no other build
    # starts (nor removes the staging folder) while Pelican still writes.
    run = {"check": False, "capture_output": True, "text": True, "env": environment,
           "pass_fds": (lock,) if lock is not None else ()}
    try:
        if stamp:
            _remove(stamp)  # the output is about to change
        result = subprocess.run(command, **run)
        if result.returncode and "pickle" in result.stderr.lower():
            # An unreadable content cache (left by another Pelican version, or
            # cut short) costs only time: build again without reading it.
            result = subprocess.run([*command, "--ignore-cache"], **run)
        if result.returncode == 0:
            if stamp:
                manifest = _manifest_path(stamp)
                _write(f"{manifest}.partial", json.dumps(output_digests(staging), sort_keys=True))
            _replace(staging, output)
            if stamp:
                os.replace(f"{manifest}.partial", manifest)
                _write(stamp, inputs)
            log = result.stdout + result.stderr
            sys.stdout.write(log if verbose else without_pelican_totals(log))
            if summary:
                print(summary_line(settings, output))
        elif verbose:
            sys.stderr.write(result.stdout + result.stderr)
        else:
            sys.stderr.write("\n".join(failure_lines(result.stderr)) + "\n")
        return result.returncode
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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

    langs = [settings["DEFAULT_LANG"], *settings.get("I18N_SUBSITES", {})]
    sections = [*settings["ARTICLE_PATHS"], settings.get("PRISONERS_PATH", "prisoners"), *settings["PAGE_PATHS"]]
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


def _differing_files(output: str, recorded: dict | None) -> list[str]:
    """The files of `output` that are not what the last build wrote (missing,
    extra or other bytes), sorted; UNRECORDED without a record."""
    from build_cache.fingerprints import output_digests

    if recorded is None:
        return UNRECORDED
    found = output_digests(output)
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
    """Remove the staging and retired folders of builds of `output` that were
    killed. Only while holding its lock: then no build of it is under way."""
    parent, name = os.path.dirname(output), os.path.basename(output)
    # Exactly the names tempfile.mkdtemp gives them: `.site-old-building-…`, a
    # build of site-old/, is not a folder of site/'s.
    ours = re.compile(rf"\.{re.escape(name)}-(building|old)-[a-z0-9_]{{8}}")
    for entry in os.scandir(parent):
        if ours.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)


def preview_command(settings_file: str, output: str, content: str = "content", port: int = 8000,
                    extra_args=()) -> tuple[list[str], dict]:
    """Pelican's live preview (command and environment): serve `output` on
    `port` and rebuild it in place on every save, rendering only the pages
    whose inputs changed. The preview has no search index; the search page
    then shows its browse list."""
    output = os.path.abspath(output)
    for key, value in {"DELETE_OUTPUT_DIRECTORY": False, "PREVIOUS_OUTPUT_PATH": output,
                       "PARALLEL_BUILD": False, "KEEP_CONTENT_OBJECTS": True,
                       "SEARCH_INDEX": False}.items():
        extra_args = _with_setting(extra_args, key, value)
    command = [sys.executable, "-m", "pelican", content, "--settings", settings_file, "--output", output,
               "--autoreload", "--listen", "--port", str(port), *extra_args]
    return command, pelican_environment()


def build_inputs(settings, settings_file: str) -> str:
    """A digest of everything a build reads: settings (their values and the
    files that set them), content, theme, plugins, installed packages and the
    day it describes."""
    from build_cache.fingerprints import PLACE_SETTINGS, code_digest, digest, name_of, stable, tree_digest
    from local_dates import build_date

    values = {key: value for key, value in settings.items() if key not in PLACE_SETTINGS}
    return digest(stable(values, name_of), tree_digest(*_config_modules(settings_file)), tree_digest(settings["PATH"]),
                  code_digest(settings), build_date(settings).isoformat())


def _settings(settings_file: str, content: str, extra_args) -> dict:
    from pelican.settings import read_settings

    settings = read_settings(settings_file, override={"PATH": os.path.abspath(content),
                                                      **_extra_settings(extra_args)})
    cache = _argument(extra_args, "--cache-path")
    if cache:
        settings["CACHE_PATH"] = os.path.abspath(cache)
    return settings


def _config_modules(settings_file: str) -> list[str]:
    """The Python files beside the settings file, which it may import (publishconf imports pelicanconf)."""
    folder = os.path.dirname(os.path.abspath(settings_file))
    return [os.path.join(folder, name) for name in sorted(os.listdir(folder)) if name.endswith("conf.py")]


def _extra_settings(extra_args) -> dict:
    values, taking = {}, False
    for arg in extra_args:
        if arg.startswith("-"):
            taking = arg in ("-e", "--extra-settings")
        elif taking and "=" in arg:
            key, value = arg.split("=", 1)
            try:
                values[key] = json.loads(value)
            except ValueError:
                values[key] = value
    return values


def _with_setting(extra_args, key: str, value) -> list[str]:
    """`extra_args` with KEY=value added to its --extra-settings (Pelican reads only the last such flag)."""
    args, item = list(extra_args), f"{key}={json.dumps(value)}"
    for flag in ("--extra-settings", "-e"):
        if flag in args:
            args.insert(args.index(flag) + 1, item)
            return args
    return [*args, "--extra-settings", item]


def _stamp_path(settings, output: str) -> str:
    from build_cache.fingerprints import digest

    return os.path.join(settings["CACHE_PATH"], "builds", digest(output))


def _manifest_path(stamp: str) -> str:
    """Where the record of what the build wrote is kept: beside its stamp."""
    return f"{stamp}.files.json"


def _read_manifest(path: str) -> dict | None:
    text = _read(path)
    try:
        recorded = json.loads(text) if text is not None else None
    except ValueError:
        return None
    return recorded if isinstance(recorded, dict) else None


def _argument(args, flag: str):
    args = list(args)
    return args[args.index(flag) + 1] if flag in args[:-1] else None


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
        if line.strip() and line.strip() != FATAL_MARK and not line.startswith("During handling"):
            kept.append(line.rstrip())
    return kept or ["The build failed without a message; run Pelican with --debug for details."]


def _replace(new: str, target: str) -> None:
    """Put `new` in place of `target`; the old tree is removed only afterwards.

    Where the system can (Linux), the two are exchanged in one step, so
    `target` is never missing for a web server serving it; elsewhere the old
    tree is renamed away first, and for a moment there is no `target`.
    """
    os.chmod(new, 0o755)  # mkdtemp makes it private; a web server must read it
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


def public_address(settings_file: str) -> str | None:
    """The public site's address, as `invoke publish` builds it: publishconf.py
    beside `settings_file` reads SITEURL from the environment, and has a
    default of its own. Without a publishconf.py, SITEURL or None."""
    import runpy

    publishconf = os.path.join(os.path.dirname(os.path.abspath(settings_file)), "publishconf.py")
    if os.path.isfile(publishconf):
        return runpy.run_path(publishconf).get("SITEURL") or None
    return os.environ.get("SITEURL", "").rstrip("/") or None


def bundle(settings_file: str, directory: str, content: str = "content", *,
           day: datetime.date | None = None) -> tuple[int, str]:
    """Build the site and zip it as <directory>/iec-site-<date>.zip for offline reading.

    The preview build links every page relatively and by file name, so the
    unzipped folder works from a USB stick or a phone's file manager. What
    must be absolute (share links, link previews, feeds, calendars, the
    sitemap) names the public site (public_address), never the preview's
    localhost: a link shared from the copy leads to the site, and its feeds
    are the site's own. Returns (status, path of the zip).
    """
    name = f"iec-site-{(day or datetime.date.today()).isoformat()}"
    target = os.path.join(directory, f"{name}.zip")
    with tempfile.TemporaryDirectory() as work:
        site = os.path.join(work, name)
        # No search index: browsers do not fetch it from files.
        extra_args = _with_setting([], "SEARCH_INDEX", False)
        public = public_address(settings_file)
        if public:
            extra_args = _with_setting(extra_args, "SITEURL", public)
        status = build(settings_file, site, content, extra_args=extra_args, reuse=False)
        if status:
            return status, target
        partial = os.path.join(work, f"{name}.zip")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
            for folder, _, files in sorted(os.walk(site)):
                for file_name in sorted(files):
                    if file_name in HOST_ONLY:
                        continue
                    path = os.path.join(folder, file_name)
                    archive.write(path, os.path.join(name, os.path.relpath(path, site)))
        os.makedirs(directory, exist_ok=True)
        shutil.move(partial, target)
    return 0, target


def build_digests(settings_file: str, directory: str, langs, *, since=None, until=None,
                  content: str = "content", main_lang: str = "en") -> tuple[int, list[str]]:
    """Write <directory>/<until>/<lang>.html and .txt, the email digest of each language.

    `since` defaults to the day after the newest digest in `directory`, or a
    week before `until`; `until` defaults to today. Returns (status, files).
    """
    until = until or datetime.date.today()
    if since is None:
        earlier = [datetime.date.fromisoformat(name) for name in _listdir(directory)
                   if _is_day(name) and datetime.date.fromisoformat(name) < until]
        since = max(earlier) + datetime.timedelta(days=1) if earlier else until - datetime.timedelta(days=6)
    overrides = [f'DIGEST_SINCE="{since.isoformat()}"', f'DIGEST_UNTIL="{until.isoformat()}"',
                 f'BUILD_DATE="{until.isoformat()}"', "SEARCH_INDEX=false"]
    written = []
    with tempfile.TemporaryDirectory() as work:
        site = os.path.join(work, "site")
        status = build(settings_file, site, content, extra_args=["--extra-settings", *overrides], reuse=False,
                       summary=False)
        if status:
            return status, written
        target = os.path.join(directory, until.isoformat())
        os.makedirs(target, exist_ok=True)
        for lang in langs:
            source = site if lang == main_lang else os.path.join(site, lang)
            for extension in ("html", "txt"):
                path = os.path.join(target, f"{lang}.{extension}")
                shutil.copyfile(os.path.join(source, f"digest.{extension}"), path)
                written.append(path)
    return 0, written


def _listdir(directory: str) -> list[str]:
    return os.listdir(directory) if os.path.isdir(directory) else []


def _is_day(name: str) -> bool:
    try:
        datetime.date.fromisoformat(name)
        return True
    except ValueError:
        return False
