"""pelican_compat holds every use of Pelican's internals; these tests fail,
naming the piece, when an upgraded Pelican changes code the project relies on."""

import pytest

import pelican_compat
from pelican.writers import Writer


@pytest.mark.parametrize("name", sorted(pelican_compat.RELIED_ON))
def test_pelican_code_the_build_relies_on_is_as_pelican_compat_was_written_against(name):
    recorded, relied_on = pelican_compat.RELIED_ON[name]
    assert pelican_compat.source_digest(name) == recorded, (
        f"{name} changed in this Pelican: pelican_compat relies on it ({relied_on}). "
        "Read the new code, adapt pelican_compat, then record the new digest.")


def test_a_changed_pelican_function_no_longer_matches_its_digest(monkeypatch):
    recorded = pelican_compat.RELIED_ON["pelican.writers.Writer._open_w"][0]

    def _open_w(self, filename, encoding, override=False):
        return open(filename, "w", encoding=encoding)  # a Pelican that no longer refuses to write twice

    monkeypatch.setattr(Writer, "_open_w", _open_w)
    assert pelican_compat.source_digest("pelican.writers.Writer._open_w") != recorded


def test_memoized_source_paths_still_show_pelicans_own_source():
    """remember_source_paths wraps Content.get_relative_source_path; the digest is of Pelican's function."""
    pelican_compat.remember_source_paths()
    name = "pelican.contents.Content.get_relative_source_path"
    assert pelican_compat.source_digest(name) == pelican_compat.RELIED_ON[name][0]


def test_file_stamps_set_at_generator_init_survive_the_caching_generators_own_init(tmp_path):
    """generator_init comes before FileStampDataCacher.__init__ in a
    CachingGenerator: a stamp set on _filestamp_func there would be undone,
    and Pelican would read and hash every source file twice per language."""
    from pelican import signals
    from pelican.generators import ArticlesGenerator
    from pelican.settings import DEFAULT_CONFIG

    (tmp_path / "a.md").write_text("Title: A\n\nBody\n", encoding="utf-8")
    asked = []

    def stamp(path):
        asked.append(path)
        return "stamp of " + path

    def use_stamp(generator):
        pelican_compat.compare_by_bytes(generator, stamp)

    signals.generator_init.connect(use_stamp)
    try:
        settings = {**DEFAULT_CONFIG, "PATH": str(tmp_path), "CACHE_PATH": str(tmp_path / "cache")}
        generator = ArticlesGenerator(context={}, settings=settings, path=str(tmp_path),
                                      theme=DEFAULT_CONFIG["THEME"], output_path=str(tmp_path / "out"))
    finally:
        signals.generator_init.disconnect(use_stamp)
    assert pelican_compat.file_stamp(generator, "a.md") == f"stamp of {tmp_path / 'a.md'}"
    assert generator.readers._get_file_stamp(str(tmp_path / "a.md")) == f"stamp of {tmp_path / 'a.md'}"
    assert asked == [str(tmp_path / "a.md")] * 2


def test_the_linear_process_translations_answers_as_pelicans(monkeypatch):
    """Same originals and translations, in the same order, as Pelican's own,
    on pieces with and without translations and with a `translation: true` one."""
    from pelican.contents import Article, Content
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import process_translations as pelicans

    assert Content.__eq__ is object.__eq__ and Content.__hash__ is object.__hash__  # identity, which the copy relies on

    def pieces():
        made = []
        for number in range(40):
            for lang in ("en", "fa", "es")[: 1 + number % 3]:
                metadata = {"title": f"{number} {lang}", "slug": f"piece-{number}", "lang": lang}
                if number % 7 == 0 and lang == "fa":
                    metadata["translation"] = "true"
                made.append(Article("<p>x</p>", metadata, settings={**DEFAULT_CONFIG, "DEFAULT_LANG": "en"},
                                    source_path=f"/c/piece-{number}.{lang}.md"))
        return made

    def shown(result):
        return [[(item.slug, item.lang, sorted(t.lang for t in item.translations)) for item in part] for part in result]

    assert shown(pelican_compat.process_translations(pieces(), "slug")) == shown(pelicans(pieces(), "slug"))


def test_tag_and_category_lists_answer_in_as_lists_of_the_same_pieces():
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    settings = {**DEFAULT_CONFIG, "DEFAULT_LANG": "en"}
    one, two, other = (Article("<p>x</p>", {"title": str(n), "slug": str(n)}, settings=settings) for n in range(3))
    listed = pelican_compat.Listed([one, two])
    assert listed == [one, two] and isinstance(listed, list)
    assert one in listed and two in listed and other not in listed
    assert [piece for piece in [other, two, one] if piece in listed] == [two, one]


def test_settled_urls_are_worked_out_once_per_piece_until_the_next_build():
    """Before settle_urls a changed slug shows at once; after it, a piece's
    URL is Pelican's, worked out once; override_url still wins; and a new
    build (unsettle_urls) works it out again."""
    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG
    from pelican.urlwrappers import Category

    pelican_compat.remember_urls()
    assert pelican_compat.source_digest("pelican.contents.Content._expand_settings") == \
        pelican_compat.RELIED_ON["pelican.contents.Content._expand_settings"][0]
    settings = {**DEFAULT_CONFIG, "DEFAULT_LANG": "en", "ARTICLE_URL": "{category}/{slug}.html"}
    piece = Article("<p>x</p>", {"title": "A", "slug": "first", "category": Category("updates", settings)},
                    settings=settings)
    try:
        piece.slug = "second"
        assert piece.url == "updates/second.html"
        pelican_compat.settle_urls()
        assert piece.url == piece.url == "updates/second.html"
        piece.slug = "third"  # too late: the build treats URLs as final from here on
        assert piece.url == "updates/second.html"
        piece.override_url = "../fa/updates/second.html"
        assert piece.url == "../fa/updates/second.html"
        del piece.override_url
    finally:
        pelican_compat.unsettle_urls()
    assert piece.url == "updates/third.html"


# Pelican's own form of values the settings file gives: it makes PAGINATION_PATTERNS rules.
PELICAN_REWRITES = {"PAGINATION_PATTERNS"}


def settings_file_cases(tmp_path):
    from conftest import ROOT
    from site_build import BuildRequest

    elsewhere = tmp_path / "site"
    (elsewhere / "mytheme").mkdir(parents=True)
    (elsewhere / "conf.py").write_text(
        'import os\nTHEME = "mytheme"\nCACHE_PATH = "../work-cache"\nPLUGIN_PATHS = ["plugins", "/opt/more"]\n'
        'SITEURL = os.environ.get("SITEURL", "")\nDEFAULT_LANG = "fa"\n', encoding="utf-8")
    (elsewhere / "named.py").write_text('THEME = "notmyidea"\n', encoding="utf-8")
    content = str(ROOT / "content")
    return {
        "the project's settings": BuildRequest(settings_file=str(ROOT / "pelicanconf.py"), content=content),
        "publishing, with the environment, overrides and a cache": BuildRequest(
            settings_file=str(ROOT / "publishconf.py"), content=content, env={"SITEURL": "https://mirror.example/"},
            cache=str(tmp_path / "cache"), settings={"SEARCH_INDEX": False, "THEME": "theme"}),
        "relative paths in another folder": BuildRequest(settings_file=str(elsewhere / "conf.py"), content=content,
                                                         env={"SITEURL": "https://x.example"}),
        "a theme named, not a folder": BuildRequest(settings_file=str(elsewhere / "named.py"), content=content),
    }


@pytest.mark.parametrize("case", ["the project's settings", "publishing, with the environment, overrides and a cache",
                                  "relative paths in another folder", "a theme named, not a folder"])
def test_site_build_reads_a_settings_file_as_pelican_does(case, tmp_path, monkeypatch):
    """site_build checks what changed without importing Pelican (file_settings):
    every value it reads must be the one Pelican's read_settings gives."""
    import os

    from pelican.settings import read_settings
    from site_build import environment
    from site_build.site_build import file_settings

    monkeypatch.chdir(tmp_path)  # Pelican's default cache folder is relative to the working folder
    request = settings_file_cases(tmp_path)[case]
    ours = file_settings(request)
    # What site_build's command line gives Pelican on top of the settings file.
    override = {**request.settings, "PATH": os.path.abspath(request.content)}
    if request.cache:
        override["CACHE_PATH"] = os.path.abspath(request.cache)
    with environment(request.env):
        pelicans = read_settings(request.settings_file, override=override)
    pelicans["CACHE_PATH"] = os.path.abspath(pelicans["CACHE_PATH"])
    if case == "a theme named, not a folder":
        # One of Pelican's own themes: it changes only with Pelican, whose version every build's inputs include.
        import pelican

        assert pelicans["THEME"].startswith(os.path.dirname(pelican.__file__)) and ours["THEME"] == "notmyidea"
        pelicans["THEME"] = ours["THEME"]
    assert {key: value for key, value in ours.items() if key not in PELICAN_REWRITES} == {
        key: pelicans.get(key) for key in ours if key not in PELICAN_REWRITES}
    assert os.environ.get("SITEURL") is None  # the request's environment is put back


@pytest.mark.parametrize("files, expected", [
    ({"conf.py": 'THEME = "theme"\nPLUGINS = [\n'}, "conf.py, line 2: '[' was never closed"),
    ({"conf.py": 'import os\nSITEURL = os.environ["SITEURL"]\nTHEME = undefined_name\n'},
     "conf.py, line 3: NameError: name 'undefined_name' is not defined"),
    ({"conf.py": "import sys, os\nsys.path.append(os.path.dirname(__file__))\nfrom baseconf import *\n",
      "baseconf.py": 'SITENAME = "x"\nDEFAULT_LANG = fa\n'}, "baseconf.py, line 2: NameError: name 'fa' is not defined"),
])
def test_a_settings_file_that_fails_is_one_line_naming_the_file_and_line(files, expected, tmp_path, monkeypatch):
    import os

    from site_build import BuildRequest
    from site_build.site_build import SettingsFileError, file_settings

    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(SettingsFileError) as failed:
        file_settings(BuildRequest(settings_file=str(tmp_path / "conf.py"), env={"SITEURL": "https://x.example"}))
    assert str(failed.value) == expected
    assert "SITEURL" not in os.environ  # the request's environment is put back
