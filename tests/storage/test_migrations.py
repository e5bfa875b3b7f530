"""One set of versioned migrations: a schema-1 file upgrades in place; a newer database is
refused.
"""

import sqlite3
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest

from bot.storage import migrations
from bot.storage.base import StorageError
from bot.storage.connect import open_store
from bot.storage.migrations import Migration

V1 = Path(__file__).with_name("schema_v1.sql")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def test_a_schema_1_file_from_the_first_store_upgrades_in_place_keeping_everything(
    tmp_path: Path,
) -> None:
    path = tmp_path / "case-brief.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(V1.read_text())
    store = await open_store(f"sqlite:///{path}")
    try:
        assert await store.schema_version() == migrations.LATEST
        chat, declared = await store.subscriptions()
        assert (chat.platform, chat.workspace, chat.channel, chat.timezone, chat.created_by) == (
            "slack",
            "",
            "C1",
            "Europe/Paris",
            "U1",
        )
        assert chat.next_due is None
        assert chat.created_at == utc("2026-03-01T08:00:00Z")
        assert (declared.origin, declared.paused_reason) == ("settings", "missing access")

        sent, open_claim = await store.deliveries()
        assert sent.status == "sent"
        assert sent.lease_until == sent.claimed_at
        assert open_claim.lease_until == utc("2026-03-10T08:00:01Z")  # ran out when it was made
        assert not await store.claim(
            1,
            utc("2026-03-10T08:00:00Z"),
            "new",
            utc("2026-03-11T00:00:00Z"),
            utc("2026-03-11T00:05:00Z"),
        )  # slots keep their identity
        (taken,) = await store.take_over_expired(
            "new", utc("2026-03-11T00:00:00Z"), utc("2026-03-11T00:05:00Z")
        )
        assert (taken.subscription_id, taken.claimed_by, taken.claimed_at) == (
            1,
            "new",
            open_claim.claimed_at,
        )
        assert await store.told("slack", "C1") == (
            utc("2026-03-09T08:00:02Z"),
            {"claims": ["ruling-1"]},
        )

        assert await store.advance(
            chat.id, None, utc("2026-03-11T08:00:00Z")
        )  # the scheduler fills it in
        assert [s.id for s in await store.due(utc("2026-03-11T08:00:00Z"))] == [chat.id]
    finally:
        await store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_a_database_newer_than_the_bot_is_refused_plainly(store_url: str) -> None:
    store = await open_store(store_url)
    try:
        if store_url.startswith("sqlite"):
            with sqlite3.connect(store_url.removeprefix("sqlite:///")) as db:
                db.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
        else:
            with psycopg.connect(store_url, autocommit=True) as db:
                db.execute(
                    "INSERT INTO schema_version (version) VALUES (%s)", (migrations.LATEST + 1,)
                )
    finally:
        await store.close()
    with pytest.raises(
        StorageError, match=rf"schema version {migrations.LATEST + 1}, newer than this bot's"
    ):
        await open_store(store_url)


def test_every_migration_reads_in_both_dialects_without_placeholders_left() -> None:
    # 1..N, but numbers promised to branches not landed yet (migrations.RESERVED)
    assert [m.version for m in migrations.MIGRATIONS] == [
        v
        for v in range(1, migrations.LATEST + 1)
        if v not in migrations.RESERVED or v in {m.version for m in migrations.MIGRATIONS}
    ]
    for migration in migrations.MIGRATIONS:
        for dialect in ("sqlite", "postgresql"):
            statements = migration.statements(dialect)
            assert statements
            assert not any("{" in s or "--" in s for s in statements)
    assert "INTEGER PRIMARY KEY" in migrations.MIGRATIONS[0].statements("sqlite")[0]
    assert "TIMESTAMPTZ" in migrations.MIGRATIONS[0].statements("postgresql")[0]


def test_an_unknown_placeholder_is_an_error_not_sql() -> None:
    with pytest.raises(ValueError, match=r"unknown placeholder \{JSON\}"):
        Migration(9, "0009_x.sql", "CREATE TABLE t (x {JSON});").statements("sqlite")


async def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(V1.read_text())
        db.execute(
            "CREATE INDEX subscriptions_due ON subscriptions (channel)"
        )  # makes migration 2 fail
    with pytest.raises(StorageError, match="already exists"):
        await open_store(f"sqlite:///{path}")
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        columns = [row[1] for row in db.execute("PRAGMA table_info(subscriptions)")]
        assert "next_due" not in columns
        assert "workspace" not in columns


async def test_content_versions_land_on_a_database_already_at_6_keeping_its_rows(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 4 (issue 18a) was reserved while databases went on to 6: it is applied to
    them on their next start, and what they held stays.
    """
    now = utc("2026-03-10T12:00:00+00:00")
    without_4 = tuple(m for m in migrations.MIGRATIONS if m.version != 4)
    monkeypatch.setattr(migrations, "MIGRATIONS", without_4)
    old = await open_store(store_url)
    try:
        await old.add_subscription(
            "slack", "T1", "C1", "daily", "09:00", "UTC", next_due=None, now=now
        )
        await old.set_user_language("slack", "T1", "U1", "es", now)
    finally:
        await old.close()
    monkeypatch.undo()
    store = await open_store(store_url)
    try:
        assert [s.channel for s in await store.subscriptions()] == ["C1"]
        assert await store.user_language("slack", "T1", "U1") == "es"
        assert await store.latest_content_version() is None
        number, created = await store.record_content_version(
            "h1", date(2026, 2, 28), '{"claims": [], "sources": []}', now
        )
        assert (number, created) == (1, True)
        stored = await store.latest_content_version()
        assert stored is not None
        assert (stored.number, stored.content_hash, stored.recorded_at) == (1, "h1", now)
        assert stored.as_of.isoformat() == "2026-02-28"
    finally:
        await store.close()
