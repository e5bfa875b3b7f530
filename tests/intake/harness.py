"""An intake service over a real store, a real fetcher and a real editors' channel."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.intake.editors import EditorsChannel
from bot.intake.fetching import Fetcher
from bot.intake.service import IntakeConfig, IntakeService
from bot.storage.base import RecapStore
from bot.storage.connect import open_store
from tests.fakes.feeds import FakeFeeds, FeedItem, article

EDITORS = "C0EDITORS"

PARAGRAPHS = (
    "WASHINGTON (AP) \u2014 A federal judge ruled that the IRS broke the law.",
    (
        "U.S. District Judge Colleen Kollar-Kotelly found that the agency breached IRS Code 6103 "
        "approximately 52,695 times by disclosing last known taxpayer addresses to ICE."
    ),
    "The ruling came on Thursday, Feb. 26, 2026.",
)
REPORT = article("Judge rules IRS broke the law", *PARAGRAPHS)
UNRELATED = article(
    "City council approves budget",
    "The city council approved next year's budget on Tuesday after a long debate.",
)


def report_item(feeds: FakeFeeds, path: str = "/news/irs-ruling", *more: str) -> FeedItem:
    """A report that changes a figure of the brief (52,695 for 42,695); ``more`` paragraphs
    make another text of it.
    """
    page = article("Judge rules IRS broke the law", *PARAGRAPHS, *more) if more else REPORT
    feeds.pages[path] = (200, "text/html; charset=utf-8", page)
    return FeedItem(
        "Judge: IRS broke taxpayer law by sharing data with ICE",
        feeds.url(path),
        guid=f"gazette{path}",
        description="A federal judge ruled the IRS illegally shared data with ICE.",
    )


def unrelated_item(feeds: FakeFeeds, path: str = "/news/budget") -> FeedItem:
    feeds.pages[path] = (200, "text/html", UNRELATED)
    return FeedItem("City council approves budget", feeds.url(path), guid=f"gazette{path}")


@asynccontextmanager
async def intake(
    store_url: str,
    summaries_dir: Path,
    channel: EditorsChannel | None = None,
    *,
    address: str | None = f"slack:{EDITORS}",
    owner: str | None = None,
    timeout: float = 2.0,
    **config: object,
) -> AsyncIterator[IntakeService]:
    stores: list[RecapStore] = []

    async def opener() -> RecapStore:
        if not stores:
            stores.append(await open_store(store_url))
        return stores[0]

    service = IntakeService(
        IntakeConfig(
            summaries_dir=summaries_dir,
            editors_channel=address,
            poll_seconds=1,
            **config,  # type: ignore[arg-type]
        ),
        opener,
        Fetcher(allow_private=True, timeout=timeout, host_delay=0),
        owner=owner,
    )
    service.attach(channel)
    try:
        yield service
    finally:
        await service.aclose()
        for store in stores:
            await store.close()
