"""The plugins' plain functions, without a build."""

import datetime
import os

import pytest
from conftest import ROOT
from content_contract import check_content
from pelican.settings import read_settings
from local_dates import format_date
from multilingual import join_url, text_direction


@pytest.mark.parametrize("base, path, expected", [
    ("..", "../es/updates/x.html", "../../es/updates/x.html"),
    (".", "fa/index.html", "fa/index.html"),
    ("", "feeds/all.atom.xml", "feeds/all.atom.xml"),
    ("..", "theme/css/site.css", "../theme/css/site.css"),
    ("https://mirror.example/iec/fa", "../es/updates/x.html", "https://mirror.example/iec/es/updates/x.html"),
    ("https://mirror.example/iec/fa", "../theme/css/site.css", "https://mirror.example/iec/theme/css/site.css"),
    ("https://mirror.example/iec", "./index.html", "https://mirror.example/iec/index.html"),
    ("..", "https://other.example/x", "https://other.example/x"),
    ("..", "#main", "#main"),
])
def test_join_url_resolves_dot_segments(base, path, expected):
    assert join_url(base, path) == expected


def test_text_direction_follows_the_language():
    assert [text_direction(lang) for lang in ("en", "fa", "es")] == ["ltr", "rtl", "ltr"]


@pytest.mark.parametrize("day, lang, expected", [
    (datetime.date(2024, 3, 20), "fa", "۱ فروردین ۱۴۰۳"),     # Nowruz 1403
    (datetime.datetime(2023, 3, 20, 23, 30), "fa", "۲۹ اسفند ۱۴۰۱"),
    (datetime.date(2023, 12, 31), "es", "31 de diciembre de 2023"),
    (datetime.date(2023, 12, 31), "en", "December 31, 2023"),
])
def test_format_date(day, lang, expected):
    assert format_date(day, lang) == expected


def write(root, relative, text):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)


# Pelican's defaults with the site's own settings, as a build reads them.
SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
EVENT = '---\ntitle: "Vigil"\ndate: 2023-10-09\nstart: "2023-10-15 18:00"\ntimezone: "America/Los_Angeles"\n'


def test_check_content_reports_each_mistake_on_one_line(tmp_path):
    root = tmp_path / "content"
    write(root, "prisoners/narges-mohammadi.en.md", '---\nname: "Narges Mohammadi"\nstatus: imprisoned\n---\n')
    write(root, "updates/good.fa.md", '---\ntitle: "خوب"\ndate: 2023-10-09\nprisoners: [narges-mohammadi]\n---\n\nمتن\n')
    write(root, "updates/evin-visit.fa.md", '---\ntitle: "x"\ndate: "1402-10-04"\n---\n\nx\n')
    write(root, "updates/no-such-day.es.md", '---\ntitle: "x"\ndate: 2024-02-30\n---\n\nx\n')
    write(root, "updates/german.de.md", '---\ntitle: "x"\ndate: 2023-10-09\n---\n\nx\n')
    write(root, "updates/Bad Name.md", "x")
    write(root, "updates/typo.en.md", '---\ntitle: "x"\ndate: 2023-10-09\nsumary: "x"\ntags: "Evin"\n---\n\nx\n')
    write(root, "updates/empty.en.md", '---\ntitle: "x"\ndate: 2023-10-09\n---\n\n  \n')
    write(root, "updates/names.en.md", '---\ntitle: "x"\ndate: 2023-10-09\nprisoners: [narges, narges-mohammadi]\n---\n\nx\n')
    write(root, "events/good.en.md", EVENT + "---\n\nx\n")
    write(root, "events/bad-zone.en.md", EVENT.replace("America/Los_Angeles", "Pacific") + "---\n\nx\n")
    write(root, "events/good/good.en.md", EVENT + "---\n\nx\n")
    write(root, "events/no-title.en.md", '---\ndate: 2023-10-09\nstart: 2023-10-15\n---\n\nx\n')
    write(root, "pages/broken.es.md", '---\ntitle: "a: b: c\n---\n\nx\n')
    write(root, "pages/latin1.es.md", "---\ntitle: Sí\n---\n".encode("latin-1"))
    write(root, "prisoners/someone.en.md", '---\nname: "Someone"\nstatus: jailed\nborn: "1970s"\n---\n')
    problems = check_content({**SETTINGS, "PATH": str(root)})
    assert problems == [
        "content/events/bad-zone.en.md: timezone: 'Pacific' is not a time zone name such as America/Los_Angeles or Asia/Tehran",
        "content/events/good: file: a folder inside a section; put pieces directly in content/events/",
        "content/events/no-title.en.md: title: missing (required)",
        "content/pages/broken.es.md: front-matter: not valid YAML (line 2); quote values that contain ':' or '#'",
        "content/pages/latin1.es.md: file: not UTF-8 text; save it as UTF-8",
        "content/prisoners/someone.en.md: status: 'jailed' is not one of sentenced-to-death, at-risk-of-execution, imprisoned, disappeared, on-furlough, released, executed, unknown",
        "content/prisoners/someone.en.md: born: '1970s' is not a year such as 1972",
        "content/updates/Bad Name.md: file name: expected <slug>.<lang>.md with a lower-case ASCII slug such as evin-visit.fa.md",
        "content/updates/empty.en.md: body: empty; write the text below the closing '---'",
        'content/updates/evin-visit.fa.md: date: "1402-10-04" is not a date (expected YYYY-MM-DD or YYYY-MM-DD HH:MM)',
        "content/updates/german.de.md: lang: 'de' is not a language of this site (use one of en, fa, es)",
        "content/updates/names.en.md: prisoners: narges: no prisoner profile with this slug (expected a file content/prisoners/narges.<lang>.md)",
        'content/updates/no-such-day.es.md: date: "2024-02-30" is not a date that exists (expected YYYY-MM-DD or YYYY-MM-DD HH:MM)',
        "content/updates/typo.en.md: sumary: unknown field; did you mean 'summary'?",
        "content/updates/typo.en.md: tags: expected a list such as [\"first\", \"second\"], got 'Evin'",
    ]


def test_a_later_check_takes_each_unchanged_files_problems_from_the_cache_folder(tmp_path, monkeypatch):
    from content_contract import content_contract
    from site_caches import forget

    root = tmp_path / "content"
    write(root, "updates/good.en.md", '---\ntitle: "Freed"\ndate: 2023-10-09\n---\n\nText\n')
    write(root, "updates/typo.en.md", '---\ntitle: "x"\ndate: 2023-10-09\nsumary: "x"\n---\n\nx\n')
    settings = {**SETTINGS, "PATH": str(root), "CACHE_PATH": str(tmp_path / "cache")}
    first = check_content(settings)
    assert first == ["content/updates/typo.en.md: sumary: unknown field; did you mean 'summary'?"]
    checked, check_file = [], content_contract.check_file
    monkeypatch.setattr(content_contract, "check_file",
                        lambda path, *rest: checked.append(os.path.basename(path)) or check_file(path, *rest))

    def check_in_a_new_process(settings):
        forget("content check")  # what a new process starts without
        checked.clear()
        return check_content(settings)

    assert check_in_a_new_process(settings) == first and checked == []
    write(root, "updates/good.en.md", '---\ntitle: "Freed"\ndate: 2023-10-09\nstatus: gone\n---\n\nText\n')
    now = check_in_a_new_process(settings)
    assert now == ["content/updates/good.en.md: status: 'gone' is not one of published, draft", *first]
    assert checked == ["good.en.md"]
    # Other settings (or another file list, or other code) make every file checked again.
    assert check_in_a_new_process({**settings, "TAGS_SAVE_AS": "all-tags.html"}) == now
    assert sorted(checked) == ["good.en.md", "typo.en.md"]
    (tmp_path / "cache" / content_contract.CHECK_FILE).write_bytes(b"not a pickle")
    assert check_in_a_new_process(settings) == now and len(checked) == 2


def test_the_previews_rebuilds_check_only_changed_files_though_plugins_add_settings_after_the_first_check(
        tmp_path, monkeypatch):
    import types

    from content_contract import content_contract

    root = tmp_path / "content"
    write(root, "updates/good.en.md", '---\ntitle: "Freed"\ndate: 2023-10-09\n---\n\nText\n')
    write(root, "updates/other.en.md", '---\ntitle: "Visit"\ndate: 2023-10-10\n---\n\nText\n')
    preview = types.SimpleNamespace(settings={**SETTINGS, "PATH": str(root), "CACHE_PATH": str(tmp_path / "cache")})
    content_contract.check_before_build(preview)
    content_contract.check_before_rebuild(preview)  # the first build: checked at start already
    preview.settings["POSTER_URL"] = "posters/{slug}.html"  # a plugin's default, set after the first check
    checked, check_file = [], content_contract.check_file
    monkeypatch.setattr(content_contract, "check_file",
                        lambda path, *rest: checked.append(os.path.basename(path)) or check_file(path, *rest))
    write(root, "updates/good.en.md", '---\ntitle: "Freed"\ndate: 2023-10-09\n---\n\nNew text\n')
    assert content_contract.check_before_rebuild(preview) is None
    assert checked == ["good.en.md"]


def test_checking_in_worker_processes_finds_what_checking_in_the_build_process_finds(tmp_path, monkeypatch):
    from build_cache.processes import FORKS
    from content_contract import content_contract

    root = tmp_path / "content"
    for number in range(12):
        write(root, f"updates/piece-{number}.en.md",
              f'---\ntitle: "Piece {number}"\ndate: 2023-10-{number + 1:02d}\n'
              + ('sumary: "x"\n' if number % 3 == 0 else "") + "---\n\n" + ("Text\n" if number % 4 else "  \n"))
    mapped = []
    monkeypatch.setattr(content_contract, "CHECK_AHEAD_MINIMUM", 2)
    monkeypatch.setattr(FORKS, "map", lambda *args, map=FORKS.map: mapped.append(len(args[1])) or map(*args))
    settings = {**SETTINGS, "PATH": str(root)}
    in_workers = check_content({**settings, "PARALLEL_BUILD": True, "CACHE_PATH": str(tmp_path / "a")})
    assert mapped == [os.cpu_count()] or os.cpu_count() < 2
    in_the_build = check_content({**settings, "PARALLEL_BUILD": False, "CACHE_PATH": str(tmp_path / "b")})
    assert in_workers == in_the_build and len(in_the_build) == 7
