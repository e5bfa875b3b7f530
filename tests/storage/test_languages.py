"""Migration 6 (languages) on both backends: each person's chosen language, each
subscription's; and a number reserved for a branch not landed yet, which a database gets when
it lands even after it was migrated past it (shown with numbers above today's migrations, so
the test holds whatever is reserved).
"""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage import migrations
from bot.storage.base import RecapStore
from bot.storage.connect import open_store
from bot.storage.migrations import Migration

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


async def test_a_person_s_language_is_kept_changed_and_forgotten(store: RecapStore) -> None:
    assert await store.user_language("slack", "T1", "U1") is None
    await store.set_user_language("slack", "T1", "U1", "es", NOW)
    await store.set_user_language("slack", "T2", "U1", "en", NOW)  # another workspace
    assert await store.user_language("slack", "T1", "U1") == "es"
    assert await store.user_language("slack", "T2", "U1") == "en"
    assert await store.user_language("discord", "T1", "U1") is None
    await store.set_user_language("slack", "T1", "U1", "en", NOW)
    assert await store.user_language("slack", "T1", "U1") == "en"
    await store.set_user_language("slack", "T1", "U1", None, NOW)
    assert await store.user_language("slack", "T1", "U1") is None


async def test_a_subscription_s_language_defaults_to_english_and_can_change(
    store: RecapStore,
) -> None:
    sub, _ = await store.add_subscription(
        "slack", "T1", "C1", "daily", "09:00", "UTC", next_due=None, now=NOW
    )
    assert sub.lang == "en"
    assert await store.set_subscription_lang(sub.id, "es") is True
    assert await store.set_subscription_lang(sub.id, "es") is False  # already
    (listed,) = await store.subscriptions()
    assert listed.lang == "es"


async def test_declared_recaps_carry_their_language(store: RecapStore) -> None:
    spanish = ("slack", "T1", "C1", "daily", "09:00", "UTC", "es")
    english = ("slack", "T1", "C2", "daily", "09:00", "UTC")  # no 7th field: English
    await store.sync_declared([(spanish, None), (english, None)], NOW)
    assert {s.channel: s.lang for s in await store.subscriptions()} == {"C1": "es", "C2": "en"}
    await store.sync_declared([((*spanish[:6], "en"), None), (english, None)], NOW)
    assert {s.channel: s.lang for s in await store.subscriptions()} == {"C1": "en", "C2": "en"}


async def test_a_reserved_number_landing_later_is_applied_to_a_database_past_it(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database migrated past a number that was only reserved gets it when it lands."""
    reserved, above = migrations.LATEST + 1, migrations.LATEST + 2
    shipped = migrations.MIGRATIONS

    def ship(*extra: Migration) -> None:
        monkeypatch.setattr(migrations, "MIGRATIONS", (*shipped, *extra))
        monkeypatch.setattr(migrations, "LATEST", above)

    monkeypatch.setattr(migrations, "RESERVED", frozenset({reserved}))
    ship(Migration(above, f"{above:04d}_above.sql", "CREATE TABLE above (x TEXT);"))
    store = await open_store(store_url)  # migrated to `above`, `reserved` a gap
    await store.close()
    ship(
        Migration(
            reserved, f"{reserved:04d}_landed_later.sql", "CREATE TABLE landed_later (x TEXT);"
        ),
        Migration(above, f"{above:04d}_above.sql", "CREATE TABLE above (x TEXT);"),
    )
    again = await open_store(store_url)
    try:
        assert await again.schema_version() == above  # the highest is unchanged
        await again.set_user_language("slack", "T", "U", "es", NOW)  # 6 is still in place
    finally:
        await again.close()
    assert sorted(await applied_versions(store_url)) == [*range(1, above + 1)]


async def applied_versions(store_url: str) -> list[int]:
    """The migrations the database records, and the landed-later table is there to read."""
    if store_url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(store_url.removeprefix("sqlite:///")) as db:
            db.execute("SELECT x FROM landed_later").fetchall()
            return [row[0] for row in db.execute("SELECT version FROM schema_migrations")]
    import psycopg

    async with await psycopg.AsyncConnection.connect(store_url) as db:
        await db.execute("SELECT x FROM landed_later")
        cursor = await db.execute("SELECT version FROM schema_version")
        return [row[0] for row in await cursor.fetchall()]


def test_only_reserved_numbers_may_be_missing(tmp_path: Path) -> None:
    versions = [m.version for m in migrations.MIGRATIONS]
    assert versions == sorted(versions)
    assert set(range(1, migrations.LATEST + 1)) - set(versions) <= migrations.RESERVED
