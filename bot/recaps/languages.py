"""Each person's chosen language (``/brief lang es``), kept in the recap database.

It lives with recaps because the recap service owns the bot's database: opened on first
use, bound to the bot's event loop, closed with it. Handlers choose through the blocking
calls (``chosen``, ``choose``, over the bridge); platforms ask ``lookup`` before each
command, on the event loop, so it must never hold a command up: answers are kept for
``TTL_SECONDS`` (a choice made on another instance shows within that time), a read gets
``WAIT_SECONDS`` at most, and after a failure the database is left alone for
``BACKOFF_SECONDS`` (commands meanwhile follow the platform's locale, or English). A read
that overran keeps going in the background and fills the cache when it answers.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from cachetools import TTLCache

from bot.recaps.bridge import LoopBridge
from bot.storage.base import RecapStore, StorageError

log = logging.getLogger(__name__)
Key = tuple[str, str, str]  # (platform, workspace, user)
_NOTHING = ""  # cached "nothing chosen" (a TTLCache cannot tell None from missing)


class UserLanguages:
    TTL_SECONDS = 60.0
    MAX_PEOPLE = 10_000
    WAIT_SECONDS = 0.5
    BACKOFF_SECONDS = 30.0

    def __init__(
        self,
        bridge: LoopBridge,
        ready: Callable[[], Awaitable[RecapStore]],
        clock: Callable[[], datetime],
        *,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bridge = bridge
        self._ready = ready
        self._clock = clock
        self._timer = timer
        self._known: TTLCache[Key, str] = TTLCache(self.MAX_PEOPLE, self.TTL_SECONDS, timer)
        self._reading: dict[Key, asyncio.Future[str | None]] = {}
        self._quiet_until = 0.0
        self._background: set[asyncio.Task[str | None]] = set()

    @staticmethod
    def key(platform: str, workspace: str, user: str) -> Key:
        """A Discord choice holds in every server; a Slack one in its workspace."""
        return (platform, "" if platform == "discord" else workspace, user)

    # --- for handlers (worker threads) ----------------------------------------------------
    def chosen(self, platform: str, workspace: str, user: str) -> str | None:
        key = self.key(platform, workspace, user)
        return self._bridge.call(lambda: self._read(key))

    def choose(self, platform: str, workspace: str, user: str, lang: str | None) -> None:
        key = self.key(platform, workspace, user)

        async def write() -> None:
            store = await self._ready()
            await store.set_user_language(*key, lang, self._clock())
            self._known[key] = lang or _NOTHING
            self._quiet_until = 0.0

        self._bridge.call(write)

    # --- for platforms (the event loop) ---------------------------------------------------
    async def lookup(self, platform: str, workspace: str, user: str) -> str | None:
        key = self.key(platform, workspace, user)
        known = self._known.get(key)
        if known is not None:
            return known or None
        if self._timer() < self._quiet_until:
            return None
        reading = self._reading.get(key)
        if reading is None:
            task = asyncio.ensure_future(self._read(key))
            self._reading[key] = task
            self._background.add(task)
            task.add_done_callback(lambda done: self._finished(key, done))
            reading = task
        try:
            return await asyncio.wait_for(asyncio.shield(reading), self.WAIT_SECONDS)
        except TimeoutError:
            self._quiet(f"no answer within {self.WAIT_SECONDS:g} s")
        except StorageError as error:
            self._quiet(str(error))
        return None

    def known(self, platform: str, workspace: str, user: str) -> tuple[bool, str | None]:
        """(whether it is known without asking the database, the language chosen or None).
        While the database is left alone after a failure, "nothing chosen" is what is known.
        """
        known = self._known.get(self.key(platform, workspace, user))
        if known is not None:
            return True, known or None
        return self._timer() < self._quiet_until, None

    async def _read(self, key: Key) -> str | None:
        store = await self._ready()
        lang = await store.user_language(*key)
        self._known[key] = lang or _NOTHING
        return lang

    def _finished(self, key: Key, task: "asyncio.Task[str | None]") -> None:
        self._reading.pop(key, None)
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            self._quiet(str(task.exception()))

    def _quiet(self, why: str) -> None:
        if self._timer() >= self._quiet_until:
            log.warning(
                "people's chosen languages are unavailable for %g s (%s); commands follow the "
                "platform's locale meanwhile",
                self.BACKOFF_SECONDS,
                why,
            )
        self._quiet_until = self._timer() + self.BACKOFF_SECONDS
