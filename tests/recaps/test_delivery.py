"""Posting recaps on time, exactly once, and what each fault does (real posters, fake platforms)."""

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.dispatch import Dispatcher
from bot.platforms.slack.poster import SlackPoster
from bot.recaps.schedule import Schedule
from bot.recaps.service import RecapService
from bot.web.links import PublicLinks
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import Failure, FakeSlack
from tests.recaps.conftest import Clock, build_service

NINE_NY = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)  # 09:00 in New York (EDT)
DAILY_NINE = Schedule("daily", "09:00", "America/New_York")


async def subscribe(
    service: RecapService,
    platform: str,
    channel: str,
    created: datetime = NINE_NY - timedelta(days=1),
    workspace: str = "",
) -> int:
    sub, _ = await service.store.add_subscription(
        platform,
        workspace,
        channel,
        DAILY_NINE.frequency,
        DAILY_NINE.time,
        DAILY_NINE.timezone,
        next_due=DAILY_NINE.next_slot(created),
        now=created,
    )
    return sub.id


async def test_due_recaps_post_once_to_slack_and_discord(
    service: RecapService, fakes: tuple[FakeSlack, FakeDiscord], recap_clock: Clock
) -> None:
    slack, discord = fakes
    await subscribe(service, "slack", "C1")
    await subscribe(service, "discord", "42")
    recap_clock.now = NINE_NY + timedelta(minutes=1)
    report = await service.post_due()
    assert len(report.posted) == 2
    again = await service.post_due()
    assert again.posted == []
    assert slack.posts_by_channel() == {"C1": 1}
    assert len(discord.messages["42"]) == 1
    message = slack.called("chat.postMessage")[0]
    assert message["metadata"]["event_payload"]["slot"].startswith("r1-20260310")
    assert "First recap in this channel." in str(message["blocks"])
    assert discord.messages["42"][0]["embeds"][0]["title"] == "Case recap, March 10, 2026"
    subs = {s.channel: s for s in await service.store.subscriptions()}
    assert subs["C1"].next_due == NINE_NY + timedelta(days=1)  # stored, not recomputed by listing


async def test_the_next_recap_says_what_changed(
    service: RecapService,
    fakes: tuple[FakeSlack, FakeDiscord],
    recap_clock: Clock,
    dispatcher: Dispatcher,
) -> None:
    slack, _ = fakes
    await subscribe(service, "slack", "C1")
    recap_clock.now = NINE_NY
    await service.post_due()
    recap_clock.now = NINE_NY + timedelta(days=1)
    await service.post_due()
    assert "No change since" in str(slack.called("chat.postMessage")[-1]["blocks"])
    file = dispatcher.store.summaries_dir / "numbers.md"
    file.write_text(
        file.read_text().replace(
            "pages in the Feb. 26, 2026 opinion", "pages in the Feb. 26 opinion"
        )
    )
    assert dispatcher.store.reload_if_changed() == ()
    recap_clock.now = NINE_NY + timedelta(days=2)
    await service.post_due()
    last = str(slack.called("chat.postMessage")[-1]["blocks"])
    assert "Changed: pages in the Feb. 26 opinion" in last
    assert "(was: pages in the Feb. 26, 2026 opinion" in last


async def test_missed_slots_within_grace_post_and_older_ones_are_skipped_and_logged(
    service: RecapService,
    fakes: tuple[FakeSlack, FakeDiscord],
    recap_clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    slack, _ = fakes
    await subscribe(service, "slack", "C1", created=NINE_NY - timedelta(days=3))
    recap_clock.now = NINE_NY + timedelta(minutes=50)  # the bot was down across three slots
    with caplog.at_level(logging.WARNING):
        report = await service.post_due()
    assert len(report.posted) == 1
    assert slack.posts_by_channel() == {"C1": 1}
    assert "skipped 3 slot(s) missed by more than 1:00:00" in caplog.text  # Mar. 7, 8 and 9
    deliveries = await service.store.deliveries()
    assert [(d.status, f"{d.slot:%m-%d}") for d in deliveries] == [
        ("skipped", "03-09"),
        ("sent", "03-10"),
    ]


async def test_429_waits_for_retry_after(
    service: RecapService, fakes: tuple[FakeSlack, FakeDiscord], recap_clock: Clock
) -> None:
    slack, _ = fakes
    await subscribe(service, "slack", "C1")
    slack.channel_failures["C1"].append(
        Failure(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"})
    )
    limited: list[str] = []
    service.on_rate_limited = limited.append
    recap_clock.now = NINE_NY
    started = datetime.now(UTC)
    report = await service.post_due()
    assert len(report.posted) == 1
    assert slack.posts_by_channel() == {"C1": 1}
    assert (datetime.now(UTC) - started).total_seconds() >= 1
    assert limited == ["slack"]


async def test_5xx_and_timeouts_retry_with_backoff(
    service: RecapService, fakes: tuple[FakeSlack, FakeDiscord], recap_clock: Clock
) -> None:
    slack, discord = fakes
    await subscribe(service, "slack", "C1")
    await subscribe(service, "discord", "42")
    slack.channel_failures["C1"] += [
        Failure(503, {"ok": False, "error": "service_unavailable"})
    ] * 3
    discord.channel_failures["42"].append((502, {"message": "Bad Gateway"}))
    outcomes: list[str] = []
    service.observe = outcomes.append
    recap_clock.now = NINE_NY
    report = await service.post_due()
    assert len(report.posted) == 2
    assert report.failed == []
    assert slack.posts_by_channel() == {"C1": 1}
    assert len(discord.messages["42"]) == 1
    assert sorted(outcomes) == ["retried"] * 4 + ["sent"] * 2


async def test_attempts_are_bounded_by_one_retry_layer(
    service: RecapService, fakes: tuple[FakeSlack, FakeDiscord], recap_clock: Clock
) -> None:
    slack, discord = fakes
    await subscribe(service, "slack", "C1")
    await subscribe(service, "discord", "42")
    slack.channel_failures["C1"] += [
        Failure(503, {"ok": False, "error": "service_unavailable"})
    ] * 10
    discord.channel_failures["42"] += [(500, {"message": "Internal"})] * 10
    recap_clock.now = NINE_NY
    report = await service.post_due()
    assert len(report.failed) == 2
    # 4 attempts each (neither slack_sdk nor discord.py retries underneath), 6 left unanswered.
    assert len(slack.channel_failures["C1"]) == 6
    assert discord.post_attempts["42"] == 4
    statuses = {d.status for d in await service.store.deliveries()}
    assert statuses == {"failed"}


async def test_a_post_accepted_then_answered_500_is_not_posted_again(
    service: RecapService,
    fakes: tuple[FakeSlack, FakeDiscord],
    recap_clock: Clock,
) -> None:
    slack, discord = fakes
    await subscribe(service, "slack", "C1")
    await subscribe(service, "discord", "42")
    slack.channel_failures["C1"].append(
        Failure(500, {"ok": False, "error": "internal_error"}, accept=True)
    )
    discord.accepted_failures["42"].append((502, {"message": "Bad Gateway"}))
    recap_clock.now = NINE_NY
    report = await service.post_due()
    assert len(report.posted) == 2
    assert slack.posts_by_channel() == {"C1": 1}
    assert len(slack.history["C1"]) == 1
    assert len(discord.messages["42"]) == 1
    assert discord.post_attempts["42"] == 1
    assert {d.detail for d in await service.store.deliveries()} == {
        "confirmed in the channel after an unknown outcome"
    }


async def test_a_post_accepted_then_timed_out_is_not_posted_again(
    service: RecapService,
    fakes: tuple[FakeSlack, FakeDiscord],
    recap_clock: Clock,
) -> None:
    slack, _ = fakes
    await subscribe(service, "slack", "C1")
    service.posters["slack"] = SlackPoster("xoxb-t", slack.api_url, channel_rate=100, timeout=1)
    slack.channel_failures["C1"].append(Failure(200, {"ok": True}, delay=1.5, accept=True))
    recap_clock.now = NINE_NY
    report = await service.post_due()
    assert len(report.posted) == 1
    assert slack.posts_by_channel() == {"C1": 1}


async def test_a_timeout_before_posting_is_retried(
    service: RecapService, fakes: tuple[FakeSlack, FakeDiscord], recap_clock: Clock
) -> None:
    slack, _ = fakes
    await subscribe(service, "slack", "C1")
    service.posters["slack"] = SlackPoster("xoxb-t", slack.api_url, channel_rate=100, timeout=1)
    slack.channel_failures["C1"].append(Failure(200, {"ok": True}, delay=1.5))
    recap_clock.now = NINE_NY
    report = await service.post_due()
    assert len(report.posted) == 1
    assert slack.posts_by_channel() == {"C1": 1}


async def test_a_permanent_error_pauses_logs_once_and_spares_other_channels(
    service: RecapService,
    fakes: tuple[FakeSlack, FakeDiscord],
    recap_clock: Clock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    slack, discord = fakes
    gone = await subscribe(service, "slack", "CGONE")
    await subscribe(service, "slack", "C1")
    missing = await subscribe(service, "discord", "404")
    slack.channel_failures["CGONE"].append(
        Failure(200, {"ok": False, "error": "channel_not_found"})
    )
    discord.channel_failures["404"].append((404, {"message": "Unknown Channel", "code": 10003}))
    recap_clock.now = NINE_NY
    with caplog.at_level(logging.ERROR):
        report = await service.post_due()
        recap_clock.now = NINE_NY + timedelta(days=1)
        await service.post_due()
    assert slack.posts_by_channel() == {"C1": 2}
    assert len(report.failed) == 2
    assert caplog.text.count("paused: channel_not_found") == 1
    paused = {s.id: s.paused_reason for s in await service.store.subscriptions() if s.paused_reason}
    assert paused[gone] == "channel_not_found"
    assert "404" in paused[missing]
    listing = {
        sub.id: (upcoming, last) for sub, upcoming, last in await service.listing("slack", "CGONE")
    }
    assert listing[gone][0] is None
    assert listing[gone][1] is not None
    assert listing[gone][1].detail == "channel_not_found"


async def test_a_slow_channel_does_not_delay_the_others(
    service: RecapService, fakes: tuple[FakeSlack, FakeDiscord], recap_clock: Clock
) -> None:
    slack, _ = fakes
    await subscribe(service, "slack", "CSLOW")
    await subscribe(service, "slack", "C1")
    slack.channel_failures["CSLOW"] += [
        Failure(503, {"ok": False, "error": "service_unavailable"})
    ] * 3
    recap_clock.now = NINE_NY
    order: list[str] = []
    real_post = service.posters["slack"].post

    async def post(workspace, channel, reply, marker, **options):  # type: ignore[no-untyped-def]
        await real_post(workspace, channel, reply, marker, **options)
        order.append(channel)

    service.posters["slack"].post = post  # type: ignore[method-assign]
    await service.post_due()
    assert order == ["C1", "CSLOW"]


async def test_discord_429_waits_for_retry_after(
    service: RecapService, fakes: tuple[FakeSlack, FakeDiscord], recap_clock: Clock
) -> None:
    _, discord = fakes
    await subscribe(service, "discord", "42")
    discord.channel_failures["42"].append(
        (429, {"message": "You are being rate limited.", "retry_after": 0.5, "global": False})
    )
    recap_clock.now = NINE_NY
    started = datetime.now(UTC)
    report = await service.post_due()
    assert len(report.posted) == 1
    assert len(discord.messages["42"]) == 1
    assert (datetime.now(UTC) - started).total_seconds() >= 0.5


async def test_recaps_follow_local_time_through_a_dst_change(
    service: RecapService, fakes: tuple[FakeSlack, FakeDiscord], recap_clock: Clock
) -> None:
    slack, _ = fakes
    await subscribe(service, "slack", "C1", created=datetime(2026, 3, 6, 12, tzinfo=UTC))
    posted_at = []
    moment = datetime(2026, 3, 6, 12, tzinfo=UTC)
    while moment < datetime(2026, 3, 10, 12, tzinfo=UTC):  # step the clock every 30 minutes
        moment += timedelta(minutes=30)
        recap_clock.now = moment
        if (await service.post_due()).posted:
            posted_at.append(f"{moment:%m-%d %H:%M}")
    # 09:00 New York: 14:00Z before the change on Sun. Mar. 8, 13:00Z after.
    assert posted_at == ["03-06 14:00", "03-07 14:00", "03-08 13:00", "03-09 13:00"]
    assert slack.posts_by_channel() == {"C1": 4}


async def test_with_public_url_a_posted_recap_links_each_citation_to_its_passage(
    database_url: str,
    dispatcher: Dispatcher,
    recap_clock: Clock,
    fakes: tuple[FakeSlack, FakeDiscord],
) -> None:
    slack, discord = fakes
    service = build_service(
        database_url,
        dispatcher,
        recap_clock,
        fakes,
        annotate=PublicLinks("https://brief.example.org").annotate,
    )
    await service.ready()
    try:
        await subscribe(service, "slack", "C1")
        await subscribe(service, "discord", "42")
        recap_clock.now = NINE_NY + timedelta(minutes=1)
        assert len((await service.post_due()).posted) == 2
        blocks = str(slack.called("chat.postMessage")[0]["blocks"])
        assert "<https://brief.example.org/sources/" in blocks
        assert "#p-" in blocks
        assert "](https://brief.example.org/sources/" in str(discord.messages["42"][0]["embeds"])
    finally:
        await service.aclose()
