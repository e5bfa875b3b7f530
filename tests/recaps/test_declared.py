"""Recaps declared in RECAPS: a bad entry stops the start naming the variable; a bad
subscription already in the database pauses only itself.
"""

import json
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.recaps.declared import BadDeclaration, declared_recaps
from bot.settings import Settings
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.hermetic import outside_checkout
from tests.recaps.conftest import Clock, build_service

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
GOOD = {"platform": "slack", "channel": "C1", "schedule": "daily", "time": "09:00"}


@pytest.mark.parametrize("cron", ["0 0 30 2 *", "0 9 29 2 *"])
def test_a_declared_cron_that_does_not_fire_every_year_fails_at_start(
    settings: Settings, cron: str
) -> None:
    bad = settings.model_copy(
        update={
            "recaps": [GOOD, {"platform": "slack", "channel": "C2", "schedule": f"cron {cron}"}]
        }
    )
    with pytest.raises(
        BadDeclaration,
        match=r"^Invalid setting RECAPS: entry 2: .*does not fire at least once a year",
    ):
        declared_recaps(bad.recaps, bad.recap_timezone, NOW)
    with pytest.raises(BadDeclaration, match="RECAPS: entry 2"):
        # built (and checked) on first use
        _ = build_dispatcher(bad, lambda: NOW).services.recap_service


def test_declared_recaps_carry_their_workspace() -> None:
    entries = [dict(GOOD, workspace="T2")]
    assert declared_recaps(entries, "UTC", NOW) == [("slack", "T2", "C1", "daily", "09:00", "UTC")]


def test_entries_without_a_timezone_take_the_default() -> None:
    declared = declared_recaps([GOOD], "America/New_York", NOW)
    assert declared == [("slack", "", "C1", "daily", "09:00", "America/New_York")]


def test_the_bot_names_the_variable_and_exits_2(tmp_path: Path, settings: Settings) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "RECAP"))}
    env.update(
        RECAPS=json.dumps(
            [GOOD, {"platform": "slack", "channel": "C2", "schedule": "cron 0 0 30 2 *"}]
        ),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SEEDS_DIR=str(settings.seeds_dir),
        SUMMARIES_DIR=str(settings.summaries_dir),
        PYTHONPATH=str(ROOT),
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "recap", "list"],
        cwd=outside_checkout(tmp_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().startswith("Invalid setting RECAPS: entry 2:")
    assert not (tmp_path / "db.sqlite3").exists()  # refused before the database was opened


async def test_one_bad_subscription_in_the_database_never_blocks_another(
    database_url: str,
    dispatcher: Dispatcher,
    recap_clock: Clock,
    fakes: tuple[FakeSlack, FakeDiscord],
    caplog: pytest.LogCaptureFixture,
) -> None:
    slack, _ = fakes
    first = build_service(database_url, dispatcher, recap_clock, fakes)
    store = await first.ready()
    # Written by an older version that accepted it; no next slot yet (as migrated rows have none).
    bad, _ = await store.add_subscription(
        "slack", "", "CBAD", "0 0 30 2 *", "", "UTC", next_due=None, now=NOW - timedelta(days=1)
    )
    for channel in ("C1", "C2"):
        await store.add_subscription(
            "slack",
            "",
            channel,
            "daily",
            "09:00",
            "America/New_York",
            next_due=None,
            now=NOW - timedelta(days=1),
        )
    await first.aclose()
    second = build_service(database_url, dispatcher, recap_clock, fakes)
    try:
        with caplog.at_level(logging.ERROR):
            await second.ready()  # gives every subscription its next slot; the bad one is paused
            recap_clock.now = datetime(2026, 3, 10, 13, 1, tzinfo=UTC)
            report = await second.post_due()
            await second.post_due()
        assert len(report.posted) == 2
        assert slack.posts_by_channel() == {"C1": 1, "C2": 1}
        paused = {s.id: s.paused_reason for s in await second.subscriptions()}
        assert "no slot within a year" in str(paused[bad.id])
        assert caplog.text.count("CBAD paused") == 1
        rows = {sub.channel: upcoming for sub, upcoming, _ in await second.listing("slack")}
        assert rows["CBAD"] is None
        assert rows["C1"] == datetime(2026, 3, 11, 13, tzinfo=UTC)
    finally:
        await second.aclose()
