"""The recap loop inside ``python -m bot run``: post what is due, then sleep until the next slot."""

import asyncio
import contextlib
import logging
from datetime import timedelta

from bot.recaps.schedule import Schedule
from bot.recaps.service import RecapService

log = logging.getLogger(__name__)
MAX_SLEEP = timedelta(seconds=60)  # new subscriptions are picked up within a minute


class RecapRunner:
    def __init__(self, service: RecapService) -> None:
        self.service = service
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="recaps")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _sleep_seconds(self) -> float:
        now = self.service.clock()
        wake = now + MAX_SLEEP
        for sub in self.service.store.subscriptions():
            if not sub.paused_reason and sub.platform in self.service.posters:
                wake = min(wake, Schedule(sub.frequency, sub.time, sub.timezone).next_slot(now))
        return max(0.0, (wake - now).total_seconds())

    async def _loop(self) -> None:
        while True:
            try:
                await self.service.post_due()  # on start too: slots missed while down
            except Exception:
                log.exception("recap run failed; trying again at the next wake-up")
            await asyncio.sleep(self._sleep_seconds() + 0.05)
