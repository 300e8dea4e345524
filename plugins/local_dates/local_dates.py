"""Dates in the reader's language without relying on system locales.

English and Spanish use Babel's CLDR data; Farsi uses the Solar Hijri
calendar with Persian digits, which Babel does not provide.
"""

import datetime

from babel.dates import format_date as babel_format_date
from persiantools.digits import en_to_fa
from persiantools.jdatetime import JalaliDate
from pelican import signals


def format_date(value: datetime.date, lang: str) -> str:
    """Format a date as a reader of `lang` expects it, e.g. '۱۷ مهر ۱۴۰۲'."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if lang == "fa":
        solar = JalaliDate(value)
        month = solar.strftime("%B", locale="fa")
        return f"{en_to_fa(str(solar.day))} {month} {en_to_fa(str(solar.year))}"
    return babel_format_date(value, format="long", locale=lang)


def add_filter(generator):
    generator.env.filters["localdate"] = format_date


def register():
    signals.generator_init.connect(add_filter)
