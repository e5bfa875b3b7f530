"""POST /slack/events refuses every malformed or unsigned request: 4xx, one short log line, nothing
run.

A real Bolt app behind the real aiohttp server on 127.0.0.1, hit with raw HTTP.
"""

import asyncio
import hashlib
import hmac
import io
import logging
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.logs import NoRequestBodies
from bot.platforms.slack.http import EVENTS_PATH, MAX_BODY_BYTES, events_handler
from tests.fakes.server import serve
from tests.fakes.signing import form, signed_headers
from tests.fakes.slack import FakeSlack, slash_payload
from tests.hermetic import clean_env, outside_checkout

SECRET = "test-signing-secret-0123456789"
FORM = "application/x-www-form-urlencoded"


def sign(body: bytes, timestamp: str | None = None) -> dict[str, str]:
    ts = timestamp or str(int(time.time()))
    digest = hmac.new(
        SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256
    ).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


class Server:
    def __init__(self) -> None:
        self.ran: list[dict[str, Any]] = []
        self.url = ""

    async def post(self, body: bytes, headers: dict[str, str]) -> int:
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=body, headers=headers) as resp,
        ):
            await resp.read()
            return resp.status


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack().start()
    yield fake
    await fake.stop()


def bolt_app(fake: FakeSlack, logger: logging.Logger | None = None) -> AsyncApp:
    return AsyncApp(
        signing_secret=SECRET,
        client=AsyncWebClient(token="xoxb-test", base_url=fake.api_url),
        **({"logger": logger} if logger else {}),
    )


@pytest.fixture
async def server(fake_slack: FakeSlack) -> AsyncIterator[Server]:
    server = Server()
    app = bolt_app(fake_slack)

    @app.command("/status")
    async def status(ack: Any, command: dict[str, Any]) -> None:
        server.ran.append(command)
        await ack("ok")

    web_app = web.Application()
    web_app.router.add_post(EVENTS_PATH, events_handler(app, SECRET))
    runner, port = await serve(web_app)
    server.url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
    yield server
    await runner.cleanup()


NOW = str(int(time.time()))
GOOD = form(slash_payload("/status")).encode()
# (name, body, headers, expected status): every kind of request the issue found answered 500.
REFUSED: list[tuple[str, bytes, dict[str, str], int]] = [
    ("unsigned, body starts with { but is not JSON", b"{not json", {"Content-Type": FORM}, 401),
    ("unsigned, JSON content type, form body", GOOD, {"Content-Type": "application/json"}, 401),
    ("unsigned, not UTF-8", b"\xff\xfe\xfa text=\x80", {"Content-Type": FORM}, 401),
    (
        "timestamp not an integer",
        GOOD,
        {"Content-Type": FORM, "X-Slack-Request-Timestamp": "12abc", "X-Slack-Signature": "v0=00"},
        401,
    ),
    (
        "timestamp huge",
        GOOD,
        {
            "Content-Type": FORM,
            "X-Slack-Request-Timestamp": "9" * 400,
            "X-Slack-Signature": "v0=00",
        },
        401,
    ),
    ("no signature headers", GOOD, {"Content-Type": FORM}, 401),
    ("signature header only", GOOD, {"Content-Type": FORM, "X-Slack-Signature": "v0=00"}, 401),
    (
        "wrong signature",
        GOOD,
        {
            "Content-Type": FORM,
            "X-Slack-Request-Timestamp": NOW,
            "X-Slack-Signature": "v0=" + "0" * 64,
        },
        401,
    ),
    (
        "stale timestamp",
        GOOD,
        {"Content-Type": FORM, **sign(GOOD, str(int(time.time()) - 600))},
        401,
    ),
    (
        "signed, body starts with { but is not JSON",
        b"{not json",
        {"Content-Type": FORM, **sign(b"{not json")},
        400,
    ),
    (
        "signed, JSON content type, form body",
        GOOD,
        {"Content-Type": "application/json", **sign(GOOD)},
        400,
    ),
    ("signed, JSON array", b"[1, 2]", {"Content-Type": "application/json", **sign(b"[1, 2]")}, 400),
    (
        "signed, payload= that is not JSON",
        b"payload=%7Bnope",
        {"Content-Type": FORM, **sign(b"payload=%7Bnope")},
        400,
    ),
    (
        "signed, odd shape",
        b'{"authorizations": 5}',
        {"Content-Type": "application/json", **sign(b'{"authorizations": 5}')},
        400,
    ),
    (
        "signed, event that is not an object",
        b'{"type": "event_callback", "event": "x"}',
        {"Content-Type": "application/json", **sign(b'{"type": "event_callback", "event": "x"}')},
        400,
    ),
    ("signed, not UTF-8", b"text=\xff\xfe", {"Content-Type": FORM, **sign(b"text=\xff\xfe")}, 401),
    ("oversize", b"x" * (MAX_BODY_BYTES + 1), {"Content-Type": FORM}, 413),
]


@pytest.mark.parametrize(
    ("name", "body", "headers", "status"), REFUSED, ids=[r[0] for r in REFUSED]
)
async def test_malformed_or_unsigned_request_is_refused_with_one_short_line(
    server: Server,
    caplog: pytest.LogCaptureFixture,
    name: str,
    body: bytes,
    headers: dict[str, str],
    status: int,
) -> None:
    caplog.set_level(logging.DEBUG)
    assert await server.post(body, headers) == status
    assert server.ran == []
    ours = [r for r in caplog.records if r.name == "bot.platforms.slack.http"]
    assert len(ours) == 1
    assert ours[0].levelno == logging.INFO
    assert len(ours[0].getMessage()) < 200
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.WARNING]


async def test_signed_well_formed_request_runs(server: Server) -> None:
    assert await server.post(GOOD, {"Content-Type": FORM, **sign(GOOD)}) == 200
    assert [c["command"] for c in server.ran] == ["/status"]
    assert await server.post(GOOD, signed_headers(SECRET, GOOD.decode())) == 200


def _log_stream() -> tuple[io.StringIO, logging.Handler]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(NoRequestBodies())
    return stream, handler


async def test_bolts_own_body_logging_is_cut_to_one_short_line(fake_slack: FakeSlack) -> None:
    """Bolt logs an unsigned request's whole body at INFO; the filter keeps only its size."""
    stream, handler = _log_stream()
    logger = logging.getLogger("slack_bolt")
    logger.addHandler(handler)
    try:
        app = bolt_app(fake_slack, logger)
        body = "text=" + "A" * 1_000_000
        for _ in range(100):
            response = await app.async_dispatch(
                AsyncBoltRequest(body=body, headers={"content-type": FORM})
            )
            assert response.status == 401
    finally:
        logger.removeHandler(handler)
    assert "AAAA" not in stream.getvalue()
    assert len(stream.getvalue()) < 100 * 300


def test_debug_records_are_cut_short() -> None:
    record = logging.LogRecord(
        "slack_sdk.web", logging.DEBUG, __file__, 1, "payload %s", ("x" * 10_000,), None
    )
    assert NoRequestBodies().filter(record)
    assert len(record.getMessage()) < 400


def test_other_loggers_are_untouched() -> None:
    record = logging.LogRecord(
        "bot.app", logging.INFO, __file__, 1, "body: %s", ("x" * 1000,), None
    )
    assert NoRequestBodies().filter(record)
    assert record.getMessage() == "body: " + "x" * 1000


async def test_100_anonymous_1mb_requests_write_almost_nothing(server: Server) -> None:
    stream, handler = _log_stream()
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    try:
        body = b"A" * 1_000_000
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                async with session.post(
                    server.url, data=body, headers={"Content-Type": FORM}
                ) as resp:
                    assert resp.status in (401, 413)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    assert server.ran == []
    assert "AAAA" not in stream.getvalue()
    assert len(stream.getvalue()) < 100 * 200


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
async def test_a_running_bot_logs_no_request_bodies(
    fake_slack: FakeSlack, tmp_path: Path, level: str
) -> None:
    """`python -m bot run` in HTTP mode, 100 anonymous 1 MB requests and 100 unsigned small ones."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=outside_checkout(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=clean_env(
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake_slack.api_url,
            HOST="127.0.0.1",
            PORT=str(port),
            LOG_LEVEL=level,
            CONTENT_RELOAD_SECONDS="0",
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ),
    )
    try:
        url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
        async with aiohttp.ClientSession() as session:
            for _ in range(200):
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            big, small = (
                b"text=" + b"A" * 1_000_000,
                form(slash_payload("/status", "B" * 2000)).encode(),
            )
            for body in [big] * 100 + [small] * 100:
                async with session.post(url, data=body, headers={"Content-Type": FORM}) as resp:
                    assert resp.status in (401, 413)
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = stderr.decode()
    assert "AAAA" not in log
    assert "BBBB" not in log
    assert "Traceback" not in log
    assert len(stderr) < 200 * 250, len(stderr)  # one short line a request at most
    # Issue 16: a flood of one fault is a few lines a minute (bot.logs.Throttle), not one a request.
    assert log.count("refused Slack request") == 5
