"""Recap fan-out: one recap to 1,000 channels against a rate-limited local fake Slack.

The fake allows one message per second per channel and WORKSPACE messages per second in
all, answering 429 with Retry-After beyond that, as Slack does. The baseline is the
theoretical minimum for those limits (channels / workspace rate). Duplicates and losses
are counted from what the fake received; both must be 0.

Usage: python benchmarks/bench_recaps.py [--channels 1000] [--workspace 100]
"""

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import machine  # noqa: E402
from bot.app import open_store  # noqa: E402
from bot.platforms.slack.app import build_web_client  # noqa: E402
from bot.recaps.posters import SlackPoster  # noqa: E402
from bot.recaps.service import RecapService  # noqa: E402
from bot.recaps.store import RecapStore  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.fakes.slack import FakeSlack  # noqa: E402

SLOT = datetime(2026, 3, 10, 14, 0, tzinfo=timezone.utc)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--workspace", type=int, default=100, help="messages per second, workspace-wide")
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    print(f"machine: {machine()}")
    fake = await FakeSlack().start()
    fake.workspace_per_second, fake.channel_interval = args.workspace, 1.0
    settings = Settings(_env_file=None, slack_bot_token=SecretStr("xoxb-bench"), slack_api_url=fake.api_url)
    content = open_store(settings)
    with tempfile.TemporaryDirectory() as tmp:
        store = RecapStore(Path(tmp) / "recaps.sqlite3")
        for i in range(args.channels):
            store.add_subscription("slack", f"C{i:05d}", "daily", "14:00", "UTC", now=SLOT - timedelta(days=1))
        clock = lambda: SLOT + timedelta(seconds=1)  # noqa: E731
        service = RecapService(store, lambda: content.current, clock, concurrency=args.concurrency)
        service.posters["slack"] = SlackPoster(build_web_client(settings))
        started = time.perf_counter()
        report = await service.post_due()
        elapsed = time.perf_counter() - started
        counts = fake.posts_by_channel()
        duplicates = sum(n - 1 for n in counts.values() if n > 1)
        losses = args.channels - len(counts)
        minimum = args.channels / args.workspace
        print(f"fan-out to {args.channels} channels (workspace limit {args.workspace}/s, 1/s per channel, "
              f"concurrency {args.concurrency}): {elapsed:.2f} s; theoretical minimum {minimum:.2f} s; "
              f"ratio {elapsed / minimum:.2f}x")
        print(f"posted {len(report.posted)}, failed {len(report.failed)}, 429s answered by the fake {fake.rejected}; "
              f"duplicates {duplicates}, losses {losses}")
    await fake.stop()


if __name__ == "__main__":
    asyncio.run(main())
