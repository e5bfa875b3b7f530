"""The store contract: what the recap service needs from a database, SQLite or PostgreSQL.

Every method is a coroutine: the SQLite backend runs its work in a worker thread, the
PostgreSQL backend uses an async driver, so no database call ever blocks the event loop.
Both backends pass one contract test suite (tests/storage/). Times are aware UTC datetimes.

Exactly-once rests on two rules that every backend must keep:
- ``claim`` inserts the (subscription, slot) row; one insert wins across all instances;
- a claim carries a lease (``lease_until``) renewed by its owner's heartbeat; only an
  expired lease can be taken over (``take_over_expired``), and only by one taker.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from bot.storage.updates import UpdateDelivery


class StorageError(Exception):
    """The database cannot be used (unreachable, corrupt, read-only, full, locked too long).

    ``message`` is one line an operator can act on; it never contains a password.
    """


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    platform: str  # "slack" or "discord"
    workspace: str  # Slack team id; Discord guild id; "" when unknown (single-workspace mode)
    channel: str
    frequency: str  # "daily", "weekly mon" or a cron expression
    time: str  # "HH:MM" local, "" for cron
    timezone: str
    origin: str  # "chat" or "settings"
    created_by: str
    created_at: datetime
    paused_reason: str | None
    # The next slot to post; None when it never fires, and for rows migrated from schema 1
    # until the scheduler sets it (``advance(id, None, next_due)``). Kept while paused.
    next_due: datetime | None
    lang: str = "en"  # the language its recaps are written in

    @property
    def address(self) -> str:
        return f"{self.platform}:{self.channel}"


@dataclass(frozen=True, slots=True)
class Delivery:
    subscription_id: int
    slot: datetime
    status: str  # "claimed", "sent", "skipped" or "failed"
    claimed_by: str
    claimed_at: datetime
    lease_until: datetime
    finished_at: datetime | None
    detail: str | None


# Issue 21's batches: (subscription id, slot, its following slot) to claim; (subscription id,
# slot, status, finished at, detail) to finish; (platform, channel, told at, snapshot) to
# remember; (subscription id, slot) of a claim.
ToClaim = tuple[int, datetime, datetime | None]
Finished = tuple[int, datetime, str, datetime, str | None]
Told = tuple[str, str, datetime, dict[str, Any]]
ClaimKey = tuple[int, datetime]


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """A content version as the database keeps it (issue 18a; bot/updates/history.py reads
    it into a ``ContentVersion``).
    """

    number: int  # 1, 2, 3, ... without gaps
    content_hash: str
    as_of: date
    recorded_at: datetime
    snapshot_json: str  # its claims and sources (bot/updates/versions.py)


@dataclass(frozen=True, slots=True)
class Post:
    """A message the bot posted in a channel (issue 18c): what it showed, to correct it."""

    id: int
    platform: str
    workspace: str
    channel: str
    message_id: str  # Slack ts; Discord message id
    kind: str  # "recap", "update" or "reply"
    version: int | None  # the content version it shows; None: posted before any was recorded
    lang: str
    reply: str  # the neutral Reply it shows now, as JSON
    posted_at: datetime
    claims: tuple[str, ...] = ()  # keys of the claims it showed

    @property
    def address(self) -> str:
        return f"{self.platform}:{self.channel}"


@dataclass(frozen=True, slots=True)
class PostCorrection:
    """One (post, version) of the corrections ledger: claimed like a recap slot."""

    post_id: int
    version: int
    status: str  # "claimed", "edited" (its thread reply owed), "done", "skipped" or "failed"
    claimed_by: str
    claimed_at: datetime
    lease_until: datetime
    finished_at: datetime | None
    detail: str | None


POST_KINDS = ("recap", "update", "reply")


@dataclass(frozen=True, slots=True)
class PostRecord:
    """A message the bot posted in a channel, to record (bot/recaps/posts.py)."""

    platform: str
    workspace: str
    channel: str
    message_id: str
    kind: str  # one of POST_KINDS
    version: int | None
    lang: str
    claims: tuple[str, ...]
    reply: str  # the neutral Reply as JSON; stored once per distinct text (post_bodies)
    posted_at: datetime


CORRECTION_STATUSES = ("claimed", "edited", "done", "skipped", "failed")


# (platform, workspace, channel, frequency, time, timezone[, lang]) of one operator-declared
# recap; without a language, English.
Declared = tuple[str, ...]


def declared_key(entry: Declared) -> tuple[str, str, str, str, str]:
    """(platform, channel, frequency, time, timezone): what makes a declared recap itself."""
    platform, _, channel, frequency, time, tz = entry[:6]
    return (platform, channel, frequency, time, tz)


def declared_lang(entry: Declared) -> str:
    return entry[6] if len(entry) > 6 else "en"  # noqa: PLR2004 - the optional 7th field


@dataclass(frozen=True, slots=True)
class NewCandidate:
    """An item the intake found: new reporting (``article``) or a court filing (``filing``)."""

    kind: str
    origin: str
    url: str
    guid: str | None
    content_hash: str | None
    title: str
    outlet: str = ""
    stated_date: str = ""
    body: str = ""
    review: str = ""  # JSON written by bot.intake
    status: str = "new"


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    kind: str
    origin: str
    url: str
    guid: str | None
    content_hash: str | None
    title: str
    outlet: str
    stated_date: str
    body: str
    review: str
    status: str  # new | accepted | rejected | seen
    source_id: str | None
    found_at: datetime
    decided_at: datetime | None
    post_owner: str | None
    post_lease_until: datetime | None
    post_tried_at: datetime | None
    post_id: str | None
    reply_tried_at: datetime | None
    reply_id: str | None
    posted_at: datetime | None


# What ``intake_post_step`` may record, one column at a time (bot.intake.editors).
POST_STEPS = frozenset({"post_tried_at", "post_id", "reply_tried_at", "reply_id", "posted_at"})


class RecapStore(Protocol):
    """Subscriptions, deliveries (claims) and what each channel was last told."""

    url_for_logs: str  # the database URL without any password

    async def migrate(self) -> None:
        """Create or upgrade the schema; safe when several instances start at once."""

    async def schema_version(self) -> int: ...

    async def ping(self) -> None:
        """Raise StorageError unless a trivial query answers (readiness)."""

    async def close(self) -> None: ...

    # --- subscriptions -------------------------------------------------------------
    async def add_subscription(
        self,
        platform: str,
        workspace: str,
        channel: str,
        frequency: str,
        time: str,
        tz: str,
        *,
        next_due: datetime | None,
        origin: str = "chat",
        created_by: str = "",
        now: datetime,
    ) -> tuple[Subscription, bool]:
        """The subscription and whether it is new (an identical one is reused)."""

    async def remove_subscription(self, subscription_id: int) -> bool: ...

    async def set_subscription_lang(self, subscription_id: int, lang: str) -> bool:
        """Write its recaps in ``lang`` from now on; False when it already was."""

    async def subscriptions(
        self,
        platform: str | None = None,
        channel: str | None = None,
        *,
        workspace: str | None = None,
    ) -> list[Subscription]: ...

    async def sync_declared(
        self, declared: Sequence[tuple[Declared, datetime | None]], now: datetime
    ) -> None:
        """Make the settings-declared subscriptions exactly ``declared`` (each with its
        next_due).
        """

    async def pause(self, subscription_id: int, reason: str) -> bool:
        """True only for the call that paused it (so the reason is logged once)."""

    async def pause_workspace(self, platform: str, workspace: str, reason: str) -> int:
        """Pause every subscription of a workspace (app uninstalled); returns how many."""

    async def resume_workspace(self, platform: str, workspace: str) -> int:
        """Clear the pause of every subscription of a workspace (reinstalled); returns how many."""

    # --- scheduling: the next slot is stored, never recomputed by listing ------------
    async def due(self, now: datetime, limit: int = 1000) -> list[Subscription]:
        """Unpaused subscriptions whose next_due <= now, oldest first."""

    async def earliest_due(self) -> datetime | None:
        """The smallest next_due of unpaused subscriptions (when the scheduler must wake)."""

    async def advance(
        self, subscription_id: int, slot: datetime | None, next_due: datetime | None
    ) -> bool:
        """Move next_due from ``slot`` to ``next_due``; False if someone else already moved it.

        ``slot=None`` sets the next slot of a subscription that has none (migrated from schema 1).
        """

    # --- deliveries ------------------------------------------------------------------
    async def claim(
        self, subscription_id: int, slot: datetime, owner: str, now: datetime, lease_until: datetime
    ) -> bool:
        """Claim a slot for posting. Exactly one caller, in any instance, gets True."""

    async def record(
        self,
        subscription_id: int,
        slot: datetime,
        status: str,
        owner: str,
        now: datetime,
        detail: str | None = None,
    ) -> bool:
        """A final outcome for a slot nobody claimed (skipped). False if a row exists."""

    async def finish(
        self,
        subscription_id: int,
        slot: datetime,
        status: str,
        now: datetime,
        detail: str | None = None,
    ) -> None: ...

    async def renew_leases(self, owner: str, lease_until: datetime) -> int:
        """Heartbeat: extend every open claim of ``owner``; returns how many."""

    async def take_over_expired(
        self, owner: str, now: datetime, lease_until: datetime, limit: int = 100
    ) -> list[Delivery]:
        """Open claims whose lease ran out (``lease_until < now``), moved to ``owner`` with a new
        lease, each to one taker only. ``claimed_at`` is kept: check the channel from it on.
        """

    async def open_claims(self) -> list[Delivery]: ...

    async def last_delivery(self, subscription_id: int) -> Delivery | None:
        """The newest sent or failed delivery."""

    async def last_deliveries(self, subscription_ids: Sequence[int]) -> dict[int, Delivery]:
        """``last_delivery`` for many subscriptions in one query (/recap list)."""

    async def deliveries(self) -> list[Delivery]: ...

    # --- what each channel was told ----------------------------------------------------
    async def told(self, platform: str, channel: str) -> tuple[datetime, dict[str, Any]] | None: ...

    async def remember_told(
        self, platform: str, channel: str, when: datetime, snapshot: dict[str, Any]
    ) -> None: ...

    # --- each person's language (/brief lang es) -----------------------------------------
    async def user_language(self, platform: str, workspace: str, user: str) -> str | None:
        """The language this person chose, or None (the platform's then decides)."""

    async def set_user_language(
        self, platform: str, workspace: str, user: str, lang: str | None, now: datetime
    ) -> None:
        """Remember ``lang`` for this person; None forgets their choice."""

    # --- issue 19: intake ----------------------------------------------------------------
    async def intake_add(self, candidate: NewCandidate, now: datetime) -> int | None:
        """Keep ``candidate``; None when its URL, GUID or content hash is already kept
        (whatever became of it: a rejected candidate never comes back).
        """

    async def intake_known(self, keys: Sequence[str]) -> set[str]:
        """Which of ``keys`` (URLs or GUIDs) a kept candidate has."""

    async def intake_candidate(self, candidate_id: int) -> Candidate | None: ...

    async def intake_candidates(self, status: str | None, limit: int = 200) -> list[Candidate]:
        """Newest first; ``status`` None: every one but ``seen``."""

    async def intake_decide(
        self, candidate_id: int, status: str, source_id: str | None, now: datetime
    ) -> bool:
        """A new candidate becomes ``accepted`` or ``rejected``; False if it was not new."""

    async def intake_unposted(self, now: datetime, owner: str, limit: int = 100) -> list[Candidate]:
        """New candidates without their editors' post whose claim is free, expired, or
        ``owner``'s own.
        """

    async def intake_claim_post(
        self, candidate_id: int, owner: str, lease_until: datetime, now: datetime
    ) -> bool:
        """Take (or renew) the claim on a candidate's post: one owner at a time."""

    async def intake_post_step(
        self, candidate_id: int, owner: str, column: str, value: str | datetime
    ) -> bool:
        """Record one step of the post (``POST_STEPS``) while ``owner`` holds the claim."""

    async def intake_feed_states(self) -> dict[str, tuple[str | None, str | None]]:
        """Each feed's ETag and Last-Modified from its last full answer."""

    async def intake_set_feed_state(
        self, url: str, etag: str | None, last_modified: str | None, now: datetime
    ) -> None: ...
    # --- issue 18a: content versions ---------------------------------------------------------
    async def record_content_version(
        self, content_hash: str, as_of: date, snapshot_json: str, recorded_at: datetime
    ) -> tuple[int, bool]:
        """Record the content as the next version unless the latest version already has
        ``content_hash``: (its number, True) when this call recorded it, (the latest's number,
        False) when it was there. Of several instances recording at once, one records.
        """

    async def content_versions(self, since_number: int | None = None) -> list[StoredVersion]:
        """Every version numbered above ``since_number`` (all without it), oldest first."""

    async def latest_content_version(self) -> StoredVersion | None: ...

    # --- issue 18c: corrections ---------------------------------------------------------
    async def record_post(self, post: PostRecord) -> int:
        """Record a message posted in a channel; its id (the existing one if recorded before)."""

    async def post(self, post_id: int) -> Post | None: ...

    async def posts_to_correct(
        self, claim_keys: Sequence[str], version: int, limit: int = 10_000
    ) -> list[Post]:
        """Posts that showed any of ``claim_keys``, show a version older than ``version`` (or
        none), and have no correction row for ``version`` yet; oldest first.
        """

    async def update_post(self, post_id: int, version: int, reply: str) -> None:
        """The post now shows ``reply`` (edited for ``version``)."""

    async def claim_correction(
        self, post_id: int, version: int, owner: str, now: datetime, lease_until: datetime
    ) -> bool:
        """Claim the correction of one post for one version: one caller in any instance wins."""

    async def record_correction(
        self, post_id: int, version: int, status: str, owner: str, now: datetime, detail: str
    ) -> bool:
        """A final row for a correction nobody claimed (skipped); False if a row exists."""

    async def set_correction(
        self, post_id: int, version: int, status: str, now: datetime, detail: str | None = None
    ) -> None:
        """Move a claimed correction on: "edited", then "done"; or "skipped", "failed"."""

    async def release_correction(self, post_id: int, version: int) -> None:
        """Drop an open claim (its channel was paused): the post is to correct again later."""

    async def renew_correction_leases(self, owner: str, lease_until: datetime) -> int: ...

    async def take_over_corrections(
        self, owner: str, now: datetime, lease_until: datetime, limit: int = 100
    ) -> list[PostCorrection]:
        """Open corrections (claimed or edited) whose lease ran out, each to one taker."""

    async def post_corrections(self, version: int | None = None) -> list[PostCorrection]: ...

    async def skipped_corrections(self, limit: int = 500) -> list[tuple[PostCorrection, Post]]:
        """Corrections not made (message deleted, too old, channel paused), newest first."""

    async def pause_corrections(
        self, platform: str, channel: str, reason: str, now: datetime
    ) -> bool:
        """True only for the call that paused the channel (so it is logged once)."""

    async def resume_corrections(self, platform: str, channel: str) -> bool: ...

    async def correction_pauses(self) -> dict[tuple[str, str], tuple[str, datetime]]:
        """(platform, channel) -> why and since when corrections are paused there."""

    # --- issue 18b: updates ---
    # Update subscriptions (frequency ``UPDATES``, bot/storage/updates.py) are told of each new
    # content version once: the claim of a post moves the version they were told of forward
    # (compare-and-set) and inserts the (subscription, version) row in one transaction.
    async def updates_due(
        self, version: int, limit: int = 1000
    ) -> list[tuple[Subscription, int | None]]:
        """Unpaused update subscriptions not told of ``version`` yet, each with the version it
        was last told of (None: not started, see ``start_updates``), oldest first.
        """

    async def start_updates(self, subscription_id: int, version: int) -> bool:
        """Remember ``version`` as the one an update subscription was made at (never announced);
        False when it had one already (subscribing again keeps it).
        """

    async def claim_update(
        self,
        subscription_id: int,
        since: int,
        version: int,
        owner: str,
        now: datetime,
        lease_until: datetime,
    ) -> bool:
        """Move the told version from ``since`` to ``version`` and claim the post of
        ``version``, in one transaction: exactly one caller, in any instance, gets True.
        """

    async def finish_update(
        self,
        subscription_id: int,
        version: int,
        status: str,
        now: datetime,
        detail: str | None = None,
    ) -> None: ...

    async def renew_update_leases(self, owner: str, lease_until: datetime) -> int:
        """Heartbeat: extend every open update claim of ``owner``; returns how many."""

    async def take_over_expired_updates(
        self, owner: str, now: datetime, lease_until: datetime, limit: int = 100
    ) -> list[UpdateDelivery]:
        """Open update claims whose lease ran out, moved to ``owner``, each to one taker only."""

    async def open_update_claims(self) -> list[UpdateDelivery]: ...

    async def last_update_deliveries(
        self, subscription_ids: Sequence[int]
    ) -> dict[int, UpdateDelivery]:
        """The newest sent or failed update post of each subscription (/recap list)."""

    async def update_deliveries(self) -> list[UpdateDelivery]: ...
    # --- issue 21: pressure ---
    def still_current(self) -> bool:
        """Cheap and synchronous, asked right before each post: False when the database this
        store opened is no longer the one at its address (a SQLite file deleted or replaced),
        so nothing more is posted on claims that could not be recorded.
        """

    async def claim_many(
        self, items: Sequence[ToClaim], owner: str, now: datetime, lease_until: datetime
    ) -> set[int]:
        """In one transaction: claim each (subscription, slot) as ``claim`` does, and move each
        next_due from the slot to the following one as ``advance`` does (whoever claimed).
        Returns the subscriptions whose slot this call claimed.
        """

    async def told_many(
        self, platform: str, channels: Sequence[str]
    ) -> dict[str, tuple[datetime, dict[str, Any]]]:
        """``told`` for many channels of one platform in one query."""

    async def record_outcomes(
        self, finished: Sequence[Finished], told: Sequence[Told], posts: Sequence[PostRecord] = ()
    ) -> None:
        """In one transaction: ``finish`` each claim, ``remember_told`` each channel and
        ``record_post`` each post (so a claim is never finished with its post unrecorded).
        """

    async def release_claims(self, owner: str, keys: Sequence[ClaimKey]) -> int:
        """Give back open claims of ``owner`` that were never attempted: each row goes and the
        subscription's next_due moves back to the slot, so the next run posts it as usual.
        """

    async def expire_claims(self, owner: str, keys: Sequence[ClaimKey], now: datetime) -> int:
        """Let open claims of ``owner`` lapse now (an attempt may have landed: whoever takes
        them over checks the channel first).
        """

    async def take_over_lapsed(
        self, owner: str, now: datetime, lease_until: datetime, limit: int = 100
    ) -> list[tuple[Delivery, datetime]]:
        """``take_over_expired``, each claim with when it first ran out (kept across takers)."""
