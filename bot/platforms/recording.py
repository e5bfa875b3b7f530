"""Recording the ``public`` replies the platforms post (issue 18: corrections in place).

A public reply is a message in a channel that a later correction may have to edit, so its
message id, the claims it stated and the reply itself go to the posts record
(bot/recaps/posts.py) in the recap database. Recording happens after the reply is sent and
never delays or fails it: a database fault keeps the records in memory (at most
``PENDING_KEPT``; logged once) until the database answers again. Private replies are never
recorded: they cannot be edited.
"""

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.reply import Reply
from bot.recaps.posts import post_record
from bot.recaps.service import RecapService
from bot.storage.base import RecapStore, StorageError

log = logging.getLogger(__name__)
PENDING_KEPT = 10_000


@dataclass(frozen=True, slots=True)
class Public:
    platform: str
    workspace: str
    channel: str
    message_id: str
    reply: Reply
    posted_at: datetime


class PublicReplies:
    def __init__(
        self,
        ready: Callable[[], Awaitable[RecapStore]],
        version: Callable[[], int | None] = lambda: None,
    ) -> None:
        self._ready = ready
        self._version = version
        self._pending: deque[Public] = deque(maxlen=PENDING_KEPT)
        self._tasks: set[asyncio.Task[None]] = set()
        self._failing = False

    @property
    def pending(self) -> int:
        return len(self._pending)

    def posted(
        self, platform: str, workspace: str, channel: str, message_id: str, reply: Reply
    ) -> None:
        """A public reply was posted: record it in the background."""
        if not message_id or not channel:
            return
        self._pending.append(
            Public(platform, workspace, channel, message_id, reply, datetime.now(UTC))
        )
        task = asyncio.get_running_loop().create_task(self.flush())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def flush(self) -> None:
        """Record what is pending; on a database fault keep it for the next call."""
        while self._pending:
            public = self._pending[0]
            try:
                store = await self._ready()
                await store.record_post(
                    post_record(
                        platform=public.platform,
                        workspace=public.workspace,
                        channel=public.channel,
                        message_id=public.message_id,
                        kind="reply",
                        version=self._version(),
                        reply=public.reply,
                        posted_at=public.posted_at,
                    )
                )
            except StorageError as error:
                if not self._failing:
                    log.warning(
                        "public replies: cannot record (%s); kept until the database answers",
                        error,
                    )
                self._failing = True
                return
            if self._pending and self._pending[0] is public:
                self._pending.popleft()
            if self._failing:
                log.info("public replies: recording again")
                self._failing = False

    async def aclose(self) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5)


def public_replies(recaps: RecapService | None) -> PublicReplies | None:
    """Where the platforms record public replies: the recap database, when there is one."""
    if recaps is None:
        return None
    return PublicReplies(recaps.ready, lambda: recaps.content_version)
