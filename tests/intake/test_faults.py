"""Faults of feeds, items and CourtListener: each is one log line naming the feed or item and
saying what to do, never a traceback, and the other feeds go on (their report is posted).
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bot.platforms.slack.editors import SlackEditors
from bot.settings import Settings
from tests.fakes.courtlistener import FakeCourtListener
from tests.fakes.feeds import FakeFeeds, Feed, FeedItem
from tests.fakes.slack import FakeSlack
from tests.intake.harness import EDITORS, intake, report_item

MATCHING = "IRS shared taxpayer data with ICE, judge finds"


@dataclass
class Fault:
    name: str
    plant: Callable[[FakeFeeds, FakeCourtListener], None]
    says: str  # in the one log line
    level: int = logging.WARNING
    dockets: tuple[int, ...] = ()
    token: str = "cl-test-token"
    kept: int = 1  # candidates posted: the good feed's report (and a fault's good item)


def feed_status(status: int) -> Callable[[FakeFeeds, FakeCourtListener], None]:
    def plant(feeds: FakeFeeds, _: FakeCourtListener) -> None:
        feeds.status["/bad"] = status

    return plant


def raw(kind: str, body: bytes) -> Callable[[FakeFeeds, FakeCourtListener], None]:
    def plant(feeds: FakeFeeds, _: FakeCourtListener) -> None:
        feeds.raw["/bad"] = (kind, body)

    return plant


def items(*made: Callable[[FakeFeeds], FeedItem]) -> Callable[[FakeFeeds, FakeCourtListener], None]:
    def plant(feeds: FakeFeeds, _: FakeCourtListener) -> None:
        feeds.feeds["/bad"] = Feed([make(feeds) for make in made])

    return plant


def page(path: str, status: int, kind: str, body: bytes) -> Callable[[FakeFeeds], FeedItem]:
    def make(feeds: FakeFeeds) -> FeedItem:
        feeds.pages[path] = (status, kind, body)
        return FeedItem(MATCHING, feeds.url(path), guid=path)

    return make


def no_link(_: FakeFeeds) -> FeedItem:
    return FeedItem(MATCHING, None, guid="no-link")


def rate_limited(_: FakeFeeds, courtlistener: FakeCourtListener) -> None:
    courtlistener.limited = 1
    courtlistener.retry_after = 120


FAULTS = [
    Fault("feed 404", feed_status(404), "answered HTTP 404"),
    Fault("feed 500", feed_status(500), "answered HTTP 500"),
    Fault("feed times out", lambda f, _: f.slow.add("/bad"), "no complete answer within 1 s"),
    Fault("feed redirects in a loop", lambda f, _: f.loops.add("/bad"), "redirects in a loop"),
    Fault(
        "feed returns HTML",
        raw("text/html; charset=utf-8", b"<!doctype html><html><body>Home</body></html>"),
        "answered text/html, not a feed; check the feed's address",
    ),
    Fault(
        "feed returns HTML as XML",
        raw("application/xml", b"<!doctype html><html><body><p>Home<br></body></html>"),
        "answered an HTML page, not a feed",
    ),
    Fault("feed of 50 MB", lambda f, _: f.huge.add("/bad"), "over 10 MB"),
    Fault(
        "feed is malformed XML",
        raw("application/rss+xml", b"<?xml version='1.0'?><rss><channel><title>Bad & worse"),
        "malformed feed",
    ),
    Fault("item without a link", items(no_link), "has no link; skipped"),
    Fault(
        "items with duplicate GUIDs",
        items(
            page("/dup", 200, "text/plain", b"IRS and ICE: a text.\n"),
            page("/dup", 200, "text/plain", b"IRS and ICE: a text.\n"),
        ),
        "1 items repeat another item's GUID",
        level=logging.INFO,
        kept=2,  # the item, once
    ),
    Fault(
        "item links to a PDF",
        items(page("/report.pdf", 200, "application/pdf", b"%PDF-1.7 ...")),
        "a PDF, not an article page",
    ),
    Fault(
        "item's page answers 404",
        items(page("/gone", 404, "text/html", b"gone")),
        "answered HTTP 404; skipped",
    ),
    Fault(
        "CourtListener answers 401",
        lambda _, __: None,
        "the token was refused (HTTP 401); check COURTLISTENER_TOKEN",
        dockets=(68000001,),
        token="wrong-token",
    ),
    Fault(
        "CourtListener answers 429",
        rate_limited,
        "rate limited (HTTP 429); waiting 120 s",
        dockets=(68000001,),
    ),
]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
async def test_a_fault_is_one_line_and_the_other_feeds_go_on(
    fault: Fault,
    settings: Settings,
    feeds: FakeFeeds,
    courtlistener: FakeCourtListener,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    tmp_path: object,
) -> None:
    feeds.feeds["/good"] = Feed([report_item(feeds)])
    fault.plant(feeds, courtlistener)
    store_url = f"sqlite:///{tmp_path}/intake.sqlite3"
    with caplog.at_level(logging.INFO, logger="bot.intake"):
        async with intake(
            store_url,
            settings.summaries_dir,
            SlackEditors("xoxb-test-token", fake_slack.api_url, timeout=2),
            feeds=(feeds.url("/good"),)
            if fault.dockets
            else (feeds.url("/bad"), feeds.url("/good")),
            dockets=fault.dockets,
            courtlistener_token=fault.token,
            courtlistener_api_url=courtlistener.api_url,
            timeout=1.0,
        ) as service:
            await service.cycle()
    lines = [
        r
        for r in caplog.records
        if r.levelno >= fault.level and "new candidate" not in r.getMessage()
    ]
    assert [r.getMessage() for r in lines if fault.says in r.getMessage()] == [
        lines[0].getMessage()
    ]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    line = lines[0].getMessage()
    assert fault.says in line
    assert lines[0].exc_info is None
    assert "\n" not in line
    if not fault.dockets:
        assert feeds.url("/bad") in line  # names the feed (and the item, for item faults)
    else:
        assert "CourtListener docket 68000001" in line
    # The good feed's report was posted all the same, once, with its thread.
    markers = [m["metadata"]["event_payload"]["marker"] for m in fake_slack.with_threads(EDITORS)]  # type: ignore[index]
    assert sorted(markers) == sorted(
        f"intake-{n}{end}" for n in range(1, fault.kept + 1) for end in ("", "-details")
    )
    failing = service.failing()  # what /readyz shows: feeds and dockets, not items
    assert len(failing) == (0 if "item" in fault.name else 1)
