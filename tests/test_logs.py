"""Log lines: text or JSON, secrets masked everywhere (tracebacks too), no user text above DEBUG."""

import json
import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.core.dispatch import Dispatcher
from bot.logs import configure_logging
from bot.service.observe import Observer

SECRET = "xoxb-never-in-a-log-line"


class Stderr:
    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def getvalue(self) -> str:
        return self.capsys.readouterr().err


@pytest.fixture
def stderr(capsys: pytest.CaptureFixture[str]) -> Iterator[Stderr]:
    """What the bot's log handler writes (configured inside each test, on pytest's stderr)."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield Stderr(capsys)
    root.handlers[:], level = saved
    root.setLevel(level)


def test_json_lines_carry_the_fields_and_mask_secrets_in_tracebacks(stderr: Stderr) -> None:
    configure_logging("INFO", [SecretStr(SECRET)], "json")
    log = logging.getLogger("bot.test")
    log.info("token is %s", SECRET)
    try:
        msg = f"failed with {SECRET}"
        raise RuntimeError(msg)  # noqa: TRY301 - a traceback to log
    except RuntimeError:
        log.exception("crash")
    text = stderr.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0]["message"] == "token is ***"
    assert lines[0]["level"] == "INFO"
    assert lines[0]["logger"] == "bot.test"
    assert "RuntimeError: failed with ***" in lines[1]["traceback"]
    assert SECRET not in text


async def test_one_line_per_command_with_platform_command_outcome_latency_and_no_user_text(
    stderr: Stderr,
    dispatcher: Dispatcher,
) -> None:
    configure_logging("INFO", [], "json")
    observer = Observer(commands=[c.name for c in dispatcher.registry])
    async with observer.serving("slack", "quote") as served:
        served.replied(dispatcher.run_line("/quote secret-user-words-here"))
    async with observer.serving("discord", "no-such-command"):
        pass
    text = stderr.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(line["platform"], line["command"], line["outcome"]) for line in lines] == [
        ("slack", "quote", "ok"),
        ("discord", "unknown", "ok"),
    ]
    assert all(isinstance(line["latency_ms"], float) for line in lines)
    assert "secret-user-words-here" not in text


def test_text_format_is_the_default(stderr: Stderr) -> None:
    configure_logging("INFO", [SecretStr(SECRET)])
    logging.getLogger("bot.test").warning("with %s", SECRET)
    assert stderr.getvalue().rstrip().endswith("WARNING bot.test: with ***")


async def test_a_request_aiohttp_cannot_parse_is_one_info_line_without_traceback(
    stderr: Stderr,
) -> None:
    """Aiohttp answers 400 but logged each such request at ERROR with a traceback."""
    import asyncio

    from aiohttp import web

    from bot.service.http import HttpServer

    async def crash(request: web.Request) -> web.Response:
        msg = "a bug of ours"
        raise RuntimeError(msg)

    configure_logging("INFO")
    app = web.Application()
    app.router.add_get("/crash", crash)
    server = HttpServer(app, "127.0.0.1", 0)
    await server.start()

    async def send(raw: bytes) -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(raw)
        answer = await reader.read(200)
        writer.close()
        return answer

    try:
        malformed = [
            b"GET /?q=" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n",
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        ]
        for raw in malformed:
            assert (await send(raw)).startswith(b"HTTP/1.0 400")
        logged = stderr.getvalue()
        assert "Traceback" not in logged
        assert "ERROR" not in logged
        assert [line.split(" ", 2)[2] for line in logged.splitlines() if "malformed" in line] == [
            (
                "INFO aiohttp.server: refused a malformed HTTP request from 127.0.0.1: LineTooLong "
                "(HTTP 400)"
            ),
            (
                "INFO aiohttp.server: refused a malformed HTTP request from 127.0.0.1: LineTooLong "
                "(HTTP 400)"
            ),
            (
                "INFO aiohttp.server: refused a malformed HTTP request from 127.0.0.1: "
                "BadHttpMessage "
                "(HTTP 400)"
            ),
        ]
        assert (await send(b"GET /crash HTTP/1.1\r\nHost: x\r\n\r\n")).startswith(b"HTTP/1.1 500")
        assert "Traceback" in stderr.getvalue()  # our own bugs keep theirs
    finally:
        await server.stop()


# --- Issue 16 ------------------------------------------------------------------------------


def test_a_flood_of_one_fault_is_a_few_lines_then_one_that_counts_the_rest(
    stderr: Stderr,
) -> None:
    from bot.logs import Throttle

    now = [0.0]
    throttle = Throttle(interval=60, burst=3, clock=lambda: now[0])
    configure_logging("INFO")
    handler = logging.getLogger().handlers[0]
    handler.filters[:] = [throttle if isinstance(f, Throttle) else f for f in handler.filters]
    log = logging.getLogger("bot.service.listener")
    for n in range(100):
        log.warning("refused a connection from %s", f"10.0.0.{n}")
    logging.getLogger("bot.commands").info("slack /numbers ok in %.1f ms", 0.8)  # not a fault
    now[0] = 61.0
    log.warning("refused a connection from %s", "10.0.0.200")
    lines = stderr.getvalue().splitlines()
    assert len(lines) == 5
    assert [line.split(": ", 1)[1] for line in lines[:3]] == [
        "refused a connection from 10.0.0.0",
        "refused a connection from 10.0.0.1",
        "refused a connection from 10.0.0.2",
    ]
    assert "slack /numbers ok" in lines[3]
    assert lines[4].endswith(
        "refused a connection from 10.0.0.200 [97 more like this in the last 60 s not logged]"
    )


def test_short_secrets_are_masked_where_they_stand_as_words(stderr: Stderr) -> None:
    """Secrets under 8 characters were not masked at all."""
    configure_logging("INFO", ["pw7", SecretStr("s3cr3t")])
    logging.getLogger("bot.test").warning("password=pw7 token s3cr3t; pw7x and s3cr3ts are words")
    assert stderr.getvalue().rstrip().endswith("password=*** token ***; pw7x and s3cr3ts are words")


def test_the_database_url_password_is_masked_like_any_secret(
    stderr: Stderr, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The command line adds DATABASE_URL's password to the masking list."""
    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:pa55w0rd@db.example/cases")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "short6")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    assert main(["ask", "/help"]) == 0
    logging.getLogger("bot.test").error("cannot reach postgresql://bot:pa55w0rd@db (short6)")
    logged = stderr.getvalue()
    assert "pa55w0rd" not in logged
    assert "short6" not in logged
    assert "postgresql://bot:***@db (***)" in logged
