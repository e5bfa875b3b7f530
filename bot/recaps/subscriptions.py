"""Subscriptions as chat and the command line see them: subscribe, list, remove; and pausing
one whose schedule stopped working (only that subscription stops).
"""

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from bot.core.services import Listed, RecapSchedule
from bot.recaps.schedule import Schedule
from bot.recaps.state import RecapState
from bot.storage.base import Delivery, RecapStore, Subscription
from bot.storage.updates import UPDATES, UpdateDelivery

log = logging.getLogger(__name__)


def schedule_of(sub: Subscription) -> Schedule:
    return Schedule(sub.frequency, sub.time, sub.timezone)


async def pause(store: RecapStore, sub: Subscription, reason: str) -> None:
    if await store.pause(sub.id, reason):
        log.error(
            "recap #%d %s paused: %s (fix it, then subscribe again)", sub.id, sub.address, reason
        )


async def start_updates(store: RecapStore, sub: Subscription) -> None:
    """An update subscription is told of versions after the newest one recorded now; with
    none recorded yet, the update runner starts it at the first (bot/updates/announce.py).
    """
    latest = await store.latest_content_version()
    if latest is not None:
        await store.start_updates(sub.id, latest.number)


def as_delivery(post: UpdateDelivery) -> Delivery:
    """An update post as ``/recap list`` shows a delivery: its instant is when it was claimed."""
    return Delivery(
        post.subscription_id,
        post.claimed_at,
        post.status,
        post.claimed_by,
        post.claimed_at,
        post.lease_until,
        post.finished_at,
        post.detail,
    )


class Subscriptions:
    """Each call opens the store first if need be (``ready``)."""

    def __init__(self, state: RecapState, ready: Callable[[], Awaitable[RecapStore]]) -> None:
        self._state = state
        self._ready = ready

    async def subscribe(
        self,
        platform: str,
        workspace: str,
        channel: str,
        schedule: RecapSchedule,
        created_by: str = "",
        lang: str = "en",
    ) -> tuple[Subscription, bool]:
        """The subscription and whether it is new. Subscribing to a schedule the channel has
        in another language changes the language of its recaps. An update subscription starts
        at the newest content version, which it is never told of (``start_updates``).
        """
        store = await self._ready()
        now = self._state.clock()
        sub, created = await store.add_subscription(
            platform,
            workspace,
            channel,
            schedule.frequency,
            schedule.time,
            schedule.timezone,
            next_due=None if schedule.frequency == UPDATES else schedule.next_slot(now),
            created_by=created_by,
            now=now,
        )
        if sub.lang != lang:
            await store.set_subscription_lang(sub.id, lang)
            sub = dataclasses.replace(sub, lang=lang)
        if schedule_of(sub).updates:
            await start_updates(store, sub)
        return sub, created

    async def subscriptions(
        self, platform: str | None = None, channel: str | None = None
    ) -> list[Subscription]:
        return await (await self._ready()).subscriptions(platform, channel)

    async def remove(self, subscription_id: int) -> bool:
        return await (await self._ready()).remove_subscription(subscription_id)

    async def told(self, platform: str, channel: str) -> tuple[datetime, dict[str, Any]] | None:
        return await (await self._ready()).told(platform, channel)

    async def correction_pauses(self) -> dict[tuple[str, str], tuple[str, datetime]]:
        return await (await self._ready()).correction_pauses()

    async def listing(
        self, platform: str | None = None, channel: str | None = None
    ) -> list[Listed]:
        """Each subscription, its next slot (None when paused) and its last delivery: two
        queries.
        """
        store = await self._ready()
        subs = await store.subscriptions(platform, channel)
        last = await store.last_deliveries([s.id for s in subs]) if subs else {}
        if updates := [s.id for s in subs if schedule_of(s).updates]:  # their posts' own table
            told = await store.last_update_deliveries(updates)
            last.update({id_: as_delivery(post) for id_, post in told.items()})
        return [(s, None if s.paused_reason else s.next_due, last.get(s.id)) for s in subs]
