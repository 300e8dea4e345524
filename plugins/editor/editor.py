"""The web editor: Decap CMS at admin/, its configuration generated from the content contract.

With EDITOR = True, the build copies the CMS (the npm package decap-cms,
pinned in the Makefile, which unpacks it into node_modules/) into <output>/admin/ beside an
admin/index.html and an admin/config.yml written from content_contract's
SECTIONS, so the editor's fields, widgets and required fields cannot drift
from what `invoke check` accepts. Nothing is loaded from another host: the
page's own Content-Security-Policy allows only the site itself and the
configured backend (decap-server on loopback, or the GitHub API).

Without node_modules/decap-cms (no `make editor` or `make test`), the site builds as always and
one log line says the editor was left out.
"""

import json
import os
import shutil
import zoneinfo
from html import escape
from urllib.parse import urlsplit

from content_contract.content_contract import EMAIL, STATUS_HISTORY
from content_contract.content_contract import (
    DATE, EVENT_SLUG, EVENT_TIME, IMAGE, LIST, LOCATION, PRISONER_SLUGS, SECTIONS, TAGS, TEXT, URL, YEAR, ZONE)
from pipeline import say, sites_written
from site_rules import PRISONER_STATUSES
from site_rules import languages as site_languages

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE = os.path.join(ROOT, "node_modules", "decap-cms")
LOCAL_SERVER = os.path.join(ROOT, "node_modules", "decap-server", "dist", "index.js")
# YAML parser for reading files in the browser (a UMD file, global jsyaml).
JS_YAML = os.path.join("js-yaml", "dist", "js-yaml.min.js")
ADMIN = "admin"
DEFAULT_LOCAL_BACKEND = "http://127.0.0.1:8081/api/v1"
GITHUB_API = "https://api.github.com"

LABELS = {"updates": ("Updates", "Update"), "events": ("Events", "Event"), "pages": ("Pages", "Page"),
          "prisoners": ("Prisoners", "Prisoner profile")}
# Every field is per language (i18n: true), dates and images too: Decap
# writes a language's file as soon as that language has any value, so a field
# copied into every language ("duplicate") would write, for each language
# nobody translated, a file with a date and no title. "Fill in from another
# locale" copies the fields over when a writer starts a translation.
HINTS = {
    "title": "The headline, in this language. The file name (the address) is made from the English title.",
    "date": "Gregorian date (UTC).",
    "summary": "One or two sentences for lists, feeds and the page description.",
    "tags": "In this language, separated by commas.",
    "image": "A JPEG, PNG, WebP or GIF photo; it is published without its location or camera data.",
    "image_alt": "What the image shows, for readers who cannot see it. Needed when there is an image.",
    "photo_alt": "What the photo shows, for readers who cannot see it. Needed when there is a photo.",
    "status": "Drafts are not published in any language.",
    "start": "Local time at the venue.",
    "end": "Local time at the venue; not before the start.",
    "timezone": "The venue's time zone; UTC when empty.",
    "online": "Address of a stream or meeting (https://…).",
    "event": "In a report: the event it reports on.",
    "name_native": "The name in Persian script.",
    "arrested": "Gregorian date.",
    "born": "A year, such as 1972.",
}


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


# Fields whose text runs over several lines or paragraphs.
LONG_TEXT = {"summary", "sentence", "action_letter", "action_solidarity", "action_to"}


def field_widget(name: str, kind) -> dict:
    """The Decap field for one contract field (without label, required and i18n)."""
    if isinstance(kind, tuple):
        return {"widget": "select", "options": list(kind)}
    if kind == TEXT:
        return {"widget": "text" if name in LONG_TEXT else "string"}
    if kind == DATE:
        # Stored as YYYY-MM-DD, which YAML reads as a date.
        return {"widget": "datetime", "date_format": "YYYY-MM-DD", "time_format": False, "format": "YYYY-MM-DD",
                "picker_utc": True}
    if kind == EVENT_TIME:
        return {"widget": "datetime", "format": "YYYY-MM-DD HH:mm", "date_format": "YYYY-MM-DD",
                "time_format": "HH:mm"}
    if kind in (LIST, TAGS) and name in LONG_TEXT:
        # Each item has lines of its own (an address on an envelope): a text box per item, not commas.
        return {"widget": "list", "field": {"label": "Addressee", "name": "item", "widget": "text"}}
    if kind in (LIST, TAGS):
        return {"widget": "list"}
    if kind == YEAR:
        return {"widget": "number", "value_type": "int", "min": 1900, "max": 2100}
    if kind == URL:
        return {"widget": "string", "pattern": ["^https?://[^\\s/]+", "A web address such as https://example.org/live"]}
    if kind == ZONE:
        return {"widget": "select", "options": sorted(zoneinfo.available_timezones())}
    if kind == LOCATION:
        return {"widget": "object", "collapsed": False, "fields": [
            {"label": "Name", "name": "name", "widget": "string"},
            {"label": "Address", "name": "address", "widget": "string", "required": False}]}
    if kind == IMAGE:
        return {"widget": "image", "choose_url": False}
    if kind == PRISONER_SLUGS:
        return {"widget": "relation", "collection": "prisoners", "value_field": "{{slug}}",
                "search_fields": ["name"], "display_fields": ["name"], "multiple": True}
    if kind == EVENT_SLUG:
        return {"widget": "relation", "collection": "events", "value_field": "{{slug}}",
                "search_fields": ["title"], "display_fields": ["title"]}
    if kind == STATUS_HISTORY:
        return {"widget": "list", "summary": "{{fields.date}}: {{fields.status}}", "fields": [
            {"label": "Date", "name": "date", **field_widget("date", DATE)},
            {"label": "Status", "name": "status", "widget": "select", "options": list(PRISONER_STATUSES)},
            {"label": "Note", "name": "note", "widget": "string", "required": False}]}
    if kind == EMAIL:
        return {"widget": "string", "pattern": ["^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", "An email address such as info@example.org"]}
    raise ValueError(f"no editor widget for the field kind {kind!r}")


def collection(section: str, settings) -> dict:
    fields, required = SECTIONS[section]
    identifier = "title" if "title" in fields else "name"
    editor_fields = []
    for name, kind in fields.items():
        field = {"label": _label(name), "name": name, **field_widget(name, kind),
                 "i18n": True}
        if name not in required:
            field["required"] = False
        if name in HINTS:
            field["hint"] = HINTS[name]
        editor_fields.append(field)
    editor_fields.append({"label": "Text", "name": "body", "widget": "markdown", "i18n": True,
                          "required": False, "buttons": ["bold", "italic", "link", "heading-two",
                                                         "heading-three", "quote", "bulleted-list",
                                                         "numbered-list"],
                          "editor_components": ["image"], "modes": ["rich_text", "raw"]})
    plural, singular = LABELS.get(section, (section.capitalize(), section.capitalize()))
    path = settings["PATH"]
    return {
        "name": section, "label": plural, "label_singular": singular,
        "folder": f"{os.path.basename(os.path.normpath(path))}/{section}", "create": True,
        "extension": "md", "format": FORMAT, "slug": f"{{{{{identifier}}}}}",
        "identifier_field": identifier, "summary": f"{{{{{identifier}}}}} ({{{{slug}}}})",
        "sortable_fields": ["date", identifier] if "date" in fields else [identifier],
        "i18n": True, "editor": {"preview": False}, "fields": editor_fields,
    }


def backend_origins(settings) -> list[str]:
    """Origins the editor talks to besides the site itself."""
    origins = []
    local = settings.get("EDITOR_LOCAL_BACKEND") or DEFAULT_LOCAL_BACKEND
    parts = urlsplit(local)
    origins.append(f"{parts.scheme}://{parts.netloc}")
    if settings.get("EDITOR_REPO"):
        origins.append(GITHUB_API)
    return origins


def editor_config(settings) -> dict:
    """Decap CMS's config.yml as a dict, from the content contract and the site's languages."""
    content = os.path.basename(os.path.normpath(settings["PATH"]))
    local = settings.get("EDITOR_LOCAL_BACKEND") or DEFAULT_LOCAL_BACKEND
    repo = settings.get("EDITOR_REPO") or ""
    if repo:
        backend = {"name": "github", "repo": repo, "branch": settings.get("EDITOR_BRANCH") or "main",
                   "squash_merges": True}
        if settings.get("EDITOR_AUTH_URL"):
            auth = urlsplit(settings["EDITOR_AUTH_URL"])
            backend.update({"base_url": f"{auth.scheme}://{auth.netloc}",
                            "auth_endpoint": auth.path.lstrip("/") or "auth"})
        # On localhost, decap-server is used when it runs; the repository otherwise.
        local_backend = {"url": local, "allowed_hosts": ["localhost", "127.0.0.1"]}
    else:
        backend, local_backend = {"name": "proxy", "proxy_url": local}, None
    config = {
        "backend": backend,
        "media_folder": f"{content}/images",
        # Images are named by file name only (image: vigil.jpg), as the contract wants.
        "public_folder": "",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "i18n": {"structure": "multiple_files", "locales": site_languages(settings),
                 "default_locale": settings["DEFAULT_LANG"]},
        "collections": [collection(section, settings) for section in SECTIONS],
    }
    if local_backend:
        config["local_backend"] = local_backend
    return config


def content_security_policy(settings) -> str:
    # Decap compiles its config schema to functions (AJV: 'unsafe-eval') and
    # inserts its styles at run time (emotion: 'unsafe-inline'); only this
    # page allows either, and still nothing from another host.
    connect = " ".join(["'self'", *backend_origins(settings)])
    return ("default-src 'none'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data: blob:; media-src 'self' blob:; font-src 'self' data:; connect-src {connect}; "
            "worker-src 'self' blob:; base-uri 'none'; form-action 'none'; object-src 'none'")


def admin_page(settings) -> str:
    title = f"Web editor — {settings.get('SITENAME', '')}"
    return f"""<!doctype html>
<html lang="{escape(settings['DEFAULT_LANG'])}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{escape(content_security_policy(settings), quote=False)}">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>{escape(title)}</title>
<link rel="stylesheet" href="editor.css">
</head>
<body>
<noscript><p>The web editor needs JavaScript. You can also write the Markdown files yourself; see README.md.</p></noscript>
<script src="decap-cms.js"></script>
<script src="js-yaml.min.js"></script>
<script src="editor.js"></script>
</body>
</html>
"""


# editor.js, loaded after the CMS:
# - Farsi (and any right-to-left text) is written right to left: every text
#   field and the rich-text editor get dir="auto", so each takes the
#   direction of its first letter, and each paragraph its own.
# - The "contract-frontmatter" format writes files as the contract wants them
#   (YAML between --- lines; dates as YYYY-MM-DD, times quoted; lists in
#   brackets; text in double quotes; empty fields left out) and writes no
#   file at all for a language nobody wrote in. Decap's own format writes one
#   for every language (decaporg/decap-cms#6932), which would publish empty
#   translations. Files are read with js-yaml's core schema (YAML 1.2), so a
#   date stays the text the date widget edits.
FORMAT = "contract-frontmatter"
# Decap adds a newline to what a format writes, so an empty translation
# ("") became "\n" and a file; in the bundle copied to admin/ (decap-cms
# 3.16.3's entryToRaw) the newline is added only to a file with content.
NEWLINE_EVERY_FILE = 'return"\\n"!=o.slice(-1)&&(o+="\\n"),o}fieldsOrder('
NEWLINE_WRITTEN_FILES = 'return o&&"\\n"!=o.slice(-1)&&(o+="\\n"),o}fieldsOrder('
EDITOR_JS = """\
(function () {
  "use strict";
  var FIELDS = 'input[type="text"], input:not([type]), textarea, [contenteditable="true"]';
  var pending = false;
  function mark() {
    pending = false;
    document.querySelectorAll(FIELDS).forEach(function (field) {
      if (!field.hasAttribute("dir")) field.setAttribute("dir", "auto");
    });
  }
  new MutationObserver(function () {
    if (!pending) { pending = true; window.requestAnimationFrame(mark); }
  }).observe(document.documentElement, { childList: true, subtree: true });

  var FRONT_MATTER = /^---\\r?\\n([\\s\\S]*?)\\r?\\n(?:---|\\.\\.\\.)[ \\t]*(?:\\r?\\n|$)([\\s\\S]*)$/;
  var DATE = /^\\d{4}-\\d{2}-\\d{2}$/;
  function empty(value) {
    if (value === null || value === undefined) return true;
    if (typeof value === "string") return value.trim() === "";
    if (Array.isArray(value)) return value.every(empty);
    if (typeof value === "object") return Object.keys(value).every(function (key) { return empty(value[key]); });
    return false;
  }
  function text(value) { return JSON.stringify(String(value)); }
  function scalar(value) {
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    return DATE.test(String(value)) ? String(value) : text(value);
  }
  function line(key, value) {
    if (Array.isArray(value) && value.some(function (item) { return item && typeof item === "object"; })) {
      return key + ":" + value.filter(function (item) { return !empty(item); }).map(function (item) {
        return Object.keys(item).filter(function (part) { return !empty(item[part]); })
          .map(function (part, index) { return (index ? "\\n    " : "\\n  - ") + part + ": " + scalar(item[part]); })
          .join("");
      }).join("");
    }
    if (Array.isArray(value)) {
      return key + ": [" + value.filter(function (item) { return !empty(item); }).map(text).join(", ") + "]";
    }
    if (typeof value === "object") {
      return key + ":" + Object.keys(value).filter(function (part) { return !empty(value[part]); })
        .map(function (part) { return "\\n  " + part + ": " + text(value[part]); }).join("");
    }
    return key + ": " + scalar(value);
  }
  CMS.registerCustomFormat("%(format)s", "md", {
    fromFile: function (content) {
      var match = FRONT_MATTER.exec(content);
      if (!match) return { body: content };
      var data = window.jsyaml.load(match[1], { schema: window.jsyaml.CORE_SCHEMA }) || {};
      data.body = match[2];
      return data;
    },
    toFile: function (data, sortedKeys) {
      var keys = (sortedKeys || []).concat(Object.keys(data)).filter(function (key, index, all) {
        return key !== "body" && all.indexOf(key) === index && Object.prototype.hasOwnProperty.call(data, key)
          && !empty(data[key]);
      });
      var body = typeof data.body === "string" ? data.body : "";
      if (!keys.length && !body.trim()) return "";
      if (body && body.slice(-1) !== "\\n") body += "\\n";
      return "---\\n" + keys.map(function (key) { return line(key, data[key]) + "\\n"; }).join("") + "---\\n" + body;
    }
  });
})();
""".replace("%(format)s", FORMAT)
EDITOR_CSS = """\
[contenteditable="true"] > * { unicode-bidi: plaintext; }
"""


def bundle_files(package: str = PACKAGE) -> list[str]:
    """The files of Decap CMS's prebuilt bundle (names in package/dist/), or [] when not installed."""
    dist = os.path.join(package, "dist")
    if not os.path.isfile(os.path.join(dist, "decap-cms.js")) or not os.path.isfile(_js_yaml(package)):
        return []
    return sorted(name for name in os.listdir(dist)
                  if name == "decap-cms.js" or name.endswith((".decap-cms.js", ".wasm"))
                  or name == "decap-cms.js.LICENSE.txt")


def _js_yaml(package: str) -> str:
    return os.path.join(os.path.dirname(package), JS_YAML)


def config_yaml(settings) -> str:
    # JSON is YAML: no YAML library decides how to quote what.
    return ("# Generated by plugins/editor from the content contract; do not edit.\n"
            + json.dumps(editor_config(settings), ensure_ascii=False, indent=1) + "\n")


def write_admin(settings, output: str, package: str | None = None) -> str | None:
    """Write <output>/admin/ (page, config, CMS bundle); its path, or None when the CMS is not installed."""
    package = package or settings.get("EDITOR_PACKAGE") or PACKAGE
    files = bundle_files(package)
    if not files:
        return None
    admin = os.path.join(output, ADMIN)
    os.makedirs(admin, exist_ok=True)
    for name in files:
        if name == "decap-cms.js":
            with open(os.path.join(package, "dist", name), encoding="utf-8") as source:
                script = source.read()
            if script.count(NEWLINE_EVERY_FILE) != 1:
                shutil.rmtree(admin)
                return None
            with open(os.path.join(admin, name), "w", encoding="utf-8") as target:
                target.write(script.replace(NEWLINE_EVERY_FILE, NEWLINE_WRITTEN_FILES))
        else:
            shutil.copyfile(os.path.join(package, "dist", name), os.path.join(admin, name))
    shutil.copyfile(_js_yaml(package), os.path.join(admin, "js-yaml.min.js"))
    for name, text in (("index.html", admin_page(settings)), ("config.yml", config_yaml(settings)),
                       ("editor.css", EDITOR_CSS), ("editor.js", EDITOR_JS)):
        with open(os.path.join(admin, name), "w", encoding="utf-8") as target:
            target.write(text)
    return admin


def _version(package: str) -> str:
    try:
        with open(os.path.join(package, "package.json"), encoding="utf-8") as manifest:
            return json.load(manifest).get("version", "?")
    except (OSError, ValueError):
        return "?"


def write_editor(pelican_obj):
    settings = pelican_obj.settings
    if not settings.get("EDITOR"):
        return
    admin = write_admin(settings, settings["OUTPUT_PATH"])
    if admin is None:
        say(settings, "Web editor: decap-cms is not installed (make editor) or not the pinned version; "
            "the site is built without admin/.")
        return
    size = sum(os.path.getsize(os.path.join(admin, name)) for name in os.listdir(admin))
    say(settings, f"Web editor: admin/ with Decap CMS {_version(settings.get('EDITOR_PACKAGE') or PACKAGE)} "
        f"({size // 1024} KB).")


def register():
    sites_written.connect(write_editor)


def local_backend(repository: str, port: int = 8081, commit: bool = False) -> tuple[list[str], dict]:
    """decap-server's command and environment: it writes the editor's saves into
    `repository`'s files (and commits each one with `commit`), listening on
    loopback only, since it accepts writes from anyone who can reach it."""
    env = {**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "git" if commit else "fs",
           "GIT_REPO_DIRECTORY": os.path.abspath(repository), "LOG_LEVEL": "warn"}
    return ["node", LOCAL_SERVER], env
