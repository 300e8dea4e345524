"""A Pelican writer that renders a page only when what it shows changed.

Each page's digest (fingerprints.page_digest) is recorded with the digests
of the files written for it. A page of the next build with the same digest,
whose files in the previous output still hold those bytes (KnownDigests),
is linked from there instead of rendered. Any doubt means rendering: no
record, a file changed or deleted since, a failed earlier build.
"""

import functools
import logging
import os
import pickle
import shutil

from file_digests import bytes_digest, code_digest, digest, file_digest, known_digests
from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.paginator import Paginator
from pelican.utils import get_relative_path, path_to_url, sanitised_join
from pelican.writers import Writer
from pelican_compat import open_output, written_files
from site_rules import build_date, main_site_path

from .fingerprints import name_of, page_digest, site_digest, stable

# Under "pelican" so that `pelican --verbose` shows this plugin's progress too.
logger = logging.getLogger(f"pelican.plugins.{__name__}")


def previous_site_path(settings) -> str | None:
    """Where the previous build of this language's site is, if reuse is on."""
    previous = settings.get("PREVIOUS_OUTPUT_PATH")
    if not previous:
        return None
    below_main = os.path.relpath(settings["OUTPUT_PATH"], main_site_path(settings, "OUTPUT_PATH"))
    return os.path.normpath(os.path.join(previous, below_main))


def record_path(settings, previous: str) -> str:
    return os.path.join(settings["CACHE_PATH"], "pages", digest(os.path.abspath(previous)) + ".pickle")


# The writer of each site being written, by output path, until it finishes.
LIVE = {}


class ReusingWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        # What pages depend on that no context holds: code and the build date.
        self.inputs = (code_digest(self.settings), build_date(self.settings).isoformat())
        self.previous = previous_site_path(self.settings)
        self.previous_records = {}
        # site_build found the previous output not as recorded: take nothing from it.
        if self.previous and self.settings.get("PREVIOUS_OUTPUT_INTACT", True):
            try:
                with open(record_path(self.settings, self.previous), "rb") as source:
                    self.previous_records = pickle.load(source)
            except Exception:  # noqa: BLE001 - any unreadable record only means rendering everything
                self.previous_records = {}
        # The digests of the previous output's files as site_build last read them.
        self.known = known_digests(os.path.abspath(main_site_path(self.settings, "CACHE_PATH")),
                                   self.settings["PREVIOUS_OUTPUT_PATH"]) if self.previous_records else None
        self.records = {}
        self.reused = self.rendered = 0
        self._sites, self._bodies = {}, {}
        LIVE[os.path.abspath(self.output_path)] = self

    def _digest(self, context, *parts) -> str:
        site = self._sites.get(id(context))
        if site is None:
            site = self._sites[id(context)] = site_digest(context, *self.inputs)
        return page_digest(site, *parts, bodies=self._bodies)

    def _reuse(self, key: str, page: str) -> bool:
        """Link the previous build's files for `key` if `page` is what they show."""
        recorded = self.previous_records.get(key)
        if not recorded or recorded[0] != page:
            return False
        files = recorded[1]
        targets = [os.path.abspath(os.path.join(self.output_path, name)) for name in files]
        if any(target in written_files(self) for target in targets):
            return False
        sources = [os.path.join(self.previous, name) for name in files]
        try:
            # Read again where its status changed: a file can be changed and
            # its modification time put back, not its change time.
            if any(self.known.digest(source) != expected for source, expected in zip(sources, files.values())):
                return False
            for source, target in zip(sources, targets):
                if os.path.abspath(source) == target:
                    continue  # building in place: the file is already there
                os.makedirs(os.path.dirname(target), exist_ok=True)
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copy2(source, target)
        except OSError:
            return False
        written_files(self).update(targets)
        self.records[key] = recorded
        self.reused += 1
        return True

    def _render(self, key: str, page: str, name: str, write) -> None:
        """`write(path)` writes the file `name`, returning the digest of its bytes (else it is read back);
        remember that `page` made it, if this build had not written it before (Pelican's writer skips
        such a file unless it may override it, and the page that wrote it first keeps it)."""
        path = sanitised_join(self.output_path, name)
        new = path not in written_files(self)
        written = write(path)
        if self.previous and new and path in written_files(self):  # else nothing will read the records
            self.records[key] = (page, {os.path.relpath(path, self.output_path): written or file_digest(path)})
        self.rendered += 1

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        """Pelican's write_file, deciding page by page whether to render."""
        if not name:
            return
        if paginated is None:
            paginated = {key: value for key, value in kwargs.items() if key in {"articles", "dates"}}
        if not (paginated and template_name in self.settings["PAGINATED_TEMPLATES"]):
            page = self._digest(context, "page", name, template.name, relative_urls, template_name,
                                override_output, url, kwargs)
            self._write_page(name, page, template, context, kwargs, relative_urls, override_output)
            return
        per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
        paginators = {key: Paginator(name, url, items, self.settings, per_page) for key, items in paginated.items()}
        count = next(iter(paginators.values())).num_pages
        # Only the pieces shown on a page count with their bodies; the lists
        # themselves are in the site's digest. Digested once here, not once
        # per page: the lists grow with the site and so does their number of pages.
        listed = digest(stable(kwargs, name_of))
        for number in range(1, count + 1):
            page_kwargs, shown = dict(kwargs), []
            for key, paginator in paginators.items():
                current = paginator.page(number)
                page_kwargs.update({
                    f"{key}_paginator": paginator,
                    f"{key}_page": current,
                    f"{key}_previous_page": paginator.page(number - 1) if number > 1 else None,
                    f"{key}_next_page": paginator.page(number + 1) if number < paginator.num_pages else None,
                })
                shown.append(current.object_list)
            page = self._digest(context, "paginated", name, template.name, relative_urls, template_name,
                                override_output, url, number, count, listed, shown)
            self._write_page(current.save_as, page, template, context, page_kwargs, relative_urls, override_output)

    def _write_page(self, name, page, template, context, kwargs, relative_urls, override) -> None:
        key = f"page:{name}"
        if self._reuse(key, page):
            return
        local = dict(context)
        local["localsiteurl"] = local.get("localsiteurl", None)
        if relative_urls:
            local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(name))
        local["output_file"] = name
        local.update(kwargs)
        self._render(key, page, name, functools.partial(self._render_page, template, local, override, context))

    def _render_page(self, template, local, override, context, path) -> str:
        """What Pelican's writer does for one page; the digest of what it wrote (the rendered bytes,
        instead of reading the file back)."""
        if local["localsiteurl"]:
            context["localsiteurl"] = local["localsiteurl"]  # pieces' links are made relative to it
        output = template.render(local)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open_output(self, path, override) as target:
            target.write(output)
        logger.info("Writing %s", path)
        signals.content_written.send(path, context=local)
        return bytes_digest(output.encode("utf-8"))

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False,
                   feed_title=None):
        if not path:
            return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)
        shown = list(elements[: self.settings["FEED_MAX_ITEMS"]])
        page = self._digest(context, "feed", path, url, feed_type, override_output, feed_title, shown)
        key = f"feed:{path}"
        if self._reuse(key, page):
            return None
        # Pelican's feed writer, its file read back.
        self._render(key, page, path, lambda _: Writer.write_feed(self, elements, context, path, url, feed_type,
                                                                  override_output, feed_title) and None)
        return None

    def write_generated(self, name: str, context, inputs, produce) -> None:
        """Write the bytes `produce()` returns to `name`, unless `inputs` (with
        their bodies) are what the previous build wrote it from."""
        page = self._digest(context, "generated", name, inputs)
        key = f"file:{name}"
        if self._reuse(key, page):
            return
        self._render(key, page, name, functools.partial(self._write_bytes, produce))

    def _write_bytes(self, produce, path: str) -> str:
        data = produce()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as target:
            target.write(data)
        written_files(self).add(path)
        return bytes_digest(data)

    def remove_left_behind(self) -> None:
        """Building in place (the live preview), delete the files the previous
        run wrote for pages this run no longer has: a deleted piece's page,
        feed or calendar, a list page beyond the last."""
        if not self.previous or os.path.abspath(self.previous) != os.path.abspath(self.output_path):
            return
        for key, (_, files) in self.previous_records.items():
            if key in self.records:
                continue
            for name in files:
                path = os.path.abspath(os.path.join(self.output_path, name))
                if path not in written_files(self) and os.path.isfile(path):
                    os.remove(path)
                    logger.info("Removing %s", path)

    def save_records(self) -> None:
        if not self.previous:
            return
        path = record_path(self.settings, self.previous)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        partial = f"{path}.partial"
        with open(partial, "wb") as target:
            pickle.dump(self.records, target, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
        logger.info("%s: pages rendered: %d, reused from the previous build: %d", self.output_path, self.rendered, self.reused)


class ChangedPagesWriter(Writer):
    """Pelican's writer, writing only the pages of pieces made from `sources`."""

    def __init__(self, output_path, settings, sources):
        super().__init__(output_path, settings=settings)
        self.sources = sources

    def write_file(self, name, template, context, *args, **kwargs):
        piece = kwargs.get("article") or kwargs.get("page")
        if piece is not None and os.path.abspath(piece.source_path) in self.sources:
            super().write_file(name, template, context, *args, **kwargs)


def write_changed_first(sites: dict, sources) -> None:
    """Write the pages of the pieces made from `sources` (changed files) in
    every language, before any site is written: in the live preview the
    page a writer just saved shows after the reading, not after all three
    sites (at 3,000 updates, 1 s after the save instead of 3). Each site's
    own writer writes them again in its turn, with everything else.

    `sites` is what pipeline.sites_read sends. Every language's content is
    read and linked by now (build_cache.get_writer): these are the pages
    the full pass writes."""
    if not sources:
        return
    for generators in sites.values():
        for generator in generators:
            writer = ChangedPagesWriter(generator.output_path, generator.settings, sources)
            if isinstance(generator, ArticlesGenerator):
                write = functools.partial(writer.write_file, relative_urls=generator.settings["RELATIVE_URLS"])
                generator.generate_articles(write)
                generator.generate_drafts(write)
            elif isinstance(generator, PagesGenerator):
                generator.generate_output(writer)
