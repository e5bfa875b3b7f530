"""Several instances on one database, in one process (distinct owners): leases, taking over
a dead instance's claims, checking busy channels page by page, and per-workspace pacing.
"""

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.core.dispatch import Dispatcher
from bot.platforms.slack.poster import SlackPoster
from bot.recaps.compose import compose
from bot.recaps.service import RecapService, marker, utc_now
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import FakeSlack
from tests.recaps.conftest import Clock, build_service
from tests.recaps.test_delivery import NINE_NY, subscribe

LEASE = timedelta(seconds=30)


@pytest.fixture
async def survivor(
    database_url: str,
    dispatcher: Dispatcher,
    recap_clock: Clock,
    fakes: tuple[FakeSlack, FakeDiscord],
) -> AsyncIterator[RecapService]:
    """A second instance on the same database."""
    other = build_service(database_url, dispatcher, recap_clock, fakes, lease=LEASE)
    other.owner = "instance-b"
    await other.ready()
    yield other
    await other.aclose()


async def claimed_by_a_dead_instance(
    service: RecapService, platform: str, channel: str
) -> tuple[int, datetime]:
    """What a SIGKILL right after claiming leaves: a claim whose lease nobody renews."""
    sub_id = await subscribe(service, platform, channel)
    claimed_at = utc_now()
    assert await service.store.claim(sub_id, NINE_NY, "instance-a", claimed_at, claimed_at + LEASE)
    assert await service.store.advance(sub_id, NINE_NY, NINE_NY + timedelta(days=1))
    return sub_id, claimed_at


async def test_a_dead_instances_claim_is_taken_over_only_after_its_lease(
    service: RecapService,
    survivor: RecapService,
    fakes: tuple[FakeSlack, FakeDiscord],
    recap_clock: Clock,
) -> None:
    slack, _ = fakes
    await claimed_by_a_dead_instance(service, "slack", "C1")
    recap_clock.now = NINE_NY + timedelta(minutes=1)
    early = await survivor.post_due()
    assert early.posted == []
    assert slack.posts_by_channel() == {}
    assert [d.claimed_by for d in await survivor.store.open_claims()] == ["instance-a"]
    survivor.wall = lambda: utc_now() + LEASE + timedelta(seconds=1)  # the lease has run out
    late = await survivor.post_due()
    assert len(late.posted) == 1
    assert slack.posts_by_channel() == {"C1": 1}
    assert [(d.status, d.claimed_by) for d in await survivor.store.deliveries()] == [
        ("sent", "instance-b")
    ]
    assert (await survivor.post_due()).posted == []
    assert slack.posts_by_channel() == {"C1": 1}


async def test_a_live_instances_claims_are_renewed_and_never_taken(
    service: RecapService,
    survivor: RecapService,
    recap_clock: Clock,
) -> None:
    await claimed_by_a_dead_instance(service, "slack", "C1")
    service.owner = "instance-a"
    renewed_until = utc_now() + LEASE * 3
    assert await service.store.renew_leases("instance-a", renewed_until) == 1  # its heartbeat
    survivor.wall = lambda: utc_now() + LEASE + timedelta(seconds=1)
    recap_clock.now = NINE_NY + timedelta(minutes=1)
    assert (await survivor.post_due()).posted == []
    assert [d.claimed_by for d in await survivor.store.open_claims()] == ["instance-a"]


async def test_a_landed_recap_beyond_the_last_50_messages_is_not_posted_again(
    service: RecapService,
    survivor: RecapService,
    fakes: tuple[FakeSlack, FakeDiscord],
    recap_clock: Clock,
    dispatcher: Dispatcher,
) -> None:
    slack, discord = fakes
    reply, _ = compose(dispatcher.store.current, None, NINE_NY)
    for platform, channel in (("slack", "CBUSY"), ("discord", "77")):
        sub_id, _ = await claimed_by_a_dead_instance(service, platform, channel)
        subs = {s.id: s for s in await service.subscriptions()}
        if platform == "discord":
            discord.chatter(
                channel, 230
            )  # chatter between the claim and the post: paged past with ?after=
        await service.posters[platform].post(
            "", channel, reply, marker(subs[sub_id], NINE_NY)
        )  # it landed...
    slack.chatter("CBUSY", 450)  # ...then the channels got busy
    discord.chatter("77", 120)
    survivor.wall = lambda: utc_now() + LEASE + timedelta(seconds=1)
    recap_clock.now = NINE_NY + timedelta(minutes=5)
    report = await survivor.post_due()
    assert len(report.recovered) == 2
    assert report.posted == []
    assert slack.posts_by_channel() == {"CBUSY": 1}
    assert len([m for m in discord.messages["77"] if m["embeds"]]) == 1
    pages = slack.called("conversations.history")
    assert len(pages) == 3
    assert all(float(p["oldest"]) > 0 for p in pages)
    assert pages[-1]["cursor"]
    assert {d.status for d in await survivor.store.deliveries()} == {"sent"}


async def test_one_throttled_workspace_does_not_slow_another(
    service: RecapService,
    fakes: tuple[FakeSlack, FakeDiscord],
    recap_clock: Clock,
) -> None:
    slack, _ = fakes
    slack.teams = {"xoxb-TSLOW": "TSLOW", "xoxb-TFAST": "TFAST"}
    slack.team_per_second = {"TSLOW": 2, "TFAST": 50}
    poster = SlackPoster("xoxb-t", slack.api_url, workspace_rate=20, channel_rate=100)

    async def token_for(workspace: str) -> str:
        return f"xoxb-{workspace}"

    poster.token_for = token_for
    service.posters["slack"] = poster
    slow = [f"CS{i}" for i in range(10)]
    fast = [f"CF{i}" for i in range(20)]
    for channel in slow:
        await subscribe(service, "slack", channel, workspace="TSLOW")
    for channel in fast:
        await subscribe(service, "slack", channel, workspace="TFAST")
    recap_clock.now = NINE_NY
    started = time.time()
    report = await service.post_due()
    landed = {c: float(slack.history[c][0]["ts"]) - started for c in slow + fast}
    assert len(report.posted) == 30
    assert slack.posts_by_channel() == dict.fromkeys(slow + fast, 1)
    assert max(landed[c] for c in fast) < 2.0  # at our own pace (20/s), as if TSLOW did not exist
    assert max(landed[c] for c in slow) > 3.0  # TSLOW's limit (2/s) held only TSLOW back
    assert slack.rejected_by_team["TFAST"] == 0
    # Each 429 held TSLOW for exactly its Retry-After; after each hold the posts that waited
    # went together (up to the burst), and those beyond TSLOW's limit met another 429: a
    # few per hold, bounded, never a post lost.
    assert slack.rejected_by_team["TSLOW"] <= 2 * len(slow)


async def test_a_post_whose_lease_may_have_lapsed_in_the_pacing_queue_is_not_sent_blindly(
    service: RecapService,
    fakes: tuple[FakeSlack, FakeDiscord],
    recap_clock: Clock,
) -> None:
    slack, _ = fakes
    await subscribe(service, "slack", "C1")
    service.lease = timedelta(seconds=30)
    skew = [timedelta(0)]
    service.wall = lambda: utc_now() + skew[0]
    poster = service.posters["slack"]
    assert isinstance(poster, SlackPoster)
    poster.workspaces[""].hold(1.0)  # the post waits in the pacing queue...

    async def stall() -> None:  # ...while this instance stalls past its lease (no heartbeat came)
        while not service.claims_in_flight:  # noqa: ASYNC110 - polls the service, no event to wait on
            await asyncio.sleep(0.005)
        poster.workspaces[""].hold(1.0)  # its post still waits in the pacing queue
        skew[0] = LEASE + timedelta(seconds=5)

    staller = asyncio.create_task(stall())
    recap_clock.now = NINE_NY
    first = await service.post_due()
    await staller
    assert first.posted == []
    assert slack.posts_by_channel() == {}
    again = (
        await service.post_due()
    )  # nobody else took it: checked against the channel, then posted
    assert len(again.posted) == 1
    assert slack.posts_by_channel() == {"C1": 1}
    assert (await service.post_due()).posted == []
    assert slack.posts_by_channel() == {"C1": 1}
