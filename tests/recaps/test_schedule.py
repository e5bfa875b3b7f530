from datetime import UTC, datetime

import pytest

from bot.recaps.schedule import ScheduleError, parse_schedule


def slots(words: list[str], start: datetime, end: datetime) -> list[str]:
    return [f"{s:%m-%d %H:%M}" for s in parse_schedule(words, "UTC").slots(start, end)]


def test_daily_keeps_local_time_across_spring_forward() -> None:
    # US clocks go forward on Sun. Mar. 8, 2026: 09:00 EST is 14:00Z, 09:00 EDT is 13:00Z.
    assert slots(
        ["daily", "09:00", "America/New_York"],
        datetime(2026, 3, 6, tzinfo=UTC),
        datetime(2026, 3, 10, tzinfo=UTC),
    ) == ["03-06 14:00", "03-07 14:00", "03-08 13:00", "03-09 13:00"]


def test_daily_keeps_local_time_across_fall_back() -> None:
    # Clocks go back on Sun. Nov. 1, 2026.
    assert slots(
        ["daily", "09:00", "America/New_York"],
        datetime(2026, 10, 31, tzinfo=UTC),
        datetime(2026, 11, 3, tzinfo=UTC),
    ) == ["10-31 13:00", "11-01 14:00", "11-02 14:00"]


def test_a_time_skipped_by_spring_forward_posts_once_after_the_change() -> None:
    assert slots(
        ["daily", "02:30", "America/New_York"],
        datetime(2026, 3, 7, 12, tzinfo=UTC),
        datetime(2026, 3, 9, 12, tzinfo=UTC),
    ) == ["03-08 07:30", "03-09 06:30"]


def test_a_time_repeated_by_fall_back_posts_once() -> None:
    assert slots(
        ["daily", "01:30", "America/New_York"],
        datetime(2026, 10, 31, 12, tzinfo=UTC),
        datetime(2026, 11, 2, 12, tzinfo=UTC),
    ) == ["11-01 05:30", "11-02 06:30"]


def test_weekly_and_cron_in_europe() -> None:
    # Europe moves on Sun. Mar. 29, 2026.
    assert slots(
        ["weekly", "monday", "09:00", "Europe/Berlin"],
        datetime(2026, 3, 20, tzinfo=UTC),
        datetime(2026, 4, 7, tzinfo=UTC),
    ) == ["03-23 08:00", "03-30 07:00", "04-06 07:00"]
    assert slots(
        ["cron", "0", "9", "*", "*", "1-5", "Europe/Berlin"],
        datetime(2026, 3, 27, tzinfo=UTC),
        datetime(2026, 3, 31, tzinfo=UTC),
    ) == ["03-27 08:00", "03-30 07:00"]


def test_defaults_time_and_zone() -> None:
    schedule = parse_schedule(["daily"], "America/Chicago")
    assert (schedule.time, schedule.timezone) == ("09:00", "America/Chicago")


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ([], "Give a schedule"),
        (["hourly"], "Give a schedule"),
        (["daily", "25:00"], "not a time"),
        (["weekly", "someday"], "Say which day"),
        (["daily", "Mars/Olympus"], "Unknown time zone"),
        (["cron", "61", "*", "*", "*", "*"], "not a 5-field cron"),
    ],
)
def test_bad_schedules_explain_themselves(words: list[str], message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_schedule(words, "UTC")


def test_the_next_slot_is_computed_directly_and_keeps_local_time() -> None:
    daily = parse_schedule(["daily", "09:00", "America/New_York"], "UTC")
    assert daily.next_slot(datetime(2026, 3, 7, 14, tzinfo=UTC)) == datetime(
        2026, 3, 8, 13, tzinfo=UTC
    )
    gap = parse_schedule(
        ["daily", "02:30", "America/New_York"], "UTC"
    )  # 02:30 does not exist on Mar. 8
    assert gap.next_slot(datetime(2026, 3, 8, 0, tzinfo=UTC)) == datetime(
        2026, 3, 8, 7, 30, tzinfo=UTC
    )  # 03:30 EDT
    twice = parse_schedule(
        ["daily", "01:30", "America/New_York"], "UTC"
    )  # 01:30 happens twice on Nov. 1
    first = twice.next_slot(datetime(2026, 11, 1, 0, tzinfo=UTC))
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT
    assert twice.next_slot(first) == datetime(
        2026, 11, 2, 6, 30, tzinfo=UTC
    )  # not 01:30 EST the same night
    # From inside the repeated hour (01:10 EST), the repeat is not posted either.
    assert twice.next_slot(datetime(2026, 11, 1, 6, 10, tzinfo=UTC)) == datetime(
        2026, 11, 2, 6, 30, tzinfo=UTC
    )


@pytest.mark.parametrize("expression", ["0 0 30 2 *", "0 9 29 2 *", "0 0 31 4 *"])
def test_a_cron_that_does_not_fire_every_year_is_refused(expression: str) -> None:
    with pytest.raises(ScheduleError, match="does not fire at least once a year"):
        parse_schedule(
            ["cron", *expression.split(), "UTC"], "UTC", datetime(2026, 3, 10, tzinfo=UTC)
        )
    # Refused in any year, even just before a leap day.
    with pytest.raises(ScheduleError):
        parse_schedule(["cron", *expression.split()], "UTC", datetime(2027, 6, 1, tzinfo=UTC))


def test_a_yearly_cron_is_accepted() -> None:
    schedule = parse_schedule(
        ["cron", "0", "9", "1", "1", "*"], "UTC", datetime(2026, 3, 10, tzinfo=UTC)
    )
    assert schedule.next_slot(datetime(2026, 3, 10, tzinfo=UTC)) == datetime(
        2027, 1, 1, 9, tzinfo=UTC
    )
