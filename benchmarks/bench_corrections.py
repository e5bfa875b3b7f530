"""Corrections in place: one correction touching POSTS recorded posts in WORKSPACES workspaces.

Setup: version 1 recorded; /numbers posted in POSTS Slack channels spread over WORKSPACES
workspaces (each its own bot token) and recorded; then an editor corrects a claim that
/numbers shows (``! Correction:``). The fake Slack then limits, per workspace, chat.update to
EDITS_PER_SECOND and chat.postMessage to POSTS_PER_SECOND (and one message per second per
channel), answering 429 + Retry-After beyond, as Slack does.

Measured, in the same run:
1. ours: real instances (tests/updates/corrector.py: the recorder records version 2, the
   engine edits every post and answers it in its thread), from the go signal until every
   post has its one edit and its one thread reply; each workspace paced at the fake's edit
   limit divided by the instances (just under, to leave the limiter its jitter);
2. the platform-limit floor: posts per workspace / EDITS_PER_SECOND (the edits are the
   binding limit; the thread replies, one per channel, fit within POSTS_PER_SECOND);
3. a bare loop of chat.update calls: per workspace, one loop editing its messages one after
   the other at the same limit, no database, no claims, no thread replies, no checks.
Duplicates (a post edited or answered twice) and misses are counted from what the fake got.

Usage: python benchmarks/bench_corrections.py [--posts 1000] [--workspaces 50]
           [--edits-per-second 2] [--instances 1]
"""

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from benchmarks.common import machine
from bot.app import build_dispatcher
from bot.platforms.slack.poster import SlackPoster
from bot.recaps.posts import post_record
from bot.settings import Settings
from bot.storage.connect import open_store
from bot.updates import history
from tests.fakes.slack import FakeSlack
from tests.hermetic import clean_env

ROOT = Path(__file__).resolve().parent.parent
PACED = 0.9  # of the fake's limit: room for the jitter of a shared machine
OLD = "per The Epoch Times. {#numbers-13-pages}"
NEW = "per the Epoch Times report. {#numbers-13-pages}\n  ! Correction: It gave the wrong source."


@contextlib.asynccontextmanager
async def database(tmp: Path) -> AsyncIterator[str]:
    """A fresh PostgreSQL schema (TEST_DATABASE_URL) or SQLite file, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base:
        yield f"sqlite:///{tmp / f'{uuid.uuid4().hex}.sqlite3'}"
        return
    import psycopg

    schema = f"bench_corr_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")  # type: ignore[arg-type]
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")  # type: ignore[arg-type]


def workspace_of(n: int, workspaces: int) -> str:
    return f"W{n % workspaces:02d}"


async def _token_for(workspace: str) -> str:
    return f"xoxb-{workspace}"


async def seed(
    url: str, seeds: Path, summaries: Path, fake: FakeSlack, args: argparse.Namespace
) -> list[tuple[str, str, str]]:
    """Version 1, and /numbers posted (for real, to the fake) and recorded in every channel."""
    settings = Settings(seeds_dir=seeds, summaries_dir=summaries, database_url=url, _env_file=None)
    dispatcher = build_dispatcher(settings)
    reply = dispatcher.run_line("/numbers")
    store = await open_store(url)
    poster = SlackPoster("xoxb-t", fake.api_url, token_for=_token_for, workspace_rate=1000)
    posted: list[tuple[str, str, str]] = []
    try:
        await history.record_version(store, dispatcher.store.current, datetime.now(UTC))

        async def one(n: int) -> None:
            workspace, channel = workspace_of(n, args.workspaces), f"C{n:05d}"
            ts = await poster.post(workspace, channel, reply, f"seed-{n}")
            await store.record_post(
                post_record(
                    platform="slack",
                    workspace=workspace,
                    channel=channel,
                    message_id=ts,
                    kind="recap",
                    version=1,
                    reply=reply,
                    posted_at=datetime.now(UTC),
                )
            )
            posted.append((workspace, channel, ts))

        for start in range(0, args.posts, 100):
            await asyncio.gather(*(one(n) for n in range(start, min(args.posts, start + 100))))
    finally:
        await poster.aclose()
        await store.close()
    return posted


def done(fake: FakeSlack, posted: list[tuple[str, str, str]]) -> tuple[int, int, int]:
    """(posts edited and answered, duplicates, posts not yet complete)."""
    edits: dict[tuple[str, str], int] = {}
    for args in fake.called("chat.update"):
        key = (str(args.get("channel")), str(args.get("ts")))
        edits[key] = edits.get(key, 0) + 1
    complete = duplicates = 0
    for _, channel, ts in posted:
        count = edits.get((channel, ts), 0)
        replies = len(fake.threads[(channel, ts)])
        duplicates += max(0, count - 1) + max(0, replies - 1)
        complete += count >= 1 and replies >= 1
    return complete, duplicates, len(posted) - complete


async def ours(args: argparse.Namespace, tmp: Path) -> list[str]:
    seeds, summaries = tmp / "seeds", tmp / "summaries"
    shutil.copytree(ROOT / "seeds", seeds)
    shutil.copytree(ROOT / "summaries", summaries)
    fake = await FakeSlack().start()
    fake.teams = {f"xoxb-W{w:02d}": f"W{w:02d}" for w in range(args.workspaces)}
    processes: list[asyncio.subprocess.Process] = []
    lines = []
    try:
        async with database(tmp) as url:
            posted = await seed(url, seeds, summaries, fake, args)
            numbers = summaries / "numbers.md"
            numbers.write_text(
                numbers.read_text(encoding="utf-8").replace(OLD, NEW, 1), encoding="utf-8"
            )
            fake.calls.clear()
            # --paced-only: the fake enforces no edit limit, our pacing alone keeps to it
            fake.updates_per_second = None if args.paced_only else args.edits_per_second
            fake.workspace_per_second = args.posts_per_second
            fake.channel_interval = 1.0
            go = tmp / f"go-{uuid.uuid4().hex}"
            env = clean_env(
                SEEDS_DIR=str(seeds),
                SUMMARIES_DIR=str(summaries),
                DATABASE_URL=url,
                SLACK_BOT_TOKEN="xoxb-t",
                SLACK_SIGNING_SECRET="s",
                SLACK_API_URL=fake.api_url,
                LOG_LEVEL="WARNING",
                RECAP_SLACK_WORKSPACE_RATE=str(args.posts_per_second / args.instances * 0.95),
                CORRECTOR_EDIT_RATE=str(args.edits_per_second / args.instances * PACED),
            )
            for _ in range(args.instances):
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "tests.updates.corrector",
                    str(go),
                    cwd=tmp,
                    env=env,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.DEVNULL,
                )
                processes.append(process)
            for process in processes:
                assert process.stdout is not None
                assert (await asyncio.wait_for(process.stdout.readline(), 120)).strip() == b"ready"
            go.touch()
            started = time.perf_counter()
            deadline = started + args.timeout
            while done(fake, posted)[2] and time.perf_counter() < deadline:  # noqa: ASYNC110 - polls the fake
                await asyncio.sleep(0.1)  # the fake shares this process: look now and then
            elapsed = time.perf_counter() - started
            await asyncio.sleep(1.0)  # any duplicate would show now
            complete, duplicates, missed = done(fake, posted)
            floor = (args.posts / args.workspaces) / args.edits_per_second
            lines.append(
                f"ours, {args.instances} instance(s), "
                f"{'PostgreSQL' if url.startswith('postgres') else 'SQLite'}: "
                f"{args.posts} posts edited and answered in {elapsed:.2f} s; "
                f"platform-limit floor {floor:.2f} s (ratio {elapsed / floor:.2f}x); "
                f"429s met {fake.updates_rejected + fake.rejected}; duplicates {duplicates}; "
                f"misses {missed} (complete {complete})"
            )
            bare, limited = await bare_loop(fake, posted, args)
            lines.append(
                f"bare loop of chat.update at the same limit (no database, no thread replies): "
                f"{bare:.2f} s, 429s met {limited} (ours / bare {elapsed / bare:.2f}x)"
            )
    finally:
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
        await fake.stop()
    return lines


async def bare_loop(
    fake: FakeSlack, posted: list[tuple[str, str, str]], args: argparse.Namespace
) -> float:
    """Per workspace, chat.update of each of its messages in turn, at the fake's limit."""
    await asyncio.sleep(1.1)  # the fake's windows empty
    by_workspace: dict[str, list[tuple[str, str]]] = {}
    for workspace, channel, ts in posted:
        by_workspace.setdefault(workspace, []).append((channel, ts))
    interval = 1 / (args.edits_per_second * PACED)
    limited: list[str] = []

    async def loop(workspace: str, messages: list[tuple[str, str]]) -> None:
        client = AsyncWebClient(token=f"xoxb-{workspace}", base_url=fake.api_url, retry_handlers=[])
        next_at = time.perf_counter()
        for channel, ts in messages:
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            next_at += interval
            while True:
                try:
                    await client.chat_update(channel=channel, ts=ts, text="edited", blocks=[])
                    break
                except SlackApiError as error:  # a 429: wait as told, then again
                    if error.response.status_code != 429:
                        raise
                    limited.append(workspace)
                    await asyncio.sleep(float(error.response.headers.get("Retry-After", 1)))

    started = time.perf_counter()
    await asyncio.gather(*(loop(w, m) for w, m in by_workspace.items()))
    return time.perf_counter() - started, len(limited)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--workspaces", type=int, default=50)
    parser.add_argument("--edits-per-second", type=int, default=2)
    parser.add_argument("--posts-per-second", type=int, default=20)
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=300)
    parser.add_argument("--paced-only", action="store_true")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    print(
        f"{args.posts} posts, {args.workspaces} workspaces; fake Slack per workspace: "
        f"chat.update {args.edits_per_second}/s"
        f"{' (not enforced: --paced-only)' if args.paced_only else ''}, "
        f"chat.postMessage {args.posts_per_second}/s, 1 message/s per channel"
    )
    with tempfile.TemporaryDirectory() as folder:
        for line in await ours(args, Path(folder)):
            print(line)


if __name__ == "__main__":
    asyncio.run(main())
