"""The recorded content versions as the web shows them: ``/changes`` (every version, newest
first, what it changed, each correction with its date) and the "Corrected <date>" mark a
corrected claim carries on ``/``.

The versions live in the database; the pages are drawn in worker threads from plain values.
``HistorySource`` reads them on the event loop (at most every ``ttl`` seconds; the last good
reading stays when the database does not answer) and hands a ``History`` to the renderer.
"""

import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType

from bot.core.reply import Item
from bot.storage.base import RecapStore, StorageError
from bot.updates.history import CachedChanges
from bot.updates.versions import ClaimChange, VersionChanges

log = logging.getLogger(__name__)

HISTORY_TTL_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Corrected:
    """A correction as readers are told of it: when, in which version, what it says."""

    day: date
    version: int
    text: str
    key: str  # the claim's key in that version: the anchor on /changes is v<version>-<key>

    @property
    def anchor(self) -> str:
        return f"v{self.version}-{self.key}"


@dataclass(frozen=True)
class History:
    """Newest first. ``available`` is False when the database could not be read (then the
    last reading, or nothing, is shown with a note).
    """

    changes: tuple[VersionChanges, ...] = ()
    available: bool = True
    # Where posts could not be corrected (issue 18c fills this: one line each).
    skipped: tuple[str, ...] = ()
    _marks: Mapping[object, Corrected] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def latest(self) -> int | None:
        return self.changes[0].version.number if self.changes else None

    def corrected(self, topic: str, item: Item) -> Corrected | None:
        """The correction an item of ``topic`` shows, when it was recorded: by the claim's
        id, else by the correction's words in that topic.
        """
        if item.correction is None:
            return None
        if item.key is not None and (found := self._marks.get(item.key)) is not None:
            return found
        return self._marks.get((topic, item.correction))


def build_history(
    versions: Sequence[VersionChanges], *, available: bool = True, skipped: Sequence[str] = ()
) -> History:
    """``versions`` oldest first (``history.changes_since(store, 0)``), as the pages use them."""
    marks: dict[object, Corrected] = {}
    for changes in versions:
        for change in changes.corrections:
            mark = _mark(changes, change)
            marks[change.key] = mark
            marks[(change.claim.topic, mark.text)] = mark
    return History(tuple(reversed(versions)), available, tuple(skipped), MappingProxyType(marks))


def _mark(changes: VersionChanges, change: ClaimChange) -> Corrected:
    assert change.correction is not None
    return Corrected(
        changes.version.recorded_at.date(), changes.version.number, change.correction, change.key
    )


class HistorySource:
    """Reads the versions (``load``: all of them, oldest first) for the pages, at most every
    ``ttl`` seconds. Without ``load`` (no database), the history is empty.
    """

    def __init__(
        self,
        load: Callable[[], Awaitable[Sequence[VersionChanges]]] | None,
        *,
        skipped: Callable[[], Awaitable[Sequence[str]]] | None = None,
        ttl: float = HISTORY_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load, self._skipped, self.ttl, self._clock = load, skipped, ttl, clock
        self._last: History | None = None
        self._read_at = float("-inf")
        self._failing = False

    async def current(self) -> History:
        if self._load is None:
            return History()
        if self._last is not None and self._clock() - self._read_at < self.ttl:
            return self._last
        try:
            versions = await self._load()
            skipped = await self._skipped() if self._skipped is not None else ()
        except StorageError as error:
            if not self._failing:
                log.error("the versions page cannot read the database: %s", error)
            self._failing = True
            self._last = replace(self._last or History(), available=False)  # asked again after ttl
            self._read_at = self._clock()
            return self._last
        if self._failing:
            log.info("the versions page reads the database again")
        self._failing = False
        self._last, self._read_at = build_history(versions, skipped=skipped), self._clock()
        return self._last


class DatabaseVersions:
    """The versions in a database, for the pages served or written without the bot (``web``,
    ``site``): ``opener`` opens it on first need, or gives None while it does not exist (no
    version yet; the command line makes sure none is created).
    """

    def __init__(self, opener: Callable[[], Awaitable[RecapStore | None]]) -> None:
        self._opener = opener
        self._store: RecapStore | None = None
        self._changes = CachedChanges(self._opened)

    async def _opened(self) -> RecapStore:
        assert self._store is not None
        return self._store

    async def __call__(self) -> list[VersionChanges]:
        if self._store is None:
            self._store = await self._opener()
            if self._store is None:
                return []
        return await self._changes()

    async def skipped(self) -> list[str]:
        """The posts that could not be corrected (issue 18c), once the database is open."""
        if self._store is None:
            return []
        from bot.updates.corrections import skipped_lines  # noqa: PLC0415 - only with a database

        return await skipped_lines(self._opened)()

    async def aclose(self) -> None:
        if self._store is not None:
            await self._store.close()
            self._store = None


async def read_versions(opener: Callable[[], Awaitable[RecapStore | None]]) -> list[VersionChanges]:
    """Every version's changes, oldest first, once (``site``)."""
    versions = DatabaseVersions(opener)
    try:
        return await versions()
    finally:
        await versions.aclose()
