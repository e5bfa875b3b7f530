"""Fixtures of the intake's tests: the local feed server, CourtListener's fake, the fake
Slack and Discord, and the database on each backend (tests/storage's fixtures).
"""

from collections.abc import AsyncIterator

import pytest

from tests.fakes.courtlistener import FakeCourtListener
from tests.fakes.discord import FakeDiscord
from tests.fakes.feeds import FakeFeeds
from tests.fakes.slack import FakeSlack
from tests.storage.conftest import fresh_postgres, postgres_url, store_url

__all__ = ["fresh_postgres", "postgres_url", "store_url"]


@pytest.fixture
async def feeds() -> AsyncIterator[FakeFeeds]:
    fake = await FakeFeeds().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def courtlistener() -> AsyncIterator[FakeCourtListener]:
    fake = await FakeCourtListener().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = await FakeDiscord().start()
    yield fake
    await fake.stop()
