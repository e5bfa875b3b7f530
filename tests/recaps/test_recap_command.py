"""/recap in chat: admins subscribe and unsubscribe, anyone lists and previews."""

from collections.abc import AsyncIterator

import pytest
from pydantic import SecretStr

from bot.core.dispatch import Dispatcher
from bot.core.registry import User
from bot.core.reply import Reply
from bot.platforms.discord.runner import DiscordRunner
from bot.platforms.slack.runner import SlackRunner
from bot.settings import Settings
from tests.fakes.discord import MANAGE_GUILD, SEND_AND_EMBED, FakeDiscord
from tests.fakes.signing import form, signed_headers
from tests.fakes.slack import FakeSlack, slash_payload
from tests.platforms.test_slack import SECRET, post


def text_of(reply) -> str:  # type: ignore[no-untyped-def]
    return " ".join(f"{i.label or ''} {i.text}" for s in reply.sections for i in s.items)


def test_subscribe_list_preview_unsubscribe(dispatcher: Dispatcher) -> None:
    admin = User("U1", is_admin=True)

    def ran(line: str, user: User = admin) -> Reply:
        return dispatcher.run_line(line, platform="slack", channel="C1", user=user)

    subscribed = ran("/recap subscribe weekly friday 16:30 Europe/Berlin")
    assert "Subscribed (#1): weekly on Friday at 16:30 Europe/Berlin" in text_of(subscribed)
    assert "Next recap: Fri" in text_of(subscribed)
    assert subscribed.public is False
    assert "Already subscribed (#1)" in text_of(
        ran("/recap subscribe weekly friday 16:30 Europe/Berlin")
    )
    listing = ran("/recap list", User("U2"))
    assert "#1" in text_of(listing)
    assert "last: none yet" in text_of(listing)
    preview = ran("/recap preview public", User("U2"))
    assert preview.title.startswith("Preview: Case recap")
    assert preview.public is False
    assert "First recap in this channel." in text_of(preview)
    assert "Unsubscribed #1" in text_of(ran("/recap unsubscribe"))
    assert "None yet" in text_of(ran("/recap list"))


def test_non_admins_get_a_polite_refusal(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line(
        "/recap subscribe daily", platform="slack", channel="C1", user=User("U2")
    )
    assert reply.title == "Recaps: admins only"
    assert "Manage Server" in text_of(reply)
    service = dispatcher.services.recap_service
    assert service.call(service.subscriptions) == []


def test_bad_schedules_are_explained(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line(
        "/recap subscribe daily 9am", platform="slack", channel="C1", user=User("U1", is_admin=True)
    )
    assert "not a time; use 24-hour HH:MM" in text_of(reply)


@pytest.mark.parametrize("cron", ["0 0 30 2 *", "0 9 29 2 *"])  # never; only in leap years
def test_a_schedule_that_does_not_fire_every_year_is_refused_with_usage(
    dispatcher: Dispatcher, cron: str
) -> None:
    admin = User("U1", is_admin=True)
    reply = dispatcher.run_line(
        f"/recap subscribe cron {cron} UTC", platform="slack", channel="C1", user=admin
    )
    assert reply.title == "/recap: not understood"
    assert "does not fire at least once a year" in text_of(reply)
    assert "Give a schedule" in text_of(reply)
    good = dispatcher.run_line(
        "/recap subscribe cron 0 9 * * 1 UTC", platform="slack", channel="C1", user=admin
    )
    assert "Subscribed (#1)" in text_of(good)  # the refusal blocked nothing


def test_console_explains_where_recaps_live(dispatcher: Dispatcher) -> None:
    assert "Slack or Discord channels" in text_of(dispatcher.run_line("/recap list"))


@pytest.fixture
async def slack_runner(
    settings: Settings, dispatcher: Dispatcher
) -> AsyncIterator[tuple[SlackRunner, FakeSlack]]:
    fake = await FakeSlack().start()
    fake.admins = {"UADMIN"}
    runner = SlackRunner(
        settings.model_copy(
            update={
                "slack_bot_token": SecretStr("xoxb-t"),
                "slack_signing_secret": SecretStr(SECRET),
                "slack_api_url": fake.api_url,
                "host": "127.0.0.1",
                "port": 0,
                "slack_admin_user_ids": ["ULISTED"],
            }
        ),
        dispatcher,
    )
    await runner.start()
    yield runner, fake
    await runner.stop()
    await fake.stop()


@pytest.mark.parametrize(
    ("user", "allowed"), [("UADMIN", True), ("ULISTED", True), ("UMEMBER", False)]
)
async def test_slack_admins_are_workspace_admins_or_listed(
    slack_runner, user: str, allowed: bool
) -> None:  # type: ignore[no-untyped-def]
    runner, _fake = slack_runner
    body = form(slash_payload("/recap", "subscribe daily 09:00 America/New_York", user_id=user))
    status, payload = await post(runner, body, signed_headers(SECRET, body))
    assert status == 200
    assert ("Subscribed (#" in str(payload)) is allowed
    assert ("admins only" in str(payload)) is not allowed
    assert payload["response_type"] == "ephemeral"
    service = runner.dispatcher.services.recap_service
    if allowed:  # the subscription carries the Slack team it was made in
        assert [s.workspace for s in await service.subscriptions()] == ["T1"]


async def test_discord_admins_have_manage_server(
    settings: Settings, dispatcher: Dispatcher
) -> None:
    fake = await FakeDiscord().start()
    runner = DiscordRunner(
        settings.model_copy(
            update={"discord_token": SecretStr(fake.token), "discord_api_url": fake.api_url}
        ),
        dispatcher,
    )
    await runner.start()
    try:
        await fake.identified.wait()
        options = {"action": "subscribe", "details": "daily 08:00 UTC"}
        refused = await fake.interact("recap", options, permissions=SEND_AND_EMBED)
        assert refused["data"]["embeds"][0]["title"] == "Recaps: admins only"
        allowed = await fake.interact("recap", options, permissions=SEND_AND_EMBED | MANAGE_GUILD)
        assert "Subscribed (#1): daily at 08:00 UTC" in str(allowed["data"]["embeds"])
        assert [s.workspace for s in await dispatcher.services.recap_service.subscriptions()] == [
            "333333333333333333"
        ]
        synced = {c["name"]: c for c in fake.commands["global"]}["recap"]
        assert [o["name"] for o in synced["options"]] == ["action", "details", "public"]
    finally:
        await runner.stop()
        await fake.stop()
