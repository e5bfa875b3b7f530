"""Recaps under pressure (issue 21), with real processes (``python -m bot recap post-due`` and
the recap runner of tests/recaps/instance.py) against the fake Slack, on SQLite and on
PostgreSQL (TEST_DATABASE_URL). Every test ends with the exactly-once ledger, counted on the
fake's side: every channel posted once, none lost, none twice.
"""

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.recaps.schedule import Schedule
from bot.storage.base import StorageError
from bot.storage.connect import open_store
from tests.fakes.slack import FakeSlack
from tests.hermetic import clean_env, outside_checkout

DAILY = Schedule("daily", "09:00", "America/New_York")
SLOT = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
AT = SLOT + timedelta(seconds=30)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'recaps.sqlite3'}"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = await FakeSlack().start()
    yield slack
    await slack.stop()


def channels(count: int) -> list[str]:
    return [f"C{i:03d}" for i in range(count)]


def environment(fake: FakeSlack, url: str, **settings: str) -> dict[str, str]:
    """Default recap settings unless a test says otherwise."""
    return clean_env(
        SLACK_BOT_TOKEN="xoxb-t",
        SLACK_SIGNING_SECRET="s",
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=url,
        LOG_LEVEL="WARNING",
        **settings,
    )


async def subscribe_all(url: str, names: list[str], workspaces: int = 1) -> None:
    store = await open_store(url)
    try:
        for i, channel in enumerate(names):
            await store.add_subscription(
                "slack",
                f"T{i % workspaces}",
                channel,
                DAILY.frequency,
                DAILY.time,
                DAILY.timezone,
                next_due=SLOT,
                now=SLOT - timedelta(days=1),
            )
    finally:
        await store.close()


async def post_due(env: dict[str, str], cwd: Path, at: datetime = AT) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "recap",
        "post-due",
        "--at",
        at.isoformat(),
        cwd=outside_checkout(cwd),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finished(process: asyncio.subprocess.Process, timeout: float = 60) -> str:
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode == 0, err.decode()
    return out.decode().strip().splitlines()[0]  # the recaps' line (the corrections' follows)


async def wait_for(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.02)
    return condition()


async def open_claims(url: str) -> int:
    store = await open_store(url)
    try:
        return len(await store.open_claims())
    finally:
        await store.close()


def assert_exactly_once(fake: FakeSlack, names: list[str]) -> None:
    counts = fake.posts_by_channel()
    lost = [c for c in names if c not in counts]
    doubled = {c: n for c, n in counts.items() if n > 1}
    assert (lost, doubled) == ([], {})


async def test_a_429_storm_finishes_in_seconds_and_loses_nothing(
    fake: FakeSlack, url: str, tmp_path: Path
) -> None:
    """Every third post answered 429 (Retry-After: 1), 40 channels in one workspace: once
    more than a minute with one lost; now under 20 s (the waits Slack asks for add up to
    about 14 s) and every recap posted.
    """
    names = channels(40)
    await subscribe_all(url, names)
    fake.rate_limit_every, fake.storm_retry_after = 3, 1
    started = time.monotonic()
    summary = await finished(await post_due(environment(fake, url), tmp_path))
    assert time.monotonic() - started < 20
    assert summary == "40 posted, 0 recovered, 0 skipped, 0 failed"
    assert fake.rejected >= 13
    assert_exactly_once(fake, names)


async def test_a_killed_fan_out_is_posted_by_the_next_run_within_a_minute(
    fake: FakeSlack, url: str, tmp_path: Path
) -> None:
    """Default settings: the claims of a SIGKILLed post-due lapse within 30 s, and a run
    every 5 s (cron, or the runner's wake-up) posts them, checking each channel first.
    """
    names = channels(60)
    await subscribe_all(url, names)
    fake.post_delay = 0.1
    env = environment(fake, url, RECAP_CONCURRENCY="4")
    victim = await post_due(env, tmp_path)
    assert await wait_for(lambda: len(fake.posts_by_channel()) >= 10, 60)
    victim.send_signal(signal.SIGKILL)
    await victim.wait()
    killed = time.monotonic()
    assert len(fake.posts_by_channel()) < len(names)
    fake.post_delay = 0.0
    while len(fake.posts_by_channel()) < len(names) and time.monotonic() - killed < 60:
        await finished(await post_due(env, tmp_path))
        await asyncio.sleep(5)
    assert time.monotonic() - killed < 60
    assert await open_claims(url) == 0
    assert_exactly_once(fake, names)


async def test_sigterm_stops_post_due_gracefully_and_the_next_run_posts_the_rest(
    fake: FakeSlack, url: str, tmp_path: Path
) -> None:
    names = channels(60)
    await subscribe_all(url, names)
    fake.post_delay = 0.1
    env = environment(fake, url, RECAP_CONCURRENCY="4")
    process = await post_due(env, tmp_path)
    assert await wait_for(lambda: len(fake.posts_by_channel()) >= 10, 60)
    process.send_signal(signal.SIGTERM)
    stopped = time.monotonic()
    summary = await finished(process, 30)  # exit 0
    assert time.monotonic() - stopped < 5
    assert summary.endswith("(stopped early by a signal)")
    posted = len(fake.posts_by_channel())
    assert posted < len(names)
    assert await open_claims(url) == 0  # finished or given back: nothing left to lapse
    assert (await finished(await post_due(env, tmp_path))).startswith(
        f"{len(names) - posted} posted, 0 recovered"
    )
    assert_exactly_once(fake, names)


async def test_cron_keeps_the_day_of_a_killed_run_whose_slot_is_older_than_the_grace(
    fake: FakeSlack, url: str, tmp_path: Path
) -> None:
    """Hourly cron, RECAP_GRACE_MINUTES=60: the run at 09:00 is killed; the one at 10:00:40
    finds its claims lapsed a moment ago (slot 61 minutes old) and still posts them.
    """
    names = channels(40)
    await subscribe_all(url, names)
    fake.post_delay = 0.2
    env = environment(fake, url, RECAP_CONCURRENCY="2", RECAP_CLAIM_LEASE_SECONDS="3")
    victim = await post_due(env, tmp_path)
    assert await wait_for(lambda: len(fake.posts_by_channel()) >= 4, 60)
    victim.send_signal(signal.SIGKILL)
    await victim.wait()
    assert len(fake.posts_by_channel()) < len(names)
    await asyncio.sleep(4)  # the claims' leases lapse
    fake.post_delay = 0.0
    summary = await finished(await post_due(env, tmp_path, SLOT + timedelta(minutes=61)))
    assert "0 skipped, 0 failed" in summary
    assert_exactly_once(fake, names)


@pytest.mark.parametrize("batch", ["1", "7", "1000"])
async def test_any_claim_batch_posts_each_slot_once(
    fake: FakeSlack, url: str, tmp_path: Path, batch: str
) -> None:
    names = channels(30)
    await subscribe_all(url, names, workspaces=3)
    env = environment(fake, url, RECAP_CLAIM_BATCH=batch)
    assert await finished(await post_due(env, tmp_path)) == (
        "30 posted, 0 recovered, 0 skipped, 0 failed"
    )
    assert await finished(await post_due(env, tmp_path)) == (
        "0 posted, 0 recovered, 0 skipped, 0 failed"
    )
    store = await open_store(url)
    try:
        assert {d.status for d in await store.deliveries()} == {"sent"}
        assert {c: said is not None for c, said in (await store.told_many("slack", names)).items()}
    finally:
        await store.close()
    assert_exactly_once(fake, names)


async def test_a_deleted_sqlite_file_pauses_the_runner_and_the_original_resumes_it(
    fake: FakeSlack, tmp_path: Path
) -> None:
    """The runner stops posting into the unlinked file at once (at most its posts in flight
    go out), and carries on exactly where it stopped once the original file is back.
    """
    path = tmp_path / "recaps.sqlite3"
    url = f"sqlite:///{path}"
    names = channels(40)
    await subscribe_all(url, names)
    fake.post_delay = 0.1
    env = environment(fake, url, RECAP_CONCURRENCY="2", RECAP_CLAIM_BATCH="5")
    runner = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.recaps.instance",
        AT.isoformat(),
        cwd=outside_checkout(tmp_path),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert runner.stdout is not None
        assert (await asyncio.wait_for(runner.stdout.readline(), 60)).strip() == b"ready"
        assert await wait_for(lambda: len(fake.posts_by_channel()) >= 6, 60)
        saved = tmp_path / "saved.sqlite3"
        os.link(path, saved)  # the original, kept aside
        path.unlink()
        at_delete = len(fake.posts_by_channel())
        await asyncio.sleep(3)
        paused = len(fake.posts_by_channel())
        assert paused <= at_delete + 2  # at most the posts in flight (RECAP_CONCURRENCY)
        assert paused < len(names)
        os.link(saved, path)  # the original is back
        assert await wait_for(lambda: len(fake.posts_by_channel()) == len(names), 60)
        await asyncio.sleep(1)
    finally:
        runner.send_signal(signal.SIGTERM)
        await asyncio.wait_for(runner.wait(), 30)
    assert runner.returncode == 0
    assert_exactly_once(fake, names)


async def test_subscribing_is_refused_while_the_sqlite_file_is_gone(tmp_path: Path) -> None:
    path = tmp_path / "recaps.sqlite3"
    store = await open_store(f"sqlite:///{path}")
    try:
        os.link(path, tmp_path / "saved.sqlite3")
        path.unlink()
        assert not store.still_current()
        with pytest.raises(StorageError, match="deleted or replaced"):
            await store.add_subscription(
                "slack", "T", "C1", "daily", "09:00", "UTC", next_due=SLOT, now=SLOT
            )
        os.link(tmp_path / "saved.sqlite3", path)
        assert store.still_current()
        _, created = await store.add_subscription(
            "slack", "T", "C1", "daily", "09:00", "UTC", next_due=SLOT, now=SLOT
        )
        assert created
    finally:
        await store.close()
