"""Every cache a build keeps in memory, in one registry.

A process that builds again (the live preview: every save) keeps these
between builds. Each is keyed by what its values were made from, compared
by content (fingerprints.file_digest of the bytes, or the values
themselves), never by a modification time. `forget()` empties them all, as
a new process would start; `forget(name)` one of them.
"""

CACHES: dict[str, dict] = {}


def in_memory(name: str) -> dict:
    """The registered cache `name` (made empty on first use)."""
    return CACHES.setdefault(name, {})


def forget(*names: str) -> None:
    for name in names or list(CACHES):
        CACHES.get(name, {}).clear()
