"""The service under slow clients (issue 16): ``python -m bot run`` started as systemd starts
it (1,024 open files at most), 1,100 connections that send a request line and one header and
then wait, from a hundred addresses, reconnecting whenever the server closes them.

Before: the process ran out of file descriptors, ``/healthz`` and everything else stopped
answering for as long as the clients stayed, and asyncio logged a traceback for every
connection waiting in the backlog (29 MB in 21 s). Now the listener caps connections below
the files limit, closes the one that waited longest for a request to make room, times out
slow headers, and the log stays a few lines.
"""

import asyncio
import contextlib
import sys
import time
from pathlib import Path

import aiohttp

from tests.fakes.signing import form, signed_headers
from tests.fakes.slack import FakeSlack, slash_payload
from tests.hermetic import clean_env, outside_checkout
from tests.limits import limited
from tests.slow_clients import Siege, addresses

SECRET = "siege-signing-secret"


async def probe(session: aiohttp.ClientSession, base: str) -> list[object]:
    """What a load balancer, Slack and a reader get right now (a status, or the failure)."""
    body = form(slash_payload("/numbers"))

    async def one(method: str, path: str, **options: object) -> object:
        try:
            async with session.request(method, base + path, **options) as resp:  # type: ignore[arg-type]
                await resp.read()
                return resp.status
        except (aiohttp.ClientError, TimeoutError) as error:
            return type(error).__name__

    return list(
        await asyncio.gather(
            one("GET", "/healthz"),
            one("GET", "/readyz"),
            one("GET", "/"),
            one("POST", "/slack/events", data=body, headers=signed_headers(SECRET, body)),
        )
    )


async def test_slow_clients_beyond_the_files_limit_leave_the_service_answering(
    tmp_path: Path,
) -> None:
    fake = await FakeSlack().start()
    port = free_port()
    log = tmp_path / "bot.log"
    env = clean_env(
        SLACK_BOT_TOKEN="xoxb-siege",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        HOST="127.0.0.1",
        PORT=str(port),
        HTTP_HEADER_TIMEOUT_SECONDS="2",
        CONTENT_RELOAD_SECONDS="0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            *limited([sys.executable, "-m", "bot", "run"], open_files=1024),
            cwd=outside_checkout(tmp_path),
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )
    base = f"http://127.0.0.1:{port}"
    timeout = aiohttp.ClientTimeout(total=3)
    siege = Siege(port, 1100, addresses(100))
    try:
        async with aiohttp.ClientSession(
            timeout=timeout, connector=aiohttp.TCPConnector(force_close=True)
        ) as session:
            for _ in range(100):
                if (await probe(session, base))[0] == 200:
                    break
                await asyncio.sleep(0.1)
            quiet = log.stat().st_size
            siege.start()
            await asyncio.sleep(2)  # all 1,100 have connected (or been turned away) by now
            rounds = []
            until = time.monotonic() + 6  # past the 2 s header timeout: the slow ones go too
            while time.monotonic() < until:
                rounds.append(await probe(session, base))
                await asyncio.sleep(0.2)
            await siege.stop()
            logged = log.read_bytes()[quiet:].decode()
            after = await probe(session, base)
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.terminate()
        await asyncio.wait_for(process.wait(), 20)
        await fake.stop()
    assert rounds
    assert all(r == [200, 200, 200, 200] for r in rounds), rounds
    assert after == [200, 200, 200, 200]
    assert siege.opened > 1100  # the server closed some and they came back
    # Over the cap, the one that waited longest is closed with a 503 (slow ones alone: 408,
    # tests/service/test_listener.py).
    assert "HTTP/1.1 503 Service Unavailable" in siege.answers
    assert "Traceback" not in logged
    assert "out of system resource" not in logged
    assert len(logged) < 5_000, logged  # one line per kind of refusal, a few times a minute
    assert process.returncode == 0


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
