"""WebPages keeps each rendered page until the content version or the day changes, and only
the most recently used CACHE_SIZE of them.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from bot.app import build_dispatcher
from bot.settings import Settings
from bot.web import pages as pages_module
from bot.web.links import SiteLinks
from bot.web.pages import WebPages

SERVED, STATIC = SiteLinks(), SiteLinks(static=True)


def test_a_page_is_kept_until_the_day_changes(
    settings: Settings, clock: Callable[[], datetime]
) -> None:
    today = [clock()]
    pages = WebPages(build_dispatcher(settings, lambda: today[0]))
    assert pages.cached_index(SERVED) is None
    page = pages.index(SERVED)
    assert pages.cached_index(SERVED) is page
    assert pages.index(SERVED) is page
    today[0] += timedelta(days=1)  # "as of" and the staleness warning may read differently
    assert pages.cached_index(SERVED) is None


def test_only_the_most_recently_used_pages_are_kept(
    settings: Settings, clock: Callable[[], datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages_module, "CACHE_SIZE", 2)
    dispatcher = build_dispatcher(settings, clock)
    pages = WebPages(dispatcher)
    source_id = next(iter(dispatcher.store.current.sources))
    index = pages.index(SERVED)
    source = pages.source(source_id, SERVED)
    assert pages.cached_index(SERVED) is index  # used: now the most recent
    pages.index(STATIC)  # a third page: the least recently used (the source page) goes
    assert pages.cached_source(source_id, SERVED) is None
    assert pages.cached_index(SERVED) is index
    assert pages.cached_index(STATIC) is not None
    assert pages.source(source_id, SERVED) == source  # drawn again, the same
