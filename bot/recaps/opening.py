"""Opening the recap store on first use, once: commands that need no database never open
(or create) one. Opening also puts the declared recaps (RECAPS) in place and gives every
subscription its next slot.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from bot.recaps.schedule import Schedule, ScheduleError, next_due
from bot.recaps.state import RecapState
from bot.recaps.subscriptions import pause, schedule_of
from bot.storage.base import Declared, RecapStore


class LazyStore:
    def __init__(
        self,
        state: RecapState,
        open_store: Callable[[], Awaitable[RecapStore]],
        declared: Sequence[Declared],
    ) -> None:
        self._state = state
        self._open = open_store
        self._declared = tuple(declared)
        self._store: RecapStore | None = None
        self._ready = False
        self._lock: asyncio.Lock | None = None

    @property
    def is_open(self) -> bool:
        return self._store is not None

    @property
    def store(self) -> RecapStore:
        if self._store is None:
            msg = "the recap store is opened by `await service.ready()`"
            raise RuntimeError(msg)
        return self._store

    async def ready(self) -> RecapStore:
        """Open (and migrate) the store, put the declared recaps in place and give every
        subscription a next slot; once. Raises StorageError while the database cannot be used.
        """
        if self._ready and self._store is not None:
            return self._store
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            if not self._ready:
                if self._store is None:
                    self._store = await self._open()
                await self._sync_declared()
                await self._fill_next_due()
                self._ready = True
        return self.store

    async def close(self) -> None:
        if self._store is not None:
            store, self._store, self._ready = self._store, None, False
            await store.close()

    async def _sync_declared(self) -> None:
        now = self._state.clock()
        entries: list[tuple[Declared, datetime | None]] = []
        for entry in self._declared:
            _, _, _, frequency, at, tz = entry[:6]
            entries.append((entry, next_due(Schedule(frequency, at, tz), now)))  # checked at start
        await self.store.sync_declared(entries, now)

    async def _fill_next_due(self) -> None:
        """Rows from before next_due was stored: their next slot from where they left off."""
        missing = [
            s
            for s in await self.store.subscriptions()
            if s.next_due is None and not s.paused_reason and not schedule_of(s).updates
        ]
        if not missing:
            return
        last = await self.store.last_deliveries([s.id for s in missing])
        for sub in missing:
            start = max(sub.created_at, last[sub.id].slot) if sub.id in last else sub.created_at
            try:
                following = schedule_of(sub).next_slot(start)
            except ScheduleError as error:
                await pause(self.store, sub, str(error))
                continue
            await self.store.advance(sub.id, None, following)
