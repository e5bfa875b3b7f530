"""Page buttons and link unfurls through the real slack-bolt app against FakeSlack: presses over
Socket Mode and over signed HTTP, answered through the response URL; faults answered privately.
"""

import json
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr

from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.platforms.presses import EDITED, UPDATED
from bot.platforms.slack.runner import SlackRunner
from bot.renderers.buttons import WEB_ID
from bot.renderers.pages import paginate
from bot.service.observe import Observer
from bot.settings import Settings
from tests.fakes.signing import signed_headers
from tests.fakes.slack import (
    FakeSlack,
    block_actions_payload,
    button_of,
    event_payload,
)
from tests.platforms.test_slack import SECRET, slack_settings
from tests.renderers.slack_limits import assert_within_limits

BASE = "https://brief.example.org"


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.stop()


def socket_settings(settings: Settings, fake: FakeSlack, **extra: object) -> Settings:
    return slack_settings(
        settings,
        fake,
        slack_app_token=SecretStr("xapp-test"),
        slack_signing_secret=None,
        **extra,
    )


@pytest.fixture
async def socket_runner(
    settings: Settings, fake_slack: FakeSlack, clock: Callable[[], datetime]
) -> AsyncIterator[SlackRunner]:
    configured = socket_settings(settings, fake_slack)
    runner = SlackRunner(configured, build_dispatcher(configured, clock))
    await runner.start()
    yield runner
    await runner.stop()


def caption(payload: dict[str, Any]) -> str:
    closing = [b for b in payload["blocks"] if b["type"] == "context"][-1]
    return str(closing["elements"][0]["text"])


async def test_next_replaces_the_message_with_page_two_over_socket_mode(
    socket_runner: SlackRunner, fake_slack: FakeSlack
) -> None:
    first = (await fake_slack.slash_command("/ruling"))["payload"]
    assert_within_limits(first)
    assert caption(first).startswith("Page 1 of 5 \u00b7 /ruling")
    pressed = await fake_slack.press(button_of(first, "Next \u203a"))
    (answer,) = await fake_slack.responses_to(pressed)
    assert answer["replace_original"] is True
    assert "response_type" not in answer
    assert_within_limits(answer)
    assert caption(answer).startswith("Page 2 of 5 \u00b7 /ruling")
    back = await fake_slack.press(button_of(answer, "\u2039 Previous"))
    assert caption((await fake_slack.responses_to(back))[0]).startswith("Page 1 of 5")
    sources = await fake_slack.press(button_of(answer, "Sources"))
    shown = (await fake_slack.responses_to(sources))[0]
    assert caption(shown).startswith("Sources, page 4 of 5")
    assert [e["text"]["text"] for e in shown["blocks"][-1]["elements"]] == [
        "\u2039 Previous",
        "Next \u203a",
        "Back to the answer",
    ]


async def test_presses_work_after_a_restart(
    settings: Settings, fake_slack: FakeSlack, clock: Callable[[], datetime]
) -> None:
    configured = socket_settings(settings, fake_slack)
    before = SlackRunner(configured, build_dispatcher(configured, clock))
    await before.start()
    first = (await fake_slack.slash_command("/sources"))["payload"]
    await before.stop()
    await fake_slack.drop_sockets()
    after = SlackRunner(configured, build_dispatcher(configured, clock))  # nothing shared
    await after.start()
    try:
        pressed = await fake_slack.press(button_of(first, "Next \u203a"))
        (answer,) = await fake_slack.responses_to(pressed)
        assert answer["replace_original"] is True
        assert caption(answer).startswith("Page 2 of 8 \u00b7 /sources")
    finally:
        await after.stop()


async def test_a_press_over_signed_http_is_answered_through_the_response_url(
    settings: Settings, fake_slack: FakeSlack, dispatcher: Dispatcher
) -> None:
    runner = SlackRunner(slack_settings(settings, fake_slack), dispatcher)
    await runner.start()
    try:
        paged = paginate(dispatcher.run_line("/who"))
        assert paged.count > 2
        async with aiohttp.ClientSession() as session:

            async def press(action: dict[str, Any], name: str, secret: str = SECRET) -> int:
                payload = block_actions_payload(action, response_url=fake_slack.press_url(name))
                body = (
                    aiohttp.helpers.quote("payload")
                    + "="
                    + aiohttp.helpers.quote(json.dumps(payload), safe="")
                )
                async with session.post(
                    f"http://127.0.0.1:{runner.port}/slack/events",
                    data=body,
                    headers=signed_headers(secret, body),
                ) as resp:
                    return resp.status

            first = await command(session, runner, "/who")
            assert await press(button_of(first, "Next \u203a"), "http-1") == 200
            (answer,) = await fake_slack.responses_to("http-1")
            assert answer["replace_original"] is True
            assert caption(answer).startswith("Page 2 of")
            assert await press(button_of(first, "Next \u203a"), "forged", "wrong-secret") == 401
            assert fake_slack.responses_by_id["forged"] == []
    finally:
        await runner.stop()


async def command(session: aiohttp.ClientSession, runner: SlackRunner, line: str) -> Any:
    from tests.fakes.signing import form
    from tests.fakes.slack import slash_payload

    name, _, text = line.partition(" ")
    body = form(slash_payload(name, text))
    async with session.post(
        f"http://127.0.0.1:{runner.port}/slack/events",
        data=body,
        headers=signed_headers(SECRET, body),
    ) as resp:
        return await resp.json()


@pytest.mark.parametrize(
    ("action_id", "expected"),
    [
        ("pg1:garbage", "This button has expired. Type the command again"),
        ("pg1:vanished:2:0123abcd:n:", "belongs to /vanished, which this bot no longer answers"),
        ("pg1:recap:2:0123abcd:n:action=list", "This button has expired."),
        ("pg1:who:2:0123abcd:n:~0123456789ab", "This button has expired. Type /who again"),
        ("pg1:quote:2:0123abcd:n:nope=1", "This button has expired. Type /quote again"),
        ("pg1:ruling:2:0123abcd:n:" + "x" * 230, "This button has expired."),
    ],
)
async def test_forged_and_malformed_buttons_get_a_private_expired_note(
    socket_runner: SlackRunner, fake_slack: FakeSlack, action_id: str, expected: str
) -> None:
    action = {"action_id": action_id, "value": "%%%"}
    pressed = await fake_slack.press(action)
    (answer,) = await fake_slack.responses_to(pressed)
    assert answer["response_type"] == "ephemeral"
    assert answer["replace_original"] is False
    assert expected in str(answer["blocks"])
    assert "Traceback" not in str(answer)


async def test_a_page_out_of_range_is_told_privately(
    socket_runner: SlackRunner, fake_slack: FakeSlack, dispatcher: Dispatcher
) -> None:
    version = paginate(dispatcher.run_line("/ruling")).version
    pressed = await fake_slack.press({"action_id": f"pg1:ruling:99:{version}:n:"})
    (answer,) = await fake_slack.responses_to(pressed)
    assert answer["replace_original"] is False
    assert "There is no page 99 of this answer: it has 5." in str(answer["blocks"])


async def test_a_press_after_the_content_changed_shows_the_current_version(
    socket_runner: SlackRunner, fake_slack: FakeSlack
) -> None:
    stale = {"action_id": "pg1:ruling:3:00000000:n:"}  # a message from older content
    pressed = await fake_slack.press(stale, message={"text": "The ruling", "blocks": []})
    updated, note = await fake_slack.responses_to(pressed, 2)
    assert updated["replace_original"] is True
    assert UPDATED in str(updated["blocks"][1])  # the notice under the title
    assert caption(updated).startswith("Page 3 of 5")
    assert note == {"text": UPDATED, "response_type": "ephemeral", "replace_original": False}


async def test_a_message_edited_by_someone_else_is_left_alone(
    socket_runner: SlackRunner, fake_slack: FakeSlack, dispatcher: Dispatcher
) -> None:
    version = paginate(dispatcher.run_line("/numbers")).version
    edited = {"text": "edited", "blocks": [], "edited": {"user": "UADMIN", "ts": "1.2"}}
    pressed = await fake_slack.press({"action_id": f"pg1:numbers:2:{version}:n:"}, message=edited)
    (answer,) = await fake_slack.responses_to(pressed)
    assert answer["response_type"] == "ephemeral"
    assert answer["replace_original"] is False
    assert EDITED in str(answer["blocks"])
    assert caption(answer).startswith("Page 2 of")


async def test_the_web_link_click_is_only_acknowledged(
    socket_runner: SlackRunner, fake_slack: FakeSlack
) -> None:
    pressed = await fake_slack.press({"action_id": WEB_ID, "url": f"{BASE}/"})
    with pytest.raises(TimeoutError):
        await fake_slack.responses_to(pressed, timeout=0.3)


async def test_presses_and_commands_share_one_allowance_per_person(
    settings: Settings, fake_slack: FakeSlack, clock: Callable[[], datetime]
) -> None:
    configured = socket_settings(settings, fake_slack, user_rate_per_minute=6, user_rate_burst=3)
    runner = SlackRunner(configured, build_dispatcher(configured, clock))
    await runner.start()
    try:
        first = (await fake_slack.slash_command("/ruling"))["payload"]
        for _ in range(2):
            pressed = await fake_slack.press(button_of(first, "Next \u203a"))
            assert (await fake_slack.responses_to(pressed))[0]["replace_original"] is True
        pressed = await fake_slack.press(button_of(first, "Next \u203a"))
        (limited,) = await fake_slack.responses_to(pressed)
        assert limited["response_type"] == "ephemeral"
        assert limited["text"].startswith("You are asking faster than the bot answers")
        refused = (await fake_slack.slash_command("/ruling"))["payload"]
        assert refused["text"].startswith("You are asking faster")
        other = (await fake_slack.slash_command("/ruling", user_id="U2"))["payload"]
        assert "blocks" in other  # someone else is not held up
    finally:
        await runner.stop()


async def test_a_press_while_stopping_is_told_privately_to_try_again(
    settings: Settings, fake_slack: FakeSlack, clock: Callable[[], datetime]
) -> None:
    configured = socket_settings(settings, fake_slack)
    dispatcher = build_dispatcher(configured, clock)
    observer = Observer(commands=[c.name for c in dispatcher.registry])
    runner = SlackRunner(configured, dispatcher, observer=observer)
    await runner.start()
    try:
        first = (await fake_slack.slash_command("/ruling"))["payload"]
        observer.draining = True
        (answer,) = await fake_slack.responses_to(
            await fake_slack.press(button_of(first, "Next \u203a"))
        )
        assert answer == {
            "text": "The bot is restarting; please try again in a moment.",
            "response_type": "ephemeral",
            "replace_original": False,
        }
    finally:
        await runner.stop()


async def test_links_to_the_brief_unfurl_with_their_passage(
    settings: Settings, fake_slack: FakeSlack, clock: Callable[[], datetime]
) -> None:
    configured = socket_settings(settings, fake_slack, public_url=BASE)
    dispatcher = build_dispatcher(configured, clock)
    runner = SlackRunner(configured, dispatcher)
    await runner.start()
    try:
        citation = dispatcher.run_line("/ruling").citations[0]
        assert citation.url
        links = [
            {"domain": "brief.example.org", "url": citation.url},
            {"domain": "brief.example.org", "url": f"{BASE}/?topic=numbers#numbers"},
            {"domain": "elsewhere.example", "url": "https://elsewhere.example/x"},
        ]
        event = {"channel": "C1", "user": "U1", "message_ts": "1700.1", "links": links}
        await fake_slack.push_event(event_payload("link_shared", event=event))
        for _ in range(100):
            if fake_slack.called("chat.unfurl"):
                break
            await _sleep()
        (call,) = fake_slack.called("chat.unfurl")
        assert (call["channel"], call["ts"]) == ("C1", "1700.1")
        unfurls = (
            call["unfurls"] if isinstance(call["unfurls"], dict) else json.loads(call["unfurls"])
        )
        assert set(unfurls) == {citation.url, f"{BASE}/?topic=numbers#numbers"}
        passage = unfurls[citation.url]["blocks"]
        assert citation.quote[:40] in json.dumps(passage, ensure_ascii=False)
        assert "Cited in the brief" in json.dumps(passage)
        topic = json.dumps(unfurls[f"{BASE}/?topic=numbers#numbers"]["blocks"])
        assert "The numbers" in topic
        assert "[1]" in topic
        for attachment in unfurls.values():
            assert_within_limits(attachment)
    finally:
        await runner.stop()


async def _sleep() -> None:
    import asyncio

    await asyncio.sleep(0.02)


def test_the_manifest_turns_on_buttons_and_unfurls() -> None:
    from bot.commands.catalog import build_registry
    from bot.platforms.slack.manifest import build_manifest

    socket = build_manifest(build_registry())
    assert socket["settings"]["interactivity"] == {"is_enabled": True}
    assert "unfurl_domains" not in socket["features"]
    http = build_manifest(
        build_registry(), request_url="https://bot.example/slack/events", public_url=BASE
    )
    assert http["settings"]["interactivity"] == {
        "is_enabled": True,
        "request_url": "https://bot.example/slack/events",
    }
    assert http["features"]["unfurl_domains"] == ["brief.example.org"]
    assert {"links:read", "links:write"} <= set(http["oauth_config"]["scopes"]["bot"])
    assert http["settings"]["event_subscriptions"] == {
        "request_url": "https://bot.example/slack/events",
        "bot_events": ["link_shared"],
    }
    with_socket = build_manifest(build_registry(), public_url=BASE)
    assert with_socket["settings"]["event_subscriptions"] == {"bot_events": ["link_shared"]}


async def test_presses_are_counted_in_the_metrics(
    socket_runner: SlackRunner, fake_slack: FakeSlack
) -> None:
    from prometheus_client import REGISTRY

    def count(outcome: str) -> float:
        value = REGISTRY.get_sample_value(
            "casebrief_button_presses_total", {"platform": "slack", "outcome": outcome}
        )
        return value or 0.0

    page, expired = count("page"), count("expired")
    first = (await fake_slack.slash_command("/numbers"))["payload"]
    await fake_slack.responses_to(await fake_slack.press(button_of(first, "Next \u203a")))
    await fake_slack.responses_to(await fake_slack.press({"action_id": "pg1:nonsense"}))
    assert count("page") == page + 1
    assert count("expired") == expired + 1


async def test_a_press_after_an_edit_reloaded_shows_the_new_version(
    settings: Settings, fake_slack: FakeSlack, clock: Callable[[], datetime]
) -> None:
    configured = socket_settings(settings, fake_slack)
    dispatcher = build_dispatcher(configured, clock)
    runner = SlackRunner(configured, dispatcher)
    await runner.start()
    try:
        await fake_slack.slash_command("/numbers", "public")
        first = await fake_slack.posted("C1")  # a public reply: a message of its own
        numbers = settings.summaries_dir / "numbers.md"
        edited = numbers.read_text(encoding="utf-8").replace(
            "in the Feb. 26, 2026 opinion", "in the Feb. 26, 2026 ruling's opinion"
        )
        numbers.write_text(edited, encoding="utf-8")
        assert dispatcher.store.reload() == ()  # the edit verifies and is served
        message = {"text": first["text"], "blocks": first["blocks"]}
        pressed = await fake_slack.press(button_of(first, "Next \u203a"), message=message)
        updated, note = await fake_slack.responses_to(pressed, 2)
        assert updated["replace_original"] is True
        assert UPDATED in str(updated["blocks"][1])
        assert "ruling's opinion" in str(updated["blocks"])  # the edited figure, on page 2
        assert note["text"] == UPDATED
        assert note["response_type"] == "ephemeral"
    finally:
        await runner.stop()
