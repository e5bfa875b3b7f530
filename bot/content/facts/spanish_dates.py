"""Dates in a Spanish sentence, read with the Spanish locale's CLDR data through Babel.

``26 de febrero de 2026`` -> ``2026-02-26``; ``jueves, 26 de febrero de 2026`` (with or
without the comma); ``26 de febrero`` -> ``--02-26``; ``febrero de 2026`` -> ``2026-02``;
``noviembre`` -> ``--11``; ``el jueves`` -> ``thursday``; ``la semana del 22 de febrero de
2026`` -> the week from Feb. 22, 2026 (a range, as in English); ``la semana pasada`` ->
``last week`` (a relative date, compared with the English words of the quotes).

Nothing here lists a Spanish word by hand: month and weekday names are CLDR's, the shapes
of a date are CLDR's date patterns (``long``: ``d 'de' MMMM 'de' y``, ``full``, and the
``MMMMd`` and ``yMMMM`` skeletons) turned into regular expressions, relative words are
CLDR's relative date fields, paired with the English ones by meaning ("la semana pasada" =
"last week"), and "semana" is CLDR's unit name. Phrases editors declare in
``summaries/es/aliases.toml`` are found before these (``bot.content.facts.phrases``).
"""

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from bot.content.facts.model import Fact, Kind, PartialDate

if TYPE_CHECKING:
    from babel import Locale

LOCALE = "es"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_RELATIVE_FIELDS = ("day", "week", "month", "year", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class _Rules:
    pattern: re.Pattern[str]
    months: dict[str, int]  # lower-case name -> 1-12
    weekdays: dict[str, int]  # lower-case name -> 0 (Monday) to 6
    relative: dict[str, str]  # lower-case Spanish words -> the English words, lower case
    hint: re.Pattern[str]  # how every word a date may start with starts


@cache
def _rules() -> _Rules:
    from babel import Locale  # noqa: PLC0415 - Babel is loaded on first use (see bot.content.dates)
    from babel.units import format_unit  # noqa: PLC0415

    locale = Locale.parse(LOCALE)
    months = {
        name.lower(): number
        for context in ("format", "stand-alone")
        for number, name in locale.months[context]["wide"].items()
    }
    weekdays = {
        name.lower(): number
        for context in ("format", "stand-alone")
        for number, name in locale.days[context]["wide"].items()
    }
    relative = _relative_words(locale, Locale.parse("en"))
    week = format_unit(1, "duration-week", length="long", locale=locale).replace("1", "").strip()
    month_words = "|".join(sorted(months, key=len, reverse=True))
    weekday_words = "|".join(sorted(weekdays, key=len, reverse=True))
    relative_words = "|".join(re.escape(w) for w in sorted(relative, key=len, reverse=True))

    def shape(skeleton: str) -> str:
        return _regex(_cldr_pattern(locale, skeleton), month_words, weekday_words)

    day_month = shape("MMMMd")
    alternatives = (  # most specific first: at one position the first that matches wins
        (
            rf"(?:la\s+)?(?P<week>{re.escape(week)})\s+del?\s+{day_month}"
            rf"(?:\s+de\s+(?P<year>{_YEAR}))?"
        ),
        shape("full"),
        shape("long"),
        day_month,
        shape("yMMMM"),
        rf"(?P<rel>{relative_words})",
        rf"(?P<wd>{weekday_words})",
        rf"(?P<mon>{month_words})",
        rf"(?<![\w$,.])(?P<year>{_YEAR})(?![\w,]|\.\d)",
    )
    pattern = re.compile(
        r"(?<!\w)(?:"
        + "|".join(_number_groups(alternative, i) for i, alternative in enumerate(alternatives))
        + r")(?!\w)",
        re.IGNORECASE,
    )
    # A date holds a digit, a month or weekday name, "semana", or the word that names the
    # field of a relative phrase (its last: "la semana pasada", "el próximo mes", "hoy"):
    # one quick search, so most sentences never meet the full pattern.
    keys = {*months, *weekdays, week, *(phrase.split()[-1] for phrase in relative)}
    hint = re.compile(
        r"(?<!\w)(?:\d|" + "|".join(re.escape(w) for w in sorted(keys)) + r")",
        re.IGNORECASE,
    )
    return _Rules(pattern, months, weekdays, relative, hint)


def _cldr_pattern(locale: "Locale", name: str) -> str:
    if name in locale.date_formats:
        return str(locale.date_formats[name].pattern)
    return str(locale.datetime_skeletons[name].pattern)


_FIELD = re.compile(r"'[^']*'|E+|d+|M+|y+|,|\s+|.")


def _regex(cldr: str, months: str, weekdays: str) -> str:
    """A CLDR date pattern ("EEEE, d 'de' MMMM 'de' y") as a regular expression."""
    out = []
    for token in _FIELD.findall(cldr):
        if token.startswith("'"):
            out.append(re.escape(token.strip("'")))
        elif token.startswith("E"):
            out.append(rf"(?P<wd>{weekdays})")
        elif token.startswith("d"):
            out.append(r"(?P<day>[0-3]?\d)")
        elif token.startswith("M"):
            out.append(rf"(?P<mon>{months})")
        elif token.startswith("y"):
            out.append(rf"(?P<year>{_YEAR})")
        elif token == ",":  # noqa: S105 - a pattern's comma, not a password
            out.append(",?")
        elif token.isspace():
            out.append(r"\s+")
        else:
            out.append(re.escape(token))
    return "".join(out)


def _number_groups(alternative: str, index: int) -> str:
    """Suffix every group name with the alternative's index ("mon_2"), so one pattern can
    hold them all.
    """
    return re.sub(r"\(\?P<(\w+)>", rf"(?P<\1_{index}>", alternative)


def _relative_words(spanish: "Locale", english: "Locale") -> dict[str, str]:
    """CLDR's relative date words ("la semana pasada", "el jueves pasado"), paired with the
    English ones of the same field and offset ("last week", "last thursday").

    Babel has no public accessor for CLDR's relative date fields; they are read from the
    locale data it ships, the same data its own ``format_timedelta`` reads.
    """
    pairs: dict[str, str] = {}
    es_fields = spanish._data["date_fields"]  # noqa: SLF001 - see the docstring
    en_fields = english._data["date_fields"]  # noqa: SLF001
    for field in _RELATIVE_FIELDS:
        es_relative = es_fields.get(field, {}).get("relative", {})
        en_relative = en_fields.get(field, {}).get("relative", {})
        for offset, words in es_relative.items():
            if offset in en_relative:
                pairs[words.lower()] = en_relative[offset].lower()
    return pairs


def find_dates_es(folded: str) -> list[Fact]:
    """Every date in ``folded`` (folded Spanish text)."""
    rules = _rules()
    if rules.hint.search(folded) is None:
        return []
    found: list[Fact] = []
    for match in rules.pattern.finditer(folded):
        value = _value(match, rules)
        if value is not None:
            start, end = match.span()
            found.append(Fact(Kind.DATE, folded[start:end], value.norm, start, end, date=value))
    return found


def _value(match: re.Match[str], rules: _Rules) -> PartialDate | None:
    groups = {k.rpartition("_")[0]: v for k, v in match.groupdict().items() if v is not None}
    if "rel" in groups:
        return PartialDate(relative=rules.relative[" ".join(groups["rel"].lower().split())])
    year = int(groups["year"]) if "year" in groups else None
    month = rules.months.get(groups["mon"].lower()) if "mon" in groups else None
    weekday = rules.weekdays.get(groups["wd"].lower()) if "wd" in groups else None
    day = int(groups["day"]) if "day" in groups else None
    if day is not None and not 1 <= day <= 31:  # noqa: PLR2004 - days of a month
        return None
    if "week" in groups:
        return PartialDate(year, month, day, week=True)
    return PartialDate(year, month, day, weekday)
