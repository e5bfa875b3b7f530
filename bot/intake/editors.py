"""The editors' channel: one post per new candidate, its details in a thread reply, exactly
once across restarts and instances.

Platforms implement ``EditorsChannel`` (bot/platforms/slack/editors.py,
bot/platforms/discord/editors.py); this module decides what is said and when. Exactly once:

- a candidate is posted by whoever holds its claim (a row lease in the database, renewed
  by its holder, taken over only once expired);
- before each message goes out the attempt is recorded; an attempt with no message id
  recorded is an unknown outcome (a timeout, a 5xx, a crash), so the channel is looked at
  for the message's marker before anything is posted again.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.i18n.translator import Translator
from bot.storage.base import Candidate, RecapStore

log = logging.getLogger(__name__)
SHOWN_IN_POST = 3  # contradictions named in the post itself; the rest in the thread
SHOWN_IN_THREAD = 5  # of each kind
LOOK_BACK = timedelta(minutes=2)  # clocks differ: look a little before the attempt


class EditorsPostError(Exception):
    """One failed attempt; ``unknown_outcome``: the platform may have posted it."""

    def __init__(
        self,
        reason: str,
        *,
        unknown_outcome: bool = False,
        retry_after: float | None = None,
        permanent: bool = False,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unknown_outcome = unknown_outcome
        self.retry_after = retry_after
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class EditorsMessage:
    """Plain text: the platform makes it inert (no mentions, no formatting from the item)."""

    title: str
    lines: tuple[str, ...]
    link: str | None = None


class EditorsChannel(Protocol):
    platform: str

    async def post(
        self, channel: str, message: EditorsMessage, marker: str, *, thread: str | None = None
    ) -> str:
        """Post (in ``thread``, a message id, when given); the new message's id. One attempt;
        raises EditorsPostError.
        """

    async def find(
        self, channel: str, marker: str, since: datetime, *, thread: str | None = None
    ) -> str | None:
        """The id of the message carrying ``marker`` posted at or after ``since``, or None."""

    async def aclose(self) -> None: ...


def parse_channel(address: str) -> tuple[str, str]:
    """``slack:C0123`` -> ("slack", "C0123")."""
    platform, _, channel = address.partition(":")
    return platform, channel


def markers(candidate_id: int) -> tuple[str, str]:
    return f"intake-{candidate_id}", f"intake-{candidate_id}-details"


def review_of(candidate: Candidate) -> dict[str, Any]:
    try:
        data = json.loads(candidate.review) if candidate.review else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def compose(candidate: Candidate, tr: Translator) -> tuple[EditorsMessage, EditorsMessage]:
    """The post (title, outlet, date, link, the verdict counts first) and its thread reply."""
    review = review_of(candidate)
    stated = " \u00b7 ".join(
        part
        for part in (
            candidate.outlet or tr("outlet not stated"),
            candidate.stated_date or tr("date not stated"),
        )
    )
    decide = tr(
        "Decide: `python -m bot intake show {id}`, then `intake accept {id}` or "
        "`intake reject {id}`.",
        id=candidate.id,
    )
    if candidate.kind == "filing":
        title = tr("New court filing #{id}: {title}", id=candidate.id, title=candidate.title)
        lines = (stated, tr("A filing is listed, not reviewed."), decide)
        entry = (tr("Docket entry: {text}", text=candidate.body[:1500]),)
        return (
            EditorsMessage(title, lines, candidate.url),
            EditorsMessage(tr("Details of #{id}", id=candidate.id), entry),
        )
    counts = review.get("counts") or {}
    verdict = tr(
        "Corroborates {corroborates} \u00b7 contradicts {contradicts} \u00b7 possibly contradicts "
        "{possible} \u00b7 new {new}",
        corroborates=int(counts.get("corroborates", 0)),
        contradicts=int(counts.get("contradicts", 0)),
        possible=int(counts.get("possible", 0)),
        new=int(counts.get("new", 0)),
    )
    named = [
        tr("Contradicts {claim}: {what}", claim=c.get("claim", ""), what=c.get("what", ""))
        for c in (review.get("contradicts") or [])[:SHOWN_IN_POST]
    ]
    named += [  # what the review is unsure of is labelled so, after what it asserts
        tr("Possibly contradicts {claim}: {what}", claim=c.get("claim", ""), what=c.get("what", ""))
        for c in (review.get("possible") or [])[: max(0, SHOWN_IN_POST - len(named))]
    ]
    post = EditorsMessage(
        tr("New reporting #{id}: {title}", id=candidate.id, title=candidate.title),
        (stated, verdict, *named, decide),
        candidate.url,
    )
    details = [
        tr(
            "Contradicts {claim}: {what}. The item: \u201c{here}\u201d",
            claim=c.get("claim", ""),
            what=c.get("what", ""),
            here=str(c.get("here", ""))[:300],
        )
        for c in (review.get("contradicts") or [])[:SHOWN_IN_THREAD]
    ]
    details += [
        tr(
            "Possibly contradicts {claim}: {what}. The item: \u201c{here}\u201d",
            claim=c.get("claim", ""),
            what=c.get("what", ""),
            here=str(c.get("here", ""))[:300],
        )
        for c in (review.get("possible") or [])[:SHOWN_IN_THREAD]
    ]
    details += [
        tr(
            "Corroborates {claim}: {text}",
            claim=c.get("claim", ""),
            text=str(c.get("text", ""))[:200],
        )
        for c in (review.get("corroborates") or [])[:SHOWN_IN_THREAD]
    ]
    details += [
        tr("New ({kind}): {text}", kind=n.get("kind", ""), text=str(n.get("text", ""))[:200])
        for n in (review.get("new") or [])[:SHOWN_IN_THREAD]
    ]
    if not details:
        details.append(tr("The review found nothing to compare with the brief."))
    return post, EditorsMessage(tr("Details of #{id}", id=candidate.id), tuple(details))


@dataclass
class Delivery:
    """Posts candidates to one channel, exactly once."""

    store: RecapStore
    channel: EditorsChannel
    address: str  # the channel id on its platform
    owner: str  # this instance
    clock: Callable[[], datetime]
    tr: Translator
    lease: timedelta = timedelta(minutes=5)

    async def deliver(self, candidate: Candidate) -> bool:
        """Post ``candidate`` and its thread if this instance gets its claim; True when done."""
        now = self.clock()
        if not await self.store.intake_claim_post(candidate.id, self.owner, now + self.lease, now):
            return False
        fresh = await self.store.intake_candidate(candidate.id)
        if fresh is None or fresh.posted_at is not None:
            return False
        post, details = compose(fresh, self.tr)
        post_marker, reply_marker = markers(fresh.id)
        post_id = fresh.post_id or await self._once(
            fresh, post, post_marker, fresh.post_tried_at, "post_tried_at", "post_id", None
        )
        if fresh.reply_id is None:
            await self._once(
                fresh,
                details,
                reply_marker,
                fresh.reply_tried_at,
                "reply_tried_at",
                "reply_id",
                post_id,
            )
        await self.store.intake_post_step(fresh.id, self.owner, "posted_at", self.clock())
        return True

    async def _once(
        self,
        candidate: Candidate,
        message: EditorsMessage,
        marker: str,
        tried_at: datetime | None,
        tried_column: str,
        id_column: str,
        thread: str | None,
    ) -> str:
        if tried_at is not None:  # an attempt whose outcome is unknown: look before posting
            found = await self.channel.find(
                self.address, marker, tried_at - LOOK_BACK, thread=thread
            )
            if found is not None:
                await self.store.intake_post_step(candidate.id, self.owner, id_column, found)
                return found
        if not await self.store.intake_post_step(
            candidate.id, self.owner, tried_column, self.clock()
        ):
            msg = "the claim passed to another instance"
            raise EditorsPostError(msg)
        posted = await self.channel.post(self.address, message, marker, thread=thread)
        await self.store.intake_post_step(candidate.id, self.owner, id_column, posted)
        return posted
