"""Faults give StorageError with one line saying what is wrong and what to do, never a password,
and waiting on a locked database never blocks the event loop.
"""

import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from bot.storage.base import StorageError
from bot.storage.connect import open_store
from bot.storage.sqlite import SQLiteStore
from tests.hermetic import outside_checkout
from tests.storage.conftest import with_search_path
from tests.storage.workers import NOW, SLOT

WORKERS = Path(__file__).with_name("workers.py")
NOBODY = 65534


def one_line(error: BaseException) -> str:
    text = str(error)
    assert "\n" not in text
    assert "Traceback" not in text
    return text


# --- SQLite --------------------------------------------------------------------------------
async def test_a_file_that_is_not_a_database_is_refused_at_open(tmp_path: Path) -> None:
    (tmp_path / "db.sqlite3").write_bytes(b"this is a text file, not a database\n" * 100)
    with pytest.raises(StorageError) as caught:
        await open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert "is not a SQLite database; move it away" in one_line(caught.value)


async def test_a_corrupt_database_gives_a_storage_error_naming_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = await open_store(f"sqlite:///{path}")
    await store.sync_declared(
        [(("slack", "T", f"C{i}", "daily", "09:00", "UTC"), SLOT) for i in range(500)], NOW
    )
    await store.close()
    data = bytearray(path.read_bytes())
    data[120:] = os.urandom(len(data) - 120)  # the header survives; the pages do not
    path.write_bytes(bytes(data))
    with pytest.raises(StorageError) as caught:  # noqa: PT012 - opening or the first query
        store = await open_store(f"sqlite:///{path}")
        try:
            await store.subscriptions()
        finally:
            await store.close()
    assert "is corrupt or not a SQLite database: restore it from a backup" in one_line(caught.value)


async def test_a_raw_backend_on_a_garbage_file_maps_sqlites_error(tmp_path: Path) -> None:
    (tmp_path / "db.sqlite3").write_bytes(b"\x00garbage" * 1000)
    store = SQLiteStore(tmp_path / "db.sqlite3")
    with pytest.raises(StorageError, match="corrupt or not a SQLite database"):
        await store.migrate()
    await store.close()


async def test_a_database_locked_too_long_is_reported_without_blocking_the_loop(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite3"
    store = await open_store(f"sqlite:///{path}", timeout=3.0)
    (sub, _) = await store.add_subscription(
        "slack", "T", "C1", "daily", "09:00", "UTC", next_due=SLOT, now=NOW
    )
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # e.g. an sqlite3 shell left in a transaction
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    started = time.monotonic()
    try:
        claiming = asyncio.create_task(store.claim(sub.id, SLOT, "me", NOW, NOW))
        await asyncio.sleep(0.2)
        read_started = time.monotonic()
        assert await store.subscriptions() != []  # reads go on, not queued behind the waiting write
        assert time.monotonic() - read_started < 1.5
        assert not claiming.done()
        with pytest.raises(StorageError) as caught:
            await claiming
        waited = time.monotonic() - started
    finally:
        ticker.cancel()
        holder.execute("ROLLBACK")
        holder.close()
    assert "stayed locked by another process for more than 3 s: stop whatever holds it" in one_line(
        caught.value
    )
    assert waited >= 2.9
    assert ticks >= waited / 0.01 / 5
    assert await store.claim(sub.id, SLOT, "me", NOW, NOW)  # released: works again, nothing lost
    await store.close()


async def test_opening_a_database_locked_too_long_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    await (await open_store(f"sqlite:///{path}")).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError, match="stayed locked by another process"):
            await open_store(f"sqlite:///{path}", timeout=0.5)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


async def test_a_full_disk_is_reported_with_what_to_do(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert isinstance(store, SQLiteStore)
    # SQLite's own size cap stands in for a full disk: the same SQLITE_FULL from the same writes.
    await store._write(
        lambda db: db.execute("PRAGMA max_page_count = 12")
    )  # on the writing connection
    with pytest.raises(StorageError) as caught:
        await store.sync_declared(
            [(("slack", "T", f"C{i:05}", "daily", "09:00", "UTC"), SLOT) for i in range(5000)], NOW
        )
    assert "the disk is full: free space on its disk" in one_line(caught.value)
    await store._write(lambda db: db.execute("PRAGMA max_page_count = 1000000"))  # space freed
    assert (
        await store.add_subscription(
            "slack", "T", "C1", "daily", "09:00", "UTC", next_due=SLOT, now=NOW
        )
    )[1]
    assert len(await store.subscriptions()) == 1  # the failed sync left nothing half done
    await store.close()


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory another user can enter (pytest's tmp_path is private to its owner)."""
    path = Path(tempfile.mkdtemp(prefix="storage-test-"))
    path.chmod(0o755)
    yield path
    for item in [path, *path.rglob("*")]:
        item.chmod(0o755 if item.is_dir() else 0o644)
    shutil.rmtree(path)


def as_unprivileged(*args: str) -> object:
    """Run a worker as an ordinary user: root writes read-only files, so it cannot show the
    fault.
    """
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")  # util-linux: drops to nobody, then runs the worker
        if setpriv is None:
            pytest.skip("running as root needs setpriv (util-linux) to test as an ordinary user")
        prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    with tempfile.TemporaryDirectory(prefix="storage-test-cwd-") as scratch:
        Path(scratch).chmod(0o755)  # the worker's user must be able to enter it
        done = subprocess.run(
            [*prefix, sys.executable, str(WORKERS), *args],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=outside_checkout(Path(scratch)),
            check=False,
        )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_read_only_database_file_is_refused_at_open(shared_dir: Path) -> None:
    path = shared_dir / "db.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    path.chmod(0o444)
    url = f"sqlite:///{path}"
    assert (
        as_unprivileged("check", url)
        == f"{path} is read-only for this user; allow writing it or choose another path"
    )
    assert as_unprivileged("open", url) == {
        "error": (
            f"SQLite database {url}: {path} is read-only for this user; allow writing it or choose "
            f"another path"
        )
    }
    raw = as_unprivileged("open-raw", str(path))
    assert isinstance(raw, dict)
    assert f"SQLite database {url} is read-only: give the bot's user write access" in raw["error"]


def test_a_database_in_a_read_only_directory_is_refused_and_nothing_is_created(
    shared_dir: Path,
) -> None:
    locked = shared_dir / "locked"
    locked.mkdir(mode=0o555)
    locked.chmod(0o555)
    url = f"sqlite:///{locked / 'sub' / 'db.sqlite3'}"
    assert (
        as_unprivileged("check", url)
        == f"cannot create {locked / 'sub' / 'db.sqlite3'}: {locked} is not writable for this user"
    )
    assert as_unprivileged("open", url) == {
        "error": f"SQLite database {url}: cannot create "
        f"{locked / 'sub' / 'db.sqlite3'}: {locked} is not writable for this user"
    }
    raw = as_unprivileged("open-raw", str(locked / "db.sqlite3"))
    assert isinstance(raw, dict)
    assert "SQLite database" in raw["error"]
    assert "\n" not in raw["error"]
    assert list(locked.iterdir()) == []


# --- PostgreSQL ----------------------------------------------------------------------------
async def test_an_unreachable_server_is_one_line_without_the_password() -> None:
    url = "postgresql://bot:S3cr%40t-pw@127.0.0.1:9/cases?password=An0ther-pw"
    with pytest.raises(StorageError) as caught:
        await open_store(url, timeout=2)
    text = one_line(caught.value)
    assert text.startswith(
        "cannot reach PostgreSQL at postgresql://bot:***@127.0.0.1:9/cases?password=***"
    )
    assert "check that the server runs" in text
    printed = "".join(traceback.format_exception(caught.value))
    for secret in ("S3cr", "S3cr@t-pw", "An0ther"):
        assert secret not in printed


async def test_a_missing_database_is_named(postgres_url: str) -> None:
    base = postgres_url.rsplit("/", 1)[0]
    with pytest.raises(StorageError, match='database "no_such_db_here" does not exist'):
        await open_store(f"{base}/no_such_db_here", timeout=2)


async def test_a_read_only_server_is_named(
    fresh_postgres: Callable[[], str], postgres_url: str
) -> None:
    url = fresh_postgres()
    schema = url.rsplit("%3D", 1)[1]
    read_only = (
        f"{postgres_url}{'&' if '?' in postgres_url else '?'}options=-csearch_path%3D{schema}"
        "%20-cdefault_transaction_read_only%3Don"
    )
    with pytest.raises(
        StorageError, match="is read-only \\(a standby\\?\\): point DATABASE_URL at the primary"
    ):
        await open_store(read_only)


async def test_a_lock_held_too_long_is_reported(fresh_postgres: Callable[[], str]) -> None:
    url = fresh_postgres()
    store = await open_store(url, timeout=0.5)
    sub, _ = await store.add_subscription(
        "slack", "T", "C1", "daily", "09:00", "UTC", next_due=SLOT, now=NOW
    )
    with psycopg.connect(url) as holder:  # a transaction left open by someone's psql
        holder.execute("LOCK TABLE deliveries IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(StorageError) as caught:
            await store.claim(sub.id, SLOT, "me", NOW, NOW)
    assert "waited more than 0.5 s for a lock held by another session" in one_line(caught.value)
    assert await store.claim(sub.id, SLOT, "me", NOW, NOW)
    await store.close()


async def test_a_dropped_connection_heals_without_a_restart(
    fresh_postgres: Callable[[], str],
) -> None:
    name = f"heal-{uuid.uuid4().hex[:8]}"
    url = f"{fresh_postgres()}&application_name={name}"
    store = await open_store(url)
    with psycopg.connect(url, autocommit=True) as admin:  # as a server restart or a failover would
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchone()
    assert killed is not None
    assert killed[0] >= 1
    await store.ping()
    assert await store.subscriptions() == []
    await store.close()


def test_search_path_helper_keeps_other_parameters() -> None:
    assert with_search_path("postgresql://h/db?sslmode=disable", "s") == (
        "postgresql://h/db?sslmode=disable&options=-csearch_path%3Ds"
    )


async def test_a_password_in_the_url_never_shows_in_errors(
    fresh_postgres: Callable[[], str],
) -> None:
    url = fresh_postgres().replace(
        "://postgres@", "://postgres:Pa55-w0rd@"
    )  # trust auth ignores it
    assert "Pa55" in url
    store = await open_store(url, timeout=0.5)
    assert store.url_for_logs.startswith("postgresql://postgres:***@")
    assert "Pa55" not in store.url_for_logs
    sub, _ = await store.add_subscription(
        "slack", "T", "C1", "daily", "09:00", "UTC", next_due=SLOT, now=NOW
    )
    with psycopg.connect(url) as holder:
        holder.execute("LOCK TABLE deliveries IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(StorageError) as locked:
            await store.claim(sub.id, SLOT, "me", NOW, NOW)
    await store.close()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("INSERT INTO schema_version (version) VALUES (99)")
    with pytest.raises(StorageError) as newer:
        await open_store(url)
    for error in (locked.value, newer.value):
        printed = "".join(traceback.format_exception(error))
        assert "postgres:***@" in str(error)
        assert "Pa55" not in printed


async def test_a_sqlite_file_deleted_or_replaced_under_the_store_fails_its_ping(
    tmp_path: Path,
) -> None:
    from bot.storage.connect import open_store

    path = tmp_path / "db.sqlite3"
    store = await open_store(f"sqlite:///{path}")
    try:
        await store.ping()
        path.unlink()
        with pytest.raises(StorageError, match="was deleted"):
            await store.ping()
        path.write_bytes(b"")
        with pytest.raises(StorageError, match="was replaced"):
            await store.ping()
    finally:
        await store.close()
