"""Service benchmark: event-loop lag while serving signed slash commands over HTTP, /recap
list latency, and what metrics + per-command logs cost, measured in one run.

Two copies of the full service (``serve_until_stopped``: HTTP server, supervisor, recap
runner, lag monitor) run as child processes, one with metrics and logs on, one with both
off; this process is the client. Runs are interleaved so drift hits both alike. Each child
records its own event-loop lag (a 5 ms sleep, how late it woke) and serves the samples on
an extra route, /bench/lag, mounted through ``extra_routes``.

``--subscriptions N`` seeds N recap subscriptions (1% of them every minute) into each
child's database first. Targets (issue 8): lag p99 < 20 ms with 10,000 subscriptions while
commands are served; /recap list < 50 ms. The scheduler before the recaps branch lists a
year of slots per subscription on the loop, so run the 10,000 case on main after merge.

Usage: python benchmarks/bench_service.py [--requests 2000] [--concurrency 10] [--subscriptions 0]
"""

import argparse
import asyncio
import inspect
import logging
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import machine, percentiles
from tests.fakes.signing import form, signed_headers
from tests.fakes.slack import FakeSlack, slash_payload

SECRET = "bench-signing-secret"
COMMANDS = [
    ("/numbers", ""),
    ("/ruling", ""),
    ("/status", "public"),
    ("/quote", "Romo declaration"),
    ("/who", "Romo"),
    ("/timeline", ""),
]
LAG_INTERVAL = 0.005


async def seed(service: Any, count: int) -> None:
    """Subscriptions in the child's database: through the async service API after the recaps
    branch (``subscribe``), else the synchronous store of today.
    """
    from bot.recaps.schedule import Schedule

    now = datetime.now(UTC)
    for i in range(count):
        channel = f"C{i:08d}"
        if i % 100 == 0:
            frequency, at = "* * * * *", ""
        else:
            frequency, at = "daily", f"{i % 24:02d}:{i % 60:02d}"
        if inspect.iscoroutinefunction(getattr(service, "subscribe", None)):
            await service.subscribe("slack", "T1", channel, Schedule(frequency, at, "UTC"))
        else:
            service.store.add_subscription("slack", channel, frequency, at, "UTC", now=now)


def _log_to_devnull() -> None:
    """Measure formatting and writing a line, not a terminal's speed."""
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(Path(os.devnull).open("w"))  # noqa: SIM115 - for the life of the process


async def serve_child(port: int, observe: bool, subscriptions: int) -> None:
    from bot.app import build_dispatcher
    from bot.logs import configure_logging
    from bot.platforms.serve import serve_until_stopped
    from bot.service.lag import watch_loop_lag
    from bot.service.observe import Observer
    from bot.settings import Settings

    fake = await FakeSlack().start()  # auth.test, and the channels recaps post to
    folder = Path(tempfile.mkdtemp(prefix="bench-service-"))
    settings = Settings(
        _env_file=None,
        slack_bot_token=SecretStr("xoxb-bench"),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=fake.api_url,
        host="127.0.0.1",
        port=port,
        database_url=f"sqlite:///{folder / 'db.sqlite3'}",
        slack_admin_user_ids=["U1"],
        user_rate_per_minute=0,  # one benchmark user sends thousands of commands: no limit
    )
    configure_logging("INFO" if observe else "WARNING")
    _log_to_devnull()
    dispatcher = build_dispatcher(settings)
    await seed(dispatcher.services.recap_service, subscriptions)
    lag: list[float] = []

    def mount(app: web.Application) -> None:
        async def samples(request: web.Request) -> web.Response:
            body = list(lag)
            if "reset" in request.query:
                lag.clear()
            return web.json_response(body)

        app.router.add_get("/bench/lag", samples)

    observer = Observer(
        metrics_on=observe, logs_on=observe, commands=[c.name for c in dispatcher.registry]
    )
    monitor = asyncio.create_task(watch_loop_lag(LAG_INTERVAL, lag.append))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_reader(sys.stdin.fileno(), stop.set)  # parent closes stdin: stop
    await serve_until_stopped(settings, dispatcher, stop, observer=observer, extra_routes=[mount])
    monitor.cancel()
    await fake.stop()


async def load(
    port: int, commands: list[tuple[str, str]], requests: int, concurrency: int
) -> tuple[list[float], float]:
    url = f"http://127.0.0.1:{port}/slack/events"
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker() -> None:
            while not queue.empty():
                command, text = commands[queue.get_nowait() % len(commands)]
                body = form(slash_payload(command, text))
                started = time.perf_counter()
                async with session.post(
                    url, data=body, headers=signed_headers(SECRET, body)
                ) as resp:
                    await resp.read()
                    assert resp.status == 200, resp.status
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, time.perf_counter() - started


async def lag_samples(session: aiohttp.ClientSession, port: int, reset: bool) -> list[float]:
    async with session.get(
        f"http://127.0.0.1:{port}/bench/lag" + ("?reset=1" if reset else "")
    ) as resp:
        return [s * 1000 for s in await resp.json()]


async def wait_ready(session: aiohttp.ClientSession, port: int, within: float = 600) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            async with session.get(f"http://127.0.0.1:{port}/readyz") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.2)
    msg = f"service on {port} never became ready"
    raise TimeoutError(msg)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--subscriptions", type=int, default=0)
    parser.add_argument("--child", nargs=2, metavar=("PORT", "OBSERVE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        await serve_child(int(args.child[0]), args.child[1] == "on", args.subscriptions)
        return
    print(f"machine: {machine()}")
    ports = {"on": free_port(), "off": free_port()}
    children = {
        name: subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--child",
                str(port),
                name,
                "--subscriptions",
                str(args.subscriptions),
            ],
            stdin=subprocess.PIPE,
        )
        for name, port in ports.items()
    }
    try:
        async with aiohttp.ClientSession() as session:
            for port in ports.values():
                await wait_ready(session, port)
                await load(port, COMMANDS, 200, args.concurrency)  # warm up
            replies: dict[str, list[float]] = {"on": [], "off": []}
            lags: dict[str, list[float]] = {"on": [], "off": []}
            walls = {"on": 0.0, "off": 0.0}
            for _ in range(args.rounds):
                for name, port in ports.items():
                    await lag_samples(session, port, reset=True)
                    latencies, wall = await load(
                        port, COMMANDS, args.requests // args.rounds, args.concurrency
                    )
                    lags[name] += await lag_samples(session, port, reset=False)
                    replies[name] += latencies
                    walls[name] += wall
            recap_list, _ = await load(ports["on"], [("/recap", "list")], 50, 1)
        print(
            f"{args.subscriptions} subscriptions; {args.requests} signed commands per app at "
            f"concurrency "
            f"{args.concurrency}, interleaved in {args.rounds} rounds"
        )
        for name in ("on", "off"):
            lag, reply = percentiles(lags[name]), percentiles(replies[name])
            print(
                f"metrics+logs {name:>3}: loop lag p50={lag['p50']:.2f}ms p99={lag['p99']:.2f}ms "
                f"max={lag['max']:.2f}ms ({len(lags[name])} samples); reply "
                f"p50={reply['p50']:.2f}ms "
                f"p99={reply['p99']:.2f}ms; {len(replies[name]) / walls[name]:.0f} req/s"
            )
        on, off = percentiles(replies["on"]), percentiles(replies["off"])
        print(
            f"overhead of metrics+logs on reply latency: p50 {on['p50'] / off['p50']:.3f}x, "
            f"p99 {on['p99'] / off['p99']:.3f}x; throughput "
            f"{(len(replies['on']) / walls['on']) / (len(replies['off']) / walls['off']):.3f}x"
        )
        listed = percentiles(recap_list)
        print(
            f"/recap list over HTTP, 50 sequential: p50={listed['p50']:.2f}ms "
            f"p99={listed['p99']:.2f}ms "
            f"max={listed['max']:.2f}ms (target < 50 ms)"
        )
    finally:
        for child in children.values():
            assert child.stdin is not None
            child.stdin.close()
        for child in children.values():
            child.wait(timeout=30)


if __name__ == "__main__":
    asyncio.run(main())
