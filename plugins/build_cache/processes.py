"""Write each subsite in a process of its own, beside the main site's.

i18n_subsites builds the languages one inside the other: each site reads
its content, then runs the next language's site whole, then writes its own
pages. Once the last subsite has read its content every language's context
is complete (i18n_subsites links the translations at that moment), so from
there each subsite's pages can be written by a forked copy of the process
while the parent goes on to the next language and finally writes the main
site. The main site waits for every copy before it finishes (the sitemap
reads all languages' pages), and fails when one of them failed.

Forked copies of a process that has read everything share its memory until
they change it; on a two-core machine writing 3 languages takes about as
long as writing the largest two.
"""

import atexit
import logging
import os
import sys

from pelican.writers import Writer

logger = logging.getLogger(__name__)

# Set in a forked copy: the output folder of the one site it writes.
WRITING = None
# In the parent: (language, process id) of each copy writing a subsite.
COPIES = []


class WrittenElsewhere(Writer):
    """The parent's writer for a site a forked copy writes: it writes nothing."""

    def write_file(self, *args, **kwargs) -> None:
        pass

    def write_feed(self, *args, **kwargs) -> None:
        pass

    def write_generated(self, *args, **kwargs) -> None:
        pass


def is_subsite(settings) -> bool:
    return settings["DEFAULT_LANG"] in settings.get("I18N_SUBSITES", {})


def written_elsewhere(pelican_obj) -> bool:
    """Called when a site is about to write (Pelican's get_writer signal): fork
    a copy that writes this subsite and return True in the parent.

    A copy reaches this again only after its site was written, when the site
    that started it asks for its writer; there it exits.
    """
    global WRITING
    settings = pelican_obj.settings
    if WRITING is not None:
        _leave()
    if not (settings.get("PARALLEL_WRITING") and is_subsite(settings) and hasattr(os, "fork")):
        return False
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        # The parent's exit handlers (temporary folders it will remove) are not the copy's.
        atexit._clear()
        WRITING = settings["OUTPUT_PATH"]
        return False
    COPIES.append((settings["DEFAULT_LANG"], pid))
    return True


def _leave() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(0)


def wait_for_copies() -> None:
    """Wait for every forked copy; raise if one of them failed."""
    failed = []
    while COPIES:
        lang, pid = COPIES.pop()
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            failed.append(lang)
    if failed:
        raise RuntimeError(f"writing the {', '.join(sorted(failed))} site failed (see the messages above)")
