"""What a fact is: its kind, the words as written, where they are, and the form compared."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.content.dates import WEEKDAY_NAMES

WEEK = timedelta(days=7)


class Kind(StrEnum):
    FIGURE = "figure"
    DATE = "date"
    NAME = "name"
    QUOTE = "quote"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date known only in part; ``relative`` holds words like "this week".

    A date is a range unless it names a day: a month, a year, or, with ``week``, the seven
    days from ``year-month-day`` ("the week of Feb. 22, 2026"). A range supports a claim
    of the range or of anything wider, never of a single day inside it.
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 = Monday, as in datetime
    relative: str | None = None
    week: bool = False  # the week that starts on this day

    @property
    def norm(self) -> str:
        if self.relative is not None:
            return self.relative
        if self.week:
            return f"week of {self.year or '-'}-{self.month or 0:02d}-{self.day or 0:02d}"
        if self.month is None and self.year is None and self.weekday is not None:
            return WEEKDAY_NAMES[self.weekday].lower()
        year = f"{self.year:04d}" if self.year is not None else "-"
        parts = [year]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def as_date(self) -> date | None:
        if self.year is None or self.month is None or self.day is None:
            return None
        try:
            return date(self.year, self.month, self.day)
        except ValueError:
            return None

    def covers(self, other: "PartialDate") -> bool:
        """True when this date (at least as precise) says everything ``other`` says."""
        if other.relative is not None:
            return self.relative == other.relative
        if self.week or other.week:
            return self._covers_week(other)
        for mine, theirs in (
            (self.year, other.year),
            (self.month, other.month),
            (self.day, other.day),
        ):
            if theirs is not None and mine != theirs:
                return False
        if other.weekday is not None:
            exact = self.as_date()
            weekday = exact.weekday() if exact is not None else self.weekday
            if weekday != other.weekday:
                return False
        return True

    def holds_day(self, other: "PartialDate") -> bool:
        """True when this date is a range (a week, a month, a year) and ``other`` is a
        single day inside it: a claim may not narrow a range to one of its days.
        """
        if other.as_date() is None or self.relative is not None or self.day_only:
            return False
        start, end = self.bounds()
        day = other.as_date()
        return start is not None and end is not None and day is not None and start <= day < end

    @property
    def day_only(self) -> bool:
        """Names one day (not a week of it)."""
        return self.day is not None and not self.week

    def bounds(self) -> tuple[date | None, date | None]:
        """First day and the day after the last, when year (and month) are known."""
        if self.year is None:
            return None, None
        if self.week:
            start = self.as_date()
            return (start, start + WEEK) if start is not None else (None, None)
        if self.month is None:
            return date(self.year, 1, 1), date(self.year + 1, 1, 1)
        if self.day is not None:
            day = self.as_date()
            return (day, day + timedelta(days=1)) if day is not None else (None, None)
        after = date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return date(self.year, self.month, 1), after

    def _covers_week(self, other: "PartialDate") -> bool:
        """Coverage where either side is a week: a week supports itself and any range that
        holds all of it; a day supports the week it falls in.
        """
        if self.week and other.week:
            return (self.year, self.month, self.day) == (other.year, other.month, other.day)
        if other.week:  # a day (or the same week) in the evidence supports the claimed week
            start, end = other.bounds()
            day = self.as_date() if self.day_only else None
            return start is not None and end is not None and day is not None and start <= day < end
        if other.day is not None or other.weekday is not None:
            return False  # a single day inside the week: the week does not say which
        start, end = self.bounds()
        if start is None or end is None:
            return False
        last = end - timedelta(days=1)
        if other.year is not None and not start.year == last.year == other.year:
            return False
        return other.month is None or start.month == last.month == other.month


@dataclass(frozen=True, slots=True)
class Fact:
    kind: Kind
    text: str  # the words as written
    norm: str  # the form compared
    start: int
    end: int
    quoted: bool = False  # inside a quoted phrase of the same text
    date: PartialDate | None = None
    # A lone capitalised word starting a sentence ("Romo wrote"): a name only when the
    # caller knows it is one (``known_names``); extract_facts drops the others.
    initial: bool = False
    # For a figure, the hedge written just before it ("about", "more than"), lower case.
    hedge: str | None = None
    # Why the words could not be read as written ("not Spanish notation: did you mean ...").
    note: str | None = None
