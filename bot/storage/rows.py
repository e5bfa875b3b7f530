"""Rows to records, and the one rule for instants: aware UTC, whole seconds, in both backends.

Slots are part of the deliveries table's primary key, so both backends must store the same
instant the same way; schema 1 stored whole seconds as ``YYYY-MM-DDTHH:MM:SSZ`` text, and
SQLite keeps that form (it sorts and compares as text). PostgreSQL stores ``timestamptz``.
"""

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.storage.base import (
    CORRECTION_STATUSES,
    Candidate,
    Delivery,
    Post,
    PostCorrection,
    StoredVersion,
    Subscription,
)
from bot.storage.updates import UPDATE_DELIVERY_COLUMNS

SUBSCRIPTION_COLUMNS = (
    "id, platform, workspace, channel, frequency, time, timezone, origin, created_by,"
    " created_at, paused_reason, next_due, lang"
)
DELIVERY_COLUMNS = (
    "subscription_id, slot, status, claimed_by, claimed_at, lease_until, finished_at, detail"
)
VERSION_COLUMNS = "number, content_hash, as_of, recorded_at, snapshot"
FINAL_STATUSES = ("sent", "skipped", "failed")

TEXT_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def whole_utc(moment: datetime) -> datetime:
    """``moment`` in UTC to the second; a naive datetime is a programming error."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        msg = f"the store takes aware datetimes, got naive {moment!r}"
        raise ValueError(msg)
    return moment.astimezone(UTC).replace(microsecond=0)


def utc_text(moment: datetime) -> str:
    return whole_utc(moment).strftime(TEXT_FORMAT)


def parse_utc_text(text: str) -> datetime:
    """The inverse of ``utc_text`` (fromisoformat: 50x faster than strptime, which due() felt)."""
    return datetime.fromisoformat(text)


def from_timestamptz(value: datetime) -> datetime:
    return value.astimezone(UTC)


def snapshot_texts(told: Sequence[tuple[str, str, datetime, dict[str, Any]]]) -> list[str]:
    """Each snapshot as JSON text; a fan-out tells many channels the same snapshot object, so
    each object is encoded once.
    """
    texts: dict[int, str] = {}
    return [
        texts.get(id(snapshot))
        or texts.setdefault(id(snapshot), json.dumps(snapshot, sort_keys=True))
        for _, _, _, snapshot in told
    ]


def snapshot_digests(
    told: Sequence[tuple[str, str, datetime, dict[str, Any]]],
) -> tuple[list[str], dict[str, str]]:
    """Each entry's snapshot digest, and each distinct snapshot's text by digest (stored once
    in told_snapshots, migration 3).
    """
    digests: dict[str, str] = {}
    by_text: dict[str, str] = {}
    names = []
    for text in snapshot_texts(told):
        digest = by_text.get(text)
        if digest is None:
            digest = by_text[text] = hashlib.sha256(text.encode()).hexdigest()
            digests[digest] = text
        names.append(digest)
    return names, digests


class SnapshotParser:
    """JSON texts to snapshots, each distinct text parsed once (and so one shared object)."""

    def __init__(self) -> None:
        self._parsed: dict[str, dict[str, Any]] = {}

    def __call__(self, text: str) -> dict[str, Any]:
        found = self._parsed.get(text)
        if found is None:
            found = self._parsed[text] = json.loads(text)
        return found


def check_final(status: str) -> None:
    if status not in FINAL_STATUSES:
        msg = f"a finished delivery is one of {FINAL_STATUSES}, not {status!r}"
        raise ValueError(msg)


def subscription(row: Sequence[Any], instant: Callable[[Any], datetime]) -> Subscription:
    (
        id_,
        platform,
        workspace,
        channel,
        frequency,
        time,
        tz,
        origin,
        created_by,
        created_at,
        paused_reason,
        next_due,
        lang,
    ) = row
    return Subscription(
        int(id_),
        platform,
        workspace,
        channel,
        frequency,
        time,
        tz,
        origin,
        created_by,
        instant(created_at),
        paused_reason,
        instant(next_due) if next_due is not None else None,
        lang,
    )


def delivery(row: Sequence[Any], instant: Callable[[Any], datetime]) -> Delivery:
    subscription_id, slot, status, claimed_by, claimed_at, lease_until, finished_at, detail = row
    claimed = instant(claimed_at)
    return Delivery(
        int(subscription_id),
        instant(slot),
        status,
        claimed_by,
        claimed,
        instant(lease_until) if lease_until is not None else claimed,
        instant(finished_at) if finished_at is not None else None,
        detail,
    )


def stored_version(row: Sequence[Any], instant: Callable[[Any], datetime]) -> StoredVersion:
    number, content_hash, as_of, recorded_at, snapshot = row
    return StoredVersion(
        int(number), content_hash, date.fromisoformat(as_of), instant(recorded_at), snapshot
    )


POST_COLUMNS = (
    "p.id, p.platform, p.workspace, p.channel, p.message_id, p.kind, p.version, p.lang,"
    " b.reply, p.posted_at"
)
CORRECTION_COLUMNS = (
    "post_id, version, status, claimed_by, claimed_at, lease_until, finished_at, detail"
)


@dataclass(frozen=True, slots=True)
class LeasedTable:
    """A ledger whose rows are claimed under a lease: its keys, the statuses that still hold
    a lease (SQL), and the columns a taken-over row is read back with. The backends renew and
    take over leases of every such table with one piece of SQL each.
    """

    name: str
    keys: tuple[str, str]
    statuses: tuple[str, ...]  # those whose rows hold a lease
    columns: str

    def held(self, alias: str = "") -> str:
        """SQL: the row still holds a lease (``alias``: the table's, e.g. "t.")."""
        return f"{alias}status IN ({', '.join(repr(s) for s in self.statuses)})"


DELIVERIES = LeasedTable("deliveries", ("subscription_id", "slot"), ("claimed",), DELIVERY_COLUMNS)
UPDATE_DELIVERIES = LeasedTable(
    "update_deliveries", ("subscription_id", "version"), ("claimed",), UPDATE_DELIVERY_COLUMNS
)
POST_CORRECTIONS = LeasedTable(
    "post_corrections",
    ("post_id", "version"),
    ("claimed", "edited"),  # an edited post's thread reply is still owed
    CORRECTION_COLUMNS,
)


def post(
    row: Sequence[Any], instant: Callable[[Any], datetime], claims: Sequence[str] = ()
) -> Post:
    id_, platform, workspace, channel, message_id, kind, version, lang, reply, posted_at = row
    return Post(
        int(id_),
        platform,
        workspace,
        channel,
        message_id,
        kind,
        int(version) if version is not None else None,
        lang,
        reply,
        instant(posted_at),
        tuple(sorted(claims)),
    )


def correction(row: Sequence[Any], instant: Callable[[Any], datetime]) -> PostCorrection:
    post_id, version, status, claimed_by, claimed_at, lease_until, finished_at, detail = row
    return PostCorrection(
        int(post_id),
        int(version),
        status,
        claimed_by,
        instant(claimed_at),
        instant(lease_until),
        instant(finished_at) if finished_at is not None else None,
        detail,
    )


@functools.lru_cache(maxsize=64)  # a fan-out records (and corrects) one reply many times
def body_digest(reply: str) -> str:
    return hashlib.sha256(reply.encode()).hexdigest()


def body_digests(replies: Iterable[str]) -> dict[str, str]:
    """Each distinct reply's digest, hashed once (a fan-out records one reply many times)."""
    digests: dict[str, str] = {}
    for reply in replies:
        if reply not in digests:
            digests[reply] = body_digest(reply)
    return digests


def check_correction(status: str) -> None:
    if status not in CORRECTION_STATUSES or status == "claimed":
        msg = f"a correction moves on to one of {CORRECTION_STATUSES[1:]}, not {status!r}"
        raise ValueError(msg)


# --- issue 19: intake ---------------------------------------------------------------------
CANDIDATE_COLUMNS = (
    "id, kind, origin, url, guid, content_hash, title, outlet, stated_date, body, review, status,"
    " source_id, found_at, decided_at, post_owner, post_lease_until, post_tried_at, post_id,"
    " reply_tried_at, reply_id, posted_at"
)
INSERT_CANDIDATE = (
    "INSERT INTO intake_candidates (kind, origin, url, guid, content_hash, title, outlet,"
    " stated_date, body, review, status, found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT DO NOTHING RETURNING id"
)
# A claim is free when nobody holds it or its lease ran out; its owner may renew it.
CLAIM_POST = (
    "UPDATE intake_candidates SET post_owner=?, post_lease_until=? WHERE id=? AND status='new'"
    " AND posted_at IS NULL AND (post_owner IS NULL OR post_owner=? OR post_lease_until < ?)"
)
UNPOSTED = (
    f"SELECT {CANDIDATE_COLUMNS} FROM intake_candidates WHERE status='new' AND posted_at IS NULL"  # noqa: S608
    " AND (post_owner IS NULL OR post_owner=? OR post_lease_until < ?) ORDER BY id LIMIT ?"
)


def candidate(row: Sequence[Any], instant: Callable[[Any], datetime]) -> Candidate:
    def when(value: object) -> datetime | None:
        return instant(value) if value is not None else None

    (id_, kind, origin, url, guid, content_hash, title, outlet, stated_date, body, review) = row[
        :11
    ]
    status, source_id, found_at, decided_at, owner, lease_until, post_tried_at = row[11:18]
    post_id, reply_tried_at, reply_id, posted_at = row[18:22]
    return Candidate(
        int(id_),
        kind,
        origin,
        url,
        guid,
        content_hash,
        title,
        outlet,
        stated_date,
        body,
        review,
        status,
        source_id,
        instant(found_at),
        when(decided_at),
        owner,
        when(lease_until),
        when(post_tried_at),
        post_id,
        when(reply_tried_at),
        reply_id,
        when(posted_at),
    )
