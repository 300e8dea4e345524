"""The steps of a build that come after Pelican's own, as named signals.

Pelican's `finalized` says that one site's run is over; with i18n_subsites a
build is several sites, and with PARALLEL_BUILD a subsite is written by a
forked copy of the build process (build_cache/processes.py). These say what
is done across the sites, so that no plugin depends on the order of PLUGINS
or on which process wrote which site:

- `sites_read(sites)`: every language's site has made its content objects
  (each only its own language's: own_language, which sends this once per
  build, before any writer is made); `sites` is {lang: that site's articles
  and pages generators}. Receivers: own_language (each piece's
  translations), tag_names (each tag's spelling across the languages),
  build_cache (a rebuild writes the changed pieces' pages first).
- `site_written(pelican_obj)`: one language's site is complete in its
  OUTPUT_PATH (pages, feeds, calendars). Sent by build_cache in the process
  that wrote it, once per language. Receivers: images (the main site's images),
  search_index (each language's index).
- `sites_written(pelican_obj)`: every language's site is complete. Sent once
  by build_cache, in the build process, with the main site. Receivers:
  host_files (sitemap, robots.txt, _headers), editor (admin/).

A receiver that raises fails the build, naming the language.

What a build has to tell whoever started it goes through its report, the
file REPORT_FILE names (site_build sets it), as JSON lines, so that
site_build never has to pick it out of Pelican's log:

- `stop_build(settings, problems)`: problems a writer must fix (content,
  catalogs, settings) stop the build, one line each;
- `say(settings, line)`: a line for the writer on success ("Web editor: …");
- every warning and error logged in any process of the build (which fail
  the strict build) is reported as a problem too, as its message alone:
  no traceback reaches a writer (`pelican --verbose` shows them).

Without REPORT_FILE (Pelican run directly), problems are raised and lines
printed, as Pelican would show them.
"""

import contextlib
import json
import logging
import os

from blinker import signal

# Pelican is imported only where a build uses it: site_build reads the report
# before it decides to start Pelican, and must not pay for importing it.

sites_read = signal("iec.sites_read")
site_written = signal("iec.site_written")
sites_written = signal("iec.sites_written")

# What Pelican logs when --fatal turns a warning into an error: the warning itself is reported.
FATAL_MARK = "RuntimeError: Warning or error encountered"


def _report(settings, kind: str, lines) -> bool:
    """Add `lines` to the build's report as `kind`; False when there is none."""
    path = settings.get("REPORT_FILE")
    if not path:
        return False
    # One write per line with O_APPEND: the forked copies writing subsites report into the same file.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        for line in lines:
            os.write(fd, (json.dumps({kind: str(line)}, ensure_ascii=False) + "\n").encode("utf-8"))
    finally:
        os.close(fd)
    return True


def read_report(path: str) -> dict[str, list[str]]:
    """{"problem": [...], "note": [...]} from the report at `path`; a line cut short is left out."""
    found = {"problem": [], "note": []}
    try:
        with open(path, encoding="utf-8") as report:
            lines = report.read().splitlines()
    except (OSError, ValueError):
        return found
    for line in lines:
        with contextlib.suppress(ValueError, AttributeError):
            for kind, text in json.loads(line).items():
                found.setdefault(kind, []).append(text)
    return found


def stop_build(settings, problems: list[str]):
    """Stop the build with `problems` (one line each)."""
    _report(settings, "problem", problems)
    raise SystemExit("\n".join(problems))


def say(settings, line: str) -> None:
    """One line for whoever started the build (never a warning: builds are strict)."""
    if not _report(settings, "note", [line]):
        from pelican.log import console

        console.print(line, markup=False, highlight=False, soft_wrap=True)


class ReportedLog(logging.Handler):
    """Reports the message of every warning and error logged, without its traceback."""

    def __init__(self, settings):
        super().__init__(logging.WARNING)
        self.settings = settings

    def emit(self, record) -> None:
        try:
            message = record.getMessage()
            if message != FATAL_MARK:
                _report(self.settings, "problem", [message])
        except Exception:  # noqa: BLE001 - a handler must not raise into the code that logged
            self.handleError(record)


def report_log(pelican_obj) -> None:
    """The build's warnings and errors go to its own report: a process that builds
    again (the live preview, a test) must not report into an earlier build's."""
    root = logging.getLogger()
    for handler in [handler for handler in root.handlers if isinstance(handler, ReportedLog)]:
        root.removeHandler(handler)
    if pelican_obj.settings.get("REPORT_FILE"):
        root.addHandler(ReportedLog(pelican_obj.settings))


def register():
    from pelican import signals

    signals.initialized.connect(report_log)


__all__ = ["read_report", "say", "site_written", "sites_read", "sites_written", "stop_build"]
