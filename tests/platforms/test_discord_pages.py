"""Page buttons through the real discord.py client against FakeDiscord: component interactions
(type 3) answered with UPDATE_MESSAGE (type 7), after a restart too; faults answered privately.
"""

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import pytest

from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.core.registry import Command, CommandRequest, Context, Option, Registry
from bot.core.reply import Reply
from bot.core.topic_reply import topic_reply
from bot.platforms.discord.runner import DiscordRunner
from bot.platforms.presses import EDITED, UPDATED
from bot.renderers.pages import paginate
from bot.settings import Settings
from tests.fakes.discord import FakeDiscord, custom_id_of
from tests.platforms.test_discord import discord_settings, started
from tests.renderers.discord_limits import assert_no_pings, assert_within_limits

NEXT, PREVIOUS, SOURCES = "Next \u203a", "\u2039 Previous", "Sources"


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = await FakeDiscord().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def bot(
    settings: Settings, fake_discord: FakeDiscord, dispatcher: Dispatcher
) -> AsyncIterator[DiscordRunner]:
    runner = await started(discord_settings(settings, fake_discord), dispatcher, fake_discord)
    yield runner
    await runner.stop()


def footer(data: dict[str, Any]) -> str:
    return str(data["embeds"][-1]["footer"]["text"])


def fits(data: dict[str, Any]) -> None:
    payload = {
        "embeds": [{k: v for k, v in e.items() if k != "type"} for e in data["embeds"]],
        "allowed_mentions": {"parse": []},
    }
    assert_within_limits(payload)
    assert_no_pings(payload)
    for row in data.get("components", []):
        assert len(row["components"]) <= 5
        assert all(len(b.get("custom_id", "")) <= 100 for b in row["components"])


async def reply_message(
    fake: FakeDiscord, command: str, options: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The message a slash command's reply made (buttons are pressed on it)."""
    callback = await fake.interact(command, options or {})
    assert callback["type"] == 4
    return list(fake.interaction_messages.values())[-1]


async def test_next_updates_the_message_in_place(
    bot: DiscordRunner, fake_discord: FakeDiscord
) -> None:
    message = await reply_message(fake_discord, "ruling")
    assert "Page 1 of 5" in footer(message)
    assert message["embeds"][0]["author"]["name"] == "/ruling"
    buttons = message["components"][0]["components"]
    assert [b["label"] for b in buttons] == [PREVIOUS, NEXT, SOURCES]
    assert buttons[0]["disabled"] is True
    callback = await fake_discord.press(message, custom_id_of(message, NEXT))
    assert callback["type"] == 7  # UPDATE_MESSAGE
    fits(callback["data"])
    assert "Page 2 of 5" in footer(callback["data"])
    assert "Page 2 of 5" in footer(message)  # the fake's message now shows page 2
    callback = await fake_discord.press(message, custom_id_of(message, SOURCES))
    assert callback["type"] == 7
    assert "Sources, page 4 of 5" in footer(callback["data"])
    assert callback["data"]["embeds"][0]["title"] == "The Feb. 26, 2026 ruling: sources"
    callback = await fake_discord.press(message, custom_id_of(message, "Back to the answer"))
    assert "Page 1 of 5" in footer(callback["data"])


async def test_a_button_from_before_a_restart_still_works(
    settings: Settings,
    fake_discord: FakeDiscord,
    clock: Callable[[], datetime],
) -> None:
    configured = discord_settings(settings, fake_discord)
    before = await started(configured, build_dispatcher(configured, clock), fake_discord)
    message = await reply_message(fake_discord, "who")
    await before.stop()
    after = await started(configured, build_dispatcher(configured, clock), fake_discord)
    try:
        callback = await fake_discord.press(message, custom_id_of(message, NEXT))
        assert callback["type"] == 7
        assert "Page 2 of" in footer(callback["data"])
    finally:
        await after.stop()


def everyone_whatever_the_name(settings: Settings, clock: Callable[[], datetime]) -> Dispatcher:
    """A /who that lists everyone whatever the name: long names still page."""
    base = build_dispatcher(settings, clock)

    def handle(request: CommandRequest, context: Context) -> Reply:
        reply = topic_reply(context.content, context.content.topics["who"])
        return dataclasses.replace(reply, title=f"Who's who: {request.args.get('name', '')}")

    option = Option("name", "a name", max_length=200)
    registry = Registry([Command("who", "who", handle, (option,))])
    return Dispatcher(registry, base.store, clock=clock)


async def test_options_too_long_for_the_id_are_read_back_from_the_message(
    settings: Settings, fake_discord: FakeDiscord, clock: Callable[[], datetime]
) -> None:
    configured = discord_settings(settings, fake_discord)
    runner = await started(configured, everyone_whatever_the_name(settings, clock), fake_discord)
    try:
        name = "Internal Revenue Service " * 4 + "@here"  # hostile, and too long for an id
        message = await reply_message(fake_discord, "who", {"name": name})
        next_id = custom_id_of(message, NEXT)
        assert "~" in next_id
        assert len(next_id) <= 100
        callback = await fake_discord.press(message, next_id)
        assert callback["type"] == 7
        assert "Page 2 of" in footer(callback["data"])
        author = {"name": "/who IRS"}  # not the options the button was made for
        forged = dict(message, embeds=[dict(message["embeds"][0], author=author)])
        callback = await fake_discord.press(forged, custom_id_of(message, NEXT))
        assert callback["type"] == 4
        assert callback["data"]["flags"] == 64
        assert "This button has expired. Type /who again" in str(callback["data"]["embeds"])
    finally:
        await runner.stop()


@pytest.mark.parametrize(
    ("custom_id", "expected"),
    [
        ("pg1:garbage", "Type the command again"),
        ("pg0:ruling:2:0123abcd:n:", "Type the command again"),
        ("pg1:vanished:2:0123abcd:n:", "no longer answers"),
        ("pg1:recap:2:0123abcd:n:action=list", "This button has expired"),
    ],
)
async def test_forged_or_old_buttons_get_a_private_expired_note(
    bot: DiscordRunner, fake_discord: FakeDiscord, custom_id: str, expected: str
) -> None:
    message = await reply_message(fake_discord, "ruling")
    old = dict(
        message,
        components=[
            {
                "type": 1,
                "components": [{"type": 2, "style": 2, "label": "Next", "custom_id": custom_id}],
            }
        ],
    )
    callback = await fake_discord.press(old, custom_id)
    assert callback["type"] == 4
    assert callback["data"]["flags"] == 64
    assert expected in str(callback["data"]["embeds"])


async def test_out_of_range_and_stale_versions(
    bot: DiscordRunner, fake_discord: FakeDiscord, dispatcher: Dispatcher
) -> None:
    message = await reply_message(fake_discord, "numbers", {"public": True})
    version = paginate(dispatcher.run_line("/numbers")).version
    far = f"pg1:numbers:9:{version}:n:"
    callback = await fake_discord.press(_with_button(message, far), far)
    assert callback["type"] == 4
    assert callback["data"]["flags"] == 64
    assert "There is no page 9 of this answer" in str(callback["data"]["embeds"])
    stale = "pg1:numbers:2:00000000:n:"
    callback = await fake_discord.press(_with_button(message, stale), stale)
    assert callback["type"] == 7
    assert UPDATED in callback["data"]["embeds"][0]["description"]
    assert "Page 2 of" in footer(callback["data"])
    for _ in range(100):  # the presser is also told privately (the message is public)
        if fake_discord.followups:
            break
        await asyncio.sleep(0.02)
    assert fake_discord.followups[-1]["content"] == UPDATED
    assert fake_discord.followups[-1]["flags"] == 64


async def test_a_message_whose_embeds_were_removed_is_left_alone(
    bot: DiscordRunner, fake_discord: FakeDiscord
) -> None:
    message = await reply_message(fake_discord, "status", {"public": True})
    suppressed = dict(message, flags=4, embeds=[])  # SUPPRESS_EMBEDS, by a moderator
    callback = await fake_discord.press(suppressed, custom_id_of(message, NEXT))
    assert callback["type"] == 4
    assert callback["data"]["flags"] == 64
    assert EDITED in callback["data"]["embeds"][0]["description"]
    assert "Page 2 of" in footer(callback["data"])


async def test_presses_are_limited_per_person(
    settings: Settings, fake_discord: FakeDiscord, clock: Callable[[], datetime]
) -> None:
    configured = discord_settings(settings, fake_discord).model_copy(
        update={"user_rate_per_minute": 6, "user_rate_burst": 2}
    )
    runner = await started(configured, build_dispatcher(configured, clock), fake_discord)
    try:
        message = await reply_message(fake_discord, "ruling")
        callback = await fake_discord.press(message, custom_id_of(message, NEXT))
        assert callback["type"] == 7
        callback = await fake_discord.press(message, custom_id_of(message, NEXT))
        assert callback["type"] == 4
        assert callback["data"]["content"].startswith("You are asking faster")
        other = await fake_discord.press(
            message, custom_id_of(message, NEXT), user_id="666666666666666666"
        )
        assert other["type"] == 7
    finally:
        await runner.stop()


def _with_button(message: dict[str, Any], custom_id: str) -> dict[str, Any]:
    row = {"type": 1, "components": [{"type": 2, "style": 2, "label": "x", "custom_id": custom_id}]}
    return dict(message, components=[row])
