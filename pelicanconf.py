"""Settings for building the campaign site locally.

Everything a build needs is here; publishconf.py imports this module and
overrides only what publishing changes (absolute URLs, the public address).
Each subsite language overrides just its name in I18N_SUBSITES below.
"""

# --- Identity -----------------------------------------------------------------
AUTHOR = "International Emergency Campaign"
SITENAME = "Free Iran's Political Prisoners"
SITESUBTITLE = "International Emergency Campaign to Free Iran's Political Prisoners"
# Pages link relatively (RELATIVE_URLS); feeds need an absolute address, and
# for a preview that is `invoke serve`'s. publishconf.py sets the public one.
SITEURL = "http://localhost:8000"
TIMEZONE = "UTC"

# --- Content layout -----------------------------------------------------------
# One file per piece per language: content/<section>/<slug>.<lang>.md.
# The file name gives slug and lang, the folder gives the category.
PATH = "content"
ARTICLE_PATHS = ["updates", "events"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
USE_FOLDER_AS_CATEGORY = True
FILENAME_METADATA = r"(?P<slug>[^.]+)\.(?P<lang>[^.]+)"
ARTICLE_TRANSLATION_ID = "slug"
PAGE_TRANSLATION_ID = "slug"
DEFAULT_CATEGORY = "updates"
# Prisoner profiles: content/prisoners/<slug>.<lang>.md (plugins/prisoners).
PRISONERS_PATH = "prisoners"
# Section names as readers see them; the theme's catalogs translate them.
SECTIONS = {"updates": "Updates", "events": "Events"}

# --- URLs ---------------------------------------------------------------------
# Every URL names a file (never a bare directory), so the same build works on
# any static host, under a sub-path and opened from disk.
RELATIVE_URLS = True
ARTICLE_URL = ARTICLE_SAVE_AS = "{category}/{slug}.html"
PAGE_URL = PAGE_SAVE_AS = "{slug}.html"
CATEGORY_URL = CATEGORY_SAVE_AS = "{slug}/index.html"
TAG_URL = TAG_SAVE_AS = "tags/{slug}.html"
TAGS_URL = TAGS_SAVE_AS = "tags/index.html"
ARCHIVES_URL = ARCHIVES_SAVE_AS = "archives.html"
INDEX_SAVE_AS = "index.html"
PRISONER_URL = PRISONER_SAVE_AS = "prisoners/{slug}.html"
PRISONER_LANG_URL = PRISONER_LANG_SAVE_AS = PRISONER_URL
PRISONERS_INDEX_SAVE_AS = "prisoners/index.html"
DIRECT_TEMPLATES = ["index", "tags", "archives", "404", "mirrors", "subscribe", "search"]
# Translations are written by their own language's subsite, never as copies.
ARTICLE_LANG_URL = ARTICLE_LANG_SAVE_AS = ""
PAGE_LANG_URL = PAGE_LANG_SAVE_AS = ""
# Sections are the navigation; authors and draft pages get no public pages.
CATEGORIES_SAVE_AS = ""
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
DRAFT_SAVE_AS = DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_LANG_SAVE_AS = ""
DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page-{number}.html", "{base_name}/page-{number}.html"),
)
# Tags are written in each file's language; their URLs keep the script
# (Persian stays Persian, with its zero-width non-joiner) instead of being
# transliterated into unreadable ASCII. Piece slugs come from file names.
SLUGIFY_USE_UNICODE = True
TAG_REGEX_SUBSTITUTIONS = [
    (r"[^\w\s\u200c-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s\u200c]*\u200c[-\s\u200c]*", "\u200c"),
    (r"[-\s]+", "-"),
]

# --- Languages ----------------------------------------------------------------
# English is the main site at /, each subsite is built under /<lang>/.
DEFAULT_LANG = "en"
I18N_SUBSITES = {
    "fa": {
        "SITENAME": "آزادی زندانیان سیاسی ایران",
        "SITESUBTITLE": "کارزار بین‌المللی اضطراری برای آزادی زندانیان سیاسی ایران",
    },
    "es": {
        "SITENAME": "Libertad para los presos políticos de Irán",
        "SITESUBTITLE": "Campaña Internacional de Emergencia por la Libertad de los Presos Políticos de Irán",
    },
}
# A piece missing in a language is neither listed nor copied there as a draft.
I18N_UNTRANSLATED_ARTICLES = "remove"
I18N_UNTRANSLATED_PAGES = "remove"

# --- Feeds --------------------------------------------------------------------
# Per language: all items, and each section. FEED_ALL_* would mix languages.
FEED_ALL_ATOM = FEED_ALL_RSS = None
TRANSLATION_FEED_ATOM = TRANSLATION_FEED_RSS = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
FEED_ATOM = "feeds/all.atom.xml"
FEED_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = "feeds/{slug}.rss.xml"
PRISONER_FEED_ATOM = "feeds/prisoners/{slug}.atom.xml"
PRISONER_FEED_RSS = "feeds/prisoners/{slug}.rss.xml"
FEED_MAX_ITEMS = 20

# --- Events and calendars -----------------------------------------------------
# Event times without their own `timezone` are read in TIMEZONE.
CALENDAR_SAVE_AS = "events/calendar.ics"
EVENT_CALENDAR_SAVE_AS = "events/{slug}.ics"
# Calendar UIDs must not change when the site moves host or mirror.
CALENDAR_UID_DOMAIN = "free-iran-political-prisoners.campaign"
# The day "upcoming" and "time in prison" are counted from: None means the
# day of the build; set "YYYY-MM-DD" to rebuild the site as of another day.
BUILD_DATE = None
RSS_FEED_SUMMARY_ONLY = False

# --- Theme --------------------------------------------------------------------
THEME = "theme"
THEME_STATIC_DIR = "theme"
JINJA_ENVIRONMENT = {
    "extensions": ["jinja2.ext.i18n"],
    "autoescape": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
    # Templates do not change during a build; no file checks per include.
    "auto_reload": False,
}
# Dates are written by the theme's date partial in each language's calendar
# and digits (plugins/local_dates). Pelican's own `locale_date` is not shown
# anywhere, so it is formatted as nothing instead of for every piece in every
# language (0.06 s per language at 1,000 updates).
DEFAULT_DATE_FORMAT = ""
# Markdown is read with markdown-it-py (plugins/markdown_engine; README's
# "How Markdown is rendered"). Straight quotes, --, --- and ... become
# typographic, with each language's quotation marks for "…" and '…':
# MARKDOWN_TYPOGRAPHY = True
# MARKDOWN_QUOTES = {"en": "“”‘’", "es": "«»“”", "fa": "«»“”"}

# --- Reaching readers ----------------------------------------------------------
# Everything comes from the site itself and no inline code runs; the only
# scripts are progressive enhancements (search, copy link). Search runs
# Pagefind's WebAssembly. Sent as a <meta> in every page and, for hosts that
# read it, in the _headers file.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; "
    "style-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'self'"
)
# Other addresses of this site, listed on the "Other ways to reach this site"
# page: full URLs of mirrors, and an onion service (also sent as an
# Onion-Location header, which Tor Browser follows).
MIRRORS = []
ONION_ADDRESS = ""
# Search engines are asked not to index the site (robots meta, robots.txt,
# X-Robots-Tag): for pull-request previews (`invoke preview`), never the public site.
NOINDEX = False
# Images in content/images/ are re-saved without metadata and in these widths.
IMAGE_WIDTHS = [480, 960]

# Email digest: `invoke digest` sets these for one build; a normal build
# writes no digest.
DIGEST_SINCE = None
DIGEST_UNTIL = None

# --- Web editor ---------------------------------------------------------------
# Decap CMS at admin/ (plugins/editor), its fields generated from the content
# contract. Off by default: the bundle is 6 MB that readers never need. Turn it
# on for the build that serves writers (-e EDITOR=true). EDITOR_REPO
# ("owner/name") selects GitHub with EDITOR_AUTH_URL as the login server;
# without it the editor writes through decap-server at EDITOR_LOCAL_BACKEND.
EDITOR = False
# EDITOR_REPO = ""
# EDITOR_BRANCH = "main"
# EDITOR_AUTH_URL = ""
# EDITOR_LOCAL_BACKEND = "http://127.0.0.1:8081/api/v1"

# --- Plugins ------------------------------------------------------------------
# Plugins import each other, site_rules and pelican_compat as packages
# (pyproject.toml installs plugins/), so imports do not depend on this order,
# and the steps after a site is written are named signals (plugins/pipeline).
# Order still matters where two plugins handle the same Pelican signal:
# libyaml_reader replaces yaml_metadata's reader and markdown_engine
# replaces libyaml_reader's, and the catalogs must be
# compiled (ui_catalogs) before i18n_subsites installs them. own_language
# after build_cache is only faster (its docstring says why). pipeline comes
# first so that its report (what site_build shows) takes every warning.
PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "pipeline",
    "yaml_metadata",
    "libyaml_reader",
    "markdown_engine",
    "local_dates",
    "images",
    "tag_names",
    "content_contract",
    "safe_text",
    "template_cache",
    "ui_catalogs",
    "i18n_subsites",
    "multilingual",
    "feed_details",
    "events",
    "prisoners",
    "search_index",
    "build_cache",
    "own_language",
    "digest",
    "editor",
    "posters",
    "host_files",
]

# --- Build --------------------------------------------------------------------
DELETE_OUTPUT_DIRECTORY = True
# Parsed Markdown is cached per file in CACHE_PATH and shared by all
# languages: every file is parsed once per build, and not at all when its
# bytes did not change (a content digest, never the modification time, which
# a checkout or a copy may keep; build_cache compares digests whatever this
# says). `invoke clean` empties the cache.
CACHE_CONTENT = True
CHECK_MODIFIED_METHOD = "sha256"
CONTENT_CACHING_LAYER = "reader"
LOAD_CONTENT_CACHE = True
# Uncompressed: loading and saving it is faster than compressing it saves.
GZIP_CACHE = False
# New source files are parsed by one worker process per core, and once every
# language has read its content, the subsites' pages are written by forked
# copies of the build process beside the main site's (build_cache).
PARALLEL_BUILD = True
# Keep each language's content objects for the next build in the same
# process. The live preview (site_build.preview_command) turns this on and
# PARALLEL_BUILD off: it builds again on every save and renders few pages.
KEEP_CONTENT_OBJECTS = False
# Each language's site gets its own Pagefind index (<site>/pagefind/) once its
# pages are written (search_index). Off in the live preview.
SEARCH_INDEX = True

# --- Campaign actions ---------------------------------------------------------
# The appeal's sign-up form posts to APPEAL_FORM_ACTION (a form service or your
# own endpoint, https://…); the Content-Security-Policy's form-action then
# allows this site and that host only (plugins/prisoners). Empty: no form is
# shown, and the appeal offers an email to CONTACT_EMAIL with the signature
# filled in instead.
APPEAL_FORM_ACTION = ""
# The campaign's address, shown on About, Appeal and Donate and used for
# signatures and messages of solidarity sent by email. Empty: not shown.
CONTACT_EMAIL = ""
# Every prisoner's status changes (status_history), per language.
STATUS_FEED_ATOM = "feeds/status.atom.xml"
STATUS_FEED_RSS = "feeds/status.rss.xml"
# --- end of campaign actions ---
