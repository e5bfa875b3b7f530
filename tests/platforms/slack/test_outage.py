"""PostgreSQL goes away under a running bot and comes back (issue 16), as operators run it:
``python -m bot run`` for many workspaces (OAuth), its database behind a TCP proxy the test
closes for 20 s (``tests/tcp_proxy.py``).

Before: every Slack command answered HTTP 500 while the database was down (Bolt looks up the
workspace's installation for each request), /recap's failure was counted as "ok", the public
/readyz could show the database's user, host and name, psycopg's pool logged a warning a
second, and after the outage /readyz came back only when the pool's doubling backoff (up to
64 s) next tried: 58 s after a 75 s outage. Now commands answer from the installations
remembered before the outage, /recap says it is unavailable (counted so), the public /readyz
says only "database unreachable" (the cause is on OPS_PORT), the outage is one log line, and
the bot is ready again within seconds of the server.
"""

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit
from uuid import uuid4

import aiohttp
import psycopg
import pytest
from cryptography.fernet import Fernet

from bot.core.messages import STORE_UNAVAILABLE
from tests.fakes.signing import form, signed_headers
from tests.fakes.slack import FakeSlack, slash_payload
from tests.hermetic import clean_env, outside_checkout
from tests.tcp_proxy import TcpProxy

SECRET = "outage-signing-secret"
# Longer than several of the pool's 4 s reconnection attempts and than the 15 s the test
# needs to see every part notice; the 75 s of the issue are in benchmarks/siege_faults.py.
OUTAGE_SECONDS = 20.0
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")


@pytest.fixture
async def database() -> AsyncIterator[str]:
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
    name = f"outage_{uuid4().hex[:12]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()


def through(url: str, port: int) -> str:
    """``url`` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{parts.username or 'postgres'}@127.0.0.1:{port}"))


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Bot:
    def __init__(self, session: aiohttp.ClientSession, port: int, ops_port: int) -> None:
        self.session = session
        self.base, self.ops = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{ops_port}"

    async def get(self, url: str) -> tuple[int, Any]:
        async with self.session.get(url, allow_redirects=False) as resp:
            body = (
                await resp.json() if resp.content_type == "application/json" else await resp.text()
            )
            return resp.status, body

    async def command(self, name: str, text: str = "", **fields: str) -> tuple[int, str]:
        body = form(slash_payload(name, text, team_id="T1", **fields))
        async with self.session.post(
            self.base + "/slack/events", data=body, headers=signed_headers(SECRET, body)
        ) as resp:
            return resp.status, await resp.text()

    async def install(self, fake: FakeSlack, team: str) -> None:
        async with self.session.get(self.base + "/slack/install", allow_redirects=False) as resp:
            state = parse_qs(urlsplit(resp.headers["Location"]).query)["state"][0]
        async with self.session.get(
            self.base + "/slack/oauth_redirect",
            params={"code": fake.grant(team), "state": state},
            headers={"Cookie": f"slack-app-oauth-state={state}"},
        ) as resp:
            assert resp.status == 200

    async def ready_within(self, seconds: float) -> float:
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            try:
                if (await self.get(self.base + "/readyz"))[0] == 200:
                    return time.monotonic() - started
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.25)
        msg = f"/readyz not 200 within {seconds} s"
        raise AssertionError(msg)

    async def unavailable_recaps(self) -> float:
        """casebrief_commands_total{command="recap", outcome="unavailable"}, on OPS_PORT."""
        _, text = await self.get(self.ops + "/metrics")
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("casebrief_commands_total{")
            and 'command="recap"' in line
            and 'outcome="unavailable"' in line
        )


async def test_commands_answer_through_a_database_outage_and_the_bot_is_back_within_seconds(
    tmp_path: Path, database: str
) -> None:
    fake = await FakeSlack().start()
    proxy = await TcpProxy(urlsplit(database).port or 5432).start()
    port, ops_port = free_port(), free_port()
    log = tmp_path / "bot.log"
    env = clean_env(
        SLACK_CLIENT_ID=fake.client_id,
        SLACK_CLIENT_SECRET=fake.client_secret,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_TOKEN_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        SLACK_API_URL=fake.api_url,
        HOST="127.0.0.1",
        PORT=str(port),
        OPS_PORT=str(ops_port),
        CONTENT_RELOAD_SECONDS="0",
        DATABASE_URL=through(database, proxy.port),
    )
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=outside_checkout(tmp_path),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
            bot = Bot(session, port, ops_port)
            await bot.ready_within(60)
            await bot.install(fake, "T1")
            assert (await bot.command("/numbers"))[0] == 200
            quiet = log.stat().st_size

            await proxy.close()  # the database is gone
            down = time.monotonic()
            answers = []
            while time.monotonic() - down < 4:
                answers.append(await bot.command("/numbers"))
                await asyncio.sleep(0.5)
            assert {status for status, _ in answers} == {200}
            assert all("42,695" in text for _, text in answers)
            assert (await bot.command("/recap", "list", response_url=fake.response_url))[0] == 200
            await asyncio.sleep(max(0.0, 15 - (time.monotonic() - down)))  # all have noticed
            public, private = (
                await bot.get(bot.base + "/readyz"),
                await bot.get(bot.ops + "/readyz"),
            )
            assert any(STORE_UNAVAILABLE in str(r) for r in fake.responses)
            assert await bot.unavailable_recaps() >= 1
            assert public[0] == 503
            assert public[1]["components"]["database"]["reason"] == "database unreachable"
            said = str(public[1])
            for detail in (urlsplit(database).path.strip("/"), "postgres", str(proxy.port)):
                assert detail not in said  # no database name, user, host or port
            assert (
                "PostgreSQL at postgresql://postgres@127.0.0.1"
                in private[1]["components"]["database"]["cause"]
            )
            assert (await bot.get(bot.base + "/metrics"))[0] == 404  # on OPS_PORT only
            assert (await bot.command("/numbers"))[0] == 200

            await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down)))
            await proxy.reopen()  # and back
            back_within = await bot.ready_within(30)
            outage_log = log.read_bytes()[quiet:].decode()
            status, text = await bot.command("/recap", "list")
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 20) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await proxy.stop()
        await fake.stop()
    assert back_within < 10, back_within
    assert status == 200
    assert "unavailable" not in text
    assert "Traceback" not in outage_log
    assert outage_log.count("database check failed") == 1, outage_log
    assert "database answers again" in outage_log
    assert outage_log.count("WARNING") + outage_log.count("ERROR") <= 6, outage_log


async def test_on_a_fresh_database_nothing_listens_before_the_oauth_tables_exist(
    tmp_path: Path, database: str
) -> None:
    """The server listened before creating slack_sdk's tables: /slack/install answered 500
    until they existed (three times here, over a slow link to the database).
    """
    fake = await FakeSlack().start()
    proxy = await TcpProxy(urlsplit(database).port or 5432).start()
    proxy.delay = 0.03  # a slow link: creating the tables takes a while
    port = free_port()
    env = clean_env(
        SLACK_CLIENT_ID=fake.client_id,
        SLACK_CLIENT_SECRET=fake.client_secret,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_TOKEN_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        SLACK_API_URL=fake.api_url,
        HOST="127.0.0.1",
        PORT=str(port),
        CONTENT_RELOAD_SECONDS="0",
        DATABASE_URL=through(database, proxy.port),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=outside_checkout(tmp_path),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    statuses: list[int] = []
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and 302 not in statuses:
                try:
                    async with session.get(
                        f"http://127.0.0.1:{port}/slack/install", allow_redirects=False
                    ) as resp:
                        statuses.append(resp.status)
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.02)  # not listening yet
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 20) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await proxy.stop()
        await fake.stop()
    assert statuses == [302]
