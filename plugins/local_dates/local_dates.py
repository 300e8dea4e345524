"""Dates and times in the reader's language without relying on system locales.

English and Spanish use Babel's CLDR data; Farsi uses the Solar Hijri
calendar with Persian digits, which Babel does not provide.
"""

import datetime
import zoneinfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.dates import get_timezone_name
from persiantools.digits import en_to_fa
from pelican import signals
from persiantools.jdatetime import JalaliDate
from site_caches import remembered

LOCAL_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d")
LIST_SEPARATOR = {"fa": "، "}


def local_number(value, lang: str) -> str:
    return en_to_fa(str(value)) if lang == "fa" else str(value)


def format_date(value: datetime.date, lang: str) -> str:
    """Format a date as a reader of `lang` expects it, e.g. '۱۷ مهر ۱۴۰۲'."""
    return _format_day(value.date() if isinstance(value, datetime.datetime) else value, lang)


@remembered("formatted dates")  # a site shows the same few hundred days thousands of times
def _format_day(value: datetime.date, lang: str) -> str:
    if lang == "fa":
        solar = JalaliDate(value)
        month = solar.strftime("%B", locale="fa")
        return f"{local_number(solar.day, lang)} {month} {local_number(solar.year, lang)}"
    return babel_format_date(value, format="long", locale=lang)


def format_datetime(value: datetime.datetime, lang: str) -> str:
    """Date, time of day and time zone name, e.g. 'December 10, 2026, 6:00 PM (Pacific Standard Time)'."""
    if not isinstance(value, datetime.datetime):
        return format_date(value, lang)
    time = local_number(babel_format_time(value, format="short", locale=lang), lang)
    zone = get_timezone_name(value, locale=lang)
    return f"{format_date(value, lang)}{LIST_SEPARATOR.get(lang, ', ')}{time} ({zone})"


def format_span(start, end, lang: str) -> str:
    """An event's time: 'December 10, 2026, 6:00 PM – 8:00 PM (Pacific Standard Time)'.

    The date and zone are written once when the event ends the same day.
    """
    if end is None:
        return format_datetime(start, lang)
    timed = isinstance(start, datetime.datetime) and isinstance(end, datetime.datetime)
    if timed and start.date() == end.date():
        until = local_number(babel_format_time(end, format="short", locale=lang), lang)
        opening = format_datetime(start, lang)
        time_end = opening.rindex(" (")
        return f"{opening[:time_end]} – {until}{opening[time_end:]}"
    return f"{format_datetime(start, lang)} – {format_datetime(end, lang)}"


def parse_local_time(value, timezone: str):
    """A front-matter time: a date (all day) or 'YYYY-MM-DD HH:MM' in `timezone`.

    Raises ValueError for any other text and zoneinfo errors for an unknown zone.
    """
    zone = zoneinfo.ZoneInfo(timezone)
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, datetime.date):
        return value
    for fmt in LOCAL_FORMATS:
        try:
            parsed = datetime.datetime.strptime(str(value).strip(), fmt)
        except ValueError:
            continue
        return parsed.date() if fmt == "%Y-%m-%d" else parsed.replace(tzinfo=zone)
    raise ValueError(value)


def years_and_months(start: datetime.date, end: datetime.date) -> tuple[int, int]:
    """Whole years and remaining whole months from `start` to `end`."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    months = max(months, 0)
    return divmod(months, 12)


def add_filters(generator):
    generator.env.filters["localdate"] = format_date
    generator.env.filters["localdatetime"] = format_datetime
    generator.env.filters["localspan"] = format_span
    generator.env.filters["localnumber"] = local_number


def register():
    signals.generator_init.connect(add_filters)
