"""After a crash: how a claim taken over from a dead instance ends when it is not simply
posted (bot/recaps/recovery.py). "Landed: sent, confirmed" and "missing: posted" are in
test_instances.py.

Each test plants what a SIGKILL right after claiming leaves (a claim whose lease nobody
renews) and runs a second instance on the same database (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set) once that lease has run out. Nothing is ever posted twice: when in
doubt, nothing is posted.
"""

import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest

from bot.core.dispatch import Dispatcher
from bot.platforms.slack.poster import SlackPoster
from bot.recaps.service import RecapService, utc_now
from bot.storage.base import Delivery
from bot.storage.connect import open_store
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import Failure, FakeSlack
from tests.recaps.conftest import FAST, Clock, Recorded
from tests.recaps.test_delivery import NINE_NY
from tests.recaps.test_instances import LEASE, claimed_by_a_dead_instance


@pytest.fixture
def observed() -> Recorded:
    return Recorded()


@pytest.fixture
async def slack_only(
    database_url: str,
    dispatcher: Dispatcher,
    recap_clock: Clock,
    fakes: tuple[FakeSlack, FakeDiscord],
    observed: Recorded,
) -> AsyncIterator[RecapService]:
    """A second instance, configured for Slack only, after the dead instance's lease ran out."""
    slack, _ = fakes
    survivor = RecapService(
        lambda: open_store(database_url),
        lambda: dispatcher.store.current,
        recap_clock,
        lease=LEASE,
        policy=FAST,
        wall=lambda: utc_now() + LEASE + timedelta(seconds=1),
    )
    survivor.owner = "instance-b"
    survivor.attach(
        posters={"slack": SlackPoster("xoxb-t", slack.api_url, channel_rate=100)},
        observer=observed,
    )
    await survivor.ready()
    yield survivor
    await survivor.aclose()


async def settled(survivor: RecapService) -> list[tuple[str, str | None, str | None]]:
    deliveries: list[Delivery] = await survivor.store.deliveries()
    return [(d.status, d.detail, d.claimed_by) for d in deliveries]


async def test_a_claim_for_a_platform_this_instance_does_not_post_to_fails_and_is_not_posted(
    service: RecapService,
    slack_only: RecapService,
    fakes: tuple[FakeSlack, FakeDiscord],
    recap_clock: Clock,
    observed: Recorded,
) -> None:
    _, discord = fakes
    await claimed_by_a_dead_instance(service, "discord", "42")
    recap_clock.now = NINE_NY + timedelta(minutes=1)
    report = await slack_only.post_due()
    assert report.posted == report.recovered == report.skipped == []
    assert discord.messages["42"] == []
    assert await settled(slack_only) == [
        ("failed", "interrupted; its subscription or platform is gone", "instance-b")
    ]
    assert await slack_only.store.open_claims() == []  # settled once, not taken again
    assert (await slack_only.post_due()).summary() == "0 posted, 0 recovered, 0 skipped, 0 failed"
    assert observed.outcomes == []


async def test_a_claim_whose_channel_cannot_be_read_fails_unconfirmed_and_is_not_posted(
    service: RecapService,
    slack_only: RecapService,
    fakes: tuple[FakeSlack, FakeDiscord],
    recap_clock: Clock,
    observed: Recorded,
    caplog: pytest.LogCaptureFixture,
) -> None:
    slack, _ = fakes
    await claimed_by_a_dead_instance(service, "slack", "C1")
    # The app lost the history scope: Slack answers conversations.history with an error.
    slack.failures["conversations.history"].append(
        Failure(200, {"ok": False, "error": "missing_scope"})
    )
    recap_clock.now = NINE_NY + timedelta(minutes=1)
    with caplog.at_level(logging.ERROR):
        report = await slack_only.post_due()
    assert report.posted == report.recovered == []
    assert slack.posts_by_channel() == {}
    assert len(slack.called("conversations.history")) == 1
    assert await settled(slack_only) == [
        ("failed", "unconfirmed after a crash: missing_scope", "instance-b")
    ]
    assert observed.outcomes == ["failed"]
    assert "cannot check whether it was posted (missing_scope); leaving it" in caplog.text
    # Shown where people look: /recap list and `python -m bot recap list` read the listing.
    [(_, _, last)] = await slack_only.listing("slack", "C1")
    assert last is not None
    assert last.status == "failed"
    assert "unconfirmed" in (last.detail or "")
    assert (await slack_only.post_due()).posted == []
    assert slack.posts_by_channel() == {}


@pytest.mark.parametrize("why", ["past the grace window", "paused"])
async def test_a_claim_past_the_grace_window_or_of_a_paused_subscription_is_skipped(
    service: RecapService,
    slack_only: RecapService,
    fakes: tuple[FakeSlack, FakeDiscord],
    recap_clock: Clock,
    observed: Recorded,
    why: str,
) -> None:
    slack, _ = fakes
    sub_id, _ = await claimed_by_a_dead_instance(service, "slack", "C1")
    now: datetime = NINE_NY + timedelta(minutes=1)
    if why == "paused":  # e.g. the workspace uninstalled the app meanwhile
        assert await service.store.pause(sub_id, "Slack app removed (app_uninstalled)")
    else:  # the bot was down for longer than the grace window (1 h) after the claim ran out
        now = NINE_NY + timedelta(hours=1, minutes=1)
        slack_only.wall = lambda: utc_now() + timedelta(hours=1, minutes=1)
    recap_clock.now = now
    report = await slack_only.post_due()
    assert report.skipped == ["slack:C1@2026-03-10T13:00Z"]
    assert report.posted == []
    assert len(slack.called("conversations.history")) == 1  # looked for first: it did not land
    assert slack.posts_by_channel() == {}
    assert await settled(slack_only) == [
        ("skipped", "interrupted and now past the grace window", "instance-b")
    ]
    assert observed.outcomes == ["skipped"]
