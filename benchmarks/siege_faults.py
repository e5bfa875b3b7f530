"""Fault run for issue 16 (docs/hardening.md, "The service under siege"): what slow clients,
a database outage, hostile files and odd settings do to a given source tree.

Not a timing benchmark (that is bench_siege.py): it records outcomes (HTTP statuses, time to
recover, log bytes, exit codes) so the table in docs/hardening.md is measured "before" and
"after" with the same script:

    .venv/bin/python benchmarks/siege_faults.py                     # this checkout
    .venv/bin/python benchmarks/siege_faults.py --root /tmp/before  # e.g. `git archive` of main
    .venv/bin/python benchmarks/siege_faults.py --only slow,settings

Every case runs `python -m bot` subprocesses of the tree in temporary folders
(PYTHONPATH=root). The fakes (Slack, Discord) and the closable TCP proxy in front of
PostgreSQL come from this checkout's tests/, so both trees face the same world. PostgreSQL
comes from TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test); the parts
that need it are skipped when none answers.
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE))

from tests.fakes.discord import FakeDiscord  # noqa: E402
from tests.fakes.signing import form, signed_headers  # noqa: E402
from tests.fakes.slack import FakeSlack, slash_payload  # noqa: E402
from tests.limits import limited  # noqa: E402
from tests.slow_clients import Siege, addresses  # noqa: E402
from tests.tcp_proxy import TcpProxy  # noqa: E402

T = TypeVar("T")
SECRET = "siege-signing-secret-0123456789"
KEY = "bE6hZ0dIRLZDv9zLmK2F3Lw6m3oPZcZ0bq3T9V8oS6w="  # a Fernet key for the fault runs only
PG_URL = os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/test"
SETTINGS_PREFIXES = (
    "SLACK_",
    "DISCORD_",
    "DATABASE_URL",
    "RECAP",
    "HOST",
    "PORT",
    "OPS_",
    "HTTP_",
    "SEEDS_DIR",
    "SUMMARIES_DIR",
    "LOG_",
    "STALE_AFTER_DAYS",
    "CONTENT_RELOAD_SECONDS",
    "PUBLIC_URL",
)
Row = tuple[str, str, str]  # fault, case, outcome


class Background:
    """An event loop in a thread: the fakes, the proxy and the slow clients live there."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def spawn(self, coroutine: Coroutine[Any, Any, T]) -> "asyncio.Future[T]":
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)  # type: ignore[return-value]


BG = Background()


# --- running the bot ------------------------------------------------------------------------


def env_for(root: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(SETTINGS_PREFIXES)}
    env.update(PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1", **settings)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Bot:
    """``python -m bot run`` of a tree, its stderr in a file (a pipe nobody reads would stall
    it).
    """

    def __init__(
        self,
        root: Path,
        tmp: Path,
        name: str,
        *,
        open_files: int = 0,
        **settings: str,
    ) -> None:
        self.port = int(settings.setdefault("PORT", str(free_port())))
        settings.setdefault("HOST", "127.0.0.1")
        settings.setdefault("CONTENT_RELOAD_SECONDS", "0")
        settings.setdefault("DATABASE_URL", f"sqlite:///{tmp / (name + '.sqlite3')}")
        self.log = tmp / f"{name}.log"
        self.out = tmp / f"{name}.out"
        self.process = subprocess.Popen(
            limited([sys.executable, "-m", "bot", "run"], open_files=open_files),
            cwd=tmp,
            stdout=self.out.open("wb"),
            stderr=self.log.open("wb"),
            env=env_for(root, **settings),
        )
        self.base = f"http://127.0.0.1:{self.port}"

    def wait_until(self, path: str = "/healthz", status: int = 200, within: float = 60) -> float:
        started = time.monotonic()
        while time.monotonic() - started < within:
            if self.process.poll() is not None:
                msg = f"the bot exited ({self.process.returncode}): {self.tail()}"
                raise RuntimeError(msg)
            if get(self.base + path, timeout=2)[0] == status:
                return time.monotonic() - started
            time.sleep(0.2)
        msg = f"{path} never answered {status}: {self.tail()}"
        raise TimeoutError(msg)

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_text(self, start: int = 0) -> str:
        with self.log.open("rb") as f:
            f.seek(start)
            return f.read().decode("utf-8", "replace")

    def tail(self) -> str:
        return self.log_text()[-1500:]

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def get(url: str, timeout: float = 5, headers: dict[str, str] | None = None) -> tuple[Any, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return int(resp.status), resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return ("timeout" if "timed out" in str(reason) else "no answer"), ""


def post(url: str, body: str, headers: dict[str, str], timeout: float = 2) -> tuple[Any, str]:
    request = urllib.request.Request(url, data=body.encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return int(resp.status), resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return int(error.code), error.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        return ("timeout" if "timed out" in str(reason) else "no answer"), ""


def command(
    bot: Bot, name: str, text: str = "", team: str = "T1", **fields: str
) -> tuple[Any, str]:
    body = form(slash_payload(name, text, team_id=team, **fields))
    return post(bot.base + "/slack/events", body, signed_headers(SECRET, body), timeout=5)


def tally(values: list[Any]) -> str:
    counts = Counter(str(v) for v in values)
    return ", ".join(f"{value}×{n}" for value, n in sorted(counts.items()))


def outcome(done: subprocess.CompletedProcess[str]) -> str:
    said = done.stderr + (done.stdout if done.returncode else "")
    lines = [line for line in said.splitlines() if line.strip()]
    trace = "traceback" if "Traceback" in said else "no traceback"
    return f"exit {done.returncode}, {len(lines)} line(s), {trace}"


def tracebacks(text: str) -> int:
    return text.count("Traceback")


def kb(size: int) -> str:
    return (
        f"{size:,} bytes"
        if size < 10_000
        else f"{size / 1000:,.0f} KB"
        if size < 10_000_000
        else f"{size / 1e6:,.0f} MB"
    )


# --- slow clients ---------------------------------------------------------------------------


def slow(root: Path, tmp: Path, args: argparse.Namespace) -> Iterator[Row]:
    fake = BG.run(FakeSlack().start())
    for label, sources in (
        ("one address", addresses(1)),
        ("100 addresses", addresses(100)),
    ):
        bot = Bot(
            root,
            tmp,
            f"slow-{len(sources)}",
            open_files=1024,
            SLACK_BOT_TOKEN="xoxb-siege",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.api_url,
            LOG_LEVEL="INFO",
        )
        try:
            bot.wait_until("/healthz")
            size = bot.log_size()
            siege = Siege(bot.port, args.slow, sources)
            attack = BG.spawn(siege.run(args.siege_seconds))
            time.sleep(3)  # let them connect
            health, numbers, ready, page = [], [], [], []
            started = time.monotonic()
            with ThreadPoolExecutor(4) as pool:
                while not attack.done():  # the four probes at once, every half second
                    round_ = [
                        pool.submit(get, bot.base + "/healthz", 2),
                        pool.submit(command, bot, "/numbers"),
                        pool.submit(get, bot.base + "/readyz", 2),
                        pool.submit(get, bot.base + "/", 2),
                    ]
                    for samples, done in zip((health, numbers, ready, page), round_, strict=True):
                        samples.append(done.result()[0])
                    time.sleep(0.5)
            held_for = time.monotonic() - started + 3
            attack.result()
            grew = bot.log_size() - size
            text = bot.log_text(size)
            after = time.monotonic()
            recovered = get(bot.base + "/healthz", timeout=5)[0]
            took = time.monotonic() - after
            case = (
                f"{args.slow:,} slow connections from {label}, {held_for:.0f} s, "
                "RLIMIT_NOFILE 1,024"
            )
            yield ("slow clients", case + ": /healthz", tally(health))
            yield ("slow clients", case + ": signed /numbers", tally(numbers))
            yield ("slow clients", case + ": /readyz", tally(ready))
            yield ("slow clients", case + ": web page /", tally(page))
            yield (
                "slow clients",
                case + ": what the slow clients got",
                (
                    f"{siege.opened:,} connected, {siege.failed:,} could not connect; closed by "
                    f"the server: {tally(list(siege.answers.elements())) or 'none'}"
                ),
            )
            per_minute = grew * 60 / held_for
            yield (
                "slow clients",
                case + ": log",
                (
                    f"{kb(grew)} ({kb(int(per_minute))}/min), {tracebacks(text):,} tracebacks, "
                    f"{text.count('out of system resource'):,} 'accept() out of system resource'"
                ),
            )
            yield (
                "slow clients",
                case + ": /healthz once they leave",
                f"{recovered} in {took:.2f} s",
            )
        finally:
            bot.stop()
    BG.run(fake.stop())


# --- the database goes away ---------------------------------------------------------------


def pg_database() -> tuple[str, Callable[[], None]] | None:
    """A fresh database on the server at PG_URL (and how to drop it), or None without one."""
    try:
        import psycopg
    except ImportError:
        return None
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error:
        return None
    name = f"siege_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return urlunsplit(urlsplit(PG_URL)._replace(path=f"/{name}")), drop


def through(url: str, port: int) -> str:
    parts = urlsplit(url)
    user = parts.username or "postgres"
    return urlunsplit(parts._replace(netloc=f"{user}@127.0.0.1:{port}"))


def install(bot: Bot, fake: FakeSlack, team: str) -> int:
    request = urllib.request.Request(bot.base + "/slack/install")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(request, timeout=10)
        return 0
    except urllib.error.HTTPError as error:
        if error.code != 302:
            return int(error.code)
        location = error.headers["Location"]
    state = parse_qs(urlsplit(location).query)["state"][0]
    code = fake.grant(team, expires_in=43200)
    status, _ = get(
        f"{bot.base}/slack/oauth_redirect?code={code}&state={state}",
        headers={"Cookie": f"slack-app-oauth-state={state}"},
        timeout=10,
    )
    return int(status) if isinstance(status, int) else 0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


def metric(bot: Bot, name: str, **labels: str) -> float:
    base = bot.ops if hasattr(bot, "ops") else bot.base
    status, text = get(base + "/metrics")
    if status != 200:
        status, text = get(bot.base + "/metrics")
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def outage(root: Path, tmp: Path, args: argparse.Namespace) -> Iterator[Row]:
    made = pg_database()
    if made is None:
        yield ("database outage", "PostgreSQL", "skipped: no PostgreSQL at TEST_DATABASE_URL")
        return
    url, drop = made
    proxy = BG.run(TcpProxy(urlsplit(url).port or 5432).start())
    fake = BG.run(FakeSlack().start())
    ops_port = free_port()
    bot = Bot(
        root,
        tmp,
        "outage",
        SLACK_CLIENT_ID=fake.client_id,
        SLACK_CLIENT_SECRET=fake.client_secret,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_TOKEN_ENCRYPTION_KEY=KEY,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=through(url, proxy.port),
        OPS_PORT=str(ops_port),
        LOG_LEVEL="INFO",
        # A recap due every minute: the scheduler meets the outage too.
        RECAPS=json.dumps(
            [
                {
                    "platform": "slack",
                    "workspace": "T1",
                    "channel": "C1",
                    "schedule": "cron * * * * *",
                }
            ]
        ),
    )
    bot.ops = f"http://127.0.0.1:{ops_port}"  # type: ignore[attr-defined]
    try:
        bot.wait_until("/readyz", within=90)
        installed = install(bot, fake, "T1")
        yield ("database outage", "install a workspace (OAuth, PostgreSQL)", f"HTTP {installed}")
        before = [command(bot, "/numbers")[0] for _ in range(3)]
        size = bot.log_size()
        BG.run(proxy.close())
        down_at = time.monotonic()
        time.sleep(3)
        during = [command(bot, "/numbers")[0] for _ in range(5)]
        responses = len(fake.responses)
        recap_status, recap_text = command(bot, "/recap", "list", response_url=fake.response_url)
        time.sleep(max(0.0, 15 - (time.monotonic() - down_at)))  # every part has noticed by now
        recap_text += str(fake.responses[responses:])  # a slow command answers there
        unavailable = "unavailable" in recap_text.lower()
        outcomes = {
            outcome: metric(bot, "casebrief_commands_total", command="recap", outcome=outcome)
            for outcome in ("ok", "error", "unavailable")
        }
        public = get(bot.base + "/readyz")
        private = get(bot.ops + "/readyz")  # type: ignore[attr-defined]
        yield (
            "database outage",
            "signed /numbers while PostgreSQL is down (OAuth mode)",
            f"before: {tally(before)}; during: {tally(during)}",
        )
        counted = ", ".join(f"{k} {v:g}" for k, v in outcomes.items() if v)
        yield (
            "database outage",
            "/recap list while PostgreSQL is down",
            (
                f"HTTP {recap_status}, {'says unavailable' if unavailable else 'no answer text'}; "
                f"counted as: {counted or 'nothing'}"
            ),
        )
        parts = urlsplit(url)
        leaked = [
            what
            for what, value in (
                ("user", parts.username or "postgres"),
                ("database name", parts.path.strip("/")),
                ("host:port", f"127.0.0.1:{proxy.port}"),
            )
            if value in public[1]
        ]
        yield (
            "operator detail",
            "public /readyz while PostgreSQL is down",
            f"HTTP {public[0]}, shows {', '.join(leaked) or 'no user, host or database'}",
        )
        if args.verbose:
            print(public[1], private[1], sep="\n", file=sys.stderr)
        yield (
            "operator detail",
            f"OPS_PORT={ops_port}: /readyz there",
            f"HTTP {private[0]}"
            + (", names the cause" if "PostgreSQL" in private[1] else "")
            + ("" if private[0] != "no answer" else " (no operator listener)"),
        )
        remaining = args.outage - (time.monotonic() - down_at)
        time.sleep(max(0.0, remaining - 2))
        late = get(bot.base + "/readyz")  # after the recap scheduler met the outage too
        late_leaks = [
            what
            for what, value in (
                ("user", parts.username or "postgres"),
                ("database name", parts.path.strip("/")),
                ("host:port", f"127.0.0.1:{proxy.port}"),
            )
            if value in late[1]
        ]
        yield (
            "operator detail",
            f"public /readyz {args.outage - 2:.0f} s into the outage",
            f"HTTP {late[0]}, shows {', '.join(late_leaks) or 'no user, host or database'}",
        )
        if args.verbose:
            print(late[1], file=sys.stderr)
        time.sleep(max(0.0, args.outage - (time.monotonic() - down_at)))
        BG.run(proxy.reopen())
        back_at = time.monotonic()
        recovered = "never (within 120 s)"
        while time.monotonic() - back_at < 120:
            if get(bot.base + "/readyz", timeout=2)[0] == 200:
                recovered = f"{time.monotonic() - back_at:.1f} s"
                break
            time.sleep(0.25)
        text = bot.log_text(size)
        lines = [line for line in text.splitlines() if line.strip()]
        noisy = [
            line
            for line in lines
            if " WARNING " in line
            or " ERROR " in line
            or '"level": "WARNING"' in line
            or '"level": "ERROR"' in line
        ]
        yield (
            "database outage",
            f"PostgreSQL down {args.outage:.0f} s: /readyz 200 again after it is back",
            recovered,
        )
        yield (
            "database outage",
            f"PostgreSQL down {args.outage:.0f} s: log during the outage",
            (
                f"{len(lines)} lines ({len(noisy)} WARNING/ERROR), {kb(len(text.encode()))}, "
                f"{tracebacks(text)} tracebacks"
            ),
        )
        if args.verbose:
            print(text, file=sys.stderr)
        after = [command(bot, "/recap", "list")[0] for _ in range(2)]
        yield ("database outage", "/recap list once it is back", tally(after))
    finally:
        bot.stop()
        BG.run(proxy.stop())
        BG.run(fake.stop())
        drop()


def leak(root: Path, tmp: Path, _args: argparse.Namespace) -> Iterator[Row]:
    """A SQLite database that breaks under a running bot: what the public /readyz shows."""
    fake = BG.run(FakeSlack().start())
    folder = tmp / "private-folder-name"
    folder.mkdir(exist_ok=True)
    database = folder / "brief.sqlite3"
    ops_port = free_port()
    bot = Bot(
        root,
        tmp,
        "leak",
        SLACK_BOT_TOKEN="xoxb-siege",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=f"sqlite:///{database}",
        OPS_PORT=str(ops_port),
    )
    try:
        bot.wait_until("/readyz", within=60)
        database.write_bytes(b"this is no longer a database " * 400)
        status, body = get(bot.base + "/readyz")
        for _ in range(40):
            if status == 503:
                break
            time.sleep(0.25)
            status, body = get(bot.base + "/readyz")
        private = get(f"http://127.0.0.1:{ops_port}/readyz")
        yield (
            "operator detail",
            "public /readyz, SQLite file corrupted under the running bot",
            f"HTTP {status}, "
            + ("shows the database's path" if "private-folder-name" in body else "no path shown"),
        )
        yield (
            "operator detail",
            "the same on OPS_PORT",
            f"HTTP {private[0]}"
            + (", shows the path and the cause" if "private-folder-name" in private[1] else "")
            + (" (no operator listener)" if private[0] == "no answer" else ""),
        )
        public_metrics = get(bot.base + "/metrics")[0]
        yield ("operator detail", "public /metrics with OPS_PORT set", f"HTTP {public_metrics}")
    finally:
        bot.stop()
        BG.run(fake.stop())


def timeout_reason(root: Path, tmp: Path, _args: argparse.Namespace) -> Iterator[Row]:
    """A database check that times out (a server that stops answering, connections kept)."""
    made = pg_database()
    if made is None:
        yield ("logs", "database check timed out", "skipped: no PostgreSQL")
        return
    url, drop = made
    proxy = BG.run(TcpProxy(urlsplit(url).port or 5432).start())
    fake = BG.run(FakeSlack().start())
    bot = Bot(
        root,
        tmp,
        "timeout",
        SLACK_BOT_TOKEN="xoxb-siege",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=through(url, proxy.port),
        LOG_LEVEL="INFO",
    )
    try:
        bot.wait_until("/readyz", within=60)
        size = bot.log_size()
        proxy.delay = 3600.0  # every byte waits: the server hangs
        time.sleep(14)
        text = bot.log_text(size)
        found = [line for line in text.splitlines() if "database check failed" in line]
        shown = found[0].split("database check failed", 1)[1][:90] if found else "(no line)"
        yield ("logs", "database check timed out: the line", f"`database check failed{shown}`")
    finally:
        proxy.delay = 0.0
        bot.stop()
        BG.run(proxy.stop())
        BG.run(fake.stop())
        drop()


def fresh(root: Path, tmp: Path, _args: argparse.Namespace) -> Iterator[Row]:
    """OAuth on a fresh database over a slow link: requests arriving while the tables are made."""
    made = pg_database()
    if made is None:
        yield ("OAuth, fresh database", "PostgreSQL", "skipped: no PostgreSQL")
        return
    url, drop = made
    proxy = BG.run(TcpProxy(urlsplit(url).port or 5432).start())
    proxy.delay = 0.03
    fake = BG.run(FakeSlack().start())
    port = free_port()
    bot = Bot(
        root,
        tmp,
        "fresh",
        PORT=str(port),
        SLACK_CLIENT_ID=fake.client_id,
        SLACK_CLIENT_SECRET=fake.client_secret,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_TOKEN_ENCRYPTION_KEY=KEY,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=through(url, proxy.port),
        LOG_LEVEL="INFO",
    )
    statuses: list[Any] = []
    opener = urllib.request.build_opener(NoRedirect)
    try:
        started = time.monotonic()
        while time.monotonic() - started < 60:
            try:
                opener.open(bot.base + "/slack/install", timeout=5)
                statuses.append(200)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
                if error.code == 302:
                    break
            except (urllib.error.URLError, OSError):
                statuses.append("refused")
                time.sleep(0.05)
        answered = [s for s in statuses if s != "refused"]
        yield (
            "OAuth, fresh database",
            "GET /slack/install from the first moment the port answers",
            f"{tally(answered)} before the first redirect" if answered else "never answered",
        )
    finally:
        bot.stop()
        BG.run(proxy.stop())
        BG.run(fake.stop())
        drop()


def install_flood(root: Path, tmp: Path, _args: argparse.Namespace) -> Iterator[Row]:
    """Anonymous GET /slack/install for 20 s while a workspace's commands are timed."""
    fake = BG.run(FakeSlack().start())
    database = tmp / "flood.sqlite3"
    bot = Bot(
        root,
        tmp,
        "flood",
        SLACK_CLIENT_ID=fake.client_id,
        SLACK_CLIENT_SECRET=fake.client_secret,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_TOKEN_ENCRYPTION_KEY=KEY,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=f"sqlite:///{database}",
        LOG_LEVEL="WARNING",
    )
    try:
        bot.wait_until("/readyz", within=60)
        install(bot, fake, "T1")

        def timed(count: int) -> list[float]:
            samples = []
            for _ in range(count):
                started = time.perf_counter()
                command(bot, "/numbers")
                samples.append((time.perf_counter() - started) * 1000)
            return sorted(samples)

        quiet = timed(100)
        rows_before = state_rows(database)

        async def flood(seconds: float) -> Counter[int]:
            import aiohttp

            statuses: Counter[int] = Counter()
            end = time.monotonic() + seconds
            async with aiohttp.ClientSession() as session:

                async def one() -> None:
                    while time.monotonic() < end:
                        try:
                            async with session.get(
                                bot.base + "/slack/install", allow_redirects=False
                            ) as resp:
                                statuses[resp.status] += 1
                        except aiohttp.ClientError:
                            statuses[0] += 1

                await asyncio.gather(*(one() for _ in range(8)))
            return statuses

        flooding = BG.spawn(flood(20))
        loaded = timed(100)
        statuses = flooding.result(60)
        rows = state_rows(database) - rows_before
        p99 = lambda xs: xs[min(len(xs) - 1, int(len(xs) * 0.99))]  # noqa: E731
        yield (
            "anonymous /slack/install",
            "8 clients for 20 s, SQLite",
            (
                f"{sum(statuses.values()):,} requests ({tally(list(statuses.elements()))}); "
                f"{rows:,} rows written"
            ),
        )
        yield (
            "anonymous /slack/install",
            "signed /numbers meanwhile (100 sequential)",
            f"p99 {p99(quiet):.0f} ms quiet, {p99(loaded):.0f} ms during the flood",
        )
    finally:
        bot.stop()
        BG.run(fake.stop())


def state_rows(database: Path) -> int:
    import sqlite3

    with contextlib.closing(sqlite3.connect(database)) as db:
        try:
            return int(db.execute("SELECT count(*) FROM slack_oauth_states").fetchone()[0])
        except sqlite3.Error:
            return 0


# --- settings -----------------------------------------------------------------------------


def run_briefly(root: Path, tmp: Path, args: list[str], within: float, **settings: str) -> str:
    """A command that should stop at once; one still running after ``within`` s accepted its
    settings.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_for(root, **settings),
    )
    try:
        stdout, stderr = process.communicate(timeout=within)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)
        return f"accepted: still running after {within:.0f} s"
    return outcome(subprocess.CompletedProcess(args, process.returncode, stdout, stderr))


def settings(root: Path, tmp: Path, _args: argparse.Namespace) -> Iterator[Row]:
    slack = BG.run(FakeSlack().start())
    discord = FakeDiscord()
    if hasattr(discord, "refused_guilds"):
        discord.refused_guilds.add("999999999999999999")  # type: ignore[attr-defined]
    discord = BG.run(discord.start())
    base = {"HOST": "127.0.0.1", "DATABASE_URL": f"sqlite:///{tmp / 'settings.sqlite3'}"}
    http = {
        **base,
        "SLACK_BOT_TOKEN": "xoxb-siege",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
    }
    oauth = {
        **base,
        "SLACK_CLIENT_ID": slack.client_id,
        "SLACK_CLIENT_SECRET": slack.client_secret,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_TOKEN_ENCRYPTION_KEY": KEY,
        "SLACK_API_URL": slack.api_url,
    }
    cases: list[tuple[str, list[str], dict[str, str]]] = [
        ("whitespace-only SLACK_SIGNING_SECRET", ["run"], {**http, "SLACK_SIGNING_SECRET": "   "}),
        ("whitespace-only SLACK_CLIENT_SECRET", ["run"], {**oauth, "SLACK_CLIENT_SECRET": "   "}),
        ("whitespace-only SLACK_CLIENT_ID", ["run"], {**oauth, "SLACK_CLIENT_ID": "   "}),
        (
            "whitespace-only DISCORD_TOKEN",
            ["run"],
            {**base, "DISCORD_TOKEN": "   ", "DISCORD_API_URL": discord.api_url},
        ),
        (
            "unreachable SLACK_API_URL",
            ["run"],
            {**http, "SLACK_API_URL": "http://127.0.0.1:1/api/"},
        ),
        (
            "DISCORD_GUILD_IDS naming a guild Discord refuses",
            ["run"],
            {
                **base,
                "DISCORD_TOKEN": discord.token,
                "DISCORD_API_URL": discord.api_url,
                "DISCORD_GUILD_IDS": "999999999999999999",
            },
        ),
        (
            "RECAP_GRACE_MINUTES=1000000000000",
            ["ask", "/help"],
            {"RECAP_GRACE_MINUTES": "1000000000000"},
        ),
        (
            "RECAP_GRACE_MINUTES=1000000000000, a recap due",
            [
                "recap",
                "post-due",
                "--at",
                time.strftime("%Y-%m-%dT09:00Z", time.gmtime(time.time() + 2 * 86400)),
            ],
            {
                **http,
                "RECAP_GRACE_MINUTES": "1000000000000",
                "RECAPS": json.dumps(
                    [{"platform": "slack", "channel": "C1", "schedule": "daily", "time": "09:00"}]
                ),
            },
        ),
        ("CONTENT_RELOAD_SECONDS=1e300", ["ask", "/help"], {"CONTENT_RELOAD_SECONDS": "1e300"}),
        (
            "DISCORD_SHARD_COUNT=1000000000000",
            ["ask", "/help"],
            {"DISCORD_SHARD_COUNT": "1000000000000"},
        ),
        ("HTTP_MAX_CONNECTIONS=-1", ["ask", "/help"], {"HTTP_MAX_CONNECTIONS": "-1"}),
        ("OPS_PORT=70000", ["ask", "/help"], {"OPS_PORT": "70000"}),
    ]
    try:
        for name, command_args, values in cases:
            yield (
                "settings",
                f"{name} (`{' '.join(command_args)}`)",
                run_briefly(root, tmp, command_args, 12, **values),
            )
    finally:
        BG.run(slack.stop())
        BG.run(discord.stop())


# --- source add -----------------------------------------------------------------------------


def source_add(root: Path, tmp: Path, args: argparse.Namespace) -> Iterator[Row]:
    def fresh_seeds() -> Path:
        case = Path(tempfile.mkdtemp(dir=tmp))
        shutil.copytree(root / "seeds", case / "seeds")
        shutil.copytree(root / "summaries", case / "summaries")
        return case

    def add(case: Path, *argv: str, file_size: int = 0) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            limited([sys.executable, "-m", "bot", "source", "add", *argv], file_size=file_size),
            cwd=case,
            env=env_for(root, SEEDS_DIR=str(case / "seeds"), SUMMARIES_DIR=str(case / "summaries")),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    def new_files(case: Path) -> list[str]:
        return sorted(p.name for p in (case / "seeds").iterdir() if p.name not in shipped)

    shipped = {p.name for p in (root / "seeds").iterdir()}
    case = fresh_seeds()
    (case / "link.txt").symlink_to("/etc/passwd")
    done = add(case, str(case / "link.txt"), "--id", "passwd")
    copied = (case / "seeds" / "passwd.txt").exists()
    yield (
        "source add",
        "link.txt -> /etc/passwd",
        f"{outcome(done)}; "
        + ("/etc/passwd copied into the sources" if copied else "nothing written"),
    )
    case = fresh_seeds()
    os.mkfifo(case / "pipe.txt")
    yield (
        "source add",
        "a FIFO",
        f"{outcome(add(case, str(case / 'pipe.txt')))}; wrote {new_files(case) or 'nothing'}",
    )
    case = fresh_seeds()
    yield (
        "source add",
        "/dev/zero",
        f"{outcome(add(case, '/dev/zero'))}; wrote {new_files(case) or 'nothing'}",
    )
    case = fresh_seeds()
    page = case / "big.html"
    paragraph = (
        "<p>" + "The court heard more arguments about taxpayer data on Monday. " * 20 + "</p>\n"
    )
    with page.open("w") as out:
        out.write("<html><body><article>\n")
        while out.tell() < args.big_mb * 1_000_000:
            out.write(paragraph)
        out.write("</article></body></html>\n")
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = add(case, str(page))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    yield (
        "source add",
        f"a {args.big_mb} MB HTML page",
        (
            f"{outcome(done)}; {time.monotonic() - started:.1f} s, peak memory "
            f"{max(peak, before) / 1000:,.0f} MB; wrote {len(new_files(case))} file(s)"
        ),
    )
    case = fresh_seeds()
    report = case / "report.txt"
    report.write_text("By Ann Writer\nWASHINGTON (AP) -- The court ruled on Monday.\n" * 3000)

    done = add(case, str(report), "--id", "full-disk", file_size=16_384)  # past 16 KB: EFBIG
    left = new_files(case)
    check = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        cwd=case,
        env=env_for(root, SEEDS_DIR=str(case / "seeds"), SUMMARIES_DIR=str(case / "summaries")),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    yield (
        "source add",
        "the disk fills while writing (RLIMIT_FSIZE 16 KB)",
        f"{outcome(done)}; left {left or 'nothing'}; next `check`: exit {check.returncode}",
    )
    case = fresh_seeds()
    (case / "r.txt").write_text("A report that says something new about the case.\n")
    yield (
        "source add",
        "--id of 300 characters",
        outcome(add(case, str(case / "r.txt"), "--id", "a" * 300)),
    )


# --- logs ---------------------------------------------------------------------------------


def logs(root: Path, tmp: Path, _args: argparse.Namespace) -> Iterator[Row]:
    fake = BG.run(FakeSlack().start())
    bot = Bot(
        root,
        tmp,
        "bolt",
        SLACK_BOT_TOKEN="xoxb-siege",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        LOG_LEVEL="INFO",
    )
    try:
        bot.wait_until("/readyz")
        time.sleep(1)
        unused = bot.log_text().count("will be unused")
    finally:
        bot.stop()
    yield (
        "logs",
        "start with SLACK_BOT_TOKEN (HTTP mode)",
        f"{unused} 'token will be unused' warning(s)",
    )
    BG.run(fake.stop())

    discord = BG.run(FakeDiscord().start())
    bot = Bot(
        root,
        tmp,
        "gateway",
        DISCORD_TOKEN=discord.token,
        DISCORD_API_URL=discord.api_url,
        LOG_LEVEL="INFO",
    )
    try:
        BG.run(asyncio.wait_for(discord.identified.wait(), 60), 70)
        size = bot.log_size()
        for _ in range(3):
            BG.run(discord.drop_gateway())
            time.sleep(1)
            discord.restore_gateway()
            BG.run(asyncio.wait_for(discord.identified.wait(), 90), 100)
        text = bot.log_text(size)
        levels = Counter(
            m.group(1) for m in re.finditer(r" (DEBUG|INFO|WARNING|ERROR|CRITICAL) ", text)
        )
        counted = sorted(levels.items())
        yield (
            "logs",
            "Discord gateway dropped 3 times (close code 4000), each reconnected",
            (
                f"{len(text.splitlines())} lines ({', '.join(f'{k} {v}' for k, v in counted)}), "
                f"{tracebacks(text)} tracebacks"
            ),
        )
    finally:
        bot.stop()

    # LOG_FORMAT=json: the invite line, a fatal stop, a settings error.
    bot = Bot(
        root,
        tmp,
        "json",
        DISCORD_TOKEN=discord.token,
        DISCORD_API_URL=discord.api_url,
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
    )
    try:
        BG.run(asyncio.wait_for(discord.identified.wait(), 60), 70)
        time.sleep(1)
        discord.close_on_identify = 4014
        BG.run(discord.drop_gateway(code=4000))
        discord.restore_gateway()
        bot.process.wait(60)
    finally:
        bot.stop()
        discord.close_on_identify = None
    said = bot.out.read_text() + bot.log.read_text()
    lines = [line for line in said.splitlines() if line.strip()]
    not_json = [line for line in lines if not _is_json(line)]
    yield (
        "logs",
        "LOG_FORMAT=json: Discord start, then close code 4014 (fatal)",
        f"exit {bot.process.returncode}; {len(not_json)} of {len(lines)} lines not JSON"
        + (f" (e.g. `{not_json[0][:60]}`)" if not_json else ""),
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "/help"],
        cwd=tmp,
        env=env_for(root, LOG_FORMAT="json", PORT="not-a-port"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    plain = sum(not _is_json(line) for line in lines)
    yield (
        "logs",
        "LOG_FORMAT=json and PORT=not-a-port",
        f"exit {done.returncode}; {plain} of {len(lines)} lines not JSON",
    )
    BG.run(discord.stop())

    # Masking: a 6-character secret and the DATABASE_URL password in a logged line.
    probe = (
        "import logging, sys\n"
        "from bot.cli import main\n"
        "import bot.cli as cli\n"
        "real = cli.configure_logging\n"
        "def spy(*a, **k):\n"
        "    real(*a, **k)\n"
        "    logging.getLogger('probe').warning('signing short6 and url postgresql://bot:pa55w0rd@db/x')\n"
        "cli.configure_logging = spy\n"
        "sys.exit(main(['ask', '/help']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp,
        env=env_for(
            root,
            SLACK_SIGNING_SECRET="short6",
            SLACK_BOT_TOKEN="xoxb-siege",
            DATABASE_URL="postgresql://bot:pa55w0rd@db/x",
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    shown = [s for s in ("short6", "pa55w0rd") if s in done.stderr]
    yield (
        "logs",
        "a 6-character secret and the DATABASE_URL password in a log line",
        f"shown: {', '.join(shown) or 'neither'}",
    )


def _is_json(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


PARTS: dict[str, Callable[[Path, Path, argparse.Namespace], Iterator[Row]]] = {
    "slow": slow,
    "outage": outage,
    "leak": leak,
    "timeout": timeout_reason,
    "fresh": fresh,
    "install": install_flood,
    "settings": settings,
    "source": source_add,
    "logs": logs,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, default=HERE, help="source tree to run (default: this checkout)"
    )
    parser.add_argument("--only", help=f"comma-separated parts: {', '.join(PARTS)}")
    parser.add_argument("--slow", type=int, default=1100, help="slow connections (default 1,100)")
    parser.add_argument("--siege-seconds", type=float, default=20.0)
    parser.add_argument(
        "--outage", type=float, default=75.0, help="seconds PostgreSQL is down (default 75)"
    )
    parser.add_argument("--verbose", action="store_true", help="show bodies and logs")
    parser.add_argument(
        "--big-mb", type=int, default=50, help="size of the big HTML page (default 50 MB)"
    )
    args = parser.parse_args()
    root = args.root.resolve()
    chosen = args.only.split(",") if args.only else list(PARTS)
    with tempfile.TemporaryDirectory() as folder:
        for name in chosen:
            for fault, case, result in PARTS[name](root, Path(folder), args):
                print(f"| {fault} | {case} | {result} |", flush=True)


if __name__ == "__main__":
    main()
