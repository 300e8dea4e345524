"""What i18n_subsites leaves to the theme: links between languages.

- `href`: every URL a template writes goes through one normalizing join, so
  neither `/fa/../es/` nor `./x` ever reaches a page.
- `alternates(content)`: each site language with the URL of this piece in
  that language, or of that language's home when it is not translated; the
  language switcher and the hreflang links both come from it.
- Subsites publish their feeds under their own address (FEED_DOMAIN).
- Section (category) names are shown in the reader's language.
"""

import functools
import posixpath
from urllib.parse import urljoin, urlsplit

from babel import Locale
from babel.core import get_global
from jinja2 import pass_context
from pelican import signals
from site_caches import remembered
from site_rules import languages, main_lang
from ui_catalogs import ui_translations

HOME = "index.html"


def join_url(base: str, path: str) -> str:
    """Join a site URL and a path, resolving '..' and '.' segments."""
    return _join_url(base or "", str(path))


# Thirty links a page, most of them the same on every page of one folder depth.
@remembered("joined urls", 8192)
def _join_url(base: str, path: str) -> str:
    if urlsplit(path).scheme or path.startswith(("#", "/")):
        return path
    if urlsplit(base).scheme or base.startswith("/"):
        return urljoin(base.rstrip("/") + "/", path)
    joined = posixpath.normpath(posixpath.join(base or ".", path))
    return joined + "/" if path.endswith("/") and joined != "." else joined


@functools.cache
def text_direction(lang: str) -> str:
    return Locale.parse(lang).text_direction


@functools.cache
def native_name(lang: str) -> str:
    locale = Locale.parse(lang)
    name = locale.get_display_name(locale)
    return name[:1].upper() + name[1:]


@functools.cache
def og_locale(lang: str) -> str:
    """Open Graph locale (language_TERRITORY) from CLDR's likely subtags: fa → fa_IR."""
    likely = get_global("likely_subtags").get(lang, lang).split("_")
    return f"{likely[0]}_{likely[-1]}"


@pass_context
def href(context, path) -> str:
    return join_url(context.get("SITEURL", ""), path)


@pass_context
def root_path(context, path) -> str:
    """`path` of this language's site as a path from the main site's root (fa/index.html)."""
    prefix = context["relpath_to_site"](context["main_lang"], context["DEFAULT_LANG"])
    return posixpath.normpath(posixpath.join(prefix, path))


@pass_context
def main_site(context, path) -> str:
    """`path` of the main site (images) as seen from this language's site."""
    return posixpath.join(context["relpath_to_site"](context["DEFAULT_LANG"], context["main_lang"]), path)


@pass_context
def absolute(context, path) -> str:
    """The public address of `path` (relative to this language's site), whatever RELATIVE_URLS says."""
    return f"{context['SITE_ABSOLUTE_URL'].rstrip('/')}/{root_path(context, path)}"


@pass_context
def alternates(context, content=None) -> list[dict]:
    """One entry per site language: lang, name, dir, url, translated, current."""
    current = context["DEFAULT_LANG"]
    versions = {}
    if content is not None:
        versions[content.lang] = content.url
        for translation in getattr(content, "translations", []):
            if translation.status == "published":
                versions[translation.lang] = translation.url
    entries = []
    for lang in languages(context):
        if lang in versions:
            url, translated = versions[lang], True
        else:
            root = context["relpath_to_site"](current, lang)
            url, translated = posixpath.join(root, HOME), content is None
        entries.append({
            "lang": lang,
            "name": native_name(lang),
            "dir": text_direction(lang),
            "url": join_url(context.get("SITEURL", ""), url),
            "translated": translated,
            "current": lang == current,
        })
    return entries


def localize_section(content):
    """Show the folder-derived category under its name in the piece's language."""
    category = getattr(content, "category", None)
    sections = content.settings.get("SECTIONS", {})
    # The category is named after its folder, and SECTIONS is keyed by the
    # folders: the name is the slug (asking for the slug would slugify the
    # name again, for every piece of every language).
    if category is None or category.name not in sections:
        return
    name = sections[category.name]
    if content.lang != main_lang(content.settings):
        name = ui_translations(content.lang).gettext(name)
    category.slug = category.name  # keep the folder as URL whatever the name
    category.name = name


def configure(pelican_obj):
    settings = pelican_obj.settings
    # Subsites inherit the main FEED_DOMAIN; their feeds live under their own URL.
    settings["FEED_DOMAIN"] = settings["SITEURL"]
    # Pages see SITEURL made relative; share links and previews need the address.
    settings.setdefault("SITE_ABSOLUTE_URL", settings["SITEURL"])


def add_template_helpers(generator):
    generator.env.filters["href"] = href
    generator.env.filters["root_path"] = root_path
    generator.env.filters["main_site"] = main_site
    generator.env.filters["absolute"] = absolute
    generator.env.filters["og_locale"] = og_locale
    generator.env.globals["alternates"] = alternates
    generator.env.filters["text_direction"] = text_direction


def register():
    signals.initialized.connect(configure)
    signals.generator_init.connect(add_template_helpers)
    signals.content_object_init.connect(localize_section)
