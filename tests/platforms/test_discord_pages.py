"""Page buttons through the real discord.py client against FakeDiscord: component interactions
(type 3) answered with UPDATE_MESSAGE (type 7), after a restart too; faults answered privately.
"""

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import pytest

from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.core.messages import INTERNAL_ERROR
from bot.core.registry import Command, CommandRequest, Context, Option, Registry
from bot.core.reply import Reply
from bot.core.topic_reply import topic_reply
from bot.platforms.discord.pages import page_update
from bot.platforms.discord.payloads import Press, page_press
from bot.platforms.discord.runner import DiscordRunner
from bot.platforms.presses import EDITED, UPDATED, paged_reply
from bot.renderers.pages import paginate
from bot.service.observe import DRAINING_TEXT, Observer
from bot.settings import Settings
from tests.fakes.discord import (
    CHANNEL_ID,
    GUILD_ID,
    SEND_AND_EMBED,
    FakeDiscord,
    custom_id_of,
    interaction_payload,
)
from tests.platforms.edits import REWORDED, reword_numbers
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


async def test_a_press_while_stopping_is_told_privately_to_try_again(
    settings: Settings, fake_discord: FakeDiscord, dispatcher: Dispatcher
) -> None:
    observer = Observer(commands=[c.name for c in dispatcher.registry])
    fake_discord.identified.clear()
    runner = DiscordRunner(discord_settings(settings, fake_discord), dispatcher, observer=observer)
    await runner.start()
    await asyncio.wait_for(fake_discord.identified.wait(), 10)
    try:
        message = await reply_message(fake_discord, "ruling")
        observer.draining = True
        callback = await fake_discord.press(message, custom_id_of(message, NEXT))
        assert callback["type"] == 4
        assert callback["data"]["flags"] == 64
        assert callback["data"]["content"] == DRAINING_TEXT
    finally:
        await runner.stop()


async def test_a_page_discord_refused_is_followed_by_a_private_apology(
    bot: DiscordRunner, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    message = await reply_message(fake_discord, "ruling")
    fake_discord.callback_failures.append((400, {"message": "Invalid Form Body", "code": 50035}))
    callback = await fake_discord.press(message, custom_id_of(message, NEXT))
    assert callback["type"] == 4
    assert callback["data"]["flags"] == 64
    assert callback["data"]["content"] == INTERNAL_ERROR
    refused = [body for kind, _, body in fake_discord.requests if kind == "refused callback"]
    assert refused[-1]["type"] == 7  # the page it tried first
    assert "Discord command failed" in caplog.text


async def test_other_components_are_left_to_discord_py(
    bot: DiscordRunner, fake_discord: FakeDiscord
) -> None:
    message = await reply_message(fake_discord, "ruling")
    seen = asyncio.ensure_future(bot.client.wait_for("interaction", timeout=5))
    with contextlib.suppress(TimeoutError):  # nobody answers a button that is not ours
        await fake_discord.press(_with_button(message, "poll:yes"), "poll:yes", timeout=0.5)
    interaction = await seen
    assert interaction.data is not None
    assert interaction.data.get("custom_id") == "poll:yes"
    assert interaction.message is not None  # discord.py parsed the message, as always


async def test_a_page_update_is_drawn_once_until_the_content_reloads(
    dispatcher: Dispatcher,
) -> None:
    paged = paged_reply(dispatcher, dispatcher.run_line("/numbers"))
    data = page_update(paged, 2)
    assert page_update(paged, 2) is data  # kept, not drawn again
    assert set(data) == {"embeds", "components", "allowed_mentions"}
    fits(data)
    reloaded = reword_numbers(dispatcher)
    assert REWORDED in str(page_update(reloaded, 2)["embeds"])
    assert REWORDED not in str(data["embeds"])


def test_a_press_is_read_from_its_payload_in_a_server_and_in_a_dm() -> None:
    message = {"embeds": [{"author": {"name": "/who Romo"}, "title": "Who"}], "flags": 64}
    payload = interaction_payload("1", "", {}, SEND_AND_EMBED, "es-ES")
    payload.update(type=3, data={"custom_id": "pg1:who:2:0123abcd:n:", "component_type": 2})
    press = Press.read({**payload, "message": message})
    assert page_press(payload) == "pg1:who:2:0123abcd:n:"
    assert (press.id, press.token, press.locale) == ("1", "token-1", "es-ES")
    assert (press.user_id, press.user_name) == ("555555555555555555", "ann")
    assert (press.channel_id, press.guild_id, press.asked) == (
        str(CHANNEL_ID),
        str(GUILD_ID),
        "/who Romo",
    )
    assert not press.changed
    in_a_dm = {k: v for k, v in payload.items() if k not in ("member", "guild_id")}
    in_a_dm["user"] = {"id": "42", "username": "bo"}
    press = Press.read({**in_a_dm, "message": {**message, "flags": 64 | 4}})
    assert (press.user_id, press.user_name, press.guild_id) == ("42", "bo", "")
    assert press.changed  # its embeds suppressed: not ours to replace
    assert Press.read(payload).changed  # no message at all
    assert Press.read({**payload, "message": {**message, "embeds": []}}).changed
    assert page_press({**payload, "data": {"custom_id": "poll:yes"}}) is None
    assert page_press({**payload, "type": 2}) is None  # a slash command


def _with_button(message: dict[str, Any], custom_id: str) -> dict[str, Any]:
    row = {"type": 1, "components": [{"type": 2, "style": 2, "label": "x", "custom_id": custom_id}]}
    return dict(message, components=[row])
