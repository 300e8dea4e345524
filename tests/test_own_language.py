"""Each language's site reads its own language's files and takes the other
languages' versions of a piece from the sites that made them (own_language),
and tags keep one spelling across the languages (tag_names)."""

from types import SimpleNamespace

from own_language import link_versions, own_files
from pelican.contents import Article, Page
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.settings import DEFAULT_CONFIG
from tag_names.tag_names import name_across_sites, unify_tags

LANGS = ("en", "fa", "es")


def settings(lang):
    return {**DEFAULT_CONFIG, "DEFAULT_LANG": lang, "ARTICLE_TRANSLATION_ID": "slug", "PAGE_TRANSLATION_ID": "slug"}


def piece(kind, slug, lang, status="published", **metadata):
    return kind("<p>x</p>", {"title": f"{slug} {lang}", "slug": slug, "lang": lang, "status": status, **metadata},
                settings=settings(lang), source_path=f"/content/{slug}.{lang}.md")


def site(kind, lists):
    """A stand-in for a site's generator of `kind`: its settings and its lists of pieces."""
    generator = object.__new__(kind)  # isinstance holds; nothing of Pelican's set-up runs
    generator.__dict__.update(settings=settings(lists.pop("lang")), **lists)
    return generator


def test_a_site_lists_its_own_files_and_those_named_in_no_site_language():
    files = ["updates/a.en.md", "updates/a.fa.md", "updates/a.es.md", "updates/b.de.md", "updates/README.md",
             "updates/Bad Name.md", "images/x.jpg"]
    assert own_files(files, "fa", LANGS) == ["updates/a.fa.md", "updates/b.de.md", "updates/README.md",
                                            "updates/Bad Name.md", "images/x.jpg"]
    assert own_files(files, "en", LANGS)[0] == "updates/a.en.md" and "updates/a.fa.md" not in own_files(files, "en",
                                                                                                          LANGS)


def test_a_real_generator_lists_only_its_languages_files(tmp_path):
    from own_language.own_language import list_own_files

    (tmp_path / "updates").mkdir()
    for name in ("a.en.md", "a.fa.md", "a.es.md", "b.fa.md", "c.en.md"):
        (tmp_path / "updates" / name).write_text("---\ntitle: x\n---\nx\n", encoding="utf-8")
    generator = ArticlesGenerator(context={}, settings={**settings("en"), "PATH": str(tmp_path),
                                                        "I18N_SUBSITES": {"fa": {}, "es": {}},
                                                        "CACHE_PATH": str(tmp_path / "cache")},
                                  path=str(tmp_path), theme=DEFAULT_CONFIG["THEME"], output_path=str(tmp_path / "o"))
    list_own_files(generator)
    assert sorted(generator.get_files(["updates"], extensions=("md",))) == ["updates/a.en.md", "updates/c.en.md"]


def test_each_piece_gets_copies_of_its_versions_from_the_other_sites_in_the_same_list():
    made = {lang: {"published": piece(Article, "visit", lang), "draft": piece(Article, "letter", lang, "draft")}
            for lang in LANGS}
    only_persian = piece(Article, "trial", "fa")
    page = {lang: piece(Page, "visit", lang) for lang in ("en", "fa")}  # same slug, another kind: no link
    sites = {lang: [site(ArticlesGenerator, {"lang": lang, "articles": [made[lang]["published"]]
                                             + ([only_persian] if lang == "fa" else []),
                                             "drafts": [made[lang]["draft"]], "hidden_articles": []}),
                    site(PagesGenerator, {"lang": lang, "pages": [page[lang]] if lang in page else [],
                                          "draft_pages": [], "hidden_pages": []})]
             for lang in LANGS}
    link_versions(sites)
    persian = made["fa"]["published"]
    assert sorted(t.lang for t in persian.translations) == ["en", "es"]
    for translation in persian.translations:
        native = made[translation.lang]["published"]
        assert translation is not native and translation.title == native.title
        assert translation.status == "published" and type(translation) is Article and translation.translations == []
        translation.override_url = "../x.html"  # as i18n_subsites points a copy at its own site
        assert not hasattr(native, "override_url")
    assert [t.lang for t in made["en"]["draft"].translations] == ["fa", "es"]
    assert all(t.status == "draft" for t in made["en"]["draft"].translations)
    assert only_persian.translations == []
    english_copies = [t for t in persian.translations + made["es"]["published"].translations if t.lang == "en"]
    assert len(english_copies) == 2 and english_copies[0] is not english_copies[1]  # each pointed from its own site
    assert [t.lang for t in page["en"].translations] == ["fa"] and type(page["en"].translations[0]) is Page


def test_a_tag_is_spelled_the_way_all_the_languages_use_it_most():
    from datetime import datetime

    from pelican.urlwrappers import Tag

    def tagged(lang, slug, day, *names):
        made = piece(Article, slug, lang, date=datetime(2026, 11, day))
        made.tags = [Tag(name, settings(lang)) for name in names]
        return made

    pieces = {"en": [tagged("en", "a", 1, "Evin Prison"), tagged("en", "b", 2, "Evin Prison")],
              "es": [tagged("es", "a", 1, "evin prison")],
              "fa": [tagged("fa", "c", 3, "evin  prison", "زندان اوين")]}
    sites = {}
    for lang, made in pieces.items():
        generator = SimpleNamespace(settings=settings(lang), articles=made, translations=[], drafts=[],
                                    drafts_translations=[], hidden_articles=[], hidden_translations=[])
        unify_tags(generator)
        sites[lang] = [generator]
    assert [t.name for t in pieces["fa"][0].tags] == ["evin prison", "زندان اوین"]  # the Persian site's own uses
    slugs = [t.slug for t in pieces["fa"][0].tags]
    name_across_sites(sites)
    assert [t.name for t in pieces["fa"][0].tags] == ["Evin Prison", "زندان اوین"]
    assert [t.slug for t in pieces["fa"][0].tags] == slugs  # the same tag pages, whatever the name
    assert pieces["es"][0].tags[0].name == "Evin Prison"


def test_versions_are_told_apart_by_the_translation_id_as_pelican_reads_it():
    from own_language.own_language import translation_key

    one, other = piece(Article, "visit", "en"), piece(Article, "visit", "fa")
    assert translation_key("slug")(one) == translation_key("slug")(other) == "visit"
    assert translation_key(("slug", "lang"))(one) != translation_key(("slug", "lang"))(other)
    assert translation_key(None)(one) != translation_key(None)(other)
