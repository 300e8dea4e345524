"""Files for hosts and crawlers, written once after every language is built.

- sitemap.xml lists every page with its hreflang alternates, read back from
  the pages themselves (pelican-sitemap lists main-language URLs twice and
  misses the subsites' pages under i18n_subsites).
- robots.txt points crawlers to the sitemap, or turns them all away when
  NOINDEX is set (pull-request previews).
- _headers gives hosts that read it (Netlify, Cloudflare Pages and others)
  the security headers, and the Onion-Location header when there is an
  onion service.
- favicon.ico, the theme's icon (drawn by icon.py), also at the root: pages
  link it from the theme's folder, but browsers ask /favicon.ico directly for
  feeds, images and other files that link nothing.
"""

import html
import os
import re
import shutil
from urllib.parse import quote, urljoin
from xml.sax.saxutils import escape, quoteattr

from build_cache.fingerprints import bytes_digest
from build_cache.memory import in_memory
from pipeline import sites_written

SKIPPED = {"404.html"}
URL_SAFE = ":/?#[]@!$&'()*+,;=%"


# The theme writes hreflang links in exactly this form (base.html); reading
# only the head with a pattern is far faster than parsing thousands of pages.
HREFLANG = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')


def collect_pages(output: str, site_url: str) -> list[tuple[str, dict]]:
    """[(absolute URL, {hreflang: absolute URL})] for every HTML page under `output`."""
    pages = []
    top = os.path.join(os.path.normpath(output), "")
    for directory, _, names in sorted(os.walk(top)):
        for name in sorted(names):
            relative = os.path.join(directory, name)[len(top):].replace(os.sep, "/")
            if not name.endswith(".html") or relative.split("/")[-1] in SKIPPED:
                continue
            pages.append(_page(os.path.join(directory, name), relative, site_url))
    return pages


# (path, site address, digest of the page) → that page's entry: `invoke serve`
# rebuilds in one process, and most pages are the same as in its last build.
_SEEN = in_memory("sitemap entries")


def _page(path: str, relative: str, site_url: str) -> tuple[str, dict]:
    """(absolute URL, {hreflang: absolute URL}) of one page."""
    with open(path, "rb") as page:
        data = page.read()
    key = (path, site_url, bytes_digest(data))
    if key not in _SEEN:
        url = f"{site_url}/{quote(relative)}"
        head = data.decode("utf-8").partition("</head>")[0]
        _SEEN[key] = (url, {lang: urljoin(url, quote(html.unescape(href), safe=URL_SAFE))
                            for lang, href in HREFLANG.findall(head)})
    return _SEEN[key]


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
        f"  Content-Security-Policy: {settings['CONTENT_SECURITY_POLICY']}; frame-ancestors 'none'",
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
        "sitemap.xml": sitemap_xml(collect_pages(output, site_url)),
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
    sites_written.connect(write_host_files)
