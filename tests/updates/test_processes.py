"""Update posts from real processes: ``python -m bot run`` (one, or three on one database with
one SIGKILLed mid fan-out) and ``python -m bot recap post-due`` (cron), against the fake
Slack and fake Discord, on SQLite (and PostgreSQL when TEST_DATABASE_URL is set).

The channels follow the case through RECAPS entries with ``"schedule": "updates"``; an editor
edits the summaries the processes serve; each channel must get exactly one update post per
version announced, none for the version it started at, and a burst of edits within
UPDATE_QUIET_SECONDS must be one post.
"""

import asyncio
import inspect
import json
import shutil
import signal
import socket
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import psycopg
import pytest

from bot.storage.connect import open_store
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.hermetic import ROOT, clean_env, outside_checkout
from tests.recaps.conftest import TEST_DATABASE_URL, postgres_url
from tests.tcp_proxy import TcpProxy
from tests.updates.edits import PANEL, RECORD, REWORDED, edit

__all__ = ["postgres_url"]
DISCORD_CHANNEL = "777000000000000001"


@pytest.fixture
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if TEST_DATABASE_URL:
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}"


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeSlack, FakeDiscord]]:
    slack, discord = await FakeSlack().start(), await FakeDiscord().start()
    yield slack, discord
    await slack.stop()
    await discord.stop()


@pytest.fixture
def summaries(tmp_path: Path) -> Path:
    """The processes' own copy of the content, which the test edits as an editor would."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "summaries", tmp_path / "summaries")
    return tmp_path / "summaries"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(
    slack: FakeSlack,
    url: str,
    summaries: Path,
    recaps: list[dict[str, str]],
    discord: FakeDiscord | None = None,
    **settings: str,
) -> dict[str, str]:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-t",
        "SLACK_APP_TOKEN": "xapp-socket-token",
        "SLACK_API_URL": slack.api_url,
        "DATABASE_URL": url,
        "SEEDS_DIR": str(summaries.parent / "seeds"),
        "SUMMARIES_DIR": str(summaries),
        "CONTENT_RELOAD_SECONDS": "0.3",
        "UPDATE_QUIET_SECONDS": "2",
        "RECAP_CLAIM_LEASE_SECONDS": "2",
        "RECAPS": json.dumps(recaps),
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "INFO",
    }
    if discord is not None:
        env.update(DISCORD_TOKEN=discord.token, DISCORD_API_URL=discord.api_url)
    env.update(settings)
    return clean_env(**env)


def follow(platform: str, channels: list[str]) -> list[dict[str, str]]:
    return [{"platform": platform, "channel": c, "schedule": "updates"} for c in channels]


class Bots:
    """``python -m bot run`` processes, each logging to a file of its own."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.processes: list[asyncio.subprocess.Process] = []
        self.logs: list[Path] = []

    async def start(self, env: dict[str, str]) -> asyncio.subprocess.Process:
        log = self.tmp_path / f"bot-{len(self.logs)}.log"
        with log.open("wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=outside_checkout(self.tmp_path),
                env={**env, "PORT": str(free_port())},
                stdout=asyncio.subprocess.DEVNULL,
                stderr=stderr,
            )
        self.processes.append(process)
        self.logs.append(log)
        return process

    def log(self) -> str:
        return "\n".join(log.read_text(errors="replace") for log in self.logs)

    async def stop(self) -> None:
        for process in self.processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
                await process.wait()


@pytest.fixture
async def bots(tmp_path: Path) -> AsyncIterator[Bots]:
    running = Bots(tmp_path)
    yield running
    await running.stop()


async def wait_for(condition: Callable[[], Any], seconds: float) -> bool:
    """Until ``condition()`` (a value, or an awaitable of one) is true, at most ``seconds``."""

    async def check() -> bool:
        found = condition()
        return bool(await found if inspect.isawaitable(found) else found)

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.1)
    return await check()


async def started(url: str, count: int) -> bool:
    """Every update subscription has started (at the version recorded when first seen)."""
    store = await open_store(url)
    try:
        due = await store.updates_due(10**9)
    finally:
        await store.close()
    return len(due) == count and all(told is not None for _, told in due)


async def update_rows(url: str) -> list[tuple[str, int, str]]:
    store = await open_store(url)
    try:
        subs = {s.id: s.channel for s in await store.subscriptions()}
        return sorted(
            (subs[d.subscription_id], d.version, d.status) for d in await store.update_deliveries()
        )
    finally:
        await store.close()


def discord_posts(discord: FakeDiscord, channel: str) -> list[dict[str, Any]]:
    return [m for m in discord.messages[channel] if m.get("nonce")]


async def test_an_edit_reaches_every_updates_channel_once_from_run(
    fakes: tuple[FakeSlack, FakeDiscord], shared_url: str, summaries: Path, bots: Bots
) -> None:
    slack, discord = fakes
    recaps = follow("slack", ["C1", "C2"]) + follow("discord", [DISCORD_CHANNEL])
    await bots.start(environment(slack, shared_url, summaries, recaps, discord))
    assert await wait_for(lambda: started(shared_url, 3), 60), bots.log()
    await asyncio.sleep(3)  # longer than the quiet: the version started at is never announced
    assert slack.posts_by_channel() == {}
    assert discord_posts(discord, DISCORD_CHANNEL) == []

    edit(summaries, REWORDED)
    assert await wait_for(
        lambda: (
            len(slack.called("chat.postMessage")) == 2
            and len(discord_posts(discord, DISCORD_CHANNEL)) == 1
        ),
        30,
    ), bots.log()
    await asyncio.sleep(3)  # time for any wrong second post to show
    assert slack.posts_by_channel() == {"C1": 1, "C2": 1}
    assert discord.post_attempts[DISCORD_CHANNEL] == 1
    text = str(slack.called("chat.postMessage")[0]["blocks"])
    assert "decision is appealed, or to which court" in text
    assert await update_rows(shared_url) == sorted(
        [("C1", 2, "sent"), ("C2", 2, "sent"), (DISCORD_CHANNEL, 2, "sent")]
    )
    assert "Traceback" not in bots.log()


async def test_a_burst_of_three_edits_within_the_quiet_period_is_one_post(
    fakes: tuple[FakeSlack, FakeDiscord], shared_url: str, summaries: Path, bots: Bots
) -> None:
    slack, _ = fakes
    env = environment(slack, shared_url, summaries, follow("slack", ["C1"]))
    env["UPDATE_QUIET_SECONDS"] = "6"
    await bots.start(env)
    assert await wait_for(lambda: started(shared_url, 1), 60), bots.log()
    for change in (REWORDED, RECORD, PANEL):  # each reloaded and recorded, 2.5 s apart
        edit(summaries, change)
        await asyncio.sleep(2.5)
    assert slack.posts_by_channel() == {}  # not quiet yet
    assert await wait_for(lambda: slack.posts_by_channel() == {"C1": 1}, 30), bots.log()
    await asyncio.sleep(3)
    assert slack.posts_by_channel() == {"C1": 1}
    text = str(slack.called("chat.postMessage")[0]["blocks"])
    for words in ("or to which court", "had said it would add", "Both reports describe"):
        assert words in text
    ((channel, version, status),) = await update_rows(shared_url)
    assert (channel, status) == ("C1", "sent")
    # Three versions after the one started at (two when a reload caught two edits at once),
    # all in one post.
    assert version >= 3


async def test_three_instances_one_sigkilled_mid_fan_out_post_each_update_once(
    fakes: tuple[FakeSlack, FakeDiscord], shared_url: str, summaries: Path, bots: Bots
) -> None:
    slack, _ = fakes
    channels = [f"C{n:03d}" for n in range(40)]
    env = environment(slack, shared_url, summaries, follow("slack", channels))
    env["RECAP_CONCURRENCY"] = "2"
    slack.post_delay = 0.15  # the fan-out takes long enough to be interrupted
    instances = [await bots.start(env) for _ in range(3)]
    assert await wait_for(lambda: started(shared_url, len(channels)), 90), bots.log()
    edit(summaries, REWORDED)
    assert await wait_for(lambda: len(slack.called("chat.postMessage")) >= 8, 60), bots.log()
    instances[0].send_signal(signal.SIGKILL)
    await instances[0].wait()
    at_kill = len(slack.called("chat.postMessage"))
    assert at_kill < len(channels), "the fan-out ended before the kill; slow the fake down"
    assert await wait_for(lambda: len(slack.posts_by_channel()) == len(channels), 60), bots.log()
    await asyncio.sleep(4)  # past the lease: any wrong second post shows
    assert slack.posts_by_channel() == dict.fromkeys(channels, 1)  # none twice, none missed
    rows = await update_rows(shared_url)
    assert {status for _, _, status in rows} == {"sent"}
    assert len(rows) == len(channels)


async def test_post_due_from_cron_posts_due_updates_once(
    fakes: tuple[FakeSlack, FakeDiscord], shared_url: str, summaries: Path, tmp_path: Path
) -> None:
    slack, discord = fakes
    recaps = follow("slack", ["C1", "C2"]) + follow("discord", [DISCORD_CHANNEL])
    # Quiet long enough that a loaded machine never takes it to start the next post-due.
    env = environment(slack, shared_url, summaries, recaps, discord, UPDATE_QUIET_SECONDS="6")

    async def post_due() -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "recap",
            "post-due",
            cwd=outside_checkout(tmp_path),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, err.decode()
        return out.decode().splitlines()[0]  # recaps and update posts (then corrections)

    assert await post_due() == "0 posted, 0 recovered, 0 skipped, 0 failed"  # version 1: started
    edit(summaries, REWORDED)
    assert await post_due() == "0 posted, 0 recovered, 0 skipped, 0 failed"  # noticed, not quiet
    await asyncio.sleep(6.1)
    assert await post_due() == "3 posted, 0 recovered, 0 skipped, 0 failed"
    assert await post_due() == "0 posted, 0 recovered, 0 skipped, 0 failed"
    assert slack.posts_by_channel() == {"C1": 1, "C2": 1}
    assert len(discord_posts(discord, DISCORD_CHANNEL)) == 1


async def test_a_database_outage_pauses_update_posts_and_they_go_out_once_when_it_returns(
    fakes: tuple[FakeSlack, FakeDiscord], summaries: Path, bots: Bots
) -> None:
    """PostgreSQL behind a TCP proxy the test closes: the edit made during the outage is
    recorded and announced once the database is back, once per channel.
    """
    if not TEST_DATABASE_URL:
        pytest.skip("the outage test needs TEST_DATABASE_URL (PostgreSQL behind a TCP proxy)")
    slack, discord = fakes
    database = await fresh_database()
    proxy = await TcpProxy(urlsplit(database).port or 5432).start()
    try:
        url = through(database, proxy.port)
        recaps = follow("slack", ["C1", "C2"]) + follow("discord", [DISCORD_CHANNEL])
        await bots.start(environment(slack, url, summaries, recaps, discord))
        assert await wait_for(lambda: started(database, 3), 60), bots.log()

        await proxy.close()  # the database is gone
        edit(summaries, REWORDED)
        await asyncio.sleep(8)  # reloaded; not recorded, nothing posted
        assert slack.posts_by_channel() == {}
        assert discord_posts(discord, DISCORD_CHANNEL) == []

        await proxy.reopen()  # and back
        assert await wait_for(
            lambda: (
                slack.posts_by_channel() == {"C1": 1, "C2": 1}
                and len(discord_posts(discord, DISCORD_CHANNEL)) == 1
            ),
            60,
        ), bots.log()
        await asyncio.sleep(4)
        assert slack.posts_by_channel() == {"C1": 1, "C2": 1}
        assert discord.post_attempts[DISCORD_CHANNEL] == 1
        assert await update_rows(database) == sorted(
            [("C1", 2, "sent"), ("C2", 2, "sent"), (DISCORD_CHANNEL, 2, "sent")]
        )

        # A version recorded, then the database goes before the quiet ends: the recap loop
        # meets the fault, pauses (recaps and update posts alike) and posts once it is back.
        edit(summaries, RECORD)
        assert await wait_for(lambda: latest_version(database, 3), 30), bots.log()
        await proxy.close()
        await asyncio.sleep(14)  # past the quiet and a turn of the recap loop
        assert slack.posts_by_channel() == {"C1": 1, "C2": 1}
        await proxy.reopen()
        assert await wait_for(
            lambda: (
                slack.posts_by_channel() == {"C1": 2, "C2": 2}
                and len(discord_posts(discord, DISCORD_CHANNEL)) == 2
            ),
            60,
        ), bots.log()
        await asyncio.sleep(4)
        assert slack.posts_by_channel() == {"C1": 2, "C2": 2}
        assert discord.post_attempts[DISCORD_CHANNEL] == 2
        assert [row for row in await update_rows(database) if row[1] == 3] == sorted(
            [("C1", 3, "sent"), ("C2", 3, "sent"), (DISCORD_CHANNEL, 3, "sent")]
        )
        log = bots.log()
        assert "recaps paused: the database cannot be used" in log
        assert "recaps resumed" in log
        assert "Traceback" not in log
    finally:
        await bots.stop()
        await proxy.stop()
        await drop_database(database)


async def latest_version(url: str, number: int) -> bool:
    store = await open_store(url)
    try:
        latest = await store.latest_content_version()
    finally:
        await store.close()
    return latest is not None and latest.number >= number


async def fresh_database() -> str:
    """A new database on TEST_DATABASE_URL's server (a proxy needs a whole server)."""
    name = f"updates_{uuid4().hex[:12]}"
    admin = await psycopg.AsyncConnection.connect(TEST_DATABASE_URL, autocommit=True)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]  # made here
    finally:
        await admin.close()
    return urlunsplit(urlsplit(TEST_DATABASE_URL)._replace(path=f"/{name}"))


async def drop_database(url: str) -> None:
    name = urlsplit(url).path.strip("/")
    admin = await psycopg.AsyncConnection.connect(TEST_DATABASE_URL, autocommit=True)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
    finally:
        await admin.close()


def through(url: str, port: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{parts.username or 'postgres'}@127.0.0.1:{port}"))


async def test_a_sqlite_database_locked_by_another_process_pauses_update_posts_until_free(
    fakes: tuple[FakeSlack, FakeDiscord], summaries: Path, bots: Bots, tmp_path: Path
) -> None:
    """SQLite's fault of choice: another process holds the write lock longer than the bot
    waits (10 s). The edit made meanwhile is recorded and announced once the lock is gone.
    """
    slack, _ = fakes
    url = f"sqlite:///{tmp_path / 'locked.sqlite3'}"
    await bots.start(environment(slack, url, summaries, follow("slack", ["C1", "C2"])))
    assert await wait_for(lambda: started(url, 2), 60), bots.log()
    holder = sqlite3.connect(tmp_path / "locked.sqlite3", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held like a stuck process would
        edit(summaries, REWORDED)
        await asyncio.sleep(14)  # longer than the bot waits for the lock
        assert slack.posts_by_channel() == {}
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert await wait_for(lambda: slack.posts_by_channel() == {"C1": 1, "C2": 1}, 60), bots.log()
    await asyncio.sleep(4)
    assert slack.posts_by_channel() == {"C1": 1, "C2": 1}
    assert await update_rows(url) == [("C1", 2, "sent"), ("C2", 2, "sent")]
    log = bots.log()
    assert "stayed locked by another process" in log
    assert "Traceback" not in log
