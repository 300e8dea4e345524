"""UI strings: every template string is in every catalog, translated and not fuzzy."""

import pathlib

import pytest
from conftest import ROOT
from ui_catalogs import catalog_path, incomplete_entries, template_catalog

SUBSITE_LANGS = ("fa", "es")


def template_strings() -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in template_catalog(str(ROOT / "theme")) if m.id}


def catalog_ids(lang) -> set[str]:
    from babel.messages.pofile import read_po
    with open(catalog_path(str(ROOT / "theme"), lang), "rb") as po:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(po) if m.id}


def test_templates_use_translatable_strings():
    assert len(template_strings()) >= 20


@pytest.mark.parametrize("lang", SUBSITE_LANGS)
def test_catalog_holds_every_template_string(lang):
    missing = template_strings() - catalog_ids(lang)
    assert not missing, f"run `invoke catalogs` and translate: {sorted(missing)}"


@pytest.mark.parametrize("lang", SUBSITE_LANGS)
def test_catalog_has_no_untranslated_or_fuzzy_entry(lang):
    assert incomplete_entries(catalog_path(str(ROOT / "theme"), lang)) == []


def test_incomplete_entries_reports_empty_and_fuzzy_messages(tmp_path):
    po = tmp_path / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Donate"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Events"\nmsgstr "Eventos"\n\n'
        'msgid "Tags"\nmsgstr "Etiquetas"\n', encoding="utf-8")
    assert incomplete_entries(str(po)) == ["Donate", "Events"]


def test_remembered_ui_strings_are_what_jinjas_gettext_answers_and_each_is_looked_up_once():
    import gettext
    import types

    from jinja2 import Environment
    from ui_catalogs.ui_catalogs import remember_translations

    class Catalog(gettext.NullTranslations):
        asked = []

        def gettext(self, message):
            self.asked.append(message)
            return {"Share": "هم‌رسانی", "%(count)s prisoners": "%(count)s زندانی", "100%% <free>": "۱۰۰٪ <آزاد>"
                    }.get(message, message)

    def render(source, **values):
        return environment.from_string(source).render(**values)

    plain = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    plain.install_gettext_translations(Catalog(), newstyle=True)
    environment = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    remember_translations(types.SimpleNamespace(env=environment))
    environment.install_gettext_translations(Catalog(), newstyle=True)
    page = "{{ _('Share') }} {{ gettext('Share') }} {{ _('%(count)s prisoners', count=n) }} {{ _('100%% <free>') }}"
    expected = [plain.from_string(page).render(n=3), plain.from_string(page).render(n="<b>4</b>")]
    Catalog.asked.clear()
    assert [render(page, n=3), render(page, n="<b>4</b>")] == expected
    assert expected[0] == "هم‌رسانی هم‌رسانی 3 زندانی ۱۰۰٪ <آزاد>"  # a catalog is trusted markup
    assert "&lt;b&gt;4&lt;/b&gt; زندانی" in expected[1]  # a variable is escaped
    assert Catalog.asked.count("Share") == 1 and Catalog.asked.count("100%% <free>") == 1
    assert Catalog.asked.count("%(count)s prisoners") == 2  # with variables: asked every time


def _po(path, translation: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                    f'msgid "Donate"\nmsgstr "{translation}"\n', encoding="utf-8")


def test_each_version_of_a_catalog_is_compiled_once_into_the_cache_and_replaces_the_one_before(tmp_path):
    import gettext

    from ui_catalogs import compile_catalogs

    theme, cache = tmp_path / "theme", tmp_path / "cache" / "catalogs"
    source = tmp_path / catalog_path("theme", "es")
    _po(source, "Donar")
    first = compile_catalogs(str(theme), ["es"], str(cache))["es"]
    assert gettext.translation("messages", first, ["es"]).gettext("Donate") == "Donar"
    mo = next((cache).rglob("*.mo"))
    compiled_at = mo.stat().st_mtime_ns
    assert compile_catalogs(str(theme), ["es"], str(cache)) == {"es": first}
    assert mo.stat().st_mtime_ns == compiled_at  # the same catalog is not compiled again

    _po(source, "Haz un donativo")
    second = compile_catalogs(str(theme), ["es"], str(cache))["es"]
    assert second != first  # gettext keeps a catalog by path: a new version needs a new one
    assert gettext.translation("messages", second, ["es"]).gettext("Donate") == "Haz un donativo"
    assert [path.name for path in cache.iterdir()] == [pathlib.Path(second).name]  # the old one is gone
    assert not list(cache.rglob("*.partial"))


def test_a_missing_or_broken_catalog_is_one_line_each_and_compiles_nothing(tmp_path):
    from ui_catalogs import compile_catalogs

    theme, cache = tmp_path / "theme", tmp_path / "cache"
    (tmp_path / catalog_path("theme", "fa")).parent.mkdir(parents=True)
    (tmp_path / catalog_path("theme", "fa")).write_text('msgid "Donate"\nmsgstr "اهدا"\nmsgstr "کمک"\nnot gettext\n',
                                                            encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        compile_catalogs(str(theme), ["fa", "es"], str(cache))
    lines = str(stopped.value).splitlines()
    assert len(lines) == 2 and "fa/LC_MESSAGES/messages.po: not a valid gettext catalog" in lines[0]
    assert lines[1].endswith("es/LC_MESSAGES/messages.po: missing: the 'es' site has no UI-string catalog")
    assert not list(cache.rglob("*.mo"))


def test_a_damaged_compiled_catalog_in_the_cache_is_compiled_again(tmp_path):
    import gettext

    from ui_catalogs import compile_catalogs

    theme, cache = tmp_path / "theme", tmp_path / "cache"
    _po(tmp_path / catalog_path("theme", "es"), "Donar")
    localedir = compile_catalogs(str(theme), ["es"], str(cache))["es"]
    for mo in cache.rglob("*.mo"):
        mo.write_bytes(mo.read_bytes()[:20])
    assert compile_catalogs(str(theme), ["es"], str(cache)) == {"es": localedir}
    assert gettext.translation("messages", localedir, ["es"]).gettext("Donate") == "Donar"


def test_a_translation_missing_its_closing_quotation_mark_is_one_line_naming_the_file_and_line(tmp_path):
    """Babel alone would read it and drop the translation's last letter."""
    from ui_catalogs import compile_catalogs

    source = tmp_path / catalog_path("theme", "fa")
    source.parent.mkdir(parents=True)
    source.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                      'msgid "Donate"\nmsgstr "اهدا\n', encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        compile_catalogs(str(tmp_path / "theme"), ["fa"], str(tmp_path / "cache"))
    assert str(stopped.value) == (f"{source}: not a valid gettext catalog: "
                                  'line 6: a quotation mark is missing or unescaped: msgstr "اهدا')
    assert not list((tmp_path / "cache").rglob("*.mo"))


def test_a_new_version_of_one_catalog_leaves_a_language_whose_code_it_begins(tmp_path):
    from ui_catalogs import compile_catalogs

    theme, cache = tmp_path / "theme", tmp_path / "cache"
    _po(tmp_path / catalog_path("theme", "pt"), "Doar")
    _po(tmp_path / catalog_path("theme", "pt-BR"), "Doe")
    brazilian = compile_catalogs(str(theme), ["pt", "pt-BR"], str(cache))["pt-BR"]
    _po(tmp_path / catalog_path("theme", "pt"), "Faça um donativo")
    compile_catalogs(str(theme), ["pt"], str(cache))
    assert pathlib.Path(brazilian, "pt-BR", "LC_MESSAGES", "messages.mo").is_file()
