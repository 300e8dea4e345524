"""Events: upcoming versus past by build date, event details, iCalendar files.

The calendar files are read twice: by the icalendar package and by ical.js
(Thunderbird's parser, run with Node through tests/ical_times.mjs); both must
give the same instants, and those the front matter means.
"""

import datetime
import json
import shutil
import subprocess
import zoneinfo

import icalendar
import pytest
import yaml
from conftest import LANGS, ROOT, report, run_build
from content import sources
from pages import parse, resolve

EVENTS = sources("events")
UTC = datetime.timezone.utc
ICAL_JS = ROOT / "node_modules" / "ical.js" / "package.json"


def calendar(build, lang, name="calendar.ics"):
    return icalendar.Calendar.from_ical((build.lang_root(lang) / "events" / name).read_bytes())


def expected_start(meta) -> datetime.datetime:
    naive = datetime.datetime.strptime(meta["start"], "%Y-%m-%d %H:%M")
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(meta["timezone"]))


def ical_js_times(paths) -> dict:
    """Each file's VEVENTs as ical.js reads them: {path: [{uid, summary, start, end, ...}]}."""
    assert ICAL_JS.is_file(), "run `make test` (it installs ical.js with npm)"
    result = subprocess.run(["node", str(ROOT / "tests" / "ical_times.mjs"), *map(str, paths)],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def shown(value) -> str:
    """A DTSTART/DTEND value in ical_times.mjs's form: a date, or a UTC instant."""
    if isinstance(value, datetime.datetime):
        assert value.tzinfo, f"floating time {value}: each reader would place it in their own zone"
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def icalendar_times(path) -> list[dict]:
    """Each VEVENT as the icalendar package reads it, in ical_times.mjs's form."""
    events = []
    for event in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
        start = event.decoded("dtstart")
        end = event.decoded("dtend") if "dtend" in event else (
            start + datetime.timedelta(days=1) if not isinstance(start, datetime.datetime) else start)
        events.append({"uid": str(event["uid"]), "summary": str(event["summary"]), "start": shown(start),
                       "end": shown(end), "startIsDate": not isinstance(start, datetime.datetime),
                       "endIsDate": not isinstance(end, datetime.datetime), "floating": False})
    return events


def section_links(build, lang, heading_id):
    page = build.lang_root(lang) / "events" / "index.html"
    section = parse(page).cssselect(f'section[aria-labelledby="{heading_id}"]')[0]
    return {resolve(build.output, page, a.get("href")).stem for a in section.cssselect(".entry-title a")}


@pytest.fixture(scope="module")
def after_the_vigil(tmp_path_factory):
    build = run_build(tmp_path_factory.mktemp("later") / "output",
                      overrides={"BUILD_DATE": "2026-12-11"})
    assert build.status == 0, build.log
    return build


def test_starter_content_has_upcoming_and_past_events():
    starts = {slug: datetime.date.fromisoformat(meta["start"][:10]) for (slug, _), meta in EVENTS.items()}
    assert sum(day >= datetime.date(2026, 11, 24) for day in starts.values()) >= 1
    assert sum(day < datetime.date(2026, 11, 24) for day in starts.values()) >= 2


@pytest.mark.parametrize("lang", LANGS)
def test_events_page_splits_upcoming_from_past_by_build_date(site, after_the_vigil, lang):
    in_lang = {slug: meta for (slug, event_lang), meta in EVENTS.items() if event_lang == lang}
    for build, day in ((site, "2026-11-24"), (after_the_vigil, "2026-12-11")):
        upcoming = {slug for slug, meta in in_lang.items() if meta["start"][:10] >= day}
        assert section_links(build, lang, "upcoming-heading") == upcoming
        assert section_links(build, lang, "past-heading") == set(in_lang) - upcoming
    assert section_links(site, lang, "upcoming-heading"), "the vigil is upcoming on 2026-11-24"
    assert not section_links(after_the_vigil, lang, "upcoming-heading")


@pytest.mark.parametrize("lang", LANGS)
def test_calendar_lists_every_event_of_its_language_with_correct_times(site, lang):
    events = {str(e["uid"]): e for e in calendar(site, lang).walk("VEVENT")}
    in_lang = {slug: meta for (slug, event_lang), meta in EVENTS.items() if event_lang == lang}
    assert len(events) == len(in_lang)
    for slug, meta in in_lang.items():
        (event,) = [e for e in events.values() if str(e["url"]).endswith(f"/events/{slug}.html")]
        start = event.decoded("dtstart")
        assert start == expected_start(meta)
        assert start.utcoffset() == datetime.timedelta(0) and "TZID" not in event["dtstart"].params
        assert str(event["summary"]) == meta["title"]
        assert meta["location"]["name"] in str(event["location"])
        assert event.decoded("dtend") > start


def test_a_non_utc_event_is_written_as_its_utc_instant_without_time_zone_rules(site):
    # 18:00-20:00 in San Francisco on 10 December is 02:00-04:00 UTC on the 11th.
    text = (site.output / "events" / "human-rights-day-vigil.ics").read_bytes().decode("utf-8")
    assert "\r\nDTSTART:20261211T020000Z\r\n" in text
    assert "\r\nDTEND:20261211T040000Z\r\n" in text
    for lang in LANGS:
        whole = (site.lang_root(lang) / "events" / "calendar.ics").read_bytes().decode("utf-8")
        assert "VTIMEZONE" not in whole and "TZID" not in whole, lang


def test_thunderbird_reads_every_built_calendar_at_the_same_instants_as_icalendar(site):
    files = sorted(site.output.rglob("*.ics"))
    # One calendar per language and one file per event of each language.
    assert len(files) == len(LANGS) + len(EVENTS)
    assert {f.parent.parent for f in files} == {site.lang_root(lang) for lang in LANGS}
    read_by_ical_js = ical_js_times(files)
    events, mismatched = 0, []
    for path in files:
        theirs, ours = read_by_ical_js[str(path)], icalendar_times(path)
        assert [e["uid"] for e in theirs] == [e["uid"] for e in ours], path
        events += len(ours)
        mismatched += [(str(path.relative_to(site.output)), a, b) for a, b in zip(theirs, ours) if a != b]
    report("calendars", f"ical.js and icalendar: {len(mismatched)} of {events} events read differently "
                        f"in {len(files)} .ics files")
    assert not mismatched, f"{len(mismatched)} of {events} events differ, first {mismatched[0]}"


# Events that straddle time changes, with the UTC instants their front matter means.
DST_EVENTS = {
    # Madrid moves from +01:00 to +02:00 at 01:00 UTC on 29 March 2026 ...
    ("madrid-spring-night", "en"): ({"start": "2026-03-28 22:00", "end": "2026-03-29 04:00",
                                     "timezone": "Europe/Madrid"}, "2026-03-28T21:00:00Z", "2026-03-29T02:00:00Z"),
    ("madrid-spring-morning", "es"): ({"start": "2026-03-29 10:00", "end": "2026-03-29 12:00",
                                       "timezone": "Europe/Madrid"}, "2026-03-29T08:00:00Z", "2026-03-29T10:00:00Z"),
    # ... and back at 01:00 UTC on 25 October 2026.
    ("madrid-autumn-night", "es"): ({"start": "2026-10-24 22:00", "end": "2026-10-25 04:00",
                                     "timezone": "Europe/Madrid"}, "2026-10-24T20:00:00Z", "2026-10-25T03:00:00Z"),
    ("madrid-autumn-evening", "en"): ({"start": "2026-10-25 18:00", "end": "2026-10-25 20:00",
                                       "timezone": "Europe/Madrid"}, "2026-10-25T17:00:00Z", "2026-10-25T19:00:00Z"),
    ("madrid-next-summer", "en"): ({"start": "2027-07-14 19:00", "timezone": "Europe/Madrid"},
                                   "2027-07-14T17:00:00Z", "2027-07-14T17:00:00Z"),
    # Los Angeles: -08:00 to -07:00 on 8 March 2026, back on 1 November 2026.
    ("los-angeles-spring-night", "en"): ({"start": "2026-03-07 20:00", "end": "2026-03-08 10:00",
                                          "timezone": "America/Los_Angeles"},
                                         "2026-03-08T04:00:00Z", "2026-03-08T17:00:00Z"),
    ("los-angeles-autumn-night", "fa"): ({"start": "2026-10-31 20:00", "end": "2026-11-01 10:00",
                                          "timezone": "America/Los_Angeles"},
                                         "2026-11-01T03:00:00Z", "2026-11-01T18:00:00Z"),
    # Tehran has kept +03:30 all year since 2022; it used to add an hour from late March to late September.
    ("tehran-nowruz", "fa"): ({"start": "2026-03-22 18:00", "end": "2026-03-22 20:00", "timezone": "Asia/Tehran"},
                              "2026-03-22T14:30:00Z", "2026-03-22T16:30:00Z"),
    ("tehran-late-summer", "fa"): ({"start": "2026-09-10 18:00", "end": "2026-09-10 20:00",
                                    "timezone": "Asia/Tehran"}, "2026-09-10T14:30:00Z", "2026-09-10T16:30:00Z"),
    # No time zone: the site's TIMEZONE, UTC.
    ("site-time-zone", "en"): ({"start": "2026-06-01 12:00", "end": "2026-06-01 13:30"},
                               "2026-06-01T12:00:00Z", "2026-06-01T13:30:00Z"),
    # All day: the front matter's end is the last day; iCalendar's end is the day after.
    ("three-day-fast", "es"): ({"start": "2026-12-10", "end": "2026-12-12"}, "2026-12-10", "2026-12-13"),
    ("one-day-fast", "en"): ({"start": "2026-12-20"}, "2026-12-20", "2026-12-21"),
}


def from_front_matter(meta, field) -> str:
    """The instant (or day) zoneinfo makes of a front-matter start or end; with no
    end, a timed event ends when it starts and an all-day one lasts its day."""
    value = meta.get(field) or meta["start"]
    if len(value) == 10:
        day = datetime.date.fromisoformat(value)
        return str(day + datetime.timedelta(days=1) if field == "end" else day)
    naive = datetime.datetime.strptime(value, "%Y-%m-%d %H:%M")
    return shown(naive.replace(tzinfo=zoneinfo.ZoneInfo(meta.get("timezone", "UTC"))))


@pytest.fixture(scope="module")
def dst_site(tmp_path_factory):
    """The events across time changes, and a report on the vigil (add_a_report, for the test beside it)."""
    directory = tmp_path_factory.mktemp("dst")
    content = directory / "content"
    shutil.copytree(ROOT / "content", content)
    add_a_report(content)
    for (slug, lang), (meta, _, _) in DST_EVENTS.items():
        front = {"title": f"Event {slug}", "date": "2026-01-05", **meta,
                 "location": {"name": "Somewhere", "address": "A city"}}
        (content / "events" / f"{slug}.{lang}.md").write_text(
            "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\nText.\n",
            encoding="utf-8")
    build = run_build(directory / "output", content=content)
    assert build.status == 0, build.log
    return build


def test_the_time_change_table_is_what_zoneinfo_makes_of_the_front_matter():
    for meta, start, end in DST_EVENTS.values():
        assert (from_front_matter(meta, "start"), from_front_matter(meta, "end")) == (start, end)


def test_events_across_time_changes_have_exact_instants_in_thunderbird_and_icalendar(dst_site):
    paths = {key: dst_site.lang_root(key[1]) / "events" / f"{key[0]}.ics" for key in DST_EVENTS}
    calendars = {lang: dst_site.lang_root(lang) / "events" / "calendar.ics" for lang in LANGS}
    read_by_ical_js = ical_js_times([*paths.values(), *calendars.values()])
    for (slug, lang), (meta, start, end) in DST_EVENTS.items():
        uid = f"{slug}.{lang}@"
        all_day = len(meta["start"]) == 10
        for path in (paths[slug, lang], calendars[lang]):
            for reader, events in (("ical.js", read_by_ical_js[str(path)]), ("icalendar", icalendar_times(path))):
                (event,) = [e for e in events if e["uid"].startswith(uid)]
                assert (event["start"], event["end"]) == (start, end), (reader, path.name, slug)
                assert event["startIsDate"] == event["endIsDate"] == all_day, (reader, path.name, slug)
                assert not event["floating"]


def test_an_all_day_event_ends_the_day_after_its_last_day(dst_site):
    three_days = (dst_site.lang_root("es") / "events" / "three-day-fast.ics").read_bytes().decode("utf-8")
    assert "\r\nDTSTART;VALUE=DATE:20261210\r\n" in three_days
    assert "\r\nDTEND;VALUE=DATE:20261213\r\n" in three_days
    # Without `end`, an explicit one-day DTEND: RFC 5545 implies it, but not every client does.
    one_day = (dst_site.output / "events" / "one-day-fast.ics").read_bytes().decode("utf-8")
    assert "\r\nDTSTART;VALUE=DATE:20261220\r\nDTEND;VALUE=DATE:20261221\r\n" in one_day


def test_calendar_uids_and_bytes_are_stable_across_builds(site, after_the_vigil):
    for lang in LANGS:
        first = calendar(site, lang)
        second = calendar(after_the_vigil, lang)
        assert [str(e["uid"]) for e in first.walk("VEVENT")] == [str(e["uid"]) for e in second.walk("VEVENT")]
        assert first.to_ical() == second.to_ical()
    uids = [str(e["uid"]) for lang in LANGS for e in calendar(site, lang).walk("VEVENT")]
    assert len(uids) == len(set(uids))


def test_each_event_page_offers_its_own_calendar_file(site):
    for (slug, lang), meta in EVENTS.items():
        page = site.lang_root(lang) / "events" / f"{slug}.html"
        (link,) = parse(page).cssselect(".event-details a[download]")
        (event,) = icalendar.Calendar.from_ical(resolve(site.output, page, link.get("href")).read_bytes()).walk("VEVENT")
        assert event.decoded("dtstart") == expected_start(meta)
        when = parse(page).cssselect(".event-details time")[0]
        assert datetime.datetime.fromisoformat(when.get("datetime")) == expected_start(meta)


def test_events_pages_link_the_calendar(site):
    for lang in LANGS:
        page = site.lang_root(lang) / "events" / "index.html"
        targets = [resolve(site.output, page, a.get("href")) for a in parse(page).cssselect('a[type="text/calendar"]')]
        assert (site.lang_root(lang) / "events" / "calendar.ics").resolve() in targets


def add_a_report(content):
    (content / "events" / "vigil-report.en.md").write_text(
        '---\ntitle: "How the vigil went"\ndate: 2026-12-11\nstart: "2026-12-10 18:00"\n'
        'timezone: "America/Los_Angeles"\nevent: human-rights-day-vigil\n---\n\nWe were many.\n', encoding="utf-8")


def test_a_report_links_the_event_it_reports_on_and_stays_out_of_the_calendar(dst_site):
    build = dst_site
    page = build.output / "events" / "vigil-report.html"
    (link,) = parse(page).cssselect(".event-details dd a")
    assert resolve(build.output, page, link.get("href")) == (build.output / "events" / "human-rights-day-vigil.html").resolve()
    uids = [str(e["uid"]) for e in calendar(build, "en").walk("VEVENT")]
    assert not any("vigil-report" in uid for uid in uids)
    assert any("human-rights-day-vigil" in uid for uid in uids)


def test_an_event_without_start_or_with_a_bad_time_zone_fails_clearly(content_copy, tmp_path):
    (content_copy / "events" / "teach-in.es.md").write_text(
        '---\ntitle: "Charla"\ndate: 2026-12-01\ntimezone: "Madrid"\n---\n\nTexto.\n', encoding="utf-8")
    build = run_build(tmp_path / "output", content=content_copy)
    assert build.status != 0
    assert build.log.strip().splitlines() == [
        "content/events/teach-in.es.md: start: missing (required)",
        "content/events/teach-in.es.md: timezone: 'Madrid' is not a time zone name such as America/Los_Angeles or Asia/Tehran",
    ]


def test_an_event_on_the_build_date_is_still_upcoming():
    from types import SimpleNamespace

    from events import annotate_events

    def event(slug, start):
        return SimpleNamespace(slug=slug, category=SimpleNamespace(slug="events"),
                               metadata={"start": start, "timezone": "Asia/Tehran"})

    today, yesterday, all_day = event("today", "2026-11-24 09:00"), event("yesterday", "2026-11-23 21:00"), \
        event("all-day", datetime.date(2026, 11, 24))
    annotate_events([today, yesterday, all_day], {"BUILD_DATE": "2026-11-24", "TIMEZONE": "UTC"})
    assert (today.upcoming, yesterday.upcoming, all_day.upcoming) == (True, False, True)
    assert today.event_start.utcoffset() == datetime.timedelta(hours=3, minutes=30)
