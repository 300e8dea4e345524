"""UI strings: every template string is in every catalog, translated and not fuzzy."""

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
