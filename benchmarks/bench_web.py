"""Web benchmark: the brief (/) and a report's page against a constant page, one server.

The server (this script with --serve) runs in a child process and serves the web routes
plus /constant: the bytes of the brief captured once, sent with the same headers, so the
difference is our per-request work. This process is the client (loopback only, bounded
request counts); the paths are measured in interleaved rounds. Then, in process: the
first (uncached) render of each page, and the static export of the large generated corpus
(1,000 sources) against copying its sources' text files (the I/O floor).

Usage: python benchmarks/bench_web.py [--requests 2000] [--concurrency 10] [--sources 1000]
"""

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_content import generate_corpus
from benchmarks.common import fmt, machine, percentiles, time_calls
from bot.app import build_dispatcher
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CLOCK = lambda: datetime(2026, 3, 10, tzinfo=UTC)  # noqa: E731
PATHS = ["/constant", "/", "/sources/epoch-times"]


def dispatcher_for(seeds: Path, summaries: Path, folder: Path):  # type: ignore[no-untyped-def]
    settings = Settings(
        seeds_dir=seeds,
        summaries_dir=summaries,
        _env_file=None,
        database_url=f"sqlite:///{folder / 'bench.sqlite3'}",
    )
    return build_dispatcher(settings, CLOCK)


def serve(port: int) -> None:
    """The child: the web routes and /constant on 127.0.0.1:port until killed."""
    from aiohttp import web

    from bot.web.links import SiteLinks
    from bot.web.server import HANDLER_ARGS, SECURITY_HEADERS, add_web_routes

    async def main() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            app = web.Application()
            pages = add_web_routes(
                app, dispatcher_for(ROOT / "seeds", ROOT / "summaries", Path(tmp))
            )
            constant = pages.index(SiteLinks()).encode("utf-8")

            async def constant_page(_request: web.Request) -> web.Response:
                return web.Response(
                    body=constant,
                    content_type="text/html",
                    charset="utf-8",
                    headers=SECURITY_HEADERS,
                )

            app.router.add_get("/constant", constant_page)
            runner = web.AppRunner(app, access_log=None, **HANDLER_ARGS)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            print("ready", flush=True)
            await asyncio.Event().wait()

    asyncio.run(main())


async def load(
    base: str, path: str, requests: int, concurrency: int
) -> tuple[list[float], float, int]:
    """Latencies (ms), wall time (s) and non-200 count for ``requests`` GETs of ``path``."""
    latencies: list[float] = []
    failures = 0
    remaining = requests
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker() -> None:
            nonlocal failures, remaining
            while remaining > 0:
                remaining -= 1
                started = time.perf_counter()
                async with session.get(base + path) as response:
                    await response.read()
                    failures += response.status != 200
                latencies.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, time.perf_counter() - started, failures


async def bench_served(requests: int, concurrency: int) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"ready"
        base = f"http://127.0.0.1:{port}"
        for path in PATHS:  # warm up: caches filled, connections open
            await load(base, path, 50, concurrency)
        results: dict[str, tuple[list[float], float, int]] = {p: ([], 0.0, 0) for p in PATHS}
        rounds = 4
        for _ in range(rounds):
            for path in PATHS:
                latencies, wall, failures = await load(base, path, requests // rounds, concurrency)
                old = results[path]
                results[path] = (old[0] + latencies, old[1] + wall, old[2] + failures)
        constant_rps = len(results["/constant"][0]) / results["/constant"][1]
        constant_p99 = percentiles(results["/constant"][0])["p99"]
        for path, (latencies, wall, failures) in results.items():
            stats = percentiles(latencies)
            rps = len(latencies) / wall
            print(
                f"GET {path:<22} {len(latencies)} requests at concurrency {concurrency}: "
                f"{fmt(stats)} "
                f"rps={rps:.0f} non-200={failures}; vs constant: rps {rps / constant_rps:.2f}x, "
                f"p99 {stats['p99'] / constant_p99:.2f}x"
            )
    finally:
        child.kill()
        child.wait()


def bench_render(folder: Path) -> None:
    """First render of each page (the cost after every content reload), vs a cached one."""
    from bot.web.links import SiteLinks
    from bot.web.pages import WebPages, build_environment

    dispatcher = dispatcher_for(ROOT / "seeds", ROOT / "summaries", folder)
    links, source_links = SiteLinks(), SiteLinks(root="../")
    env = build_environment()  # templates compile once per process
    cold_index = percentiles(time_calls(lambda: WebPages(dispatcher, env).index(links), 50))
    cold_source = percentiles(
        time_calls(lambda: WebPages(dispatcher, env).source("epoch-times", source_links), 50)
    )
    warm = WebPages(dispatcher, env)
    cached = percentiles(time_calls(lambda: warm.index(links), 2000))
    print(f"render / uncached (brief built too): {fmt(cold_index)}")
    print(f"render /sources/epoch-times uncached (brief built too): {fmt(cold_source)}")
    print(f"render / cached: {fmt(cached)}")


def bench_export(folder: Path, n_sources: int) -> None:
    from bot.web.site import export_site

    generate_corpus(folder / "corpus", n_sources, 10 * n_sources)
    dispatcher = dispatcher_for(
        folder / "corpus" / "seeds", folder / "corpus" / "summaries", folder
    )

    def copy_floor() -> None:
        target = folder / "floor"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        for source in dispatcher.store.current.sources.values():
            shutil.copyfile(source.file, target / f"{source.id}.html")

    floor = min(time_calls(copy_floor, 3))
    timed = time_calls(lambda: export_site(dispatcher, folder / "site"), 3)
    size = sum(f.stat().st_size for f in (folder / "site").rglob("*") if f.is_file())
    print(
        f"static export, {n_sources} sources x 10 KB, {10 * n_sources} cited claims: best "
        f"{min(timed):.0f} ms, "
        f"median {sorted(timed)[1]:.0f} ms ({n_sources + 2} pages, {size / 1e6:.1f} MB); "
        f"baseline copying the sources' text {floor:.0f} ms; ratio {min(timed) / floor:.0f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    print(f"machine: {machine()}")
    asyncio.run(bench_served(args.requests, args.concurrency))
    with tempfile.TemporaryDirectory() as tmp:
        bench_render(Path(tmp))
        bench_export(Path(tmp), args.sources)


if __name__ == "__main__":
    main()
