"""Update posts: each channel that follows the case is told of each new content version once.

An update subscription (``/recap subscribe updates``, or ``"schedule": "updates"`` in RECAPS)
starts at the newest version recorded when it is made: that version is never announced.
When a newer version has been recorded and the content has then been quiet for ``quiet``
(UPDATE_QUIET_SECONDS: edits in a burst make one post), each such channel gets one post
saying what changed since the version it was last told of (compose_update.py).

It runs on the recap machinery, after the recaps at every run of the recap service
(``RecapService.add_due_work``: every turn of ``python -m bot run``'s recap loop, so within
seconds of each content reload, and every ``python -m bot recap post-due``, for cron):

- versions are recorded by bot/updates/recorder.py (``run``: on every reload, retried while
  the database is down; ``recap post-due``: before posting, against the last version in the
  database); the newest one is what is announced, and ``run`` wakes the recap loop when one
  is recorded (``RecapRunner.wake``);
- **at most once**: the claim of a (subscription, version) moves the version the channel
  was told of forward and inserts the post's row in one transaction (``claim_update``):
  one claimer wins across all instances; its lease is renewed by a heartbeat while it posts;
- **at least once**: a claim whose lease ran out (its instance died) is taken over by one
  instance, which looks for the post's marker in the channel (``u<subscription>-v<version>``)
  and posts only if it is not there;
- posting goes through the recaps' single retry layer (bot/recaps/delivery.py): 429s wait,
  and after an unknown outcome (5xx, timeout) the channel is checked before any new attempt;
  a permanent error pauses the subscription, shown in ``/recap list``;
- a database fault raises StorageError to the recap runner, which pauses recaps and update
  posts alike and retries: due posts stay due, claims keep each to one post.
"""

import asyncio
import dataclasses
import logging
import random
import time
from collections import defaultdict
from datetime import datetime, timedelta

from cachetools import LRUCache

from bot.content.store import Content
from bot.core.reply import Reply
from bot.recaps.delivery import deliver
from bot.recaps.fanout import SKEW, RunReport, run_all
from bot.recaps.posts import post_record
from bot.recaps.service import RecapService
from bot.recaps.subscriptions import pause
from bot.storage.base import RecapStore, StorageError, Subscription
from bot.storage.updates import UpdateDelivery
from bot.updates import history
from bot.updates.compose_update import Update, changes_url, compose_update, span

log = logging.getLogger(__name__)
BATCH = 1000
KEPT = 256  # updates and posts composed for distinct (versions, language) at once
Key = tuple[int, int]  # (subscription id, version)


def update_marker(sub_id: int, version: int) -> str:
    """What an update post carries to be found again: its subscription and version."""
    return f"u{sub_id}-v{version}"


def update_name(sub: Subscription, version: int) -> str:
    return f"{sub.address}@v{version}"


class UpdateLeases:
    """The update claims this instance is posting, and until when their leases surely hold
    (as bot/recaps/leases.py does for recap slots).
    """

    def __init__(self, service: RecapService) -> None:
        self._service = service
        self._held: dict[Key, datetime] = {}
        self._suspect: set[Key] = set()

    def hold(self, key: Key, until: datetime) -> None:
        self._held[key] = until

    def release(self, key: Key) -> None:
        self._held.pop(key, None)

    def held(self, key: Key) -> bool:
        """Whether the lease of ``key`` still holds, with a margin to post in."""
        until = self._held.get(key)
        margin = min(self._service.lease / 3, timedelta(seconds=15))
        return until is not None and self._service.wall() + margin < until

    def suspect(self, key: Key) -> None:
        self._suspect.add(key)

    def take_suspects(self) -> set[Key]:
        suspects, self._suspect = self._suspect, set()
        return suspects

    async def heartbeat(self, store: RecapStore) -> None:
        """Renew this instance's update leases every third of a lease while it posts."""
        service = self._service
        while True:
            await asyncio.sleep(service.lease.total_seconds() / 3)
            service.last_beat = time.monotonic()
            started = service.wall()
            try:
                await store.renew_update_leases(service.owner, started + service.lease)
            except Exception as error:  # noqa: BLE001 - the next beat tries again
                log.warning("update heartbeat: could not renew leases: %s", error)
                continue
            done = service.wall()
            for key, until in self._held.items():
                if until > done:
                    self._held[key] = started + service.lease


class Announcer:
    """The update posts of one process (``run_due`` is its ``RecapService`` due work)."""

    def __init__(
        self,
        service: RecapService,
        *,
        quiet: timedelta = timedelta(seconds=120),
        public_url: str | None = None,
    ) -> None:
        self._service = service
        self.quiet = quiet
        self.public_url = public_url
        self._leases = UpdateLeases(service)
        self._updates: LRUCache[tuple[int, int], Update] = LRUCache(maxsize=KEPT)
        self._posts: LRUCache[tuple[int, int, int, str], tuple[Content, Reply]] = LRUCache(
            maxsize=KEPT
        )

    async def run_due(self, now: datetime, report: RunReport) -> datetime | None:  # noqa: ARG002 - DueWork
        """Post every update due; answers when the newest version will have been quiet long
        enough (None: nothing waits for that).
        """
        store = await self._service.ready()
        heartbeat = asyncio.create_task(self._leases.heartbeat(store), name="updates-heartbeat")
        try:
            await self._take_over(store, report)
            return await self._announce(store, report)
        finally:
            heartbeat.cancel()

    # --- versions ---------------------------------------------------------------------
    async def _update(self, store: RecapStore, since: int, number: int) -> Update:
        update = self._updates.get((since, number))
        if update is None:
            versions = await history.versions(store, since=max(since - 1, 0))
            update = self._updates[(since, number)] = span(versions, since, number)
        return update

    def _compose(self, update: Update, lang: str) -> Reply:
        content = self._service.content()
        key = (id(content), update.since, update.version.number, lang)
        cached = self._posts.get(key)
        if cached is None or cached[0] is not content:
            reply = compose_update(update, content, lang, public_url=self.public_url)
            if self._service.annotate is not None:  # each citation's passage on the web
                reply = self._service.annotate(reply, None)
                reply = dataclasses.replace(reply, url=changes_url(self.public_url, lang))
            cached = self._posts[key] = (content, reply)
        return cached[1]

    # --- what is due ----------------------------------------------------------------------
    async def _announce(self, store: RecapStore, report: RunReport) -> datetime | None:
        service = self._service
        latest = await store.latest_content_version()
        if latest is None:
            return None
        quiet_until = latest.recorded_at + self.quiet
        for _ in range(10_000):  # each round starts or moves every subscription it sees
            if service.stopping:
                break
            due = [
                (sub, told)
                for sub, told in await store.updates_due(latest.number, limit=BATCH)
                if sub.platform in service.posters
            ]
            if not due:
                break
            for sub, told in due:
                if told is None:  # declared in RECAPS, or made before any version: starts now
                    await store.start_updates(sub.id, latest.number)
            ready = [(sub, told) for sub, told in due if told is not None]
            if not ready:
                continue
            if service.wall() < quiet_until:
                return quiet_until  # a burst may still be coming: wait for the quiet
            await self._post_all(ready, latest.number, report)
        return None

    async def _post_all(
        self, due: list[tuple[Subscription, int]], number: int, report: RunReport
    ) -> None:
        """Workers per (platform, workspace), as the recaps' fan-out has."""
        queues: dict[tuple[str, str], list[tuple[Subscription, int]]] = defaultdict(list)
        for sub, told in due:
            queues[(sub.platform, sub.workspace)].append((sub, told))

        async def worker(queue: list[tuple[Subscription, int]]) -> None:
            while queue and not self._service.stopping:
                sub, told = queue.pop()
                try:
                    await self._claim_and_post(sub, told, number, report)
                except StorageError:
                    raise
                except Exception:  # one subscription's bug must not stop the others
                    log.exception("update post %s: unexpected error", update_name(sub, number))

        per_workspace = max(2, -(-self._service.concurrency // max(1, len(queues))))
        tasks = []
        for queue in queues.values():
            random.shuffle(queue)  # instances working on the same version meet less often
            tasks += [worker(queue) for _ in range(min(len(queue), per_workspace))]
        await run_all(tasks)

    async def _claim_and_post(
        self, sub: Subscription, told: int, number: int, report: RunReport
    ) -> None:
        service, store = self._service, self._service.store
        wall = service.wall()
        if await store.claim_update(
            sub.id, told, number, service.owner, wall, wall + service.lease
        ):
            self._leases.hold((sub.id, number), wall + service.lease)
            await self.post(sub, told, number, wall, report)

    # --- posting one ------------------------------------------------------------------------
    async def post(
        self, sub: Subscription, since: int, number: int, claimed_at: datetime, report: RunReport
    ) -> None:
        """Post one claimed update and record how it went (the claim is ours)."""
        service, store = self._service, self._service.store
        key = (sub.id, number)
        name = update_name(sub, number)
        started = time.monotonic()
        try:
            update = await self._update(store, since, number)
            if update.empty:  # e.g. an edit undone within the burst: nothing to tell
                await store.finish_update(
                    sub.id, number, "skipped", service.wall(), "nothing readers see changed"
                )
                report.skipped.append(name)
                return
            reply = self._compose(update, sub.lang)
            outcome = await deliver(
                service.posters[sub.platform],
                sub.workspace,
                sub.channel,
                reply,
                update_marker(sub.id, number),
                claimed_at - SKEW,
                policy=service.policy,
                name=name,
                on_retry=lambda: service.observed("retried"),
                on_rate_limited=lambda: service.rate_limited(sub.platform),
                lease_held=lambda: self._leases.held(key),
                defer=False,  # an update post's outcome is final: its claim moved the version
            )
        finally:
            self._leases.release(key)
        if outcome.status == "abandoned":
            self._leases.suspect(key)
            log.warning(
                "update %s: not posted: its lease may have run out; looked at again next run", name
            )
            return
        finished = service.wall()
        if outcome.message_id is not None:  # before finish: a fault here leaves the claim open
            await self._record_post(sub, number, outcome.message_id, reply, finished)
        await store.finish_update(sub.id, number, outcome.status, finished, outcome.detail)
        service.observed(outcome.status)
        latency_ms = (time.monotonic() - started) * 1000
        if outcome.status == "sent":
            report.posted.append(name)
        else:
            report.failed.append(name)
            if outcome.permanent:
                await pause(store, sub, outcome.detail or "failed")
            else:
                log.error("update %s: %s", name, outcome.detail)
        log.info(
            "update delivered platform=%s channel=%s version=%d outcome=%s latency_ms=%.0f",
            sub.platform,
            sub.channel,
            number,
            outcome.status,
            latency_ms,
        )

    async def _record_post(
        self, sub: Subscription, number: int, message_id: str, reply: Reply, when: datetime
    ) -> None:
        """Record the post (issue 18: corrections in place find it by the claims it showed)."""
        await self._service.store.record_post(
            post_record(
                platform=sub.platform,
                workspace=sub.workspace,
                channel=sub.channel,
                message_id=message_id,
                kind="update",
                version=number,
                reply=reply,
                posted_at=when,
            )
        )

    # --- after a crash --------------------------------------------------------------------
    async def _take_over(self, store: RecapStore, report: RunReport) -> None:
        """Claims whose lease ran out (their instance died), and our own suspect ones: each
        checked against the channel, posted only if it is not there.
        """
        service = self._service
        wall = service.wall()
        taken = await store.take_over_expired_updates(service.owner, wall, wall + service.lease)
        suspects = self._leases.take_suspects() - {(c.subscription_id, c.version) for c in taken}
        if suspects:
            taken += [
                c
                for c in await store.open_update_claims()
                if (c.subscription_id, c.version) in suspects and c.claimed_by == service.owner
            ]
        if not taken:
            return
        for claim in taken:
            self._leases.hold((claim.subscription_id, claim.version), claim.lease_until)
        subs = {s.id: s for s in await store.subscriptions()}
        await run_all([self._settle(c, subs.get(c.subscription_id), report) for c in taken])

    async def _settle(
        self, claim: UpdateDelivery, sub: Subscription | None, report: RunReport
    ) -> None:
        service, store = self._service, self._service.store
        key = (claim.subscription_id, claim.version)
        wall = service.wall()
        if sub is None or sub.platform not in service.posters:
            self._leases.release(key)
            await store.finish_update(
                claim.subscription_id,
                claim.version,
                "failed",
                wall,
                "interrupted; its subscription or platform is gone",
            )
            return
        name = update_name(sub, claim.version)
        try:
            landed = await service.posters[sub.platform].already_posted(
                sub.workspace,
                sub.channel,
                update_marker(sub.id, claim.version),
                claim.claimed_at - SKEW,
            )
        except Exception as error:  # noqa: BLE001 - cannot tell: never risk a duplicate
            self._leases.release(key)
            log.error("update %s: cannot check whether it was posted (%s); leaving it", name, error)
            await store.finish_update(
                sub.id, claim.version, "failed", wall, f"unconfirmed after a crash: {error}"
            )
            service.observed("failed")
            return
        if landed or sub.paused_reason:
            self._leases.release(key)
            if landed:  # record it, as the post would have
                update = await self._update(store, claim.since_version, claim.version)
                reply = self._compose(update, sub.lang)
                await self._record_post(sub, claim.version, landed, reply, wall)
            status, detail = (
                ("sent", "confirmed in the channel after a crash")
                if landed
                else ("skipped", "interrupted while its subscription was paused")
            )
            await store.finish_update(sub.id, claim.version, status, wall, detail)
            (report.recovered if landed else report.skipped).append(name)
            return
        await self.post(sub, claim.since_version, claim.version, claim.claimed_at, report)
