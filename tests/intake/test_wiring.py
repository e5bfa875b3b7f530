"""The intake in the running bot: a supervised task; /readyz shows the poller and its
failing feeds; /metrics counts polls, items, candidates and failures per configured feed.
"""

import asyncio

import aiohttp
from pydantic import SecretStr

from bot.app import build_dispatcher
from bot.platforms.serve import serve_until_stopped
from bot.settings import Settings
from tests.fakes.feeds import FakeFeeds, Feed
from tests.fakes.slack import FakeSlack
from tests.intake.harness import EDITORS, report_item
from tests.platforms.test_serve_wiring import eventually, free_port, metrics


async def test_the_poller_runs_supervised_and_tells_readyz_and_metrics(
    settings: Settings, feeds: FakeFeeds, fake_slack: FakeSlack
) -> None:
    feeds.feeds["/feed"] = Feed([report_item(feeds)])
    feeds.status["/gone"] = 404
    good, gone = feeds.url("/feed"), feeds.url("/gone")
    port, ops = free_port(), free_port()
    served = settings.model_copy(
        update={
            "slack_bot_token": SecretStr("xoxb-t"),
            "slack_signing_secret": SecretStr("s"),
            "slack_api_url": fake_slack.api_url,
            "host": "127.0.0.1",
            "port": port,
            "source_feeds": [good, gone],
            "source_feeds_poll_seconds": 1.0,
            "source_feeds_host_delay_seconds": 0.0,
            "source_fetch_allow_private": True,
            "editors_channel": f"slack:{EDITORS}",
            "ops_port": ops,
        }
    )
    dispatcher = build_dispatcher(served)
    stop = asyncio.Event()
    task = asyncio.create_task(serve_until_stopped(served, dispatcher, stop))
    try:

        async def posted() -> bool:
            return len(fake_slack.with_threads(EDITORS)) == 2

        async def polled_twice() -> bool:
            return feeds.hits("/feed") >= 2

        await eventually(posted)
        await eventually(polled_twice)
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/readyz") as resp,
        ):
            ready = await resp.json()
        poller = ready["components"]["intake"]
        assert poller["ready"] is True
        assert poller["failing"] == 1
        assert poller["feeds"] == 2
        assert poller["last_poll"]
        assert poller["next_poll"]
        assert "cause" not in poller  # which feed fails: the operator listener's to say
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{ops}/readyz") as resp,
        ):
            operator = (await resp.json())["components"]["intake"]
        assert operator["cause"] == f"{gone}: answered HTTP 404"
        counted = await metrics(ops)
        assert counted[("casebrief_intake_candidates_total", (("feed", good),))] == 1
        assert counted[("casebrief_intake_failures_total", (("feed", gone),))] >= 1
        assert (
            counted[("casebrief_intake_polls_total", (("feed", good), ("outcome", "not_modified")))]
            >= 1
        )
        feeds_seen = {
            dict(labels).get("feed")
            for (name, labels) in counted
            if name.startswith("casebrief_intake_")
        }
        assert feeds_seen <= {good, gone, "on-demand"}
        assert len(fake_slack.with_threads(EDITORS)) == 2  # polled again: nothing posted again
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 20) is None
