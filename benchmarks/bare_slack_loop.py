"""The bare baseline of bench_recaps.py --pressure: a slack_sdk loop, no database, no pacing.

``python benchmarks/bare_slack_loop.py <api_url> <channels> <concurrency>`` posts the same
payload a recap fan-out posts (the recap of the repository's content, rendered for Slack, with
the same metadata) to channels C00000.. with ``concurrency`` posts in flight, then prints the
seconds it took. The payload is made before the clock starts.
"""

import asyncio
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import build_dispatcher
from bot.recaps.compose import compose
from bot.renderers.slack import render_slack
from bot.settings import Settings

SLOT = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)


async def main(api_url: str, channels: int, concurrency: int) -> None:
    dispatcher = build_dispatcher(Settings(_env_file=None))
    reply, _ = compose(dispatcher.store.current, None, SLOT, "en")
    payload = render_slack(reply)
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
    client = AsyncWebClient(token="xoxb-bare", base_url=api_url, retry_handlers=[], session=session)
    queue = [f"C{i:05d}" for i in range(channels)]

    async def worker() -> None:
        while queue:
            channel = queue.pop()
            await client.chat_postMessage(
                channel=channel,
                text=payload["text"],
                blocks=payload["blocks"],
                metadata={"event_type": "case_brief_recap", "event_payload": {"slot": channel}},
                unfurl_links=False,
                unfurl_media=False,
            )

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    print(f"{time.perf_counter() - started:.3f}", flush=True)
    await session.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
