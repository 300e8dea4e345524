"""Stock Pelican with i18n_subsites over the benchmark corpus: the `simple`
theme, no project plugins (YAML front-matter needs pelican-yaml-metadata)."""

AUTHOR = "Benchmark"
SITENAME = "Stock"
SITEURL = "http://localhost:8000"
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
THEME = "simple"
ARTICLE_PATHS = ["updates", "events"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
FILENAME_METADATA = r"(?P<slug>[^.]+)\.(?P<lang>[^.]+)"
ARTICLE_URL = ARTICLE_SAVE_AS = "{category}/{slug}.html"
PAGE_URL = PAGE_SAVE_AS = "{slug}.html"
FEED_ALL_ATOM = None
FEED_ATOM = "feeds/all.atom.xml"
FEED_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
DEFAULT_PAGINATION = 10
RELATIVE_URLS = True
PLUGINS = ["yaml_metadata", "i18n_subsites"]
I18N_SUBSITES = {"fa": {}, "es": {}}
I18N_UNTRANSLATED_ARTICLES = "remove"
I18N_UNTRANSLATED_PAGES = "remove"
CACHE_CONTENT = True
CONTENT_CACHING_LAYER = "reader"
