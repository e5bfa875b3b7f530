"""A recap service wired to the real posters and local fakes of Slack and Discord."""

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from discord.http import HTTPClient, Route
from pydantic import SecretStr

from bot.core.dispatch import Dispatcher
from bot.platforms.slack.app import build_web_client
from bot.recaps.posters import DiscordPoster, SlackPoster
from bot.recaps.service import RecapService
from bot.recaps.store import RecapStore
from bot.settings import Settings
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def recap_clock() -> Clock:
    return Clock(datetime(2026, 3, 10, 13, 0, tzinfo=timezone.utc))


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeSlack, FakeDiscord]]:
    slack, discord = await FakeSlack().start(), await FakeDiscord().start()
    yield slack, discord
    await slack.stop()
    await discord.stop()


@pytest.fixture
async def service(tmp_path: Path, settings: Settings, dispatcher: Dispatcher, recap_clock: Clock,
                  fakes: tuple[FakeSlack, FakeDiscord]) -> AsyncIterator[RecapService]:
    slack, discord = fakes
    recaps = RecapService(RecapStore(tmp_path / "recaps.sqlite3"), lambda: dispatcher.store.current, recap_clock,
                          grace=timedelta(hours=1), backoff=0.05)
    slack_settings = settings.model_copy(update={"slack_bot_token": SecretStr("xoxb-t"), "slack_api_url": slack.api_url})
    recaps.posters["slack"] = SlackPoster(build_web_client(slack_settings))
    Route.BASE = discord.api_url
    http = HTTPClient(asyncio.get_running_loop())
    await http.static_login(discord.token)
    recaps.posters["discord"] = DiscordPoster(http)
    yield recaps
    await http.close()
