"""Exactly-once under contention: many claimers, several OS processes, takers of expired leases,
and instances migrating a fresh database at the same moment, on SQLite and PostgreSQL.
"""

import asyncio
import json
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.storage import migrations
from bot.storage.base import RecapStore
from bot.storage.connect import open_store
from tests.hermetic import outside_checkout
from tests.storage.workers import NOW, SLOT

WORKERS = Path(__file__).with_name("workers.py")
LEASE = NOW + timedelta(minutes=5)


def run_processes(*commands: list[str], timeout: float = 120) -> list[Any]:
    """Start every command at once; each prints one JSON line."""
    running = [
        subprocess.Popen(
            [sys.executable, str(WORKERS), *command],
            cwd=outside_checkout(Path.cwd()),  # the test's temporary folder
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    results = []
    for process in running:
        out, err = process.communicate(timeout=timeout)
        assert process.returncode == 0, err
        results.append(json.loads(out))
    return results


async def subscriptions(store: RecapStore, count: int) -> list[int]:
    await store.sync_declared(
        [(("slack", "T1", f"C{i}", "daily", "14:00", "UTC"), SLOT) for i in range(count)], NOW
    )
    return [s.id for s in await store.subscriptions()]


async def test_many_concurrent_claimers_leave_exactly_one_winner_per_slot(
    store: RecapStore, store_url: str
) -> None:
    ids = await subscriptions(store, 20)
    claimers = [await open_store(store_url) for _ in range(6)]
    try:
        won = await asyncio.gather(
            *(
                c.claim(i, SLOT, f"owner-{n}", NOW, LEASE)
                for i in ids
                for n, c in enumerate(claimers)
            )
        )
    finally:
        for claimer in claimers:
            await claimer.close()
    assert sum(won) == len(ids)
    owners = {d.subscription_id: d.claimed_by for d in await store.open_claims()}
    assert sorted(owners) == ids


async def test_processes_racing_for_the_same_slots_each_win_different_ones(
    store: RecapStore, store_url: str
) -> None:
    ids = await subscriptions(store, 40)
    start = str(time.time() + 3)
    results = run_processes(
        *[["claim", store_url, start, f"process-{n}", ",".join(map(str, ids))] for n in range(3)]
    )
    wins = Counter(i for won in results for i in won)
    assert sorted(wins) == ids
    assert set(wins.values()) == {1}
    owners = {d.subscription_id: d.claimed_by for d in await store.open_claims()}
    assert {i: f"process-{n}" for n, won in enumerate(results) for i in won} == owners


async def test_a_renewed_lease_is_not_taken_over(store: RecapStore) -> None:
    (sub,) = await subscriptions(store, 1)
    assert await store.claim(sub, SLOT, "alive", NOW, LEASE)
    assert await store.renew_leases("alive", LEASE + timedelta(minutes=5)) == 1
    assert (
        await store.take_over_expired(
            "taker", LEASE + timedelta(minutes=1), LEASE + timedelta(hours=1)
        )
        == []
    )
    assert await store.renew_leases("taker", LEASE + timedelta(hours=1)) == 0


async def test_concurrent_takers_of_expired_claims_take_each_exactly_once(
    store: RecapStore, store_url: str
) -> None:
    ids = await subscriptions(store, 30)
    for sub in ids:
        assert await store.claim(sub, SLOT, "dead", NOW, LEASE)
    takers = [await open_store(store_url) for _ in range(5)]
    later = LEASE + timedelta(minutes=1)
    try:
        taken = await asyncio.gather(
            *(
                t.take_over_expired(f"taker-{n}", later, later + timedelta(hours=1), limit=7)
                for n, t in enumerate(takers)
                for _ in range(2)
            )
        )
    finally:
        for taker in takers:
            await taker.close()
    counts = Counter(d.subscription_id for batch in taken for d in batch)
    assert sorted(counts) == ids
    assert set(counts.values()) == {1}
    owners = {d.subscription_id: d.claimed_by for d in await store.open_claims()}
    assert owners == {d.subscription_id: d.claimed_by for batch in taken for d in batch}


async def test_processes_taking_over_at_once_take_each_claim_once(
    store: RecapStore, store_url: str
) -> None:
    ids = await subscriptions(store, 40)
    for sub in ids:
        assert await store.claim(sub, SLOT, "dead", NOW, LEASE)
    start = str(time.time() + 3)
    results = run_processes(*[["take-over", store_url, start, f"process-{n}"] for n in range(3)])
    counts = Counter(i for taken in results for i in taken)
    assert sorted(counts) == ids
    assert set(counts.values()) == {1}


def test_instances_starting_at_once_migrate_a_fresh_database_once(store_url: str) -> None:
    start = str(time.time() + 3)
    assert (
        run_processes(*[["migrate", store_url, start] for _ in range(4)]) == [migrations.LATEST] * 4
    )

    async def check() -> None:
        store = await open_store(store_url)
        try:
            assert await store.schema_version() == migrations.LATEST
            sub, _ = await store.add_subscription(
                "slack", "T1", "C1", "daily", "14:00", "UTC", next_due=SLOT, now=NOW
            )
            assert [s.id for s in await store.due(SLOT)] == [sub.id]
        finally:
            await store.close()

    asyncio.run(check())
