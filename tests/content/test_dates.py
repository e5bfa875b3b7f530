"""Dates: English month and weekday words read from reports, and every date shown in AP style."""

import re
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.content.dates import (
    MONTH_PATTERN,
    WEEKDAY_PATTERN,
    format_day,
    format_moment,
    format_month_year,
    format_weekday_day,
    month_number,
    month_words,
    parse_day,
    weekday_number,
)
from tests.hermetic import clean_env, outside_checkout

# --- reading -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "month"),
    [
        ("January", 1),
        ("Feb.", 2),
        ("feb", 2),
        ("MARCH", 3),
        ("May", 5),
        ("Sept.", 9),
        ("Sep", 9),
        ("september", 9),
        ("Dec.", 12),
    ],
)
def test_month_words_are_read_with_or_without_a_period_in_any_case(word: str, month: int) -> None:
    assert month_number(word) == month


@pytest.mark.parametrize("word", ["Febr.", "Ma", "Mayday", ""])
def test_other_words_are_no_month(word: str) -> None:
    assert month_number(word) is None


@pytest.mark.parametrize(
    ("word", "weekday"), [("Monday", 0), ("Tues.", 1), ("tue", 1), ("Thurs.", 3), ("Sun", 6)]
)
def test_weekday_words_count_from_monday_as_datetime_does(word: str, weekday: int) -> None:
    assert weekday_number(word) == weekday


def test_month_words_list_every_spelling_a_text_may_use() -> None:
    assert month_words(9) == ("september", "sept", "sep")
    assert month_words(5) == ("may",)  # May has no abbreviation


@pytest.mark.parametrize(
    ("text", "matches"),
    [("Sept.", True), ("Sept", True), ("Feb.", True), ("February", True), ("May", True)],
)
def test_the_month_pattern_takes_a_whole_month_word(text: str, matches: bool) -> None:
    assert bool(re.fullmatch(MONTH_PATTERN, text)) is matches


def test_a_weekday_abbreviation_needs_its_period() -> None:
    # "Sun" and "Sat" alone are too often other words.
    assert re.fullmatch(WEEKDAY_PATTERN, "Sun.")
    assert not re.fullmatch(WEEKDAY_PATTERN, "Sun")
    assert re.fullmatch(WEEKDAY_PATTERN, "Thursday")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Feb. 28, 2026", date(2026, 2, 28)),
        ("Sept 5 2026", date(2026, 9, 5)),
        ("march 3, 2026 at noon", date(2026, 3, 3)),
        ("May 1, 2026", date(2026, 5, 1)),
        ("Feb. 30, 2026", None),  # no such day
        ("in Feb. 2026", None),  # must start the text
        ("February 2026", None),  # no day
    ],
)
def test_parse_day_reads_a_calendar_day_as_reports_write_it(text: str, day: date | None) -> None:
    assert parse_day(text) == day


# --- writing: AP style ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "shown"),
    [
        (1, "Jan. 5, 2026"),
        (2, "Feb. 5, 2026"),
        (3, "March 5, 2026"),
        (4, "April 5, 2026"),
        (5, "May 5, 2026"),
        (6, "June 5, 2026"),
        (7, "July 5, 2026"),
        (8, "Aug. 5, 2026"),
        (9, "Sept. 5, 2026"),
        (10, "Oct. 5, 2026"),
        (11, "Nov. 5, 2026"),
        (12, "Dec. 5, 2026"),
    ],
)
def test_a_day_is_shown_with_ap_month_abbreviations(month: int, shown: str) -> None:
    assert format_day(date(2026, month, 5)) == shown


def test_a_day_with_its_weekday_spells_the_weekday_out() -> None:
    assert format_weekday_day(date(2026, 2, 26)) == "Thursday, Feb. 26, 2026"
    assert format_weekday_day(date(2026, 5, 1)) == "Friday, May 1, 2026"


@pytest.mark.parametrize(
    ("month", "shown"), [(2, "February 2026"), (5, "May 2026"), (9, "September 2026")]
)
def test_a_month_with_only_a_year_is_spelled_out(month: int, shown: str) -> None:
    assert format_month_year(2026, month) == shown


def test_a_moment_is_shown_in_the_schedules_zone_with_that_zone() -> None:
    moment = datetime(2026, 3, 13, 15, 30, tzinfo=UTC)
    assert format_moment(moment, "Europe/Berlin") == "Friday, March 13, 16:30 Europe/Berlin"
    # Late evening in New York is already the next day in UTC.
    late = datetime(2026, 9, 5, 3, 30, tzinfo=UTC)
    assert format_moment(late, "America/New_York") == "Friday, Sept. 4, 23:30 America/New_York"


def test_english_locales_share_ap_style() -> None:
    assert format_day(date(2026, 2, 26), locale="en_US") == "Feb. 26, 2026"
    assert format_day(date(2026, 2, 26), locale="en_GB") == "Feb. 26, 2026"


# --- writing: other languages, through CLDR --------------------------------------------------


def test_spanish_dates_follow_cldr() -> None:
    assert format_day(date(2026, 2, 26), locale="es") == "26 de febrero de 2026"
    assert format_weekday_day(date(2026, 2, 26), locale="es") == "jueves, 26 de febrero de 2026"
    assert format_month_year(2026, 9, locale="es") == "septiembre de 2026"


# --- cost -----------------------------------------------------------------------------------


def test_reading_dates_does_not_import_babel(tmp_path: Path) -> None:
    """`check` parses dates and never formats one: it does not pay Babel's import."""
    code = (
        "import sys, bot.content.facts, bot.content.dates as d;"
        "assert 'babel' not in sys.modules, 'imported at start';"
        "d.format_day(__import__('datetime').date(2026, 2, 26));"
        "assert 'babel.dates' in sys.modules"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=outside_checkout(tmp_path),
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
