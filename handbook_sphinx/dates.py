"""The project's dates: the build date, and how dates are read and written.

Used by ``conf.py``, ``chapter_meta`` (review dates), ``sitemap`` (lastmod)
and the tests. The build date is ``SOURCE_DATE_EPOCH`` (the Makefile sets it
to the last commit's time; the weekly CI build to now), read in UTC, so
every output is the same in every time zone.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time


def build_date() -> dt.date:
    """The date the build claims: SOURCE_DATE_EPOCH when set, so builds reproduce."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date()


def months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: dt.date) -> str:
    """ "5 March 2026": English month names whatever the locale (sphinx-build calls setlocale, so %B would follow LANG)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None
