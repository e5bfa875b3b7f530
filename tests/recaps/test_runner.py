"""The recap loop in a running bot: what readiness and metrics read, and storage faults."""

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Iterator
from datetime import timedelta

import psycopg
import pytest

from bot.core.dispatch import Dispatcher
from bot.recaps.runner import RecapRunner
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.recaps.conftest import Clock, build_service
from tests.recaps.test_delivery import NINE_NY, subscribe


async def eventually(condition, seconds: float = 15) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


@contextlib.contextmanager
def write_lock(url: str) -> Iterator[None]:
    """Another program holding the database's write lock (a long-locked database)."""
    if url.startswith("sqlite:///"):
        locker = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        return
    with psycopg.connect(url) as locker:
        locker.execute("LOCK TABLE deliveries IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            locker.rollback()


async def test_the_runner_posts_and_reports_for_readiness_and_metrics(
    database_url: str,
    dispatcher: Dispatcher,
    recap_clock: Clock,
    fakes: tuple[FakeSlack, FakeDiscord],
) -> None:
    slack, _ = fakes
    service = build_service(database_url, dispatcher, recap_clock, fakes)
    outcomes: list[str] = []
    service.observe = outcomes.append
    runner = RecapRunner(service, max_sleep=timedelta(seconds=0.2))
    assert not runner.alive
    assert runner.next_wakeup is None
    await runner.start()
    try:
        await eventually(lambda: runner.next_wakeup is not None)
        await subscribe(service, "slack", "C1")
        recap_clock.now = NINE_NY + timedelta(minutes=1)
        await eventually(lambda: outcomes == ["sent"])
        assert slack.posts_by_channel() == {"C1": 1}
        assert runner.alive
        assert runner.healthy
        assert runner.problem is None
        assert time.monotonic() - runner.last_beat < 1
        assert runner.next_wakeup is not None
        assert abs(runner.next_wakeup - service.wall()) < timedelta(seconds=2)
    finally:
        await runner.stop()
    assert not runner.alive


async def test_a_storage_fault_pauses_recaps_only_and_nothing_is_lost_or_doubled_after_repair(
    database_url: str,
    dispatcher: Dispatcher,
    recap_clock: Clock,
    fakes: tuple[FakeSlack, FakeDiscord],
    caplog: pytest.LogCaptureFixture,
) -> None:
    slack, _ = fakes
    service = build_service(database_url, dispatcher, recap_clock, fakes, store_timeout=0.3)
    await service.ready()
    await subscribe(service, "slack", "C1")
    await subscribe(service, "slack", "C2")
    recap_clock.now = NINE_NY + timedelta(minutes=1)
    runner = RecapRunner(service, max_sleep=timedelta(seconds=0.2))
    with caplog.at_level(logging.WARNING):
        with write_lock(database_url):
            await runner.start()
            await eventually(lambda: runner.problem is not None)
            assert runner.alive
            assert not runner.healthy
            assert "database" in str(runner.problem)
            numbers = await asyncio.to_thread(
                dispatcher.run_line, "/numbers", platform="slack", channel="C9"
            )
            assert (
                numbers.title.startswith("Key numbers") or numbers.sections
            )  # other commands answer
            await asyncio.sleep(1.5)  # a few retries, one log line
            assert slack.posts_by_channel() == {}
        try:
            await eventually(
                lambda: runner.problem is None and slack.posts_by_channel() == {"C1": 1, "C2": 1}
            )
            await asyncio.sleep(1)  # a few more turns of the loop: no second post
            assert slack.posts_by_channel() == {"C1": 1, "C2": 1}
            assert {d.status for d in await service.store.deliveries()} == {"sent"}
        finally:
            await runner.stop()
    assert caplog.text.count("recaps paused: the database cannot be used") == 1
    assert "recaps resumed" in caplog.text


async def test_a_graceful_stop_finishes_posts_in_flight_and_starts_no_new_one(
    database_url: str,
    dispatcher: Dispatcher,
    recap_clock: Clock,
    fakes: tuple[FakeSlack, FakeDiscord],
) -> None:
    slack, _ = fakes
    slack.post_delay = 1.0  # every post is still in flight when SIGTERM comes
    service = build_service(database_url, dispatcher, recap_clock, fakes)
    service.concurrency = 4  # four posts at a time: most are still to start when SIGTERM comes
    await service.ready()
    for number in range(40):
        await subscribe(service, "slack", f"C{number}")
    recap_clock.now = NINE_NY + timedelta(minutes=1)
    runner = RecapRunner(service, max_sleep=timedelta(seconds=0.2))
    await runner.start()
    try:
        await eventually(lambda: len(slack.called("chat.postMessage")) > 0)
        started = time.monotonic()
        await runner.drain(10)
        assert time.monotonic() - started < 10
        assert not runner.alive  # the loop ended by itself
        deliveries = await service.store.deliveries()
        assert deliveries
        assert all(d.status == "sent" for d in deliveries)
        assert (
            len(deliveries) == len(slack.called("chat.postMessage")) < 40
        )  # the rest waits for the next run
    finally:
        await runner.stop()
