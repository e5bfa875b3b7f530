"""Update posts on the real store (SQLite, and PostgreSQL with TEST_DATABASE_URL), through the
real Slack and Discord posters against the fakes: one post per (subscription, version),
never the version a channel subscribed at, a burst in one post, corrections first, in the
subscription's language, a permanent error pausing only its subscription, an unknown
outcome checked before posting again.
"""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.dispatch import Dispatcher
from bot.core.reply import Reply
from bot.recaps.schedule import Schedule
from bot.recaps.service import RecapService, RunReport
from bot.storage.updates import UPDATE_TIMEZONE, UPDATES
from bot.updates.announce import Announcer, update_marker
from bot.updates.recorder import VersionRecorder
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import Failure, FakeSlack
from tests.recaps.conftest import (  # the recap suite's fixtures: fakes, both stores
    Clock,
    build_service,
    database_url,
    fakes,
    postgres_url,
)
from tests.updates.edits import APPEAL, CORRECTED, CORRECTION_LINE, PANEL, RECORD, REWORDED, edit

__all__ = ["database_url", "fakes", "postgres_url"]
UPDATES_SCHEDULE = Schedule(UPDATES, "", UPDATE_TIMEZONE)
T0 = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
QUIET = timedelta(seconds=120)


class Bot:
    """A recap service with update posts, its wall clock in the test's hands."""

    def __init__(
        self, service: RecapService, wall: Clock, dispatcher: Dispatcher, summaries: Path
    ) -> None:
        self.service, self.wall, self.dispatcher, self.summaries = (
            service,
            wall,
            dispatcher,
            summaries,
        )
        self.recorder = VersionRecorder(service.ready, service.wall)

    async def edit(self, change: tuple[str, str, str]) -> None:
        edit(self.summaries, change)
        assert self.dispatcher.store.reload() == ()

    async def run(self, after: timedelta = timedelta(0)) -> RunReport:
        """What ``run`` does on each turn: the content serving recorded (a new version if it
        changed), then everything due posted.
        """
        self.wall.now += after
        await self.recorder.settle(self.dispatcher.store.current)
        return await self.service.post_due(self.wall.now)

    async def follow(self, platform: str, channel: str, lang: str = "en") -> int:
        sub, _ = await self.service.subscribe(
            platform, "", channel, UPDATES_SCHEDULE, "U1", lang=lang
        )
        return sub.id


@pytest.fixture
async def bot(
    database_url: str,
    dispatcher: Dispatcher,
    fakes: tuple[FakeSlack, FakeDiscord],
    content_dirs: tuple[Path, Path],
) -> AsyncIterator[Bot]:
    wall = Clock(T0)
    service = build_service(database_url, dispatcher, Clock(T0), fakes, wall=wall)
    service.add_due_work(Announcer(service, quiet=QUIET).run_due)
    await service.ready()
    yield Bot(service, wall, dispatcher, content_dirs[1])
    await service.aclose()


def slack_posts(slack: FakeSlack) -> list[dict[str, Any]]:
    return slack.called("chat.postMessage")


def text_of(post: dict[str, Any]) -> str:
    return str(post.get("blocks")) + str(post.get("text"))


def discord_posts(discord: FakeDiscord, channel: str) -> list[dict[str, Any]]:
    return [m for m in discord.messages[channel] if m.get("nonce")]


async def test_an_edit_reaches_every_updates_channel_once_after_the_quiet(
    bot: Bot, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    slack, discord = fakes
    await bot.run()  # the content served is version 1
    first, second = await bot.follow("slack", "C1"), await bot.follow("slack", "C2")
    await bot.follow("discord", "900")
    assert (await bot.run(QUIET * 2)).posted == []  # the version subscribed at: never announced

    await bot.edit(REWORDED)
    assert (await bot.run()).posted == []  # version 2, but the content is not quiet yet
    report = await bot.run(QUIET)
    assert sorted(report.posted) == ["discord:900@v2", "slack:C1@v2", "slack:C2@v2"]
    assert slack.posts_by_channel() == {"C1": 1, "C2": 1}
    assert len(discord_posts(discord, "900")) == 1
    assert discord.post_attempts["900"] == 1
    post = slack_posts(slack)[0]
    assert "decision is appealed, or to which court" in text_of(post)  # the new wording
    assert "(was: " in text_of(post)  # and the old
    assert "washington-report" in text_of(post) or "Washington" in text_of(post)  # cited
    assert "As of" in text_of(post) or "as of" in text_of(post)
    assert post["metadata"]["event_payload"]["slot"] in {
        update_marker(first, 2),
        update_marker(second, 2),
    }
    embed = discord_posts(discord, "900")[0]["embeds"]
    assert "Changed" in str(embed)

    assert (await bot.run(QUIET)).posted == []  # once
    assert len(slack_posts(slack)) == 2
    posts = await bot.service.store.update_deliveries()
    assert sorted((p.version, p.since_version, p.status) for p in posts) == [(2, 1, "sent")] * 3
    # Each post is recorded with the claims it showed, for corrections in place (issue 18c).
    recorded = await bot.service.store.posts_to_correct([APPEAL], 3)
    assert sorted((p.kind, p.version, p.channel) for p in recorded) == [
        ("update", 2, "900"),
        ("update", 2, "C1"),
        ("update", 2, "C2"),
    ]
    assert {p.message_id for p in recorded} >= {m["ts"] for m in slack.history["C1"]}


async def test_a_burst_of_three_edits_within_the_quiet_period_is_one_post(
    bot: Bot, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    slack, _ = fakes
    await bot.run()
    await bot.follow("slack", "C1")
    for change in (REWORDED, RECORD, PANEL):
        await bot.edit(change)
        assert (await bot.run(QUIET / 3)).posted == []  # versions 2, 3, 4, 40 s apart
    report = await bot.run(QUIET)
    assert report.posted == ["slack:C1@v4"]
    (post,) = slack_posts(slack)
    text = text_of(post)
    for words in ("or to which court", "had said it would add", "Both reports describe"):
        assert words in text
    assert (await bot.run(QUIET)).posted == []


async def test_a_channel_subscribed_after_an_edit_hears_only_of_later_ones(
    bot: Bot, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    slack, _ = fakes
    await bot.run()
    await bot.edit(REWORDED)
    await bot.run()  # version 2 recorded
    await bot.follow("slack", "C1")  # at version 2
    assert (await bot.run(QUIET)).posted == []
    await bot.edit(RECORD)
    await bot.run()
    assert (await bot.run(QUIET)).posted == ["slack:C1@v3"]
    assert "or to which court" not in text_of(slack_posts(slack)[0])


async def test_corrections_come_first_labelled_with_what_was_wrong(
    bot: Bot, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    slack, _ = fakes
    await bot.run()
    await bot.follow("slack", "C1")
    await bot.edit(RECORD)
    await bot.edit(REWORDED)
    await bot.edit(CORRECTED)
    await bot.run()
    assert (await bot.run(QUIET)).posted == ["slack:C1@v2"]
    text = text_of(slack_posts(slack)[0])
    assert text.index("Correction") < text.index("had said it would add")
    assert CORRECTION_LINE in text


async def test_a_spanish_subscription_gets_its_post_in_spanish(
    bot: Bot, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    slack, _ = fakes
    await bot.run()
    await bot.follow("slack", "C1", lang="es")
    await bot.edit(REWORDED)
    await bot.run()
    await bot.run(QUIET)
    text = text_of(slack_posts(slack)[0])
    assert "El informe cambió" in text
    assert "Qué cambió" in text
    assert "no dice qué decisión se apela" in text  # the Spanish claim with the same id
    assert "la redacción anterior, en inglés" in text  # its earlier wording, said to be English
    assert "Se modificó" in text
    assert "Traducción" in text  # each quote with the editors' rendering, labelled


async def test_a_permanent_error_pauses_only_that_subscription(
    bot: Bot, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    slack, _ = fakes
    await bot.run()
    gone = await bot.follow("slack", "C1")
    await bot.follow("slack", "C2")
    slack.channel_failures["C1"].append(Failure(200, {"ok": False, "error": "channel_not_found"}))
    await bot.edit(REWORDED)
    await bot.run()
    report = await bot.run(QUIET)
    assert report.posted == ["slack:C2@v2"]
    assert report.failed == ["slack:C1@v2"]
    listing = {sub.id: (sub, last) for sub, _, last in await bot.service.listing("slack")}
    sub, last = listing[gone]
    assert sub.paused_reason is not None
    assert "channel_not_found" in sub.paused_reason
    assert last is not None
    assert last.status == "failed"


async def test_an_unknown_outcome_is_checked_in_the_channel_before_posting_again(
    bot: Bot, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    slack, _ = fakes
    await bot.run()
    await bot.follow("slack", "C1")
    slack.channel_failures["C1"].append(
        Failure(500, {"ok": False, "error": "internal_error"}, accept=True)
    )
    await bot.edit(REWORDED)
    await bot.run()
    assert (await bot.run(QUIET)).posted == ["slack:C1@v2"]
    assert len(slack.history["C1"]) == 1  # landed once: found, not posted again
    assert len(slack.called("conversations.history")) >= 1


async def test_a_dead_instance_s_update_claims_are_taken_over_checked_and_posted_once(
    bot: Bot, fakes: tuple[FakeSlack, FakeDiscord]
) -> None:
    """Claims left by an instance that died: once their lease ran out, one taker looks for
    each post in its channel, records the one that landed and posts the one that did not.
    """
    slack, _ = fakes
    await bot.run()
    first, second = await bot.follow("slack", "C1"), await bot.follow("slack", "C2")
    await bot.edit(REWORDED)
    await bot.run()  # version 2 recorded; not quiet yet
    store, wall = bot.service.store, bot.wall.now
    for sub in (first, second):  # claimed by an instance that then died ...
        assert await store.claim_update(sub, 1, 2, "dead:1:1", wall, wall + timedelta(seconds=5))
    poster = bot.service.posters["slack"]  # ... after posting to C2 only
    await poster.post("", "C2", Reply("The brief changed"), update_marker(second, 2))
    report = await bot.run(QUIET)  # past the lease
    assert report.posted == ["slack:C1@v2"]
    assert report.recovered == ["slack:C2@v2"]
    assert slack.posts_by_channel() == {"C1": 1, "C2": 1}
    rows = {d.subscription_id: d for d in await store.update_deliveries()}
    assert rows[first].status == "sent"
    assert (rows[second].status, rows[second].detail) == (
        "sent",
        "confirmed in the channel after a crash",
    )
    recorded = await store.posts_to_correct([APPEAL], 3)
    assert sorted(p.channel for p in recorded) == ["C1", "C2"]
    assert (await bot.run(QUIET)).posted == []
