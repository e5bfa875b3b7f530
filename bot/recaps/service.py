"""Recap delivery on the async store: what is due, claiming, posting, recovering.

Guarantees (see docs/recaps.md):
- the next slot of each subscription is computed directly and stored (``next_due``); the
  scheduler asks the store what is due, never lists slots;
- a slot is posted at most once: it is claimed (one insert wins, in any instance) just
  before posting, and the claim's lease is renewed by a heartbeat while its owner lives;
- and at least once: a claim whose lease ran out (its instance died) is taken over by one
  instance, checked against the channel (did it land?) and posted only if it did not;
- slots missed while down are posted when at most ``grace`` late, older ones are skipped;
- one channel's or one workspace's trouble never holds up another: each workspace has its
  own workers and pacing;
- a schedule that stops firing pauses only its own subscription.

Handlers are synchronous and run in worker threads: ``call`` runs a coroutine on the
service's event loop (or, when none runs, e.g. ``python -m bot ask``, a private one).
"""

import asyncio
import concurrent.futures
import logging
import os
import random
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from bot.content.store import Content
from bot.core.freshness import Clock
from bot.core.reply import Reply
from bot.recaps.compose import compose
from bot.recaps.delivery import RetryPolicy, deliver
from bot.recaps.posting import Poster
from bot.recaps.schedule import Schedule, ScheduleError
from bot.storage.base import Declared, Delivery, RecapStore, StorageError, Subscription

log = logging.getLogger(__name__)
T = TypeVar("T")
PROCESS_STARTED = f"{time.time():.0f}"
SKEW = timedelta(minutes=5)  # clock differences between us and the platform, when reading history
MAX_SKIP_WALK = 1000  # missed slots counted one by one before jumping ahead
BATCH = 1000
DEFAULT_POLICY = RetryPolicy()


def owner_id() -> str:
    """Who holds a claim: host, pid and start time."""
    return f"{socket.gethostname()}:{os.getpid()}:{PROCESS_STARTED}"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def marker(subscription: Subscription, slot: datetime) -> str:
    return f"r{subscription.id}-{slot:%Y%m%d%H%M}"


async def run_all(coroutines: Sequence[Awaitable[None]]) -> None:
    """Run together; on a failure cancel the rest and raise it (a StorageError first), not a group."""
    try:
        async with asyncio.TaskGroup() as group:
            for coroutine in coroutines:
                group.create_task(coroutine)  # type: ignore[arg-type]
    except BaseExceptionGroup as group_error:
        errors = list(_leaves(group_error))
        raise next((e for e in errors if isinstance(e, StorageError)), errors[0]) from None


def _leaves(error: BaseException) -> "list[BaseException]":
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


def schedule_of(sub: Subscription) -> Schedule:
    return Schedule(sub.frequency, sub.time, sub.timezone)


@dataclass
class RunReport:
    posted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.posted)} posted, {len(self.recovered)} recovered, "
            f"{len(self.skipped)} skipped, {len(self.failed)} failed"
        )


class RecapService:
    def __init__(
        self,
        open_store: Callable[[], Awaitable[RecapStore]],
        content: Callable[[], Content],
        clock: Clock,
        *,
        grace: timedelta = timedelta(hours=1),
        lease: timedelta = timedelta(minutes=10),
        policy: RetryPolicy = DEFAULT_POLICY,
        concurrency: int = 50,
        declared: Sequence[Declared] = (),
        wall: Clock = utc_now,
        observe: Callable[[str], None] | None = None,
        on_rate_limited: Callable[[str], None] | None = None,
        annotate: Callable[[Reply, None], Reply] | None = None,
    ) -> None:
        self.open_store = (
            open_store  # called once, on first use: commands that need no database never open it
        )
        self._store: RecapStore | None = None
        self.content = content
        self.clock = clock  # the schedule's "now" (a test may fix it)
        self.wall = wall  # real time: claims, leases and channel history
        self.grace = grace
        self.lease = lease
        self.policy = policy
        self.concurrency = concurrency
        self.declared = tuple(declared)
        self.annotate = annotate  # e.g. links to the web pages (PUBLIC_URL), as chat replies get
        self.observe = observe  # called with sent|retried|failed|skipped (metrics)
        self.on_rate_limited = on_rate_limited  # called with the platform on each 429
        self.posters: dict[str, Poster] = {}
        self.owner = owner_id()
        self.last_beat = time.monotonic()
        self.stopping = False  # set on SIGTERM: posts in flight finish, no new one starts
        self._ready = False
        self._ready_lock: asyncio.Lock | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._private: asyncio.AbstractEventLoop | None = None
        self._compose_cache: dict[tuple[Any, ...], tuple[Reply, dict[str, Any]]] = {}
        # Claims being worked on here -> until when we know their lease holds. A claim whose
        # lease may have lapsed (a late heartbeat) is not posted; it becomes "suspect" and is
        # looked at again at the next run: if it is still ours, nobody took it over.
        self._held: dict[tuple[int, datetime], datetime] = {}
        self._suspect: set[tuple[int, datetime]] = set()

    # --- the bridge for synchronous handlers -----------------------------------------
    def call(self, make: Callable[[], Awaitable[T]], timeout: float = 10.0) -> T:
        """Run ``make()`` on the service's loop from a worker thread and wait for it."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError(
                "RecapService.call blocks; from a coroutine, await the method instead"
            )
        loop = (
            self._loop
            if self._loop is not None and self._loop.is_running()
            else self._private_loop()
        )

        async def run() -> T:
            return await make()

        future = asyncio.run_coroutine_threadsafe(run(), loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"recap storage did not answer within {timeout:g} s") from None

    def close_sync(self) -> None:
        """From a thread without a running loop (the CLI): close the store and the private loop."""
        if self._store is not None and self._loop is not None and self._loop.is_running():
            self.call(self.aclose)
        if self._private is not None:
            self._private.call_soon_threadsafe(self._private.stop)
            self._private = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Use ``loop`` (the bot's) for the store: called when the scheduler starts, before any
        handler can open the store on a private loop."""
        if self._loop is None:
            self._loop = loop

    def _private_loop(self) -> asyncio.AbstractEventLoop:
        if self._private is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="recaps-loop", daemon=True).start()
            self._private = loop
        return self._private

    # --- opening -----------------------------------------------------------------------
    @property
    def store(self) -> RecapStore:
        if self._store is None:
            raise RuntimeError("the recap store is opened by `await service.ready()`")
        return self._store

    async def ready(self) -> RecapStore:
        """Open (and migrate) the store, put the declared recaps in place and give every
        subscription a next slot; once. Raises StorageError while the database cannot be used."""
        if self._ready and self._store is not None:
            return self._store
        if self._ready_lock is None:
            self._ready_lock = asyncio.Lock()
        async with self._ready_lock:
            if not self._ready:
                self._loop = self._loop or asyncio.get_running_loop()
                if self._store is None:
                    self._store = await self.open_store()
                await self._sync_declared()
                await self._fill_next_due()
                self._ready = True
        return self.store

    async def _sync_declared(self) -> None:
        now = self.clock()
        entries: list[tuple[Declared, datetime | None]] = []
        for entry in self.declared:
            _, _, _, frequency, at, tz = entry
            entries.append((entry, Schedule(frequency, at, tz).next_slot(now)))  # checked at start
        await self.store.sync_declared(entries, now)

    async def _fill_next_due(self) -> None:
        """Rows from before next_due was stored: their next slot from where they left off."""
        missing = [
            s
            for s in await self.store.subscriptions()
            if s.next_due is None and not s.paused_reason
        ]
        if not missing:
            return
        last = await self.store.last_deliveries([s.id for s in missing])
        for sub in missing:
            start = max(sub.created_at, last[sub.id].slot) if sub.id in last else sub.created_at
            try:
                following = schedule_of(sub).next_slot(start)
            except ScheduleError as error:
                await self._pause(sub, str(error))
                continue
            await self.store.advance(sub.id, None, following)

    async def aclose(self) -> None:
        """Close the posters' HTTP sessions and the store."""
        for poster in self.posters.values():
            await poster.aclose()
        if self._store is not None:
            store, self._store, self._ready = self._store, None, False
            await store.close()

    # --- chat and CLI ------------------------------------------------------------------
    async def subscribe(
        self, platform: str, workspace: str, channel: str, schedule: Schedule, created_by: str = ""
    ) -> tuple[Subscription, bool]:
        store = await self.ready()
        now = self.clock()
        return await store.add_subscription(
            platform,
            workspace,
            channel,
            schedule.frequency,
            schedule.time,
            schedule.timezone,
            next_due=schedule.next_slot(now),
            created_by=created_by,
            now=now,
        )

    async def subscriptions(
        self, platform: str | None = None, channel: str | None = None
    ) -> list[Subscription]:
        return await (await self.ready()).subscriptions(platform, channel)

    async def remove(self, subscription_id: int) -> bool:
        return await (await self.ready()).remove_subscription(subscription_id)

    async def told(self, platform: str, channel: str) -> tuple[datetime, dict[str, Any]] | None:
        return await (await self.ready()).told(platform, channel)

    async def listing(
        self, platform: str | None = None, channel: str | None = None
    ) -> list[tuple[Subscription, datetime | None, Delivery | None]]:
        """Each subscription, its next slot (None when paused) and its last delivery: two queries."""
        store = await self.ready()
        subs = await store.subscriptions(platform, channel)
        last = await store.last_deliveries([s.id for s in subs]) if subs else {}
        return [(s, None if s.paused_reason else s.next_due, last.get(s.id)) for s in subs]

    # --- posting -------------------------------------------------------------------------
    async def post_due(self, at: datetime | None = None) -> RunReport:
        """Post every slot due at ``at`` (default: now), after taking over expired claims."""
        store = await self.ready()
        now = at or self.clock()
        report = RunReport()
        heartbeat = asyncio.create_task(self._heartbeat(), name="recaps-heartbeat")
        try:
            await self._take_over(now, report)
            for _ in range(10_000):  # each round advances every subscription it sees
                if self.stopping:
                    break
                batch = [s for s in await store.due(now, limit=BATCH) if s.platform in self.posters]
                if not batch:
                    break
                await self._run_batch(batch, now, report)
        finally:
            heartbeat.cancel()
        if report.posted or report.skipped or report.recovered or report.failed:
            log.info("recaps: %s", report.summary())
        return report

    async def _heartbeat(self) -> None:
        """Renew this instance's leases every third of a lease, so only a dead owner's expire."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            self.last_beat = time.monotonic()
            started = self.wall()
            try:
                await self.store.renew_leases(self.owner, started + self.lease)
            except (
                Exception
            ) as error:  # the next beat tries again; the runner reports storage faults
                log.warning("recap heartbeat: could not renew leases: %s", error)
                continue
            done = self.wall()
            for key, held_until in self._held.items():
                if held_until > done:  # still held when the renewal reached the database
                    self._held[key] = started + self.lease

    def _margin(self) -> timedelta:
        """Stop posting this long before a lease runs out (a post in flight must not meet a taker)."""
        return min(self.lease / 3, timedelta(seconds=15))

    def _lease_held(self, key: tuple[int, datetime]) -> bool:
        held_until = self._held.get(key)
        return held_until is not None and self.wall() + self._margin() < held_until

    async def _run_batch(self, batch: list[Subscription], now: datetime, report: RunReport) -> None:
        """Workers per (platform, workspace): a throttled workspace holds up only its own."""
        queues: dict[tuple[str, str], list[Subscription]] = defaultdict(list)
        for sub in batch:
            queues[(sub.platform, sub.workspace)].append(sub)

        async def worker(queue: list[Subscription]) -> None:
            while queue and not self.stopping:  # stopping: finish posts in flight, start none
                sub = queue.pop()
                try:
                    await self._handle(sub, now, report)
                except StorageError:
                    raise
                except Exception:  # one subscription's bug must not stop the others
                    log.exception("recap #%d %s: unexpected error", sub.id, sub.address)

        # About ``concurrency`` workers in all (more than the database pool and the HTTP
        # limits can use only queue up), but at least two per workspace.
        per_workspace = max(2, -(-self.concurrency // len(queues)))
        tasks = []
        for queue in queues.values():
            random.shuffle(queue)  # instances working on the same slot meet less often
            tasks += [worker(queue) for _ in range(min(len(queue), per_workspace))]
        await run_all(tasks)

    async def _handle(self, sub: Subscription, now: datetime, report: RunReport) -> None:
        slot = sub.next_due
        if slot is None:
            return
        if slot < now - self.grace:
            await self._skip(sub, slot, now, report)
            return
        try:
            following: datetime | None = schedule_of(sub).next_slot(slot)
        except ScheduleError as error:
            await self._pause(sub, str(error))
            following = None
        wall = self.wall()
        claimed = await self.store.claim(sub.id, slot, self.owner, wall, wall + self.lease)
        if claimed:
            self._held[(sub.id, slot)] = wall + self.lease
        await self.store.advance(sub.id, slot, following)  # whoever claimed, the slot is dealt with
        if claimed:
            await self._post(sub, slot, wall, report)

    async def _skip(
        self, sub: Subscription, slot: datetime, now: datetime, report: RunReport
    ) -> None:
        oldest_kept = now - self.grace
        schedule = schedule_of(sub)
        count, latest, upcoming = 0, slot, slot
        try:
            while upcoming < oldest_kept and count < MAX_SKIP_WALK:
                latest, count = upcoming, count + 1
                upcoming = schedule.next_slot(upcoming)
            if upcoming < oldest_kept:  # a long outage of a frequent schedule: jump
                upcoming = schedule.next_slot(oldest_kept - timedelta(microseconds=1))
                latest, count = oldest_kept, count + 1
        except ScheduleError as error:
            await self._pause(sub, str(error))
            return
        plural = "more than " if count > MAX_SKIP_WALK else ""
        detail = f"{plural}{count} slot(s) missed by more than the grace window ({self.grace})"
        if await self.store.advance(sub.id, slot, upcoming):
            await self.store.record(sub.id, latest, "skipped", self.owner, self.wall(), detail)
            report.skipped.append(f"{sub.address}@{latest:%Y-%m-%dT%H:%MZ}")
            self._observe("skipped")
            log.warning(
                "recap %s: skipped %s%d slot(s) missed by more than %s (latest %s)",
                sub.address,
                plural,
                count,
                self.grace,
                latest.isoformat(),
            )

    async def _pause(self, sub: Subscription, reason: str) -> None:
        if await self.store.pause(sub.id, reason):
            log.error(
                "recap #%d %s paused: %s (fix it, then subscribe again)",
                sub.id,
                sub.address,
                reason,
            )

    def _compose(
        self, sub: Subscription, told: tuple[datetime, dict[str, Any]] | None, slot: datetime
    ) -> tuple[Reply, dict[str, Any]]:
        """Channels told the same thing get the same recap: compose it once per slot."""
        content = self.content()
        key = (id(content), slot, told[0] if told else None, repr(told[1]) if told else None)
        cached = self._compose_cache.get(key)
        if cached is None:
            if len(self._compose_cache) > 256:
                self._compose_cache.clear()
            reply, snapshot = compose(content, told, slot)
            if self.annotate is not None:
                reply = self.annotate(reply, None)
            cached = self._compose_cache[key] = (reply, snapshot)
        return cached

    async def _post(
        self, sub: Subscription, slot: datetime, claimed_at: datetime, report: RunReport
    ) -> None:
        poster = self.posters[sub.platform]
        name = f"{sub.address}@{slot:%Y-%m-%dT%H:%MZ}"
        started = time.monotonic()
        reply, snapshot = self._compose(sub, await self.store.told(sub.platform, sub.channel), slot)
        key = (sub.id, slot)
        try:
            outcome = await deliver(
                poster,
                sub.workspace,
                sub.channel,
                reply,
                marker(sub, slot),
                min(claimed_at, slot) - SKEW,
                policy=self.policy,
                name=name,
                on_retry=lambda: self._observe("retried"),
                on_rate_limited=lambda: self._rate_limited(sub.platform),
                lease_held=lambda: self._lease_held(key),
            )
        finally:
            self._held.pop(key, None)
        if outcome.status == "abandoned":
            self._suspect.add(key)
            log.warning(
                "recap %s: not posted: its lease may have run out (a late heartbeat); "
                "it is looked at again at the next run",
                name,
            )
            return
        finished = self.wall()
        await self.store.finish(sub.id, slot, outcome.status, finished, outcome.detail)
        latency_ms = (time.monotonic() - started) * 1000
        self._observe(outcome.status)
        if outcome.status == "sent":
            await self.store.remember_told(sub.platform, sub.channel, finished, snapshot)
            report.posted.append(name)
            log.info(
                "recap delivered platform=%s channel=%s slot=%s outcome=sent latency_ms=%.0f",
                sub.platform,
                sub.channel,
                f"{slot:%Y-%m-%dT%H:%MZ}",
                latency_ms,
            )
            return
        report.failed.append(name)
        if outcome.permanent:
            await self._pause(sub, outcome.detail or "failed")
        else:
            log.error("recap %s: %s", name, outcome.detail)
        log.info(
            "recap delivered platform=%s channel=%s slot=%s outcome=failed latency_ms=%.0f",
            sub.platform,
            sub.channel,
            f"{slot:%Y-%m-%dT%H:%MZ}",
            latency_ms,
        )

    async def _take_over(self, now: datetime, report: RunReport) -> None:
        """Claims whose lease ran out (their instance died): confirm against the channel, or post.
        Also our own suspect claims: still ours means nobody took them over in between."""
        wall = self.wall()
        taken = await self.store.take_over_expired(self.owner, wall, wall + self.lease)
        if self._suspect:
            suspects, self._suspect = self._suspect, set()
            suspects -= {
                (c.subscription_id, c.slot) for c in taken
            }  # just taken over (by us) anyway
            taken += [
                c
                for c in await self.store.open_claims()
                if (c.subscription_id, c.slot) in suspects and c.claimed_by == self.owner
            ]
        for claim in taken:
            self._held[(claim.subscription_id, claim.slot)] = claim.lease_until
        if not taken:
            return
        subs = {s.id: s for s in await self.store.subscriptions()}
        await run_all(
            [self._recover(claim, subs.get(claim.subscription_id), now, report) for claim in taken]
        )

    async def _recover(
        self, claim: Delivery, sub: Subscription | None, now: datetime, report: RunReport
    ) -> None:
        try:
            await self._recover_one(claim, sub, now, report)
        finally:
            self._held.pop((claim.subscription_id, claim.slot), None)

    async def _recover_one(
        self, claim: Delivery, sub: Subscription | None, now: datetime, report: RunReport
    ) -> None:
        wall = self.wall()
        if sub is None or sub.platform not in self.posters:
            await self.store.finish(
                claim.subscription_id,
                claim.slot,
                "failed",
                wall,
                "interrupted; its subscription or platform is gone",
            )
            return
        name = f"{sub.address}@{claim.slot:%Y-%m-%dT%H:%MZ}"
        since = min(claim.claimed_at, claim.slot) - SKEW
        poster = self.posters[sub.platform]
        try:
            landed = await poster.already_posted(
                sub.workspace, sub.channel, marker(sub, claim.slot), since
            )
        except Exception as error:  # cannot tell: never risk a duplicate
            log.error("recap %s: cannot check whether it was posted (%s); leaving it", name, error)
            await self.store.finish(
                sub.id, claim.slot, "failed", wall, f"unconfirmed after a crash: {error}"
            )
            self._observe("failed")
            return
        if landed:
            await self.store.finish(
                sub.id, claim.slot, "sent", wall, "confirmed in the channel after a crash"
            )
            report.recovered.append(name)
        elif claim.slot < now - self.grace or sub.paused_reason:
            await self.store.finish(
                sub.id, claim.slot, "skipped", wall, "interrupted and now past the grace window"
            )
            report.skipped.append(name)
            self._observe("skipped")
        else:
            await self._post(sub, claim.slot, claim.claimed_at, report)

    # --- metrics hooks -----------------------------------------------------------------------
    def _observe(self, outcome: str) -> None:
        if self.observe is not None:
            self.observe(outcome)

    def _rate_limited(self, platform: str) -> None:
        if self.on_rate_limited is not None:
            self.on_rate_limited(platform)
