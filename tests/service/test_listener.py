"""The listener's bounds, one at a time, on a real HttpServer and raw sockets on 127.0.0.1."""

import asyncio
import contextlib
import logging
import os
import resource
import socket
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from bot.service.http import HttpServer
from bot.service.listener import Limits, client_of, connection_cap

PARTIAL = b"GET /healthz HTTP/1.1\r\nHost: bot\r\n"  # a request line and one header, no end


class Server:
    """An HttpServer with /healthz and /hold (answers once ``release`` is set)."""

    def __init__(self, limits: Limits) -> None:
        self.release = asyncio.Event()
        self.held = 0

        async def healthz(_request: web.Request) -> web.Response:
            return web.json_response({"ok": True})

        async def hold(_request: web.Request) -> web.Response:
            self.held += 1
            await self.release.wait()
            return web.json_response({"held": True})

        async def upload(request: web.Request) -> web.Response:
            return web.json_response({"bytes": len(await request.read())})

        app = web.Application()
        app.router.add_get("/healthz", healthz)
        app.router.add_get("/hold", hold)
        app.router.add_post("/upload", upload)
        self.http = HttpServer(app, "127.0.0.1", 0, limits)

    @property
    def port(self) -> int:
        assert self.http.port is not None
        return self.http.port


@contextlib.asynccontextmanager
async def serving(limits: Limits) -> AsyncIterator[Server]:
    server = Server(limits)
    await server.http.start()
    try:
        yield server
    finally:
        server.release.set()
        await server.http.stop()


async def connect(port: int, source: str = "127.0.0.2", send: bytes = PARTIAL) -> socket.socket:
    loop = asyncio.get_running_loop()
    sock = socket.socket()
    sock.setblocking(False)
    sock.bind((source, 0))
    await loop.sock_connect(sock, ("127.0.0.1", port))
    if send:
        await loop.sock_sendall(sock, send)
    return sock


async def answer(sock: socket.socket, within: float = 5) -> str:
    """The status line the server sent, or "" when it closed without one."""
    loop = asyncio.get_running_loop()
    data = await asyncio.wait_for(loop.sock_recv(sock, 4096), within)
    return data.split(b"\r\n", 1)[0].decode()


async def healthz(port: int) -> int:
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as session,
        session.get(f"http://127.0.0.1:{port}/healthz") as resp,
    ):
        return resp.status


async def test_one_client_gets_its_share_and_then_429_others_are_served() -> None:
    async with serving(Limits(per_client=3)) as server:
        mine = [await connect(server.port) for _ in range(3)]
        fourth = await connect(server.port)
        assert await answer(fourth) == "HTTP/1.1 429 Too Many Requests"
        assert await healthz(server.port) == 200  # another client (127.0.0.1) is served
        for sock in [*mine, fourth]:
            sock.close()


async def test_when_full_the_connection_that_waited_longest_makes_room() -> None:
    async with serving(Limits(max_connections=8, per_client=0)) as server:
        waiting = [await connect(server.port, f"127.0.1.{n}") for n in range(2, 10)]
        await asyncio.sleep(0.05)
        assert await healthz(server.port) == 200
        assert await answer(waiting[0]) == "HTTP/1.1 503 Service Unavailable"
        assert server.http.listener is not None
        assert server.http.listener.open_connections <= 8
        for sock in waiting:
            sock.close()


async def test_when_every_connection_is_busy_a_newcomer_gets_503_and_nothing_is_dropped() -> None:
    async with serving(Limits(max_connections=8, per_client=0)) as server:
        busy = [
            await connect(server.port, f"127.0.2.{n}", b"GET /hold HTTP/1.1\r\nHost: x\r\n\r\n")
            for n in range(2, 10)
        ]
        for _ in range(100):
            if server.held == 8:
                break
            await asyncio.sleep(0.01)
        newcomer = await connect(server.port, "127.0.2.20")
        assert await answer(newcomer) == "HTTP/1.1 503 Service Unavailable"
        server.release.set()
        assert [await answer(sock) for sock in busy] == ["HTTP/1.1 200 OK"] * 8
        for sock in [*busy, newcomer]:
            sock.close()


async def test_slow_headers_get_408_and_idle_connections_are_closed_quietly() -> None:
    async with serving(Limits(header_timeout=0.3, idle_timeout=0.6)) as server:
        started = time.monotonic()
        slow = await connect(server.port)
        idle = await connect(server.port, send=b"")
        assert await answer(slow) == "HTTP/1.1 408 Request Timeout"
        assert 0.25 < time.monotonic() - started < 2
        assert await answer(idle) == ""  # closed without a word: nothing was asked
        assert await healthz(server.port) == 200


async def test_a_body_that_never_finishes_is_cut_at_the_request_timeout() -> None:
    async with serving(Limits(request_timeout=0.5)) as server:
        head = b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nonly a little"
        trickle = await connect(server.port, send=head)
        assert (await answer(trickle)).startswith("HTTP/1.1 408")


async def test_out_of_file_descriptors_is_one_line_and_accepting_resumes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Asyncio's accept loop logged a traceback per waiting connection and multiplied its
    retries; the listener logs one line, frees the oldest waiting connections and pauses.
    """
    caplog.set_level(logging.INFO)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    async with serving(Limits(per_client=0)) as server:
        opened: list[socket.socket] = []
        try:
            in_use = len(os.listdir("/proc/self/fd"))  # noqa: PTH208 - a count, no paths
            resource.setrlimit(resource.RLIMIT_NOFILE, (in_use + 24, hard))
            with contextlib.suppress(OSError):
                for n in range(40):  # each takes two descriptors: ours and the accepted one
                    opened.append(await connect(server.port, f"127.0.3.{2 + n}"))
                    await asyncio.sleep(0.01)
            await asyncio.sleep(0.3)
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        lines = [r for r in caplog.records if "cannot accept connections" in r.getMessage()]
        assert lines
        assert not [r for r in caplog.records if r.exc_info]
        closed = [await answer(sock) for sock in opened[:2]]  # the oldest made room
        assert closed == ["HTTP/1.1 503 Service Unavailable"] * 2
        for sock in opened:
            sock.close()
        await asyncio.sleep(0.4)  # the pause
        assert await healthz(server.port) == 200


def test_a_client_is_an_address_or_an_ipv6_slash_64() -> None:
    assert client_of(("203.0.113.9", 5000)) == "203.0.113.9"
    assert client_of(("::ffff:203.0.113.9", 5000, 0, 0)) == "203.0.113.9"
    assert client_of(("2001:db8:1:2:aaaa::1", 5000, 0, 0)) == "2001:db8:1:2::/64"
    assert client_of(("2001:db8:1:2:bbbb::9", 5000, 0, 0)) == "2001:db8:1:2::/64"


def test_the_cap_leaves_a_quarter_of_the_files_limit_to_everything_else() -> None:
    assert connection_cap(Limits(max_connections=1000), 1024) == 768
    assert connection_cap(Limits(max_connections=1000), 65536) == 1000
