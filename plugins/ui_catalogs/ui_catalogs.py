"""Compile the theme's gettext catalogs as part of every build.

The `.po` files under theme/translations are the only source. Each is
compiled once per version, into the cache (`catalogs/<lang>-<digest of the
.po>/`), so no `.mo` is ever committed or goes stale, and a build killed
half-way leaves no folder behind outside the cache. i18n_subsites then
installs a subsite's from its I18N_GETTEXT_LOCALEDIR.

A page asks for about thirty UI strings, and Jinja's newstyle gettext makes
each `_('Atom feed')` three calls, a Markup and a %-format: a fifth of
rendering an article. With no variables the answer depends only on the
string, so each environment (one language's) keeps it after the first ask
(remember_translations).
"""

import functools
import gettext
import io
import os
import re
import shutil

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po
from file_digests import file_digest
from jinja2 import pass_context
from site_caches import in_memory
from pelican import signals
from pipeline import stop_build
from site_rules import languages, main_site_path

DOMAIN = "messages"
EXTRACT_METHODS = [("**.html", "jinja2"), ("**.txt", "jinja2")]
_JINJA = {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}
EXTRACT_OPTIONS = {"**.html": _JINJA, "**.txt": _JINJA}


def catalog_path(theme: str, lang: str) -> str:
    return os.path.join(theme, "translations", lang, "LC_MESSAGES", f"{DOMAIN}.po")


# Every line of a catalog: blank, a comment, a keyword and its quoted text, or more quoted text.
# Babel reads an unterminated `msgstr "…` without complaint and drops its last character.
PO_LINE = re.compile(r'\s*(?:#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(?:[^"\\]|\\.)*"|"(?:[^"\\]|\\.)*")?\s*')


def _read(path: str):
    with open(path, "rb") as po:
        data = po.read()
    for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
        if not PO_LINE.fullmatch(line):
            raise ValueError(f"line {number}: a quotation mark is missing or unescaped: {line.strip()[:60]}")
    return read_po(io.BytesIO(data), abort_invalid=True)


def template_catalog(theme: str) -> Catalog:
    """Every translatable string in the theme's templates."""
    catalog = Catalog(project="iec-site", charset="utf-8")
    templates = os.path.join(theme, "templates")
    for _, _, message, comments, context in extract_from_dir(templates, EXTRACT_METHODS, EXTRACT_OPTIONS):
        catalog.add(message, None, auto_comments=comments, context=context)
    return catalog


def update_catalogs(theme: str, langs) -> None:
    """Merge the templates' strings into each language's catalog (like `pybabel update`).

    New strings arrive untranslated, changed ones fuzzy; strings no longer
    used are dropped. Translators then fill in the empty entries.
    """
    template = template_catalog(theme)
    with open(os.path.join(theme, "translations", f"{DOMAIN}.pot"), "wb") as pot:
        write_po(pot, template, omit_header=True, no_location=True, sort_output=True)
    for lang in langs:
        path = catalog_path(theme, lang)
        if os.path.isfile(path):
            catalog = _read(path)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            catalog = Catalog(locale=lang, project="iec-site", charset="utf-8")
        catalog.update(template)
        with open(path, "wb") as po:
            write_po(po, catalog, no_location=True, sort_output=True, ignore_obsolete=True)


def incomplete_entries(path: str) -> list[str]:
    """Message ids of `path` that have no translation or are marked fuzzy."""
    catalog = _read(path)
    return [
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog
        if message.id and (message.fuzzy or not message.string or (
            isinstance(message.string, tuple) and not all(message.string)))
    ]


def compile_catalogs(theme: str, langs, folder: str) -> dict:
    """{lang: its localedir}: `<folder>/<lang>-<digest>/<lang>/LC_MESSAGES/messages.mo`
    for each language, compiled unless this version of its catalog was already.

    Raises SystemExit with one line per problem: a missing or unreadable
    catalog would otherwise leave that language's pages in English.
    """
    problems, compiled = [], {}
    for lang in langs:
        source = catalog_path(theme, lang)
        try:
            localedir = os.path.join(folder, f"{lang}-{file_digest(source)[:16]}")
        except OSError:
            problems.append(f"{source}: missing: the {lang!r} site has no UI-string catalog")
            continue
        target = os.path.join(localedir, lang, "LC_MESSAGES", f"{DOMAIN}.mo")
        if not _readable(target):
            try:
                catalog = _read(source)
            except (PoFileError, UnicodeDecodeError, ValueError) as error:
                problems.append(f"{source}: not a valid gettext catalog: {error}")
                continue
            _write_mo(catalog, target)
            _remove_other_versions(folder, lang, keep=localedir)
        compiled[lang] = localedir
    if problems:
        raise SystemExit("\n".join(problems))
    return compiled


def _readable(mo_path: str) -> bool:
    """Whether gettext can load the compiled catalog at `mo_path`: a cache
    file that was damaged only costs compiling it again."""
    try:
        with open(mo_path, "rb") as mo:
            gettext.GNUTranslations(mo)
    except Exception:  # gettext raises OSError, struct.error, IndexError… for a damaged file
        return False
    return True


def _write_mo(catalog, target: str) -> None:
    """Whole or not at all: another build sharing the cache may read it at once."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    partial = f"{target}.{os.getpid()}.partial"
    with open(partial, "wb") as mo:
        write_mo(mo, catalog)
    os.replace(partial, target)


def _remove_other_versions(folder: str, lang: str, keep: str) -> None:
    # Exactly `<lang>-<digest>`: "pt-" must not match another language's "pt-BR-…".
    version = re.compile(rf"{re.escape(lang)}-[0-9a-f]{{16}}")
    for entry in os.scandir(folder):
        if version.fullmatch(entry.name) and entry.path != keep:
            shutil.rmtree(entry.path, ignore_errors=True)


# Language → the folder its catalog was compiled into, in this process.
COMPILED = in_memory("compiled catalogs")


def compile_for_build(pelican_obj):
    """The main site compiles every language's catalog when a build starts,
    so that every problem is told before anything is written; each subsite
    then finds its own compiled. In the live preview, which builds again in
    the same process, a changed `.po` is a new version in a new folder,
    which gettext needs: it keeps every catalog it loaded by path.
    """
    settings = pelican_obj.settings
    lang, subsites = settings["DEFAULT_LANG"], languages(settings)[1:]
    folder = os.path.join(os.path.abspath(main_site_path(settings, "CACHE_PATH")), "catalogs")
    try:
        COMPILED.update(compile_catalogs(settings["THEME"], [lang] if lang in subsites else subsites, folder))
    except SystemExit as problems:
        if lang not in subsites:
            stop_build(settings, str(problems).splitlines())
        raise RuntimeError(str(problems)) from None  # the preview reports it and keeps running
    if lang in subsites:
        settings["I18N_GETTEXT_LOCALEDIR"] = COMPILED[lang]


def ui_translations(lang: str):
    """The interface text of `lang` as this build compiled it (gettext; untranslated before)."""
    localedir = COMPILED.get(lang)
    return _translations(localedir, lang) if localedir else gettext.NullTranslations()


@functools.cache
def _translations(localedir: str, lang: str):
    return gettext.translation(DOMAIN, localedir, [lang], fallback=True)


def remember_translations(generator) -> None:
    """Have the generator's environment answer `_()` and `gettext()` without
    variables from what it answered before, whatever translations get
    installed in it (i18n_subsites installs them once every site is read)."""
    environment = generator.env
    install = getattr(environment, "install_gettext_translations", None)
    if install is None or getattr(install, "remembers", False):
        return  # no i18n extension, or done already

    def install_and_remember(translations, newstyle=None):
        install(translations, newstyle)
        environment.globals["_"] = environment.globals["gettext"] = remembering(environment.globals["gettext"])

    install_and_remember.remembers = True
    environment.install_gettext_translations = install_and_remember


def remembering(gettext_function):
    known = {}

    @pass_context
    def gettext(context, string, **variables):
        if variables:
            return gettext_function(context, string, **variables)
        key = (string, context.eval_ctx.autoescape)
        if key not in known:
            known[key] = gettext_function(context, string)
        return known[key]

    return gettext


def register():
    signals.initialized.connect(compile_for_build)
    signals.generator_init.connect(remember_translations)
