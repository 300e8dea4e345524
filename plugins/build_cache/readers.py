"""One reader cache per process, shared by every language and every rebuild.

Pelican gives each generator of each language its own copy of the reader
cache, loaded from disk and saved back whole, even when nothing was parsed.
Here the first load is shared: subsites (and `invoke serve`'s rebuilds) use
the same dictionary, and it is saved only after a file was parsed again.
"""

import functools
import os

# Cache file path → the dictionary every Readers of this process shares.
SHARED = {}
CHANGED = set()


def share_reader_cache(generator) -> None:
    readers = getattr(generator, "readers", None)
    path = getattr(readers, "_cache_path", None)
    if path is None or not readers._cache_data_policy:
        return
    if path in SHARED:
        readers._cache = SHARED[path]
    else:
        SHARED[path] = readers._cache
    readers.cache_data = functools.partial(_cache_data, readers, readers.cache_data)
    readers.save_cache = functools.partial(_save_cache, readers, readers.save_cache)


def _cache_data(readers, cache_data, filename, data) -> None:
    cache_data(filename, data)
    CHANGED.add(readers._cache_path)


def _save_cache(readers, save_cache) -> None:
    if readers._cache_path in CHANGED:
        save_cache()
        CHANGED.discard(readers._cache_path)


def loaded_already(settings) -> bool:
    """True when this process holds the reader cache that `settings` would load."""
    return any(os.path.dirname(path) == os.path.abspath(settings["CACHE_PATH"]) for path in SHARED)
