"""Do each piece of build work once, and again only when its inputs change.

- Reading: one reader cache per process for all languages, and in a
  process that builds again, the previous run's content objects (readers.py).
- Writing: a page is rendered only when its digest changed; otherwise the
  previous build's file is linked into the new output (writer.py). Builds
  through site_build name the previous output in PREVIOUS_OUTPUT_PATH;
  `invoke serve` builds in place.
- Both cores: new files are parsed by worker processes, and each subsite is
  written by a forked copy of the build process (processes.py).

"Changed" always means other bytes (fingerprints.source_digest, file_digest),
never another modification time: a checkout, a copy or an editor may keep
the time of a file it changes, or put it back.
"""

import datetime
import os

from local_dates import build_date
from pelican import signals
from pelican.contents import Content

from .fingerprints import new_build
from .processes import WrittenElsewhere, is_subsite, wait_for_copies, written_elsewhere
from .readers import keep_content_objects, loaded_already, share_reader_cache, stamp_by_content
from .writer import LIVE, ReusingWriter


def configure(pelican_obj) -> None:
    settings = pelican_obj.settings
    # Subsites get a copy of the main site's settings: this stays the main output.
    settings.setdefault("MAIN_OUTPUT_PATH", settings["OUTPUT_PATH"])
    settings.setdefault("PREVIOUS_OUTPUT_PATH", None)
    settings.setdefault("PREVIOUS_OUTPUT_INTACT", True)
    if loaded_already(settings):
        settings["LOAD_CONTENT_CACHE"] = False


def start_build(pelican_obj) -> None:
    """Each build of the main site (every save in `invoke serve`) reads every
    source file's bytes afresh; its subsites are part of the same build."""
    if not is_subsite(pelican_obj.settings):
        new_build()


def get_writer(pelican_obj):
    return WrittenElsewhere if written_elsewhere(pelican_obj) else ReusingWriter


def finish_site(pelican_obj) -> None:
    if not is_subsite(pelican_obj.settings):
        wait_for_copies()  # the sitemap lists every language's pages
    writer = LIVE.pop(os.path.abspath(pelican_obj.output_path), None)
    if writer is not None:
        writer.remove_left_behind()
        writer.save_records()
    # This process keeps the reader cache in memory from now on (for the
    # rebuilds of `invoke serve`); loading it from disk again would only cost.
    if loaded_already(pelican_obj.settings):
        pelican_obj.settings["LOAD_CONTENT_CACHE"] = False


def date_empty_feed(context, feed) -> None:
    """An empty feed (a prisoner no piece names yet) is dated by the build date,
    not the clock, so that building the same site twice gives the same bytes."""
    if not feed.items:
        day = build_date(context)
        moment = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
        feed.latest_post_date = lambda: moment


def remember_source_paths() -> None:
    """Pelican works out a piece's path relative to the content folder (two
    abspath and a relpath) on every URL it builds; the answer never changes."""
    original = Content.get_relative_source_path
    if getattr(original, "remembers", False):
        return
    known = {}

    def get_relative_source_path(self, source_path=None):
        key = (self.settings["PATH"], source_path or self.source_path)
        if key not in known:
            known[key] = original(self, source_path)
        return known[key]

    get_relative_source_path.remembers = True
    Content.get_relative_source_path = get_relative_source_path


def register():
    remember_source_paths()
    signals.initialized.connect(configure)
    signals.get_generators.connect(start_build)
    signals.generator_init.connect(stamp_by_content)
    signals.generator_init.connect(share_reader_cache)
    signals.generator_init.connect(keep_content_objects)
    signals.get_writer.connect(get_writer)
    signals.finalized.connect(finish_site)
    signals.feed_generated.connect(date_empty_feed)
