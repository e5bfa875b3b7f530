"""Exactly once with several instances (real processes) on one database.

Three instances (tests/recaps/instance.py: the real service, runner, store and Slack poster)
share one database: PostgreSQL when TEST_DATABASE_URL is set, else one SQLite file. One is
killed with SIGKILL in the middle of a fan-out; its claims are taken over by the survivors
only once their lease has run out, checked against the channel, and posted only if missing.
"""

import asyncio
import json
import signal
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.recaps.schedule import Schedule
from bot.storage.connect import open_store
from tests.fakes.slack import FakeSlack
from tests.hermetic import clean_env, outside_checkout
from tests.recaps.conftest import TEST_DATABASE_URL

CHANNELS = [f"C{i:03d}" for i in range(90)]
DAILY = Schedule("daily", "09:00", "America/New_York")
SLOT = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
AT = SLOT + timedelta(seconds=30)
LEASE_SECONDS = 2


@pytest.fixture
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if TEST_DATABASE_URL:
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}"


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = await FakeSlack().start()
    yield slack
    await slack.stop()


def environment(fake: FakeSlack, url: str) -> dict[str, str]:
    return clean_env(
        SLACK_BOT_TOKEN="xoxb-t",
        SLACK_SIGNING_SECRET="s",
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=url,
        LOG_LEVEL="WARNING",
        RECAP_CONCURRENCY="4",
        RECAP_CLAIM_LEASE_SECONDS=str(LEASE_SECONDS),
        RECAP_CLAIM_BATCH="10",  # several instances share the fan-out
    )


async def start_instance(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.recaps.instance",
        AT.isoformat(),
        cwd=outside_checkout(cwd),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    if line.strip() != b"ready":
        assert process.stderr is not None
        raise AssertionError((line + await process.stderr.read()).decode())
    return process


async def subscribe_all(url: str, channels: list[str]) -> None:
    store = await open_store(url)
    try:
        for channel in channels:
            await store.add_subscription(
                "slack",
                "",
                channel,
                DAILY.frequency,
                DAILY.time,
                DAILY.timezone,
                next_due=SLOT,
                now=SLOT - timedelta(days=1),
            )
    finally:
        await store.close()


async def wait_for(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


async def stop(processes: list[asyncio.subprocess.Process]) -> None:
    for process in processes:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        await asyncio.wait_for(process.wait(), 30)


async def test_sigkill_of_one_of_three_instances_mid_fan_out(
    fake: FakeSlack, shared_url: str, tmp_path: Path
) -> None:
    fake.post_delay = 0.1  # the fan-out takes long enough to be interrupted
    env = environment(fake, shared_url)
    instances = list(await asyncio.gather(*(start_instance(env, tmp_path) for _ in range(3))))
    try:
        await subscribe_all(shared_url, CHANNELS)  # all three are up: they race for the slot
        assert await wait_for(lambda: len(fake.called("chat.postMessage")) >= 15, 60)
        victim = instances[0]
        victim.send_signal(signal.SIGKILL)
        await victim.wait()
        at_kill = len(fake.called("chat.postMessage"))
        assert at_kill < len(CHANNELS), "the fan-out ended before the kill; slow the fake down"
        # The survivors finish the fan-out, then take over the victim's claims once their lease
        # ran out.
        assert await wait_for(lambda: len(fake.posts_by_channel()) == len(CHANNELS), 60), (
            fake.posts_by_channel()
        )
        await asyncio.sleep(LEASE_SECONDS + 1.5)  # time for any wrong second post to show
        assert fake.posts_by_channel() == dict.fromkeys(CHANNELS, 1)  # none twice, none lost
        store = await open_store(shared_url)
        try:
            deliveries = await store.deliveries()
        finally:
            await store.close()
        assert [d.status for d in deliveries] == ["sent"] * len(CHANNELS)
        owners = {d.claimed_by.split(":")[1] for d in deliveries}
        assert len(owners) >= 2  # the work was spread over the instances
    finally:
        await stop(instances[1:])


async def test_post_due_from_the_command_line_posts_each_slot_once(
    fake: FakeSlack, shared_url: str, tmp_path: Path
) -> None:
    env = environment(fake, shared_url)
    env["RECAPS"] = json.dumps(
        [
            {
                "platform": "slack",
                "channel": c,
                "schedule": "daily",
                "time": "09:00",
                "timezone": "America/New_York",
            }
            for c in ("C1", "C2", "C3")
        ]
    )
    # Declared recaps start at the next real slot: post exactly then.
    at = (DAILY.next_slot(datetime.now(UTC)) + timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ")

    async def post_due() -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "recap",
            "post-due",
            "--at",
            at,
            cwd=outside_checkout(tmp_path),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, err.decode()
        return out.decode().strip().splitlines()[0]  # then corrections (none here)

    assert await post_due() == "3 posted, 0 recovered, 0 skipped, 0 failed"
    assert await post_due() == "0 posted, 0 recovered, 0 skipped, 0 failed"
    assert fake.posts_by_channel() == {"C1": 1, "C2": 1, "C3": 1}
