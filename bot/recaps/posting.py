"""What the recap service needs from a platform to post: the ``Poster`` protocol.

Since issue 18 a poster also edits a message it posted and replies in its thread
(corrections in place, bot/updates/corrections.py), with the same one-attempt-per-call
contract and the same error sorting; each edit and reply carries a marker too, so an
attempt whose outcome is unknown is checked (the message's content, its thread) first.

Posters live with their platform (bot/platforms/slack/poster.py, .../discord/poster.py);
this package imports no chat library. A poster makes ONE attempt per ``post`` call and
sorts its failure into a ``DeliveryError``; the service's single retry layer decides what
happens next (delivery.py). Each post carries a marker naming its slot, so a post whose
outcome is unknown (a 5xx or timeout after the platform may have accepted it, or a crash)
is looked for in the channel before anything is posted again.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from bot.core.reply import Reply
from bot.storage.base import Subscription


class DeliveryError(Exception):
    """One failed attempt.

    - ``permanent``: retrying cannot help (channel gone, no access): pause the subscription;
    - ``retry_after``: the platform said when to try again (HTTP 429);
    - ``rate_limited``: it was a 429 (counted in the metrics);
    - ``unknown_outcome``: the platform may have posted it (5xx, timeout after sending);
    - ``held``: the poster's pacing already holds the bucket the 429 named for Retry-After,
      so the next attempt waits in the pacing, not in the retry layer too.
    """

    def __init__(
        self,
        reason: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        rate_limited: bool = False,
        unknown_outcome: bool = False,
        held: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after
        self.rate_limited = rate_limited
        self.unknown_outcome = unknown_outcome
        self.held = held


class MessageGone(DeliveryError):
    """The message to edit or reply to no longer exists (Slack ``message_not_found``,
    Discord 10008 Unknown Message): nothing to correct there.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason, permanent=True)


class LeaseLost(DeliveryError):
    """Not sent: when the pacing let the post go, the claim's lease might have run out, so
    another instance may be taking it over.
    """

    def __init__(self) -> None:
        super().__init__("the claim's lease may have run out")


def marker(subscription: Subscription, slot: datetime) -> str:
    """What a recap post carries to be found again: its subscription and slot."""
    return f"r{subscription.id}-{slot:%Y%m%d%H%M}"


def always() -> bool:
    return True


class Poster(Protocol):
    platform: str

    async def post(
        self,
        workspace: str,
        channel: str,
        reply: Reply,
        marker: str,
        *,
        still_ours: Callable[[], bool] = always,
    ) -> str:
        """One paced attempt; the posted message's id (Slack ts, Discord id); raises
        DeliveryError. ``still_ours()`` is asked after pacing, right before sending: False
        raises LeaseLost and sends nothing.
        """

    async def already_posted(
        self, workspace: str, channel: str, marker: str, since: datetime
    ) -> str | None:
        """The id of a message with ``marker`` posted in ``channel`` at or after ``since``
        (None: there is none), paging through the channel's history from then on (not only
        its latest messages).
        """

    async def edit(
        self,
        workspace: str,
        channel: str,
        message_id: str,
        reply: Reply,
        marker: str,
        *,
        still_ours: Callable[[], bool] = always,
        keep_buttons: bool = False,
    ) -> None:
        """One paced attempt to replace the message with ``reply`` (Slack chat.update,
        Discord PATCH); MessageGone when it was deleted. ``keep_buttons``: the message's own
        buttons stay (a public reply's page buttons: a press on them answers with the current
        page and says the brief was updated).
        """

    async def reply_in_thread(
        self,
        workspace: str,
        channel: str,
        message_id: str,
        reply: Reply,
        marker: str,
        *,
        still_ours: Callable[[], bool] = always,
    ) -> str:
        """One paced attempt to answer the message (Slack thread_ts, Discord a reply with
        message_reference); the reply's id.
        """

    async def edited(self, workspace: str, channel: str, message_id: str, marker: str) -> bool:
        """Whether the message now carries ``marker`` (an edit whose outcome was unknown
        landed); MessageGone when it was deleted.
        """

    async def replied(self, workspace: str, channel: str, message_id: str, marker: str) -> bool:
        """Whether a reply carrying ``marker`` is in the message's thread."""

    async def aclose(self) -> None: ...
