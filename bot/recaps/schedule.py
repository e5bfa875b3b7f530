"""Recap schedules: daily, weekly on a day, or a cron expression, in an IANA time zone.

Every schedule becomes a cron expression evaluated on local wall-clock time and only then
converted to UTC, so 09:00 stays 09:00 across daylight-saving changes. A time that does
not exist on a spring-forward day (02:30) is posted when the clocks have moved (03:30);
a time that happens twice on a fall-back day is posted once, at its first occurrence.

The next slot is computed directly (croniter's ``get_next``), never by listing slots, and
stored with the subscription; a schedule without a slot every year is refused up front.
"""

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadDateError, croniter

from bot.content.dates import WEEKDAY_NAMES, weekday_name
from bot.i18n.catalogs import N_
from bot.i18n.translator import ENGLISH, Translator
from bot.storage.updates import UPDATE_TIMEZONE, UPDATES

# "mon" to "sun", as a weekly schedule stores its day -> cron's weekday number (Sunday 0).
DAYS = {name[:3].lower(): (number + 1) % 7 for number, name in enumerate(WEEKDAY_NAMES)}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_SLOTS = 10_000  # a bound on any one enumeration
_CRON_FIELDS = 5  # minute hour day month weekday: no seconds, no years
# A schedule must fire at least once a year: "0 0 30 2 *" never does, "0 9 29 2 *" only in
# leap years; both are refused where they are given instead of stalling later.
MAX_GAP = timedelta(days=366)


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

    @property
    def updates(self) -> bool:
        """An update subscription: a post when the brief changes, never on a clock."""
        return self.frequency == UPDATES

    def describe(self, tr: Translator = ENGLISH) -> str:
        if self.updates:
            return tr("update posts when the brief changes")
        if self.frequency == "daily":
            return tr("daily at {time} {zone}", time=self.time, zone=self.timezone)
        if self.frequency.startswith("weekly "):
            number = DAYS[self.frequency.split()[1]] - 1  # cron's Sunday 0 is -1: Monday 0
            day = weekday_name(number % 7, tr.lang)
            return tr(
                "weekly on {day} at {time} {zone}", day=day, time=self.time, zone=self.timezone
            )
        return tr("cron `{expression}` ({zone})", expression=self.frequency, zone=self.timezone)

    def slots(self, after: datetime, until: datetime) -> list[datetime]:
        """Scheduled instants in (after, until], oldest first (for tests and tools; the
        scheduler itself only ever asks for the next one).
        """
        out: list[datetime] = []
        at = after
        while len(out) < MAX_SLOTS:
            try:
                at = self.next_slot(at)
            except ScheduleError:
                break
            if at > until:
                break
            out.append(at)
        return out

    def next_slot(self, after: datetime) -> datetime:
        """The first slot strictly after ``after`` (UTC); ScheduleError if none within a year."""
        return _next_slot(self.cron, self.timezone, after.astimezone(UTC))

    def check_fires(self, now: datetime, tr: Translator = ENGLISH) -> None:
        """ScheduleError unless the schedule fires within a year, and again within a year of
        that.
        """
        try:
            self.next_slot(self.next_slot(now))
        except ScheduleError:
            described, how = self.describe(tr), tr(HOW_TO)
            msg = tr(
                "{schedule} does not fire at least once a year; give one that does. {how}",
                schedule=described,
                how=how,
            )
            raise ScheduleError(msg) from None


@functools.lru_cache(maxsize=4096)  # thousands of subscriptions share a few schedules and slots
def _next_slot(cron: str, tz: str, after: datetime) -> datetime:
    zone = ZoneInfo(tz)
    local = after.astimezone(zone).replace(tzinfo=None)
    try:
        iterator = croniter(cron, local, max_years_between_matches=2)
        for _ in range(MAX_SLOTS):
            naive = iterator.get_next(datetime)
            instant: datetime = naive.replace(tzinfo=zone).astimezone(
                UTC
            )  # fold=0: first occurrence
            if instant > after + MAX_GAP:
                break
            if instant > after:  # a repeated (fall-back) local time can map to before ``after``
                return instant
    except (CroniterBadDateError, ValueError, KeyError):
        pass
    msg = f"cron `{cron}` ({tz}) has no slot within a year"
    raise ScheduleError(msg)


def parse_schedule(
    words: list[str],
    default_timezone: str,
    now: datetime | None = None,
    tr: Translator = ENGLISH,
) -> Schedule:
    """``daily [HH:MM] [Zone]``, ``weekly <day> [HH:MM] [Zone]`` or ``cron <m h dom mon dow>
    [Zone]``; what is wrong said in ``tr``'s language.
    """
    if not words:
        raise ScheduleError(tr(HOW_TO))
    kind = words[0].lower()
    rest = words[1:]
    tz = default_timezone
    if (rest and "/" in rest[-1]) or (rest and rest[-1] in ("UTC", "GMT")):
        tz = rest.pop()
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        msg = tr("Unknown time zone `{zone}`; use an IANA name such as America/New_York.", zone=tz)
        raise ScheduleError(msg) from None
    if kind == UPDATES:
        if rest or tz != default_timezone:
            msg = tr(
                "`updates` takes nothing more (a post each time the brief changes): "
                "`/recap subscribe updates`, or `/recap subscribe updates lang es`."
            )
            raise ScheduleError(msg)
        return Schedule(UPDATES, "", UPDATE_TIMEZONE)
    if kind == "cron":
        expression = " ".join(rest).strip("\"'")
        if len(expression.split()) != _CRON_FIELDS or not croniter.is_valid(expression):
            msg = tr(
                "`{expression}` is not a 5-field cron expression (minute hour day month weekday).",
                expression=expression,
            )
            raise ScheduleError(msg)
        schedule = Schedule(expression, "", tz)
        schedule.check_fires(datetime.now(UTC) if now is None else now, tr)
        return schedule
    if kind == "weekly":
        if not rest or rest[0][:3].lower() not in DAYS:
            msg = tr("Say which day: `weekly monday 09:00 America/New_York`.")
            raise ScheduleError(msg)
        day = rest.pop(0)[:3].lower()
        return Schedule(f"weekly {day}", _time(rest, tr), tz)
    if kind == "daily":
        return Schedule("daily", _time(rest, tr), tz)
    raise ScheduleError(tr(HOW_TO))


def next_due(schedule: "Schedule", after: datetime) -> datetime | None:
    """A subscription's first slot after ``after``; None for update subscriptions, which the
    scheduler never sees (bot/updates posts them when the brief changes).
    """
    return None if schedule.updates else schedule.next_slot(after)


def _time(rest: list[str], tr: Translator) -> str:
    if not rest:
        return "09:00"
    match = _TIME.match(rest[0])
    if not match or len(rest) > 1:
        msg = tr("`{typed}` is not a time; use 24-hour HH:MM such as 09:00.", typed=" ".join(rest))
        raise ScheduleError(msg)
    return f"{int(match[1]):02d}:{match[2]}"


HOW_TO = N_(
    "Give a schedule: `daily 09:00 America/New_York`, `weekly monday 09:00 Europe/Berlin`, "
    "or `cron 0 9 * * 1-5 America/Chicago`. Time defaults to 09:00. Or `updates`: a post "
    "each time the brief changes."
)
