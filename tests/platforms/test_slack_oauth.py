"""Slack for any workspace: the real Bolt OAuth flow over real HTTP on 127.0.0.1 against FakeSlack.

A workspace installs through /slack/install and /slack/oauth_redirect, its tokens are kept
encrypted in the bot's database, its commands run with its own (rotated) token, and an
uninstall forgets it.
"""

import asyncio
import contextlib
import json
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit
from uuid import uuid4

import aiohttp
import psycopg
import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.cli import main
from bot.core.dispatch import Dispatcher
from bot.core.registry import Command, Registry
from bot.core.reply import Reply
from bot.platforms.errors import StartError
from bot.platforms.slack import oauth as oauth_module
from bot.platforms.slack.oauth import SlackOAuth
from bot.platforms.slack.runner import SlackRunner
from bot.recaps.schedule import Schedule
from bot.settings import Settings, SettingsError, load_settings
from tests.fakes.signing import form, signed_headers
from tests.fakes.slack import FakeSlack, event_payload, slash_payload
from tests.hermetic import clean_env, outside_checkout

SECRET = "test-signing-secret-0123456789"
KEY = Fernet.generate_key().decode()
# slack_sdk sends the client credentials of oauth.v2.access with aiohttp's BasicAuth.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.stop()


def oauth_settings(base: Settings, fake: FakeSlack, key: str = KEY) -> Settings:
    return base.model_copy(
        update={
            "slack_client_id": fake.client_id,
            "slack_client_secret": SecretStr(fake.client_secret),
            "slack_signing_secret": SecretStr(SECRET),
            "slack_token_encryption_key": SecretStr(key),
            "slack_api_url": fake.api_url,
            "host": "127.0.0.1",
            "port": 0,
        }
    )


class Recorder:
    """A hook the recap store is connected to (pause or resume a workspace): records its calls."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    async def __call__(self, *args: str) -> None:
        self.calls.append(args)


def admin_probe(request, context):  # type: ignore[no-untyped-def]
    return Reply(f"admin={request.user.is_admin}")


def answer(reply: dict[str, Any]) -> str:
    """The probe's words, without the "as of" stamp the renderer adds."""
    return str(reply.get("text", "")).split(" (as of")[0]


@pytest.fixture
def probe_dispatcher(dispatcher: Dispatcher) -> Dispatcher:
    """One command that needs the admin check (users.info with the workspace's token)."""
    registry = Registry(
        [Command("probe", "who asks", admin_probe, needs_admin=True, cacheable=False)]
    )
    return Dispatcher(registry, dispatcher.store, clock=dispatcher.clock)


@pytest.fixture
async def runner(
    settings: Settings, fake_slack: FakeSlack, probe_dispatcher: Dispatcher
) -> AsyncIterator[SlackRunner]:
    configured = oauth_settings(settings, fake_slack)
    oauth = SlackOAuth(
        configured, on_workspace_removed=Recorder(), on_workspace_installed=Recorder()
    )
    runner = SlackRunner(configured, probe_dispatcher, oauth=oauth)
    await runner.start()
    yield runner
    await runner.stop()


def removed(runner: SlackRunner) -> Recorder:
    assert runner.oauth is not None
    assert isinstance(runner.oauth.on_workspace_removed, Recorder)
    return runner.oauth.on_workspace_removed


def installed(runner: SlackRunner) -> Recorder:
    assert runner.oauth is not None
    assert isinstance(runner.oauth.on_workspace_installed, Recorder)
    return runner.oauth.on_workspace_installed


def url(runner: SlackRunner, path: str) -> str:
    return f"http://127.0.0.1:{runner.port}{path}"


async def start_install(runner: SlackRunner) -> tuple[str, str]:
    """GET /slack/install: (the state in Slack's authorize URL, the browser's state cookie)."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(url(runner, "/slack/install"), allow_redirects=False) as resp,
    ):
        assert resp.status == 302
        location = urlsplit(resp.headers["Location"])
        cookie = resp.cookies["slack-app-oauth-state"].value
    assert (
        f"{location.scheme}://{location.netloc}{location.path}"
        == "https://slack.com/oauth/v2/authorize"
    )
    state = parse_qs(location.query)["state"][0]
    return state, cookie


async def redirect(runner: SlackRunner, code: str, state: str, cookie: str) -> tuple[int, str]:
    """Slack sends the browser back to /slack/oauth_redirect with the code and the state."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            url(runner, "/slack/oauth_redirect"),
            params={"code": code, "state": state},
            headers={"Cookie": f"slack-app-oauth-state={cookie}"},
        ) as resp,
    ):
        return resp.status, await resp.text()


async def install(
    runner: SlackRunner, fake: FakeSlack, team_id: str, *, expires_in: int = 43200
) -> str:
    """The whole install; returns the bot token Slack issued to that workspace."""
    state, cookie = await start_install(runner)
    status, _ = await redirect(runner, fake.grant(team_id, expires_in=expires_in), state, cookie)
    assert status == 200
    return fake.tokens_of(team_id)[-1]


async def command(
    runner: SlackRunner, fake: FakeSlack, team_id: str, *, user_id: str = "U1"
) -> dict[str, Any]:
    body = form(
        slash_payload("/probe", user_id=user_id, team_id=team_id, response_url=fake.response_url)
    )
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url(runner, "/slack/events"), data=body, headers=signed_headers(SECRET, body)
        ) as resp,
    ):
        assert resp.status == 200
        return (
            await resp.json()
            if resp.content_type == "application/json"
            else {"text": await resp.text()}
        )


async def event(runner: SlackRunner, payload: dict[str, Any]) -> int:
    body = json.dumps(payload)
    headers = {**signed_headers(SECRET, body), "Content-Type": "application/json"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url(runner, "/slack/events"), data=body, headers=headers) as resp,
    ):
        return resp.status


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    msg = "condition not met in time"
    raise AssertionError(msg)


def raw_rows(settings: Settings) -> str:
    """Every stored installation and bot row, as the database holds them."""
    with sqlite3.connect(settings.database_path) as db:
        rows = db.execute("SELECT * FROM slack_installations").fetchall()
        rows += db.execute("SELECT * FROM slack_bots").fetchall()
    return repr(rows)


async def test_install_redirects_to_slack_with_a_fresh_state(
    runner: SlackRunner, fake_slack: FakeSlack
) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(url(runner, "/slack/install"), allow_redirects=False) as resp,
    ):
        assert resp.status == 302
        query = parse_qs(urlsplit(resp.headers["Location"]).query)
        assert "Secure" in resp.headers["Set-Cookie"]
        assert "HttpOnly" in resp.headers["Set-Cookie"]
    assert query["client_id"] == [fake_slack.client_id]
    assert set(query["scope"][0].split(",")) >= {"commands", "chat:write", "users:read"}
    assert query["state"][0] != (await start_install(runner))[0]  # a new state per visit


async def test_the_oauth_redirect_completes_the_install_and_keeps_tokens_encrypted(
    runner: SlackRunner,
    fake_slack: FakeSlack,
    settings: Settings,
) -> None:
    state, cookie = await start_install(runner)
    code = fake_slack.grant("T1")
    status, page = await redirect(runner, code, state, cookie)
    assert status == 200
    assert "slack://app?team=T1" in page
    (exchange,) = fake_slack.called("oauth.v2.access")
    assert exchange["code"] == code
    token = fake_slack.tokens_of("T1")[0]
    assert fake_slack.calls_with_token(token) == ["auth.test"]  # Bolt learns the bot's ID
    rows = raw_rows(oauth_settings(settings, fake_slack))
    assert "T1" in rows
    assert token not in rows
    assert "refresh" not in rows
    assert "xoxe" not in rows
    assert runner.oauth is not None
    stored = await runner.oauth.stores.installations.async_find_installation(
        enterprise_id=None, team_id="T1"
    )
    assert stored is not None
    assert stored.bot_token == token
    assert stored.bot_refresh_token is not None


@pytest.mark.parametrize("case", ["replayed state", "forged state", "state without its cookie"])
async def test_a_replayed_or_forged_state_is_refused(
    runner: SlackRunner, fake_slack: FakeSlack, case: str
) -> None:
    state, cookie = await start_install(runner)
    code = fake_slack.grant("T1")
    if case == "replayed state":
        assert (await redirect(runner, code, state, cookie))[0] == 200
        code = fake_slack.grant("T1")
        expected = 401  # consumed: a state works once
    elif case == "forged state":
        state = cookie = "forged-" + state[7:]
        expected = 401  # the browser agrees, but the state was never issued
    else:
        cookie = "someone-elses-state"
        expected = 400  # not the browser that started the install
    exchanges = len(fake_slack.called("oauth.v2.access"))
    status, _ = await redirect(runner, code, state, cookie)
    assert status == expected
    assert len(fake_slack.called("oauth.v2.access")) == exchanges  # the code is never exchanged


async def test_a_state_is_accepted_once_even_when_presented_twice_at_once(
    runner: SlackRunner,
) -> None:
    assert runner.oauth is not None
    states = runner.oauth.stores.states
    state = await states.async_issue()
    assert sorted(await asyncio.gather(*(states.async_consume(state) for _ in range(5)))) == [
        False
    ] * 4 + [True]


async def test_states_are_signed_expire_and_are_never_stored(
    runner: SlackRunner, settings: Settings, fake_slack: FakeSlack
) -> None:
    """Issue 16: every anonymous GET /slack/install wrote a row (4,851 in 20 s). A state is
    now signed with a key derived from the client secret: nothing stored until a callback.
    """
    assert runner.oauth is not None
    states = runner.oauth.stores.states
    states.expiration_seconds = -1  # issued already expired
    stale = await states.async_issue()
    states.expiration_seconds = 600
    for _ in range(50):
        await start_install(runner)
    assert await states.async_consume(stale) is False
    fresh = await states.async_issue()
    payload, _, signature = fresh.rpartition(".")
    assert await states.async_consume(f"{payload}.{signature[::-1]}") is False  # not ours
    assert await states.async_consume(fresh) is True
    with sqlite3.connect(oauth_settings(settings, fake_slack).database_path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "slack_oauth_states" not in tables


async def test_each_workspace_is_answered_with_its_own_token(
    runner: SlackRunner, fake_slack: FakeSlack
) -> None:
    first, second = await install(runner, fake_slack, "T1"), await install(runner, fake_slack, "T2")
    fake_slack.admins.add("U2")
    assert answer(await command(runner, fake_slack, "T1", user_id="U1")) == "admin=False"
    assert answer(await command(runner, fake_slack, "T2", user_id="U2")) == "admin=True"
    assert "users.info" in fake_slack.calls_with_token(first)
    assert "users.info" in fake_slack.calls_with_token(second)
    users = [
        (args["user"], token)
        for (method, args), (_, token) in zip(fake_slack.calls, fake_slack.token_calls, strict=True)
        if method == "users.info"
    ]
    assert users == [("U1", first), ("U2", second)]
    await command(runner, fake_slack, "T1", user_id="U4")
    # auth.test once at install and once when first authorized; then remembered per token
    assert fake_slack.calls_with_token(first).count("auth.test") == 2


async def test_the_authorize_cache_forgets_its_least_recently_used_tokens(
    settings: Settings,
    fake_slack: FakeSlack,
    probe_dispatcher: Dispatcher,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bolt remembers auth.test per token in the bounded cache we give it: rotated tokens go."""
    monkeypatch.setattr(oauth_module, "AUTHORIZE_CACHE_SIZE", 1)
    configured = oauth_settings(settings, fake_slack)
    runner = SlackRunner(configured, probe_dispatcher, oauth=SlackOAuth(configured))
    await runner.start()
    try:
        first, second = (
            await install(runner, fake_slack, "T1"),
            await install(runner, fake_slack, "T2"),
        )
        for team in ("T1", "T1", "T2", "T1"):
            await command(runner, fake_slack, team)
    finally:
        await runner.stop()
    # At install, then: T1 asked (kept), T1 (remembered), T2 (pushes T1 out), T1 asked again.
    assert fake_slack.calls_with_token(first).count("auth.test") == 3
    assert fake_slack.calls_with_token(second).count("auth.test") == 2


async def test_an_unknown_workspace_runs_nothing(
    runner: SlackRunner, fake_slack: FakeSlack
) -> None:
    await install(runner, fake_slack, "T1")
    reply = await command(runner, fake_slack, "T9")
    assert "admin=" not in str(reply)
    assert not fake_slack.called("users.info")
    assert (
        "reinstall" in fake_slack.responses[0]["text"]
    )  # Bolt tells the user, via the response URL


async def test_an_expiring_token_is_refreshed_before_use(
    runner: SlackRunner,
    fake_slack: FakeSlack,
    settings: Settings,
) -> None:
    old = await install(runner, fake_slack, "T1", expires_in=60)  # within the rotation window
    await command(runner, fake_slack, "T1")
    refresh = [
        args
        for args in fake_slack.called("oauth.v2.access")
        if args.get("grant_type") == "refresh_token"
    ]
    assert len(refresh) == 1
    new = fake_slack.tokens_of("T1")[-1]
    assert new != old
    assert "users.info" in fake_slack.calls_with_token(new)
    assert "users.info" not in fake_slack.calls_with_token(old)
    assert new not in raw_rows(oauth_settings(settings, fake_slack))
    await command(
        runner, fake_slack, "T1", user_id="U3"
    )  # the new token lives 12 hours: no second refresh
    assert (
        len(
            [
                a
                for a in fake_slack.called("oauth.v2.access")
                if a.get("grant_type") == "refresh_token"
            ]
        )
        == 1
    )


@pytest.mark.parametrize("kind", ["app_uninstalled", "tokens_revoked"])
async def test_removal_forgets_the_workspace_and_pauses_it(
    runner: SlackRunner,
    fake_slack: FakeSlack,
    settings: Settings,
    kind: str,
) -> None:
    gone, kept = await install(runner, fake_slack, "T1"), await install(runner, fake_slack, "T2")
    fake_slack.revoke("T1")
    extra = {"tokens": {"oauth": [], "bot": ["UBOTT1"]}} if kind == "tokens_revoked" else {}
    assert await event(runner, event_payload(kind, team_id="T1", event=extra)) == 200
    await eventually(lambda: removed(runner).calls == [("T1", kind)])
    assert runner.oauth is not None
    assert (
        await runner.oauth.stores.installations.async_find_installation(
            enterprise_id=None, team_id="T1"
        )
        is None
    )
    rows = raw_rows(oauth_settings(settings, fake_slack))
    assert "'T1'" not in rows
    assert "'T2'" in rows
    used = len(fake_slack.calls_with_token(gone))
    reply = await command(runner, fake_slack, "T1")
    assert "admin=" not in str(reply)
    assert len(fake_slack.calls_with_token(gone)) == used  # nothing sent with the removed token
    assert answer(await command(runner, fake_slack, "T2")) == "admin=False"
    assert "users.info" in fake_slack.calls_with_token(kept)


async def test_a_reinstall_after_removal_resumes_the_workspace(
    runner: SlackRunner, fake_slack: FakeSlack
) -> None:
    await install(runner, fake_slack, "T1")
    fake_slack.revoke("T1")
    assert await event(runner, event_payload("app_uninstalled", team_id="T1")) == 200
    await eventually(lambda: removed(runner).calls == [("T1", "app_uninstalled")])
    again = await install(runner, fake_slack, "T1")
    assert installed(runner).calls == [("T1",), ("T1",)]
    assert answer(await command(runner, fake_slack, "T1")) == "admin=False"
    assert "users.info" in fake_slack.calls_with_token(again)


async def test_revoking_only_user_tokens_keeps_the_workspace(
    runner: SlackRunner, fake_slack: FakeSlack
) -> None:
    await install(runner, fake_slack, "T1")
    assert (
        await event(
            runner,
            event_payload(
                "tokens_revoked", team_id="T1", event={"tokens": {"oauth": ["U7"], "bot": []}}
            ),
        )
        == 200
    )
    await asyncio.sleep(0.2)
    assert removed(runner).calls == []
    assert answer(await command(runner, fake_slack, "T1")) == "admin=False"


async def test_a_wrong_key_is_a_clear_error_at_start_and_old_keys_still_decrypt(
    runner: SlackRunner,
    fake_slack: FakeSlack,
    settings: Settings,
) -> None:
    token = await install(runner, fake_slack, "T1")
    new_key = Fernet.generate_key().decode()
    wrong = SlackOAuth(oauth_settings(settings, fake_slack, key=new_key))
    with pytest.raises(StartError) as caught:
        await wrong.start()
    await wrong.close()
    assert "SLACK_TOKEN_ENCRYPTION_KEY" in str(caught.value)
    assert token not in str(caught.value)
    assert KEY not in str(caught.value)
    assert new_key not in str(caught.value)
    rotating = SlackOAuth(oauth_settings(settings, fake_slack, key=f"{new_key},{KEY}"))
    await rotating.start()  # the old key, listed after the new one, still decrypts...
    try:
        found = await rotating.stores.installations.async_find_installation(
            enterprise_id=None, team_id="T1"
        )
        assert found is not None
        assert found.bot_token == token
    finally:
        await rotating.close()
    only_new = SlackOAuth(oauth_settings(settings, fake_slack, key=new_key))
    await only_new.start()  # ...and the start re-encrypted every row under the new key
    try:
        found = await only_new.stores.installations.async_find_installation(
            enterprise_id=None, team_id="T1"
        )
        assert found is not None
        assert found.bot_token == token
        assert found.bot_refresh_token is not None
        bot = await only_new.stores.installations.async_find_bot(enterprise_id=None, team_id="T1")
        assert bot is not None
        assert bot.bot_token == token
    finally:
        await only_new.close()


async def test_an_unreachable_database_is_a_clear_error_at_start(
    settings: Settings, fake_slack: FakeSlack
) -> None:
    configured = oauth_settings(settings, fake_slack).model_copy(
        update={"database_url": "postgresql://bot:pa55word@127.0.0.1:1/nowhere"}
    )
    oauth = SlackOAuth(configured)
    with pytest.raises(StartError) as caught:
        await oauth.start()
    await oauth.close()
    assert str(caught.value).startswith("Invalid setting DATABASE_URL:")
    assert "pa55word" not in str(caught.value)


async def test_tokens_for_scheduled_posts_come_per_workspace_and_are_refreshed(
    runner: SlackRunner,
    fake_slack: FakeSlack,
    settings: Settings,
) -> None:
    assert runner.oauth is not None
    first = await install(runner, fake_slack, "T1")
    await install(runner, fake_slack, "T2", expires_in=60)
    tokens = runner.oauth.tokens()
    assert await tokens.bot_token("T1") == first
    assert await tokens.bot_token("T9") is None
    client = await tokens.client_for("T2")
    assert client is not None
    assert client.token == fake_slack.tokens_of("T2")[-1] != fake_slack.tokens_of("T2")[0]
    await client.chat_postMessage(channel="C2", text="recap")
    assert fake_slack.calls_with_token(client.token) == ["chat.postMessage"]
    assert await tokens.bot_token("T2") == client.token  # stored: no second refresh


# --- Settings -------------------------------------------------------------------------

OAUTH_ENV = {
    "SLACK_CLIENT_ID": "1111.2222",
    "SLACK_CLIENT_SECRET": "client-secret-value",
    "SLACK_SIGNING_SECRET": SECRET,
    "SLACK_TOKEN_ENCRYPTION_KEY": KEY,
}


def set_env(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def test_oauth_mode_is_chosen_by_the_client_id(monkeypatch: pytest.MonkeyPatch) -> None:
    set_env(monkeypatch, **OAUTH_ENV)
    settings = load_settings()
    assert settings.slack_oauth
    assert settings.slack_configured
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-one-workspace")
    assert not load_settings().slack_oauth  # the single-workspace token wins


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("SLACK_TOKEN_ENCRYPTION_KEY", None, "missing; generate one with"),
        (
            "SLACK_TOKEN_ENCRYPTION_KEY",
            "not-a-fernet-key-but-secret",
            "32 url-safe base64-encoded bytes",
        ),
        ("SLACK_CLIENT_SECRET", None, "missing"),
        ("SLACK_SIGNING_SECRET", None, "missing"),
        ("SLACK_APP_TOKEN", "xapp-socket-mode", "served over HTTP"),
        ("SLACK_CLIENT_ID", None, "missing"),
    ],
)
def test_each_missing_or_malformed_oauth_setting_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str | None,
    says: str,
) -> None:
    set_env(monkeypatch, **OAUTH_ENV)
    if value is None:
        monkeypatch.delenv(variable)
    else:
        monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    (line,) = str(caught.value).splitlines()
    assert line.startswith(f"Invalid setting {variable}: ")
    assert says in line
    assert "not-a-fernet" not in line
    assert "client-secret-value" not in line
    assert SECRET not in line


def test_the_cli_exits_2_on_a_bad_key_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    set_env(monkeypatch, **{**OAUTH_ENV, "SLACK_TOKEN_ENCRYPTION_KEY": "short"})
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Invalid setting SLACK_TOKEN_ENCRYPTION_KEY")
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


# --- Manifest -------------------------------------------------------------------------


def test_the_oauth_manifest_has_the_redirect_url_removal_events_and_rotation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["manifest", "slack", "--url", "https://bot.example/slack/events", "--oauth"]) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest["oauth_config"]["redirect_urls"] == ["https://bot.example/slack/oauth_redirect"]
    events = manifest["settings"]["event_subscriptions"]
    assert events == {
        "request_url": "https://bot.example/slack/events",
        "bot_events": ["app_uninstalled", "tokens_revoked"],
    }
    assert manifest["settings"]["token_rotation_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is False
    assert manifest["settings"]["org_deploy_enabled"] is False


def test_the_single_workspace_manifest_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manifest", "slack", "--url", "https://bot.example/slack/events"]) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert "redirect_urls" not in manifest["oauth_config"]
    assert "event_subscriptions" not in manifest["settings"]
    assert manifest["settings"]["token_rotation_enabled"] is False


def test_the_oauth_manifest_needs_the_public_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["manifest", "slack", "--oauth"]) == 2
    assert "--url" in capsys.readouterr().err


# --- PostgreSQL: two instances, one database ------------------------------------------


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A fresh database on the server at TEST_DATABASE_URL, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL")
    in_ci = os.environ.get("CI") == "true"
    if not base:
        if in_ci:
            pytest.fail("CI must set TEST_DATABASE_URL")
        pytest.skip(
            "no PostgreSQL: set TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test"
        )
    try:
        admin = await psycopg.AsyncConnection.connect(base, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        if in_ci:
            raise
        pytest.skip(f"PostgreSQL at TEST_DATABASE_URL not reachable: {type(error).__name__}")
    name = f"slack_oauth_{uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


async def test_two_instances_share_installs_on_postgresql(
    settings: Settings,
    fake_slack: FakeSlack,
    probe_dispatcher: Dispatcher,
    postgres_url: str,
) -> None:
    configured = oauth_settings(settings, fake_slack).model_copy(
        update={"database_url": postgres_url}
    )
    first, second = (
        SlackRunner(
            configured,
            probe_dispatcher,
            oauth=SlackOAuth(configured, on_workspace_removed=Recorder()),
        )
        for _ in range(2)
    )
    await asyncio.gather(first.start(), second.start())  # both create the tables at once
    try:
        state, cookie = await start_install(first)  # the browser starts on one instance...
        status, _ = await redirect(
            second, fake_slack.grant("T1"), state, cookie
        )  # ...and ends on another
        assert status == 200
        token = fake_slack.tokens_of("T1")[0]
        assert answer(await command(first, fake_slack, "T1")) == "admin=False"
        assert fake_slack.calls_with_token(token).count("users.info") == 1
        async with await psycopg.AsyncConnection.connect(postgres_url) as db:
            rows = await (await db.execute("SELECT * FROM slack_installations")).fetchall()
            rows += await (await db.execute("SELECT * FROM slack_bots")).fetchall()
        assert "T1" in repr(rows)
        assert token not in repr(rows)
        assert "xoxe" not in repr(rows)
        assert await event(second, event_payload("app_uninstalled", team_id="T1")) == 200
        await eventually(lambda: removed(second).calls == [("T1", "app_uninstalled")])
        assert first.oauth is not None
        assert (
            await first.oauth.stores.installations.async_find_installation(
                enterprise_id=None, team_id="T1"
            )
            is None
        )
    finally:
        await first.stop()
        await second.stop()


# --- As operators run it ----------------------------------------------------------------


async def test_run_installs_and_answers_without_printing_a_token_even_at_debug(
    fake_slack: FakeSlack,
    tmp_path: Path,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = clean_env(
        SLACK_CLIENT_ID=fake_slack.client_id,
        SLACK_CLIENT_SECRET=fake_slack.client_secret,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_TOKEN_ENCRYPTION_KEY=KEY,
        SLACK_API_URL=fake_slack.api_url,
        HOST="127.0.0.1",
        PORT=str(port),
        LOG_LEVEL="DEBUG",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=outside_checkout(tmp_path),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(200):
                with contextlib.suppress(aiohttp.ClientConnectionError):
                    async with session.get(f"{base}/readyz") as resp:  # installs work once ready
                        if resp.status == 200:
                            break
                await asyncio.sleep(0.1)
            async with session.get(f"{base}/slack/install", allow_redirects=False) as resp:
                state = parse_qs(urlsplit(resp.headers["Location"]).query)["state"][0]
            async with session.get(
                f"{base}/slack/oauth_redirect",
                params={"code": fake_slack.grant("T1", expires_in=60), "state": state},
                headers={"Cookie": f"slack-app-oauth-state={state}"},
            ) as resp:
                assert resp.status == 200
            body = form(slash_payload("/who", "Romo", team_id="T1"))
            async with session.post(
                f"{base}/slack/events", data=body, headers=signed_headers(SECRET, body)
            ) as resp:
                assert resp.status == 200
                assert "Dottie Romo" in await resp.text()
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 0, stderr.decode()[-2000:]
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    output = (stdout + stderr).decode()
    assert len(fake_slack.tokens_of("T1")) == 2  # installed, then refreshed before the command
    secrets = [
        *fake_slack.tokens_of("T1"),
        *fake_slack.refresh_tokens,
        fake_slack.client_secret,
        KEY,
        SECRET,
    ]
    assert "oauth.v2.access" in output  # slack_sdk's debug lines were there to leak from
    assert not [secret for secret in secrets if secret in output]
    assert "xox***" in output  # masked where slack_sdk logged them


async def test_an_uninstalled_workspace_s_recaps_pause_and_a_reinstall_resumes_them(
    settings: Settings,
    fake_slack: FakeSlack,
    dispatcher: Dispatcher,
) -> None:
    """As `python -m bot run` wires it: the removal hooks reach the recap store."""
    runner = SlackRunner(oauth_settings(settings, fake_slack), dispatcher)
    await runner.start()
    recaps = dispatcher.services.recap_service
    try:
        daily = Schedule("daily", "09:00", "UTC")
        await recaps.subscribe("slack", "T1", "C1", daily)
        await recaps.subscribe("slack", "T2", "C2", daily)
        await install(runner, fake_slack, "T1")
        fake_slack.revoke("T1")
        assert await event(runner, event_payload("app_uninstalled", team_id="T1")) == 200

        async def paused() -> dict[str, str | None]:
            return {sub.channel: sub.paused_reason for sub in await recaps.subscriptions("slack")}

        for _ in range(250):
            if (await paused())["C1"]:
                break
            await asyncio.sleep(0.02)
        state = await paused()
        assert state["C1"]
        assert "removed" in state["C1"]
        assert state["C2"] is None
        await install(runner, fake_slack, "T1")
        assert (await paused())["C1"] is None
    finally:
        await runner.stop()
        await recaps.aclose()


async def test_a_failed_install_logs_its_error_parameter_quoted_and_cut(
    runner: SlackRunner, caplog: pytest.LogCaptureFixture
) -> None:
    """/slack/oauth_redirect?error=... is anyone's text: it forged whole log lines and wrote 20 KB
    each.
    """
    forged = "x\n2026-01-01 00:00:00,000 ERROR bot: FORGED" + "a" * 20_000
    async with (
        aiohttp.ClientSession() as session,
        session.get(
            url(runner, "/slack/oauth_redirect"), params={"error": forged, "state": "s"}
        ) as resp,
    ):
        assert resp.status < 500
    [line] = [r.getMessage() for r in caplog.records if "did not complete" in r.getMessage()]
    assert "\n" not in line
    assert len(line) < 200


# --- Issue 16: the database goes away under an installed workspace ------------------------


async def database_down(runner: SlackRunner, folder: Path) -> Path:
    """The SQLite database becomes unreachable: its folder moves away, open connections close."""
    assert runner.oauth is not None
    away = folder.with_name(folder.name + "-away")
    folder.rename(away)  # noqa: ASYNC240 - a test's own folder, instantly
    await runner.oauth.stores.engine.dispose()
    return away


async def test_commands_answer_from_memory_while_the_database_is_down(
    settings: Settings, fake_slack: FakeSlack, probe_dispatcher: Dispatcher, tmp_path: Path
) -> None:
    """Every command answered HTTP 500 (Slack: dispatch_failed) while the installations could
    not be read. A token refreshed meanwhile is used, and saved once the database is back.
    """
    folder = tmp_path / "database"
    folder.mkdir()
    configured = oauth_settings(settings, fake_slack).model_copy(
        update={"database_url": f"sqlite:///{folder / 'oauth.sqlite3'}"}
    )
    runner = SlackRunner(configured, probe_dispatcher, oauth=SlackOAuth(configured))
    await runner.start()
    try:
        fake_slack.refreshed_expires_in = 60  # every request refreshes the token
        await install(runner, fake_slack, "T1", expires_in=60)
        assert answer(await command(runner, fake_slack, "T1")) == "admin=False"
        away = await database_down(runner, folder)
        assert answer(await command(runner, fake_slack, "T1", user_id="U2")) == "admin=False"
        during = fake_slack.tokens_of("T1")[-1]  # refreshed while the database was down
        assert fake_slack.calls_with_token(during).count("users.info") == 1  # ... and used
        # Not seen before the outage: still answered (Slack signed it), without a token.
        assert answer(await command(runner, fake_slack, "T2")).startswith("admin=")
        assert not [r for r in fake_slack.responses if "reinstall" in str(r)]
        away.rename(folder)
        assert runner.oauth is not None
        store = runner.oauth.stores.installations
        await store.async_find_installation(enterprise_id=None, team_id="T1")  # saves it
        await runner.oauth.stores.engine.dispose()  # read it from the file, not from memory
        saved = await runner.oauth.stores.encrypted.async_find_installation(
            enterprise_id=None, team_id="T1"
        )
        assert saved is not None
        assert saved.bot_token == during
    finally:
        await runner.stop()


async def test_remembered_installations_are_forgotten_after_an_hour(
    settings: Settings, fake_slack: FakeSlack, probe_dispatcher: Dispatcher, tmp_path: Path
) -> None:
    from bot.platforms.slack.installation_cache import OutageCache

    folder = tmp_path / "database"
    folder.mkdir()
    configured = oauth_settings(settings, fake_slack).model_copy(
        update={"database_url": f"sqlite:///{folder / 'oauth.sqlite3'}"}
    )
    runner = SlackRunner(configured, probe_dispatcher, oauth=SlackOAuth(configured))
    await runner.start()
    try:
        await install(runner, fake_slack, "T1")
        assert runner.oauth is not None
        now = [0.0]
        cache = OutageCache(runner.oauth.stores.encrypted, clock=lambda: now[0])
        assert await cache.async_find_installation(enterprise_id=None, team_id="T1")
        await database_down(runner, folder)
        now[0] = 3599.0
        assert await cache.async_find_installation(enterprise_id=None, team_id="T1")
        now[0] = 3601.0  # not seen for an hour: as if not installed, until the database is back
        assert await cache.async_find_installation(enterprise_id=None, team_id="T1") is None
    finally:
        await runner.stop()
