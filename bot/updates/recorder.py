"""Recording the content the bot serves as versions, and telling who listens.

One ``VersionRecorder`` per process. ``settle(content)`` records the content being served
(once by content hash, across instances) unless its correction lines contradict the recorded
history, and calls every ``on_new_version`` callback with what the new version changed, once,
in the process that recorded it. ``gate`` is what the content store asks before a reloaded
snapshot replaces the one serving: a refused correction keeps the last good content.

A database fault never stops the content: the reload is let through unchecked, and ``settle``
is retried (``keep_recorded``) until the database answers; the version is then recorded and
announced, so nothing is lost.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime

from bot.content.problems import Problem
from bot.content.store import Content
from bot.storage.base import RecapStore, StorageError
from bot.updates import history
from bot.updates.versions import (
    ContentVersion,
    VersionChanges,
    changes_between,
    correction_problems,
)

log = logging.getLogger(__name__)

OnNewVersion = Callable[[VersionChanges], Awaitable[None]]
GATE_TIMEOUT_SECONDS = 15.0  # a reload waits no longer for the database to check corrections
SETTLE_EVERY_SECONDS = 2.0


class VersionRecorder:
    def __init__(
        self, store: Callable[[], Awaitable[RecapStore]], wall: Callable[[], datetime]
    ) -> None:
        self._store = store  # opened (and migrated) on first use, e.g. RecapService.ready
        self._wall = wall
        self._listeners: list[OnNewVersion] = []
        self._settled: Content | None = None  # the content last recorded, or refused
        self.latest: ContentVersion | None = None  # the newest version this process knows
        self.problems: tuple[Problem, ...] = ()  # why the content serving is not recorded
        self.unavailable: str | None = None  # the database fault met, until it answers

    def latest_number(self) -> float:
        """The recorded version serving (0: none yet), for /metrics."""
        return float(self.latest.number) if self.latest is not None else 0.0

    def unrecorded(self) -> float:
        """1.0 while the content serving is not recorded (refused, or the database down)."""
        return 1.0 if self.problems or self.unavailable is not None else 0.0

    def on_new_version(self, callback: OnNewVersion) -> None:
        """Call ``callback`` with each version this process records (issue 18b announces
        it). A callback that raises is logged; the others still run.
        """
        self._listeners.append(callback)

    async def check(self, content: Content) -> list[Problem]:
        """The correction lines of ``content`` that the recorded history refuses."""
        store = await self._store()
        return await asyncio.to_thread(correction_problems, await history.latest(store), content)

    async def settle(self, content: Content) -> ContentVersion | None:
        """Record ``content`` unless already done: the version it is, or None when it was
        refused (``problems``) or the database did not answer (``unavailable``; call again).
        """
        if content is self._settled:
            return self.latest
        try:
            store = await self._store()
            previous = await history.latest(store)
            problems = await asyncio.to_thread(correction_problems, previous, content)
            if problems:
                self._refuse(content, problems)
                return None
            version, created = await history.record(store, content, self._wall())
        except StorageError as error:
            if self.unavailable is None:
                log.error("content version not recorded yet (retrying): %s", error)
            self.unavailable = str(error)
            return None
        if self.unavailable is not None:
            log.info("database back: content version %d recorded", version.number)
        self.unavailable = None
        self._settled, self.latest, self.problems = content, version, ()
        if created:
            log.info(
                "content version %d recorded (as of %s)", version.number, version.as_of.isoformat()
            )
            await self._tell(await asyncio.to_thread(changes_between, previous, version))
        return version

    def _refuse(self, content: Content, problems: Sequence[Problem]) -> None:
        self._settled, self.problems = content, tuple(problems)
        log.error(
            "content version not recorded: its corrections do not follow the recorded "
            "versions:\n%s",
            "\n".join(str(p) for p in problems),
        )

    async def _tell(self, changes: VersionChanges) -> None:
        for listener in self._listeners:
            try:
                await listener(changes)
            except Exception:
                log.exception("a listener of new content versions failed")

    def gate(self, loop: asyncio.AbstractEventLoop) -> Callable[[Content], Sequence[Problem]]:
        """For ``ContentStore.gate`` (called in the reloading thread, never on ``loop``): the
        corrections the history refuses; none when the database cannot say in time (the
        content then serves, and ``settle`` checks again before recording it).
        """

        def gate(content: Content) -> Sequence[Problem]:
            future = asyncio.run_coroutine_threadsafe(self.check(content), loop)
            try:
                return future.result(GATE_TIMEOUT_SECONDS)
            except (StorageError, FutureTimeout, TimeoutError) as error:
                future.cancel()
                log.warning("corrections not checked on reload (database: %s)", error)
                return ()

        return gate


async def keep_recorded(
    recorder: VersionRecorder,
    current: Callable[[], Content],
    every_seconds: float = SETTLE_EVERY_SECONDS,
) -> None:
    """Record the content serving whenever it is new (a reload), and retry while the
    database is down: a supervised task of ``run``.
    """
    while True:
        await recorder.settle(current())
        await asyncio.sleep(every_seconds)
