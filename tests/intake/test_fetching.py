"""Fetching refuses to reach inside: only http(s), no private, loopback or link-local
address (every address a host resolves to), unless allowed; and stays within its limits.
"""

import pytest

from bot.intake.fetching import Fetcher, FetchError, Refused, forbidden_address
from tests.fakes.feeds import FakeFeeds


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/feed.xml",
        "gopher://127.0.0.1:6379/_INFO",
        "http://127.0.0.1:6379/",
        "http://localhost/admin",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/",
        "http://192.168.1.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
async def test_internal_addresses_and_other_schemes_are_refused(url: str) -> None:
    fetcher = Fetcher(host_delay=0)
    try:
        with pytest.raises(Refused) as refused:
            await fetcher.get(url)
    finally:
        await fetcher.aclose()
    assert "\n" not in refused.value.reason


def test_public_addresses_are_allowed() -> None:
    assert not forbidden_address("93.184.215.14")
    assert not forbidden_address("2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    assert forbidden_address("fe80::1%eth0")


async def test_allowed_private_addresses_are_fetched_within_limits(feeds: FakeFeeds) -> None:
    feeds.pages["/big"] = (200, "text/html", b"x" * 20_000)
    fetcher = Fetcher(allow_private=True, host_delay=0, max_bytes=10_000)
    try:
        with pytest.raises(FetchError, match=r"over 0\.01 MB"):
            await fetcher.get(feeds.url("/big"))
        feeds.pages["/small"] = (200, "text/html", b"hello")
        assert (await fetcher.get(feeds.url("/small"))).body == b"hello"
    finally:
        await fetcher.aclose()


async def test_one_host_is_asked_politely(feeds: FakeFeeds) -> None:
    import time

    feeds.pages["/a"] = (200, "text/plain", b"a")
    fetcher = Fetcher(allow_private=True, host_delay=0.3)
    try:
        started = time.monotonic()
        for _ in range(3):
            await fetcher.get(feeds.url("/a"))
        assert time.monotonic() - started >= 0.6
    finally:
        await fetcher.aclose()
