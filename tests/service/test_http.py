"""The service's HTTP app: readiness from components, routes mounted by others, draining."""

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp import web

from bot.service.http import HttpServer, build_http_app
from bot.service.observe import Observer
from bot.service.readiness import Component, Readiness, SchedulerComponent


class Flag:
    """A component whose readiness a test sets."""

    def __init__(self, name: str, ready: bool = True, delay: float = 0.0) -> None:
        self.name, self.ready, self.delay = name, ready, delay

    async def readiness(self) -> Readiness:
        await asyncio.sleep(self.delay)
        return Readiness(self.ready, {"checked": True}, "" if self.ready else "down")


@dataclass
class Loop:
    """What a recap runner exposes (SchedulerState)."""

    alive: bool = True
    next_wakeup: datetime | None = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    last_beat: float | None = None
    problem: str | None = None


async def serve(components: list[Component], observer: Observer, mounts: list = []) -> HttpServer:  # type: ignore[type-arg]  # noqa: B006
    server = HttpServer(build_http_app(components, observer, mounts), "127.0.0.1", 0)
    await server.start()
    return server


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def get(session: aiohttp.ClientSession, server: HttpServer, path: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    async with session.get(f"http://127.0.0.1:{server.port}{path}") as resp:
        return resp.status, await resp.json()


async def test_readyz_is_503_naming_what_is_not_ready(session: aiohttp.ClientSession) -> None:
    database = Flag("database")
    server = await serve([Flag("content"), database], Observer())
    try:
        assert (await get(session, server, "/readyz"))[0] == 200
        database.ready = False
        status, body = await get(session, server, "/readyz")
        assert status == 503
        assert body["not_ready"] == ["database"]
        assert body["components"]["database"] == {"ready": False, "reason": "down", "checked": True}
    finally:
        await server.stop()


async def test_a_check_that_hangs_counts_as_not_ready_without_hanging_readyz(
    session: aiohttp.ClientSession,
) -> None:
    server = await serve([Flag("slow", delay=30)], Observer())
    try:
        started = time.monotonic()
        status, body = await get(session, server, "/readyz")
        assert status == 503
        assert body["components"]["slow"]["reason"] == "readiness check timed out"
        assert time.monotonic() - started < 5
    finally:
        await server.stop()


async def test_others_mount_routes_on_the_same_server(session: aiohttp.ClientSession) -> None:
    def mount(app: web.Application) -> None:
        async def page(request: web.Request) -> web.Response:
            return web.json_response({"page": "web"})

        app.router.add_get("/web/page", page)

    server = await serve([], Observer(), [mount])
    try:
        assert await get(session, server, "/web/page") == (200, {"page": "web"})
        assert await get(session, server, "/healthz") == (200, {"ok": True})
    finally:
        await server.stop()


async def test_a_draining_service_is_not_ready(session: aiohttp.ClientSession) -> None:
    observer = Observer()
    server = await serve([Flag("content")], observer)
    try:
        assert await observer.drain(1) is True
        status, body = await get(session, server, "/readyz")
        assert status == 503
        assert body["not_ready"] == ["stopping"]
    finally:
        await server.stop()


async def test_the_scheduler_is_ready_while_alive_and_beating() -> None:
    loop = Loop(last_beat=time.monotonic())
    component = SchedulerComponent(loop, max_silence=5)
    ready = await component.readiness()
    assert ready.ready
    assert ready.detail["next_wakeup"] == "2026-03-10T09:00:00+00:00"
    loop.last_beat = time.monotonic() - 6
    assert (await component.readiness()).reason == "scheduler silent for 6 s"
    loop.alive = False
    assert (await component.readiness()).reason == "scheduler not running"
    loop.alive, loop.last_beat, loop.problem = True, time.monotonic(), "database is locked"
    assert not (await component.readiness()).ready


async def test_drain_waits_for_work_in_flight_within_a_bound() -> None:
    observer = Observer()
    finished: list[str] = []

    async def reply(name: str, seconds: float) -> None:
        async with observer.serving("slack", "numbers"):
            await asyncio.sleep(seconds)
            finished.append(name)

    tasks = [asyncio.create_task(reply("fast", 0.05)), asyncio.create_task(reply("slow", 0.3))]
    await asyncio.sleep(0.01)
    assert observer.in_flight == 2
    assert await observer.drain(2) is True
    assert finished == ["fast", "slow"]
    assert observer.draining
    stuck = asyncio.create_task(reply("stuck", 10))
    await asyncio.sleep(0.01)
    assert await observer.drain(0.1) is False
    stuck.cancel()
    await asyncio.gather(*tasks, stuck, return_exceptions=True)


async def test_a_press_in_flight_is_waited_for_and_counted_once_with_its_outcome() -> None:
    from prometheus_client import REGISTRY

    def presses(outcome: str) -> float:
        labels = {"platform": "discord", "outcome": outcome}
        return REGISTRY.get_sample_value("casebrief_button_presses_total", labels) or 0.0

    observer = Observer(commands=["ruling"])
    page, expired = presses("page"), presses("expired")
    released = asyncio.Event()

    async def press() -> None:
        async with observer.pressing("discord") as pressed:
            pressed.command = "ruling"
            await released.wait()

    task = asyncio.create_task(press())
    await asyncio.sleep(0.01)
    assert observer.in_flight == 1
    draining = asyncio.create_task(observer.drain(2))
    await asyncio.sleep(0.01)
    assert not draining.done()  # a graceful stop waits for the page owed
    released.set()
    assert await draining is True
    await task
    assert observer.in_flight == 0
    assert presses("page") == page + 1
    with pytest.raises(RuntimeError, match="lost"):
        async with observer.pressing("discord"):
            raise RuntimeError("lost")  # noqa: EM101 - the error itself is the point
    assert observer.in_flight == 0
    assert presses("expired") == expired + 1


class Broken:
    """A component whose failure's cause names a path (issue 16: /readyz published it)."""

    name = "database"

    async def readiness(self) -> Readiness:
        return Readiness(
            ready=False,
            detail={"reachable": False},
            reason="database unreachable",
            cause="SQLite database /srv/private-folder/brief.sqlite3 is read-only",
        )


async def test_the_public_listener_gives_reasons_and_the_operator_one_causes_and_metrics(
    session: aiohttp.ClientSession,
) -> None:
    from bot.service.http import build_ops_app

    public = HttpServer(build_http_app([Broken()], Observer(), metrics=False), "127.0.0.1", 0)
    operator = HttpServer(build_ops_app([Broken()], Observer()), "127.0.0.1", 0, name="operator")
    await public.start()
    await operator.start()
    try:
        status, body = await get(session, public, "/readyz")
        assert status == 503
        assert body["components"]["database"] == {
            "ready": False,
            "reason": "database unreachable",
            "reachable": False,
        }
        status, body = await get(session, operator, "/readyz")
        assert body["components"]["database"]["cause"].startswith("SQLite database /srv/private")
        async with session.get(f"http://127.0.0.1:{public.port}/metrics") as resp:
            assert resp.status == 404
        async with session.get(f"http://127.0.0.1:{operator.port}/metrics") as resp:
            assert resp.status == 200
            assert "casebrief_http_connections" in await resp.text()
    finally:
        await public.stop()
        await operator.stop()
