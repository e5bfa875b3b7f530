"""Slack benchmark: signed slash commands over loopback HTTP, this app vs a bare Bolt app.

Both apps run in one child process (benchmarks/slack_servers.py); this process is the
client, so client work does not steal the servers' CPU. Same client, same commands, same
concurrency, runs interleaved. Targets: p50 within 1.15x of the bare app, throughput at
least 0.85x, and every request at 200 concurrent answered within 3 s.

Usage: python benchmarks/bench_slack.py [--requests 3000] [--concurrency 20]
"""

import argparse
import asyncio
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

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


async def load(port: int, requests: int, concurrency: int) -> tuple[list[float], float, int]:
    """Latencies (ms), wall time (s) and non-200 count for ``requests`` signed commands."""
    url = f"http://127.0.0.1:{port}/slack/events"
    latencies: list[float] = []
    failures = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker() -> None:
            nonlocal failures
            while not queue.empty():
                i = queue.get_nowait()
                command, text = COMMANDS[i % len(COMMANDS)]
                body = form(slash_payload(command, text))
                headers = signed_headers(SECRET, body)
                started = time.perf_counter()
                async with session.post(url, data=body, headers=headers) as resp:
                    await resp.read()
                    failures += resp.status != 200
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return latencies, wall, failures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    fake = await FakeSlack().start()
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("slack_servers.py")), fake.api_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdin is not None
    # Read off the event loop: the child authenticates against the fake served by this loop.
    ours_port, bare_port = map(int, (await asyncio.to_thread(child.stdout.readline)).split())
    try:
        for port in (ours_port, bare_port):  # warm up both
            await load(port, 200, args.concurrency)
        results: dict[str, tuple[list[float], float, int]] = {
            "ours": ([], 0.0, 0),
            "bare": ([], 0.0, 0),
        }
        for _ in range(args.rounds):  # interleave so drift hits both alike
            for name, port in (("bare", bare_port), ("ours", ours_port)):
                lat, wall, fail = await load(port, args.requests // args.rounds, args.concurrency)
                old = results[name]
                results[name] = (old[0] + lat, old[1] + wall, old[2] + fail)
        stats = {}
        for name, (lat, wall, fail) in results.items():
            stats[name] = percentiles(lat) | {"rps": len(lat) / wall, "fail": fail}
            s = stats[name]
            print(
                f"{name}: {len(lat)} requests at concurrency {args.concurrency}: "
                f"p50={s['p50']:.2f}ms "
                f"p99={s['p99']:.2f}ms rps={s['rps']:.0f} non-200={fail}"
            )
        print(
            f"ratios ours/bare: p50 {stats['ours']['p50'] / stats['bare']['p50']:.3f}x "
            f"(target <= 1.15), p99 {stats['ours']['p99'] / stats['bare']['p99']:.3f}x, "
            f"throughput {stats['ours']['rps'] / stats['bare']['rps']:.3f}x (target >= 0.85)"
        )
        for name, port in (("bare", bare_port), ("ours", ours_port)):
            lat, wall, fail = await load(port, 1000, 200)
            s = percentiles(lat)
            print(
                f"{name} at 200 concurrent: 1000 requests, max={s['max']:.0f}ms "
                f"p99={s['p99']:.0f}ms "
                f"non-200={fail}; all within 3 s: {s['max'] < 3000 and fail == 0}"
            )
    finally:
        child.stdin.close()
        child.wait(timeout=10)
        await fake.stop()


if __name__ == "__main__":
    asyncio.run(main())
