"""Start-up checks of settings that only fail when used: real DNS, sockets, files and HTTP."""

import asyncio
import os
import socket
from pathlib import Path

import pytest
from aiohttp import web

from bot.preflight import check_database_url, check_discord_api, check_listen, start_problems
from bot.settings import Settings
from tests.fakes.server import serve


def test_a_free_port_on_a_local_host_passes() -> None:
    assert check_listen("127.0.0.1", 0) is None
    assert check_listen("localhost", 0) is None


def test_a_host_that_does_not_resolve_is_named() -> None:
    problem = check_listen("no-such-host.invalid", 3000)
    assert problem is not None
    assert problem.startswith("Invalid setting HOST: 'no-such-host.invalid' does not resolve")


def test_a_host_that_is_not_this_machine_is_named() -> None:
    problem = check_listen("192.0.2.1", 0)  # TEST-NET-1: never a local address
    assert problem is not None
    assert problem.startswith("Invalid setting HOST: 192.0.2.1 is not an address")


def test_a_port_in_use_is_named() -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        problem = check_listen("127.0.0.1", port)
    assert problem is not None
    assert problem.startswith(f"Invalid setting PORT: port {port} is already in use")


def test_a_usable_database_url_passes_and_creates_nothing(tmp_path: Path) -> None:
    assert check_database_url(f"sqlite:///{tmp_path / 'new.sqlite3'}") is None
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("sqlite:///", "names no file"),
        ("sqlite:///{tmp}", "is a directory"),
        ("sqlite:///{tmp}/missing/db.sqlite3", "does not exist"),
        ("sqlite:////proc/case-brief.sqlite3", "cannot write in /proc"),
        ("sqlite:///{tmp}/junk.sqlite3", "is not a SQLite database"),
    ],
)
def test_a_database_url_that_cannot_be_used_says_why(tmp_path: Path, url: str, says: str) -> None:
    (tmp_path / "junk.sqlite3").write_bytes(b"not a database, just junk " * 100)
    problem = check_database_url(url.format(tmp=tmp_path))
    assert problem is not None
    assert says in problem


@pytest.mark.skipif(
    os.geteuid() == 0, reason="root writes through file permissions (see /proc above)"
)
def test_a_read_only_folder_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    problem = check_database_url(f"sqlite:///{folder / 'db.sqlite3'}")
    assert problem is not None
    assert "cannot write" in problem


async def test_a_discord_api_that_answers_at_all_passes() -> None:
    app = web.Application()  # answers 404 to everything: still an answer
    runner, port = await serve(app)
    try:
        assert (
            await asyncio.to_thread(check_discord_api, f"http://127.0.0.1:{port}/api/v10") is None
        )
    finally:
        await runner.cleanup()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:1/api/v10", "http://no-such-host.invalid/api/v10"]
)
def test_a_discord_api_that_does_not_answer_is_named(url: str) -> None:
    problem = check_discord_api(url, timeout=2)
    assert problem is not None
    assert problem.startswith("Invalid setting DISCORD_API_URL: no answer from")


def test_a_discord_api_that_hangs_is_named_after_the_timeout() -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        problem = check_discord_api(
            f"http://127.0.0.1:{silent.getsockname()[1]}/api/v10", timeout=0.5
        )
    assert problem is not None
    assert "timed out" in problem


def test_only_what_a_command_uses_is_checked(tmp_path: Path) -> None:
    broken = Settings(
        _env_file=None,
        host="no-such-host.invalid",
        database_url="sqlite:///",
        discord_token="t",
        discord_api_url="http://127.0.0.1:1/api/v10",
    )
    assert start_problems(broken, serving=False, database=False) == []
    assert [p.split(":")[0] for p in start_problems(broken, serving=True, database=True)] == [
        "Invalid setting HOST",
        "Invalid setting DISCORD_API_URL",
        "Invalid setting DATABASE_URL",
    ]  # every serving mode listens on HOST:PORT (/healthz, /readyz, /metrics, the web pages)
    slack_http = broken.model_copy(
        update={"slack_bot_token": "xoxb-t", "slack_signing_secret": "s"}
    )
    assert start_problems(slack_http, serving=True, database=False)[0].startswith(
        "Invalid setting HOST"
    )


def test_a_postgresql_url_is_checked_for_its_form_only_and_nothing_is_created(
    tmp_path: Path,
) -> None:
    """Recaps once opened such a URL as a SQLite path (a folder named after it, password and all).
    Now it goes to the PostgreSQL store; reaching the server is checked when the store opens
    (tests/platforms/test_serve.py: one line, exit 3, no password).
    """
    assert check_database_url("postgresql://postgres:hunter2pw@127.0.0.1:5432/test") is None
    assert list(tmp_path.iterdir()) == []


async def test_a_guild_discord_refuses_is_named_and_a_good_one_passes() -> None:
    from bot.preflight import check_discord_guilds
    from tests.fakes.discord import GUILD_ID, FakeDiscord

    fake = await FakeDiscord().start()
    fake.refused_guilds.add("999")
    try:
        good = await asyncio.to_thread(check_discord_guilds, fake.api_url, fake.token, [GUILD_ID])
        refused = await asyncio.to_thread(
            check_discord_guilds, fake.api_url, fake.token, [GUILD_ID, 999]
        )
    finally:
        await fake.stop()
    assert good is None
    assert refused is not None
    assert refused.startswith(
        "Invalid setting DISCORD_GUILD_IDS: Discord refused guild 999 (HTTP 403)"
    )
