"""Every cache a build keeps in memory, in one registry (a package of its own,
so that any plugin can use it without importing build_cache).

A process that builds again (the live preview: every save) keeps these
between builds. Each is keyed by what its values were made from, compared
by content (fingerprints.file_digest of the bytes, or the values
themselves), never by a modification time. `forget()` empties them all, as
a new process would start; `forget(name)` one of them.
"""

import functools

# Name → a dictionary, or a function remembering its results (remembered).
CACHES: dict = {}


def in_memory(name: str) -> dict:
    """The registered cache `name` (made empty on first use)."""
    return CACHES.setdefault(name, {})


def remembered(name: str, size: int = 65536):
    """Decorator: remember the results of a pure function of its (hashable)
    arguments, the `size` most recent ones, as the registered cache `name`."""
    def decorate(function):
        cached = CACHES[name] = functools.lru_cache(maxsize=size)(function)
        return cached
    return decorate


def forget(*names: str) -> None:
    for name in names or list(CACHES):
        cache = CACHES.get(name)
        if cache is not None:
            (cache.cache_clear if hasattr(cache, "cache_clear") else cache.clear)()
