"""Siege benchmark (issue 16): /healthz and a signed /numbers while 2,000 slow connections are
held, against the same service without them, in one run; and what the log grows by.

The bot runs as operators run it (``python -m bot run``, Slack HTTP mode, LOG_LEVEL=INFO, a
subprocess); the slow clients run in a process of their own (``tests/slow_clients.py``: a
request line and one header, then nothing; reconnecting whenever closed; from 100 loopback
addresses); this process probes one request at a time, each on a new connection, as a load
balancer's health check or Slack would. Two configurations:

- defaults (at most 4,000 connections): the 2,000 are held until the 10 s header timeout
  closes them, and come back;
- HTTP_MAX_CONNECTIONS=1000: more slow clients than room, so each newcomer pushes out the
  connection that waited longest (a churn of thousands a second, on two cores shared with
  the attacking process).

Target: p99 under siege within 2x the quiet p99.

Usage: python benchmarks/bench_siege.py [--slow 2000] [--seconds 20] [--probes 300]
       [--root TREE] (another source tree, e.g. `git archive` of main, for "before")
       [--open-files N] (the bot's RLIMIT_NOFILE, soft and hard; systemd's default soft: 1024)
"""

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE))

from benchmarks.common import machine, percentiles  # noqa: E402
from tests.fakes.signing import form, signed_headers  # noqa: E402
from tests.fakes.slack import FakeSlack, slash_payload  # noqa: E402
from tests.limits import limited  # noqa: E402

SECRET = "bench-siege-signing-secret"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def start_bot(
    root: Path, folder: Path, api_url: str, open_files: int, **settings: str
) -> tuple[asyncio.subprocess.Process, int, Path]:
    port = free_port()
    log = folder / f"bot-{port}.log"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DISCORD_", "HTTP_", "OPS_", "DATABASE_URL", "LOG_"))
    }
    env.update(
        PYTHONPATH=str(root),
        SLACK_BOT_TOKEN="xoxb-bench",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=api_url,
        HOST="127.0.0.1",
        PORT=str(port),
        LOG_LEVEL="INFO",
        CONTENT_RELOAD_SECONDS="0",
        DATABASE_URL=f"sqlite:///{folder / f'bot-{port}.sqlite3'}",
        **settings,
    )
    with log.open("wb") as stderr:
        process = await asyncio.create_subprocess_exec(
            *limited([sys.executable, "-m", "bot", "run"], open_files=open_files),
            cwd=folder,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=stderr,
        )
    return process, port, log


async def probe_latencies(port: int, count: int) -> dict[str, list[float]]:
    """``count`` rounds of GET /healthz and a signed /numbers, each on a new connection;
    a request that fails or takes over 5 s counts as 5,000 ms.
    """
    base = f"http://127.0.0.1:{port}"
    found: dict[str, list[float]] = {"/healthz": [], "/numbers": []}
    async with aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=5),
        connector=aiohttp.TCPConnector(force_close=True),
    ) as session:
        for _ in range(count):
            for name, samples in found.items():
                body = form(slash_payload("/numbers"))
                started = time.perf_counter()
                try:
                    if name == "/healthz":
                        async with session.get(base + "/healthz") as resp:
                            await resp.read()
                            ok = resp.status == 200
                    else:
                        async with session.post(
                            base + "/slack/events", data=body, headers=signed_headers(SECRET, body)
                        ) as resp:
                            ok = resp.status == 200 and "42,695" in await resp.text()
                except (aiohttp.ClientError, TimeoutError):
                    ok = False
                took = (time.perf_counter() - started) * 1000
                samples.append(took if ok else 5000.0)
            await asyncio.sleep(0.01)
    return found


async def wait_ready(port: int) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    msg = "the bot never answered /healthz"
    raise RuntimeError(msg)


def show(label: str, found: dict[str, list[float]], quiet: dict[str, list[float]] | None) -> None:
    for name, samples in found.items():
        stats = percentiles(samples)
        failed = sum(1 for s in samples if s >= 5000.0)
        ratio = ""
        if quiet is not None:
            base = percentiles(quiet[name])["p99"]
            ratio = f" ({stats['p99'] / base:.2f}x the quiet p99)"
        print(
            f"  {label:<18} {name:<9} p50={stats['p50']:.2f}ms p99={stats['p99']:.2f}ms "
            f"max={stats['max']:.2f}ms{ratio}; {len(samples)} requests, {failed} failed"
        )


async def configuration(
    args: argparse.Namespace, folder: Path, api_url: str, label: str, **settings: str
) -> None:
    print(f"\n{label}")
    process, port, log = await start_bot(args.root, folder, api_url, args.open_files, **settings)
    try:
        await wait_ready(port)
        await probe_latencies(port, 20)  # warm up
        quiet = await probe_latencies(port, args.probes)
        show("no slow clients", quiet, None)
        before = log.stat().st_size
        siege = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.slow_clients",
            str(port),
            str(args.slow),
            str(args.seconds),
            "100",
            cwd=HERE,
            stdout=asyncio.subprocess.PIPE,
        )
        started = time.monotonic()
        await asyncio.sleep(3)  # all connected (or turned away) by now
        loaded = await probe_latencies(port, args.probes)
        output, _ = await siege.communicate()
        minutes = (time.monotonic() - started) / 60
        logged = log.read_bytes()[before:].decode("utf-8", "replace").splitlines()
        # One line per command served is the bot's normal log (LOG_LEVEL=INFO), not the siege's.
        faults = [line for line in logged if " bot.commands: " not in line]
        grew = sum(len(line) + 1 for line in faults)
        show(f"{args.slow:,} slow clients", loaded, quiet)
        figures = json.loads(output)
        answers = ", ".join(
            f"{k or 'closed'} x{v:,}" for k, v in sorted(figures["answers"].items())
        )
        print(
            f"  slow clients: {figures['opened']:,} connections opened in {minutes * 60:.0f} s, "
            f"{figures['failed']:,} could not connect; closed by the server: {answers or 'none'}"
        )
        print(
            f"  log, beside one line per command served: {len(faults)} lines, {grew:,} bytes in "
            f"{minutes * 60:.0f} s = {grew / minutes:,.0f} bytes/minute"
        )
    finally:
        if process.returncode is None:
            process.terminate()
            await process.wait()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the siege lasts")
    parser.add_argument("--probes", type=int, default=300, help="rounds of the two requests")
    parser.add_argument("--root", type=Path, default=HERE)
    parser.add_argument("--open-files", type=int, default=0, help="the bot's RLIMIT_NOFILE")
    args = parser.parse_args()
    args.root = args.root.resolve()
    print(f"machine: {machine()}")
    print(
        f"tree: {args.root}; {args.slow:,} slow clients from 100 addresses for "
        f"{args.seconds:.0f} s; the bot's open-files limit: {args.open_files or 'unchanged'}"
    )
    fake = await FakeSlack().start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            await configuration(
                args,
                Path(folder),
                fake.api_url,
                "defaults (HTTP_MAX_CONNECTIONS=4000): all held until the 10 s header timeout",
            )
            await configuration(
                args,
                Path(folder),
                fake.api_url,
                "HTTP_MAX_CONNECTIONS=1000: more slow clients than room, the one that waited "
                "longest closed for each newcomer",
                HTTP_MAX_CONNECTIONS="1000",
            )
    finally:
        await fake.stop()


if __name__ == "__main__":
    asyncio.run(main())
