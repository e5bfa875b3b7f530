"""Exactly once across a SIGKILL mid fan-out, and with two processes on one database.

Real processes (`python -m bot recap post-due`), one SQLite file, the fake Slack.
"""

import asyncio
import json
import signal
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.recaps.schedule import Schedule
from bot.recaps.store import RecapStore
from tests.fakes.slack import FakeSlack
from tests.hermetic import clean_env, outside_checkout

CHANNELS = [f"C{i:03d}" for i in range(40)]
# Declared recaps start when first declared (now), so post the next real 09:00 New York slot.
AT = (Schedule("daily", "09:00", "America/New_York").next_slot(datetime.now(timezone.utc))
      + timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%SZ")


def environment(fake: FakeSlack, database: Path) -> dict[str, str]:
    recaps = [{"platform": "slack", "channel": c, "schedule": "daily", "time": "09:00",
               "timezone": "America/New_York"} for c in CHANNELS]
    return clean_env(SLACK_BOT_TOKEN="xoxb-t", SLACK_SIGNING_SECRET="s", SLACK_API_URL=fake.api_url,
                     DATABASE_URL=f"sqlite:///{database}", RECAPS=json.dumps(recaps), LOG_LEVEL="WARNING",
                     RECAP_CONCURRENCY="4")


async def post_due(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "recap", "post-due", "--at", AT, cwd=outside_checkout(Path.cwd()), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def test_sigkill_in_the_middle_of_a_fan_out_then_restart(tmp_path: Path) -> None:
    fake = await FakeSlack().start()
    fake.post_delay = 0.05  # the fan-out takes long enough to be interrupted
    env = environment(fake, tmp_path / "db.sqlite3")
    try:
        first = await post_due(env)
        for _ in range(2000):
            if len(fake.called("chat.postMessage")) >= 10 or first.returncode is not None:
                break
            await asyncio.sleep(0.01)
        first.send_signal(signal.SIGKILL)
        await first.wait()
        interrupted = len(fake.called("chat.postMessage"))
        assert 10 <= interrupted < len(CHANNELS)
        second = await post_due(env)
        out, err = await asyncio.wait_for(second.communicate(), 60)
        assert second.returncode == 0, err.decode()
        assert fake.posts_by_channel() == {c: 1 for c in CHANNELS}  # none twice, none lost
        statuses = [d.status for d in RecapStore(tmp_path / "db.sqlite3").deliveries()]
        assert statuses == ["sent"] * len(CHANNELS)  # in-flight posts were confirmed, not guessed
        third = await post_due(env)
        await third.communicate()
        assert fake.posts_by_channel() == {c: 1 for c in CHANNELS}
    finally:
        await fake.stop()


async def test_two_processes_sharing_one_database(tmp_path: Path) -> None:
    fake = await FakeSlack().start()
    fake.post_delay = 0.01
    env = environment(fake, tmp_path / "db.sqlite3")
    try:
        processes = [await post_due(env), await post_due(env)]
        results = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in processes)), 60)
        assert all(p.returncode == 0 for p in processes), [r[1].decode() for r in results]
        assert fake.posts_by_channel() == {c: 1 for c in CHANNELS}
    finally:
        await fake.stop()
