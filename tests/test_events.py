"""Events: upcoming versus past by build date, event details, iCalendar files."""

import datetime
import zoneinfo

import icalendar
import pytest
from conftest import LANGS, run_build
from content import sources
from pages import parse, resolve

EVENTS = sources("events")


def calendar(build, lang, name="calendar.ics"):
    return icalendar.Calendar.from_ical((build.lang_root(lang) / "events" / name).read_bytes())


def expected_start(meta) -> datetime.datetime:
    naive = datetime.datetime.strptime(meta["start"], "%Y-%m-%d %H:%M")
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(meta["timezone"]))


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
        assert event["dtstart"].params["TZID"] == meta["timezone"]
        assert str(event["summary"]) == meta["title"]
        assert meta["location"]["name"] in str(event["location"])
        assert event.decoded("dtend") > start


def test_a_non_utc_event_keeps_its_wall_clock_time_and_instant(site):
    (vigil,) = [e for e in calendar(site, "en").walk("VEVENT") if "human-rights-day-vigil" in str(e["uid"])]
    start = vigil.decoded("dtstart")
    assert (start.hour, start.minute) == (18, 0)
    assert start.astimezone(datetime.timezone.utc) == datetime.datetime(2026, 12, 11, 2, 0, tzinfo=datetime.timezone.utc)
    zones = {str(tz["tzid"]) for tz in calendar(site, "en").walk("VTIMEZONE")}
    assert "America/Los_Angeles" in zones


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


def test_a_report_links_the_event_it_reports_on_and_stays_out_of_the_calendar(content_copy, tmp_path):
    (content_copy / "events" / "vigil-report.en.md").write_text(
        '---\ntitle: "How the vigil went"\ndate: 2026-12-11\nstart: "2026-12-10 18:00"\n'
        'timezone: "America/Los_Angeles"\nevent: human-rights-day-vigil\n---\n\nWe were many.\n', encoding="utf-8")
    build = run_build(tmp_path / "output", content=content_copy)
    assert build.status == 0, build.log
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
