"""Readiness of the parts every serving mode has: content and database (the recap scheduler
reports its own state through ``readiness.SchedulerComponent``).
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import date

from bot.content.store import ContentStore
from bot.core.freshness import as_of
from bot.service.readiness import Readiness
from bot.service.supervisor import Fatal
from bot.storage.base import RecapStore, StorageError
from bot.updates.recorder import VersionRecorder

log = logging.getLogger(__name__)

DATABASE_CHECK_SECONDS = 5.0
DATABASE_RETRY_SECONDS = 1.0  # while it does not answer: back within seconds of the server


class ContentComponent:
    """Content always serves (a broken edit keeps the last good version); readiness says
    which version, as of when, and whether an edit is waiting to be fixed.
    """

    name = "content"

    def __init__(
        self,
        store: ContentStore,
        today: Callable[[], date],
        versions: VersionRecorder | None = None,
    ) -> None:
        self.store, self.today = store, today
        self.versions = versions  # content versions recorded in the database (issue 18)

    def age_days(self) -> float:
        stamp = as_of(self.store.current.sources.values())
        return float((self.today() - stamp.date).days) if stamp else 0.0

    async def readiness(self) -> Readiness:
        stamp = as_of(self.store.current.sources.values())
        return Readiness(
            ready=True,
            detail={
                "version": self.store.version,
                "as_of": stamp.date.isoformat() if stamp else None,
                "age_days": self.age_days(),
                "reload_problems": len(self.store.last_problems),
                **(self._recorded() if self.versions is not None else {}),
            },
        )

    def _recorded(self) -> dict[str, object]:
        """The recorded version serving, and why the content serving is not recorded yet:
        its corrections refused, or the database not answering (retried).
        """
        assert self.versions is not None
        latest = self.versions.latest
        return {
            "recorded_version": latest.number if latest is not None else None,
            "version_problems": len(self.versions.problems),
            "version_pending": self.versions.unavailable is not None,
        }


class DatabaseComponent:
    """The database answers a trivial query (the store's ``ping``: SQLite on its worker
    thread, PostgreSQL through the async pool), within a bound.

    At start a database that cannot be opened at all stops the process (``Fatal``: the
    operator must fix DATABASE_URL). Once running, a fault (read-only, full, locked, server
    gone) only shows here and pauses recaps; commands keep answering, and it heals by itself.
    """

    name = "database"

    def __init__(
        self,
        open_store: Callable[[], Awaitable[RecapStore]],
        timeout: float = 1.5,  # under readiness.CHECK_TIMEOUT: its own reason, not "timed out"
        *,
        on_recovered: Callable[[], None] | None = None,
    ) -> None:
        self.open_store, self.timeout = open_store, timeout
        # Told when the database answers again, e.g. to wake the recap scheduler from its backoff.
        self.on_recovered = on_recovered
        self.problem: str | None = "not opened yet"
        self.down_since = 0.0
        self._pinging: asyncio.Future[None] | None = None

    async def _ping(self) -> None:
        """Waits ``timeout`` for the store's answer, but never cancels it: a query cancelled on
        a hung server makes psycopg wait up to 10 s more (it asks the server to cancel), and
        /readyz would wait with it. One ping at a time; a late one finishes in the background.
        """
        store = await self.open_store()
        if self._pinging is None or self._pinging.done():
            self._pinging = asyncio.ensure_future(store.ping())
            self._pinging.add_done_callback(_retrieved)
        done, _ = await asyncio.wait({self._pinging}, timeout=self.timeout)
        if not done:
            raise TimeoutError
        self._pinging.result()

    def _why(self, error: Exception) -> str:
        """The error's line (a StorageError never shows a password), or what timed out."""
        return str(error) or f"no answer within {self.timeout:g} s"

    async def readiness(self) -> Readiness:
        try:
            await self._ping()
        except (TimeoutError, StorageError) as error:
            return Readiness(
                ready=False,
                detail={"reachable": False},
                reason="database unreachable",
                cause=self._why(error),
            )
        return Readiness(ready=True, detail={"reachable": True})

    async def watch(self) -> None:
        """Supervised: opens the store once (fatal if it cannot be), then keeps pinging."""
        try:
            await self.open_store()
        except StorageError as error:
            msg = f"Invalid setting DATABASE_URL: {error}"
            raise Fatal(msg) from None
        while True:
            try:
                await self._ping()
            except (TimeoutError, StorageError) as error:
                if self.problem is None:  # one line per outage, however long it lasts
                    self.down_since = time.monotonic()
                    log.error(
                        "database check failed: %s; recaps pause until it answers again",
                        self._why(error),
                    )
                self.problem = self._why(error)
            else:
                if self.problem is not None and self.problem != "not opened yet":
                    log.info(
                        "database answers again after %.0f s", time.monotonic() - self.down_since
                    )
                    if self.on_recovered is not None:
                        self.on_recovered()
                self.problem = None
            await asyncio.sleep(DATABASE_RETRY_SECONDS if self.problem else DATABASE_CHECK_SECONDS)


def _retrieved(future: "asyncio.Future[None]") -> None:
    """A ping nobody waits for any more: its error is not news (the next check reports)."""
    if not future.cancelled():
        future.exception()
