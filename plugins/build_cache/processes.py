"""Every process a build forks, behind one object (FORKS), and their lifecycle.

With PARALLEL_BUILD a build uses every core in four ways:

0. Checking: content files without a saved result are checked by forked
   workers (FORKS.map, from content_contract).
1. Parsing: when a generator lists its files, those the reader cache lacks
   are parsed by forked workers (FORKS.map) into the cache, where Pelican
   then finds them; a file a worker cannot parse is left to Pelican, which
   reports it as it would have.
2. Images: new images are encoded in a forked, niced process (FORKS.start)
   while the content is checked and read; the main site's images wait for
   it (FORKS.wait_for).
3. Writing: i18n_subsites builds the languages one inside the other, and
   every language's content is read and linked before the first writer is
   made. When a subsite asks for its writer, FORKS.fork_copy forks a copy
   that writes that site, sends `site_written` for it (pipeline) and ends
   with its `finalized` (FORKS.end_copy: 0, or 1 after a failure it logged);
   the parent gets a writer that writes nothing and goes on to the next
   language, then writes the main site.

The main site waits for every process (FORKS.wait_all, which raises naming
each language that failed) before it sends `sites_written`. A build that
fails or exits before that stops every process still running
(FORKS.stop_all, registered with atexit); a forked process forgets its
parent's processes and exit handlers.
"""

import atexit
import concurrent.futures
import logging
import multiprocessing
import os
import signal
import sys

from pelican.utils import file_suffix
from pelican.writers import Writer
from pelican_compat import cached_parse, fork_safe_exit_handlers, reader_cache

# Under "pelican" so that `pelican --verbose` shows this plugin's progress too.
logger = logging.getLogger(f"pelican.plugins.{__name__}")

# Fewer new files than this are parsed in the build process: starting workers would cost more.
PARSE_AHEAD_MINIMUM = 100


def can_fork(settings) -> bool:
    return bool(settings.get("PARALLEL_BUILD")) and hasattr(os, "fork")


class Forks:
    """The processes of one build: forked copies writing a subsite, and helpers."""

    def __init__(self):
        self.running = {}  # label → process id
        self.copy_of = None  # in a forked copy: the language it writes
        atexit.register(self.stop_all)

    def _fork(self) -> int:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            fork_safe_exit_handlers()
            self.running = {}
        return pid

    def start(self, label: str, work) -> None:
        """Run `work()` in a forked process; its failure shows as a non-zero status in wait_for."""
        pid = self._fork()
        if pid == 0:
            status = 1
            try:
                work()
                status = 0
            finally:
                os._exit(status)
        self.running[label] = pid

    def wait_for(self, label: str) -> int | None:
        """Wait for the process started as `label`; its exit status, or None if there is none."""
        pid = self.running.pop(label, None)
        if pid is None:
            return None
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])

    def fork_copy(self, lang: str) -> bool:
        """Fork a copy of this process to write `lang`'s site; True in the copy."""
        pid = self._fork()
        if pid == 0:
            self.copy_of = lang
            return True
        self.running[f"site:{lang}"] = pid
        return False

    def writes_elsewhere(self, lang: str) -> bool:
        """Whether a forked copy writes `lang`'s site, and this process only goes through the motions."""
        return f"site:{lang}" in self.running

    def end_copy(self, status: int) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(status)

    def wait_all(self) -> None:
        """Wait for every process; raise naming the sites whose copy failed."""
        failed = []
        while self.running:
            label = next(iter(self.running))
            if self.wait_for(label) and label.startswith("site:"):
                failed.append(label.removeprefix("site:"))
        if failed:
            raise RuntimeError(f"writing the {', '.join(sorted(failed))} site failed (see the messages above)")

    def stop_all(self) -> None:
        while self.running:
            _, pid = self.running.popitem()
            try:
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass

    def map(self, work, chunks: list, workers: int) -> list:
        """[work(chunk) for chunk in chunks], in `workers` forked processes."""
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
            return list(pool.map(work, chunks))


FORKS = Forks()


class WrittenElsewhere(Writer):
    """The parent's writer for a site a forked copy writes: it writes nothing."""

    def write_file(self, *args, **kwargs) -> None:
        pass

    write_feed = write_generated = write_file


# The readers the parsing workers use (they inherit it when forked).
_READERS = None


def parse_ahead(generator, files) -> None:
    """Parse those of `files` (relative to the generator's path) the reader
    cache does not hold, in one forked worker per core, into the cache."""
    global _READERS
    readers = generator.readers
    if not can_fork(generator.settings) or reader_cache(readers)[1] is None:
        return
    paths = [os.path.abspath(os.path.join(generator.path, name)) for name in files]
    todo = [path for path in paths
            if file_suffix(path) in readers.readers and readers.get_cached_data(path, None) is None]
    workers = os.cpu_count() or 1
    if len(todo) < PARSE_AHEAD_MINIMUM or workers < 2:
        return
    _READERS = readers
    try:
        done = 0
        for parsed in FORKS.map(_parse, [todo[start::workers * 4] for start in range(workers * 4)], workers):
            for path, data in parsed:
                readers.cache_data(path, data)
            done += len(parsed)
    finally:
        _READERS = None
    logger.info("Parsed %d of %d new files in %d worker processes", done, len(todo), workers)


def _parse(paths) -> list:
    """What Pelican's read_file caches for each of `paths` (in a worker)."""
    parsed = []
    for path in paths:
        try:
            content, metadata = _READERS.readers[file_suffix(path)].read(path)
        except Exception:  # noqa: BLE001 - Pelican reads this file again and reports the problem
            continue
        parsed.append((path, (content, cached_parse(metadata))))
    return parsed
