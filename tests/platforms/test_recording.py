"""Public replies are recorded (issue 18: corrections in place find them by their claims);
private ones never are. Real slack-bolt and discord.py against the fakes, the real store.
"""

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bot.core.dispatch import Dispatcher
from bot.platforms.slack.runner import SlackRunner
from bot.settings import Settings
from bot.storage.base import Post
from tests.fakes.discord import CHANNEL_ID, FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.platforms.test_discord import discord_settings, started
from tests.platforms.test_slack import slack_settings


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


async def recorded(dispatcher: Dispatcher, count: int, seconds: float = 5) -> list[Post]:
    """The posts recorded once there are ``count`` (recording follows the reply)."""
    service = dispatcher.services.recap_service
    assert service is not None
    store = await service.ready()
    deadline = time.monotonic() + seconds
    while True:
        keys = [*dispatcher.run_line("/numbers").claims, *dispatcher.run_line("/ruling").claims]
        posts = await store.posts_to_correct(keys, 10**6)
        if len(posts) >= count or time.monotonic() > deadline:
            return posts
        await asyncio.sleep(0.05)


async def test_slack_public_replies_are_posted_and_recorded_private_ones_not(
    settings: Settings, fake_slack: FakeSlack, dispatcher: Dispatcher
) -> None:
    configured = slack_settings(
        settings, fake_slack, slack_app_token=SecretStr("xapp-test"), slack_signing_secret=None
    )
    runner = SlackRunner(configured, dispatcher)
    await runner.start()
    try:
        await fake_slack.slash_command("/numbers", "", channel_id="C1")  # private
        await fake_slack.slash_command("/numbers", "public", channel_id="C2")
        message = await fake_slack.posted("C2")
        (post,) = await recorded(dispatcher, 1)
        assert (post.platform, post.channel, post.message_id) == ("slack", "C2", message["ts"])
        assert (post.kind, post.lang) == ("reply", "en")
        assert post.claims  # the claims page 1 showed, by key
        assert not fake_slack.history["C1"]
        assert len(await recorded(dispatcher, 2, seconds=0.5)) == 1  # the private one: never
    finally:
        await runner.stop()
        service = dispatcher.services.recap_service
        assert service is not None
        await service.aclose()


async def test_discord_public_replies_are_recorded_with_their_message_id_private_ones_not(
    settings: Settings, fake_discord: FakeDiscord, dispatcher: Dispatcher
) -> None:
    runner = await started(discord_settings(settings, fake_discord), dispatcher, fake_discord)
    try:
        await fake_discord.interact("ruling")  # private (ephemeral)
        await fake_discord.interact("ruling", {"public": True})
        (post,) = await recorded(dispatcher, 1)
        assert (post.platform, post.channel, post.kind) == ("discord", str(CHANNEL_ID), "reply")
        assert fake_discord.message(str(CHANNEL_ID), post.message_id) is not None
        assert "ruling-decided" in post.claims
        assert len(await recorded(dispatcher, 2, seconds=0.5)) == 1
    finally:
        await runner.stop()
        service = dispatcher.services.recap_service
        assert service is not None
        await service.aclose()


async def test_a_database_fault_keeps_public_replies_until_it_answers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Recording never fails a reply: while the database is down the records wait in memory
    (logged once), and are written when it answers.
    """
    from bot.core.reply import Item, Reply, Section
    from bot.platforms.recording import PublicReplies
    from bot.storage.base import RecapStore, StorageError
    from bot.storage.connect import open_store

    store = await open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    down = True

    async def ready() -> RecapStore:
        if down:
            msg = "unreachable"
            raise StorageError(msg)
        return store

    public = PublicReplies(ready, lambda: 3)
    reply = Reply("The numbers", (Section(None, (Item("13: pages", key="numbers-13-pages"),)),))
    try:
        public.posted("slack", "T1", "C1", "1.0001", reply)
        public.posted("slack", "T1", "C2", "1.0002", reply)
        await asyncio.sleep(0.05)
        assert public.pending == 2
        down = False
        await public.flush()
        assert public.pending == 0
        posts = await store.posts_to_correct(["numbers-13-pages"], 4)
        assert {(p.channel, p.version, p.kind) for p in posts} == {
            ("C1", 3, "reply"),
            ("C2", 3, "reply"),
        }
    finally:
        await public.aclose()
        await store.close()
