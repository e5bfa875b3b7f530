"""A poller killed (SIGKILL) after Slack took its thread reply but before it heard back: the
next instance takes the candidate over, finds the reply in the thread, and posts nothing
twice.
"""

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.settings import Settings
from tests.fakes.feeds import FakeFeeds, Feed
from tests.fakes.slack import Failure, FakeSlack
from tests.hermetic import ROOT, clean_env, outside_checkout
from tests.intake.harness import EDITORS, report_item


async def start(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.intake.instance",
        cwd=outside_checkout(cwd),
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert await asyncio.wait_for(process.stdout.readline(), 30) == b"ready\n"
    return process


async def until(check: object, within: float = 20.0) -> None:
    for _ in range(int(within / 0.05)):
        if check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.05)
    msg = "timed out"
    raise AssertionError(msg)


async def test_a_killed_poller_posts_nothing_twice(
    settings: Settings, feeds: FakeFeeds, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    feeds.feeds["/feed"] = Feed([report_item(feeds)])
    env = clean_env(
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"sqlite:///{tmp_path / 'intake.sqlite3'}",
        SEEDS_DIR=str(settings.seeds_dir),
        SUMMARIES_DIR=str(settings.summaries_dir),
        SOURCE_FEEDS=feeds.url("/feed"),
        SOURCE_FEEDS_POLL_SECONDS="0.5",
        SOURCE_FEEDS_HOST_DELAY_SECONDS="0",
        SOURCE_FETCH_ALLOW_PRIVATE="true",
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET="s",
        SLACK_API_URL=fake_slack.api_url,
        EDITORS_CHANNEL=f"slack:{EDITORS}",
    )
    # The post goes through; the thread reply lands, then Slack is slow to answer.
    fake_slack.channel_failures[EDITORS] += [
        Failure(200, {"ok": True}, accept=True),
        Failure(200, {"ok": True}, delay=5.0, accept=True),
    ]
    first = await start(env, tmp_path)
    try:
        await until(lambda: len(fake_slack.with_threads(EDITORS)) == 2)
    finally:
        os.kill(first.pid, signal.SIGKILL)
        await first.wait()
    second = await start(env, tmp_path)
    try:
        await asyncio.sleep(4)  # the lease runs out; the second takes over and looks first
    finally:
        second.send_signal(signal.SIGTERM)
        await asyncio.wait_for(second.wait(), 20)
    post, reply = fake_slack.with_threads(EDITORS)
    assert post["metadata"]["event_payload"]["marker"] == "intake-1"  # type: ignore[index]
    assert reply["metadata"]["event_payload"]["marker"] == "intake-1-details"  # type: ignore[index]
    assert reply["thread_ts"] == post["ts"]
    assert len(fake_slack.called("conversations.replies")) >= 1  # it looked before posting
