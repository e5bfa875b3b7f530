"""Storage: claims per second and due() latency with 10,000 subscriptions, SQLite and PostgreSQL.

Each backend's baseline is its own bare round trip (``SELECT 1`` through the same worker thread
or connection pool as every store call), measured in the same run, so the figures show what the
queries cost beyond getting to the database and back. PostgreSQL is the server at
TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test), in a schema made and
dropped by this script; it is left out, with a note, when none answers.

Usage: python benchmarks/bench_storage.py [--subscriptions 10000] [--claims 500]
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import fmt, machine, percentiles
from bot.storage.base import RecapStore, StorageError
from bot.storage.connect import open_store
from bot.storage.sqlite import SQLiteStore

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


async def timed(call: Callable[[], Awaitable[object]], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


async def bare_round_trip(store: RecapStore) -> None:
    """SELECT 1 the way the store reaches its database (PostgreSQL's ping() is exactly that)."""
    if isinstance(store, SQLiteStore):
        # Through its worker thread and connection: the baseline is what the store pays.
        await store._run(lambda db: db.execute("SELECT 1").fetchone())  # noqa: SLF001
    else:
        await store.ping()


async def measure(name: str, store: RecapStore, subscriptions: int, claims: int) -> list[str]:
    # Every tenth subscription is due (the scheduler's typical "a minute's worth" is far smaller).
    declared = [
        (
            ("slack", f"T{i % 50}", f"C{i:05}", "daily", "09:00", "UTC"),
            NOW - timedelta(minutes=i % 10) if i % 10 == 0 else NOW + timedelta(minutes=i),
        )
        for i in range(subscriptions)
    ]
    start = time.perf_counter()
    await store.sync_declared(declared, NOW)
    loaded = time.perf_counter() - start
    ids = [s.id for s in await store.subscriptions()]

    ping = percentiles(await timed(lambda: bare_round_trip(store), 300))
    due = percentiles(await timed(lambda: store.due(NOW, limit=1000), 50))
    quiet = percentiles(
        await timed(lambda: store.due(NOW - timedelta(hours=1)), 200)
    )  # the usual wake-up
    due_count = len(await store.due(NOW, limit=10_000))
    earliest = percentiles(await timed(store.earliest_due, 200))

    lease = NOW + timedelta(minutes=5)
    start = time.perf_counter()
    for sub in ids[:claims]:
        await store.claim(sub, NOW, "bench", NOW, lease)
    sequential = claims / (time.perf_counter() - start)

    slot = NOW + timedelta(days=1)  # contended: 4 claimers race for every slot, one wins each
    start = time.perf_counter()
    won = await asyncio.gather(
        *(store.claim(sub, slot, f"c{n}", NOW, lease) for sub in ids[:claims] for n in range(4))
    )
    contended = claims / (time.perf_counter() - start)
    assert sum(won) == claims, "exactly one winner per slot"

    listing = percentiles(await timed(lambda: store.last_deliveries(ids[:10]), 100))
    return [
        f"{name}: {subscriptions} subscriptions loaded in {loaded:.2f} s ({due_count} due)",
        f"{name}: baseline SELECT 1 round trip {fmt(ping)}",
        (
            f"{name}: due() returning 1,000 of them {fmt(due)}  p50/ping-p50 "
            f"{due['p50'] / ping['p50']:.1f}x"
        ),
        (
            f"{name}: due() returning none {fmt(quiet)}  p50/ping-p50 "
            f"{quiet['p50'] / ping['p50']:.1f}x"
        ),
        f"{name}: earliest_due() {fmt(earliest)}",
        (
            f"{name}: claims/s sequential {sequential:.0f} ({1000 / sequential:.2f} ms each, "
            f"{1000 / sequential / ping['p50']:.1f}x ping); 4-way contended {contended:.0f} slots/s"
        ),
        f"{name}: last_deliveries(10 ids) (/recap list) {fmt(listing)}",
    ]


async def main(subscriptions: int, claims: int) -> None:
    print(f"machine: {machine()}")
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as directory:
        store = await open_store(f"sqlite:///{Path(directory) / 'bench.sqlite3'}")
        try:
            lines += await measure("sqlite", store, subscriptions, claims)
        finally:
            await store.close()

    base = os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(base, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f"CREATE SCHEMA {schema}")
    except psycopg.Error as error:
        lines.append(f"postgresql: left out, no server at {base}: {str(error).splitlines()[0]}")
    else:
        try:
            store = await open_store(
                f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
            )
            try:
                lines += await measure("postgresql", store, subscriptions, claims)
            finally:
                await store.close()
        except StorageError as error:
            lines.append(f"postgresql: {error}")
        finally:
            with psycopg.connect(base, autocommit=True) as admin:
                admin.execute(f"DROP SCHEMA {schema} CASCADE")
    print("\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--claims", type=int, default=500)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.subscriptions, arguments.claims))
