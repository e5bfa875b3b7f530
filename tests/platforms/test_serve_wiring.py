"""How ``serve_until_stopped`` wires recaps: one ``attach`` (each platform's poster and the
metrics) before anything starts, then a recap due goes out through the real Slack client
to FakeSlack and is counted on /metrics.
"""

import asyncio
import json
import socket
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

import aiohttp
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from bot.app import build_dispatcher
from bot.platforms.serve import serve_until_stopped
from bot.platforms.slack.poster import SlackPoster
from bot.settings import Settings
from tests.fakes.slack import FakeSlack
from tests.recaps.test_delivery import NINE_NY, subscribe

SENT = ("casebrief_recap_deliveries_total", (("outcome", "sent"),))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 20) -> None:
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def metrics(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/metrics") as resp,
    ):
        text = await resp.text()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_serve_attaches_posters_and_metrics_once_and_a_due_recap_is_posted_and_counted(
    settings: Settings,
) -> None:
    fake = await FakeSlack().start()
    port = free_port()
    served = settings.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-t"),
            "slack_signing_secret": SecretStr("s"),
            "slack_api_url": fake.api_url,
            "host": "127.0.0.1",
            "port": port,
        }
    )
    dispatcher = build_dispatcher(served, clock=lambda: NINE_NY + timedelta(minutes=1))
    service = dispatcher.services.recap_service
    assert service is not None
    assert dict(service.posters) == {}
    await service.ready()
    await subscribe(service, "slack", "C1")  # due at NINE_NY
    before = REGISTRY.get_sample_value(SENT[0], dict(SENT[1])) or 0.0  # counted process-wide
    stop = asyncio.Event()
    task = asyncio.create_task(serve_until_stopped(served, dispatcher, stop))
    try:

        async def posted() -> bool:
            return bool(fake.posts_by_channel())

        async def counted() -> bool:  # once the delivery is recorded
            return (await metrics(port)).get(SENT, 0.0) > before

        await eventually(posted)
        assert fake.posts_by_channel() == {"C1": 1}
        assert list(service.posters) == ["slack"]
        assert isinstance(service.posters["slack"], SlackPoster)
        await eventually(counted)
        assert (await metrics(port))[SENT] == before + 1
        with pytest.raises(RuntimeError, match="called once"):
            service.attach(posters={})
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 20) is None
        await fake.stop()


async def test_serve_records_each_content_reload_as_a_version_and_refuses_a_bad_correction(
    settings: Settings,
) -> None:
    """``run``: the content serving is version 1; an edit reloaded is version 2, told to the
    listeners; a correction on a claim that did not change is refused on reload and the last
    good content keeps serving; /changes and /readyz say so.
    """
    from bot.updates import history

    fake = await FakeSlack().start()
    port = free_port()
    served = settings.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-t"),
            "slack_signing_secret": SecretStr("s"),
            "slack_api_url": fake.api_url,
            "host": "127.0.0.1",
            "port": port,
            "content_reload_seconds": 0.1,
        }
    )
    dispatcher = build_dispatcher(served, clock=lambda: NINE_NY)
    service = dispatcher.services.recap_service
    assert service is not None
    store = await service.ready()
    numbers = served.summaries_dir / "numbers.md"
    stop = asyncio.Event()
    task = asyncio.create_task(serve_until_stopped(served, dispatcher, stop))

    async def recorded(number: int) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            latest = await history.latest(store)
            return latest is not None and latest.number == number

        return check

    async def get(path: str) -> str:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}{path}") as resp,
        ):
            return await resp.text()

    try:
        await eventually(await recorded(1))
        text = numbers.read_text(encoding="utf-8")
        bad = text.replace(
            "per The Epoch Times. {#numbers-13-pages}",
            "per The Epoch Times. {#numbers-13-pages}\n  ! Correction: It gave no source.",
        )
        good = dispatcher.store.current
        numbers.write_text(bad, encoding="utf-8")

        async def refused() -> bool:
            return bool(dispatcher.store.last_problems)

        await eventually(refused)
        assert "correction on a claim that did not change since version 1" in str(
            dispatcher.store.last_problems[0]
        )
        assert dispatcher.store.current is good
        content = json.loads(await get("/readyz"))["components"]["content"]
        assert (content["recorded_version"], content["version_pending"]) == (1, False)
        numbers.write_text(
            bad.replace(
                "per The Epoch Times. {#numbers-13", "per the Epoch Times report. {#numbers-13"
            ),
            encoding="utf-8",
        )
        await eventually(await recorded(2))

        async def counted() -> bool:
            return (await metrics(port)).get(("casebrief_content_version_recorded", ()), 0) == 2

        await eventually(counted)
        assert (await history.changes_since(store, 1))[0].corrections[0].key == "numbers-13-pages"

        async def shown() -> bool:
            return 'id="v2-numbers-13-pages"' in await get("/changes")

        await eventually(shown, within=10)
        assert 'href="changes#v2-numbers-13-pages"' in await get("/")
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 20) is None
        await fake.stop()
