"""Recaps declared by the operator in the RECAPS setting.

The value is passed in (``bot/app.py`` reads the setting): recaps never read settings.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.recaps.schedule import ScheduleError, parse_schedule
from bot.storage.base import Declared

FIELDS = {"platform", "workspace", "channel", "schedule", "time", "timezone"}


class BadDeclaration(ValueError):
    """A RECAPS entry that cannot be used; the message names RECAPS and the entry, one line."""


def declared_recaps(
    entries: Sequence[Mapping[str, str]], default_timezone: str, now: datetime
) -> list[Declared]:
    """(platform, workspace, channel, frequency, time, timezone) for each entry of RECAPS.

    ``default_timezone`` (RECAP_TIMEZONE) applies to entries without one. BadDeclaration names
    RECAPS and the entry: a bad schedule, or one that does not fire at least once a year after
    ``now``, stops the bot at start instead of stalling recaps later.
    """
    out: list[Declared] = []
    for number, entry in enumerate(entries, start=1):
        unknown = set(entry) - FIELDS
        if unknown or not {"platform", "channel", "schedule"} <= set(entry):
            msg = (
                f"Invalid setting RECAPS: entry {number} needs platform, channel and schedule "
                f"(and may have time, timezone, workspace); got {sorted(entry)}"
            )
            raise BadDeclaration(msg)
        if entry["platform"] not in ("slack", "discord"):
            msg = f"Invalid setting RECAPS: entry {number}: platform must be slack or discord"
            raise BadDeclaration(msg)
        words = str(entry["schedule"]).split() + ([str(entry["time"])] if entry.get("time") else [])
        words.append(str(entry.get("timezone") or default_timezone))
        try:
            schedule = parse_schedule(words, default_timezone, now)
        except ScheduleError as error:
            msg = f"Invalid setting RECAPS: entry {number}: {error}"
            raise BadDeclaration(msg) from None
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
