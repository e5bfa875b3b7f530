"""The real slack-bolt app over real HTTP and websockets on 127.0.0.1, against FakeSlack."""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
from prometheus_client import REGISTRY
from pydantic import SecretStr

from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.core.registry import Command, Registry
from bot.core.reply import Reply
from bot.platforms.slack.app import SlackUsers, build_web_client
from bot.platforms.slack.runner import SlackRunner
from bot.settings import Settings
from tests.fakes.signing import form, signed_headers
from tests.fakes.slack import Failure, FakeSlack, slash_payload
from tests.renderers.slack_limits import assert_inert, assert_within_limits

SECRET = "test-signing-secret-0123456789"
CLOCK = lambda: datetime(2026, 3, 10, tzinfo=UTC)  # noqa: E731


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.stop()


def slack_settings(base: Settings, fake: FakeSlack, **extra: object) -> Settings:
    return base.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-test-token"),
            "slack_signing_secret": SecretStr(SECRET),
            "slack_api_url": fake.api_url,
            "host": "127.0.0.1",
            "port": 0,
            **extra,
        }
    )


@pytest.fixture
async def http_runner(
    settings: Settings, fake_slack: FakeSlack, dispatcher: Dispatcher
) -> AsyncIterator[SlackRunner]:
    runner = SlackRunner(slack_settings(settings, fake_slack), dispatcher)
    await runner.start()
    yield runner
    await runner.stop()


async def post(runner: SlackRunner, body: str, headers: dict[str, str]) -> tuple[int, dict | str]:  # type: ignore[type-arg]
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"http://127.0.0.1:{runner.port}/slack/events", data=body, headers=headers
        ) as resp,
    ):
        if resp.content_type == "application/json":
            return resp.status, await resp.json()
        return resp.status, await resp.text()


async def test_signed_slash_command_gets_blocks_within_limits(http_runner: SlackRunner) -> None:
    body = form(slash_payload("/numbers"))
    status, payload = await post(http_runner, body, signed_headers(SECRET, body))
    assert status == 200
    assert isinstance(payload, dict)
    assert payload["response_type"] == "ephemeral"
    assert payload["blocks"][0]["text"]["text"] == "The numbers"
    assert "About 42,695" in str(payload["blocks"])
    assert_within_limits(payload)
    assert_inert(payload)


async def test_public_and_hostile_text_over_http(
    http_runner: SlackRunner, fake_slack: FakeSlack
) -> None:
    """A public reply is posted as a message (chat.postMessage): its ts is known, so a later
    correction can edit it in place (issue 18). The command's ack says nothing.
    """
    body = form(slash_payload("/quote", "<!channel> Romo https://evil.example public"))
    status, payload = await post(http_runner, body, signed_headers(SECRET, body))
    assert status == 200
    assert not payload
    message = await fake_slack.posted("C1")
    assert_inert({"text": message["text"], "blocks": message["blocks"]})
    assert "Romo" in str(message["blocks"])


async def test_healthz(http_runner: SlackRunner) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{http_runner.port}/healthz") as resp,
    ):
        assert resp.status == 200
        assert (await resp.json())["ok"] is True


@pytest.fixture
async def probe_runner(
    settings: Settings, fake_slack: FakeSlack
) -> AsyncIterator[tuple[SlackRunner, list[str]]]:
    """A Slack app whose only command records that it ran."""
    ran: list[str] = []

    def probe(request, context):  # type: ignore[no-untyped-def]
        ran.append(request.command)
        return Reply("probed")

    base = build_dispatcher(settings, CLOCK)
    dispatcher = Dispatcher(Registry([Command("numbers", "probe", probe)]), base.store, clock=CLOCK)
    runner = SlackRunner(slack_settings(settings, fake_slack), dispatcher)
    await runner.start()
    yield runner, ran
    await runner.stop()


@pytest.mark.parametrize("case", ["bad signature", "old timestamp", "no headers"])
async def test_unverifiable_requests_get_401_and_run_nothing(probe_runner, case: str) -> None:  # type: ignore[no-untyped-def]
    runner, ran = probe_runner
    body = form(slash_payload("/numbers"))
    if case == "bad signature":
        headers = signed_headers("wrong-secret", body)
    elif case == "old timestamp":
        headers = signed_headers(SECRET, body, timestamp=int(time.time()) - 6 * 60)
    else:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _ = await post(runner, body, headers)
    assert status == 401
    assert ran == []
    good = signed_headers(SECRET, body)
    assert (await post(runner, body, good))[0] == 200
    assert ran == ["numbers"]


async def test_socket_mode_slash_command_is_acked_with_the_reply(
    settings: Settings,
    fake_slack: FakeSlack,
    dispatcher: Dispatcher,
) -> None:
    socket_settings = slack_settings(
        settings, fake_slack, slack_app_token=SecretStr("xapp-test"), slack_signing_secret=None
    )
    runner = SlackRunner(socket_settings, dispatcher)
    await runner.start()
    try:
        assert runner.socket_mode
        ack = await fake_slack.slash_command("/status", "public")
        assert not ack.get("payload")  # public: posted as a message of its own
        message = await fake_slack.posted("C1")
        payload = {"text": message["text"], "blocks": message["blocks"]}
        assert payload["blocks"][0]["text"]["text"] == "Status of the injunctions and appeals"
        assert_within_limits(payload)
        assert fake_slack.called("apps.connections.open")
    finally:
        await runner.stop()


async def test_web_api_waits_out_429_and_retries_5xx(
    settings: Settings, fake_slack: FakeSlack
) -> None:
    client = build_web_client(slack_settings(settings, fake_slack))
    fake_slack.failures["chat.postMessage"] += [
        Failure(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}),
        Failure(503, {"ok": False, "error": "service_unavailable"}),
    ]

    def met() -> float:
        return (
            REGISTRY.get_sample_value("casebrief_rate_limited_total", {"platform": "slack"}) or 0.0
        )

    before = met()
    started = time.monotonic()
    response = await client.chat_postMessage(channel="C1", text="hello")
    assert response["ok"]
    assert len(fake_slack.called("chat.postMessage")) == 3
    assert time.monotonic() - started >= 1.0  # Retry-After honoured
    assert met() - before == 1  # the 429 is counted for /metrics


async def test_a_slow_command_is_acked_in_time_and_answered_via_the_response_url(
    settings: Settings,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.platforms.slack.app as slack_app

    monkeypatch.setattr(slack_app, "ACK_WITHIN_SECONDS", 0.1)

    def slow(request, context):  # type: ignore[no-untyped-def]
        time.sleep(0.5)
        return Reply("Slow answer")

    base = build_dispatcher(settings, CLOCK)
    dispatcher = Dispatcher(
        Registry([Command("slow", "takes a while", slow, slow=True)]), base.store, clock=CLOCK
    )
    runner = SlackRunner(slack_settings(settings, fake_slack), dispatcher)
    await runner.start()
    try:
        body = form(slash_payload("/slow", response_url=fake_slack.response_url))
        status, payload = await post(runner, body, signed_headers(SECRET, body))
        assert status == 200
        assert isinstance(payload, dict)
        assert payload["text"] == "Working on it..."
        for _ in range(100):
            if fake_slack.responses:
                break
            await asyncio.sleep(0.05)
        assert fake_slack.responses[0]["blocks"][0]["text"]["text"] == "Slow answer"
    finally:
        await runner.stop()


@pytest.mark.parametrize("users_info", ["rate limited", "slow"])
async def test_the_admin_check_never_makes_recap_miss_the_ack_deadline(
    http_runner: SlackRunner,
    fake_slack: FakeSlack,
    users_info: str,
) -> None:
    """Before: users.info went through the retrying client before the ack (429s waited out)."""
    if users_info == "rate limited":
        fake_slack.failures["users.info"] += [
            Failure(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "2"})
        ] * 4
    else:
        fake_slack.failures["users.info"].append(
            Failure(200, {"ok": True, "user": {"id": "U1", "is_admin": True}}, delay=5)
        )
    body = form(slash_payload("/recap", "subscribe daily 09:00"))
    started = time.monotonic()
    status, payload = await post(http_runner, body, signed_headers(SECRET, body))
    assert time.monotonic() - started < 2.5
    assert status == 200
    assert isinstance(payload, dict)
    assert "try again in a minute" in str(payload)
    assert "admins" in str(payload)
    assert len(fake_slack.called("users.info")) == 1  # no retries before the ack


async def test_admin_answers_are_cached(http_runner: SlackRunner, fake_slack: FakeSlack) -> None:
    fake_slack.admins.add("U1")
    for _ in range(3):
        body = form(slash_payload("/recap", "list"))
        assert (await post(http_runner, body, signed_headers(SECRET, body)))[0] == 200
    assert len(fake_slack.called("users.info")) == 1


async def test_http_mode_serves_readiness_and_metrics_beside_slack_events(
    http_runner: SlackRunner,
) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{http_runner.port}/readyz") as resp:
            body = await resp.json()
            assert resp.status == 200
            assert body["components"]["slack"] == {
                "ready": True,
                "mode": "http",
                "authenticated": True,
            }
        async with session.get(f"http://127.0.0.1:{http_runner.port}/metrics") as resp:
            assert resp.status == 200
            assert "casebrief_commands_total" in await resp.text()


async def test_socket_mode_readiness_follows_the_connection(
    settings: Settings,
    fake_slack: FakeSlack,
    dispatcher: Dispatcher,
) -> None:
    runner = SlackRunner(
        slack_settings(
            settings, fake_slack, slack_app_token=SecretStr("xapp-test"), slack_signing_secret=None
        ),
        dispatcher,
    )
    await runner.start()
    try:
        ready = await runner.readiness()
        assert ready.ready
        assert ready.detail == {
            "mode": "socket",
            "authenticated": True,
            "connected": True,
        }
    finally:
        await runner.stop()
    assert not (await runner.readiness()).ready


async def test_a_rejected_bot_token_names_the_setting(
    settings: Settings, fake_slack: FakeSlack, dispatcher: Dispatcher
) -> None:
    from bot.platforms.errors import StartError

    fake_slack.failures["auth.test"].append(Failure(200, {"ok": False, "error": "invalid_auth"}))
    runner = SlackRunner(slack_settings(settings, fake_slack), dispatcher)
    with pytest.raises(StartError, match="SLACK_BOT_TOKEN"):
        await runner.start()


async def test_a_socket_mode_app_token_revoked_at_run_time_is_fatal(
    settings: Settings,
    fake_slack: FakeSlack,
    dispatcher: Dispatcher,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import bot.platforms.slack.runner as slack_runner
    from bot.service.supervisor import Fatal

    monkeypatch.setattr(slack_runner, "CONNECTION_CHECK_SECONDS", 0.2)
    runner = SlackRunner(
        slack_settings(
            settings, fake_slack, slack_app_token=SecretStr("xapp-test"), slack_signing_secret=None
        ),
        dispatcher,
    )
    await runner.start()
    try:
        watch = asyncio.create_task(runner.watch_connection())
        await asyncio.sleep(0.5)
        assert not watch.done()
        assert runner.connected
        fake_slack.failures["apps.connections.open"] += [
            Failure(200, {"ok": False, "error": "token_revoked"})
        ] * 50
        await fake_slack.drop_sockets()
        with pytest.raises(Fatal, match="Invalid setting SLACK_APP_TOKEN: Slack rejected it"):
            await asyncio.wait_for(watch, 20)
    finally:
        await runner.stop()


async def test_admin_answers_expire_and_the_least_recently_used_go_first(
    settings: Settings, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SlackUsers, "MAX_ENTRIES", 2)
    now = [0.0]
    configured = slack_settings(settings, fake_slack)
    check = SlackUsers(configured, timer=lambda: now[0])
    client = build_web_client(configured)
    fake_slack.admins.add("U1")
    assert await check(client, "U1", "T1") is True
    fake_slack.admins.discard("U1")
    now[0] = SlackUsers.TTL_SECONDS - 1
    assert await check(client, "U1", "T1") is True  # remembered
    now[0] = SlackUsers.TTL_SECONDS + 1
    assert await check(client, "U1", "T1") is False  # expired: asked again
    assert await check(client, "U2", "T1") is False
    assert await check(client, "U1", "T1") is False  # remembered, and now the most recent
    assert await check(client, "U3", "T1") is False  # full: U2, the least recently used, goes
    asked = [args["user"] for method, args in fake_slack.calls if method == "users.info"]
    assert asked == ["U1", "U1", "U2", "U3"]
    assert await check(client, "U2", "T1") is False
    assert [args["user"] for method, args in fake_slack.calls if method == "users.info"][-1] == "U2"
