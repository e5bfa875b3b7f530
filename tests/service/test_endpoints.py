"""The service's HTTP endpoints, with the real discord.py client against FakeDiscord."""

import asyncio
import logging
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bot.core.dispatch import Dispatcher
from bot.platforms.discord.runner import CaseBriefClient
from bot.platforms.serve import serve_until_stopped
from bot.settings import Settings
from tests.fakes.discord import FakeDiscord


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Service:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"

    async def get(self, path: str) -> tuple[int, Any]:
        async with (
            aiohttp.ClientSession() as session,
            session.get(self.base + path) as resp,
        ):
            body = (
                await resp.json() if resp.content_type == "application/json" else await resp.text()
            )
            return resp.status, body

    async def wait_for_status(self, path: str, status: int, within: float) -> tuple[float, Any]:
        started = time.monotonic()
        body: Any = None
        while time.monotonic() - started < within:
            try:
                got, body = await self.get(path)
                if got == status:
                    return time.monotonic() - started, body
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.2)
        msg = f"{path} never answered {status} within {within} s; last: {body}"
        raise AssertionError(msg)


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = await FakeDiscord().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def discord_service(
    settings: Settings,
    dispatcher: Dispatcher,
    fake_discord: FakeDiscord,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Service]:
    monkeypatch.setattr(CaseBriefClient, "identify_spacing", 0.0)
    port = free_port()
    served = settings.model_copy(
        update={
            "discord_token": SecretStr(fake_discord.token),
            "discord_api_url": fake_discord.api_url,
            "host": "127.0.0.1",
            "port": port,
        }
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve_until_stopped(served, dispatcher, stop))
    service = Service(port)
    await service.wait_for_status("/readyz", 200, 20)
    yield service
    stop.set()
    assert await asyncio.wait_for(task, 20) is None


async def test_healthz_answers(discord_service: Service) -> None:
    assert await discord_service.get("/healthz") == (200, {"ok": True})


async def test_readyz_names_every_component(discord_service: Service) -> None:
    status, body = await discord_service.get("/readyz")
    assert status == 200
    assert body["ready"] is True
    assert body["not_ready"] == []
    parts = body["components"]
    assert set(parts) == {"content", "database", "discord", "recaps"}
    assert parts["content"]["version"] == 1
    assert parts["content"]["as_of"] == "2026-02-28"
    assert parts["database"]["reachable"] is True
    assert parts["discord"]["shards"]["0"]["ready"] is True
    assert parts["recaps"]["alive"] is True


async def test_readyz_turns_503_when_the_gateway_drops_and_200_when_it_resumes(
    discord_service: Service,
    fake_discord: FakeDiscord,
) -> None:
    await fake_discord.drop_gateway()
    took, body = await discord_service.wait_for_status("/readyz", 503, 10)
    assert body["not_ready"] == ["discord"]
    assert body["components"]["discord"]["shards"]["0"]["ready"] is False
    assert took < 10
    fake_discord.restore_gateway()
    await discord_service.wait_for_status("/readyz", 200, 30)
    assert (await fake_discord.interact("numbers"))["data"]["embeds"][0]["title"] == "The numbers"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_metrics_count_commands_by_platform_command_and_outcome(
    discord_service: Service,
    fake_discord: FakeDiscord,
) -> None:
    ok = (
        "casebrief_commands_total",
        (("command", "numbers"), ("outcome", "ok"), ("platform", "discord")),
    )
    timed = ("casebrief_reply_seconds_count", (("command", "numbers"), ("platform", "discord")))
    _, before_text = await discord_service.get("/metrics")
    before = samples(before_text)
    for _ in range(3):
        await fake_discord.interact("numbers")
    await fake_discord.interact(
        "quote", {"words": "x"}
    )  # too short to quote: a usage error, not a crash
    status, text = await discord_service.get("/metrics")
    after = samples(text)
    assert status == 200
    assert after[ok] - before.get(ok, 0) == 3
    assert after[timed] - before.get(timed, 0) == 3
    assert any(
        name == "casebrief_commands_total" and dict(labels)["command"] == "quote"
        for name, labels in after
    )
    assert after[("casebrief_content_age_days", ())] >= 0
    assert any(name == "casebrief_build_info" for name, _ in after)
    assert any(name == "casebrief_event_loop_lag_seconds_count" for name, _ in after)
    assert "x" not in {value for _, labels in after for _, value in labels}  # never user text


async def test_the_web_pages_share_the_service_server(discord_service: Service) -> None:
    status, page = await discord_service.get("/")
    assert status == 200
    assert "<h1" in page
    assert "as of" in page.lower()
    status, page = await discord_service.get("/sources/epoch-times")
    assert status == 200
    assert "<mark" in page
    status, page = await discord_service.get(
        "/quote?q=" + "42,695 " * 2000
    )  # a long address is answered
    assert status == 200
    assert (await discord_service.get("/no-such-page"))[0] == 404
    assert (await discord_service.get("/healthz")) == (200, {"ok": True})


async def test_a_dropped_gateway_is_one_warning_line_not_a_traceback(
    discord_service: Service,
    fake_discord: FakeDiscord,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Issue 16: every reconnect attempt logged discord.py's traceback at ERROR."""
    caplog.set_level(logging.INFO)
    await fake_discord.drop_gateway()
    await discord_service.wait_for_status("/readyz", 503, 10)
    await asyncio.sleep(1.5)  # a reconnect attempt or two while the gateway is down
    fake_discord.restore_gateway()
    await discord_service.wait_for_status("/readyz", 200, 30)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    reconnects = [r.getMessage() for r in caplog.records if r.name.startswith("discord.")]
    reconnects = [m for m in reconnects if "reconnect" in m]
    assert reconnects
    assert all(m.startswith("Discord gateway: Attempting a reconnect") for m in reconnects)
    assert all("\n" not in m for m in reconnects)
