"""The fan-out: every due slot claimed (one insert wins, in any instance), then posted.

One channel's or one workspace's trouble never holds up another: each (platform, workspace)
has its own workers (and, in its poster, its own pacing). Slots missed while down are posted
when at most ``grace`` late; older ones are skipped and recorded. A schedule that stops
firing pauses only its own subscription.
"""

import asyncio
import logging
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cachetools import LRUCache

from bot.content.store import Content
from bot.core.reply import Reply
from bot.recaps.compose import compose
from bot.recaps.delivery import deliver
from bot.recaps.leases import Leases
from bot.recaps.opening import LazyStore
from bot.recaps.posting import marker
from bot.recaps.posts import record_post
from bot.recaps.schedule import ScheduleError
from bot.recaps.state import RecapState
from bot.recaps.subscriptions import pause, schedule_of
from bot.storage.base import StorageError, Subscription

log = logging.getLogger(__name__)
SKEW = timedelta(minutes=5)  # clock differences between us and the platform, when reading history
MAX_SKIP_WALK = 1000  # missed slots counted one by one before jumping ahead
BATCH = 1000
COMPOSED_KEPT = 256  # recaps composed for distinct (content, slot, told) at once


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


async def run_all(coroutines: Sequence[Awaitable[None]]) -> None:
    """Run together; on a failure cancel the rest and raise it (a StorageError first), not a
    group.
    """
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


def slot_name(sub: Subscription, slot: datetime) -> str:
    return f"{sub.address}@{slot:%Y-%m-%dT%H:%MZ}"


class Fanout:
    def __init__(self, state: RecapState, opened: LazyStore, leases: Leases) -> None:
        self._state = state
        self._opened = opened
        self._leases = leases
        # Channels told the same thing get the same recap: composed once per slot. The content
        # is kept with its recap, so a newer content never meets an older one's recap.
        self._composed: LRUCache[tuple[Any, ...], tuple[Content, Reply, dict[str, Any]]] = LRUCache(
            maxsize=COMPOSED_KEPT
        )

    async def run_due(self, now: datetime, report: RunReport) -> None:
        """Every slot due at ``now`` on a platform we have a poster for."""
        store = self._opened.store
        for _ in range(10_000):  # each round advances every subscription it sees
            if self._state.stopping:
                break
            due = await store.due(now, limit=BATCH)
            batch = [s for s in due if s.platform in self._state.posters]
            if not batch:
                break
            await self._run_batch(batch, now, report)

    async def _run_batch(self, batch: list[Subscription], now: datetime, report: RunReport) -> None:
        """Workers per (platform, workspace): a throttled workspace holds up only its own."""
        queues: dict[tuple[str, str], list[Subscription]] = defaultdict(list)
        for sub in batch:
            queues[(sub.platform, sub.workspace)].append(sub)

        async def worker(queue: list[Subscription]) -> None:
            while queue and not self._state.stopping:  # stopping: finish posts in flight only
                sub = queue.pop()
                try:
                    await self._handle(sub, now, report)
                except StorageError:
                    raise
                except Exception:  # one subscription's bug must not stop the others
                    log.exception("recap #%d %s: unexpected error", sub.id, sub.address)

        # About ``concurrency`` workers in all (more than the database pool and the HTTP
        # limits can use only queue up), but at least two per workspace.
        per_workspace = max(2, -(-self._state.concurrency // len(queues)))
        tasks = []
        for queue in queues.values():
            random.shuffle(queue)  # instances working on the same slot meet less often
            tasks += [worker(queue) for _ in range(min(len(queue), per_workspace))]
        await run_all(tasks)

    async def _handle(self, sub: Subscription, now: datetime, report: RunReport) -> None:
        state, store = self._state, self._opened.store
        slot = sub.next_due
        if slot is None:
            return
        if slot < now - state.grace:
            await self._skip(sub, slot, now, report)
            return
        try:
            following: datetime | None = schedule_of(sub).next_slot(slot)
        except ScheduleError as error:
            await pause(store, sub, str(error))
            following = None
        wall = state.wall()
        claimed = await store.claim(sub.id, slot, state.owner, wall, wall + state.lease)
        if claimed:
            self._leases.hold((sub.id, slot), wall + state.lease)
        await store.advance(sub.id, slot, following)  # whoever claimed, the slot is dealt with
        if claimed:
            await self.post(sub, slot, wall, report)

    async def _skip(
        self, sub: Subscription, slot: datetime, now: datetime, report: RunReport
    ) -> None:
        state, store = self._state, self._opened.store
        oldest_kept = now - state.grace
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
            await pause(store, sub, str(error))
            return
        plural = "more than " if count > MAX_SKIP_WALK else ""
        detail = f"{plural}{count} slot(s) missed by more than the grace window ({state.grace})"
        if await store.advance(sub.id, slot, upcoming):
            await store.record(sub.id, latest, "skipped", state.owner, state.wall(), detail)
            report.skipped.append(slot_name(sub, latest))
            state.observed("skipped")
            log.warning(
                "recap %s: skipped %s%d slot(s) missed by more than %s (latest %s)",
                sub.address,
                plural,
                count,
                state.grace,
                latest.isoformat(),
            )

    def compose_for(
        self, told: tuple[datetime, dict[str, Any]] | None, slot: datetime, lang: str = "en"
    ) -> tuple[Reply, dict[str, Any]]:
        return self._compose(told, slot, lang)

    def _compose(
        self, told: tuple[datetime, dict[str, Any]] | None, slot: datetime, lang: str = "en"
    ) -> tuple[Reply, dict[str, Any]]:
        content = self._state.content()
        key = (
            id(content),
            slot,
            lang,
            told[0] if told else None,
            repr(told[1]) if told else None,
        )
        cached = self._composed.get(key)
        if cached is None or cached[0] is not content:
            reply, snapshot = compose(content, told, slot, lang)
            if self._state.annotate is not None:
                reply = self._state.annotate(reply, None)
            cached = self._composed[key] = (content, reply, snapshot)
        return cached[1], cached[2]

    async def record(
        self, sub: Subscription, message_id: str, reply: Reply, when: datetime
    ) -> None:
        """Record the recap posted (issue 18: corrections in place find it by its claims)."""
        await record_post(
            self._opened.store,
            platform=sub.platform,
            workspace=sub.workspace,
            channel=sub.channel,
            message_id=message_id,
            kind="recap",
            version=self._state.content_version,
            reply=reply,
            posted_at=when,
        )

    async def post(
        self, sub: Subscription, slot: datetime, claimed_at: datetime, report: RunReport
    ) -> None:
        """Post one claimed slot and record how it went (the claim is ours)."""
        state, store = self._state, self._opened.store
        poster = state.posters[sub.platform]
        name = slot_name(sub, slot)
        started = time.monotonic()
        reply, snapshot = self._compose(await store.told(sub.platform, sub.channel), slot, sub.lang)
        key = (sub.id, slot)
        try:
            outcome = await deliver(
                poster,
                sub.workspace,
                sub.channel,
                reply,
                marker(sub, slot),
                min(claimed_at, slot) - SKEW,
                policy=state.policy,
                name=name,
                on_retry=lambda: state.observed("retried"),
                on_rate_limited=lambda: state.rate_limited(sub.platform),
                lease_held=lambda: self._leases.held(key),
            )
        finally:
            self._leases.release(key)
        if outcome.status == "abandoned":
            self._leases.suspect(key)
            log.warning(
                "recap %s: not posted: its lease may have run out (a late heartbeat); "
                "it is looked at again at the next run",
                name,
            )
            return
        finished = state.wall()
        if outcome.message_id is not None:  # before finish: a fault here leaves the claim open
            await self.record(sub, outcome.message_id, reply, finished)
        await store.finish(sub.id, slot, outcome.status, finished, outcome.detail)
        latency_ms = (time.monotonic() - started) * 1000
        state.observed(outcome.status)
        if outcome.status == "sent":
            await store.remember_told(sub.platform, sub.channel, finished, snapshot)
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
            await pause(store, sub, outcome.detail or "failed")
        else:
            log.error("recap %s: %s", name, outcome.detail)
        log.info(
            "recap delivered platform=%s channel=%s slot=%s outcome=failed latency_ms=%.0f",
            sub.platform,
            sub.channel,
            f"{slot:%Y-%m-%dT%H:%MZ}",
            latency_ms,
        )
