"""Rows to records, and the one rule for instants: aware UTC, whole seconds, in both backends.

Slots are part of the deliveries table's primary key, so both backends must store the same
instant the same way; schema 1 stored whole seconds as ``YYYY-MM-DDTHH:MM:SSZ`` text, and
SQLite keeps that form (it sorts and compares as text). PostgreSQL stores ``timestamptz``.
"""

import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from bot.storage.base import Delivery, Subscription

SUBSCRIPTION_COLUMNS = (
    "id, platform, workspace, channel, frequency, time, timezone, origin, created_by,"
    " created_at, paused_reason, next_due, lang"
)
DELIVERY_COLUMNS = (
    "subscription_id, slot, status, claimed_by, claimed_at, lease_until, finished_at, detail"
)
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
