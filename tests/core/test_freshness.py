from datetime import UTC, date, datetime

from bot.app import build_dispatcher
from bot.core.freshness import staleness_warning
from bot.core.reply import AsOf
from bot.settings import Settings


def test_no_warning_up_to_the_threshold_and_a_warning_past_it() -> None:
    stamp = AsOf(date(2026, 2, 28))
    assert staleness_warning(stamp, date(2026, 3, 30), 30) is None  # 30 days old
    warning = staleness_warning(stamp, date(2026, 3, 31), 30)  # 31 days old
    assert warning is not None
    assert "31 days ago" in warning
    assert "may have moved on" in warning


def test_as_of_and_the_warning_write_the_date_as_every_reply_does() -> None:
    stamp = AsOf(date(2026, 2, 28))
    assert stamp.describe() == "Feb. 28, 2026"  # AP style, as the summaries write dates
    assert (
        AsOf(date(2026, 3, 3), exact=False).describe() == "March 3, 2026 or later (undated report)"
    )
    warning = staleness_warning(stamp, date(2026, 3, 31), 30)
    assert warning is not None
    assert warning.startswith("Based on reporting from Feb. 28, 2026, ")


def test_every_reply_carries_as_of_and_warns_when_the_injected_clock_is_late(
    settings: Settings,
) -> None:
    fresh = build_dispatcher(settings, lambda: datetime(2026, 3, 1, tzinfo=UTC))
    late = build_dispatcher(settings, lambda: datetime(2026, 11, 25, tzinfo=UTC))
    for line in ("/ruling", "/numbers", "/help", "/nonsense"):
        assert fresh.run_line(line).as_of == AsOf(date(2026, 2, 28))
        assert fresh.run_line(line).warnings == ()
        assert any("270 days ago" in w for w in late.run_line(line).warnings)


def test_a_reply_resting_only_on_the_undated_report_says_so(settings: Settings) -> None:
    dispatcher = build_dispatcher(settings, lambda: datetime(2026, 3, 1, tzinfo=UTC))
    reply = dispatcher.run_line("/quote Nina Olson founder")
    assert {c.source_id for c in reply.citations} == {"washington-report"}
    assert reply.as_of == AsOf(date(2026, 2, 26), exact=False)
    assert "or later (undated report)" in reply.as_of.describe()
