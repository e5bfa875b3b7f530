"""Recap schedules: daily, weekly on a day, or a cron expression, in an IANA time zone.

Every schedule becomes a cron expression evaluated on local wall-clock time and only then
converted to UTC, so 09:00 stays 09:00 across daylight-saving changes. A time that does
not exist on a spring-forward day (02:30) is posted when the clocks have moved (03:30);
a time that happens twice on a fall-back day is posted once, at its first occurrence.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter

DAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 0}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_SLOTS = 10_000  # a bound on any one enumeration


class ScheduleError(ValueError):
    """A schedule the user typed that cannot work; the message says how to write it."""


@dataclass(frozen=True, slots=True)
class Schedule:
    frequency: str  # "daily", "weekly mon" or a cron expression
    time: str  # "HH:MM" local, "" for cron
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def cron(self) -> str:
        if self.frequency == "daily" or self.frequency.startswith("weekly "):
            hour, minute = self.time.split(":")
            day = "*" if self.frequency == "daily" else str(DAYS[self.frequency.split()[1]])
            return f"{int(minute)} {int(hour)} * * {day}"
        return self.frequency

    def describe(self) -> str:
        if self.frequency == "daily":
            return f"daily at {self.time} {self.timezone}"
        if self.frequency.startswith("weekly "):
            return f"weekly on {self.frequency.split()[1].capitalize()} at {self.time} {self.timezone}"
        return f"cron `{self.frequency}` ({self.timezone})"

    def slots(self, after: datetime, until: datetime) -> list[datetime]:
        """Scheduled instants in (after, until], in UTC, oldest first."""
        zone = self.zone
        local_start = after.astimezone(zone).replace(tzinfo=None)
        iterator = croniter(self.cron, local_start)
        out: list[datetime] = []
        while len(out) < MAX_SLOTS:
            naive = iterator.get_next(datetime)
            instant = naive.replace(tzinfo=zone).astimezone(timezone.utc)  # fold=0: first occurrence
            if instant > until:
                break
            if instant > after and (not out or instant > out[-1]):
                out.append(instant)
        return out

    def next_slot(self, after: datetime) -> datetime:
        # A year ahead covers every schedule that can be written (cron included).
        found = self.slots(after, after + timedelta(days=366))
        if not found:
            raise ScheduleError(f"{self.describe()} never fires")
        return found[0]


def parse_schedule(words: list[str], default_timezone: str) -> Schedule:
    """``daily [HH:MM] [Zone]``, ``weekly <day> [HH:MM] [Zone]`` or ``cron <m h dom mon dow> [Zone]``."""
    if not words:
        raise ScheduleError(HOW_TO)
    kind = words[0].lower()
    rest = words[1:]
    tz = default_timezone
    if rest and "/" in rest[-1] or rest and rest[-1] in ("UTC", "GMT"):
        tz = rest.pop()
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"Unknown time zone `{tz}`; use an IANA name such as America/New_York.") from None
    if kind == "cron":
        expression = " ".join(rest).strip("\"'")
        if len(expression.split()) != 5 or not croniter.is_valid(expression):
            raise ScheduleError(f"`{expression}` is not a 5-field cron expression (minute hour day month weekday).")
        return Schedule(expression, "", tz)
    if kind == "weekly":
        if not rest or rest[0][:3].lower() not in DAYS:
            raise ScheduleError("Say which day: `weekly monday 09:00 America/New_York`.")
        day = rest.pop(0)[:3].lower()
        return Schedule(f"weekly {day}", _time(rest), tz)
    if kind == "daily":
        return Schedule("daily", _time(rest), tz)
    raise ScheduleError(HOW_TO)


def _time(rest: list[str]) -> str:
    if not rest:
        return "09:00"
    match = _TIME.match(rest[0])
    if not match or len(rest) > 1:
        raise ScheduleError(f"`{' '.join(rest)}` is not a time; use 24-hour HH:MM such as 09:00.")
    return f"{int(match[1]):02d}:{match[2]}"


HOW_TO = ("Give a schedule: `daily 09:00 America/New_York`, `weekly monday 09:00 Europe/Berlin`, "
          "or `cron 0 9 * * 1-5 America/Chicago`. Time defaults to 09:00.")
