"""Run as separate OS processes by the storage tests: ``python workers.py ACTION URL [ARGS]``.

Each prints one JSON line. START is a wall-clock time to wait for, so that the processes race.
"""

import asyncio
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage.base import StorageError
from bot.storage.connect import open_store
from bot.storage.sqlite import SQLiteStore
from bot.storage.urls import check_database_url

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
SLOT = datetime(2026, 3, 10, 14, tzinfo=UTC)


def wait_until(start: float) -> None:
    time.sleep(max(0.0, start - time.time()))


async def migrate(url: str, start: float) -> object:
    wait_until(start)
    store = await open_store(url, timeout=30)
    try:
        return await store.schema_version()
    finally:
        await store.close()


async def claim(url: str, start: float, owner: str, subscription_ids: list[int]) -> object:
    store = await open_store(url, timeout=30)
    try:
        wait_until(start)
        won = await asyncio.gather(
            *(
                store.claim(i, SLOT, owner, NOW, NOW + timedelta(minutes=5))
                for i in subscription_ids
            )
        )
        return [i for i, ok in zip(subscription_ids, won, strict=True) if ok]
    finally:
        await store.close()


async def take_over(url: str, start: float, owner: str) -> object:
    store = await open_store(url, timeout=30)
    try:
        wait_until(start)
        taken = await store.take_over_expired(
            owner, NOW + timedelta(hours=1), NOW + timedelta(hours=2), limit=1000
        )
        return [d.subscription_id for d in taken]
    finally:
        await store.close()


async def open_only(url: str) -> object:
    try:
        store = await open_store(url, timeout=2)
    except StorageError as error:
        return {"error": str(error)}
    await store.close()
    return {"error": None}


async def open_raw(path: str) -> object:
    """The SQLite backend itself, past open_store's checks of the path: its own error mapping."""
    store = SQLiteStore(Path(path), busy_timeout=2)
    try:
        await store.migrate()
        await store.add_subscription(
            "slack", "T1", "C1", "daily", "09:00", "UTC", next_due=None, now=NOW
        )
    except StorageError as error:
        return {"error": str(error)}
    finally:
        await store.close()
    return {"error": None}


async def main(action: str, url: str, *args: str) -> object:
    if action == "migrate":
        return await migrate(url, float(args[0]))
    if action == "claim":
        return await claim(url, float(args[0]), args[1], [int(i) for i in args[2].split(",")])
    if action == "take-over":
        return await take_over(url, float(args[0]), args[1])
    if action == "open":
        return await open_only(url)
    if action == "open-raw":
        return await open_raw(url)
    if action == "check":
        return check_database_url(url)
    msg = f"unknown action {action}"
    raise SystemExit(msg)


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(*sys.argv[1:]))))
