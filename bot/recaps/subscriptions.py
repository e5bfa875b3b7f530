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
from bot.storage.base import RecapStore, Subscription

log = logging.getLogger(__name__)


def schedule_of(sub: Subscription) -> Schedule:
    return Schedule(sub.frequency, sub.time, sub.timezone)


async def pause(store: RecapStore, sub: Subscription, reason: str) -> None:
    if await store.pause(sub.id, reason):
        log.error(
            "recap #%d %s paused: %s (fix it, then subscribe again)", sub.id, sub.address, reason
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
        in another language changes the language of its recaps.
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
            next_due=schedule.next_slot(now),
            created_by=created_by,
            now=now,
        )
        if sub.lang != lang:
            await store.set_subscription_lang(sub.id, lang)
            sub = dataclasses.replace(sub, lang=lang)
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
        return [(s, None if s.paused_reason else s.next_due, last.get(s.id)) for s in subs]
