"""The store contract (bot/storage/base.py), each rule run against SQLite and PostgreSQL alike."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.storage import migrations
from bot.storage.base import RecapStore
from bot.storage.connect import open_store

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
SLOT = datetime(2026, 3, 10, 14, tzinfo=UTC)
LEASE = NOW + timedelta(minutes=5)


async def subscribe(
    store: RecapStore,
    channel: str = "C1",
    *,
    workspace: str = "T1",
    platform: str = "slack",
    next_due: datetime | None = SLOT,
    frequency: str = "daily",
) -> int:
    sub, _ = await store.add_subscription(
        platform, workspace, channel, frequency, "14:00", "UTC", next_due=next_due, now=NOW
    )
    return sub.id


async def test_a_new_database_is_migrated_to_the_latest_schema_and_answers_pings(
    store: RecapStore,
) -> None:
    assert await store.schema_version() == migrations.LATEST
    await store.ping()
    assert "***" not in store.url_for_logs
    assert store.url_for_logs


async def test_migrating_again_changes_nothing(store: RecapStore, store_url: str) -> None:
    await subscribe(store)
    await store.migrate()
    again = await open_store(store_url)
    try:
        assert await again.schema_version() == migrations.LATEST
        assert len(await again.subscriptions()) == 1
    finally:
        await again.close()


async def test_a_subscription_keeps_every_field_and_an_identical_one_is_reused(
    store: RecapStore,
) -> None:
    sub, created = await store.add_subscription(
        "discord",
        "G1",
        "C9",
        "weekly mon",
        "09:30",
        "Europe/Paris",
        next_due=SLOT,
        origin="chat",
        created_by="U1",
        now=NOW,
    )
    again, created_again = await store.add_subscription(
        "discord",
        "G1",
        "C9",
        "weekly mon",
        "09:30",
        "Europe/Paris",
        next_due=None,
        now=NOW + timedelta(days=1),
    )
    assert created
    assert not created_again
    assert again == sub
    assert (sub.platform, sub.workspace, sub.channel, sub.frequency, sub.time, sub.timezone) == (
        "discord",
        "G1",
        "C9",
        "weekly mon",
        "09:30",
        "Europe/Paris",
    )
    assert (sub.origin, sub.created_by, sub.created_at, sub.paused_reason, sub.next_due) == (
        "chat",
        "U1",
        NOW,
        None,
        SLOT,
    )
    assert sub.address == "discord:C9"


async def test_instants_come_back_in_utc_to_the_second(store: RecapStore) -> None:
    paris = timezone(timedelta(hours=1))
    sub, _ = await store.add_subscription(
        "slack",
        "T1",
        "C1",
        "daily",
        "09:00",
        "UTC",
        next_due=datetime(2026, 3, 10, 15, 0, 0, 999_999, tzinfo=paris),
        now=NOW.replace(microsecond=5),
    )
    assert sub.next_due == datetime(2026, 3, 10, 14, 0, 0, tzinfo=UTC)
    assert sub.next_due.utcoffset() == timedelta(0)
    assert sub.created_at == NOW


async def test_naive_datetimes_are_refused(store: RecapStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        await store.due(datetime(2026, 3, 10, 12))  # noqa: DTZ001 - naive on purpose


async def test_subscriptions_filter_by_platform_channel_and_workspace(store: RecapStore) -> None:
    a = await subscribe(store, "C1", workspace="T1")
    b = await subscribe(store, "C2", workspace="T2")
    c = await subscribe(store, "D1", workspace="G1", platform="discord")
    assert [s.id for s in await store.subscriptions()] == [a, b, c]
    assert [s.id for s in await store.subscriptions("slack")] == [a, b]
    assert [s.id for s in await store.subscriptions("slack", "C2")] == [b]
    assert [s.id for s in await store.subscriptions(workspace="G1")] == [c]
    assert await store.subscriptions("discord", "C1") == []


async def test_removing_a_subscription_removes_its_deliveries(store: RecapStore) -> None:
    sub = await subscribe(store)
    assert await store.claim(sub, SLOT, "a", NOW, LEASE)
    assert await store.remove_subscription(sub)
    assert not await store.remove_subscription(sub)
    assert await store.subscriptions() == []
    assert await store.deliveries() == []


async def test_declared_subscriptions_are_synced_exactly_and_chat_ones_are_left_alone(
    store: RecapStore,
) -> None:
    chat = await subscribe(store, "C0")
    keep = ("slack", "T1", "C1", "daily", "09:00", "UTC")
    drop = ("discord", "G1", "D1", "weekly fri", "17:00", "UTC")
    await store.sync_declared([(keep, SLOT), (drop, SLOT)], NOW)
    first = {s.channel: s for s in await store.subscriptions()}
    assert set(first) == {"C0", "C1", "D1"}
    assert first["C1"].origin == "settings"
    assert first["C1"].created_by == "settings"
    assert first["C1"].next_due == SLOT

    moved = SLOT + timedelta(days=1)
    assert await store.advance(first["C1"].id, SLOT, moved)
    added = ("slack", "T2", "C2", "0 9 * * 1", "", "America/New_York")
    await store.sync_declared([(keep, SLOT + timedelta(days=7)), (added, None)], NOW)
    second = {s.channel: s for s in await store.subscriptions()}
    assert set(second) == {"C0", "C1", "C2"}
    assert second["C0"].id == chat
    assert second["C1"].id == first["C1"].id
    assert second["C1"].next_due == moved
    assert second["C2"].workspace == "T2"
    assert second["C2"].next_due is None
    await store.sync_declared([], NOW)
    assert [s.id for s in await store.subscriptions()] == [chat]


async def test_a_pause_is_reported_once_and_paused_ones_are_never_due(store: RecapStore) -> None:
    sub = await subscribe(store)
    assert await store.pause(sub, "channel_not_found")
    assert not await store.pause(sub, "again")
    (paused,) = await store.subscriptions()
    assert paused.paused_reason == "channel_not_found"
    assert paused.next_due == SLOT
    assert await store.due(SLOT) == []
    assert await store.earliest_due() is None


async def test_a_workspace_is_paused_and_resumed_as_a_whole(store: RecapStore) -> None:
    a1, a2 = (
        await subscribe(store, "C1", workspace="TA"),
        await subscribe(store, "C2", workspace="TA"),
    )
    b = await subscribe(store, "C3", workspace="TB")
    other_platform = await subscribe(store, "D1", workspace="TA", platform="discord")
    assert await store.pause(a2, "channel_not_found")
    assert await store.pause_workspace("slack", "TA", "app_uninstalled") == 1
    assert [s.id for s in await store.due(SLOT)] == [b, other_platform]
    reasons = {s.id: s.paused_reason for s in await store.subscriptions()}
    assert reasons[a1] == "app_uninstalled"
    assert reasons[a2] == "channel_not_found"
    assert await store.resume_workspace("slack", "TA") == 2
    assert [s.id for s in await store.due(SLOT)] == [a1, a2, b, other_platform]


async def test_due_lists_unpaused_subscriptions_whose_slot_has_come_oldest_first(
    store: RecapStore,
) -> None:
    late = await subscribe(store, "C1", next_due=SLOT + timedelta(hours=1))
    early = await subscribe(store, "C2", next_due=SLOT)
    await subscribe(store, "C3", next_due=None)
    future = await subscribe(store, "C4", next_due=SLOT + timedelta(days=1))
    assert await store.due(SLOT - timedelta(seconds=1)) == []
    assert [s.id for s in await store.due(SLOT)] == [early]
    assert [s.id for s in await store.due(SLOT + timedelta(hours=2))] == [early, late]
    assert [s.id for s in await store.due(SLOT + timedelta(hours=2), limit=1)] == [early]
    assert await store.earliest_due() == SLOT
    assert future


async def test_advance_moves_the_next_slot_once(store: RecapStore) -> None:
    sub = await subscribe(store)
    nxt = SLOT + timedelta(days=1)
    assert await store.advance(sub, SLOT, nxt)
    assert not await store.advance(
        sub, SLOT, nxt + timedelta(days=1)
    )  # someone else already moved it
    assert (await store.subscriptions())[0].next_due == nxt
    assert await store.advance(sub, nxt, None)  # never fires again
    assert (await store.subscriptions())[0].next_due is None
    assert await store.earliest_due() is None


async def test_advance_from_none_sets_the_slot_of_a_subscription_that_has_none(
    store: RecapStore,
) -> None:
    sub = await subscribe(store, next_due=None)
    assert not await store.advance(sub, SLOT, SLOT)
    assert await store.advance(sub, None, SLOT)
    assert not await store.advance(sub, None, SLOT)
    assert [s.id for s in await store.due(SLOT)] == [sub]


async def test_a_slot_is_claimed_once_and_finished(store: RecapStore) -> None:
    sub = await subscribe(store)
    assert await store.claim(sub, SLOT, "a", NOW, LEASE)
    assert not await store.claim(sub, SLOT, "b", NOW, LEASE)
    (claim,) = await store.open_claims()
    assert (claim.subscription_id, claim.slot, claim.status, claim.claimed_by) == (
        sub,
        SLOT,
        "claimed",
        "a",
    )
    assert (claim.claimed_at, claim.lease_until, claim.finished_at, claim.detail) == (
        NOW,
        LEASE,
        None,
        None,
    )
    assert await store.last_delivery(sub) is None

    done = NOW + timedelta(seconds=3)
    await store.finish(sub, SLOT, "sent", done, "ts=1")
    assert await store.open_claims() == []
    last = await store.last_delivery(sub)
    assert last is not None
    assert (last.status, last.finished_at, last.detail) == (
        "sent",
        done,
        "ts=1",
    )
    assert not await store.claim(
        sub, SLOT, "b", NOW, LEASE
    )  # a finished slot is never claimed again


async def test_finish_and_record_take_only_final_statuses(store: RecapStore) -> None:
    sub = await subscribe(store)
    with pytest.raises(ValueError, match="finished delivery"):
        await store.finish(sub, SLOT, "claimed", NOW)
    with pytest.raises(ValueError, match="finished delivery"):
        await store.record(sub, SLOT, "pending", "a", NOW)


async def test_record_writes_an_outcome_only_for_a_slot_nobody_holds(store: RecapStore) -> None:
    sub = await subscribe(store)
    assert await store.record(sub, SLOT, "skipped", "a", NOW, "missed")
    assert not await store.record(sub, SLOT, "skipped", "b", NOW)
    assert not await store.claim(sub, SLOT, "b", NOW, LEASE)
    (row,) = await store.deliveries()
    assert (row.status, row.finished_at, row.detail, row.claimed_by) == (
        "skipped",
        NOW,
        "missed",
        "a",
    )
    assert await store.last_delivery(sub) is None  # skipped is not a delivery


async def test_last_deliveries_give_each_subscriptions_newest_sent_or_failed(
    store: RecapStore,
) -> None:
    a, b, c = (
        await subscribe(store, "C1"),
        await subscribe(store, "C2"),
        await subscribe(store, "C3"),
    )
    for day, status in ((0, "sent"), (1, "failed"), (2, "skipped")):
        slot = SLOT + timedelta(days=day)
        assert await store.claim(a, slot, "x", NOW, LEASE)
        await store.finish(a, slot, status, NOW)
    assert await store.claim(b, SLOT, "x", NOW, LEASE)
    await store.finish(b, SLOT, "sent", NOW)
    assert await store.claim(b, SLOT + timedelta(days=1), "x", NOW, LEASE)  # still open
    last = await store.last_deliveries([a, b, c, a])
    assert set(last) == {a, b}
    assert (last[a].slot, last[a].status) == (SLOT + timedelta(days=1), "failed")
    assert (last[b].slot, last[b].status) == (SLOT, "sent")
    assert await store.last_delivery(a) == last[a]
    assert await store.last_deliveries([]) == {}


async def test_last_deliveries_of_many_subscriptions_in_one_call(store: RecapStore) -> None:
    await store.sync_declared(
        [(("slack", "T1", f"C{i}", "daily", "09:00", "UTC"), SLOT) for i in range(1200)], NOW
    )
    ids = [s.id for s in await store.subscriptions()]
    for sub in ids[::100]:
        assert await store.record(sub, SLOT, "failed", "x", NOW)
    assert sorted(await store.last_deliveries(ids)) == ids[::100]


async def test_deliveries_list_every_row_by_slot(store: RecapStore) -> None:
    a, b = await subscribe(store, "C1"), await subscribe(store, "C2")
    assert await store.claim(b, SLOT + timedelta(hours=1), "x", NOW, LEASE)
    assert await store.claim(a, SLOT, "x", NOW, LEASE)
    assert await store.record(b, SLOT, "skipped", "x", NOW)
    assert [(d.subscription_id, d.slot) for d in await store.deliveries()] == [
        (a, SLOT),
        (b, SLOT),
        (b, SLOT + timedelta(hours=1)),
    ]


async def test_a_heartbeat_renews_only_its_owners_open_claims(store: RecapStore) -> None:
    a, b, c = (
        await subscribe(store, "C1"),
        await subscribe(store, "C2"),
        await subscribe(store, "C3"),
    )
    assert await store.claim(a, SLOT, "me", NOW, LEASE)
    assert await store.claim(b, SLOT, "me", NOW, LEASE)
    assert await store.claim(c, SLOT, "other", NOW, LEASE)
    await store.finish(b, SLOT, "sent", NOW)
    later = LEASE + timedelta(minutes=5)
    assert await store.renew_leases("me", later) == 1
    leases = {d.subscription_id: d.lease_until for d in await store.deliveries()}
    assert leases == {a: later, b: LEASE, c: LEASE}


async def test_only_expired_claims_are_taken_over_keeping_their_claim_time(
    store: RecapStore,
) -> None:
    a, b = await subscribe(store, "C1"), await subscribe(store, "C2")
    assert await store.claim(a, SLOT, "dead", NOW, LEASE)
    assert await store.claim(b, SLOT, "alive", NOW, LEASE + timedelta(hours=1))
    assert (
        await store.take_over_expired("me", LEASE, LEASE + timedelta(minutes=5)) == []
    )  # not yet run out
    after = LEASE + timedelta(seconds=1)
    (taken,) = await store.take_over_expired("me", after, after + timedelta(minutes=5))
    assert (taken.subscription_id, taken.slot, taken.claimed_by, taken.status) == (
        a,
        SLOT,
        "me",
        "claimed",
    )
    assert taken.claimed_at == NOW
    assert taken.lease_until == after + timedelta(minutes=5)
    assert await store.take_over_expired("you", after, after + timedelta(minutes=5)) == []
    assert {d.subscription_id: d.claimed_by for d in await store.open_claims()} == {
        a: "me",
        b: "alive",
    }


async def test_take_over_respects_its_limit(store: RecapStore) -> None:
    ids = [await subscribe(store, f"C{i}") for i in range(5)]
    for sub in ids:
        assert await store.claim(sub, SLOT, "dead", NOW, LEASE)
    later, held = LEASE + timedelta(minutes=1), LEASE + timedelta(hours=1)
    assert len(await store.take_over_expired("me", later, held, limit=3)) == 3
    assert len(await store.take_over_expired("me", later, held, limit=3)) == 2


async def test_what_a_channel_was_told_is_remembered_and_replaced(store: RecapStore) -> None:
    assert await store.told("slack", "C1") is None
    await store.remember_told("slack", "C1", NOW, {"claims": ["a"], "n": 1})
    await store.remember_told("discord", "C1", NOW, {"other": True})
    later = NOW + timedelta(days=1)
    await store.remember_told("slack", "C1", later, {"claims": ["a", "b"], "text": "üñí \u202e"})
    assert await store.told("slack", "C1") == (later, {"claims": ["a", "b"], "text": "üñí \u202e"})
    assert await store.told("discord", "C1") == (NOW, {"other": True})


async def test_user_text_is_stored_inert(store: RecapStore) -> None:
    hostile = "C1'); DROP TABLE subscriptions; --"
    sub = await subscribe(store, hostile)
    assert [s.channel for s in await store.subscriptions(channel=hostile)] == [hostile]
    assert await store.pause(sub, 'it\'s "quoted" %s %(x)s ?')
    assert (await store.subscriptions())[0].paused_reason == 'it\'s "quoted" %s %(x)s ?'
