"""Recaps declared by the operator in the RECAPS setting."""

from bot.recaps.schedule import ScheduleError, parse_schedule
from bot.settings import Settings, SettingsError

FIELDS = {"platform", "channel", "schedule", "time", "timezone"}


def declared_recaps(settings: Settings) -> list[tuple[str, str, str, str, str]]:
    """(platform, channel, frequency, time, timezone) for each entry; SettingsError names RECAPS."""
    out = []
    for number, entry in enumerate(settings.recaps, start=1):
        unknown = set(entry) - FIELDS
        if unknown or not {"platform", "channel", "schedule"} <= set(entry):
            raise SettingsError(f"Invalid setting RECAPS: entry {number} needs platform, channel and schedule "
                                f"(and may have time, timezone); got {sorted(entry)}")
        if entry["platform"] not in ("slack", "discord"):
            raise SettingsError(f"Invalid setting RECAPS: entry {number}: platform must be slack or discord")
        words = entry["schedule"].split() + ([entry["time"]] if entry.get("time") else [])
        words.append(entry.get("timezone") or settings.recap_timezone)
        try:
            schedule = parse_schedule(words, settings.recap_timezone)
        except ScheduleError as error:
            raise SettingsError(f"Invalid setting RECAPS: entry {number}: {error}") from None
        out.append((entry["platform"], str(entry["channel"]), schedule.frequency, schedule.time, schedule.timezone))
    return out
