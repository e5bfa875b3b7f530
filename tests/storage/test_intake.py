"""Migration 5 (issue 19): the intake's candidates and feed validators, on both backends.

A candidate is kept once by URL, GUID and text; a rejected one never comes back; its
editors' post has one owner at a time, and each step is recorded only by that owner.
"""

from datetime import UTC, datetime, timedelta

import pytest

from bot.storage import migrations
from bot.storage.base import NewCandidate
from bot.storage.connect import open_store

NOW = datetime(2026, 3, 5, 14, 0, tzinfo=UTC)


def article(url: str, guid: str | None = None, digest: str | None = None) -> NewCandidate:
    return NewCandidate(
        kind="article",
        origin="https://example.org/feed",
        url=url,
        guid=guid,
        content_hash=digest or url,
        title="Judge's ruling",
        outlet="The Example Gazette",
        stated_date="Thu, 05 Mar 2026",
        body="The text.\n",
        review='{"counts": {"corroborates": 1, "contradicts": 1, "new": 0}}',
    )


async def test_a_candidate_is_kept_once_by_url_guid_or_text(store_url: str) -> None:
    store = await open_store(store_url)
    try:
        first = await store.intake_add(article("https://a.example/1", "g1", "h1"), NOW)
        assert first is not None
        assert await store.intake_add(article("https://a.example/1", "g2", "h2"), NOW) is None
        assert await store.intake_add(article("https://a.example/2", "g1", "h3"), NOW) is None
        assert await store.intake_add(article("https://a.example/3", "g3", "h1"), NOW) is None
        assert await store.intake_known(["https://a.example/1", "g1", "g9"]) == {
            "https://a.example/1",
            "g1",
        }
        kept = await store.intake_candidate(first)
        assert kept is not None
        assert (kept.title, kept.status, kept.found_at) == ("Judge's ruling", "new", NOW)
        assert [c.id for c in await store.intake_candidates("new")] == [first]
    finally:
        await store.close()


async def test_a_rejected_candidate_never_comes_back(store_url: str) -> None:
    store = await open_store(store_url)
    try:
        kept = await store.intake_add(article("https://a.example/1", "g1"), NOW)
        assert kept is not None
        assert await store.intake_decide(kept, "rejected", None, NOW)
        assert not await store.intake_decide(kept, "accepted", "x", NOW)  # decided once
        assert await store.intake_add(article("https://a.example/1", "g1"), NOW) is None
        assert await store.intake_candidates("new") == []
        assert [c.status for c in await store.intake_candidates("rejected")] == ["rejected"]
        assert await store.intake_unposted(NOW, "a") == []
    finally:
        await store.close()


async def test_the_post_has_one_owner_until_its_lease_runs_out(store_url: str) -> None:
    store = await open_store(store_url)
    try:
        kept = await store.intake_add(article("https://a.example/1"), NOW)
        assert kept is not None
        lease = NOW + timedelta(minutes=5)
        assert await store.intake_claim_post(kept, "a", lease, NOW)
        assert not await store.intake_claim_post(kept, "b", lease, NOW)
        assert await store.intake_claim_post(kept, "a", lease, NOW)  # its owner renews
        assert await store.intake_unposted(NOW, "b") == []  # claimed by a
        assert len(await store.intake_unposted(NOW, "a")) == 1  # a's own, to try again
        assert await store.intake_post_step(kept, "a", "post_tried_at", NOW)
        assert not await store.intake_post_step(kept, "b", "post_id", "1.2")
        later = lease + timedelta(seconds=1)
        assert [c.id for c in await store.intake_unposted(later, "b")] == [kept]
        assert await store.intake_claim_post(kept, "b", later + timedelta(minutes=5), later)
        assert await store.intake_post_step(kept, "b", "post_id", "1.2")
        assert await store.intake_post_step(kept, "b", "posted_at", later)
        done = await store.intake_candidate(kept)
        assert done is not None
        assert (done.post_tried_at, done.post_id, done.posted_at) == (NOW, "1.2", later)
        assert not await store.intake_claim_post(kept, "b", later, later)  # posted: no claim
        with pytest.raises(ValueError, match="not a step"):
            await store.intake_post_step(kept, "b", "title", "x")
    finally:
        await store.close()


async def test_feed_validators_are_kept(store_url: str) -> None:
    store = await open_store(store_url)
    try:
        await store.intake_set_feed_state("https://a.example/feed", '"e1"', "Thu", NOW)
        await store.intake_set_feed_state("https://a.example/feed", '"e2"', None, NOW)
        assert await store.intake_feed_states() == {"https://a.example/feed": ('"e2"', None)}
    finally:
        await store.close()


async def test_a_database_made_before_5_landed_gets_it(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Databases of main were migrated to 6 with 5 reserved: opening them applies 5."""
    monkeypatch.setattr(
        migrations, "MIGRATIONS", tuple(m for m in migrations.MIGRATIONS if m.version != 5)
    )
    store = await open_store(store_url)
    await store.set_user_language("slack", "T", "U", "es", NOW)
    await store.close()
    monkeypatch.undo()
    again = await open_store(store_url)
    try:
        assert await again.intake_add(article("https://a.example/1"), NOW) is not None
        assert await again.user_language("slack", "T", "U") == "es"
    finally:
        await again.close()
