"""Intake benchmark (issue 19): polling 200 feeds of 50 items each when nothing changed.

The feeds are served by a child process (so its CPU is not counted here), each feed on a
host of its own (127.0.0.1 ... 127.0.0.200: every 127.x address is this machine), with an
ETag and Last-Modified; an unchanged feed answers 304. This process runs the real
``IntakeService`` (real fetcher with its SSRF guard allowing loopback, the per-host pause,
real SQLite store) and measures, per poll cycle after the first: CPU time of this process
and the event loop's lag (a 5 ms sleep, how late it woke) while the cycle runs.

Baselines measured in the same run: the idle loop's lag over the same time, and the same
200 conditional GETs made with a bare aiohttp session (no intake). The first cycle (every
feed fetched and parsed, 10,000 items matched) is reported too.

Target: loop lag p99 under 20 ms while polling.

Usage: python benchmarks/bench_intake.py [--feeds 200] [--items 50] [--cycles 5]
"""

import argparse
import asyncio
import contextlib
import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import machine, percentiles
from bot.intake.fetching import Fetcher
from bot.intake.service import IntakeConfig, IntakeService
from bot.storage.base import RecapStore
from bot.storage.connect import open_store
from tests.fakes.feeds import Feed, FeedItem, rss

LAG_INTERVAL = 0.005
ROOT = Path(__file__).resolve().parent.parent


def serve(feeds: int, items: int) -> None:
    """The child: every feed at /feed/<n>, on 0.0.0.0 (so on every 127.x host)."""
    bodies = {}
    for n in range(feeds):
        feed = Feed(
            [
                FeedItem(
                    f"Local news {n}-{i}: the council meets on Tuesday",
                    f"https://news{n}.example/{i}",
                    guid=f"news{n}-{i}",
                    description="The town council meets to discuss the budget and parking.",
                )
                for i in range(items)
            ],
            title=f"News {n}",
        )
        body = rss(feed)
        bodies[f"/feed/{n}"] = (body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')

    async def get(request: web.Request) -> web.Response:
        body, etag = bodies[request.path]
        headers = {
            "ETag": etag,
            "Last-Modified": "Thu, 05 Mar 2026 14:00:00 GMT",
            "Content-Type": "application/rss+xml",
        }
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, headers=headers)

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{n}", get)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "0.0.0.0", 0, backlog=1024).start()  # noqa: S104 - loopback hosts
        print(runner.addresses[0][1], flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())


class LagProbe:
    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start = loop.time()
            await asyncio.sleep(LAG_INTERVAL)
            self.samples.append((loop.time() - start - LAG_INTERVAL) * 1000)

    def start(self) -> None:
        self.samples = []
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> list[float]:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        return self.samples


async def measure(work, probe: LagProbe) -> tuple[float, float, list[float]]:  # type: ignore[no-untyped-def]
    """CPU seconds and wall seconds of ``work()``, and the lag samples while it ran."""
    probe.start()
    cpu, wall = time.process_time(), time.perf_counter()
    await work()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return cpu, wall, await probe.stop()


async def bench(port: int, feeds: int, cycles: int, host_delay: float) -> dict[str, object]:
    urls = [f"http://127.0.0.{1 + n % 254}:{port}/feed/{n}" for n in range(feeds)]
    folder = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    store: RecapStore = await open_store(f"sqlite:///{folder / 'intake.sqlite3'}")

    async def opener() -> RecapStore:
        return store

    service = IntakeService(
        IntakeConfig(summaries_dir=ROOT / "summaries", feeds=tuple(urls), poll_seconds=900),
        opener,
        Fetcher(allow_private=True, host_delay=host_delay),
    )
    probe = LagProbe()
    results: dict[str, object] = {}
    cpu, wall, lag = await measure(service.cycle, probe)
    results["first"] = (cpu, wall, percentiles(lag))
    per_cycle = []
    lags: list[float] = []
    for _ in range(cycles):
        cpu, wall, lag = await measure(service.cycle, probe)
        per_cycle.append((cpu, wall))
        lags += lag
    results["unchanged"] = (per_cycle, percentiles(lags))
    await service.aclose()
    await store.close()

    # Baselines: the idle loop, and the same conditional GETs with a bare session.
    async def idle() -> None:
        await asyncio.sleep(sum(w for _, w in per_cycle) / len(per_cycle))

    cpu, wall, lag = await measure(idle, probe)
    results["idle"] = (cpu, wall, percentiles(lag))
    etags: dict[str, str] = {}
    async with aiohttp.ClientSession() as session:

        async def fetch(url: str) -> None:
            headers = {"If-None-Match": etags[url]} if url in etags else {}
            async with session.get(url, headers=headers) as response:
                await response.read()
                etags[url] = response.headers["ETag"]

        await asyncio.gather(*(fetch(u) for u in urls))  # learn the ETags
        bare = []
        bare_lag: list[float] = []
        for _ in range(cycles):

            async def all_gets() -> None:
                await asyncio.gather(*(fetch(u) for u in urls))

            cpu, wall, lag = await measure(all_gets, probe)
            bare.append((cpu, wall))
            bare_lag += lag
    results["bare"] = (bare, percentiles(bare_lag))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--host-delay", type=float, default=1.0)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.feeds, args.items)
        return
    child = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            "--feeds",
            str(args.feeds),
            "--items",
            str(args.items),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        port = int(child.stdout.readline())
        results = asyncio.run(bench(port, args.feeds, args.cycles, args.host_delay))
    finally:
        child.terminate()
        child.wait()

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.0f} ms"

    first_cpu, first_wall, first_lag = results["first"]  # type: ignore[misc]
    cycles, lag = results["unchanged"]  # type: ignore[misc]
    bare, bare_lag = results["bare"]  # type: ignore[misc]
    _, _, idle_lag = results["idle"]  # type: ignore[misc]
    cpu = sorted(c for c, _ in cycles)
    wall = sorted(w for _, w in cycles)
    bare_cpu = sorted(c for c, _ in bare)
    print(f"machine: {machine()}")
    print(f"{args.feeds} feeds x {args.items} items, {args.cycles} unchanged cycles")
    print("| measured | CPU per cycle (median) | wall per cycle | loop lag p50 / p99 / max |")
    print("| --- | --- | --- | --- |")
    print(
        f"| intake, first poll (all fetched and parsed) | {ms(first_cpu)} | {ms(first_wall)} | "
        f"{first_lag['p50']:.1f} / {first_lag['p99']:.1f} / {first_lag['max']:.1f} ms |"
    )
    print(
        f"| intake, unchanged (304s) | {ms(cpu[len(cpu) // 2])} | {ms(wall[len(wall) // 2])} | "
        f"{lag['p50']:.1f} / {lag['p99']:.1f} / {lag['max']:.1f} ms |"
    )
    print(
        f"| baseline: bare aiohttp conditional GETs | {ms(bare_cpu[len(bare_cpu) // 2])} | "
        f"{ms(sorted(w for _, w in bare)[len(bare) // 2])} | "
        f"{bare_lag['p50']:.1f} / {bare_lag['p99']:.1f} / {bare_lag['max']:.1f} ms |"
    )
    print(
        f"| baseline: idle loop | - | - | "
        f"{idle_lag['p50']:.1f} / {idle_lag['p99']:.1f} / {idle_lag['max']:.1f} ms |"
    )


if __name__ == "__main__":
    main()
