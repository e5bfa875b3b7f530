"""The bridge synchronous handlers cross to reach the recap store.

Handlers are synchronous and run in worker threads; the store is async. ``LoopBridge.call``
runs a coroutine on the service's event loop (the bot's, once the recap runner starts) or,
when none runs (e.g. ``python -m bot ask``, the recap CLI), on a private one in a thread.
``HandlerRecaps`` is the recap service as handlers see it (``bot.core.services.Recaps``).
"""

import asyncio
import concurrent.futures
import threading
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from bot.content.store import Content
from bot.core.reply import Reply
from bot.core.services import Listed, RecapSchedule
from bot.recaps.compose import compose
from bot.recaps.state import RecapState
from bot.recaps.subscriptions import Subscriptions
from bot.storage.base import Subscription

T = TypeVar("T")


class LoopBridge:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._private: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Use ``loop`` for the store from now on, unless a loop was bound already."""
        if self._loop is None:
            self._loop = loop

    @property
    def running(self) -> bool:
        """Whether the bound loop runs (calls then go there)."""
        return self._loop is not None and self._loop.is_running()

    def call(self, make: Callable[[], Awaitable[T]], timeout: float = 10.0) -> T:
        """Run ``make()`` on the service's loop from a worker thread and wait for it."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            msg = "RecapService.call blocks; from a coroutine, await the method instead"
            raise RuntimeError(msg)
        loop = self._loop if self._loop is not None and self.running else self._private_loop()

        async def run() -> T:
            return await make()

        future = asyncio.run_coroutine_threadsafe(run(), loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            msg = f"recap storage did not answer within {timeout:g} s"
            raise TimeoutError(msg) from None

    def stop_private(self) -> None:
        """Stop the private loop, if one was started."""
        if self._private is not None:
            self._private.call_soon_threadsafe(self._private.stop)
            self._private = None

    def _private_loop(self) -> asyncio.AbstractEventLoop:
        if self._private is None:
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="recaps-loop", daemon=True).start()
            self._private = loop
        return self._private


class HandlerRecaps:
    """``bot.core.services.Recaps`` over the bridge: each call waits for the store."""

    def __init__(self, bridge: LoopBridge, subscriptions: Subscriptions, state: RecapState) -> None:
        self._bridge = bridge
        self._subscriptions = subscriptions
        self._state = state

    def now(self) -> datetime:
        return self._state.clock()

    def subscribe(
        self,
        platform: str,
        workspace: str,
        channel: str,
        schedule: RecapSchedule,
        *,
        created_by: str = "",
        lang: str = "en",
    ) -> tuple[Subscription, bool]:
        return self._bridge.call(
            lambda: self._subscriptions.subscribe(
                platform, workspace, channel, schedule, created_by=created_by, lang=lang
            )
        )

    def subscriptions(self, platform: str, channel: str) -> list[Subscription]:
        return self._bridge.call(lambda: self._subscriptions.subscriptions(platform, channel))

    def unsubscribe(self, subscription_id: int) -> bool:
        return self._bridge.call(lambda: self._subscriptions.remove(subscription_id))

    def listing(self, platform: str, channel: str) -> list[Listed]:
        return self._bridge.call(lambda: self._subscriptions.listing(platform, channel))

    def corrections_paused(self, platform: str, channel: str) -> str | None:
        pauses = self._bridge.call(self._subscriptions.correction_pauses)
        pause = pauses.get((platform, channel))
        return pause[0] if pause is not None else None

    def preview(self, platform: str, channel: str, content: Content, lang: str = "en") -> Reply:
        told = self._bridge.call(lambda: self._subscriptions.told(platform, channel))
        reply, _ = compose(content, told, self._state.clock(), lang)
        return reply
