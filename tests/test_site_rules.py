"""The site's rules (site_rules) read from the real settings, as every plugin uses them."""

import os

import pytest
from pelican.settings import read_settings

import site_rules
from conftest import ROOT


@pytest.fixture(scope="module")
def settings():
    return read_settings(str(ROOT / "pelicanconf.py"))


def subsite(settings, lang):
    """A subsite's settings as i18n_subsites makes them: the main site's, its own language and folders."""
    return {**settings, "DEFAULT_LANG": lang, "OUTPUT_PATH": os.path.join(settings["OUTPUT_PATH"], lang),
            "CACHE_PATH": os.path.join(settings["CACHE_PATH"], lang)}


def test_languages_put_the_main_site_first_then_the_subsites(settings):
    assert site_rules.languages(settings) == ["en", "fa", "es"]
    assert not site_rules.is_subsite(settings)
    assert site_rules.site_folder("en", settings) == "" and site_rules.site_folder("fa", settings) == "fa"


def test_a_subsite_knows_the_main_sites_folders(settings):
    persian = subsite(settings, "fa")
    assert site_rules.is_subsite(persian)
    for key in ("OUTPUT_PATH", "CACHE_PATH"):
        assert site_rules.main_site_path(persian, key) == settings[key]
        assert site_rules.main_site_path(settings, key) == settings[key]


@pytest.mark.parametrize(("name", "parts"), [
    ("evin-visit.fa.md", ("evin-visit", "fa")),
    ("a1.es.md", ("a1", "es")),
    ("Evin.fa.md", None),
    ("evin--visit.en.md", None),
    ("evin.md", None),
    ("evin.en.markdown", None),
])
def test_a_content_file_is_named_slug_dot_lang_dot_md_with_a_lowercase_ascii_slug(name, parts):
    match = site_rules.FILE_NAME.match(name)
    assert (match and (match["slug"], match["lang"])) == (parts or None)


def test_front_matter_that_yaml_reads_but_a_writer_never_means_is_a_problem():
    assert site_rules.load_front_matter("title: A\ntitle: B")[1] == ["title: given twice (lines 2 and 3); keep one"]
    assert "YAML alias" in site_rules.load_front_matter("a: &x [1]\nb: *x")[1][0]
    assert "read as true or false" in site_rules.load_front_matter("online: yes")[1][0]
    assert site_rules.read_front_matter("---\ntitle: A\ntitle: B\n---\nbody") is None
    assert site_rules.read_front_matter("---\r\ntitle: Evin\r\n---\r\nbody") == {"title": "Evin"}
    with pytest.raises(site_rules.ImpossibleDate):
        site_rules.load_front_matter("date: 2024-02-30")


def test_slugs_of_pages_the_site_makes_itself_are_reserved(settings):
    assert site_rules.reserved_page("pages", "search", settings) == "search.html"
    assert site_rules.reserved_page("pages", "page-2", settings) == "page-2.html"
    assert site_rules.reserved_page("events", "calendar", settings) == "events/calendar.ics"
    assert site_rules.reserved_page("updates", "evin-visit", settings) is None
    assert site_rules.reserved_page("prisoners", "index", settings) == "prisoners/index.html"


def test_statuses_list_the_gravest_danger_first():
    assert site_rules.PRISONER_STATUSES[:2] == site_rules.DEATH_PENALTY_STATUSES
    assert set(site_rules.DETAINED_STATUSES) <= set(site_rules.PRISONER_STATUSES)


def test_the_appeal_forms_host_is_the_only_other_place_a_form_may_post_to(settings):
    policy = site_rules.content_security_policy({**settings, "APPEAL_FORM_ACTION": "https://forms.example/s/1?x=2"})
    directives = [part.strip() for part in policy.split(";")]
    assert "form-action 'self' https://forms.example" in directives
    assert len([part for part in directives if part.startswith("form-action")]) == 1
    assert "form-action 'self'" in site_rules.content_security_policy(settings).split("; ")
    assert site_rules.content_security_policy({**settings, "CONTENT_SECURITY_POLICY": ""}) == ""
