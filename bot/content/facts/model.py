"""What a fact is: its kind, the words as written, where they are, and the form compared."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.content.dates import WEEKDAY_NAMES


class Kind(StrEnum):
    FIGURE = "figure"
    DATE = "date"
    NAME = "name"
    QUOTE = "quote"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date known only in part; ``relative`` holds words like "this week"."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 = Monday, as in datetime
    relative: str | None = None

    @property
    def norm(self) -> str:
        if self.relative is not None:
            return self.relative
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
