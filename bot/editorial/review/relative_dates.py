"""Relative dates ("Thursday", "last April", "earlier this week") resolved as the summaries do.

The support check's conventions (``summaries/aliases.toml``, docs/editing.md): a weekday is
that day of the report's week, shown with its date ("Thursday, Feb. 26, 2026"); "this week"
is a range, the week that holds the report's date, starting on the first day of the week
of the reports' locale (CLDR through Babel: Sunday in ``en_US``), written as a declaration
writes it ("the week of Feb. 22, 2026"); a month without a year is the latest such month.

In that order, a relative date is resolved by
1. what the editors declared for that source and words (``[[dates]]``), with their basis;
2. the report's stated date (``published`` in its ``.toml``);
3. for an undated report, the same words (or, for a weekday, a date falling on it) in a
   quote of another report about the same event, as the summaries resolve them there: the
   basis says so, and the editor decides whether it is the same event.
Dates are written as the bot shows them (``bot.content.dates``).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from bot.content.dates import WEEKDAY_NAMES, format_day, format_month_year, format_weekday_day
from bot.content.declarations import DateDeclaration
from bot.content.facts import Fact, PartialDate
from bot.content.normalize import normalize
from bot.content.sources import Source
from bot.editorial.review.model import RelativeDate

REPORTS_LOCALE = "en_US"  # the reports are American: their weeks start on Sunday
_DAYS_A_WEEK = 7


@dataclass(frozen=True, slots=True)
class Event:
    """A quote of another report that a sentence was found to report the same thing as."""

    where: str  # the claim citing it: "status.md:21"
    source_id: str
    quote: str
    facts: tuple[Fact, ...]


@cache
def first_week_day(locale: str = REPORTS_LOCALE) -> int:
    """The first day of the week in ``locale`` (0 = Monday, as ``date.weekday()``): CLDR."""
    from babel import Locale  # noqa: PLC0415 - Babel on first use, as bot.content.dates

    return int(Locale.parse(locale).first_week_day)


def week_start(day: date, locale: str = REPORTS_LOCALE) -> date:
    return day - timedelta(days=(day.weekday() - first_week_day(locale)) % _DAYS_A_WEEK)


def shown(value: PartialDate) -> str:
    """A resolved date as a declaration's ``means`` writes it."""
    day = value.as_date()
    if value.week and day is not None:
        return f"the week of {format_day(day)}"
    if day is not None:
        return format_weekday_day(day) if value.weekday is not None else format_day(day)
    if value.year is not None and value.month is not None:
        return format_month_year(value.year, value.month)
    return str(value.year) if value.year is not None else value.norm


def calendar(value: PartialDate, basis_day: date | None) -> PartialDate | None:
    """``value`` on the calendar: as given when it has a year, else against ``basis_day``."""
    if value.relative is None and value.year is not None:
        return value
    if basis_day is None:
        return None
    relative = (value.relative or "").lower()
    if value.weekday is not None and value.month is None:
        back = (basis_day.weekday() - value.weekday) % _DAYS_A_WEEK
        day = basis_day - timedelta(days=back)
        return PartialDate(day.year, day.month, day.day, value.weekday)
    if value.month is not None and value.year is None:
        strict = relative.startswith("last")
        later = value.month > basis_day.month or (strict and value.month == basis_day.month)
        return PartialDate(basis_day.year - 1 if later else basis_day.year, value.month, value.day)
    week = {"this week": 0, "earlier this week": 0, "later this week": 0, "last week": 1}
    if relative in week:
        start = week_start(basis_day) - timedelta(days=_DAYS_A_WEEK * week[relative])
        return PartialDate(start.year, start.month, start.day, week=True)
    if relative in ("this month", "earlier this month", "later this month"):
        return PartialDate(basis_day.year, basis_day.month)
    if relative in ("this year", "last year"):
        return PartialDate(basis_day.year - (relative == "last year"))
    if relative in ("yesterday", "today"):
        day = basis_day - timedelta(days=1 if relative == "yesterday" else 0)
        return PartialDate(day.year, day.month, day.day)
    return None


def declared(
    fact: Fact, text: str, source_id: str, declarations: Iterable[DateDeclaration]
) -> DateDeclaration | None:
    """The editors' declaration for these words of this source (its words in ``text``,
    holding the fact's words).
    """
    words = normalize(fact.text).lower().removesuffix("'s")
    lowered = " ".join(normalize(text).lower().split())
    return next(
        (
            d
            for d in declarations
            if d.applies_to(source_id) and d.means and words in d.words and d.words in lowered
        ),
        None,
    )


def resolve(
    fact: Fact,
    source: Source,
    declarations: Iterable[DateDeclaration] = (),
    events: Iterable[Event] = (),
    text: str = "",
) -> RelativeDate:
    """A relative date, resolved with the basis shown (see the module notes)."""
    declarations = tuple(declarations)
    value, basis_day = fact.date, source.meta.published
    assert value is not None
    mine = declared(fact, text or fact.text, source.id, declarations)
    if mine is not None:
        return RelativeDate(
            fact.text, shown(mine.means[0]), f"declared in aliases.toml: {mine.basis}"
        )
    if basis_day is not None:
        resolved = calendar(value, basis_day)
        basis = f"the report is dated {format_weekday_day(basis_day)}"
        if value.week or (value.relative or "").endswith("week"):
            basis += f"; weeks start on {_first_day_name()} ({REPORTS_LOCALE}, CLDR)"
        if resolved is None:
            return RelativeDate(fact.text, None, basis + "; resolve by hand")
        return RelativeDate(fact.text, shown(resolved), basis)
    through = _through_event(fact, tuple(events), declarations)
    if through is not None:
        return through
    why = (
        "the report states no date; add `published` to its .toml (or resolve by hand and cite "
        "the basis)"
    )
    if source.meta.not_before is not None:
        why += f"; it is not before {format_day(source.meta.not_before)}"
    return RelativeDate(fact.text, None, why)


def _through_event(
    fact: Fact, events: tuple[Event, ...], declarations: tuple[DateDeclaration, ...]
) -> RelativeDate | None:
    """An undated report's date, as the summaries resolve the same event's in another report."""
    value = fact.date
    assert value is not None
    for event in events:
        for other in event.facts:
            if other.date is None:
                continue
            theirs = declared(other, event.quote, event.source_id, declarations)
            if theirs is not None:
                meant = theirs.means[0]
                why = f"declared for {event.source_id}'s \u201c{other.text}\u201d"
            elif other.date.year is not None and other.date.relative is None:
                meant, why = other.date, f"{event.source_id}'s \u201c{other.text}\u201d"
            else:
                continue
            same_words = other.text.lower() == fact.text.lower().removesuffix("'s")
            day = meant.as_date()
            same_weekday = (
                value.weekday is not None
                and value.month is None
                and day is not None
                and not meant.week
                and day.weekday() == value.weekday
            )
            if same_words or same_weekday:
                if same_weekday and day is not None:
                    meant = PartialDate(day.year, day.month, day.day, value.weekday)
                return RelativeDate(
                    fact.text,
                    shown(meant),
                    f"the report states no date; if it is the same event as {event.where} "
                    f"({why}, as the summaries resolve it)",
                )
    return None


def _first_day_name() -> str:
    return WEEKDAY_NAMES[first_week_day()]
