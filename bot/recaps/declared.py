"""Recaps declared by the operator in the RECAPS setting."""

from datetime import datetime, timezone

from bot.recaps.schedule import ScheduleError, parse_schedule
from bot.settings import Settings, SettingsError
from bot.storage.base import Declared

FIELDS = {"platform", "workspace", "channel", "schedule", "time", "timezone"}


def declared_recaps(settings: Settings, now: datetime | None = None) -> list[Declared]:
    """(platform, workspace, channel, frequency, time, timezone) for each entry.

    SettingsError names RECAPS and the entry: a bad schedule, or one that does not fire at
    least once a year, stops the bot at start instead of stalling recaps later.
    """
    out: list[Declared] = []
    for number, entry in enumerate(settings.recaps, start=1):
        unknown = set(entry) - FIELDS
        if unknown or not {"platform", "channel", "schedule"} <= set(entry):
            raise SettingsError(
                f"Invalid setting RECAPS: entry {number} needs platform, channel and schedule "
                f"(and may have time, timezone, workspace); got {sorted(entry)}"
            )
        if entry["platform"] not in ("slack", "discord"):
            raise SettingsError(
                f"Invalid setting RECAPS: entry {number}: platform must be slack or discord"
            )
        words = str(entry["schedule"]).split() + ([str(entry["time"])] if entry.get("time") else [])
        words.append(str(entry.get("timezone") or settings.recap_timezone))
        try:
            schedule = parse_schedule(
                words, settings.recap_timezone, now or datetime.now(timezone.utc)
            )
        except ScheduleError as error:
            raise SettingsError(f"Invalid setting RECAPS: entry {number}: {error}") from None
        out.append(
            (
                entry["platform"],
                str(entry.get("workspace") or ""),
                str(entry["channel"]),
                schedule.frequency,
                schedule.time,
                schedule.timezone,
            )
        )
    return out
