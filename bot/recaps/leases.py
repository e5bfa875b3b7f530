"""The claims this instance is posting, and until when it knows their leases hold.

A claim's lease is renewed by a heartbeat every third of a lease while its owner lives, so
only a dead owner's leases run out (and only those are taken over: recovery.py). A post
stops short of its lease's end by a margin (a post in flight must not meet a taker); a
claim whose lease may have lapsed (a late heartbeat) is not posted but becomes "suspect",
looked at again at the next run: if it is still ours, nobody took it over.
"""

import asyncio
import logging
import time
from datetime import datetime, timedelta

from bot.recaps.opening import LazyStore
from bot.recaps.state import RecapState

log = logging.getLogger(__name__)
Key = tuple[int, datetime]  # (subscription id, slot)


class Leases:
    def __init__(self, state: RecapState, opened: LazyStore) -> None:
        self._state = state
        self._opened = opened
        self._held: dict[Key, datetime] = {}  # claim -> until when its lease surely holds
        self._suspect: set[Key] = set()

    @property
    def count(self) -> int:
        return len(self._held)

    def hold(self, key: Key, until: datetime) -> None:
        self._held[key] = until

    def release(self, key: Key) -> None:
        self._held.pop(key, None)

    def held(self, key: Key) -> bool:
        """Whether the lease of ``key`` still holds, with a margin to post in."""
        held_until = self._held.get(key)
        return held_until is not None and self._state.wall() + self._margin() < held_until

    def suspect(self, key: Key) -> None:
        self._suspect.add(key)

    def take_suspects(self) -> set[Key]:
        """The suspect claims, forgotten here: the caller looks at them now."""
        suspects, self._suspect = self._suspect, set()
        return suspects

    async def heartbeat(self) -> None:
        """Renew this instance's leases every third of a lease, so only a dead owner's expire."""
        state = self._state
        while True:
            await asyncio.sleep(state.lease.total_seconds() / 3)
            state.last_beat = time.monotonic()
            started = state.wall()
            try:
                await self._opened.store.renew_leases(state.owner, started + state.lease)
            # Whatever the failure, the next beat tries again; the runner reports storage faults.
            except Exception as error:  # noqa: BLE001
                log.warning("recap heartbeat: could not renew leases: %s", error)
                continue
            done = state.wall()
            for key, held_until in self._held.items():
                if held_until > done:  # still held when the renewal reached the database
                    self._held[key] = started + state.lease

    def _margin(self) -> timedelta:
        """Stop posting this long before a lease runs out (a post in flight must not meet a
        taker).
        """
        return min(self._state.lease / 3, timedelta(seconds=15))
