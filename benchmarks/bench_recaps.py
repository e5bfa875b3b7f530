"""Recaps: multi-instance fan-out against a rate-limited fake Slack, scheduler lag, /recap list.

1. Fan-out: CHANNELS channels over WORKSPACES workspaces (each its own bot token). The fake
   Slack allows one message per second per channel and PER_WORKSPACE per second per
   workspace, answering 429 + Retry-After beyond that, as Slack does. Baseline: the
   theoretical minimum for those limits (channels per workspace / PER_WORKSPACE). Runs with
   1 and 3 instances (real processes, tests/recaps/instance.py) on one database (PostgreSQL
   from TEST_DATABASE_URL, else SQLite), and with 3 where one is killed (SIGKILL) midway.
   Duplicates and losses are counted from what the fake received; both must be 0.
2. Scheduler: event-loop lag (a 10 ms sleeper's overshoot) with SUBSCRIPTIONS subscriptions in
   the database and the recap runner on, idle and during a fan-out; baseline: the same
   sampler with no runner.
3. `/recap list` through the real handler (worker thread -> service loop) with
   SUBSCRIPTIONS subscriptions in the database.

4. ``--pressure`` (issue 21), each on SQLite and, with TEST_DATABASE_URL, PostgreSQL, each
   with the fake Slack counting every channel's posts (lost and duplicated ones):
   - 2,000 and 10,000 channels over 50 workspaces, pacing out of the way, ``python -m bot
     recap post-due`` against a bare slack_sdk loop posting the same payload to the same fake
     with the same concurrency and no database (benchmarks/bare_slack_loop.py), run in the
     same run; time is the fake's, from the first post landing to the last;
   - the same with the fake answering each post in 100 ms, as Slack takes about that long:
     there the platform, not the CPU, bounds both;
   - the 429 storm: 40 channels in one workspace, every third post answered 429 with
     Retry-After: 1, default settings; its floor is the time the platform said to wait (the
     union of the Retry-After windows it handed out);
   - sporadic 429s: 10,000 channels over 50 workspaces, one post in 50 answered 429 with
     Retry-After: 1, at the default workspace rate; floor: the slowest workspace's posts at
     that rate plus its Retry-Afters;
   - SIGKILL: ``post-due`` killed mid fan-out of 200 channels, then ``post-due`` every 10 s
     (the runner's wake-up) with default settings: seconds from the kill to the last post.

Usage: python benchmarks/bench_recaps.py --pressure [--skip-10000]
       python benchmarks/bench_recaps.py [--channels 1000] [--workspaces 50]
           [--per-workspace 50] [--subscriptions 10000]
       python benchmarks/bench_recaps.py --post-latency 0.2 --concurrency 10 --fan-out-only
           (latency-bound: where instances add throughput)
"""

import argparse
import asyncio
import contextlib
import logging
import os
import resource
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import fmt, machine, percentiles
from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.core.registry import User
from bot.platforms.slack.poster import SlackPoster
from bot.recaps.runner import RecapRunner
from bot.recaps.schedule import Schedule
from bot.settings import Settings
from bot.storage.base import RecapStore
from bot.storage.connect import open_store
from tests.fakes.slack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
SLOT = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)
DAILY = Schedule("daily", "09:00", "America/New_York")
LEASE_SECONDS = 15


@contextlib.asynccontextmanager
async def database(tmp: Path) -> AsyncIterator[str]:
    """A fresh PostgreSQL schema (TEST_DATABASE_URL) or SQLite file, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base:
        yield f"sqlite:///{tmp / f'{uuid.uuid4().hex}.sqlite3'}"
        return
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")  # type: ignore[arg-type]
    try:
        yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")  # type: ignore[arg-type]


async def fill(store: RecapStore, channels: int, workspaces: int, *, minute_every: int = 0) -> None:
    """``channels`` daily subscriptions due at SLOT, spread over workspaces W00..; with
    ``minute_every`` > 0, one in that many is an every-minute cron instead.
    """

    async def add(i: int) -> None:
        frequency, at = (
            ("* * * * *", "")
            if minute_every and i % minute_every == 0
            else (DAILY.frequency, DAILY.time)
        )
        await store.add_subscription(
            "slack",
            f"W{i % workspaces:02d}",
            f"C{i:05d}",
            frequency,
            at,
            DAILY.timezone,
            next_due=SLOT,
            now=SLOT - timedelta(days=1),
        )

    for start in range(
        0, channels, 20
    ):  # a few at once: the PostgreSQL pool has several connections
        await asyncio.gather(*(add(i) for i in range(start, min(start + 20, channels))))


def instance_env(fake: FakeSlack, url: str, rate: float, concurrency: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "RECAP"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=url,
        LOG_LEVEL="ERROR",
        RECAP_SLACK_WORKSPACE_RATE=str(rate),
        RECAP_CONCURRENCY=str(concurrency),
        RECAP_CLAIM_LEASE_SECONDS=str(LEASE_SECONDS),
        PYTHONPATH=str(ROOT),
    )
    return env


async def fan_out(args: argparse.Namespace, tmp: Path, instances: int, kill: bool) -> str:
    fake = await FakeSlack().start()
    fake.channel_interval = 1.0
    fake.workspace_per_second = args.per_workspace
    fake.post_delay = args.post_latency  # how long the platform takes to answer a post
    fake.teams = {f"xoxb-W{w:02d}": f"W{w:02d}" for w in range(args.workspaces)}
    go = tmp / f"go-{uuid.uuid4().hex}"
    processes: list[asyncio.subprocess.Process] = []
    try:
        async with database(tmp) as url:
            store = await open_store(url)
            await fill(store, args.channels, args.workspaces)
            await store.close()
            # Each instance paces a workspace at its share of the limit, so together they fit it.
            env = instance_env(fake, url, args.per_workspace / instances, args.concurrency)
            for _ in range(instances):
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "tests.recaps.instance",
                    (SLOT + timedelta(seconds=30)).isoformat(),
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
            killed_at = None
            deadline = started + args.timeout
            while len(fake.posts_by_channel()) < args.channels and time.perf_counter() < deadline:
                if (
                    kill
                    and killed_at is None
                    and len(fake.posts_by_channel()) >= args.channels // 2
                ):
                    processes[0].send_signal(signal.SIGKILL)
                    killed_at = time.perf_counter() - started
                await asyncio.sleep(0.02)
            elapsed = time.perf_counter() - started
            await asyncio.sleep(1.0)  # any duplicate would show now
            counts = fake.posts_by_channel()
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
    duplicates = sum(n - 1 for n in counts.values() if n > 1)
    losses = args.channels - len(counts)
    minimum = (args.channels / args.workspaces) / args.per_workspace
    label = f"{instances} instance(s)" + (
        f", one SIGKILLed at {killed_at:.1f} s" if kill and killed_at else ""
    )
    return (
        f"fan-out {args.channels} channels / {args.workspaces} workspaces, {label}: {elapsed:.2f} "
        f"s; "
        f"theoretical minimum {minimum:.2f} s (ratio {elapsed / minimum:.1f}x); 429s met "
        f"{fake.rejected}; "
        f"duplicates {duplicates}; losses {losses}"
    )


class Counted:
    """The recap service's observer here: collects the outcomes."""

    def __init__(self, outcomes: list[str]) -> None:
        self.outcomes = outcomes

    def delivered(self, outcome: str) -> None:
        self.outcomes.append(outcome)

    def rate_limited(self, platform: str) -> None:
        pass


async def lag_samples(seconds: float) -> list[float]:
    """Overshoot of a 10 ms sleep, in ms: how long the loop was busy elsewhere."""
    samples = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        samples.append((time.perf_counter() - before - 0.01) * 1000)
    return samples


FAKE_PROCESS = """
import asyncio, sys
from tests.fakes.slack import FakeSlack
async def main():
    fake = await FakeSlack().start()
    print(fake.api_url, flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
asyncio.run(main())
"""


async def fake_in_process() -> tuple[str, asyncio.subprocess.Process]:
    """A fake Slack in its own process, so its work does not count as our loop's lag."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        FAKE_PROCESS,
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    return (await process.stdout.readline()).decode().strip(), process


async def scheduler_and_list(args: argparse.Namespace, tmp: Path) -> list[str]:
    lines = []
    api_url, fake = await fake_in_process()  # unlimited: this measures our side
    async with database(tmp) as url:
        store = await open_store(url)
        fill_started = time.perf_counter()
        await fill(store, args.subscriptions, 50, minute_every=100)
        lines.append(
            f"filled {args.subscriptions} subscriptions in "
            f"{time.perf_counter() - fill_started:.1f} s "
            f"({args.subscriptions // 100} every-minute)"
        )
        await store.close()
        lines.append(f"loop lag, no runner (baseline): {fmt(percentiles(await lag_samples(3)))}")
        settings = Settings(
            _env_file=None,
            database_url=url,
            slack_bot_token="xoxb-bench",  # type: ignore[arg-type]
            slack_api_url=api_url,
        )
        clock_now = [SLOT - timedelta(minutes=5)]
        dispatcher = build_dispatcher(settings, clock=lambda: clock_now[0])
        service = dispatcher.services.recap_service
        assert service is not None
        sent: list[str] = []
        service.attach(
            posters={
                "slack": SlackPoster("xoxb-bench", api_url, workspace_rate=1000, channel_rate=1000)
            },
            observer=Counted(sent),
        )
        runner = RecapRunner(service)
        await runner.start()
        try:
            await asyncio.sleep(1)
            idle = await lag_samples(5)
            lines.append(
                f"loop lag, runner idle with {args.subscriptions} subscriptions: "
                f"{fmt(percentiles(idle))}"
            )
            lines.append(await asyncio.to_thread(list_latency, dispatcher))
            clock_now[0] = SLOT + timedelta(seconds=1)  # every subscription is due now
            runner.wake()
            started = time.perf_counter()
            busy = await lag_samples(4)
            lines.append(
                f"loop lag during the fan-out of {args.subscriptions} posts: "
                f"{fmt(percentiles(busy))}; "
                f"{len(sent)} posted in the first {time.perf_counter() - started:.1f} s"
            )
        finally:
            await runner.stop()
    assert fake.stdin is not None
    fake.stdin.close()
    await fake.wait()
    return lines


def list_latency(dispatcher: Dispatcher) -> str:
    """/recap list in one channel, the real handler, from a worker thread (as platforms run it)."""
    samples = []
    for i in range(50):
        started = time.perf_counter()
        dispatcher.run_line(
            "/recap list", platform="slack", channel=f"C{i * 7:05d}", user=User("U1")
        )
        samples.append((time.perf_counter() - started) * 1000)
    return f"/recap list (real handler via the service loop): {fmt(percentiles(samples))}"


# --- issue 21: pressure ----------------------------------------------------------------------


def _databases() -> list[str]:
    return ["sqlite", *(["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])]


@contextlib.asynccontextmanager
async def pressure_database(kind: str, tmp: Path) -> AsyncIterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / f'{uuid.uuid4().hex}.sqlite3'}"
        return
    async with database(tmp) as url:
        yield url


async def fast_fill(url: str, channels: int, workspaces: int) -> None:
    """``channels`` daily subscriptions due at SLOT, inserted in one go (the schema first)."""
    store = await open_store(url)
    await store.close()
    stamp = SLOT - timedelta(days=1)
    rows = [
        (
            "slack",
            f"W{i % workspaces:02d}",
            f"C{i:05d}",
            DAILY.frequency,
            DAILY.time,
            DAILY.timezone,
            "chat",
            "",
        )
        for i in range(channels)
    ]
    columns = "platform, workspace, channel, frequency, time, timezone, origin, created_by"
    if url.startswith("sqlite"):
        import sqlite3

        with contextlib.closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db, db:
            db.executemany(
                f"INSERT INTO subscriptions ({columns}, created_at, next_due)"  # noqa: S608
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(*r, f"{stamp:%Y-%m-%dT%H:%M:%SZ}", f"{SLOT:%Y-%m-%dT%H:%M:%SZ}") for r in rows],
            )
        return
    import psycopg

    with psycopg.connect(url) as db, db.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO subscriptions ({columns}, created_at, next_due)"  # noqa: S608
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(*r, stamp, SLOT) for r in rows],
        )


def post_due_env(fake: FakeSlack, url: str, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "RECAP"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_API_URL=fake.api_url,
        SLACK_SIGNING_SECRET="bench",
        DATABASE_URL=url,
        LOG_LEVEL="ERROR",
        PYTHONPATH=str(ROOT),
        **settings,
    )
    env.pop("TEST_DATABASE_URL", None)
    return env


async def post_due_process(env: dict[str, str], tmp: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "recap",
        "post-due",
        "--at",
        (SLOT + timedelta(seconds=30)).isoformat(),
        cwd=tmp,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def ledger(fake: FakeSlack, channels: int) -> tuple[int, int]:
    """(lost, duplicates), counted on the fake's side."""
    counts = fake.posts_by_channel()
    return channels - len(counts), sum(n - 1 for n in counts.values() if n > 1)


def landed_span(fake: FakeSlack) -> float:
    return fake.landed_at[-1] - fake.landed_at[0] if len(fake.landed_at) > 1 else 0.0


def held_time(fake: FakeSlack) -> float:
    """The union of the Retry-After windows the fake handed out, per team, longest team."""
    by_team: dict[str, list[tuple[float, float]]] = {}
    for at, seconds, team in fake.refusals:
        by_team.setdefault(team, []).append((at, at + seconds))
    longest = 0.0
    for windows in by_team.values():
        total, end = 0.0, float("-inf")
        for start, stop in sorted(windows):
            if stop > end:
                total += stop - max(start, end)
                end = stop
        longest = max(longest, total)
    return longest


def row(
    scenario: str,
    kind: str,
    seconds: float,
    floor: float,
    floor_name: str,
    lost: int,
    duplicates: int,
) -> str:
    ratio = f"{seconds / floor:.2f}x" if floor > 0 else "-"
    return (
        f"| {scenario} | {kind} | {seconds:.2f} s | {floor_name} {floor:.2f} s | {ratio} | "
        f"{lost} | {duplicates} |"
    )


async def run_post_due(env: dict[str, str], tmp: Path, timeout: float) -> tuple[int | None, str]:
    process = await post_due_process(env, tmp)
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        return None, "timed out"
    lines = (out + err).decode().strip().splitlines()
    return process.returncode, lines[-1] if lines else ""


async def bare(fake: FakeSlack, channels: int, concurrency: int, tmp: Path) -> float:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "benchmarks" / "bare_slack_loop.py"),
        fake.api_url,
        str(channels),
        str(concurrency),
        cwd=tmp,
        stdout=asyncio.subprocess.PIPE,
    )
    await process.communicate()
    return landed_span(fake)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def scale(
    kind: str, channels: int, tmp: Path, timeout: float, repeat: int, latency: float = 0.0
) -> list[str]:
    """Bare loop and post-due, alternately ``repeat`` times (the machine is shared: medians).
    ``latency``: seconds the fake takes to answer each post, as Slack does (0: at once, so
    both sides are bound by their own CPU).
    """
    bare_times, times, bare_cpu, cpu = [], [], [], []
    lost = duplicates = 0
    for _ in range(repeat):
        fake = await FakeSlack().start()
        fake.post_delay = latency
        try:
            before = _children_cpu()
            bare_times.append(await bare(fake, channels, 50, tmp))
            bare_cpu.append(_children_cpu() - before)
        finally:
            await fake.stop()
        fake = await FakeSlack().start()
        fake.post_delay = latency
        try:
            async with pressure_database(kind, tmp) as url:
                await fast_fill(url, channels, 50)
                env = post_due_env(fake, url, RECAP_SLACK_WORKSPACE_RATE="1000")
                before = _children_cpu()
                code, last = await run_post_due(env, tmp, timeout)
                cpu.append(_children_cpu() - before)
                times.append(landed_span(fake))
                run_lost, run_duplicates = ledger(fake, channels)
                lost, duplicates = lost + run_lost, duplicates + run_duplicates
                if code != 0:
                    print(f"post-due exited {code}: {last}", flush=True)
        finally:
            await fake.stop()
    median, bare_median = statistics.median(times), statistics.median(bare_times)
    return [
        row(
            f"{channels:,} channels / 50 workspaces"
            + (f", {latency * 1000:.0f} ms per post" if latency else ""),
            kind,
            median,
            bare_median,
            "bare",
            lost,
            duplicates,
        )
        + f" median of {repeat}: runs {', '.join(f'{t:.2f}' for t in times)} s, bare "
        f"{', '.join(f'{t:.2f}' for t in bare_times)} s; CPU of the process (start-up "
        f"included) {statistics.median(cpu):.1f} s, bare {statistics.median(bare_cpu):.1f} s"
    ]


async def storm(kind: str, tmp: Path, timeout: float) -> str:
    fake = await FakeSlack().start()
    fake.rate_limit_every, fake.storm_retry_after = 3, 1
    try:
        async with pressure_database(kind, tmp) as url:
            await fast_fill(url, 40, 1)
            started = time.perf_counter()
            code, last = await run_post_due(post_due_env(fake, url), tmp, timeout)
            elapsed = time.perf_counter() - started
            lost, duplicates = ledger(fake, 40)
            return row(
                "429 storm: 40 channels, every 3rd post 429",
                kind,
                landed_span(fake),
                held_time(fake),
                "Retry-After",
                lost,
                duplicates,
            ) + (f" process {elapsed:.1f} s, exit {code}, {fake.rejected} 429s; {last}")
    finally:
        await fake.stop()


async def sporadic(kind: str, tmp: Path, timeout: float, rate: float, workspaces: int = 50) -> str:
    """One post in 50 answered 429, 200 channels per workspace at the default rate."""
    fake = await FakeSlack().start()
    fake.rate_limit_every, fake.storm_retry_after = 50, 1
    channels = 200 * workspaces
    try:
        async with pressure_database(kind, tmp) as url:
            await fast_fill(url, channels, workspaces)
            code, last = await run_post_due(post_due_env(fake, url), tmp, timeout)
            lost, duplicates = ledger(fake, channels)
            # One token here, so the fake sees one team: each refusal's channel says which of our
            # workspaces met it (fast_fill: channel i is in workspace i % workspaces). The slowest
            # workspace sets the floor: its posts at the rate plus its Retry-Afters.
            per_workspace = Counter(int(ch[1:]) % workspaces for ch in fake.refused_channels)
            most = max(per_workspace.values(), default=0)
            floor = (channels / workspaces) / rate + most * fake.storm_retry_after
            return row(
                f"{channels:,} channels / {workspaces} workspaces, 1 in 50 posts 429",
                kind,
                landed_span(fake),
                floor,
                "rate limits",
                lost,
                duplicates,
            ) + (f" exit {code}, {fake.rejected} 429s (the most in one workspace: {most}); {last}")
    finally:
        await fake.stop()


async def sigkill(kind: str, tmp: Path, limit: float) -> str:
    fake = await FakeSlack().start()
    fake.post_delay = 0.05
    channels = 200
    try:
        async with pressure_database(kind, tmp) as url:
            await fast_fill(url, channels, 1)
            env = post_due_env(fake, url)
            victim = await post_due_process(env, tmp)
            while len(fake.posts_by_channel()) < channels // 3:  # noqa: ASYNC110 - the fake's count
                await asyncio.sleep(0.01)
            victim.send_signal(signal.SIGKILL)
            await victim.wait()
            killed = time.perf_counter()
            at_kill = len(fake.posts_by_channel())
            done = None
            while time.perf_counter() - killed < limit:
                await run_post_due(env, tmp, limit)
                if len(fake.posts_by_channel()) >= channels:
                    done = time.perf_counter() - killed
                    break
                await asyncio.sleep(max(0.0, 10 - (time.perf_counter() - killed) % 10))
            await asyncio.sleep(1)
            lost, duplicates = ledger(fake, channels)
            seconds = done if done is not None else time.perf_counter() - killed
            return row(
                f"SIGKILL mid fan-out ({at_kill}/{channels} posted)",
                kind,
                seconds,
                60.0,
                "target",
                lost,
                duplicates,
            ) + ("" if done is not None else f" (not all posted within {limit:.0f} s)")
    finally:
        await fake.stop()


async def pressure(args: argparse.Namespace, tmp: Path) -> None:
    print("| scenario | database | time | floor or bare baseline | ratio | lost | duplicates |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    wanted = (
        set(args.only.split(","))
        if args.only
        else {"storm", "kill", "scale", "latency", "sporadic"}
    )
    for kind in _databases():
        if "storm" in wanted:
            print(await storm(kind, tmp, 120), flush=True)
        if "kill" in wanted:
            print(await sigkill(kind, tmp, args.kill_limit), flush=True)
        for channels in (2000, 10_000):
            if (channels == 10_000 and args.skip_10000) or "scale" not in wanted:
                continue
            for line in await scale(kind, channels, tmp, args.timeout, args.repeat):
                print(line, flush=True)
        for channels in (2000, 10_000):
            if (channels == 10_000 and args.skip_10000) or "latency" not in wanted:
                continue
            for line in await scale(kind, channels, tmp, args.timeout, args.repeat, 0.1):
                print(line, flush=True)
        if not args.skip_10000 and "sporadic" in wanted:
            for workspaces in args.sporadic_workspaces:
                line = await sporadic(kind, tmp, args.timeout, args.default_rate, workspaces)
                print(line, flush=True)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--channels", type=int, default=1000, help="10000 for the full scale (minutes here)"
    )
    parser.add_argument("--workspaces", type=int, default=50)
    parser.add_argument(
        "--per-workspace", type=float, default=50, help="messages per second per workspace"
    )
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--skip-fan-out", action="store_true")
    parser.add_argument(
        "--post-latency",
        type=float,
        default=0.0,
        help="seconds the fake takes to answer each post (Slack: ~0.1-0.3 s)",
    )
    parser.add_argument(
        "--fan-out-only", action="store_true", help="skip the scheduler and /recap list part"
    )
    parser.add_argument("--pressure", action="store_true", help="issue 21's scenarios only")
    parser.add_argument("--skip-10000", action="store_true", help="--pressure without 10,000")
    parser.add_argument("--repeat", type=int, default=3, help="--pressure: runs per scale row")
    parser.add_argument("--only", default="", help="--pressure: storm,kill,scale,latency,sporadic")
    parser.add_argument("--kill-limit", type=float, default=120, help="--pressure: SIGKILL wait")
    parser.add_argument(
        "--sporadic-workspaces",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[50],
        help="--pressure: workspaces of the sporadic 429s row(s), 200 channels each (50; 10,50)",
    )
    parser.add_argument(
        "--default-rate", type=float, default=20.0, help="RECAP_SLACK_WORKSPACE_RATE's default"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    if args.pressure:
        print(f"machine: {machine()} (shared with other helpers' work)")
        with tempfile.TemporaryDirectory() as name:
            await pressure(args, Path(name))
        return
    print(f"machine: {machine()}")
    print(f"database: {'PostgreSQL' if os.environ.get('TEST_DATABASE_URL') else 'SQLite'}")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if not args.skip_fan_out:
            for instances, kill in ((1, False), (3, False), (3, True)):
                print(await fan_out(args, tmp, instances, kill), flush=True)
        if not args.fan_out_only:
            for line in await scheduler_and_list(args, tmp):
                print(line, flush=True)


if __name__ == "__main__":
    asyncio.run(main())
