from datetime import datetime, timezone

import pytest

from bot.recaps.schedule import ScheduleError, parse_schedule

UTC = timezone.utc


def slots(words: list[str], start: datetime, end: datetime) -> list[str]:
    return [f"{s:%m-%d %H:%M}" for s in parse_schedule(words, "UTC").slots(start, end)]


def test_daily_keeps_local_time_across_spring_forward() -> None:
    # US clocks go forward on Sun. Mar. 8, 2026: 09:00 EST is 14:00Z, 09:00 EDT is 13:00Z.
    assert slots(["daily", "09:00", "America/New_York"], datetime(2026, 3, 6, tzinfo=UTC),
                 datetime(2026, 3, 10, tzinfo=UTC)) == ["03-06 14:00", "03-07 14:00", "03-08 13:00", "03-09 13:00"]


def test_daily_keeps_local_time_across_fall_back() -> None:
    # Clocks go back on Sun. Nov. 1, 2026.
    assert slots(["daily", "09:00", "America/New_York"], datetime(2026, 10, 31, tzinfo=UTC),
                 datetime(2026, 11, 3, tzinfo=UTC)) == ["10-31 13:00", "11-01 14:00", "11-02 14:00"]


def test_a_time_skipped_by_spring_forward_posts_once_after_the_change() -> None:
    assert slots(["daily", "02:30", "America/New_York"], datetime(2026, 3, 7, 12, tzinfo=UTC),
                 datetime(2026, 3, 9, 12, tzinfo=UTC)) == ["03-08 07:30", "03-09 06:30"]


def test_a_time_repeated_by_fall_back_posts_once() -> None:
    assert slots(["daily", "01:30", "America/New_York"], datetime(2026, 10, 31, 12, tzinfo=UTC),
                 datetime(2026, 11, 2, 12, tzinfo=UTC)) == ["11-01 05:30", "11-02 06:30"]


def test_weekly_and_cron_in_europe() -> None:
    # Europe moves on Sun. Mar. 29, 2026.
    assert slots(["weekly", "monday", "09:00", "Europe/Berlin"], datetime(2026, 3, 20, tzinfo=UTC),
                 datetime(2026, 4, 7, tzinfo=UTC)) == ["03-23 08:00", "03-30 07:00", "04-06 07:00"]
    assert slots(["cron", "0", "9", "*", "*", "1-5", "Europe/Berlin"], datetime(2026, 3, 27, tzinfo=UTC),
                 datetime(2026, 3, 31, tzinfo=UTC)) == ["03-27 08:00", "03-30 07:00"]


def test_defaults_time_and_zone() -> None:
    schedule = parse_schedule(["daily"], "America/Chicago")
    assert (schedule.time, schedule.timezone) == ("09:00", "America/Chicago")


@pytest.mark.parametrize("words, message", [
    ([], "Give a schedule"), (["hourly"], "Give a schedule"), (["daily", "25:00"], "not a time"),
    (["weekly", "someday"], "Say which day"), (["daily", "Mars/Olympus"], "Unknown time zone"),
    (["cron", "61", "*", "*", "*", "*"], "not a 5-field cron"),
])
def test_bad_schedules_explain_themselves(words: list[str], message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_schedule(words, "UTC")
