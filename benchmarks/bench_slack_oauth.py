"""Slack for many workspaces: what per-workspace tokens cost a slash command.

Baseline: this app with one SLACK_BOT_TOKEN. Measured: the same app in OAuth mode with
``--workspaces`` workspaces installed through the real install flow (tokens encrypted in
SQLite, and in PostgreSQL when TEST_DATABASE_URL is set), commands spread over all of them.
Same process, same client, same commands, rounds interleaved. Reports latency, throughput
and the Web API calls each command cost (auth.test is remembered per token, so 0). The
installation is read from the database on every request, on purpose: an uninstall or a token
refreshed by another instance shows at once. Target: every command answered within Slack's
3 s (p99), no failures, no Web API call per command.

Usage: python benchmarks/bench_slack_oauth.py [--requests 900] [--workspaces 50] [--concurrency 20]
"""

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit
from uuid import uuid4

import aiohttp
from cryptography.fernet import Fernet
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import machine, percentiles
from bot.app import build_dispatcher
from bot.logs import configure_logging
from bot.platforms.slack.runner import SlackRunner
from bot.settings import Settings
from tests.fakes.signing import form, signed_headers
from tests.fakes.slack import FakeSlack, slash_payload

SECRET = "bench-signing-secret"


async def install(session: aiohttp.ClientSession, port: int, fake: FakeSlack, team: str) -> None:
    async with session.get(f"http://127.0.0.1:{port}/slack/install", allow_redirects=False) as resp:
        state = parse_qs(urlsplit(resp.headers["Location"]).query)["state"][0]
    async with session.get(
        f"http://127.0.0.1:{port}/slack/oauth_redirect",
        params={"code": fake.grant(team), "state": state},
        headers={"Cookie": f"slack-app-oauth-state={state}"},
    ) as resp:
        assert resp.status == 200, await resp.text()


async def load(
    port: int, teams: list[str], requests: int, concurrency: int
) -> tuple[list[float], float, int]:
    """Latencies (ms), wall time (s) and non-200 count; request i comes from teams[i % len]."""
    url = f"http://127.0.0.1:{port}/slack/events"
    latencies: list[float] = []
    failures = 0
    todo = iter(range(requests))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker() -> None:
            nonlocal failures
            for i in todo:
                body = form(slash_payload("/numbers", team_id=teams[i % len(teams)]))
                started = time.perf_counter()
                async with session.post(
                    url, data=body, headers=signed_headers(SECRET, body)
                ) as resp:
                    await resp.read()
                    failures += resp.status != 200 or resp.content_type != "application/json"
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, time.perf_counter() - started, failures


@contextlib.asynccontextmanager
async def postgres() -> AsyncIterator[str | None]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield None
        return
    import psycopg

    name = f"bench_oauth_{uuid4().hex[:8]}"
    async with await psycopg.AsyncConnection.connect(base, autocommit=True) as admin:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
        finally:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=900)
    parser.add_argument("--workspaces", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    configure_logging("WARNING")
    print(f"machine: {machine()}")
    fake = await FakeSlack().start()
    workdir = Path(tempfile.mkdtemp(prefix="bench-oauth-"))
    base = Settings(
        _env_file=None,
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=fake.api_url,
        host="127.0.0.1",
        port=0,
        database_url=f"sqlite:///{workdir / 'recaps.sqlite3'}",
        user_rate_per_minute=0,  # one benchmark user sends thousands of commands: no limit
    )
    dispatcher = build_dispatcher(base)
    teams = [f"T{n:04d}" for n in range(args.workspaces)]
    runners: dict[str, tuple[SlackRunner, list[str]]] = {}
    async with postgres() as pg_url:
        single = base.model_copy(update={"slack_bot_token": SecretStr("xoxb-bench")})
        runners["single token"] = (SlackRunner(single, dispatcher), ["T1"])
        oauth = base.model_copy(
            update={
                "slack_client_id": fake.client_id,
                "slack_client_secret": SecretStr(fake.client_secret),
                "slack_token_encryption_key": SecretStr(Fernet.generate_key().decode()),
            }
        )
        stores = {"oauth sqlite": f"sqlite:///{workdir / 'installs.sqlite3'}"}
        if pg_url:
            stores["oauth postgresql"] = pg_url
        for name, url in stores.items():
            runners[name] = (
                SlackRunner(oauth.model_copy(update={"database_url": url}), dispatcher),
                teams,
            )
        try:
            for name, (runner, _) in runners.items():
                await runner.start()
                if name.startswith("oauth"):
                    started = time.perf_counter()
                    async with aiohttp.ClientSession() as session:
                        for team in teams:
                            await install(session, runner.port or 0, fake, team)
                    print(f"{name}: {len(teams)} installs in {time.perf_counter() - started:.2f}s")
            for runner, its_teams in runners.values():  # warm-up: every workspace authorized once
                await load(runner.port or 0, its_teams, max(200, len(its_teams)), args.concurrency)
            results = {name: ([], 0.0, 0) for name in runners}  # type: ignore[var-annotated]
            calls_before = len(fake.calls)
            for _ in range(args.rounds):
                for name, (runner, its_teams) in runners.items():
                    lat, wall, fail = await load(
                        runner.port or 0, its_teams, args.requests // args.rounds, args.concurrency
                    )
                    old = results[name]
                    results[name] = (old[0] + lat, old[1] + wall, old[2] + fail)
            api_calls = len(fake.calls) - calls_before
            stats = {}
            for name, (lat, wall, fail) in results.items():
                stats[name] = percentiles(lat) | {"rps": len(lat) / wall}
                s = stats[name]
                print(
                    f"{name}: {len(lat)} requests at concurrency {args.concurrency}: "
                    f"p50={s['p50']:.2f}ms "
                    f"p99={s['p99']:.2f}ms rps={s['rps']:.0f} failures={fail}"
                )
            total = sum(len(lat) for lat, _, _ in results.values())
            print(f"Web API calls during the measured rounds: {api_calls} for {total} commands")
            for name in stores:
                print(
                    f"{name}/single token: p50 "
                    f"{stats[name]['p50'] / stats['single token']['p50']:.2f}x, "
                    f"throughput {stats[name]['rps'] / stats['single token']['rps']:.2f}x; "
                    f"p99 within 3 s: {stats[name]['p99'] < 3000}"
                )
        finally:
            for runner, _ in runners.values():
                await runner.stop()
            await fake.stop()


if __name__ == "__main__":
    asyncio.run(main())
