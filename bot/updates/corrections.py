"""Corrections in place: every recorded post that showed a claim a later version corrects or
withdraws is edited, once, and answered once in its thread.

For each content version that corrects or withdraws claims (recorded within
``max_age``), the posts that showed one of them and show an older version (the posts
record, bot/recaps/posts.py) are claimed one by one, like recap slots: one insert of
(post, version) wins across instances, with a lease renewed by a heartbeat; a dead
instance's claims are taken over once their lease ran out. A claimed post goes through two
steps, each recorded: ``claimed`` -> the edit (Slack chat.update, Discord PATCH) ->
``edited`` -> the thread reply -> ``done``. A step whose outcome is unknown (a 5xx, a
timeout, a crash) is checked before it is tried again: the message's current content for
the edit's marker, the thread for the reply's. So no post is edited twice and none is missed.

Each send goes through the recaps' retry layer (bot/recaps/delivery.py) and the posters'
pacing. A deleted message, or a post older than ``max_age``, is skipped and logged once
(listed by ``skipped_corrections`` for /changes). An edit the platform refuses (no
permission, archived channel) pauses corrections in that channel only (shown in /recap
list); the post is left to do, and the channel is tried again after ``PAUSE_RETRY``. A
database fault stops the run; nothing is lost: what was not done is still to do.
"""

import asyncio
import contextlib
import logging
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

from cachetools import LRUCache

from bot.content.store import Content
from bot.core.reply import Reply
from bot.recaps.delivery import Outcome, retrying
from bot.recaps.fanout import run_all
from bot.recaps.posting import Poster
from bot.recaps.posts import reply_json, reply_of
from bot.recaps.state import RecapState
from bot.storage.base import Post, RecapStore, StorageError
from bot.updates import history
from bot.updates.rewrite import Fix, corrected_reply, fixes_of, thread_reply
from bot.updates.versions import ContentVersion, changes_between

log = logging.getLogger(__name__)
PAUSE_RETRY = timedelta(hours=1)  # a paused channel is tried again (one post) this often
BATCH = 1000  # posts looked at per version and round
BUILT_KEPT = 256  # corrected replies kept: posts that said the same share one
WORKERS_PER_WORKSPACE = 3
Key = tuple[int, int]  # (post id, version)


@dataclass
class CorrectionReport:
    edited: list[str] = field(default_factory=list)
    replied: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    paused: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.edited)} edited, {len(self.replied)} answered in their thread, "
            f"{len(self.skipped)} skipped, {len(self.failed)} failed, "
            f"{len(self.paused)} channel(s) paused"
        )


def post_name(post: Post, version: int) -> str:
    return f"{post.address}/{post.message_id}@v{version}"


class Corrections:
    def __init__(
        self,
        state: RecapState,
        ready: Callable[[], Awaitable[RecapStore]],
        *,
        max_age: timedelta = timedelta(days=90),
        content: Callable[[], Content | None] = lambda: None,
        observe: Callable[[str], None] = lambda _outcome: None,
    ) -> None:
        """``observe`` counts outcomes (the metrics): edited, answered, skipped, failed,
        paused.
        """
        self.observe = observe
        self._state = state  # posters, clocks, owner, lease, retry policy, concurrency
        self._ready = ready
        self.max_age = max_age
        self._content = content  # for the corrected claims' words in other languages
        self._fixes: dict[int, dict[str, Fix]] = {}  # version -> its fixes (versions never change)
        self._held: dict[Key, datetime] = {}  # our claims -> until when their lease surely holds
        self._lock = asyncio.Lock()  # one run at a time in a process
        self._paused: set[str] = set()  # channels paused when the posts were looked up
        self._built: LRUCache[tuple[str, int, tuple[str, ...], str], tuple[Reply, Reply, str]] = (
            LRUCache(maxsize=BUILT_KEPT)
        )

    # --- leases --------------------------------------------------------------------------
    def held(self, key: Key) -> bool:
        until = self._held.get(key)
        margin = min(self._state.lease / 3, timedelta(seconds=15))
        return until is not None and self._state.wall() + margin < until

    async def _heartbeat(self, store: RecapStore) -> None:
        state = self._state
        while True:
            await asyncio.sleep(state.lease.total_seconds() / 3)
            started = state.wall()
            try:
                await store.renew_correction_leases(state.owner, started + state.lease)
            except Exception as error:  # noqa: BLE001 - the next beat tries again
                log.warning("corrections heartbeat: could not renew leases: %s", error)
                continue
            done = state.wall()
            for key, until in self._held.items():
                if until > done:
                    self._held[key] = started + state.lease

    # --- a run -----------------------------------------------------------------------------
    async def run_once(self) -> CorrectionReport:
        """Take over expired claims, then correct every post still to correct. Raises
        StorageError (nothing is lost: what was not done is still to do).
        """
        report = CorrectionReport()
        if not self._state.posters:
            return report
        async with self._lock:
            store = await self._ready()
            heartbeat = asyncio.create_task(self._heartbeat(store), name="corrections-heartbeat")
            try:
                versions = await self._versions(store)
                await self._take_over(store, versions, report)
                await self._pending(store, versions, report)
            finally:
                heartbeat.cancel()
        for outcome, found in (
            ("edited", report.edited),
            ("answered", report.replied),
            ("skipped", report.skipped),
            ("failed", report.failed),
            ("paused", report.paused),
        ):
            for _ in found:
                self.observe(outcome)
        if report.edited or report.replied or report.skipped or report.failed or report.paused:
            log.info("corrections: %s", report.summary())
        return report

    async def _versions(self, store: RecapStore) -> dict[int, ContentVersion]:
        every = await history.versions(store)
        for older, newer in pairwise([None, *every]):
            if newer is not None and newer.number not in self._fixes:
                self._fixes[newer.number] = fixes_of(changes_between(older, newer))
        return {v.number: v for v in every}

    async def _take_over(
        self, store: RecapStore, versions: dict[int, ContentVersion], report: CorrectionReport
    ) -> None:
        state = self._state
        wall = state.wall()
        taken = await store.take_over_corrections(state.owner, wall, wall + state.lease)
        jobs = []
        for claim in taken:
            post = await store.post(claim.post_id)
            version = versions.get(claim.version)
            if post is None or version is None or post.platform not in state.posters:
                await store.set_correction(
                    claim.post_id, claim.version, "failed", wall, "its post or platform is gone"
                )
                continue
            key = (post.id, version.number)
            self._held[key] = wall + state.lease
            jobs.append((post, version, claim.status))
        await self._work(store, jobs, report, checked=True)

    async def _pending(
        self, store: RecapStore, versions: dict[int, ContentVersion], report: CorrectionReport
    ) -> None:
        state = self._state
        oldest = state.wall() - self.max_age
        for number, version in sorted(versions.items()):
            fixes = self._fixes.get(number) or {}
            if not fixes or version.recorded_at < oldest:
                continue  # posts older than a version older than max_age are all too old
            for _ in range(10_000):
                if state.stopping:
                    return
                posts = await store.posts_to_correct(list(fixes), number, BATCH)
                pauses = await store.correction_pauses()
                ready, probes = [], set()
                for post in posts:
                    if post.platform not in state.posters:
                        continue
                    pause = pauses.get((post.platform, post.channel))
                    if pause is not None:
                        # Paused: one post now and then tells whether the platform allows it again.
                        if pause[1] + PAUSE_RETRY > state.wall() or post.address in probes:
                            continue
                        probes.add(post.address)
                    ready.append(post)
                if not ready:
                    break
                self._paused = {f"{p}:{c}" for p, c in pauses}
                # Each worker claims its post right before correcting it.
                await self._work(store, [(p, version, "new") for p in ready], report, checked=False)
                if len(posts) < BATCH:
                    break

    async def _work(
        self,
        store: RecapStore,
        jobs: list[tuple[Post, ContentVersion, str]],
        report: CorrectionReport,
        *,
        checked: bool,
    ) -> None:
        """Workers per (platform, workspace), as the recap fan-out: a throttled workspace
        holds up only its own posts.
        """
        if not jobs:
            return
        queues: dict[tuple[str, str], list[tuple[Post, ContentVersion, str]]] = defaultdict(list)
        for job in jobs:
            queues[(job[0].platform, job[0].workspace)].append(job)

        async def worker(queue: list[tuple[Post, ContentVersion, str]]) -> None:
            while queue and not self._state.stopping:
                post, version, status = queue.pop()
                try:
                    await self._correct(store, post, version, status, report, checked=checked)
                except StorageError:
                    raise
                except Exception:  # one post's bug must not stop the others
                    log.exception(
                        "correction %s: unexpected error", post_name(post, version.number)
                    )

        # Enough workers that a workspace's edit pacing, not the steps between, sets the pace.
        per_workspace = max(WORKERS_PER_WORKSPACE, -(-self._state.concurrency // len(queues)))
        tasks = []
        for queue in queues.values():
            random.shuffle(queue)
            tasks += [worker(queue) for _ in range(min(len(queue), per_workspace))]
        await run_all(tasks)

    # --- one post ----------------------------------------------------------------------------
    async def _correct(
        self,
        store: RecapStore,
        post: Post,
        version: ContentVersion,
        status: str,
        report: CorrectionReport,
        *,
        checked: bool,
    ) -> None:
        state = self._state
        key = (post.id, version.number)
        name = post_name(post, version.number)
        poster = state.posters[post.platform]
        if status == "new":  # one claim of (post, version) wins across instances
            wall = state.wall()
            if not await store.claim_correction(
                post.id, version.number, state.owner, wall, wall + state.lease
            ):
                return
            self._held[key] = wall + state.lease
            status = "claimed"
        try:
            fixes = {
                k: f for k, f in (self._fixes.get(version.number) or {}).items() if k in post.claims
            }
            if state.wall() - post.posted_at > self.max_age:
                days = self.max_age.days
                await store.set_correction(
                    post.id, version.number, "skipped", state.wall(), f"older than {days} days"
                )
                report.skipped.append(name)
                log.warning("correction %s: skipped, the post is older than %d days", name, days)
                return
            day = version.recorded_at.date()
            content = self._content()
            # A fan-out's posts say the same: rebuilt once (and rendered once by the poster).
            cache_key = (post.reply, version.number, tuple(sorted(fixes)), post.lang)
            built = self._built.get(cache_key)
            if built is None:
                rebuilt = corrected_reply(reply_of(post.reply), fixes, day, content)
                built = self._built[cache_key] = (
                    rebuilt,
                    thread_reply(fixes, day, post.lang, content),
                    reply_json(rebuilt),
                )
            edited, answer, edited_json = built
            if status == "claimed":
                outcome = await self._send(
                    name,
                    key,
                    lambda still: _none(
                        poster.edit(
                            post.workspace,
                            post.channel,
                            post.message_id,
                            edited,
                            f"c{post.id}-v{version.number}",
                            still_ours=still,
                            keep_buttons=post.kind == "reply",  # a public reply's page buttons
                        )
                    ),
                    lambda: poster.edited(
                        post.workspace,
                        post.channel,
                        post.message_id,
                        f"c{post.id}-v{version.number}",
                    ),
                    unknown=checked,
                    poster=poster,
                    post=post,
                )
                if not await self._settle(store, post, version, outcome, report, step="edit"):
                    return
                await store.update_post(post.id, version.number, edited_json)
                await store.set_correction(post.id, version.number, "edited", state.wall())
                report.edited.append(name)
                checked = False
            marker = f"c{post.id}-v{version.number}-t"
            outcome = await self._send(
                name,
                key,
                lambda still: poster.reply_in_thread(
                    post.workspace, post.channel, post.message_id, answer, marker, still_ours=still
                ),
                lambda: poster.replied(post.workspace, post.channel, post.message_id, marker),
                unknown=checked,
                poster=poster,
                post=post,
            )
            if await self._settle(store, post, version, outcome, report, step="reply"):
                await store.set_correction(
                    post.id, version.number, "done", state.wall(), "edited and answered"
                )
                report.replied.append(name)
                log.info(
                    "correction made platform=%s channel=%s message=%s version=%d",
                    post.platform,
                    post.channel,
                    post.message_id,
                    version.number,
                )
        finally:
            self._held.pop(key, None)

    async def _send(
        self,
        name: str,
        key: Key,
        send: Callable[[Callable[[], bool]], Awaitable[str | None]],
        landed: Callable[[], Awaitable[bool]],
        *,
        unknown: bool,
        poster: Poster,
        post: Post,
    ) -> Outcome:
        state = self._state
        started = time.monotonic()
        outcome = await retrying(
            send,
            landed,
            policy=state.policy,
            name=f"correction {name}",
            on_retry=lambda: state.observed("retried"),
            on_rate_limited=lambda: state.rate_limited(poster.platform),
            lease_held=lambda: self.held(key),
            unknown=unknown,
        )
        log.debug(
            "correction %s on %s: %s in %.0f ms",
            name,
            post.platform,
            outcome.status,
            (time.monotonic() - started) * 1000,
        )
        return outcome

    async def _settle(
        self,
        store: RecapStore,
        post: Post,
        version: ContentVersion,
        outcome: Outcome,
        report: CorrectionReport,
        *,
        step: str,
    ) -> bool:
        """Record a step's outcome; True when it was done (go on)."""
        state, name, number = self._state, post_name(post, version.number), version.number
        if outcome.status == "sent":
            if post.address in self._paused:  # a paused channel's probe went through
                self._paused.discard(post.address)
                await store.resume_corrections(post.platform, post.channel)
                log.info("corrections: %s accepts edits again; resumed", post.address)
            return True
        if outcome.status == "abandoned":  # our lease may have run out: whoever takes it over
            log.warning("correction %s: not sent, its lease may have run out", name)
            return False
        if outcome.gone:
            detail = (
                "message deleted"
                if step == "edit"
                else "edited; the message was deleted before its thread reply"
            )
            final = "skipped" if step == "edit" else "done"
            await store.set_correction(post.id, number, final, state.wall(), detail)
            (report.skipped if step == "edit" else report.edited).append(name)
            log.warning("correction %s: %s", name, detail)
            return False
        if outcome.permanent and step == "edit":
            reason = outcome.detail or "refused"
            if await store.pause_corrections(post.platform, post.channel, reason, state.wall()):
                log.warning(
                    "corrections paused in %s: the platform refused an edit (%s)",
                    post.address,
                    reason,
                )
                report.paused.append(post.address)
            else:  # still refused when tried again: paused from now, quietly
                await store.resume_corrections(post.platform, post.channel)
                await store.pause_corrections(post.platform, post.channel, reason, state.wall())
            await store.release_correction(post.id, number)  # to do once the channel allows it
            return False
        await store.set_correction(post.id, number, "failed", state.wall(), outcome.detail)
        report.failed.append(name)
        log.error("correction %s: %s failed: %s", name, step, outcome.detail)
        return False


async def _none(sent: Awaitable[None]) -> None:
    await sent


async def keep_correcting(
    corrections: Corrections,
    wake: asyncio.Event,
    *,
    every_seconds: float = 10.0,
    backoff_max: float = 60.0,
) -> None:
    """``run``'s supervised task: a run when a version is recorded (``wake``), and every
    ``every_seconds`` (another instance's version, a claim to take over). A database fault is
    logged once and retried with backoff; nothing is lost meanwhile.
    """
    failing: str | None = None
    delay = every_seconds
    while True:
        try:
            await corrections.run_once()
        except StorageError as error:
            if failing is None:
                log.error("corrections paused (database): %s", error)
            failing = str(error)
            delay = min(backoff_max, max(delay * 2, 1.0))
        else:
            if failing is not None:
                log.info("corrections resumed: the database answers again")
            failing, delay = None, every_seconds
        wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=delay)


def skipped_lines(
    ready: Callable[[], Awaitable[RecapStore]], limit: int = 200
) -> Callable[[], Awaitable[list[str]]]:
    """For /changes (bot/web/changes.py): one line per post that could not be corrected,
    newest first: where it is, what it was, for which version, and why.
    """

    async def lines() -> list[str]:
        store = await ready()
        return [
            f"{post.address} \u00b7 {post.message_id} ({post.kind}, "
            f"{post.posted_at:%Y-%m-%d}) \u00b7 v{correction.version}: {correction.detail}"
            for correction, post in await store.skipped_corrections(limit)
        ]

    return lines
