"""The fan-out: due slots claimed in batches (one insert wins each, in any instance), then
posted, their outcomes recorded in groups.

One channel's or one workspace's trouble never holds up another: each (platform, workspace)
has its own workers (and, in its poster, its own pacing). Slots missed while down are posted
when at most ``grace`` late; older ones are skipped and recorded. A schedule that stops
firing pauses only its own subscription.

Durability in batches (issue 21): a producer claims ``claim_batch`` due slots in one
transaction (claims and next_due moves together) and reads what their channels were told in
one query, while the workers post the previous batch; it claims more only when fewer than a
batch wait to be posted, so several instances share a fan-out. Outcomes are recorded in
groups (``Outcomes``), each post's record (bot/recaps/posts.py) in its outcome's transaction.
Every exactly-once rule holds: a claim is open until its outcome is
written, and its lease is renewed by the heartbeat meanwhile (a lease never lapses unseen);
a crash between a post and its group's write leaves the claim open, so whoever takes it over
checks the channel and finds the post.

On a graceful stop (``state.stopping``) no more slots are claimed; posts in flight finish;
claims never attempted are given back (their next_due moves back) and claims whose last
attempt may have landed are let lapse at once, for the next run to check and settle.
"""

import asyncio
import contextlib
import logging
import math
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from cachetools import LRUCache

from bot.content.store import Content
from bot.core.reply import Reply
from bot.recaps.compose import compose
from bot.recaps.delivery import Outcome, deliver
from bot.recaps.leases import Leases
from bot.recaps.opening import LazyStore
from bot.recaps.posting import marker
from bot.recaps.posts import post_record, reply_json
from bot.recaps.schedule import ScheduleError
from bot.recaps.state import RecapState
from bot.recaps.subscriptions import pause, schedule_of
from bot.storage.base import ClaimKey, Finished, PostRecord, StorageError, Subscription, Told

log = logging.getLogger(__name__)
SKEW = timedelta(minutes=5)  # clock differences between us and the platform, when reading history
MAX_SKIP_WALK = 1000  # missed slots counted one by one before jumping ahead
BATCH = 1000  # due subscriptions read at once
OUTCOMES_EVERY = 0.25  # seconds between writes of a group of outcomes
OUTCOMES_GROUP = 200  # or sooner, once this many wait
DEFERRED_WAIT = 1.0  # seconds before a deferred (rate-limited) post is tried again
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


class Composed(NamedTuple):
    """One channel's recap: the Reply, the snapshot to remember once it is posted, and the
    Reply as JSON for the posts record (channels told the same thing share one).
    """

    reply: Reply
    snapshot: dict[str, Any]
    body: str


class Fanout:
    def __init__(self, state: RecapState, opened: LazyStore, leases: Leases) -> None:
        self._state = state
        self._opened = opened
        self._leases = leases
        # Channels told the same thing get the same recap: composed once per slot. The content
        # is kept with its recap, so a newer content never meets an older one's recap.
        self._composed: LRUCache[tuple[Any, ...], tuple[Content, Composed]] = LRUCache(
            maxsize=COMPOSED_KEPT
        )
        self.outcomes = Outcomes(opened)
        self._told_reprs: LRUCache[int, tuple[dict[str, Any], str]] = LRUCache(COMPOSED_KEPT)

    async def run_due(self, now: datetime, report: RunReport) -> None:
        """Every slot due at ``now`` on a platform we have a poster for."""
        state = self._state
        work = _Work(limit=state.claim_batch)
        self.outcomes.error = None
        per_workspace = 2
        workers: dict[tuple[str, str], int] = defaultdict(int)

        async def produce(group: asyncio.TaskGroup) -> None:
            nonlocal per_workspace
            seen: set[tuple[int, datetime | None]] = set()
            try:
                for _ in range(10_000):  # each round advances every subscription it sees
                    if state.stopping:
                        return
                    due = [
                        s
                        for s in await self._opened.store.due(now, limit=BATCH)
                        if s.platform in state.posters and (s.id, s.next_due) not in seen
                    ]
                    if not due:
                        return
                    seen.update((s.id, s.next_due) for s in due)
                    # About ``concurrency`` workers in all, but at least two per workspace.
                    keys = {(s.platform, s.workspace) for s in due}
                    per_workspace = max(per_workspace, 2, math.ceil(state.concurrency / len(keys)))
                    timely = []
                    for sub in due:
                        if sub.next_due is not None and sub.next_due < now - state.grace:
                            await self._skip(sub, sub.next_due, now, report)
                        elif sub.next_due is not None:
                            timely.append(sub)
                    random.shuffle(timely)  # instances working on the same slots meet less often
                    for start in range(0, len(timely), state.claim_batch):
                        if state.stopping:
                            return
                        await work.room()
                        for item in await self._claim(timely[start : start + state.claim_batch]):
                            key = (item.sub.platform, item.sub.workspace)
                            work.put(key, item)
                            if workers[key] < per_workspace:
                                workers[key] += 1
                                group.create_task(worker(key))
            finally:
                work.close()

        async def worker(key: tuple[str, str]) -> None:
            while (item := await work.get(key)) is not None:
                if self.outcomes.error is not None:
                    raise self.outcomes.error
                if state.stopping:  # claimed, never attempted: given back
                    work.left.append((item.sub.id, item.slot))
                    continue
                try:
                    await self._post(item.sub, item.slot, item.claimed_at, report, item.told, work)
                except StorageError:
                    raise
                except Exception:  # one subscription's bug must not stop the others
                    log.exception("recap #%d %s: unexpected error", item.sub.id, item.sub.address)

        writer = asyncio.create_task(self.outcomes.run(), name="recap-outcomes")
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(produce(group))
        except BaseExceptionGroup as group_error:
            errors = list(_leaves(group_error))
            raise next((e for e in errors if isinstance(e, StorageError)), errors[0]) from None
        finally:
            work.left += work.drain()
            self.outcomes.stop()
            with contextlib.suppress(StorageError):
                await writer
            await self._give_back(work)
        if self.outcomes.error is not None:
            raise self.outcomes.error

    async def _claim(self, subs: list[Subscription]) -> "list[_Item]":
        """Claim a batch in one transaction (next_due moved too); what their channels were told."""
        state, store = self._state, self._opened.store
        items = []
        for sub in subs:
            assert sub.next_due is not None
            try:
                following: datetime | None = schedule_of(sub).next_slot(sub.next_due)
            except ScheduleError as error:
                await pause(store, sub, str(error))
                following = None
            items.append((sub.id, sub.next_due, following))
        wall = state.wall()
        claimed = await store.claim_many(items, state.owner, wall, wall + state.lease)
        mine = [s for s in subs if s.id in claimed]
        told: dict[tuple[str, str], tuple[datetime, dict[str, Any]]] = {}
        for platform in {s.platform for s in mine}:
            channels = [s.channel for s in mine if s.platform == platform]
            for channel, said in (await store.told_many(platform, channels)).items():
                told[(platform, channel)] = said
        out = []
        for sub in mine:
            assert sub.next_due is not None
            self._leases.hold((sub.id, sub.next_due), wall + state.lease)
            out.append(_Item(sub, sub.next_due, wall, told.get((sub.platform, sub.channel))))
        return out

    async def _give_back(self, work: "_Work") -> None:
        """After a stop: claims never attempted go back; those that may have landed lapse now."""
        state, store = self._state, self._opened.store
        for key in work.left + work.lapse:
            self._leases.release(key)
        if not (work.left or work.lapse):
            return
        with contextlib.suppress(StorageError):  # else their leases run out by themselves
            given = await store.release_claims(state.owner, work.left) if work.left else 0
            lapsed = (
                await store.expire_claims(state.owner, work.lapse, state.wall())
                if work.lapse
                else 0
            )
            log.warning(
                "recaps: stopping: %d claim(s) given back for the next run, %d whose last attempt "
                "may have landed left for the next run to check",
                given,
                lapsed,
            )
        work.left, work.lapse = [], []

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

    def _told_key(self, snapshot: dict[str, Any]) -> str:
        """``repr`` of what a channel was told, once per snapshot object: the store hands the
        channels told the same thing one shared object (rows.SnapshotParser).
        """
        hit = self._told_reprs.get(id(snapshot))
        if hit is None or hit[0] is not snapshot:
            hit = self._told_reprs[id(snapshot)] = (snapshot, repr(snapshot))
        return hit[1]

    def compose_for(
        self, told: tuple[datetime, dict[str, Any]] | None, slot: datetime, lang: str = "en"
    ) -> "Composed":
        return self._compose(told, slot, lang)

    def _compose(
        self, told: tuple[datetime, dict[str, Any]] | None, slot: datetime, lang: str = "en"
    ) -> "Composed":
        content = self._state.content()
        key = (
            id(content),
            slot,
            lang,
            told[0] if told else None,
            self._told_key(told[1]) if told else None,
        )
        cached = self._composed.get(key)
        if cached is None or cached[0] is not content:
            reply, snapshot = compose(content, told, slot, lang)
            if self._state.annotate is not None:
                reply = self._state.annotate(reply, None)
            cached = self._composed[key] = (content, Composed(reply, snapshot, reply_json(reply)))
        return cached[1]

    def post_of(
        self, sub: Subscription, message_id: str, composed: "Composed", when: datetime
    ) -> PostRecord:
        """What to record of a recap posted (issue 18: corrections in place find it by its
        claims); written with the claim's outcome, in one transaction.
        """
        return post_record(
            platform=sub.platform,
            workspace=sub.workspace,
            channel=sub.channel,
            message_id=message_id,
            kind="recap",
            version=self._state.content_version,
            reply=composed.reply,
            posted_at=when,
            body=composed.body,
        )

    async def post(
        self, sub: Subscription, slot: datetime, claimed_at: datetime, report: RunReport
    ) -> None:
        """Post one claimed slot (the claim is ours) and record how it went (recovery.py)."""
        told = await self._opened.store.told(sub.platform, sub.channel)
        work = _Work(limit=1)
        try:
            await self._post(sub, slot, claimed_at, report, told, work)
        finally:
            await self._give_back(work)

    async def _post(
        self,
        sub: Subscription,
        slot: datetime,
        claimed_at: datetime,
        report: RunReport,
        told: tuple[datetime, dict[str, Any]] | None,
        work: "_Work",
    ) -> None:
        state, store = self._state, self._opened.store
        poster = state.posters[sub.platform]
        name = slot_name(sub, slot)
        started = time.monotonic()
        composed = self._compose(told, slot, sub.lang)
        key = (sub.id, slot)

        def lease_held() -> bool:
            return self._leases.held(key)

        def still_ours() -> bool:  # right before sending: and the database is the one claimed in
            return self._leases.held(key) and store.still_current()

        try:
            while True:
                outcome = await deliver(
                    poster,
                    sub.workspace,
                    sub.channel,
                    composed.reply,
                    marker(sub, slot),
                    min(claimed_at, slot) - SKEW,
                    policy=state.policy,
                    name=name,
                    on_retry=lambda: state.observed("retried"),
                    on_rate_limited=lambda: state.rate_limited(sub.platform),
                    lease_held=lease_held,
                    still_ours=still_ours,
                    stopping=lambda: state.stopping,
                )
                if outcome.status != "deferred":
                    break
                if state.wall() - claimed_at > state.grace:  # claimed in time: grace from then
                    outcome = Outcome("failed", f"{outcome.detail}, until past the grace window")
                    break
                if state.stopping:
                    outcome = Outcome("released", outcome.detail)
                    break
                log.warning("recap %s: %s; trying again later", name, outcome.detail)
                await asyncio.sleep(DEFERRED_WAIT)
        finally:
            self._leases.release(key)
        if outcome.status == "released":
            work.left.append(key)
            return
        if outcome.status == "interrupted":
            work.lapse.append(key)
            return
        if outcome.status == "abandoned":
            if not store.still_current():  # pause recaps now, once, not post by post
                work.lapse.append(key)
                raise StorageError(_replaced(store.url_for_logs))
            self._leases.suspect(key)
            log.warning(
                "recap %s: not posted: its lease may have run out (a late heartbeat) or the "
                "database is not the one it claimed in; it is looked at again at the next run",
                name,
            )
            return
        finished = state.wall()
        sent = outcome.status == "sent"
        self.outcomes.add(
            (sub.id, slot, outcome.status, finished, outcome.detail),
            (sub.platform, sub.channel, finished, composed.snapshot) if sent else None,
            None
            if outcome.message_id is None
            else self.post_of(sub, outcome.message_id, composed, finished),
        )
        latency_ms = (time.monotonic() - started) * 1000
        state.observed(outcome.status)
        if sent:
            report.posted.append(name)
            if log.isEnabledFor(logging.INFO):
                log.info(
                    "recap delivered platform=%s channel=%s slot=%s outcome=sent latency_ms=%.0f",
                    sub.platform,
                    sub.channel,
                    f"{slot:%Y-%m-%dT%H:%M}Z",
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
            f"{slot:%Y-%m-%dT%H:%M}Z",
            latency_ms,
        )


def _replaced(url_for_logs: str) -> str:
    return (
        f"the database {url_for_logs} was deleted or replaced while the bot used it: put the "
        "original back, or restart to use the new file"
    )


@dataclass
class _Item:
    sub: Subscription
    slot: datetime
    claimed_at: datetime
    told: tuple[datetime, dict[str, Any]] | None


class _Work:
    """Claimed slots waiting for their workspace's workers; the producer claims more only when
    fewer than ``limit`` wait. ``left``: claims to give back; ``lapse``: claims to let lapse.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.queues: dict[tuple[str, str], asyncio.Queue[_Item | None]] = defaultdict(asyncio.Queue)
        self.waiting = 0
        self._room = asyncio.Event()
        self._room.set()
        self.left: list[ClaimKey] = []
        self.lapse: list[ClaimKey] = []

    async def room(self) -> None:
        while self.waiting >= self.limit:
            self._room.clear()
            await self._room.wait()

    def put(self, key: tuple[str, str], item: _Item) -> None:
        self.waiting += 1
        self.queues[key].put_nowait(item)

    async def get(self, key: tuple[str, str]) -> _Item | None:
        """The next item, or None once the producer is done and the queue is empty."""
        queue = self.queues[key]
        item = await queue.get()
        if item is None:  # closed: leave the mark for this workspace's other workers
            queue.put_nowait(None)
            return None
        self.waiting -= 1
        if self.waiting < self.limit:
            self._room.set()
        return item

    def close(self) -> None:
        for queue in self.queues.values():
            queue.put_nowait(None)

    def drain(self) -> list[ClaimKey]:
        left = []
        for queue in self.queues.values():
            while not queue.empty():
                item = queue.get_nowait()
                if item is not None:
                    left.append((item.sub.id, item.slot))
        return left


class Outcomes:
    """Outcomes written in groups: every ``OUTCOMES_EVERY`` s, or once ``OUTCOMES_GROUP`` wait,
    each group in one transaction (deliveries finished, what channels were told). Until its
    group is written a claim stays open and its lease renewed; a crash before then leaves it
    to whoever takes it over, who finds the post in the channel.
    """

    def __init__(self, opened: LazyStore) -> None:
        self._opened = opened
        self._finished: list[Finished] = []
        self._told: list[Told] = []
        self._posts: list[PostRecord] = []
        self._lock = asyncio.Lock()
        self._kick = asyncio.Event()
        self._stop = asyncio.Event()
        self.error: StorageError | None = None

    def add(self, finished: Finished, told: Told | None, post: PostRecord | None = None) -> None:
        self._finished.append(finished)
        if told is not None:
            self._told.append(told)
        if post is not None:
            self._posts.append(post)
        if len(self._finished) >= OUTCOMES_GROUP:
            self._kick.set()

    async def flush(self) -> None:
        async with self._lock:
            finished, told, posts = self._finished, self._told, self._posts
            if not finished:
                return
            self._finished, self._told, self._posts = [], [], []
            try:
                await self._opened.store.record_outcomes(finished, told, posts)
            except StorageError as error:
                self.error = error
                raise

    async def run(self) -> None:
        """Write groups until ``stop``, then the last one."""
        self._stop.clear()
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._kick.wait(), OUTCOMES_EVERY)
            self._kick.clear()
            await self.flush()
        await self.flush()

    def stop(self) -> None:
        self._stop.set()
        self._kick.set()
