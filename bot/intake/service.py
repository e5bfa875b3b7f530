"""The intake service: polls the feeds and dockets, keeps candidates, posts them to the
editors' channel; ``/brief add`` goes through it too. One supervised task (``run``).

Every fault of a feed, an item or CourtListener is one log line naming it and saying what
to do; nothing one feed does stops the others, or the bot.
"""

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from cachetools import LRUCache

from bot.core.services import Submission
from bot.i18n.translator import Translator, installed
from bot.intake import courtlistener, editors
from bot.intake.feeds import Item, poll_feed
from bot.intake.fetching import Fetcher, FetchError
from bot.intake.matching import Matcher
from bot.intake.reading import Page, read_page, review_page
from bot.storage.base import NewCandidate, RecapStore, StorageError

log = logging.getLogger(__name__)
ON_DEMAND = "on-demand"  # the metrics label of /brief add
REMEMBERED_FAILURES = 10_000  # item links that failed, not fetched again by this process
YIELD_EVERY = 10  # items matched between two turns of the event loop


class IntakeObserver(Protocol):
    """Counters per configured feed (or ``courtlistener:<docket>``, or ``on-demand``)."""

    def polled(self, feed: str, outcome: str) -> None:
        """outcome: changed | not_modified | failed."""

    def items(self, feed: str, count: int) -> None: ...
    def candidate(self, feed: str) -> None: ...
    def failed(self, feed: str) -> None:
        """An item of the feed that could not be read (no link, 404, a PDF, ...)."""


class _Silent:
    def polled(self, feed: str, outcome: str) -> None: ...
    def items(self, feed: str, count: int) -> None: ...
    def candidate(self, feed: str) -> None: ...
    def failed(self, feed: str) -> None: ...


@dataclass(frozen=True)
class IntakeConfig:
    summaries_dir: Path
    feeds: tuple[str, ...] = ()
    poll_seconds: float = 900.0
    match: tuple[str, ...] = ()
    dockets: tuple[int, ...] = ()
    courtlistener_token: str | None = None
    courtlistener_api_url: str = "https://www.courtlistener.com/api/rest/v4/"
    editors_channel: str | None = None
    lang: str = "en"
    lease_seconds: float = 300.0

    @property
    def watching(self) -> bool:
        return bool(self.feeds or self.dockets)


@dataclass
class SourceState:
    """What /readyz shows of one feed or docket."""

    last_poll: datetime | None = None
    error: str | None = None
    hold_until: datetime | None = None  # after a 429


class IntakeService:
    def __init__(
        self,
        config: IntakeConfig,
        opener: Callable[[], Awaitable[RecapStore]],
        fetcher: Fetcher,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        observer: IntakeObserver | None = None,
        owner: str | None = None,
    ) -> None:
        self.config = config
        self.opener = opener
        self.fetcher = fetcher
        self.clock = clock
        self.observer: IntakeObserver = observer or _Silent()
        self.owner = owner or f"intake-{uuid.uuid4().hex[:12]}"
        self.matcher = Matcher(config.match)
        self.channel: editors.EditorsChannel | None = None
        self.states: dict[str, SourceState] = {
            name: SourceState() for name in (*config.feeds, *self.docket_names)
        }
        self.last_cycle: datetime | None = None
        self.next_cycle: datetime | None = None
        self.alive = False
        self._failed_links: LRUCache[str, bool] = LRUCache(REMEMBERED_FAILURES)
        self._feed_validators: dict[str, tuple[str | None, str | None]] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()

    @property
    def docket_names(self) -> list[str]:
        return [f"courtlistener:{docket}" for docket in self.config.dockets]

    def attach(self, channel: editors.EditorsChannel | None) -> None:
        """The editors' channel's platform (wired before ``run``)."""
        self.channel = channel

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    async def aclose(self) -> None:
        await self.fetcher.aclose()
        if self.channel is not None:
            await self.channel.aclose()

    # --- the supervised task ---------------------------------------------------------------
    async def run(self) -> None:
        self.bind(asyncio.get_running_loop())
        self.alive = True
        try:
            while True:
                await self.cycle()
                self.next_cycle = self.clock() + timedelta(seconds=self.config.poll_seconds)
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.config.poll_seconds)
        finally:
            self.alive = False

    async def cycle(self) -> None:
        """One poll of every feed and docket, then the editors' posts still owed."""
        try:
            store = await self.opener()
        except StorageError as error:
            log.warning("intake: the database is not answering (%s); polling waits for it", error)
            return
        if self._feed_validators is None:
            self._feed_validators = await store.intake_feed_states()
        await asyncio.gather(
            *(self._poll_feed(store, url) for url in self.config.feeds),
            *(self._poll_docket(store, docket) for docket in self.config.dockets),
        )
        self.last_cycle = self.clock()
        await self.post_pending(store)

    async def post_pending(self, store: RecapStore | None = None) -> int:
        if self.channel is None or self.config.editors_channel is None:
            return 0
        store = store or await self.opener()
        _, address = editors.parse_channel(self.config.editors_channel)
        delivery = editors.Delivery(
            store,
            self.channel,
            address,
            self.owner,
            self.clock,
            Translator(self.config.lang, installed()),
            timedelta(seconds=self.config.lease_seconds),
        )
        posted = 0
        for candidate in await store.intake_unposted(self.clock(), self.owner):
            try:
                posted += await delivery.deliver(candidate)
            except editors.EditorsPostError as error:
                what = (
                    "may have been posted; checked before the next try"
                    if (error.unknown_outcome)
                    else "will be tried again on the next poll"
                )
                log.warning(
                    "intake: candidate %d not posted to the editors' channel %s: %s; it %s",
                    candidate.id,
                    self.config.editors_channel,
                    error.reason,
                    what,
                )
            except StorageError as error:
                log.warning("intake: candidate %d: the database failed (%s)", candidate.id, error)
                break
        return posted

    # --- feeds -------------------------------------------------------------------------------
    async def _poll_feed(self, store: RecapStore, url: str) -> None:
        state = self.states.setdefault(url, SourceState())
        validators = (self._feed_validators or {}).get(url, (None, None))
        state.last_poll = self.clock()
        try:
            polled = await poll_feed(self.fetcher, url, *validators)
        except FetchError as error:
            self.observer.polled(url, "failed")
            state.error = _without(error.reason, url)
            log.warning(
                "feed %s: %s%s; the other feeds go on",
                url,
                _without(error.reason, url),
                _hint(error),
            )
            return
        state.error = None
        if not polled.changed:
            self.observer.polled(url, "not_modified")
            return
        self.observer.polled(url, "changed")
        self.observer.items(url, len(polled.items))
        if polled.duplicates:
            log.info(
                "feed %s: %d items repeat another item's GUID; each GUID is read once",
                url,
                polled.duplicates,
            )
        try:
            await self._items(store, url, polled.items)
            await store.intake_set_feed_state(url, polled.etag, polled.last_modified, self.clock())
        except StorageError as error:
            log.warning("feed %s: the database failed (%s); read again next poll", url, error)
            return
        if self._feed_validators is not None:
            self._feed_validators[url] = (polled.etag, polled.last_modified)

    async def _items(self, store: RecapStore, feed: str, items: tuple[Item, ...]) -> None:
        keys = [k for item in items for k in (item.link, item.guid) if k]
        known = await store.intake_known(keys)
        for number, item in enumerate(items, start=1):
            if number % YIELD_EVERY == 0:  # a feed of hundreds of items: the loop breathes
                await asyncio.sleep(0)
            if (item.link and item.link in known) or (item.guid and item.guid in known):
                continue
            if not self.matcher.matches(item.title, item.summary):
                continue
            if not item.link:
                if self._first_failure(f"{feed}#{item.guid or item.title}"):
                    self.observer.failed(feed)
                    log.warning(
                        "feed %s: item %r has no link; skipped (nothing to read or cite)",
                        feed,
                        item.title[:120],
                    )
                continue
            if item.link in self._failed_links:
                continue
            await self._read_item(store, feed, item)

    async def _read_item(self, store: RecapStore, feed: str, item: Item) -> None:
        assert item.link is not None
        try:
            page = await read_page(self.fetcher, item.link)
        except FetchError as error:
            self._first_failure(item.link)
            self.observer.failed(feed)
            log.warning(
                "feed %s: item %r: %s; skipped (not fetched again until restart)",
                feed,
                item.title[:120],
                error.reason,
            )
            return
        candidate_id = await self._keep(
            store,
            page,
            origin=feed,
            url=item.link,
            guid=item.guid,
            title=item.title,
            outlet=item.outlet,
            stated=item.published,
        )
        if candidate_id is not None:
            self.observer.candidate(feed)
            log.info("feed %s: new candidate %d: %r", feed, candidate_id, item.title[:120])

    async def _keep(
        self,
        store: RecapStore,
        page: Page,
        *,
        origin: str,
        url: str,
        guid: str | None,
        title: str,
        outlet: str,
        stated: str,
    ) -> int | None:
        """The candidate's id, or None when its URL, GUID or text is already kept."""
        if await store.intake_known([k for k in (url, guid) if k]):
            return None
        review = await review_page(
            page, self.config.summaries_dir, f"candidate-{page.content_hash[:12]}"
        )
        return await store.intake_add(
            NewCandidate(
                kind="article",
                origin=origin,
                url=url,
                guid=guid,
                content_hash=page.content_hash,
                title=title,
                outlet=outlet,
                stated_date=stated,
                body=page.text,
                review=review,
            ),
            self.clock(),
        )

    def _first_failure(self, key: str) -> bool:
        first = key not in self._failed_links
        self._failed_links[key] = True
        return first

    # --- dockets -------------------------------------------------------------------------------
    async def _poll_docket(self, store: RecapStore, docket: int) -> None:
        name = f"courtlistener:{docket}"
        state = self.states.setdefault(name, SourceState())
        now = self.clock()
        if state.hold_until is not None and now < state.hold_until:
            return
        state.last_poll = now
        token = self.config.courtlistener_token or ""
        try:
            entries = await courtlistener.docket_entries(
                self.fetcher, self.config.courtlistener_api_url, token, docket
            )
        except FetchError as error:
            self.observer.polled(name, "failed")
            state.error = error.reason
            if error.retry_after:
                state.hold_until = now + timedelta(seconds=error.retry_after)
            log.warning("%s; the feeds go on", error.reason)
            return
        state.error, state.hold_until = None, None
        self.observer.polled(name, "changed")
        self.observer.items(name, len(entries))
        try:
            first_time = name not in (self._feed_validators or {})
            known = await store.intake_known([_guid(e) for e in entries])
            for entry in entries:
                if _guid(entry) in known:
                    continue
                added = await store.intake_add(
                    NewCandidate(
                        kind="filing",
                        origin=name,
                        url=entry.link,
                        guid=_guid(entry),
                        content_hash=None,
                        title=_filing_title(entry),
                        outlet="CourtListener",
                        stated_date=entry.date_filed,
                        body=entry.description,
                        # The docket's first page when first watched is what came before:
                        # kept as seen, not put before the editors.
                        status="seen" if first_time else "new",
                    ),
                    self.clock(),
                )
                if added is not None and not first_time:
                    self.observer.candidate(name)
                    log.info("%s: new filing candidate %d", name, added)
            await store.intake_set_feed_state(name, None, None, self.clock())
            if self._feed_validators is not None:
                self._feed_validators[name] = (None, None)
        except StorageError as error:
            log.warning("%s: the database failed (%s); read again next poll", name, error)

    # --- /brief add ---------------------------------------------------------------------------
    async def submit(self, url: str) -> Submission:
        """Fetch ``url`` now, keep it as a candidate, post it to the editors' channel."""
        try:
            store = await self.opener()
            if known := await store.intake_known([url]):
                existing = next(iter(known))
                found = [c for c in await store.intake_candidates(None, 1000) if c.url == existing]
                return Submission(
                    "known", found[0].id if found else None, found[0].title if found else ""
                )
            page = await read_page(self.fetcher, url)
            candidate_id = await self._keep(
                store,
                page,
                origin=ON_DEMAND,
                url=url,
                guid=None,
                title=_title_of(page),
                outlet="",
                stated="",
            )
        except FetchError as error:
            self.observer.failed(ON_DEMAND)
            # The address was typed by a person: the log names the outcome, not the page.
            why = "refused by the fetch guard" if error.status is None else f"HTTP {error.status}"
            log.warning("brief add: the page was not kept (%s); the admin was told why", why)
            return Submission("refused" if error.status is None else "failed", reason=error.reason)
        except StorageError as error:
            log.warning("brief add: the database failed (%s)", error)
            return Submission("unavailable", reason=str(error))
        if candidate_id is None:
            return Submission("known", title=_title_of(page))
        self.observer.candidate(ON_DEMAND)
        candidate = await store.intake_candidate(candidate_id)
        counts = editors.review_of(candidate).get("counts", {}) if candidate else {}
        self._wake.set()  # the post goes out now, not at the next poll
        return Submission("added", candidate_id, _title_of(page), counts=dict(counts))

    def submit_blocking(self, url: str, timeout: float = 60.0) -> Submission:
        """From a handler's worker thread: ``submit`` on the bot's loop."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return Submission("unavailable", reason="the intake is not running here")
        future = asyncio.run_coroutine_threadsafe(self.submit(url), loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            return Submission("failed", reason=f"no answer within {timeout:g} s")

    @property
    def for_handlers(self) -> "HandlerIntake":
        return HandlerIntake(self)

    def failing(self) -> dict[str, str]:
        return {name: s.error for name, s in self.states.items() if s.error}


@dataclass(frozen=True)
class HandlerIntake:
    """``bot.core.services.Intake`` for handlers, which run in worker threads."""

    service: IntakeService

    def submit(self, url: str) -> Submission:
        return self.service.submit_blocking(url)


def _guid(entry: courtlistener.Entry) -> str:
    return f"courtlistener:{entry.docket}:{entry.id}"


def _filing_title(entry: courtlistener.Entry) -> str:
    number = f"entry {entry.number}" if entry.number else "entry"
    return f"Docket {entry.docket}, {number}: {entry.description[:150]}"


def _title_of(page: Page) -> str:
    first = next((line for line in page.text.splitlines() if line.strip()), page.url)
    return first[:150]


def _hint(error: FetchError) -> str:
    """What to do, when the reason does not say it already."""
    if "check" in error.reason or "tell its publisher" in error.reason:
        return ""
    if error.status is None and "no complete answer" not in error.reason:
        return "; check its address in SOURCE_FEEDS"  # a loop, too big, refused
    if error.status is not None and 400 <= error.status < 500 and error.status != 429:  # noqa: PLR2004
        return "; check its address in SOURCE_FEEDS, or remove it"
    return "; asked again at the next poll"


def _without(reason: str, url: str) -> str:
    """The reason without the URL the log line already names."""
    return reason.removeprefix(f"{url}: ")
