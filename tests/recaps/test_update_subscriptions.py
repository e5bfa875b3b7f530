"""Update subscriptions in chat and in RECAPS (issue 18): admins make a channel follow the
case with `/recap subscribe updates` on Slack and Discord, in a language; `/recap list` shows
it with the recaps; RECAPS declares one with "schedule": "updates".
"""

from datetime import UTC, datetime

import pytest
from pydantic import SecretStr

from bot.core.dispatch import Dispatcher
from bot.core.registry import User
from bot.platforms.discord.runner import DiscordRunner
from bot.recaps.declared import BadDeclaration, declared_recaps
from bot.recaps.report import list_all
from bot.settings import Settings
from bot.storage.updates import UPDATES
from bot.updates import history
from tests.fakes.discord import MANAGE_GUILD, SEND_AND_EMBED, FakeDiscord
from tests.fakes.signing import form, signed_headers
from tests.fakes.slack import slash_payload
from tests.platforms.test_slack import SECRET, post
from tests.recaps.test_recap_command import slack_runner, text_of

__all__ = ["slack_runner"]
ADMIN = User("U1", is_admin=True)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def test_subscribe_updates_list_and_unsubscribe(dispatcher: Dispatcher) -> None:
    def ran(line: str, user: User = ADMIN, channel: str = "C1"):  # type: ignore[no-untyped-def]
        return dispatcher.run_line(line, platform="slack", channel=channel, user=user)

    service = dispatcher.services.recap_service
    service.call(service.ready)
    version = service.call(
        lambda: history.record_version(service.store, dispatcher.store.current, NOW)
    )
    subscribed = ran("/recap subscribe updates")
    assert "Subscribed (#1): update posts, in English" in text_of(subscribed)
    assert "the brief as it is now is not announced" in text_of(subscribed)
    assert subscribed.public is False
    assert "Already subscribed (#1): update posts" in text_of(ran("/recap subscribe updates"))
    ran("/recap subscribe daily 09:00 UTC")
    listing = text_of(ran("/recap list", User("U2")))
    assert "update posts when the brief changes; English; next: when the brief changes" in listing
    assert "last: none yet" in listing
    assert "daily at 09:00 UTC" in listing  # beside the recaps
    ((sub, told),) = service.call(lambda: service.store.updates_due(version.number + 1))
    assert told == version.number  # subscribed at the version recorded: never announced
    assert (sub.frequency, sub.next_due) == (UPDATES, None)
    assert service.call(lambda: service.store.updates_due(version.number)) == []  # at it
    assert "Unsubscribed #1" in text_of(ran("/recap unsubscribe 1"))
    assert "update posts" not in text_of(ran("/recap list"))


def test_updates_in_spanish_and_a_language_change(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line(
        "/recap subscribe updates lang es", platform="slack", channel="C1", user=ADMIN
    )
    assert "update posts, in Spanish" in text_of(reply)
    again = dispatcher.run_line(
        "/recap subscribe updates lang:es", platform="slack", channel="C1", user=ADMIN
    )
    assert "Ya existe la suscripción (#1): avisos de cambios, en" in text_of(again)
    service = dispatcher.services.recap_service
    assert [s.lang for s in service.call(service.subscriptions)] == ["es"]


@pytest.mark.parametrize("details", ["updates daily", "updates 09:00", "updates Europe/Berlin"])
def test_updates_take_nothing_more(dispatcher: Dispatcher, details: str) -> None:
    reply = dispatcher.run_line(
        f"/recap subscribe {details}", platform="slack", channel="C1", user=ADMIN
    )
    assert "`updates` takes nothing more" in text_of(reply)


def test_only_admins_subscribe_to_updates(dispatcher: Dispatcher) -> None:
    reply = dispatcher.run_line(
        "/recap subscribe updates", platform="slack", channel="C1", user=User("U2")
    )
    assert reply.title == "Recaps: admins only"


async def test_slack_admins_subscribe_to_updates(slack_runner) -> None:  # type: ignore[no-untyped-def]
    runner, _fake = slack_runner
    body = form(slash_payload("/recap", "subscribe updates lang es", user_id="UADMIN"))
    status, payload = await post(runner, body, signed_headers(SECRET, body))
    assert status == 200
    assert "Suscripción creada (#1): avisos de cambios" in str(payload) or "update posts" in str(
        payload
    )
    service = runner.dispatcher.services.recap_service
    assert [(s.frequency, s.workspace, s.lang) for s in await service.subscriptions()] == [
        (UPDATES, "T1", "es")
    ]


async def test_discord_admins_subscribe_to_updates(
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
        options = {"action": "subscribe", "details": "updates"}
        refused = await fake.interact("recap", options, permissions=SEND_AND_EMBED)
        assert refused["data"]["embeds"][0]["title"] == "Recaps: admins only"
        allowed = await fake.interact("recap", options, permissions=SEND_AND_EMBED | MANAGE_GUILD)
        assert "Subscribed (#1): update posts, in English" in str(allowed["data"]["embeds"])
        listed = await fake.interact("recap", {"action": "list"}, permissions=SEND_AND_EMBED)
        assert "update posts when the brief changes" in str(listed["data"]["embeds"])
        subs = await dispatcher.services.recap_service.subscriptions()
        assert [(s.frequency, s.workspace) for s in subs] == [(UPDATES, "333333333333333333")]
    finally:
        await runner.stop()
        await fake.stop()


def test_recaps_declares_update_subscriptions(settings: Settings) -> None:
    from bot.app import build_dispatcher

    declared = declared_recaps(
        [
            {"platform": "slack", "channel": "C1", "schedule": "updates"},
            {"platform": "discord", "channel": "9", "schedule": "updates", "lang": "es"},
        ],
        "America/New_York",
        NOW,
    )
    assert declared == [
        ("slack", "", "C1", UPDATES, "", "UTC"),
        ("discord", "", "9", UPDATES, "", "UTC", "es"),
    ]
    with pytest.raises(BadDeclaration, match=r"entry 1: `updates` takes nothing more"):
        declared_recaps(
            [{"platform": "slack", "channel": "C1", "schedule": "updates", "time": "09:00"}],
            "UTC",
            NOW,
        )
    dispatcher = build_dispatcher(
        settings.model_copy(
            update={"recaps": [{"platform": "slack", "channel": "C7", "schedule": "updates"}]}
        )
    )
    service = dispatcher.services.recap_service
    listed = list_all(service)
    assert "slack:C7 [settings] update posts when the brief changes" in listed
    assert "next: when the brief changes; never posted" in listed
