"""Dates: the English month and weekday words reports use, and every date the bot shows.

One place for both directions. Parsing reads English news copy ("Feb. 26, 2026",
"Sept. 5", "Thursday's"); the tables below are the only month and weekday lists in the
package. Formatting writes every date a reader sees, in one style: AP style, as the
reports and summaries themselves write dates ("Feb. 26, 2026", "March 3, 2026",
"Thursday, Feb. 26, 2026", "February 2026"). AP abbreviates Jan., Feb., Aug., Sept., Oct.,
Nov. and Dec. before a day and spells out March, April, May, June and July; a month with
only a year is spelled out. Times are 24-hour ("16:30"), as recap schedules are written.

Formatting goes through Babel (``babel.dates``) with an optional ``locale``: English gets
AP's month words as literals in a Babel pattern (AP is not a CLDR style), any other
language gets CLDR's own forms (``locale="es"``: "26 de febrero de 2026"). Babel is
imported on first use: it reads the system time zone when imported, and ``check`` parses
dates without ever formatting one.

Pure: no I/O, no clock.
"""

import re
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_LOCALE = "en"

# The English words that name each month and weekday, the full name first; abbreviations
# as reports write them (with or without a period), longest first so a pattern prefers them.
_MONTH_SPELLINGS: tuple[tuple[str, ...], ...] = (
    ("January", "Jan"),
    ("February", "Feb"),
    ("March", "Mar"),
    ("April", "Apr"),
    ("May",),
    ("June", "Jun"),
    ("July", "Jul"),
    ("August", "Aug"),
    ("September", "Sept", "Sep"),
    ("October", "Oct"),
    ("November", "Nov"),
    ("December", "Dec"),
)
_WEEKDAY_SPELLINGS: tuple[tuple[str, ...], ...] = (  # Monday first, as datetime.weekday()
    ("Monday", "Mon"),
    ("Tuesday", "Tues", "Tue"),
    ("Wednesday", "Wed"),
    ("Thursday", "Thurs", "Thur", "Thu"),
    ("Friday", "Fri"),
    ("Saturday", "Sat"),
    ("Sunday", "Sun"),
)
# AP style before a day: the one table of display abbreviations (English only).
_AP_MONTHS = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)

MONTH_NAMES = tuple(words[0] for words in _MONTH_SPELLINGS)
WEEKDAY_NAMES = tuple(words[0] for words in _WEEKDAY_SPELLINGS)
MONTH_ABBREVIATIONS = tuple(a for words in _MONTH_SPELLINGS for a in words[1:])
WEEKDAY_ABBREVIATIONS = tuple(a for words in _WEEKDAY_SPELLINGS for a in words[1:])

# Lower-case word (no period) -> month 1-12 / weekday 0-6.
MONTHS: dict[str, int] = {
    word.lower(): number for number, words in enumerate(_MONTH_SPELLINGS, 1) for word in words
}
WEEKDAYS: dict[str, int] = {
    word.lower(): number for number, words in enumerate(_WEEKDAY_SPELLINGS) for word in words
}

# Regular-expression alternations (no groups): a month is a full name or an abbreviation
# with or without its period ("May." is not an abbreviation); a weekday is a full name or
# an abbreviation with its period ("Sun" alone is too often another word).
MONTH_PATTERN = (
    "(?:"
    + "|".join(MONTH_NAMES)
    + "|"
    + "|".join(rf"{a}\." for a in MONTH_ABBREVIATIONS)
    + "|"
    + "|".join(MONTH_ABBREVIATIONS)
    + ")"
)
WEEKDAY_PATTERN = (
    "(?:" + "|".join(WEEKDAY_NAMES) + "|" + "|".join(rf"{a}\." for a in WEEKDAY_ABBREVIATIONS) + ")"
)
_DAY = re.compile(
    rf"(?P<month>{MONTH_PATTERN})\.? (?P<day>\d{{1,2}}),? (?P<year>\d{{4}})\b", re.IGNORECASE
)


# --- parsing -------------------------------------------------------------------------------


def month_number(word: str) -> int | None:
    """1-12 for an English month name or abbreviation ("Feb.", "sept", "March"), else None."""
    return MONTHS.get(word.rstrip(".").lower())


def weekday_number(word: str) -> int | None:
    """0 (Monday) to 6 for an English weekday name or abbreviation ("Thurs."), else None."""
    return WEEKDAYS.get(word.rstrip(".").lower())


def month_words(month: int) -> tuple[str, ...]:
    """Every lower-case word that may name ``month`` in a text: ``9`` -> september, sept, sep."""
    return tuple(word.lower() for word in _MONTH_SPELLINGS[month - 1])


def parse_day(text: str) -> date | None:
    """The calendar day that ``text`` starts with ("Feb. 28, 2026", "march 3 2026"), or None."""
    found = _DAY.match(text)
    if found is None:
        return None
    month = month_number(found["month"])
    assert month is not None  # the pattern matched a month word
    try:
        return date(int(found["year"]), month, int(found["day"]))
    except ValueError:
        return None  # "Feb. 30, 2026"


# --- formatting ----------------------------------------------------------------------------


def format_day(day: date, locale: str = DEFAULT_LOCALE) -> str:
    """``Feb. 26, 2026``; ``es``: ``26 de febrero de 2026``."""
    from babel.dates import format_date  # noqa: PLC0415 - Babel on first use (module notes)

    if _is_english(locale):
        return format_date(day, f"{_ap_month(day.month)} d, y", locale=locale)
    return format_date(day, "long", locale=locale)


def format_weekday_day(day: date, locale: str = DEFAULT_LOCALE) -> str:
    """``Thursday, Feb. 26, 2026``; ``es``: ``jueves, 26 de febrero de 2026``."""
    from babel.dates import format_date  # noqa: PLC0415 - Babel on first use

    if _is_english(locale):
        return format_date(day, f"EEEE, {_ap_month(day.month)} d, y", locale=locale)
    return format_date(day, "full", locale=locale)


def format_month_year(year: int, month: int, locale: str = DEFAULT_LOCALE) -> str:
    """``February 2026`` (AP spells a month out when no day is given); ``es``: ``febrero de
    2026``.
    """
    from babel.dates import format_skeleton  # noqa: PLC0415 - Babel on first use

    return format_skeleton("yMMMM", date(year, month, 1), locale=locale)


def format_moment(moment: datetime, zone: str, locale: str = DEFAULT_LOCALE) -> str:
    """A moment as seen in the IANA ``zone``, with that zone, no year (a schedule's next or
    last post): ``Friday, March 13, 16:30 Europe/Berlin``; ``es``: ``vie, 13 de marzo, 16:30
    Europe/Berlin`` (CLDR's weekday form for a day and month in that language).
    """
    from babel.dates import format_datetime, format_skeleton  # noqa: PLC0415 - first use

    local = moment.astimezone(ZoneInfo(zone))
    if _is_english(locale):
        day = format_datetime(local, f"EEEE, {_ap_month(local.month)} d", locale=locale)
    else:
        day = format_skeleton("MMMMEd", local, locale=locale)
    return f"{day}, {local:%H:%M} {zone}"


def _ap_month(month: int) -> str:
    """AP's word for the month, quoted as a literal for a Babel pattern."""
    return f"'{_AP_MONTHS[month - 1]}'"


@lru_cache(maxsize=32)
def _is_english(locale: str) -> bool:
    from babel.core import parse_locale  # noqa: PLC0415 - Babel on first use

    return parse_locale(locale)[0] == "en"
