"""The "as of" dates and the warning when they are old. The clock is always passed in."""

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime

from bot.content.sources import Source
from bot.core.reply import AsOf

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def as_of(sources: Iterable[Source]) -> AsOf | None:
    """The newest date among the sources behind a reply."""
    dated = [s for s in sources if s.date is not None]
    if not dated:
        return None
    newest = max(dated, key=lambda s: (s.date, s.date_is_exact))
    assert newest.date is not None
    return AsOf(newest.date, newest.date_is_exact)


def staleness_warning(stamp: AsOf | None, today: date, max_age_days: int) -> str | None:
    if stamp is None:
        return "These sources carry no date; the situation may have changed."
    age = (today - stamp.date).days
    if age > max_age_days:
        return (
            f"Based on reporting from {stamp.describe()}, {age} days ago. "
            "The case may have moved on since; check newer reporting."
        )
    return None
