"""Update posts in the store, on SQLite and PostgreSQL: the version each update subscription
was told of, moved forward by one claimer only (compare-and-set with the post's row, in one
transaction), leases renewed and taken over as recap claims are, and migration 7 landing on a
database that has subscriptions.
"""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.storage import migrations
from bot.storage.base import RecapStore
from bot.storage.connect import open_store
from bot.storage.updates import UPDATE_TIMEZONE, UPDATES

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=10)


async def follow(store: RecapStore, channel: str) -> int:
    sub, _ = await store.add_subscription(
        "slack", "T1", channel, UPDATES, "", UPDATE_TIMEZONE, next_due=None, now=NOW
    )
    return sub.id


async def test_an_update_subscription_is_due_from_the_version_it_started_at(
    store: RecapStore,
) -> None:
    first, second = await follow(store, "C1"), await follow(store, "C2")
    daily, _ = await store.add_subscription(
        "slack", "T1", "C3", "daily", "09:00", "UTC", next_due=NOW, now=NOW
    )
    assert [(s.id, told) for s, told in await store.updates_due(1)] == [
        (first, None),
        (second, None),
    ]
    assert await store.start_updates(first, 1)
    assert not await store.start_updates(first, 5)  # subscribing again keeps it
    assert await store.start_updates(second, 2)
    assert [(s.id, told) for s, told in await store.updates_due(2)] == [(first, 1)]
    assert await store.updates_due(1) == []
    assert [s.id for s in await store.due(NOW)] == [daily.id]  # never on the recaps' list
    await store.pause(first, "channel_not_found")
    assert await store.updates_due(3) == [((await store.subscriptions(channel="C2"))[0], 2)]


async def test_one_claimer_moves_the_told_version_and_claims_the_post(store: RecapStore) -> None:
    sub = await follow(store, "C1")
    await store.start_updates(sub, 1)
    claims = await asyncio.gather(
        *(store.claim_update(sub, 1, 3, f"owner-{n}", NOW, NOW + LEASE) for n in range(5))
    )
    assert sorted(claims) == [False] * 4 + [True]
    assert not await store.claim_update(sub, 1, 4, "late", NOW, NOW + LEASE)  # told 3 now
    assert [told for _, told in await store.updates_due(4)] == [3]
    (claim,) = await store.open_update_claims()
    assert (claim.version, claim.since_version, claim.status) == (3, 1, "claimed")
    await store.finish_update(sub, 3, "sent", NOW + timedelta(seconds=1))
    assert await store.open_update_claims() == []
    last = await store.last_update_deliveries([sub])
    assert (last[sub].version, last[sub].status) == (3, "sent")
    with pytest.raises(ValueError, match="finished delivery"):
        await store.finish_update(sub, 3, "claimed", NOW)


async def test_a_dead_owner_s_update_claims_are_taken_over_once_their_lease_ran_out(
    store: RecapStore,
) -> None:
    subs = [await follow(store, f"C{n}") for n in range(3)]
    for sub in subs:
        await store.start_updates(sub, 1)
        assert await store.claim_update(sub, 1, 2, "dead", NOW, NOW + LEASE)
    assert await store.renew_update_leases("alive", NOW + LEASE) == 0
    assert await store.take_over_expired_updates("taker", NOW + LEASE / 2, NOW + LEASE) == []
    assert await store.renew_update_leases("dead", NOW + LEASE) == 3
    later = NOW + LEASE + timedelta(seconds=1)
    takers = await asyncio.gather(
        *(store.take_over_expired_updates(f"t{n}", later, later + LEASE) for n in range(3))
    )
    taken = [c for found in takers for c in found]
    assert sorted(c.subscription_id for c in taken) == subs  # each by one taker
    assert {c.claimed_at for c in taken} == {NOW}  # checked in the channel from the claim on
    assert {c.since_version for c in taken} == {1}


async def test_removing_a_subscription_removes_its_update_rows(store: RecapStore) -> None:
    sub = await follow(store, "C1")
    await store.start_updates(sub, 1)
    await store.claim_update(sub, 1, 2, "me", NOW, NOW + LEASE)
    assert await store.remove_subscription(sub)
    assert await store.update_deliveries() == []
    sub = await follow(store, "C1")
    assert await store.start_updates(sub, 2)  # a new subscription starts afresh


async def test_migration_7_lands_on_a_database_at_6_keeping_its_subscriptions(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before_7 = tuple(m for m in migrations.MIGRATIONS if m.version < 7)
    monkeypatch.setattr(migrations, "MIGRATIONS", before_7)
    old = await open_store(store_url)
    try:
        await old.add_subscription(
            "slack", "T1", "C1", "daily", "09:00", "UTC", next_due=None, now=NOW
        )
    finally:
        await old.close()
    monkeypatch.undo()
    store = await open_store(store_url)
    try:
        assert [s.channel for s in await store.subscriptions()] == ["C1"]
        sub = await follow(store, "C2")
        assert await store.start_updates(sub, 1)
        assert await store.claim_update(sub, 1, 2, "me", NOW, NOW + LEASE)
    finally:
        await store.close()
