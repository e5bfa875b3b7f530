"""The database check (bot/service/components.py) against PostgreSQL through a TCP proxy."""

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

import psycopg
import pytest

from bot.service import components
from bot.service.components import DatabaseComponent
from bot.storage.base import RecapStore
from bot.storage.connect import open_store
from tests.storage.conftest import (
    DEFAULT_URL,
    SKIP_REASON,
    STRICT,
    TEST_DATABASE_URL,
    with_search_path,
)
from tests.tcp_proxy import TcpProxy


@pytest.fixture
def schema_url() -> Iterator[str]:
    """A fresh schema on TEST_DATABASE_URL's server (as tests/storage/ makes them)."""
    if not STRICT:
        pytest.skip(SKIP_REASON)
    base = TEST_DATABASE_URL or DEFAULT_URL
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")  # made above, not user text
    yield with_search_path(base, schema)
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture
async def proxied(schema_url: str) -> AsyncIterator[tuple[RecapStore, TcpProxy]]:
    url = schema_url
    proxy = await TcpProxy(urlsplit(url).port or 5432).start()
    parts = urlsplit(url)
    store = await open_store(parts._replace(netloc=f"postgres@127.0.0.1:{proxy.port}").geturl())
    yield store, proxy
    await proxy.stop()  # cuts the hung connections, so the pool closes at once
    await store.close()


async def test_a_database_that_stops_answering_is_one_line_with_a_reason(
    proxied: tuple[RecapStore, TcpProxy],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A check that timed out logged "database check failed: ; recaps pause ..."."""
    store, proxy = proxied
    monkeypatch.setattr(components, "DATABASE_CHECK_SECONDS", 0.5)

    async def opened() -> RecapStore:
        return store

    check = DatabaseComponent(opened)
    watching = asyncio.create_task(check.watch())
    await asyncio.sleep(0.5)
    proxy.delay = 10.0  # every byte waits: the server hangs, its connections stay open
    for _ in range(100):  # the next check
        if [r for r in caplog.records if r.levelno >= logging.WARNING]:
            break
        await asyncio.sleep(0.1)
    started = asyncio.get_running_loop().time()
    readiness = await check.readiness()
    assert asyncio.get_running_loop().time() - started < 2  # /readyz does not wait for it
    watching.cancel()
    [failed] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    reason = failed.removeprefix("database check failed: ").split("; recaps pause")[0]
    # The pool lent no connection in time, or the connection lent did not answer in time.
    assert (
        reason.endswith(
            "gave no connection within 1 s (unreachable, or every connection busy)"
            ": check the server and the network"
        )
        or reason == "no answer within 1.5 s"
    ), reason
    assert readiness.reason == "database unreachable"
    assert readiness.cause
