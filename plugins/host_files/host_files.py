"""Files for hosts and crawlers, written once after every language is built.

- sitemap.xml lists every page with its hreflang alternates, worked out from
  every language's content objects as base.html declares them (pelican-sitemap
  lists main-language URLs twice and misses the subsites' pages under
  i18n_subsites).
- robots.txt points crawlers to the sitemap, or turns them all away when
  NOINDEX is set (pull-request previews).
- _headers gives hosts that read it (Netlify, Cloudflare Pages and others)
  the security headers, and the Onion-Location header when there is an
  onion service.
- favicon.ico, the theme's icon (drawn by icon.py), also at the root: pages
  link it from the theme's folder, but browsers ask /favicon.ico directly for
  feeds, images and other files that link nothing.
"""

import os
import posixpath
import shutil
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from pelican import signals
from pipeline import sites_written
from site_rules import content_security_policy, languages, site_folder

SKIPPED = {"404.html"}
URL_SAFE = ":/?#[]@!$&'()*+,;=%"


def collect_pages(output: str, site_url: str, alternates: dict) -> list[tuple[str, dict]]:
    """[(absolute URL, {hreflang: absolute URL})] for every HTML page under
    `output`; `alternates` gives those of the pages that have any (hreflang_alternates)."""
    pages = []
    top = os.path.join(os.path.normpath(output), "")
    for directory, _, names in sorted(os.walk(top)):
        for name in sorted(names):
            relative = os.path.join(directory, name)[len(top):].replace(os.sep, "/")
            if name.endswith(".html") and name not in SKIPPED:
                pages.append((f"{site_url}/{quote(relative)}", alternates.get(relative, {})))
    return pages


# Language → its site's context, kept when that language's content is read:
# in the build process, which reads every language even where a copy writes it.
_CONTEXTS = {}
# What base.html gives hreflang links (its `piece`): updates and events, pages,
# profiles and their posters (plugins/posters).
PIECES = ("articles", "pages", "hidden_pages", "prisoners", "posters")


def remember_context(generators) -> None:
    """Pelican's all_generators_finalized, once per language."""
    context = generators[0].context
    _CONTEXTS[context["DEFAULT_LANG"]] = context


def hreflang_alternates(settings, site_url: str) -> dict[str, dict]:
    """Page path under the output → {hreflang: absolute URL}, as base.html
    declares them: each language's home lists every home; a piece lists its
    published versions; x-default is the main language's version, or home."""
    langs = languages(settings)
    pieces = {lang: [piece for key in PIECES for piece in context.get(key, ())] for lang, context in _CONTEXTS.items()}
    native = {(lang, type(piece), piece.source_path): piece for lang, shown in pieces.items() for piece in shown}

    def path(lang, save_as):
        return posixpath.join(site_folder(lang, settings), save_as)

    def address(lang, save_as):
        return f"{site_url}/{quote(path(lang, save_as), safe=URL_SAFE)}"

    homes = {lang: address(lang, settings["INDEX_SAVE_AS"]) for lang in langs}
    found = {path(lang, settings["INDEX_SAVE_AS"]): {**homes, "x-default": homes[langs[0]]} for lang in langs}
    for lang, shown in pieces.items():
        for piece in shown:
            versions = {other.lang: native.get((other.lang, type(other), other.source_path), other)
                        for other in getattr(piece, "translations", ()) if other.status == "published"}
            versions[piece.lang] = piece
            declared = {version: address(version, versions[version].save_as) for version in langs
                        if version in versions}
            found[path(lang, piece.save_as)] = {**declared, "x-default": declared.get(langs[0], homes[langs[0]])}
    return found


def sitemap_xml(pages) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
             'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for url, alternates in pages:
        lines.append(f"  <url><loc>{escape(url)}</loc>")
        for lang, href in alternates.items():
            lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(lang)} href={quoteattr(href)}/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots_txt(site_url: str, noindex: bool = False) -> str:
    if noindex:
        return "User-agent: *\nDisallow: /\n"
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url}/sitemap.xml\n"


def headers_file(settings) -> str:
    lines = [
        "/*",
        f"  Content-Security-Policy: {content_security_policy(settings)}; frame-ancestors 'none'",
        "  Referrer-Policy: no-referrer",
        "  X-Content-Type-Options: nosniff",
        "  Permissions-Policy: camera=(), microphone=(), geolocation=(), interest-cohort=()",
    ]
    if settings.get("NOINDEX"):
        lines.append("  X-Robots-Tag: noindex, nofollow")
    if settings.get("ONION_ADDRESS"):
        lines.append(f"  Onion-Location: {settings['ONION_ADDRESS'].rstrip('/')}/:splat")
    return "\n".join(lines) + "\n"


def write_host_files(pelican_obj):
    settings = pelican_obj.settings
    output, site_url = settings["OUTPUT_PATH"], settings["SITEURL"].rstrip("/")
    files = {
        "sitemap.xml": sitemap_xml(collect_pages(output, site_url, hreflang_alternates(settings, site_url))),
        "robots.txt": robots_txt(site_url, settings.get("NOINDEX", False)),
        "_headers": headers_file(settings),
    }
    for name, text in files.items():
        with open(os.path.join(output, name), "w", encoding="utf-8") as target:
            target.write(text)
    icon = os.path.join(settings["THEME"], "static", "favicon.ico")
    if os.path.isfile(icon):
        shutil.copyfile(icon, os.path.join(output, "favicon.ico"))


def register():
    signals.all_generators_finalized.connect(remember_context)
    sites_written.connect(write_host_files)
