"""The one retry layer for recap posts: bounded attempts and time, 429s honoured, and a
channel check before re-posting anything whose outcome is unknown.

Neither slack_sdk nor discord.py retries underneath (the posters make one attempt each),
so a post costs at most ``attempts`` HTTP requests plus the channel checks.
"""

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.core.reply import Reply
from bot.recaps.posting import DeliveryError, LeaseLost, MessageGone, Poster

log = logging.getLogger(__name__)
CONFIRMED = "confirmed in the channel after an unknown outcome"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4  # posts that failed for other reasons than a 429 (5xx, timeouts), at most
    rate_limited: int = 8  # 429s met, at most (each waits its Retry-After and slows the pacing)
    total_seconds: float = 60.0  # from the first failure to giving up
    backoff: float = 1.0  # first 5xx/timeout wait; doubles, with jitter


@dataclass(frozen=True, slots=True)
class Outcome:
    # "sent", "failed", or "abandoned" (our lease may have run out: not posted, claim left open)
    status: str
    detail: str | None = None
    permanent: bool = False  # pause the subscription
    confirmed: bool = False  # found in the channel after an unknown outcome, not re-posted
    message_id: str | None = None  # the message posted (when known)
    gone: bool = False  # the message to edit or answer was deleted (MessageGone)


async def deliver(
    poster: Poster,
    workspace: str,
    channel: str,
    reply: Reply,
    marker: str,
    since: datetime,
    *,
    policy: RetryPolicy,
    name: str,
    on_retry: Callable[[], None] = lambda: None,
    on_rate_limited: Callable[[], None] = lambda: None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    lease_held: Callable[[], bool] = lambda: True,
) -> Outcome:
    """Post ``reply`` once. ``since`` is when the slot was claimed: a check for an earlier
    attempt looks at the channel from then on. ``lease_held()`` is asked before each
    attempt: once the claim's lease may have run out, another instance may take it over, so
    nothing more is posted here.
    """

    async def send(still_ours: Callable[[], bool]) -> str | None:
        return await poster.post(workspace, channel, reply, marker, still_ours=still_ours)

    async def landed() -> str | bool | None:
        return await poster.already_posted(workspace, channel, marker, since)

    return await retrying(
        send,
        landed,
        policy=policy,
        name=name,
        on_retry=on_retry,
        on_rate_limited=on_rate_limited,
        sleep=sleep,
        lease_held=lease_held,
    )


async def retrying(
    send: Callable[[Callable[[], bool]], Awaitable[str | None]],
    landed: Callable[[], Awaitable[str | bool | None]],
    *,
    policy: RetryPolicy,
    name: str,
    on_retry: Callable[[], None] = lambda: None,
    on_rate_limited: Callable[[], None] = lambda: None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    lease_held: Callable[[], bool] = lambda: True,
    unknown: bool = False,
) -> Outcome:
    """The retry layer for any one send (a post, an edit, a thread reply): ``send(still_ours)``
    makes one attempt (the posted message's id, or None); ``landed()`` tells whether an
    earlier attempt whose outcome was unknown landed (truthy: yes, a message id if known).
    ``unknown=True``: an earlier attempt may have landed already (a claim taken over after a
    crash): look first.
    """
    deadline: float | None = (
        None  # set at the first failure: waiting in the pacing queue is not retrying
    )
    failures = limited = 0
    # once an attempt may have landed, every later attempt checks first
    while True:
        if unknown:
            try:
                found = await landed()
            except DeliveryError as error:  # cannot tell: never risk a duplicate
                return Outcome(
                    "failed",
                    f"outcome unknown and the channel cannot be checked: {error.reason}",
                    gone=isinstance(error, MessageGone),
                )
            if found:
                log.info("recap %s: the earlier attempt had landed; not posting again", name)
                return Outcome("sent", CONFIRMED, confirmed=True, message_id=_id(found))
        if not lease_held():
            return Outcome("abandoned", "the claim's lease may have run out")
        try:
            message_id = await send(lease_held)
        except LeaseLost:
            return Outcome("abandoned", "the claim's lease may have run out")
        except DeliveryError as error:
            if deadline is None:
                deadline = time.monotonic() + policy.total_seconds
            if error.permanent:
                return Outcome(
                    "failed", error.reason, permanent=True, gone=isinstance(error, MessageGone)
                )
            if error.rate_limited:
                on_rate_limited()
                limited += 1
                exhausted = limited > policy.rate_limited
            else:
                failures += 1
                exhausted = failures >= policy.attempts
            unknown = unknown or error.unknown_outcome
            backoff = policy.backoff * 2 ** (failures - 1)
            jitter = 1 + random.random() / 4  # noqa: S311 - jitter, not a secret
            delay = error.retry_after if error.retry_after is not None else backoff * jitter
            if exhausted or time.monotonic() + delay > deadline:
                if unknown:  # the last attempt may have landed: look once more before failing
                    try:
                        found = await landed()
                    except DeliveryError:
                        found = None
                    if found:
                        return Outcome("sent", CONFIRMED, confirmed=True, message_id=_id(found))
                return Outcome(
                    "failed", f"gave up after {failures + limited} attempt(s): {error.reason}"
                )
            log.warning("recap %s: %s; retrying in %.1fs", name, error.reason, delay)
            on_retry()
            await sleep(delay)
        else:
            return Outcome("sent", message_id=message_id)


def _id(found: str | bool) -> str | None:  # noqa: FBT001 - what landed() answered
    return found if isinstance(found, str) else None
