"""Relative dates ("Thursday", "last April", "this week") resolved against the report's date.

Each resolution shows its basis, so an editor can check it before declaring it in
``summaries/aliases.toml``; dates are written as the bot shows them (``bot.content.dates``).
"""

from datetime import date, timedelta

from bot.content.dates import format_day, format_month_year
from bot.content.facts import Fact
from bot.content.sources import Source
from bot.editorial.review.model import RelativeDate


def resolve(fact: Fact, source: Source) -> RelativeDate:
    """A relative date against the report's stated date, with the basis shown."""
    value, basis_day = fact.date, source.meta.published
    if basis_day is None:
        why = (
            "the report states no date; add `published` to its .toml (or resolve by hand and cite "
            "the basis)"
        )
        if source.meta.not_before is not None:
            why += f"; it is not before {format_day(source.meta.not_before)}"
        return RelativeDate(fact.text, None, why)
    basis = f"the report is dated {format_day(basis_day)}"
    assert value is not None
    resolved: str | None = None
    relative = (value.relative or "").lower()
    if value.weekday is not None and value.month is None:
        back = (basis_day.weekday() - value.weekday) % 7
        resolved = format_day(basis_day - timedelta(days=back))
        basis += f"; the {fact.text.rstrip('s').rstrip(chr(39))} on or before it"
    elif value.month is not None and value.year is None:
        strict = relative.startswith("last")
        year = (
            basis_day.year
            if (value.month < basis_day.month or (not strict and value.month == basis_day.month))
            else basis_day.year - 1
        )
        resolved = (
            format_day(date(year, value.month, value.day))
            if value.day
            else format_month_year(year, value.month)
        )
        such = "day" if value.day else "month"
        basis += (
            f"; the latest such {such} not after it"
            if not strict
            else f"; the latest such {such} before it"
        )
    elif relative in ("this month", "earlier this month", "later this month"):
        resolved = format_month_year(basis_day.year, basis_day.month)
    elif relative in ("this week", "earlier this week", "later this week"):
        monday = basis_day - timedelta(days=basis_day.weekday())
        resolved = f"the week of {format_day(monday)} (up to {format_day(basis_day)})"
    elif relative == "last week":
        monday = basis_day - timedelta(days=basis_day.weekday() + 7)
        resolved = f"the week of {format_day(monday)}"
    elif relative == "this year":
        resolved = str(basis_day.year)
    elif relative == "last year":
        resolved = str(basis_day.year - 1)
    elif relative in ("yesterday", "today"):
        resolved = format_day(basis_day - timedelta(days=1 if relative == "yesterday" else 0))
    if resolved is None:
        basis += "; resolve by hand"
    return RelativeDate(fact.text, resolved, basis)
