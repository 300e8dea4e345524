"""Debian's Chromium for the browser tests, headless and driven by Playwright: never a downloaded browser."""

# Chromium's headless shell (Debian's chromium-headless-shell, the same Blink as
# /usr/bin/chromium): what Playwright runs for headless tests. Without the
# browser's own windows and services it took 72 CPU seconds where
# `chromium --headless` took 130 for the browser tests (the suite: 101 to 125 s instead of 141 to 154).
CHROMIUM = "/usr/bin/chromium-headless-shell"
# As root and with no network but the package registries: no sandbox, and none of
# Chromium's own connections (updates, sync, field trials), which would be refused.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# A page of each template in the starter site, per language folder.
TEMPLATES = {
    "index": "index.html", "article": "updates/letters-to-evin.html", "event": "events/human-rights-day-vigil.html",
    "page": "appeal.html", "category": "events/index.html", "tags": "tags/index.html",
    "archives": "archives.html", "404": "404.html", "prisoner": "prisoners/narges-mohammadi.html",
    "prisoners": "prisoners/index.html", "mirrors": "mirrors.html",
}


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)


def url(build, lang, path):
    return (build.lang_root(lang) / path).as_uri()
