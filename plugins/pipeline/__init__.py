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
  translations), tag_names (each tag's spelling across the languages).
- `site_written(pelican_obj)`: one language's site is complete in its
  OUTPUT_PATH (pages, feeds, calendars). Sent by build_cache in the process
  that wrote it, once per language. Receivers: images (the main site's images),
  search_index (each language's index).
- `sites_written(pelican_obj)`: every language's site is complete. Sent once
  by build_cache, in the build process, with the main site. Receivers:
  host_files (sitemap, robots.txt, _headers), editor (admin/).

A receiver that raises fails the build, naming the language.

Problems a writer must fix (content, catalogs, settings) stop the build
through `stop_build`: one line each, and, for site_build, as a list in the
file PROBLEMS_FILE names, so that it never has to pick them out of a log.
"""

import json

from blinker import signal

sites_read = signal("iec.sites_read")
site_written = signal("iec.site_written")
sites_written = signal("iec.sites_written")

def stop_build(settings, problems: list[str]):
    """Stop the build with `problems` (one line each)."""
    if settings.get("PROBLEMS_FILE"):
        with open(settings["PROBLEMS_FILE"], "w", encoding="utf-8") as report:
            json.dump(problems, report, ensure_ascii=False)
    raise SystemExit("\n".join(problems))


__all__ = ["site_written", "sites_read", "sites_written", "stop_build"]
