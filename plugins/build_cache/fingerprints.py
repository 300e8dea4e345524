"""Digests of what one language's site, or one page of it, depends on: its
settings and the Pelican objects it shows (file_digests has the rest).

A digest is equal between two builds exactly when its inputs are equal, so
it must never include a memory address, a temporary path or anything that
changes from run to run without changing the output.
"""

import file_digests
from file_digests import digest, source_digest
from pelican.contents import Content, Static
from pelican.urlwrappers import URLWrapper
from pelican_compat import unsettle_urls
from site_caches import forget, in_memory


def stable(value, ref) -> str:
    """file_digests.stable with Pelican's objects: a piece as `ref(piece)`, a
    tag, category or author by its name (the slug follows from the name)."""
    def write(obj):
        return ref(obj) if isinstance(obj, Content) else f"<{type(obj).__name__} {obj.name!r}>"

    return file_digests.stable(value, (PELICAN_OBJECTS, write))


PELICAN_OBJECTS = (Content, URLWrapper)


def name_of(content: Content) -> str:
    return f"<{type(content).__name__} {content.source_path} {getattr(content, 'lang', '')}>"


def body_digest(content: Content) -> str:
    body = getattr(content, "_content", None)
    if isinstance(content, Static) or body is None:
        try:
            return source_digest(content.source_path)
        except (OSError, TypeError):
            return ""
    return digest(body)


def new_build() -> None:
    """Forget what the previous build in this process worked out: file
    lists, source and metadata digests, the files it read again, settled
    URLs, and its objects' HTML (no later build reuses an object)."""
    forget("file lists", "source digests", "remade pieces", "metadata digests", "content html", "summary html")
    unsettle_urls()


def site_digest(context: dict, *inputs: str) -> str:
    """What every page of one language's site may show: its settings and the
    metadata of every piece reachable from its context, and the body only of
    a piece without a `summary` (lists show one cut from the body)."""
    queue, names = [], {}

    def ref(content):
        name = names.get(id(content))
        if name is None:
            name = names[id(content)] = name_of(content)
            queue.append(content)
        return name

    parts = [stable(context, ref)]
    pieces = []
    while queue:
        content = queue.pop()
        fields = [name_of(content), getattr(content, "status", ""), repr(getattr(content, "in_default_lang", None)),
                  metadata_digest(content.metadata, ref),
                  stable(getattr(content, "translations", []), ref),
                  stable({key: getattr(content, key) for key in ("override_url", "override_save_as")
                          if hasattr(content, key)}, ref)]
        if "summary" not in content.metadata or isinstance(content, Static):
            fields.append(body_digest(content))
        pieces.append(digest(*fields))
    return digest(*inputs, *parts, *sorted(pieces))


# id of a piece's metadata → (the metadata, stable() of it), for the build under
# way (see new_build): the other languages' sites reach it again through their
# copies of the piece (own_language), which share it.
_METADATA = in_memory("metadata digests")


def metadata_digest(metadata: dict, ref) -> str:
    """stable(metadata, ref), worked out once per build for metadata that names no content object."""
    known = _METADATA.get(id(metadata))
    if known is not None and known[0] is metadata:
        return known[1]
    named = []
    text = stable(metadata, lambda content: named.append(content) or ref(content))
    if not named:  # one naming pieces must queue them for every site's digest
        _METADATA[id(metadata)] = (metadata, text)
    return text


def page_digest(site: str, *parts, bodies: dict | None = None) -> str:
    """A page's digest: its site's, plus everything passed to its template, with
    bodies. `bodies` keeps each piece's reference for the next page."""
    bodies = {} if bodies is None else bodies

    def ref(content):
        known = bodies.get(id(content))
        if known is None:
            known = bodies[id(content)] = f"{name_of(content)}#{body_digest(content)}"
        return known

    return digest(site, *(stable(part, ref) for part in parts))


