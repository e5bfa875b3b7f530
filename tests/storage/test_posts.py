"""The posts record and the corrections ledger (issue 18c), on SQLite and PostgreSQL alike."""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage import migrations
from bot.storage.base import PostRecord, RecapStore
from bot.storage.connect import open_store

NOW = datetime(2026, 12, 9, 12, tzinfo=UTC)
LEASE = NOW + timedelta(minutes=5)


async def post(
    store: RecapStore,
    message_id: str,
    claims: tuple[str, ...] = ("ruling-42695",),
    *,
    channel: str = "C1",
    version: int | None = 1,
    reply: str = '{"title": "Recap"}',
    kind: str = "recap",
) -> int:
    return await store.record_post(
        PostRecord("slack", "T1", channel, message_id, kind, version, "en", claims, reply, NOW)
    )


async def test_a_post_is_recorded_once_with_the_claims_it_showed(store: RecapStore) -> None:
    first = await post(store, "1.0001", ("ruling-42695", "numbers-47000"))
    assert await post(store, "1.0001") == first  # recorded again: the same post
    found = await store.post(first)
    assert found is not None
    assert (found.platform, found.workspace, found.channel, found.message_id) == (
        "slack",
        "T1",
        "C1",
        "1.0001",
    )
    assert (found.kind, found.version, found.lang, found.posted_at) == ("recap", 1, "en", NOW)
    assert found.claims == ("numbers-47000", "ruling-42695")
    assert found.reply == '{"title": "Recap"}'
    assert await store.post(first + 1000) is None


async def test_posts_to_correct_showed_the_claim_an_older_version_and_have_no_row(
    store: RecapStore,
) -> None:
    shown = await post(store, "1", ("a", "b"))
    unversioned = await post(store, "2", ("b",), version=None)
    await post(store, "3", ("c",))  # another claim
    await post(store, "4", ("b",), version=2)  # already shows version 2
    dealt_with = await post(store, "5", ("b",))
    assert await store.claim_correction(dealt_with, 2, "a", NOW, LEASE)
    found = await store.posts_to_correct(["b"], 2)
    assert [p.id for p in found] == [shown, unversioned]
    assert await store.posts_to_correct([], 2) == []
    assert len(await store.posts_to_correct(["a", "b", "c"], 3)) == 5
    await store.release_correction(dealt_with, 2)  # its channel paused: to do again
    assert len(await store.posts_to_correct(["b"], 2)) == 3


async def test_posts_to_correct_takes_every_claim_key_however_many(store: RecapStore) -> None:
    many = [f"claim-{n:04d}" for n in range(1200)]  # past SQLite's 999 bound variables
    last = await post(store, "1", (many[-1],))
    assert [p.id for p in await store.posts_to_correct(many, 2)] == [last]


async def test_a_fanout_of_posts_shares_one_stored_reply(store: RecapStore) -> None:
    ids = [await post(store, str(n), channel=f"C{n}", reply='{"big": 1}') for n in range(3)]
    await store.update_post(ids[0], 2, '{"big": 2}')
    edited, kept = await store.post(ids[0]), await store.post(ids[1])
    assert edited is not None
    assert kept is not None
    assert (edited.version, edited.reply) == (2, '{"big": 2}')
    assert (kept.version, kept.reply) == (1, '{"big": 1}')
    await store.update_post(ids[0], 1, '{"older": 1}')  # never back to an older version
    again = await store.post(ids[0])
    assert again is not None
    assert again.version == 2


async def test_one_claim_per_post_and_version_wins_and_moves_on(store: RecapStore) -> None:
    post_id = await post(store, "1")
    assert await store.claim_correction(post_id, 2, "a", NOW, LEASE)
    assert not await store.claim_correction(post_id, 2, "b", NOW, LEASE)
    assert await store.claim_correction(post_id, 3, "b", NOW, LEASE)  # another version
    await store.set_correction(post_id, 2, "edited", NOW)
    (edited, other) = await store.post_corrections()
    assert (edited.status, edited.finished_at, other.status) == ("edited", None, "claimed")
    await store.set_correction(post_id, 2, "done", NOW, "edited and answered")
    (done,) = await store.post_corrections(version=2)
    assert (done.status, done.finished_at, done.detail) == ("done", NOW, "edited and answered")
    with pytest.raises(ValueError, match="correction"):
        await store.set_correction(post_id, 2, "claimed", NOW)


async def test_expired_corrections_are_taken_over_once_and_renewed_by_their_owner(
    store: RecapStore,
) -> None:
    first, second, finished = [await post(store, str(n)) for n in range(3)]
    for post_id in (first, second, finished):
        assert await store.claim_correction(post_id, 2, "dead", NOW, LEASE)
    await store.set_correction(second, 2, "edited", NOW)  # its thread reply is owed
    await store.set_correction(finished, 2, "done", NOW)
    later = LEASE + timedelta(seconds=1)
    assert await store.take_over_corrections("alive", NOW, LEASE) == []  # not expired yet
    taken = await store.take_over_corrections("alive", later, later + timedelta(minutes=5))
    assert [(c.post_id, c.status, c.claimed_by) for c in taken] == [
        (first, "claimed", "alive"),
        (second, "edited", "alive"),
    ]
    assert taken[0].claimed_at == NOW  # kept: the message is checked from then on
    assert await store.take_over_corrections("third", later, later) == []
    assert await store.renew_correction_leases("alive", later + timedelta(hours=1)) == 2


async def test_skipped_corrections_are_listed_with_their_posts(store: RecapStore) -> None:
    deleted, old = await post(store, "1"), await post(store, "2", channel="C2")
    assert await store.record_correction(deleted, 2, "skipped", "a", NOW, "message deleted")
    assert not await store.record_correction(deleted, 2, "skipped", "b", NOW, "again")
    assert await store.record_correction(old, 2, "skipped", "a", NOW, "older than 90 days")
    listed = await store.skipped_corrections()
    assert {(c.detail, p.channel) for c, p in listed} == {
        ("message deleted", "C1"),
        ("older than 90 days", "C2"),
    }


async def test_corrections_pause_per_channel(store: RecapStore) -> None:
    assert await store.pause_corrections("slack", "C1", "cant_update_message", NOW)
    assert not await store.pause_corrections("slack", "C1", "again", NOW)  # logged once
    assert await store.correction_pauses() == {("slack", "C1"): ("cant_update_message", NOW)}
    assert await store.resume_corrections("slack", "C1")
    assert not await store.resume_corrections("slack", "C1")
    assert await store.correction_pauses() == {}


async def test_migration_8_upgrades_a_database_of_schema_6(tmp_path: Path) -> None:
    """A database made before posts were recorded gets the tables, its rows untouched."""
    path = tmp_path / "old.sqlite3"
    old = [m for m in migrations.MIGRATIONS if m.version < 8]
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)")
        for migration in old:
            for statement in migration.statements("sqlite"):
                db.execute(statement)
            db.execute("INSERT INTO schema_migrations VALUES (?)", (migration.version,))
        db.execute(f"PRAGMA user_version = {old[-1].version}")
        db.execute(
            "INSERT INTO channel_state (platform, channel, told_at, snapshot)"
            " VALUES ('slack', 'C1', '2026-03-10T00:00:00Z', '{}')"
        )
    store = await open_store(f"sqlite:///{path}")
    try:
        assert await store.schema_version() == migrations.LATEST
        assert await store.told("slack", "C1") is not None
        assert await post(store, "1") > 0
    finally:
        await store.close()
