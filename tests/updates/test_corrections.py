"""Corrections in place, end to end, against the fake Slack and the fake Discord over HTTP,
on SQLite and PostgreSQL.

Posts are made for real (the posters against the fakes) and recorded with version 1; then
an editor corrects a claim (``! Correction:``) or withdraws one, version 2 is recorded, and:

- every recorded post that showed the claim is edited once (Slack chat.update, Discord
  PATCH) to show the corrected claim with "Corrected <date>: <the correction line>" (or the
  withdrawn claim marked "Withdrawn <date>"), and answered once in its thread (Slack
  thread_ts; Discord a reply referencing it); posts that did not show it are left alone;
- three instances (real processes, tests/updates/corrector.py), one SIGKILLed in the middle:
  no post edited twice, none missed;
- cron mode: ``python -m bot recap post-due`` (a real process) makes them, once;
- a deleted message is skipped and listed; a refused edit pauses that channel only.

The tests in this process hold the engine's wall clock (``wall``, fixed at ``T0``): the posts,
both versions and the corrections all read it, so "<date>" is ``T0``'s day whenever they run.
The real processes read real time.
"""

import asyncio
import re
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_dispatcher
from bot.content.dates import format_day
from bot.platforms.discord.poster import DiscordPoster
from bot.platforms.slack.poster import SlackPoster
from bot.recaps.posts import post_record
from bot.recaps.service import RecapService
from bot.recaps.state import utc_now
from bot.renderers.slack import render_slack
from bot.renderers.text import render_text
from bot.settings import Settings
from bot.storage.base import RecapStore
from bot.storage.connect import open_store
from bot.updates import history
from bot.updates.corrections import Corrections, skipped_lines
from bot.updates.recorder import VersionRecorder
from bot.web.changes import DatabaseVersions
from tests.fakes.discord import FakeDiscord
from tests.fakes.slack import Failure, FakeSlack
from tests.hermetic import clean_env, outside_checkout
from tests.recaps.conftest import FAST, Clock

OLD = "per The Epoch Times. {#numbers-13-pages}"
NEW = "per the Epoch Times report. {#numbers-13-pages}\n  ! Correction: It gave the wrong source."
CORRECTION_LINE = "It gave the wrong source."
LEASE_SECONDS = 2
T0 = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
CORRECTED_ON = format_day(T0.date())  # the day version 2 is recorded, on the wall clock at T0


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeSlack, FakeDiscord]]:
    slack, discord = await FakeSlack().start(), await FakeDiscord().start()
    yield slack, discord
    await slack.stop()
    await discord.stop()


@pytest.fixture
def wall() -> Clock:
    """The real-time clock of the engine in this process, fixed in the test's hands."""
    return Clock(T0)


def correct(summaries: Path) -> None:
    file = summaries / "numbers.md"
    text = file.read_text(encoding="utf-8")
    assert OLD in text
    file.write_text(text.replace(OLD, NEW, 1), encoding="utf-8")


def withdraw(summaries: Path, key: str) -> None:
    """Remove the claim ``{#key}`` and its quotes, in English and in Spanish."""
    for file in (summaries / "numbers.md", summaries / "es" / "numbers.md"):
        lines = file.read_text(encoding="utf-8").split("\n")
        start = next(n for n, line in enumerate(lines) if f"{{#{key}}}" in line)
        end = start + 1
        while end < len(lines) and lines[end].startswith("  "):
            end += 1
        del lines[start:end]
        file.write_text("\n".join(lines), encoding="utf-8")


@dataclass(frozen=True)
class Posted:
    platform: str
    workspace: str
    channel: str
    message_id: str
    shows: bool  # it showed the claim corrected or withdrawn


async def seed(
    url: str,
    content_dirs: tuple[Path, Path],
    fakes: tuple[FakeSlack, FakeDiscord],
    *,
    slack_channels: int = 6,
    discord_channels: int = 3,
    others: int = 2,
    posted_at: datetime | None = None,
    wall: Callable[[], datetime] = utc_now,
) -> list[Posted]:
    """Version 1 recorded; /numbers posted (and recorded) in Slack channels across
    workspaces and in Discord channels; /ruling, which shows no figure, in ``others`` more.
    Both at ``wall()`` (real time unless given), or the posts at ``posted_at`` if given.
    """
    fake_slack, fake_discord = fakes
    settings = Settings(
        seeds_dir=content_dirs[0],
        summaries_dir=content_dirs[1],
        database_url=url,
        _env_file=None,
    )
    dispatcher = build_dispatcher(settings)
    numbers, ruling = dispatcher.run_line("/numbers"), dispatcher.run_line("/ruling")
    assert "numbers-13-pages" in numbers.claims
    assert "numbers-13-pages" not in ruling.claims
    store = await open_store(url)
    slack = SlackPoster("xoxb-t", fake_slack.api_url, token_for=_token_for)
    discord = DiscordPoster(fake_discord.token, fake_discord.api_url)
    posted = []
    try:
        await history.record_version(store, dispatcher.store.current, wall())
        places = [("slack", f"T{n % 3}", f"C{n:03d}", True) for n in range(slack_channels)]
        places += [("discord", "G1", f"{800 + n}", True) for n in range(discord_channels)]
        places += [("slack", "T9", f"CR{n}", False) for n in range(others)]
        for platform, workspace, channel, shows in places:
            poster = slack if platform == "slack" else discord
            reply = numbers if shows else ruling
            message_id = await poster.post(workspace, channel, reply, f"seed-{channel}")
            await store.record_post(
                post_record(
                    platform=platform,
                    workspace=workspace,
                    channel=channel,
                    message_id=message_id,
                    kind="recap",
                    version=1,
                    reply=reply,
                    posted_at=posted_at or wall(),
                )
            )
            posted.append(Posted(platform, workspace, channel, message_id, shows))
    finally:
        await slack.aclose()
        await discord.aclose()
        await store.close()
    return posted


async def _token_for(workspace: str) -> str:
    return f"xoxb-{workspace}"


def edits(fakes: tuple[FakeSlack, FakeDiscord], post: Posted) -> list[dict]:  # type: ignore[type-arg]
    fake_slack, fake_discord = fakes
    if post.platform == "slack":
        return fake_slack.updates_of(post.channel, post.message_id)
    return fake_discord.edits_of(post.channel, post.message_id)


def thread(fakes: tuple[FakeSlack, FakeDiscord], post: Posted) -> list[dict]:  # type: ignore[type-arg]
    fake_slack, fake_discord = fakes
    if post.platform == "slack":
        return fake_slack.threads[(post.channel, post.message_id)]
    return fake_discord.replies_to(post.channel, post.message_id)


def shown_text(fakes: tuple[FakeSlack, FakeDiscord], post: Posted) -> str:
    """What the message says now, as its readers see it."""
    fake_slack, fake_discord = fakes
    if post.platform == "slack":
        message = fake_slack.message(post.channel, post.message_id)
        assert message is not None
        return str(message["blocks"])
    found = fake_discord.message(post.channel, post.message_id)
    assert found is not None
    return str(found["embeds"])


def each_once(fakes: tuple[FakeSlack, FakeDiscord], posts: list[Posted]) -> bool:
    return all(
        (len(edits(fakes, p)), len(thread(fakes, p))) == ((1, 1) if p.shows else (0, 0))
        for p in posts
    )


async def wait_for(condition, seconds: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return condition()


def settings_for(
    url: str, content_dirs: tuple[Path, Path], fakes: tuple[FakeSlack, FakeDiscord]
) -> Settings:
    fake_slack, fake_discord = fakes
    return Settings(
        seeds_dir=content_dirs[0],
        summaries_dir=content_dirs[1],
        database_url=url,
        slack_bot_token="xoxb-t",
        slack_signing_secret="s",
        slack_api_url=fake_slack.api_url,
        discord_token=fake_discord.token,
        discord_api_url=fake_discord.api_url,
        _env_file=None,
    )


async def correct_in_process(
    url: str,
    content_dirs: tuple[Path, Path],
    fakes: tuple[FakeSlack, FakeDiscord],
    wall: Clock,
) -> tuple[Corrections, RecapStore, RecapService]:
    """The engine in this process on ``wall``, on the edited content (recorded as version 2,
    at ``wall()``).
    """
    settings = settings_for(url, content_dirs, fakes)
    dispatcher = build_dispatcher(settings)
    service = dispatcher.services.recap_service
    assert service is not None
    service.policy = FAST
    service.wall = wall
    service.attach(
        posters={
            "slack": SlackPoster.from_settings(settings, token_for=_token_for),
            "discord": DiscordPoster.from_settings(settings),
        }
    )
    recorder = VersionRecorder(service.ready, service.wall)
    version = await recorder.settle(dispatcher.store.current)
    assert version is not None
    assert version.number == 2
    corrections = Corrections(service, service.ready, content=lambda: dispatcher.store.current)
    return corrections, await service.ready(), service


async def recap_list(
    url: str, content_dirs: tuple[Path, Path], fakes: tuple[FakeSlack, FakeDiscord], channel: str
) -> str:
    """``/recap list`` in ``channel``, as text (another instance's view of the database)."""
    dispatcher = build_dispatcher(settings_for(url, content_dirs, fakes))
    service = dispatcher.services.recap_service
    assert service is not None
    await service.ready()
    try:
        reply = await asyncio.to_thread(
            dispatcher.run_line, "/recap list", platform="slack", channel=channel
        )
    finally:
        await service.aclose()
    return render_text(reply)


async def test_a_correction_edits_every_post_that_showed_the_claim_once_with_one_reply(
    store_url: str,
    content_dirs: tuple[Path, Path],
    fakes: tuple[FakeSlack, FakeDiscord],
    wall: Clock,
) -> None:
    posts = await seed(store_url, content_dirs, fakes, wall=wall)
    correct(content_dirs[1])
    corrections, store, service = await correct_in_process(store_url, content_dirs, fakes, wall)
    try:
        report = await corrections.run_once()
        assert len(report.edited) == len(report.replied) == sum(p.shows for p in posts)
        assert each_once(fakes, posts)
        for post in posts:
            text = shown_text(fakes, post)
            if post.shows:
                assert f"Corrected {CORRECTED_ON}: {CORRECTION_LINE}" in text
                assert "per the Epoch Times report" in text
                assert "per The Epoch Times." not in text
                (answer,) = thread(fakes, post)
                assert CORRECTION_LINE in str(answer.get("blocks") or answer.get("embeds"))
            else:
                assert "Corrected" not in text
        again = await corrections.run_once()  # nothing left: nothing doubled
        assert (again.edited, again.replied) == ([], [])
        assert each_once(fakes, posts)
        done = await store.post_corrections(version=2)
        assert [c.status for c in done] == ["done"] * sum(p.shows for p in posts)
    finally:
        await service.aclose()


async def test_a_corrected_public_reply_keeps_its_page_buttons(
    store_url: str,
    content_dirs: tuple[Path, Path],
    fakes: tuple[FakeSlack, FakeDiscord],
    wall: Clock,
) -> None:
    """chat.update replaces every block: the public reply's buttons are read and sent again."""
    fake_slack, _ = fakes
    await seed(store_url, content_dirs, fakes, slack_channels=0, discord_channels=0, wall=wall)
    settings = Settings(seeds_dir=content_dirs[0], summaries_dir=content_dirs[1], _env_file=None)
    numbers = build_dispatcher(settings).run_line("/numbers")
    buttons = {"type": "actions", "elements": [{"type": "button", "action_id": "pg1:numbers:2"}]}
    client = AsyncWebClient(token="xoxb-T1", base_url=fake_slack.api_url)
    posted = await client.chat_postMessage(
        channel="CP", text="numbers", blocks=[*render_slack(numbers)["blocks"], buttons]
    )
    store = await open_store(store_url)
    try:
        await store.record_post(
            post_record(
                platform="slack",
                workspace="T1",
                channel="CP",
                message_id=str(posted["ts"]),
                kind="reply",
                version=1,
                reply=numbers,
                posted_at=wall(),
            )
        )
    finally:
        await store.close()
    correct(content_dirs[1])
    corrections, _, service = await correct_in_process(store_url, content_dirs, fakes, wall)
    try:
        report = await corrections.run_once()
        assert len(report.edited) == 1
        message = fake_slack.message("CP", str(posted["ts"]))
        assert message is not None
        assert f"Corrected {CORRECTED_ON}" in str(message["blocks"])
        assert message["blocks"][-1] == buttons
    finally:
        await service.aclose()


async def test_a_withdrawal_marks_the_claim_in_every_post_that_showed_it(
    store_url: str,
    content_dirs: tuple[Path, Path],
    fakes: tuple[FakeSlack, FakeDiscord],
    wall: Clock,
) -> None:
    posts = await seed(
        store_url, content_dirs, fakes, slack_channels=3, discord_channels=2, wall=wall
    )
    withdraw(content_dirs[1], "numbers-three-judges")
    corrections, _, service = await correct_in_process(store_url, content_dirs, fakes, wall)
    try:
        report = await corrections.run_once()
        assert len(report.edited) == sum(p.shows for p in posts)
        assert each_once(fakes, posts)
        for post in (p for p in posts if p.shows):
            text = shown_text(fakes, post)
            assert f"Withdrawn {CORRECTED_ON}" in text
            assert "D.C. Circuit panel" in text  # the withdrawn claim stays, marked
            assert "Withdrawn from the brief" in str(thread(fakes, post))
    finally:
        await service.aclose()


async def test_a_deleted_message_is_skipped_and_listed_and_a_refused_edit_pauses_its_channel(
    store_url: str,
    content_dirs: tuple[Path, Path],
    fakes: tuple[FakeSlack, FakeDiscord],
    wall: Clock,
) -> None:
    fake_slack, fake_discord = fakes
    posts = await seed(
        store_url, content_dirs, fakes, slack_channels=4, discord_channels=2, wall=wall
    )
    gone_slack, refused, *fine = [p for p in posts if p.platform == "slack" and p.shows]
    gone_discord, *fine_discord = [p for p in posts if p.platform == "discord"]
    fake_slack.delete(gone_slack.channel, gone_slack.message_id)
    fake_discord.delete(gone_discord.channel, gone_discord.message_id)
    fake_slack.refused_updates[refused.channel] = "cant_update_message"
    correct(content_dirs[1])
    corrections, store, service = await correct_in_process(store_url, content_dirs, fakes, wall)
    try:
        report = await corrections.run_once()
        assert sorted(report.skipped) == sorted(
            f"{p.platform}:{p.channel}/{p.message_id}@v2" for p in (gone_slack, gone_discord)
        )
        assert report.paused == [f"slack:{refused.channel}"]
        for post in [*fine, *fine_discord]:  # every other channel corrected
            assert (len(edits(fakes, post)), len(thread(fakes, post))) == (1, 1)
        assert thread(fakes, refused) == []
        listed = await store.skipped_corrections()
        assert {(c.detail, p.channel) for c, p in listed} == {
            ("message deleted", gone_slack.channel),
            ("message deleted", gone_discord.channel),
        }
        lines = await skipped_lines(service.ready)()  # for /changes
        assert len(lines) == 2
        assert all(line.endswith("v2: message deleted") for line in lines)
        assert any(line.startswith(f"slack:{gone_slack.channel} ") for line in lines)
        web = DatabaseVersions(lambda: open_store(store_url))  # python -m bot web's reading
        try:
            assert await web.skipped() == []  # not opened yet: nothing read
            await web()
            assert sorted(await web.skipped()) == sorted(lines)
        finally:
            await web.aclose()
        pauses = await store.correction_pauses()
        assert list(pauses) == [("slack", refused.channel)]
        assert pauses[("slack", refused.channel)][0] == "cant_update_message"
        assert (await corrections.run_once()).edited == []  # paused: not tried again at once
        listed = await recap_list(store_url, content_dirs, fakes, refused.channel)
        assert "Corrections in place are PAUSED in this channel" in listed
        assert "cant_update_message" in listed
        assert "PAUSED" not in await recap_list(store_url, content_dirs, fakes, fine[0].channel)
        # An hour later the channel is tried again; allowed now, it is corrected and resumed.
        del fake_slack.refused_updates[refused.channel]
        await store.resume_corrections("slack", refused.channel)
        await store.pause_corrections(
            "slack", refused.channel, "cant_update_message", wall() - timedelta(hours=2)
        )
        assert len((await corrections.run_once()).edited) == 1
        assert (len(edits(fakes, refused)), len(thread(fakes, refused))) == (1, 1)
        assert await store.correction_pauses() == {}
    finally:
        await service.aclose()


async def test_posts_older_than_the_limit_are_skipped(
    store_url: str,
    content_dirs: tuple[Path, Path],
    fakes: tuple[FakeSlack, FakeDiscord],
    wall: Clock,
) -> None:
    long_ago = wall() - timedelta(days=91)
    posts = await seed(
        store_url,
        content_dirs,
        fakes,
        slack_channels=2,
        discord_channels=0,
        posted_at=long_ago,
        wall=wall,
    )
    correct(content_dirs[1])
    corrections, store, service = await correct_in_process(store_url, content_dirs, fakes, wall)
    try:
        report = await corrections.run_once()
        assert report.edited == []
        assert len(report.skipped) == 2
        assert all(edits(fakes, p) == [] for p in posts)
        assert {c.detail for c, _ in await store.skipped_corrections()} == {"older than 90 days"}
    finally:
        await service.aclose()


# --- real processes ---------------------------------------------------------------------------
def environment(
    url: str, content_dirs: tuple[Path, Path], fakes: tuple[FakeSlack, FakeDiscord]
) -> dict[str, str]:
    fake_slack, fake_discord = fakes
    return clean_env(
        SEEDS_DIR=str(content_dirs[0]),
        SUMMARIES_DIR=str(content_dirs[1]),
        DATABASE_URL=url,
        SLACK_BOT_TOKEN="xoxb-t",
        SLACK_SIGNING_SECRET="s",
        SLACK_API_URL=fake_slack.api_url,
        DISCORD_TOKEN=fake_discord.token,
        DISCORD_API_URL=fake_discord.api_url,
        LOG_LEVEL="WARNING",
        RECAP_CONCURRENCY="4",
        RECAP_CLAIM_LEASE_SECONDS=str(LEASE_SECONDS),
    )


async def start_corrector(env: dict[str, str], cwd: Path, go: Path) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.updates.corrector",
        str(go),
        cwd=outside_checkout(cwd),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    if line.strip() != b"ready":
        assert process.stderr is not None
        raise AssertionError((line + await process.stderr.read()).decode())
    return process


async def test_three_instances_one_sigkilled_no_post_edited_twice_none_missed(
    store_url: str,
    content_dirs: tuple[Path, Path],
    fakes: tuple[FakeSlack, FakeDiscord],
    tmp_path: Path,
) -> None:
    fake_slack, _ = fakes
    posts = await seed(store_url, content_dirs, fakes, slack_channels=45, discord_channels=15)
    correct(content_dirs[1])
    fake_slack.update_delay = 0.1  # the corrections take long enough to be interrupted
    env = environment(store_url, content_dirs, fakes)
    go = tmp_path / "go"
    instances = [await start_corrector(env, tmp_path, go) for _ in range(3)]
    try:
        go.touch()
        assert await wait_for(lambda: len(fake_slack.called("chat.update")) >= 8, 60)
        victim = instances[0]
        victim.send_signal(signal.SIGKILL)
        await victim.wait()
        showing = [p for p in posts if p.shows]
        assert sum(bool(edits(fakes, p)) for p in showing) < len(showing), "ended before the kill"
        assert await wait_for(lambda: each_once(fakes, posts), 90), [
            (p.channel, len(edits(fakes, p)), len(thread(fakes, p))) for p in posts
        ]
        await asyncio.sleep(LEASE_SECONDS + 1.5)  # time for any wrong second edit to show
        assert each_once(fakes, posts)  # none twice, none missed
        store = await open_store(store_url)
        try:
            done = await store.post_corrections(version=2)
        finally:
            await store.close()
        assert [c.status for c in done] == ["done"] * len(showing)
        assert len({c.claimed_by.split(":")[1] for c in done}) >= 2
    finally:
        for process in instances[1:]:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in instances[1:]:
            await asyncio.wait_for(process.wait(), 30)


async def test_cron_mode_post_due_makes_the_corrections_once(
    store_url: str,
    content_dirs: tuple[Path, Path],
    fakes: tuple[FakeSlack, FakeDiscord],
    tmp_path: Path,
) -> None:
    posts = await seed(store_url, content_dirs, fakes, slack_channels=3, discord_channels=0)
    withdraw(content_dirs[1], "numbers-three-judges")
    env = environment(store_url, content_dirs, fakes)
    env.pop("DISCORD_TOKEN")

    async def post_due() -> str:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "recap",
            "post-due",
            cwd=outside_checkout(tmp_path),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, err.decode()
        return out.decode()

    first = await post_due()
    assert re.search(r"corrections: 3 edited, 3 answered in their thread", first), first
    second = await post_due()
    assert re.search(r"corrections: 0 edited, 0 answered in their thread", second), second
    assert each_once(fakes, posts)


async def test_an_edit_and_a_reply_whose_outcome_is_unknown_are_checked_not_doubled(
    store_url: str,
    content_dirs: tuple[Path, Path],
    fakes: tuple[FakeSlack, FakeDiscord],
    wall: Clock,
) -> None:
    """Slack applies the edit, then answers 500; the reply lands, then a 500 too: the engine
    looks (the message's marker, the thread) before trying again, and sends neither twice.
    """
    fake_slack, _ = fakes
    posts = await seed(
        store_url, content_dirs, fakes, slack_channels=1, discord_channels=0, others=0, wall=wall
    )
    (post,) = posts
    error = {"ok": False, "error": "internal_error"}
    fake_slack.update_failures[post.channel].append(Failure(500, error, accept=True))
    fake_slack.channel_failures[post.channel].append(Failure(500, error, accept=True))
    correct(content_dirs[1])
    corrections, _, service = await correct_in_process(store_url, content_dirs, fakes, wall)
    try:
        report = await corrections.run_once()
        assert (len(report.edited), len(report.replied)) == (1, 1)
        assert len(edits(fakes, post)) == 1  # the one that landed; none after it
        assert len(thread(fakes, post)) == 1
        assert fake_slack.called("conversations.history")  # the message was looked at
        assert fake_slack.called("conversations.replies")  # and its thread
        assert f"Corrected {CORRECTED_ON}: {CORRECTION_LINE}" in shown_text(fakes, post)
    finally:
        await service.aclose()
