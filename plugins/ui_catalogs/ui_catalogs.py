"""Compile the theme's gettext catalogs as part of every build.

The `.po` files under theme/translations are the only source; compiled `.mo`
files go to a temporary folder so none is ever committed or goes stale.
i18n_subsites then installs them from I18N_GETTEXT_LOCALEDIR.

A page asks for about thirty UI strings, and Jinja's newstyle gettext makes
each `_('Atom feed')` three calls, a Markup and a %-format: a fifth of
rendering an article. With no variables the answer depends only on the
string, so each environment (one language's) keeps it after the first ask
(remember_translations).
"""

import atexit
import functools
import gettext
import os
import shutil
import tempfile

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po
from build_cache.fingerprints import file_digest
from jinja2 import pass_context
from site_caches import in_memory
from pelican import signals
from pipeline import stop_build
from site_rules import languages

DOMAIN = "messages"
EXTRACT_METHODS = [("**.html", "jinja2"), ("**.txt", "jinja2")]
_JINJA = {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}
EXTRACT_OPTIONS = {"**.html": _JINJA, "**.txt": _JINJA}


def catalog_path(theme: str, lang: str) -> str:
    return os.path.join(theme, "translations", lang, "LC_MESSAGES", f"{DOMAIN}.po")


def _read(path: str):
    with open(path, "rb") as po:
        return read_po(po, abort_invalid=True)


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


def compile_catalogs(theme: str, langs, localedir: str) -> None:
    """Write `<localedir>/<lang>/LC_MESSAGES/messages.mo` for each language.

    Raises SystemExit with one line per problem: a missing or unreadable
    catalog would otherwise leave that language's pages in English.
    """
    problems = []
    for lang in langs:
        source = catalog_path(theme, lang)
        if not os.path.isfile(source):
            problems.append(f"{source}: missing: the {lang!r} site has no UI-string catalog")
            continue
        try:
            catalog = _read(source)
        except (PoFileError, UnicodeDecodeError, ValueError) as error:
            problems.append(f"{source}: not a valid gettext catalog: {error}")
            continue
        target = os.path.join(localedir, lang, "LC_MESSAGES")
        os.makedirs(target, exist_ok=True)
        with open(os.path.join(target, f"{DOMAIN}.mo"), "wb") as mo:
            write_mo(mo, catalog)
    if problems:
        raise SystemExit("\n".join(problems))


# Language → (a digest of its .po file, the folder it was compiled into), in this process.
COMPILED = in_memory("compiled catalogs")


def compile_for_build(pelican_obj):
    """The main site compiles every language's catalog when a build starts.

    Each subsite uses its language's; in the live preview, which builds
    again in the same process, a subsite compiles its catalog again when
    the `.po` changed, into a new folder, because gettext keeps every
    catalog it loaded by path.
    """
    settings = pelican_obj.settings
    lang, subsites = settings["DEFAULT_LANG"], languages(settings)[1:]
    langs = [lang] if lang in subsites else subsites
    stamps = {language: _stamp(catalog_path(settings["THEME"], language)) for language in langs}
    if lang in subsites and COMPILED.get(lang, (None,))[0] == stamps[lang]:
        settings["I18N_GETTEXT_LOCALEDIR"] = COMPILED[lang][1]
        return
    localedir = tempfile.mkdtemp(prefix="ui-catalogs-")
    atexit.register(shutil.rmtree, localedir, ignore_errors=True)
    try:
        compile_catalogs(settings["THEME"], langs, localedir)
    except SystemExit as problems:
        if lang not in subsites:
            stop_build(settings, str(problems).splitlines())
        raise RuntimeError(str(problems)) from None  # the preview reports it and keeps running
    COMPILED.update({language: (stamp, localedir) for language, stamp in stamps.items()})
    settings["I18N_GETTEXT_LOCALEDIR"] = localedir


def ui_translations(lang: str):
    """The interface text of `lang` as this build compiled it (gettext; untranslated before)."""
    localedir = COMPILED.get(lang, (None, None))[1]
    return _translations(localedir, lang) if localedir else gettext.NullTranslations()


@functools.cache
def _translations(localedir: str, lang: str):
    return gettext.translation(DOMAIN, localedir, [lang], fallback=True)


def _stamp(path: str):
    try:
        return file_digest(path)
    except OSError:
        return None


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
