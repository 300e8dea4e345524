"""Do each piece of build work once, and again only when its inputs change.

- Reading: one reader cache per process for every language, and the
  previous run's content objects in a process that builds again (readers.py).
- Writing: a page whose digest did not change is linked from the previous
  build (PREVIOUS_OUTPUT_PATH, named by site_build; `invoke serve` builds
  in place) instead of rendered (writer.py). A rebuild in one process (the
  live preview) first writes the pages of the files it read again, then
  every site as usual.
- Processes: new files are parsed by workers and each subsite is written
  by a forked copy of the build (processes.py says how each starts and ends).

"Changed" always means other bytes (fingerprints), never another
modification time, which a checkout, a copy or an editor may keep or put back.
"""

import gc
import logging
import os

from pelican import signals
from pelican_compat import (linear_lists, list_files_once, remember_content_in_registry, remember_source_paths,
                            remember_urls, settle_urls)
from pipeline import site_written, sites_read, sites_written
from site_caches import in_memory
from site_rules import is_subsite

from .fingerprints import new_build
from .processes import FORKS, WrittenElsewhere, can_fork
from .readers import REMADE, keep_content_objects, share_reader_cache, stamp_by_content, take_over_loading
from .writer import LIVE, ReusingWriter, write_changed_first

logger = logging.getLogger(f"pelican.plugins.{__name__}")


def configure(pelican_obj) -> None:
    """This plugin's settings: site_build names the previous build's output,
    and whether it is as that build left it."""
    settings = pelican_obj.settings
    settings.setdefault("PREVIOUS_OUTPUT_PATH", None)
    settings.setdefault("PREVIOUS_OUTPUT_INTACT", True)
    take_over_loading(settings)


def start_build(pelican_obj) -> None:
    """Each build of the main site (every save in `invoke serve`) reads every
    source file's bytes afresh; its subsites are part of the same build."""
    if not is_subsite(pelican_obj.settings):
        new_build()
        # A build makes objects and keeps almost all of them to its end, so
        # the cycle collector only rescans a heap that keeps growing: without
        # it the cold build at 1,000 updates takes 0.45 CPU s less, with the
        # same peak memory, and a save in the live preview 0.3 s less. On
        # again once the main site is written (finish_site); off still, the
        # build before this one in the process failed: collect what it left.
        if not gc.isenabled():
            gc.collect()
        gc.disable()


# pipeline.sites_read's `sites`, from then until the first writer is made.
_READ = in_memory("sites read")


def remember_sites(sites) -> None:
    _READ["sites"] = sites


def get_writer(pelican_obj):
    """A subsite is written by a forked copy (processes.py); this process then writes nothing for it.
    Before the first site's writer, a rebuild writes the pages of the files it read again."""
    settings = pelican_obj.settings
    settle_urls()  # every language's content is read and linked before the first writer is made
    if "sites" in _READ:
        write_changed_first(_READ.pop("sites"), set(REMADE))
    if is_subsite(settings) and can_fork(settings) and not FORKS.fork_copy(settings["DEFAULT_LANG"]):
        return WrittenElsewhere
    return ReusingWriter


def finish_site(pelican_obj) -> None:
    """After a site is written: keep its page records, announce it (site_written)
    in the process that wrote it, and, after the main site, wait for every
    copy and announce the whole build (sites_written)."""
    settings = pelican_obj.settings
    writer = LIVE.pop(os.path.abspath(pelican_obj.output_path), None)
    if writer is not None:
        writer.remove_left_behind()
        writer.save_records()
    lang = settings["DEFAULT_LANG"]
    if FORKS.writes_elsewhere(lang):
        return
    if FORKS.copy_of == lang:
        try:
            site_written.send(pelican_obj)
        except Exception as problem:  # noqa: BLE001 - the parent reports this copy as failed
            logger.error("%s", problem)
            FORKS.end_copy(1)
        FORKS.end_copy(0)
    site_written.send(pelican_obj)
    if not is_subsite(settings):
        FORKS.wait_all()
        sites_written.send(pelican_obj)
        gc.enable()
        if settings.get("KEEP_CONTENT_OBJECTS"):
            # The process builds again on the next save (the live preview):
            # collect now, while it waits, what the build left, rather than
            # whenever the collector's counts next run over, as often as not
            # in the next save's content check (0.5 to 1 s at 3,000 updates).
            gc.collect()


def register():
    remember_content_in_registry()
    remember_source_paths()
    remember_urls()
    list_files_once()
    linear_lists()
    signals.initialized.connect(configure)
    signals.get_generators.connect(start_build)
    signals.generator_init.connect(stamp_by_content)
    signals.generator_init.connect(share_reader_cache)
    signals.generator_init.connect(keep_content_objects)
    sites_read.connect(remember_sites)
    signals.get_writer.connect(get_writer)
    signals.finalized.connect(finish_site)
