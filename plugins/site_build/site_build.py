"""Run a strict Pelican build that replaces the output folder only on success.

Pelican writes straight into OUTPUT_PATH, so a failed build would leave a
half-written site behind. Here Pelican writes into a fresh folder beside
the target, and that folder takes the target's place only when Pelican
exited cleanly; otherwise the previous site stays as it was.

Writers read the failure, not a Python traceback: content problems arrive as
one line each from the content contract, and any other failure is reduced
to Pelican's own message.
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

# What only a web host can use: header rules.
HOST_ONLY = {"_headers"}


def pelican_environment() -> dict:
    """The environment Pelican runs in. Pelican collects content files in a
    set: with string hashing fixed, it reads them in the same order every
    run, so pieces of the same date are listed in the same order and
    unchanged pages come out byte for byte."""
    return {**os.environ, "PYTHONHASHSEED": "0"}


def build(settings_file: str, output: str, content: str = "content", *, extra_args=(), reuse: bool = True) -> int:
    """Build `content` with `settings_file` into `output`; return Pelican's exit status.

    With `reuse`, pages whose inputs did not change are taken from the
    previous build in `output` instead of rendered again, and when no input
    changed at all (see build_inputs) the build is skipped.
    """
    output = os.path.abspath(output)
    parent = os.path.dirname(output)
    os.makedirs(parent, exist_ok=True)
    inputs = stamp = None
    settings = _settings(settings_file, content, extra_args)
    if reuse:
        inputs, stamp = build_inputs(settings, settings_file), _stamp_path(settings, output)
        if os.path.isdir(output) and _read(stamp) == inputs:
            print(f"Nothing changed since the last build of {output}.")
            return 0
        extra_args = _with_setting(extra_args, "PREVIOUS_OUTPUT_PATH", output)
    staging = tempfile.mkdtemp(prefix=f".{os.path.basename(output)}-building-", dir=parent)
    command = [
        sys.executable, "-m", "pelican", content,
        "--settings", settings_file,
        "--output", staging,
        "--fatal", "warnings",
        "--log-handler", "plain",
        *extra_args,
    ]
    try:
        if stamp:
            _remove(stamp)  # the output is about to change
        result = subprocess.run(command, check=False, capture_output=True, text=True, env=pelican_environment())
        if result.returncode and "pickle" in result.stderr.lower():
            # An unreadable content cache (left by another Pelican version, or
            # cut short) costs only time: build again without reading it.
            result = subprocess.run([*command, "--ignore-cache"], check=False, capture_output=True, text=True,
                                    env=pelican_environment())
        if result.returncode == 0:
            _replace(staging, output)
            if stamp:
                _write(stamp, inputs)
            sys.stdout.write(result.stdout + result.stderr)
        else:
            sys.stderr.write("\n".join(failure_lines(result.stderr)) + "\n")
        return result.returncode
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
    """Put `new` in place of `target`; the old tree is removed only afterwards."""
    os.chmod(new, 0o755)  # mkdtemp makes it private; a web server must read it
    if not os.path.exists(target):
        os.rename(new, target)
        return
    retired = tempfile.mkdtemp(prefix=f".{os.path.basename(target)}-old-", dir=os.path.dirname(target))
    os.rmdir(retired)
    os.rename(target, retired)
    os.rename(new, target)
    shutil.rmtree(retired, ignore_errors=True)


def bundle(settings_file: str, directory: str, content: str = "content", *,
           day: datetime.date | None = None) -> tuple[int, str]:
    """Build the site and zip it as <directory>/iec-site-<date>.zip for offline reading.

    The preview build links every page relatively and by file name, so the
    unzipped folder works from a USB stick or a phone's file manager.
    Returns (status, path of the zip).
    """
    name = f"iec-site-{(day or datetime.date.today()).isoformat()}"
    target = os.path.join(directory, f"{name}.zip")
    with tempfile.TemporaryDirectory() as work:
        site = os.path.join(work, name)
        # No search index: browsers do not fetch it from files.
        status = build(settings_file, site, content, extra_args=_with_setting([], "SEARCH_INDEX", False), reuse=False)
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
        status = build(settings_file, site, content, extra_args=["--extra-settings", *overrides], reuse=False)
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
