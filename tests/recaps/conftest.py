"""A recap service on the real SQLite store (or PostgreSQL when TEST_DATABASE_URL is set and
a test asks for it), wired to the real posters and local fakes of Slack and Discord.
"""

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from bot.core.dispatch import Dispatcher
from bot.platforms.discord.poster import DiscordPoster
from bot.platforms.slack.poster import SlackPoster
from bot.recaps.delivery import RetryPolicy
from bot.recaps.service import RecapService
from bot.storage.connect import open_store
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack

FAST = RetryPolicy(attempts=4, total_seconds=20, backoff=0.05)
# Read at import: the autouse fixture clears the bot's settings from the environment.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh schema on TEST_DATABASE_URL's server (dropped afterwards); skipped without one."""
    if not TEST_DATABASE_URL:
        pytest.skip(
            "PostgreSQL recap tests need TEST_DATABASE_URL (e.g. "
            "postgresql://postgres@127.0.0.1:5432/test)"
        )
    schema = f"recaps_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")  # type: ignore[arg-type]  # made here, not user text
    joiner = "&" if "?" in TEST_DATABASE_URL else "?"
    yield f"{TEST_DATABASE_URL}{joiner}options=-csearch_path%3D{schema}"
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")  # type: ignore[arg-type]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class Recorded:
    """A recap service's observer (``attach(observer=...)``): what the metrics would count."""

    def __init__(self) -> None:
        self.outcomes: list[str] = []

    def delivered(self, outcome: str) -> None:
        self.outcomes.append(outcome)

    def rate_limited(self, platform: str) -> None:
        self.outcomes.append(f"429 {platform}")


@pytest.fixture
def recap_clock() -> Clock:
    return Clock(datetime(2026, 3, 10, 13, 0, tzinfo=UTC))


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeSlack, FakeDiscord]]:
    slack, discord = await FakeSlack().start(), await FakeDiscord().start()
    yield slack, discord
    await slack.stop()
    await discord.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each service test runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'recaps.sqlite3'}"


def build_service(
    url: str,
    dispatcher: Dispatcher,
    clock: Clock,
    fakes: tuple[FakeSlack, FakeDiscord],
    store_timeout: float = 10.0,
    **options: object,
) -> RecapService:
    slack, discord = fakes
    recaps = RecapService(
        lambda: open_store(url, timeout=store_timeout),
        lambda: dispatcher.store.current,
        clock,
        grace=timedelta(hours=1),
        policy=FAST,
        **options,
    )  # type: ignore[arg-type]
    recaps.posters["slack"] = SlackPoster("xoxb-t", slack.api_url, channel_rate=100)
    recaps.posters["discord"] = DiscordPoster(discord.token, discord.api_url)
    return recaps


@pytest.fixture
async def service(
    database_url: str,
    dispatcher: Dispatcher,
    recap_clock: Clock,
    fakes: tuple[FakeSlack, FakeDiscord],
) -> AsyncIterator[RecapService]:
    recaps = build_service(database_url, dispatcher, recap_clock, fakes)
    await recaps.ready()
    yield recaps
    await recaps.aclose()
