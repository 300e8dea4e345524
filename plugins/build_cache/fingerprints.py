"""Digests of what a build, or one page of it, depends on.

A digest is equal between two builds exactly when its inputs are equal, so
it must never include a memory address, a temporary path or anything that
changes from run to run without changing the output.
"""

import datetime
import functools
import hashlib
import importlib.metadata
import os

from pelican.contents import Content, Static
from pelican.urlwrappers import URLWrapper

# Settings that say where a build writes or what it may cache: they change
# between runs (a fresh staging folder each time) without changing a page.
PLACE_SETTINGS = frozenset({
    "OUTPUT_PATH", "MAIN_OUTPUT_PATH", "PREVIOUS_OUTPUT_PATH", "DELETE_OUTPUT_DIRECTORY",
    "CACHE_PATH", "I18N_MAIN_CACHE_PATH", "LOAD_CONTENT_CACHE", "localsiteurl",
    # A temporary folder of catalogs compiled from the theme's, which code_digest() covers.
    "I18N_GETTEXT_LOCALEDIR",
})
# Lists in an order that depends on the file system, not on the content.
UNORDERED = frozenset({"staticfiles"})
MAX_DEPTH = 12


def digest(*parts: str) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    for part in parts:
        hasher.update(part.encode("utf-8", "surrogatepass"))
        hasher.update(b"\x00")
    return hasher.hexdigest()


SCALARS = frozenset({str, int, float, bool, type(None)})


def stable(value, ref, depth: int = 0) -> str:
    """`value` written the same way in every run; Content objects as `ref(content)`."""
    kind = type(value)
    if kind in SCALARS:
        return repr(value)
    if kind is list or kind is tuple:
        if depth >= MAX_DEPTH:
            return kind.__qualname__
        return "[" + ",".join([stable(v, ref, depth + 1) for v in value]) + "]"
    if isinstance(value, str) or value is None or isinstance(value, (bool, int, float)):
        return repr(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, Content):
        return ref(value)
    if isinstance(value, URLWrapper):
        return f"<{type(value).__name__} {value.name!r}>"  # the slug follows from the name
    if depth >= MAX_DEPTH:
        return type(value).__qualname__
    if isinstance(value, dict):
        return "{" + ",".join(sorted(f"{stable(k, ref, depth + 1)}:"
                                     + stable(set(v) if k in UNORDERED else v, ref, depth + 1)
                                     for k, v in value.items() if k not in PLACE_SETTINGS)) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(stable(v, ref, depth + 1) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(stable(v, ref, depth + 1) for v in value) + "]"
    text = repr(value)
    # Objects without a value-based repr (functions, generators, caches) are
    # code or machinery; the code itself is covered by code_digest().
    return type(value).__qualname__ if " at 0x" in text else text


def name_of(content: Content) -> str:
    return f"<{type(content).__name__} {content.source_path} {getattr(content, 'lang', '')}>"


def body_digest(content: Content) -> str:
    body = getattr(content, "_content", None)
    if isinstance(content, Static) or body is None:
        try:
            status = os.stat(content.source_path)
            return f"{status.st_size}:{status.st_mtime_ns}"
        except (OSError, TypeError):
            return ""
    return digest(body)


def site_digest(context: dict, *inputs: str) -> str:
    """What every page of one language's site may show: its settings and the
    metadata (not the bodies) of every piece reachable from its context.

    A body counts here only for a piece without a `summary`, whose summary
    lists show is cut from the body.
    """
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
                  stable(content.metadata, ref),
                  stable(getattr(content, "translations", []), ref),
                  stable({key: getattr(content, key) for key in ("override_url", "override_save_as")
                          if hasattr(content, key)}, ref)]
        if "summary" not in content.metadata or isinstance(content, Static):
            fields.append(body_digest(content))
        pieces.append(digest(*fields))
    return digest(*inputs, *parts, *sorted(pieces))


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


def tree_digest(*roots: str, skip=()) -> str:
    """Names and bytes of every file under `roots` (files or folders)."""
    hasher = hashlib.blake2b(digest_size=16)
    for root in roots:
        paths = [root] if os.path.isfile(root) else sorted(
            os.path.join(folder, name)
            for folder, folders, files in os.walk(root)
            if not any(part in skip for part in folder.split(os.sep))
            for name in files)
        for path in paths:
            hasher.update(path.encode("utf-8", "surrogateescape") + b"\x00")
            with open(path, "rb") as source:
                hasher.update(hashlib.blake2b(source.read(), digest_size=16).digest())
    return hasher.hexdigest()


@functools.cache
def packages() -> tuple[str, ...]:
    return tuple(sorted(f"{dist.metadata['Name']}=={dist.version}" for dist in importlib.metadata.distributions()))


def code_digest(settings) -> str:
    """The theme, the plugins and the installed packages a build runs with."""
    return digest(tree_digest(settings["THEME"], *settings.get("PLUGIN_PATHS", []), skip={"__pycache__"}),
                  *packages())
