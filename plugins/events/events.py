"""Events: start/end times, upcoming versus past, and iCalendar files.

Pieces in the events section carry `start` (a date, or 'YYYY-MM-DD HH:MM'
in `timezone`, default the site's TIMEZONE), optionally `end`, `location`
and `online`. A report on a past event may name it with `event: <slug>`;
such reports stay out of the calendars so no event appears twice. Each
language gets events/calendar.ics with all its events and one
events/<slug>.ics per event, written with the icalendar package.

Timed events are written in UTC (DTSTART:20261211T020000Z) with no
VTIMEZONE: each is a single, non-recurring instant, which every client
(Thunderbird's ical.js, libical, Google, Apple) converts to its reader's
zone the same way. Time zone blocks add nothing for such events, and the
ones icalendar's add_missing_timezones writes (a DTSTART plus RDATE lists,
no RRULE) made ical.js show every time in daylight saving time an hour late. An all-day event is
DATE values with the exclusive end iCalendar means: `end: 2026-12-12`
(the last day) becomes DTEND;VALUE=DATE:20261213, and no `end` is one day.
"""

import datetime
import os
import re

import icalendar
from markupsafe import Markup
from pelican import signals

from local_dates import parse_local_time
from site_rules import build_date

SECTION = "events"


def _utc(value) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc)
    return datetime.datetime.combine(value, datetime.time(), datetime.timezone.utc)


def annotate_events(articles, settings) -> None:
    """Give each event its start/end, `upcoming` flag and the event it reports on."""
    today = build_date(settings)
    events = [a for a in articles if a.category.slug == SECTION and "start" in a.metadata]
    by_slug = {a.slug: a for a in events}
    for event in events:
        zone = str(event.metadata.get("timezone") or settings["TIMEZONE"])
        event.event_start = parse_local_time(event.metadata["start"], zone)
        end = event.metadata.get("end")
        event.event_end = parse_local_time(end, zone) if end else None
        event.event_sort_key = _utc(event.event_start)
        start_day = event.event_start if not isinstance(event.event_start, datetime.datetime) \
            else event.event_start.date()
        event.upcoming = start_day >= today
        event.location = event.metadata.get("location") or {}
        event.reported_event = by_slug.get(str(event.metadata.get("event", "")))


def _plain(html) -> str:
    return re.sub(r"\s+", " ", Markup(html or "").striptags()).strip()


def _absolute(settings, url) -> str:
    return f"{settings['SITEURL'].rstrip('/')}/{url}"


def calendar_times(start, end) -> tuple:
    """DTSTART and DTEND values for an event's front-matter start and end
    (`end` may be None): instants in UTC, or dates with DTEND the day after
    the last day."""
    if isinstance(start, datetime.datetime):
        return _utc(start), _utc(end) if end else None
    # The front matter's end is the last day of the event; iCalendar's is the day after.
    last_day = end or start
    return start, last_day + datetime.timedelta(days=1)


def calendar_event(event, settings) -> icalendar.Event:
    entry = icalendar.Event()
    entry.add("uid", f"{event.slug}.{event.lang}@{settings['CALENDAR_UID_DOMAIN']}")
    # DTSTAMP from the piece, not the clock, so unchanged events keep identical bytes.
    entry.add("dtstamp", _utc(getattr(event, "modified", None) or event.date))
    start, end = calendar_times(event.event_start, event.event_end)
    entry.add("dtstart", start)
    if end:
        entry.add("dtend", end)
    entry.add("summary", event.title)
    url = _absolute(settings, event.url)
    online = event.metadata.get("online")
    description = "\n\n".join(filter(None, [_plain(event.summary), online, url]))
    entry.add("description", description)
    place = ", ".join(filter(None, [event.location.get("name"), event.location.get("address")]))
    if place or online:
        entry.add("location", place or online)
    entry.add("url", url)
    return entry


def event_calendar(events, settings, name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//International Emergency Campaign//Campaign site//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    # Every time is UTC or a date, so the calendar needs no VTIMEZONE.
    for event in sorted(events, key=lambda e: (e.event_sort_key, e.slug)):
        calendar.add_component(calendar_event(event, settings))
    return calendar


def _write(writer, context, relative, events, settings, title) -> None:
    def produce():
        return event_calendar(events, settings, title).to_ical()

    if hasattr(writer, "write_generated"):
        # build_cache's writer: generated again only when the events changed.
        writer.write_generated(relative, context, [events, title], produce)
        return
    path = os.path.join(writer.output_path, relative)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as ics:
        ics.write(produce())


def on_articles_ready(generator):
    annotate_events(generator.articles, generator.settings)


def write_calendars(generator, writer):
    settings = generator.settings
    events = [a for a in generator.articles
              if hasattr(a, "event_start") and not a.reported_event]
    section = next((c.name for c, _ in generator.categories if c.slug == SECTION), SECTION)
    title = f"{settings['SITENAME']} · {section}"
    _write(writer, generator.context, settings["CALENDAR_SAVE_AS"], events, settings, title)
    for event in events:
        _write(writer, generator.context, settings["EVENT_CALENDAR_SAVE_AS"].format(slug=event.slug), [event],
               settings, event.title)


def register():
    signals.article_generator_finalized.connect(on_articles_ready)
    signals.article_writer_finalized.connect(write_calendars)
