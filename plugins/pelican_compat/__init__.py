"""Every place where this project reaches into Pelican's (or i18n_subsites')
internals, and nothing else.

Plugins use Pelican through its signals and public classes; where that is
not enough (sharing the reader cache between languages, comparing files by
their bytes, writing only changed pages) they call the functions here
instead of touching a private attribute themselves. RELIED_ON names each
piece of Pelican code these functions depend on, or that a plugin copies,
with a digest of its source: tests/test_pelican_compat.py fails, naming the
piece, when an upgraded Pelican changes one of them, so that whoever upgrades
reads the new code before the build silently does something else.
"""

import functools
import hashlib
import inspect
import os
import re
from itertools import groupby
from operator import attrgetter

from pelican import generators
from pelican.cache import FileStampDataCacher
from pelican.contents import Content
from pelican.generators import ArticlesGenerator, CachingGenerator
from pelican.plugins.i18n_subsites import i18n_subsites
from pelican.plugins.yaml_metadata import yaml_metadata
from pelican.readers import Readers, _filter_discardable_metadata
from pelican.utils import get_original_items
from pelican.writers import Writer
from site_caches import in_memory

# "module.qualified.name" → (sha256 of its source as of the pinned version, what we rely on).
RELIED_ON = {
    "pelican.cache.FileStampDataCacher.__init__":
        ("f3721146", "sets _filestamp_func from CHECK_MODIFIED_METHOD (compare_by_bytes replaces the readers')"
                     " and _cache_open (open_cache)"),
    "pelican.cache.FileStampDataCacher._get_file_stamp":
        ("771a0b92", "calls _filestamp_func(filename); file_stamp calls it"),
    "pelican.cache.FileStampDataCacher.save_cache":
        ("ac07627d", "pickles _cache to _cache_path; share_reader_cache saves only after a change"),
    "pelican.readers.Readers.read_file":
        ("356c609e", "asks get_cached_data(path) before parsing and cache_data(path, (content, metadata)) after,"
                     " with _filter_discardable_metadata; parse workers fill the cache the same way"),
    "pelican.readers._filter_discardable_metadata": ("ddc12a0f", "what read_file caches of a file's metadata"),
    "pelican.generators.CachingGenerator._get_file_stamp":
        ("dde9e357", "the generator-level file stamp: _filestamp_func of the path joined to self.path;"
                     " compare_by_bytes puts its own in the instance"),
    "pelican.generators.CachingGenerator.__init__":
        ("e7f8f4e2", "runs FileStampDataCacher.__init__ after Generator.__init__ (which sends generator_init)"),
    "pelican.contents.Content._expand_settings":
        ("371c714a", "a function of the object's settings, metadata, slug, lang, date, author and category;"
                     " remember_urls memoizes it once they are final"),
    "pelican.contents.Content.get_url_setting":
        ("e0eb063b", "returns override_<key> when set, before _expand_settings"),
    "pelican.generators.Generator.get_files":
        ("1abfc730", "a function of self.path, IGNORE_FILES, the readers' extensions, its arguments and the"
                     " folder tree; list_files_once remembers it for the build under way"),
    "pelican.contents.Content.get_relative_source_path":
        ("6c1f5107", "a pure function of PATH and source_path; remember_source_paths memoizes it"),
    "pelican.utils.process_translations":
        ("895f1090", "copied as pelican_compat.process_translations, with a set of ids for the originals"),
    "pelican.generators.ArticlesGenerator.generate_tags":
        ("37f65d28", "picks each tag's dates with `article in articles` from self.tags (linear_lists: Listed)"),
    "pelican.generators.ArticlesGenerator.generate_categories":
        ("cfb52452", "picks each category's dates with `article in articles` from self.categories (Listed)"),
    "pelican.generators.ArticlesGenerator.generate_authors":
        ("982c57fc", "picks each author's dates with `article in articles` from self.authors (Listed)"),
    "pelican.writers.Writer.write_file":
        ("6a604ad6", "ReusingWriter.write_file follows it: pagination, localsiteurl, relative SITEURL, "
                     "content_written"),
    "pelican.writers.Writer._open_w": ("69700ea0", "refuses to write a file twice; open_output calls it"),
    "pelican.writers.Writer.__init__": ("2f892e0a", "keeps the files written in _written_files"),
    "pelican.contents.Content.get_content":
        ("5b963ce7", "makes the page body from _content (links replaced); source_html reads it"),
    "pelican.contents.Content.get_summary":
        ("4a3c3104", "makes the summary from _summary, or cuts it from the body; source_html reads it"),
    "pelican.utils.memoized":
        ("e17e76fd", "keeps each call's result in its `cache` dictionary, keyed by the arguments (the object"
                     " first), for the life of the process; remember_content_in_registry gives it a registered one"),
    "pelican.plugins.i18n_subsites.i18n_subsites.initialize_dbs": ("cc354d4e", "keeps the main language in _MAIN_LANG"),
    "pelican.plugins.yaml_metadata.yaml_metadata.YAMLMetadataReader.read":
        ("9f424d1d", "markdown_engine.MarkdownItReader.read follows it, with its own Markdown engine"),
    "pelican.plugins.yaml_metadata.yaml_metadata.YAMLMetadataReader._parse_yaml_metadata":
        ("067dbbf1", "formats FORMATTED_FIELDS with self._md.reset().convert(text); markdown_engine's _Converter"),
    "pelican.plugins.yaml_metadata.yaml_metadata.HEADER_RE":
        ("219962c4", "splits front-matter from the text; markdown_engine reads with it (YAML_HEADER)"),
    "pelican.plugins.i18n_subsites.i18n_subsites.relpath_to_site":
        ("24694c97", "the relative path from one language's site to another's"),
}


def source_digest(name: str) -> str:
    """The first 8 hex digits of the sha256 of the source of `name` (a key of RELIED_ON)."""
    target = __import__(name.partition(".")[0])
    for part in name.split(".")[1:]:
        # From the class's own namespace: a method Pelican memoizes is a
        # descriptor there, whose `func` is the method's code.
        found = getattr(target, part)
        target = vars(target).get(part, found) if isinstance(target, type) else found
    target = getattr(target, "func", target)
    source = target.pattern if isinstance(target, re.Pattern) else inspect.getsource(target)
    return hashlib.sha256(source.encode()).hexdigest()[:8]


# --- i18n_subsites ----------------------------------------------------------------


def i18n_main_lang() -> str:
    """The main site's language while i18n_subsites builds the subsites."""
    return i18n_subsites._MAIN_LANG


relpath_to_site = i18n_subsites.relpath_to_site

# --- pelican-yaml-metadata -------------------------------------------------------------

# The front-matter block and the text after it (groups "metadata" and "content").
YAML_HEADER = yaml_metadata.HEADER_RE


# --- Files compared by their bytes ---------------------------------------------------


def compare_by_bytes(generator, stamp) -> None:
    """Make the generator's file-stamp caches (its reader cache, its own
    generator-level cache) call `stamp(path)`, whatever CHECK_MODIFIED_METHOD says.

    generator_init is sent from Generator.__init__, before CachingGenerator
    runs FileStampDataCacher.__init__, which sets the generator's own
    _filestamp_func again: so the generator gets the method that calls it
    (CachingGenerator._get_file_stamp, relative to its path) instead, which
    that __init__ does not touch."""
    readers = getattr(generator, "readers", None)
    if isinstance(readers, FileStampDataCacher):
        readers._filestamp_func = stamp
    if isinstance(generator, CachingGenerator):
        generator._get_file_stamp = lambda filename: stamp(os.path.join(generator.path, filename))


def file_stamp(generator: CachingGenerator, filename: str):
    return generator._get_file_stamp(filename)


# --- The reader cache ------------------------------------------------------------------


def reader_cache(readers: Readers) -> tuple[str | None, dict | None]:
    """(file, dictionary) of the reader cache, or (None, None) when caching is off."""
    if getattr(readers, "_cache_path", None) is None or not readers._cache_data_policy:
        return None, None
    return readers._cache_path, readers._cache


def use_reader_cache(readers: Readers, cache: dict, path: str) -> None:
    """Have `readers` read `cache` and save it to `path`."""
    readers._cache, readers._cache_path = cache, path


def open_cache(cacher: FileStampDataCacher, path: str, mode: str):
    """Open a cache file as Pelican does (gzip when GZIP_CACHE is on)."""
    return cacher._cache_open(path, mode)


def cached_parse(metadata: dict) -> dict:
    """What Readers.read_file keeps of a file's metadata in the reader cache."""
    return _filter_discardable_metadata(metadata)


# --- Content objects ---------------------------------------------------------------------


def source_html(content: Content) -> tuple:
    """(body, summary) of a content object as its reader made them, before
    Pelican links them for a site; None where there is none (a file copied as is)."""
    return getattr(content, "_content", None), getattr(content, "_summary", None)


def replace_source_html(content: Content, body: str | None, summary: str | None) -> None:
    if body is not None:
        content._content = body
    if summary is not None:
        content._summary = summary


def copy_content(piece: Content, **changes) -> Content:
    """A shallow copy of a content object, with `changes` to its attributes:
    Pelican keeps all of a piece's state in its __dict__ and defines no
    __copy__ (copy.copy gives the same, several times slower)."""
    duplicate = object.__new__(type(piece))
    duplicate.__dict__.update(piece.__dict__, **changes)
    return duplicate


def remember_content_in_registry() -> None:
    """Pelican memoizes get_content and get_summary for each (content object,
    site URL) for the life of the process, holding every object it was asked
    about. A process that builds again (the live preview) makes new objects
    in every build, so each build's objects stayed alive in those caches: at
    1,000 updates, 19 MiB more after every save (178 to 385 MiB in twelve).
    Kept in the registry instead ("content html", "summary html"), they are
    forgotten with the other caches of a build (new_build): 184 MiB after
    every save."""
    for method, name in (("get_content", "content html"), ("get_summary", "summary html")):
        memo = vars(Content)[method]
        memo.cache = in_memory(name)  # memoized.__call__ reads self.cache on every call


# --- Writing ------------------------------------------------------------------------------


def written_files(writer: Writer) -> set:
    """The absolute paths `writer` wrote in this build (it refuses to write one twice)."""
    return writer._written_files


def open_output(writer: Writer, path: str, override: bool):
    return writer._open_w(path, "utf-8", override=override)


def remember_source_paths() -> None:
    """Pelican works out a piece's path relative to the content folder (two
    abspath and a relpath) on every URL it builds; the answer never changes."""
    original = Content.get_relative_source_path
    if getattr(original, "remembers", False):
        return
    known = {}

    @functools.wraps(original)
    def get_relative_source_path(self, source_path=None):
        key = (self.settings["PATH"], source_path or self.source_path)
        if key not in known:
            known[key] = original(self, source_path)
        return known[key]

    get_relative_source_path.remembers = True
    Content.get_relative_source_path = get_relative_source_path


# (content folder, paths, excluded, extensions, IGNORE_FILES) → the files there,
# for the build under way (new_build forgets it).
_LISTINGS = in_memory("file lists")


def list_files_once() -> None:
    """Every language's site lists the content folder for its articles, its
    pages, its static files and again for files of disabled readers: twelve
    walks of the same tree per build, 0.1 s at N = 3,000 in every save of
    the live preview. Each listing is made once per build, and every site
    then reads the same files even if one is added while the build runs."""
    original = generators.Generator.get_files
    if getattr(original, "remembers", False):
        return

    @functools.wraps(original)
    def get_files(self, paths, exclude=None, extensions=None):
        wanted = self.readers.extensions if extensions is None else extensions
        key = (self.path, (paths,) if isinstance(paths, str) else tuple(paths), tuple(exclude or ()),
               wanted if wanted is False else tuple(wanted), tuple(self.settings["IGNORE_FILES"]))
        known = _LISTINGS.get(key)
        if known is None:
            known = _LISTINGS[key] = frozenset(original(self, paths, exclude, extensions))
        return set(known)

    get_files.remembers = True
    generators.Generator.get_files = get_files


# (id of a content object, setting, class) → (the object, its expanded URL or file name),
# from settle_urls() to the start of the next build (unsettle_urls).
_SETTLED_URLS = in_memory("settled urls")
_URLS = {"settled": False}


def remember_urls() -> None:
    """Pelican works out a piece's URL and file name (a copy of its metadata,
    then str.format) every time one is asked for: each page, list, feed and
    sitemap that names the piece asks again, about 0.85 CPU s per build at
    N = 1,000. Once settle_urls() says every language's content is read and
    linked, each object's answer is worked out once. override_url (how
    i18n_subsites points at another language's site) is looked at before
    this, so it is never remembered here."""
    original = Content._expand_settings
    if getattr(original, "remembers", False):
        return

    @functools.wraps(original)
    def _expand_settings(self, key, klass=None):
        if not _URLS["settled"]:
            return original(self, key, klass)
        known = _SETTLED_URLS.get((id(self), key, klass))
        if known is None:
            known = _SETTLED_URLS[(id(self), key, klass)] = (self, original(self, key, klass))
        return known[1]

    _expand_settings.remembers = True
    Content._expand_settings = _expand_settings


def settle_urls() -> None:
    """Every content object's slug, metadata, category and author are final (the writers are being made)."""
    _URLS["settled"] = True


def unsettle_urls() -> None:
    """A new build begins: content objects may change again."""
    _URLS["settled"] = False
    _SETTLED_URLS.clear()


# --- Lists that grow with the site ---------------------------------------------------------


def process_translations(content_list, translation_id=None):
    """pelican.utils.process_translations, with one line changed: Pelican finds
    the translations with `x not in index` over a list, which is quadratic
    (at 3,000 updates, 34 million comparisons per language: 0.3 s). Content
    objects compare by identity (Content has no __eq__), so a set of ids
    answers the same."""
    if not translation_id:
        return content_list, []
    if isinstance(translation_id, str):
        translation_id = {translation_id}
    index = []
    try:
        content_list.sort(key=attrgetter(*translation_id))
    except TypeError:
        raise TypeError(
            f"Cannot unpack {translation_id}, 'translation_id' must be falsy, a string or a collection of strings"
        ) from None
    except AttributeError:
        raise AttributeError(
            f"Cannot use {translation_id} as 'translation_id', there appear to be items without these metadata "
            "attributes"
        ) from None
    for id_vals, items in groupby(content_list, attrgetter(*translation_id)):
        id_vals = (id_vals,) if len(translation_id) == 1 else id_vals
        with_str = "with" + ", ".join([' {} "{{}}"'] * len(translation_id)).format(*translation_id).format(*id_vals)
        items = list(items)
        original_items = get_original_items(items, with_str)
        index.extend(original_items)
        for a in items:
            a.translations = [x for x in items if x != a]
    originals = {id(x) for x in index}
    translations = [x for x in content_list if id(x) not in originals]
    return index, translations


class Listed(list):
    """A list of content objects that answers `in` from a set of their ids."""

    def __init__(self, items=()):
        super().__init__(items)
        self._ids = {id(item) for item in self}

    def __contains__(self, item) -> bool:
        return id(item) in self._ids


def _with_listed_articles(generate, lists):
    @functools.wraps(generate)
    def generate_listed(self, write):
        lists(self)
        return generate(self, write)

    generate_listed.lists_articles = True
    return generate_listed


def _tags_listed(generator) -> None:
    for tag, articles in generator.tags.items():
        generator.tags[tag] = Listed(articles)


def _categories_listed(generator) -> None:
    generator.categories = [(category, Listed(articles)) for category, articles in generator.categories]


def _authors_listed(generator) -> None:
    generator.authors = [(author, Listed(articles)) for author, articles in generator.authors]


def linear_lists() -> None:
    """Pelican's translations and its tag, category and author pages go through lists
    that grow with the site in a way that grows with its square: each tag, category
    and author page picks its articles out of all articles with `article in
    articles`, over a list. Here process_translations is the linear copy above,
    and the tags', categories' and authors' article lists answer `in` from a set
    (Listed), just before their pages are written."""
    generators.process_translations = process_translations
    if not getattr(ArticlesGenerator.generate_tags, "lists_articles", False):
        ArticlesGenerator.generate_tags = _with_listed_articles(ArticlesGenerator.generate_tags, _tags_listed)
        ArticlesGenerator.generate_categories = _with_listed_articles(ArticlesGenerator.generate_categories,
                                                                      _categories_listed)
        ArticlesGenerator.generate_authors = _with_listed_articles(ArticlesGenerator.generate_authors,
                                                                   _authors_listed)


# --- Processes ------------------------------------------------------------------------------


def fork_safe_exit_handlers() -> None:
    """In a forked child: forget the parent's exit handlers (temporary folders it will remove)."""
    import atexit

    atexit._clear()


__all__ = ["RELIED_ON", "YAML_HEADER", "Listed", "cached_parse", "compare_by_bytes", "copy_content", "file_stamp",
           "fork_safe_exit_handlers", "i18n_main_lang", "linear_lists", "open_cache",
           "open_output", "process_translations", "reader_cache", "relpath_to_site", "remember_content_in_registry",
           "remember_source_paths", "remember_urls", "settle_urls", "unsettle_urls",
           "replace_source_html", "source_digest", "source_html", "use_reader_cache", "written_files"]
