"""Read each source file once per process, for every language and every rebuild.

Pelican gives each generator of each language its own copy of the reader
cache, loaded from disk and saved back whole even when nothing was parsed.
Here every language (and each rebuild of `invoke serve`) shares the main
site's, loaded once and saved only after a file was parsed again. A file
changed when its bytes did (file_digests.source_digest), here and in every
file-stamp cache of Pelican's. A cache parsed with other reader settings,
plugin code or packages is dropped, where Pelican would serve the old parse.

With KEEP_CONTENT_OBJECTS (the live preview), an unchanged file gets a copy
of the content object the previous run made from it, instead of one made
again from the cached parse (every plugin's content hooks, every URL).
"""

import functools
import logging
import os
import pickle

from file_digests import digest, packages, source_digest, tree_digest
from pelican.generators import CachingGenerator
from pelican_compat import compare_by_bytes, copy_content, file_stamp, open_cache, reader_cache, use_reader_cache
from site_caches import in_memory
from site_rules import main_site_path

from .fingerprints import name_of, stable
from .processes import parse_ahead

logger = logging.getLogger(f"pelican.plugins.{__name__}")

# Cache file path → the dictionary every Readers of this process shares.
SHARED = in_memory("reader caches")
# Reader cache files with a parse not saved yet.
CHANGED = set()

# What the saved reader cache was parsed with, under a key no file has.
INPUTS_KEY = "\0parsed with"
# The settings Pelican's readers and the reader plugins read.
READER_SETTINGS = ("MARKDOWN", "READERS", "FILENAME_METADATA", "PATH_METADATA", "EXTRA_PATH_METADATA",
                   "DEFAULT_METADATA", "DEFAULT_DATE", "DEFAULT_CATEGORY", "DEFAULT_LANG", "TIMEZONE",
                   "USE_FOLDER_AS_CATEGORY", "FORMATTED_FIELDS", "DOCUTILS_SETTINGS", "MARKDOWN_QUOTES", "MARKDOWN_TYPOGRAPHY")
READER_SETTING_PREFIXES = ("TYPOGRIFY", "SLUGIFY")

# Settings that change between the runs of one process without changing any
# content object (the reader cache is loaded from disk only by the first run).
VOLATILE_SETTINGS = {"LOAD_CONTENT_CACHE"}
# (language, generator class) → (its settings, {file: (file stamp, content object as read)})
PIECES = in_memory("content objects")
# The files whose content object a rebuild made again, since they changed or are new,
# for the build under way (new_build forgets it): writer.write_changed_first.
REMADE = in_memory("remade pieces")


def stamp_by_content(generator) -> None:
    """Make the generator's file-stamp caches compare file contents, whatever CHECK_MODIFIED_METHOD says."""
    compare_by_bytes(generator, source_digest)


# Main sites' cache folders whose reader caches this process loads itself (see take_over_loading).
TO_LOAD = set()


def take_over_loading(settings) -> None:
    """This plugin, not Pelican, loads the reader cache, once per process for every
    language: one that cannot be read (another Pelican's, cut short, damaged)
    means parsing every file again, where Pelican's warning fails the build."""
    if settings.get("LOAD_CONTENT_CACHE") and not loaded_already(settings):
        TO_LOAD.add(os.path.abspath(main_site_path(settings, "CACHE_PATH")))
    settings["LOAD_CONTENT_CACHE"] = False


def _load(readers, path: str) -> dict:
    if os.path.dirname(path) not in TO_LOAD or not os.path.exists(path):
        return {}
    try:
        with open_cache(readers, path, "rb") as source:
            cache = pickle.load(source)  # noqa: S301 - the build's own cache, as Pelican loads it
    except Exception:  # noqa: BLE001 - whatever is wrong with it, the files are parsed again
        logger.info("The reader cache %s cannot be read: every file is parsed again", path)
        return {}
    return cache if isinstance(cache, dict) else {}


def share_reader_cache(generator) -> None:
    readers = getattr(generator, "readers", None)
    path = reader_cache(readers)[0] if readers is not None else None
    if path is None:
        return
    # Every language reads and saves the main site's reader cache.
    path = os.path.join(os.path.abspath(main_site_path(generator.settings, "CACHE_PATH")), os.path.basename(path))
    if path not in SHARED:
        inputs = reader_inputs(generator.settings)
        cache = _load(readers, path)
        if cache.get(INPUTS_KEY) != inputs:
            # Parsed with other Markdown settings or other reader code: of no use.
            cache = {INPUTS_KEY: inputs}
            CHANGED.add(path)
        SHARED[path] = cache
    use_reader_cache(readers, SHARED[path], path)
    readers.cache_data = functools.partial(_cache_data, readers, readers.cache_data)
    readers.save_cache = functools.partial(_save_cache, readers, readers.save_cache)
    generator.get_files = functools.partial(_get_files, generator, generator.get_files)


def reader_inputs(settings) -> str:
    """A digest of what parsing a source file depends on besides the file."""
    values = {key: value for key, value in settings.items()
              if key in READER_SETTINGS or key.startswith(READER_SETTING_PREFIXES) or key.endswith("_SUBSTITUTIONS")}
    return digest(stable(values, name_of), tree_digest(*settings.get("PLUGIN_PATHS", []), skip={"__pycache__"}),
                  *packages())


def _get_files(generator, get_files, *args, **kwargs):
    files = get_files(*args, **kwargs)
    parse_ahead(generator, files)
    return files


def _cache_data(readers, cache_data, filename, data) -> None:
    cache_data(filename, data)
    CHANGED.add(reader_cache(readers)[0])


def _save_cache(readers, save_cache) -> None:
    path = reader_cache(readers)[0]
    if path in CHANGED:
        save_cache()
        CHANGED.discard(path)


def loaded_already(settings) -> bool:
    """True when this process holds the reader cache that `settings` would load."""
    folder = os.path.abspath(main_site_path(settings, "CACHE_PATH"))
    return any(os.path.dirname(path) == folder for path in SHARED)


def keep_content_objects(generator) -> None:
    """Give `generator` the content objects of the previous run in this
    process with the same settings, through Pelican's generator-level cache
    hooks (kept in memory here, never written to disk)."""
    settings = generator.settings
    if not settings.get("KEEP_CONTENT_OBJECTS") or not isinstance(generator, CachingGenerator):
        return
    if settings["CONTENT_CACHING_LAYER"] == "generator":
        return  # Pelican's own generator cache is in charge
    key = (settings["DEFAULT_LANG"], type(generator).__name__)
    values = {name: value for name, value in settings.items() if name not in VOLATILE_SETTINGS}
    if key not in PIECES or PIECES[key][0] != values:
        PIECES[key] = (values, {})
    pieces = PIECES[key][1]
    generator.cache_data = functools.partial(_keep, generator, pieces)
    # Kept from a previous run: any file read again now changed or is new.
    generator.get_cached_data = functools.partial(_recall, generator, pieces, bool(pieces))


def _keep(generator, pieces, filename, piece) -> None:
    # A copy, because the run goes on to change the object it uses
    # (translations, URLs pointing at other languages, status).
    pieces[filename] = (file_stamp(generator, filename), copy_content(piece))


def _recall(generator, pieces, rebuild, filename, default=None):
    stamp, piece = pieces.get(filename, (None, None))
    if piece is None or stamp != file_stamp(generator, filename):
        if rebuild:
            REMADE[os.path.abspath(os.path.join(generator.path, filename))] = True
        return default
    return copy_content(piece, _context=generator.context, settings=generator.settings)
