"""The real discord.py client against FakeDiscord on 127.0.0.1: login, sync, interactions."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import discord
import pytest
from pydantic import SecretStr

from bot.app import build_dispatcher
from bot.commands.catalog import build_registry
from bot.core.dispatch import Dispatcher
from bot.core.registry import Command, Registry
from bot.core.reply import Reply
from bot.platforms.discord import respond
from bot.platforms.discord.runner import DiscordRunner
from bot.platforms.errors import StartError
from bot.settings import Settings
from tests.fakes.discord import GUILD_ID, FakeDiscord
from tests.renderers.discord_limits import assert_no_pings, assert_within_limits

CLOCK = lambda: datetime(2026, 3, 10, tzinfo=UTC)  # noqa: E731


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = await FakeDiscord().start()
    yield fake
    await fake.stop()


def discord_settings(base: Settings, fake: FakeDiscord, **extra: object) -> Settings:
    return base.model_copy(
        update={"discord_token": SecretStr(fake.token), "discord_api_url": fake.api_url, **extra}
    )


async def started(settings: Settings, dispatcher: Dispatcher, fake: FakeDiscord) -> DiscordRunner:
    """Started and READY on the gateway (discord.py's on_ready comes ~2 s later, after its guild
    wait).
    """
    fake.identified.clear()
    runner = DiscordRunner(settings, dispatcher)
    await runner.start()
    await asyncio.wait_for(fake.identified.wait(), 10)
    return runner


@pytest.fixture
async def bot(
    settings: Settings, fake_discord: FakeDiscord, dispatcher: Dispatcher
) -> AsyncIterator[DiscordRunner]:
    runner = await started(discord_settings(settings, fake_discord), dispatcher, fake_discord)
    yield runner
    await runner.stop()


async def test_logs_in_and_syncs_commands_matching_the_registry(
    bot: DiscordRunner, fake_discord: FakeDiscord
) -> None:
    synced = {c["name"]: c for c in fake_discord.commands["global"]}
    assert fake_discord.syncs == ["global"]
    assert list(synced) == [c.name for c in build_registry()]
    quote = {o["name"]: o for o in synced["quote"]["options"]}
    assert quote["words"]["type"] == 3
    assert quote["words"]["required"]
    assert quote["words"]["max_length"] == 200
    assert quote["public"]["type"] == 5
    assert not quote["public"].get("required", False)
    help_choices = [c["value"] for c in synced["help"]["options"][0]["choices"]]
    assert "quote" in help_choices
    assert "help" in help_choices
    assert all(len(c["description"]) <= 100 for c in synced.values())


async def test_unchanged_commands_are_not_synced_again(
    bot: DiscordRunner,
    fake_discord: FakeDiscord,
    settings: Settings,
    dispatcher: Dispatcher,
) -> None:
    await bot.stop()
    again = await started(discord_settings(settings, fake_discord), dispatcher, fake_discord)
    try:
        assert fake_discord.syncs == ["global"]
        assert again.client.synced == []
    finally:
        await again.stop()


async def test_guild_ids_sync_to_those_guilds_only(
    fake_discord: FakeDiscord,
    settings: Settings,
    dispatcher: Dispatcher,
) -> None:
    runner = await started(
        discord_settings(settings, fake_discord, discord_guild_ids=[GUILD_ID]),
        dispatcher,
        fake_discord,
    )
    try:
        assert fake_discord.syncs == [str(GUILD_ID)]
        assert "global" not in fake_discord.commands
    finally:
        await runner.stop()


async def test_slash_command_gets_the_expected_embed_privately(
    bot: DiscordRunner, fake_discord: FakeDiscord
) -> None:
    callback = await fake_discord.interact("numbers")
    assert callback["type"] == 4
    data = callback["data"]
    assert data["flags"] == 64
    assert data["allowed_mentions"]["parse"] == []
    first = data["embeds"][0]
    assert first["title"] == "The numbers"
    assert first["fields"][0]["name"] == "About 42,695"
    assert data["embeds"][-1]["footer"]["text"].startswith("As of Feb. 28, 2026")
    assert_within_limits(
        {
            "embeds": [{k: v for k, v in e.items() if k != "type"} for e in data["embeds"]],
            "allowed_mentions": data["allowed_mentions"],
        }
    )


async def test_public_option_and_hostile_text(
    bot: DiscordRunner, fake_discord: FakeDiscord
) -> None:
    callback = await fake_discord.interact(
        "quote", {"words": "@everyone <@123456> Romo https://evil.io", "public": True}
    )
    data = callback["data"]
    assert data.get("flags", 0) == 0  # not ephemeral: discord.py leaves flags out
    assert_no_pings({"embeds": data["embeds"], "allowed_mentions": data["allowed_mentions"]})


async def test_errors_get_an_apology_and_the_bot_keeps_running(
    settings: Settings,
    fake_discord: FakeDiscord,
) -> None:
    def boom(request, context):  # type: ignore[no-untyped-def]
        msg = "kaboom"
        raise RuntimeError(msg)

    base = build_dispatcher(settings, CLOCK)
    registry = Registry(
        [Command("boom", "fails", boom), Command("fine", "works", lambda r, c: Reply("Fine"))]
    )
    runner = await started(
        discord_settings(settings, fake_discord),
        Dispatcher(registry, base.store, clock=CLOCK),
        fake_discord,
    )
    try:
        failed = await fake_discord.interact("boom")
        assert "Sorry" in failed["data"]["embeds"][0]["title"]
        assert (await fake_discord.interact("fine"))["data"]["embeds"][0]["title"] == "Fine"
    finally:
        await runner.stop()


async def test_a_rejected_token_names_the_setting(
    settings: Settings, fake_discord: FakeDiscord, dispatcher: Dispatcher
) -> None:
    runner = DiscordRunner(
        discord_settings(settings, fake_discord, discord_token=SecretStr("wrong")), dispatcher
    )
    with pytest.raises(StartError, match="DISCORD_TOKEN"):
        await runner.start()


async def test_while_stopping_new_interactions_are_turned_away_politely(
    settings: Settings,
    fake_discord: FakeDiscord,
    dispatcher: Dispatcher,
) -> None:
    from bot.service.observe import DRAINING_TEXT, Observer

    observer = Observer(commands=[c.name for c in dispatcher.registry])
    runner = DiscordRunner(discord_settings(settings, fake_discord), dispatcher, observer=observer)
    fake_discord.identified.clear()
    await runner.start()
    await asyncio.wait_for(fake_discord.identified.wait(), 10)
    try:
        assert (await fake_discord.interact("numbers"))["data"]["embeds"][0][
            "title"
        ] == "The numbers"
        await observer.drain(1)
        refused = await fake_discord.interact("numbers")
        assert refused["data"]["content"] == DRAINING_TEXT
        assert refused["data"]["flags"] == 64
    finally:
        await runner.stop()


async def test_readiness_reports_the_shard_and_its_latency(bot: DiscordRunner) -> None:
    for _ in range(50):  # discord.py marks the client ready shortly after READY
        if bot.client.is_ready():
            break
        await asyncio.sleep(0.1)
    ready = await bot.readiness()
    assert ready.ready
    assert list(ready.detail["shards"]) == ["0"]
    await bot.stop()
    assert not (await bot.readiness()).ready


async def test_429s_discord_py_waits_out_are_counted(
    bot: DiscordRunner, fake_discord: FakeDiscord
) -> None:
    from prometheus_client import REGISTRY

    from tests.fakes.discord import CHANNEL_ID

    def met() -> float:
        return (
            REGISTRY.get_sample_value("casebrief_rate_limited_total", {"platform": "discord"})
            or 0.0
        )

    before = met()
    fake_discord.channel_failures[str(CHANNEL_ID)].append(
        (429, {"message": "slow down", "retry_after": 0.1, "global": False})
    )
    await bot.client.http.send_message(
        CHANNEL_ID, params=discord.http.handle_message_parameters(content="hi")
    )
    assert met() - before == 1
    assert len(fake_discord.messages[str(CHANNEL_ID)]) == 1


@pytest.mark.parametrize(
    ("count", "ids", "says"),
    [
        (2, [5], "from 0 to DISCORD_SHARD_COUNT - 1"),
        (2, [-1], "from 0 to DISCORD_SHARD_COUNT - 1"),  # was accepted: the process ran shard -1
        (2, [0, 0], "listed twice"),  # was accepted: two gateway sessions for one shard
        (None, [1], "needs DISCORD_SHARD_COUNT"),
    ],
)
def test_shard_ids_outside_the_count_or_repeated_are_refused_naming_the_variable(
    settings: Settings, dispatcher: Dispatcher, count: int | None, ids: list[int], says: str
) -> None:
    wrong = settings.model_copy(
        update={
            "discord_token": SecretStr("t"),
            "discord_shard_count": count,
            "discord_shard_ids": ids,
        }
    )
    with pytest.raises(StartError, match=f"^Invalid setting DISCORD_SHARD_IDS: .*{says}"):
        DiscordRunner(wrong, dispatcher)


async def shown(fake: FakeDiscord, count: int) -> list[dict[str, object]]:
    """The interaction answers users see, once ``count`` of them have arrived."""
    for _ in range(500):
        if len(fake.shown) >= count:
            return fake.shown
        await asyncio.sleep(0.02)
    msg = f"{len(fake.shown)} answers shown, {count} expected"
    raise AssertionError(msg)


@pytest.fixture
def defer_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slow commands are deferred without waiting the usual 2 s first."""
    monkeypatch.setattr(respond, "DEFER_AFTER_SECONDS", 0)


async def test_a_slow_private_only_reply_asked_for_public_is_deferred_and_shown_privately(
    bot: DiscordRunner, fake_discord: FakeDiscord, defer_at_once: None
) -> None:
    """Before: deferred publicly because the user said public, so the preview showed to all."""
    callback = await fake_discord.interact("recap", {"action": "preview", "public": True})
    assert callback["type"] == 5
    assert callback["data"]["flags"] == 64
    (answer,) = await shown(fake_discord, 1)
    assert answer["ephemeral"] is True
    assert answer["embeds"][0]["title"].startswith("Preview: ")  # type: ignore[index]


async def test_a_slow_reply_deferred_privately_still_goes_public_when_it_may(
    bot: DiscordRunner, fake_discord: FakeDiscord, defer_at_once: None
) -> None:
    callback = await fake_discord.interact("recap", {"action": "list", "public": True})
    assert callback["type"] == 5
    assert callback["data"]["flags"] == 64
    note, answer = await shown(fake_discord, 2)
    assert note == {
        "token": answer["token"],
        "ephemeral": True,
        "embeds": [],
        "content": respond.POSTED_FOR_THE_CHANNEL,
    }
    assert answer["ephemeral"] is False
    assert answer["embeds"][0]["title"] == "Recaps in this channel"  # type: ignore[index]


async def test_a_slow_reply_that_is_never_private_is_deferred_as_asked(
    settings: Settings, fake_discord: FakeDiscord, defer_at_once: None
) -> None:
    base = build_dispatcher(settings, CLOCK)
    registry = Registry([Command("slow", "takes a while", lambda r, c: Reply("Slow"), slow=True)])
    runner = await started(
        discord_settings(settings, fake_discord),
        Dispatcher(registry, base.store, clock=CLOCK),
        fake_discord,
    )
    try:
        public = await fake_discord.interact("slow", {"public": True})
        assert public["type"] == 5
        assert "flags" not in public.get("data", {})
        (answer,) = await shown(fake_discord, 1)
        assert answer["ephemeral"] is False
        assert answer["embeds"][0]["title"] == "Slow"
        private = await fake_discord.interact("slow")
        assert private["type"] == 5
        assert private["data"]["flags"] == 64
        assert (await shown(fake_discord, 2))[1]["ephemeral"] is True
    finally:
        await runner.stop()
