"""After a crash: claims whose lease ran out (their instance died) are taken over by one
instance, checked against the channel (did the post land?) and posted only if it did not.

Each taken-over claim ends one of five ways:
- its subscription or platform is gone: failed;
- the channel's history cannot be read: failed, "unconfirmed" (never risk a duplicate);
- the post is in the channel: sent, "confirmed";
- the slot is now past the grace window, or the subscription is paused: skipped (a slot
  claimed in time counts its grace from when its claim ran out, not from the slot: a cron
  run killed at 09:00 leaves its claims to the next run, which still posts them);
- otherwise: posted now, as the fan-out posts (fanout.py).
Our own suspect claims (leases.py) are looked at the same way: still ours means nobody took
them over in between.
"""

import logging
from datetime import datetime

from bot.recaps.fanout import SKEW, Fanout, RunReport, run_all, slot_name
from bot.recaps.leases import Leases
from bot.recaps.opening import LazyStore
from bot.recaps.posting import marker
from bot.recaps.state import RecapState
from bot.storage.base import Delivery, Subscription

log = logging.getLogger(__name__)


class Recovery:
    def __init__(
        self, state: RecapState, opened: LazyStore, leases: Leases, fanout: Fanout
    ) -> None:
        self._state = state
        self._opened = opened
        self._leases = leases
        self._fanout = fanout

    async def take_over(self, report: RunReport) -> None:
        """Take over the expired claims (and our suspect ones) and settle each."""
        state, store = self._state, self._opened.store
        wall = state.wall()
        taken = await store.take_over_lapsed(state.owner, wall, wall + state.lease)
        suspects = self._leases.take_suspects()
        if suspects:
            suspects -= {(c.subscription_id, c.slot) for c, _ in taken}  # just taken over anyway
            taken += [
                (c, c.lease_until)
                for c in await store.open_claims()
                if (c.subscription_id, c.slot) in suspects and c.claimed_by == state.owner
            ]
        for claim, _ in taken:
            self._leases.hold((claim.subscription_id, claim.slot), claim.lease_until)
        if not taken:
            return
        subs = {s.id: s for s in await store.subscriptions()}
        await run_all(
            [
                self._recover(claim, lapsed, subs.get(claim.subscription_id), report)
                for claim, lapsed in taken
            ]
        )

    async def _recover(
        self,
        claim: Delivery,
        lapsed: datetime,
        sub: Subscription | None,
        report: RunReport,
    ) -> None:
        try:
            await self._settle(claim, lapsed, sub, report)
        finally:
            self._leases.release((claim.subscription_id, claim.slot))

    async def _settle(
        self,
        claim: Delivery,
        lapsed: datetime,
        sub: Subscription | None,
        report: RunReport,
    ) -> None:
        state, store = self._state, self._opened.store
        wall = state.wall()
        if sub is None or sub.platform not in state.posters:
            await store.finish(
                claim.subscription_id,
                claim.slot,
                "failed",
                wall,
                "interrupted; its subscription or platform is gone",
            )
            return
        name = slot_name(sub, claim.slot)
        since = min(claim.claimed_at, claim.slot) - SKEW
        poster = state.posters[sub.platform]
        try:
            landed = await poster.already_posted(
                sub.workspace, sub.channel, marker(sub, claim.slot), since
            )
        except Exception as error:  # noqa: BLE001 - cannot tell: never risk a duplicate
            log.error("recap %s: cannot check whether it was posted (%s); leaving it", name, error)
            await store.finish(
                sub.id, claim.slot, "failed", wall, f"unconfirmed after a crash: {error}"
            )
            state.observed("failed")
            return
        if landed:
            if isinstance(landed, str):  # record it (issue 18), as the post would have
                composed = self._fanout.compose_for(
                    await store.told(sub.platform, sub.channel), claim.slot, sub.lang
                )
                await store.record_post(self._fanout.post_of(sub, landed, composed, wall))
            await store.finish(
                sub.id, claim.slot, "sent", wall, "confirmed in the channel after a crash"
            )
            report.recovered.append(name)
        elif wall - lapsed > state.grace or sub.paused_reason:
            await store.finish(
                sub.id, claim.slot, "skipped", wall, "interrupted and now past the grace window"
            )
            report.skipped.append(name)
            state.observed("skipped")
        else:
            await self._fanout.post(sub, claim.slot, claim.claimed_at, report)
