"""Migration 3 and the batch methods of issue 21 on both backends: claims and next slots in
one transaction, outcomes in groups, claims given back or let lapse on a graceful stop, and
when a taken-over claim first ran out.
"""

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage import migrations
from bot.storage.base import PostRecord, RecapStore
from bot.storage.connect import open_store

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
SLOT = datetime(2026, 3, 10, 14, tzinfo=UTC)
NEXT = SLOT + timedelta(days=1)
LEASE = timedelta(seconds=30)


async def subscribe(store: RecapStore, channel: str) -> int:
    sub, _ = await store.add_subscription(
        "slack", "T1", channel, "daily", "09:00", "UTC", next_due=SLOT, now=NOW
    )
    return sub.id


async def test_a_batch_is_claimed_once_and_its_next_slots_move_in_one_go(
    store: RecapStore,
) -> None:
    ids = [await subscribe(store, f"C{i}") for i in range(5)]
    items = [(i, SLOT, NEXT) for i in ids]
    assert await store.claim_many(items, "a", NOW, NOW + LEASE) == set(ids)
    assert await store.claim_many(items, "b", NOW, NOW + LEASE) == set()  # one insert wins
    assert {s.next_due for s in await store.subscriptions()} == {NEXT}
    assert [(d.status, d.claimed_by) for d in await store.open_claims()] == [("claimed", "a")] * 5
    assert await store.due(SLOT) == []


async def test_a_batch_claims_only_the_slots_nobody_holds(store: RecapStore) -> None:
    first, second = await subscribe(store, "C1"), await subscribe(store, "C2")
    assert await store.claim(first, SLOT, "other", NOW, NOW + LEASE)
    claimed = await store.claim_many(
        [(first, SLOT, NEXT), (second, SLOT, NEXT)], "a", NOW, NOW + LEASE
    )
    assert claimed == {second}


async def test_outcomes_and_what_channels_were_told_are_written_together(
    store: RecapStore,
) -> None:
    ids = [await subscribe(store, f"C{i}") for i in range(3)]
    await store.claim_many([(i, SLOT, NEXT) for i in ids], "a", NOW, NOW + LEASE)
    snapshot = {"claims": ["one"], "as_of": "2026-03-10"}  # one object for the whole fan-out
    await store.record_outcomes(
        [
            (ids[0], SLOT, "sent", NOW, None),
            (ids[1], SLOT, "sent", NOW, None),
            (ids[2], SLOT, "failed", NOW, "channel_not_found"),
        ],
        [("slack", "C0", NOW, snapshot), ("slack", "C1", NOW, snapshot)],
    )
    assert [(d.status, d.detail) for d in await store.deliveries()] == [
        ("sent", None),
        ("sent", None),
        ("failed", "channel_not_found"),
    ]
    told = await store.told_many("slack", ["C0", "C1", "C2"])
    assert set(told) == {"C0", "C1"}
    assert told["C0"] == (NOW, snapshot)
    assert told["C0"][1] is told["C1"][1]  # parsed once, shared
    with pytest.raises(ValueError, match="a finished delivery is one of"):
        await store.record_outcomes([(ids[0], SLOT, "claimed", NOW, None)], [])


async def test_posts_are_recorded_with_their_outcomes_in_one_transaction(
    store: RecapStore,
) -> None:
    ids = [await subscribe(store, f"C{i}") for i in range(3)]
    await store.claim_many([(i, SLOT, NEXT) for i in ids], "a", NOW, NOW + LEASE)
    body = '{"title": "Recap"}'  # one Reply for the whole fan-out

    def recap(channel: str, ts: str, claims: tuple[str, ...] = ("a", "b")) -> PostRecord:
        return PostRecord("slack", "T1", channel, ts, "recap", 1, "en", claims, body, NOW)

    earlier = await store.record_post(recap("C1", "1.1", ("a",)))  # recovery recorded it
    await store.record_outcomes(
        [(i, SLOT, "sent", NOW, None) for i in ids],
        [],
        [recap("C0", "1.0"), recap("C1", "1.1"), recap("C2", "1.2"), recap("C2", "1.2")],
    )
    assert {d.status for d in await store.deliveries()} == {"sent"}
    found = sorted(await store.posts_to_correct(["a", "b"], 2), key=lambda p: p.channel)
    assert [(p.channel, p.message_id, p.claims) for p in found] == [
        ("C0", "1.0", ("a", "b")),
        ("C1", "1.1", ("a",)),  # recorded once: as it was first
        ("C2", "1.2", ("a", "b")),
    ]
    assert found[1].id == earlier
    assert {p.reply for p in found} == {body}
    # A group that cannot be written leaves its claims open and records none of its posts.
    more = await subscribe(store, "C9")
    await store.claim_many([(more, SLOT, NEXT)], "a", NOW, NOW + LEASE)
    with pytest.raises(ValueError, match="a finished delivery is one of"):
        await store.record_outcomes([(more, SLOT, "claimed", NOW, None)], [], [recap("C9", "9.9")])
    assert len(await store.posts_to_correct(["a"], 2)) == 3


async def test_a_snapshot_told_to_many_channels_is_stored_once(
    store: RecapStore, store_url: str
) -> None:
    ids = [await subscribe(store, f"C{i}") for i in range(3)]
    await store.claim_many([(i, SLOT, NEXT) for i in ids], "a", NOW, NOW + LEASE)
    snapshot = {"claims": ["x" * 1000]}
    await store.record_outcomes(
        [(i, SLOT, "sent", NOW, None) for i in ids],
        [("slack", f"C{i}", NOW, dict(snapshot)) for i in range(3)],  # equal, not the same
    )
    assert await stored_snapshots(store_url) == 1
    assert await store.told("slack", "C2") == (NOW, snapshot)
    # Written one at a time (remember_told), the snapshot is inline again and wins.
    await store.remember_told("slack", "C2", NEXT, {"claims": ["newer"]})
    assert await store.told("slack", "C2") == (NEXT, {"claims": ["newer"]})
    assert (await store.told_many("slack", ["C1", "C2"]))["C1"] == (NOW, snapshot)


async def stored_snapshots(store_url: str) -> int:
    if store_url.startswith("sqlite"):
        with sqlite3.connect(store_url.removeprefix("sqlite:///")) as db:
            return int(db.execute("SELECT count(*) FROM told_snapshots").fetchone()[0])
    import psycopg

    async with await psycopg.AsyncConnection.connect(store_url) as db:
        row = await (await db.execute("SELECT count(*) FROM told_snapshots")).fetchone()
        assert row is not None
        return int(row[0])


async def test_claims_never_attempted_are_given_back_and_posted_by_the_next_run(
    store: RecapStore,
) -> None:
    first, second = await subscribe(store, "C1"), await subscribe(store, "C2")
    await store.claim_many([(first, SLOT, NEXT), (second, SLOT, NEXT)], "a", NOW, NOW + LEASE)
    assert await store.release_claims("b", [(first, SLOT)]) == 0  # only the owner's
    assert await store.release_claims("a", [(first, SLOT)]) == 1
    assert [s.id for s in await store.due(SLOT)] == [first]  # due again, as it was
    assert [d.subscription_id for d in await store.open_claims()] == [second]
    assert await store.claim_many([(first, SLOT, NEXT)], "c", NOW, NOW + LEASE) == {first}


async def test_a_claim_that_may_have_landed_lapses_at_once_and_keeps_when_it_first_did(
    store: RecapStore,
) -> None:
    sub = await subscribe(store, "C1")
    await store.claim_many([(sub, SLOT, NEXT)], "a", NOW, NOW + LEASE)
    later = NOW + timedelta(seconds=5)
    assert await store.take_over_lapsed("b", later, later + LEASE) == []  # still held
    assert await store.expire_claims("a", [(sub, SLOT)], later) == 1
    ((taken, lapsed),) = await store.take_over_lapsed("b", later, later + LEASE)
    assert (taken.claimed_by, taken.claimed_at, lapsed) == ("b", NOW, later - timedelta(seconds=1))
    # b dies too: the next taker still counts from the first lapse.
    again = later + LEASE + timedelta(seconds=1)
    ((retaken, first_lapse),) = await store.take_over_lapsed("c", again, again + LEASE)
    assert (retaken.claimed_by, first_lapse) == ("c", lapsed)


async def test_a_sqlite_store_whose_file_was_replaced_refuses_every_write(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store.sqlite3"
    store = await open_store(f"sqlite:///{path}")
    try:
        assert store.still_current()
        path.rename(tmp_path / "moved.sqlite3")
        sqlite3.connect(path).close()  # another, empty file in its place
        assert not store.still_current()
        with pytest.raises(Exception, match="deleted or replaced"):
            await store.claim_many([], "a", NOW, NOW + LEASE)
    finally:
        await store.close()


async def test_migration_3_adds_lapsed_at_to_a_database_at_schema_2(tmp_path: Path) -> None:
    """A file migrated by a bot with migrations 1 and 2 only gets 3 (and 6) in place."""
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)")
        for migration in migrations.MIGRATIONS:
            if migration.version > 2:
                break
            for statement in migration.statements("sqlite"):
                db.execute(statement)
            db.execute("INSERT INTO schema_migrations VALUES (?)", (migration.version,))
        db.execute("PRAGMA user_version = 2")
        db.execute(
            "INSERT INTO subscriptions (platform, workspace, channel, frequency, time, timezone,"
            " origin, created_by, created_at, next_due) VALUES ('slack', 'T1', 'C1', 'daily',"
            " '09:00', 'UTC', 'chat', '', '2026-03-10T12:00:00Z', '2026-03-10T14:00:00Z')"
        )
        db.execute(
            "INSERT INTO deliveries (subscription_id, slot, status, claimed_by, claimed_at,"
            " lease_until) VALUES (1, '2026-03-10T14:00:00Z', 'claimed', 'old', "
            "'2026-03-10T12:00:00Z', '2026-03-10T12:00:30Z')"
        )
    store = await open_store(f"sqlite:///{path}")
    try:
        assert await store.schema_version() == migrations.LATEST
        ((taken, lapsed),) = await store.take_over_lapsed("new", NOW + LEASE * 2, NOW + LEASE * 3)
        assert (taken.claimed_by, lapsed) == ("new", NOW + LEASE)  # kept from before 3
    finally:
        await store.close()
