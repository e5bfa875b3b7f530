"""The recap loop inside ``python -m bot run``: post what is due, then sleep until the next slot.

Readiness and metrics read this runner (see docs/recaps.md):
- ``alive``: the loop task is running;
- ``next_wakeup``: when it next looks for due recaps (UTC), None before the first look;
- ``last_beat``: ``time.monotonic()`` of its last sign of life (loop turn or lease heartbeat);
- ``problem``: why recaps are paused (the database cannot be used), else None; ``healthy``.

A storage fault pauses recaps only: it is logged once with what to do, retried with
backoff, and cleared when the database answers again. Nothing is lost or doubled: due slots
stay due (their next_due is not advanced) and claims keep every slot to one post.
"""

import asyncio
import contextlib
import logging
import time
from datetime import datetime, timedelta

from bot.recaps.service import RecapService
from bot.storage.base import StorageError

log = logging.getLogger(__name__)
# Wake at least this often: new subscriptions are seen, expired leases are taken over, and
# readiness sees a beat (a dead scheduler shows within seconds).
MAX_SLEEP = timedelta(seconds=10)
MAX_BACKOFF = 60.0


class RecapRunner:
    def __init__(
        self,
        service: RecapService,
        *,
        max_sleep: timedelta = MAX_SLEEP,
    ) -> None:
        self.service = service  # with its posters and observer attached (service.attach)
        self.max_sleep = max_sleep
        self.next_wakeup: datetime | None = None
        self.problem: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    @property
    def alive(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def healthy(self) -> bool:
        return self.alive and self.problem is None

    @property
    def last_beat(self) -> float:
        return self.service.last_beat

    async def start(self) -> None:
        self.service.bind(asyncio.get_running_loop())  # handlers' storage work runs on this loop
        self._task = asyncio.create_task(self._loop(), name="recaps")

    async def run(self) -> None:
        """Run until cancelled (as a supervised task). After ``drain`` it waits to be cancelled."""
        await self.start()
        try:
            assert self._task is not None
            await asyncio.shield(self._task)  # a cancel of run() reaches the loop only via stop()
            await asyncio.Event().wait()  # drained on purpose: nothing more to do
        finally:
            await self.stop()

    async def drain(self, within: float) -> None:
        """Graceful stop: claim nothing more, let the posts in flight finish within ``within``
        s (claims never attempted are given back meanwhile: fanout.py), and return as soon as
        that is done.
        """
        self.service.stopping = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(self._task), within)
        if left := self.service.claims_in_flight:
            log.warning(
                "recaps: stopping with %d post(s) unfinished after %g s: their claims lapse "
                "within RECAP_CLAIM_LEASE_SECONDS and the next run checks each channel first",
                left,
                within,
            )

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.service.aclose()

    def wake(self) -> None:
        """Look for due recaps now (e.g. after a subscription was added)."""
        self._wake.set()

    async def _loop(self) -> None:
        backoff = 1.0
        while not self.service.stopping:
            self.service.last_beat = time.monotonic()
            try:
                await self.service.post_due()  # on start too: slots missed while down
                earliest = await self.service.store.earliest_due()
                if self.service.work_wakeup is not None:  # e.g. an update post, once quiet
                    earliest = min(earliest or self.service.work_wakeup, self.service.work_wakeup)
            except StorageError as error:
                if self.problem is None:
                    log.error(
                        "recaps paused: the database cannot be used: %s. Other commands keep "
                        "answering; fix the database (space, permissions, a reachable server) and "
                        "recaps resume by themselves, nothing lost or doubled.",
                        error,
                    )
                self.problem = f"database: {error}"
                await self._sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            except Exception:
                log.exception("recap run failed; trying again shortly")
                await self._sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            if self.problem is not None:
                log.warning("recaps resumed: the database answers again")
                self.problem = None
            backoff = 1.0
            now = self.service.clock()
            if earliest is None:
                wake = now + self.max_sleep
            elif earliest <= now:  # due but not ours to post (no poster for its platform)
                wake = now + min(self.max_sleep, timedelta(seconds=1))
            else:
                wake = min(now + self.max_sleep, earliest)
            await self._sleep(max(0.0, (wake - now).total_seconds()) + 0.05)

    async def _sleep(self, seconds: float) -> None:
        if self.service.stopping:  # a graceful stop: the work is done, nothing to wait for
            return
        self.next_wakeup = self.service.wall() + timedelta(seconds=seconds)
        self._wake.clear()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
