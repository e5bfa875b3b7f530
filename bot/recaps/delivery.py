"""The one retry layer for recap posts: bounded attempts and waits, 429s honoured, and a
channel check before re-posting anything whose outcome is unknown.

Neither slack_sdk nor discord.py retries underneath (the posters make one attempt each),
so a post costs at most ``attempts + rate_limited`` HTTP requests plus the channel checks.
The budget counts only this layer's own waits (backoff, Retry-After), never the time a post
waits in our own pacing queue behind other channels' posts. A recap post that meets more
429s than its budget is not failed but "deferred": the fan-out tries it again later
(``retrying(defer=True)``; other sends, edits and thread replies, fail as before).
"""

import asyncio
import logging
import random
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
    rate_limited: int = 8  # 429s met in a row before the post is deferred (tried again later)
    total_seconds: float = 60.0  # this layer's own waits (backoff, Retry-After), at most
    backoff: float = 1.0  # first 5xx/timeout wait; doubles, with jitter


@dataclass(frozen=True, slots=True)
class Outcome:
    # "sent", "failed"; or not finished: "abandoned" (our lease may have run out: not posted,
    # claim left open), "deferred" (rate-limited beyond the budget: nothing landed, try again
    # later), "released" (stopping: nothing landed, give the claim back), "interrupted"
    # (stopping after an attempt that may have landed: let the claim lapse, the taker checks).
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
    still_ours: Callable[[], bool] | None = None,
    stopping: Callable[[], bool] = lambda: False,
    defer: bool = True,
) -> Outcome:
    """Post ``reply`` once. ``since`` is when the slot was claimed: a check for an earlier
    attempt looks at the channel from then on. ``lease_held()`` is asked before each
    attempt: once the claim's lease may have run out, another instance may take it over, so
    nothing more is posted here. ``still_ours()`` (default: ``lease_held``) is what the
    poster asks after pacing, right before sending. ``stopping()`` is asked before each retry.
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
        still_ours=still_ours,
        stopping=stopping,
        defer=defer,
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
    still_ours: Callable[[], bool] | None = None,
    stopping: Callable[[], bool] = lambda: False,
    unknown: bool = False,
    defer: bool = False,
) -> Outcome:
    """The retry layer for any one send (a post, an edit, a thread reply): ``send(still_ours)``
    makes one attempt (the posted message's id, or None); ``landed()`` tells whether an
    earlier attempt whose outcome was unknown landed (truthy: yes, a message id if known).
    ``unknown=True``: an earlier attempt may have landed already (a claim taken over after a
    crash): look first. ``still_ours()`` (default: ``lease_held``) is handed to ``send`` for
    the poster to ask right before sending. ``defer=True``: rate-limited beyond the budget
    with nothing landed is "deferred" (tried again later), not "failed".
    """
    right_before_sending = still_ours or lease_held
    failures = limited = 0
    waited = 0.0  # this layer's own waits: the budget
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
            message_id = await send(right_before_sending)
        except LeaseLost:
            return Outcome("abandoned", "the claim's lease may have run out")
        except DeliveryError as error:
            if error.permanent:
                return Outcome(
                    "failed", error.reason, permanent=True, gone=isinstance(error, MessageGone)
                )
            unknown = unknown or error.unknown_outcome
            if error.rate_limited:
                on_rate_limited()
                limited += 1
                # The poster's pacing already holds that bucket for Retry-After: no wait here.
                delay = 0.0 if error.held else (error.retry_after or 1.0)
                exhausted = limited > policy.rate_limited
            else:
                failures += 1
                backoff = policy.backoff * 2 ** (failures - 1)
                jitter = 1 + random.random() / 4  # noqa: S311 - jitter, not a secret
                delay = error.retry_after if error.retry_after is not None else backoff * jitter
                exhausted = failures >= policy.attempts
            if exhausted or waited + delay > policy.total_seconds:
                # the last attempt may have landed: look once more before giving up
                found = await _look(landed) if unknown else False
                if found:
                    return Outcome("sent", CONFIRMED, confirmed=True, message_id=_id(found))
                if defer and error.rate_limited:
                    if found is None:
                        return Outcome(
                            "failed", "outcome unknown and the channel cannot be checked"
                        )
                    return Outcome("deferred", f"rate-limited {limited} time(s): {error.reason}")
                return Outcome(
                    "failed", f"gave up after {failures + limited} attempt(s): {error.reason}"
                )
            if stopping():
                status = "interrupted" if unknown else "released"
                return Outcome(status, f"stopping after: {error.reason}")
            if delay:
                log.warning("recap %s: %s; retrying in %.1fs", name, error.reason, delay)
            on_retry()
            waited += delay
            await sleep(delay)
        else:
            return Outcome("sent", message_id=message_id)


async def _look(landed: Callable[[], Awaitable[str | bool | None]]) -> str | bool | None:
    """What ``landed()`` answers; None when the channel cannot be checked."""
    try:
        return await landed()
    except DeliveryError:
        return None


def _id(found: str | bool) -> str | None:  # noqa: FBT001 - what landed() answered
    return found if isinstance(found, str) else None
