"""``/brief add <url>`` through the real Slack and Discord clients: admins only, answered
privately, in time (the platform defers while the page is fetched and reviewed).
"""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.intake.service import IntakeService
from bot.platforms.discord.runner import DiscordRunner
from bot.platforms.intake import build_intake
from bot.platforms.slack.runner import SlackRunner
from bot.settings import Settings
from tests.fakes.discord import FakeDiscord
from tests.fakes.feeds import FakeFeeds
from tests.fakes.signing import form, signed_headers
from tests.fakes.slack import FakeSlack, slash_payload
from tests.intake.harness import REPORT
from tests.platforms.test_slack import SECRET, post

SLOW_PAGE_SECONDS = 4.0  # longer than the platforms' 3 s


@pytest.fixture
def intake_settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(
        update={
            "source_fetch_allow_private": True,
            "source_feeds_host_delay_seconds": 0.0,
            "database_url": f"sqlite:///{tmp_path / 'intake.sqlite3'}",
        }
    )


@pytest.fixture
async def wired(intake_settings: Settings) -> AsyncIterator[tuple[Dispatcher, IntakeService]]:
    dispatcher = build_dispatcher(intake_settings)
    service = build_intake(intake_settings, dispatcher)
    assert service is not None
    service.bind(asyncio.get_running_loop())
    yield dispatcher, service
    await service.aclose()
    recaps = dispatcher.services.recap_service
    if recaps is not None:
        await recaps.aclose()


async def test_slack_acks_in_time_and_answers_the_admin_privately(
    intake_settings: Settings,
    wired: tuple[Dispatcher, IntakeService],
    feeds: FakeFeeds,
    fake_slack: FakeSlack,
) -> None:
    dispatcher, _ = wired
    feeds.pages["/news/irs-ruling"] = (200, "text/html", REPORT)
    feeds.delay["/news/irs-ruling"] = SLOW_PAGE_SECONDS
    settings = intake_settings.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-test-token"),
            "slack_signing_secret": SecretStr(SECRET),
            "slack_api_url": fake_slack.api_url,
            "slack_admin_user_ids": ["U1"],
            "host": "127.0.0.1",
            "port": 0,
        }
    )
    runner = SlackRunner(settings, dispatcher)
    await runner.start()
    try:
        line = f"add {feeds.url('/news/irs-ruling')}"
        body = form(slash_payload("/brief", line, response_url=fake_slack.response_url))
        started = time.monotonic()
        status, _ = await post(runner, body, signed_headers(SECRET, body))
        assert time.monotonic() - started < 3.0
        assert status == 200
        for _ in range(200):
            if fake_slack.responses:
                break
            await asyncio.sleep(0.05)
        (answer,) = fake_slack.responses
        assert answer["response_type"] == "ephemeral"
        text = str(answer["blocks"])
        assert "Kept as candidate #1" in text
        assert "contradicts 1" in text
        # Not an admin: refused, nothing fetched again.
        body = form(
            slash_payload("/brief", line, user_id="U2", response_url=fake_slack.response_url)
        )
        status, refused = await post(runner, body, signed_headers(SECRET, body))
        for _ in range(100):
            if len(fake_slack.responses) > 1 or "admins" in str(refused):
                break
            await asyncio.sleep(0.05)
        assert "Only admins" in str(refused) + str(fake_slack.responses[1:])
        assert feeds.hits("/news/irs-ruling") == 1
    finally:
        await runner.stop()


async def test_discord_defers_and_answers_privately(
    intake_settings: Settings,
    wired: tuple[Dispatcher, IntakeService],
    feeds: FakeFeeds,
    fake_discord: FakeDiscord,
) -> None:
    dispatcher, _ = wired
    feeds.pages["/news/irs-ruling"] = (200, "text/html", REPORT)
    feeds.delay["/news/irs-ruling"] = SLOW_PAGE_SECONDS
    settings = intake_settings.model_copy(
        update={
            "discord_token": SecretStr(fake_discord.token),
            "discord_api_url": fake_discord.api_url,
        }
    )
    fake_discord.identified.clear()
    runner = DiscordRunner(settings, dispatcher)
    await runner.start()
    try:
        await asyncio.wait_for(fake_discord.identified.wait(), 10)
        started = time.monotonic()
        callback = await fake_discord.interact(
            "brief",
            {"setting": "add", "value": feeds.url("/news/irs-ruling")},
            permissions=(1 << 5) | (1 << 11) | (1 << 14),
            timeout=10,
        )
        assert time.monotonic() - started < 3.0  # Discord wants an answer within 3 s
        assert callback["type"] == 5  # deferred
        assert callback["data"]["flags"] == 64  # privately
        for _ in range(300):
            if fake_discord.shown:
                break
            await asyncio.sleep(0.05)
        (answer,) = fake_discord.shown
        assert answer["ephemeral"] is True
        assert "Kept as candidate #1" in str(answer["embeds"])
    finally:
        await runner.stop()
