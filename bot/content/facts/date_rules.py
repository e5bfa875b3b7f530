"""Dates in a sentence: calendar dates, partial ones, weekdays and relative words.

``Feb. 26, 2026`` -> ``2026-02-26``; ``November 2025`` -> ``2025-11``; ``Feb. 26`` ->
``--02-26``; ``Thursday's`` -> ``thursday``; ``earlier this week`` stays as written
(relative: it needs a basis to become a calendar date); ``the week of Feb. 22, 2026`` is a
range of seven days (``week of 2026-02-22``), not the day it starts on. Month and weekday
words come from ``bot.content.dates``.
"""

import re

from bot.content.dates import MONTH_PATTERN, MONTHS, WEEKDAY_PATTERN, WEEKDAYS
from bot.content.facts.model import Fact, Kind, PartialDate
from bot.content.normalize import normalize

_YEAR = r"(?:1[89]\d\d|20\d\d)"
_LAST_DAY = 31  # the most days a month has: "March 32" is no date
_DATE_ALTERNATIVES = (  # most specific first: at one position the first that matches wins
    (
        rf"(?i:(?:the\s+)?(?P<week>week)\s+of\s+)(?:(?P<wd>{WEEKDAY_PATTERN}),?\s+)?"
        rf"(?P<mon>{MONTH_PATTERN})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>{_YEAR})\b)?"
    ),
    r"\b(?P<iso>(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2}))\b",
    (
        rf"(?:(?P<wd>{WEEKDAY_PATTERN}),?\s+)?"
        rf"(?P<mon>{MONTH_PATTERN})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b"
        rf"(?:,?\s+(?P<year>{_YEAR})\b)?"
    ),
    (
        rf"(?i:\b(?P<rel>last|this|next|earlier in|later in|early|mid|late)[\s-]+)?"
        rf"\b(?P<mon>{MONTH_PATTERN})(?!\w)(?:,?\s+(?P<year>{_YEAR})\b)?"
    ),
    (
        r"(?i:\b(?P<rel>(?:earlier|later|early|late)\s+(?:this|last|next)\s+(?:week|month|year)"
        r"|(?:this|last|next)\s+(?:week|month|year|weekend)|today|yesterday|tomorrow"
        r"|(?:a|one|two|three|four|five|six|\d+)\s+(?:days?|weeks?|months?|years?)"
        r"\s+(?:ago|earlier|later)))\b"
    ),
    rf"(?i:\b(?P<rel>last|this|next)\s+)?\b(?P<wd>{WEEKDAY_PATTERN})(?:'s)?(?!\w)",
    rf"(?<![\w$,.])(?P<year>{_YEAR})(?![\w,]|\.\d)",
)
# One pass over the text: each alternative's groups are suffixed with its index ("mon_2").
# Every date starts at a word boundary; testing that first skips most positions quickly.
_DATE = re.compile(
    r"\b(?:"
    + "|".join(
        re.sub(r"\(\?P<(\w+)>", rf"(?P<\1_{i}>", alternative)
        for i, alternative in enumerate(_DATE_ALTERNATIVES)
    )
    + ")"
)
# How every date's words start (lower case); most sentences have none, and checking words
# is far cheaper than running _DATE over them.
_DATE_HINTS = frozenset(
    [m[:3] for m in MONTHS]
    + [d[:3] for d in WEEKDAYS]
    + ["mid", "wee", "yea", "tod", "yes", "tom", "day"]
)


def find_dates(folded: str) -> list[Fact]:
    """Every date in ``folded`` (text already passed through ``fold``)."""
    found: list[Fact] = []
    for match in _DATE.finditer(folded) if _may_hold_date(folded) else ():
        value = _date_value(match)
        if value is None:
            continue
        start, end = match.span()
        while start < end and folded[start].isspace():
            start += 1
        found.append(Fact(Kind.DATE, folded[start:end], value.norm, start, end, date=value))
    return found


def _date_value(match: re.Match[str]) -> PartialDate | None:
    groups = {k.rpartition("_")[0]: v for k, v in match.groupdict().items() if v is not None}
    if "iso" in groups:
        return PartialDate(int(groups["y"]), int(groups["m"]), int(groups["d"]))
    year = int(groups["year"]) if "year" in groups else None
    month = MONTHS.get(groups["mon"].rstrip(".").lower()) if "mon" in groups else None
    weekday = WEEKDAYS.get(groups["wd"].rstrip(".").lower()) if "wd" in groups else None
    day = int(groups["day"]) if "day" in groups else None
    if day is not None and not 1 <= day <= _LAST_DAY:
        return None
    rel = groups.get("rel")
    if "week" in groups:
        return PartialDate(year, month, day, week=True)
    if "mon" in groups and groups["mon"] == "May" and day is None and year is None:
        return None  # "May" alone is usually the verb
    relative = None
    if rel is not None:
        rel = " ".join(rel.lower().split())
        if rel in {"early", "mid", "late", "earlier in", "later in"}:
            relative = None  # a part of the month, not a shift in time
        else:
            relative = " ".join(normalize(match.group(0)).lower().replace("'s", "").split())
    if year is None and month is None and weekday is None and relative is None:
        return None
    if relative is not None:
        return PartialDate(None, month, None, weekday, relative)
    return PartialDate(year, month, day, weekday)


def _may_hold_date(folded: str) -> bool:
    for raw in folded.split():
        word = raw.lstrip("(\"'[")
        if word[:1].isdigit() or word[:3].lower() in _DATE_HINTS:
            return True
    return False
