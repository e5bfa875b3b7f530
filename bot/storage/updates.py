"""Update posts as the store keeps them (issue 18): plain records, no SQL.

An update subscription is a ``Subscription`` whose frequency is ``UPDATES``: it has no
schedule (its ``next_due`` stays NULL, so the recap scheduler never sees it) and is told of
each new content version once, from the version it subscribed at on. Its posts are
``UpdateDelivery`` rows, claimed and leased as recap deliveries are.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

UPDATES = "updates"  # the frequency of an update subscription: a post when the brief changes
UPDATE_TIMEZONE = "UTC"  # stored with it (one update subscription per channel)
UPDATE_DELIVERY_COLUMNS = (
    "subscription_id, version, since_version, status, claimed_by, claimed_at, lease_until,"
    " finished_at, detail"
)


@dataclass(frozen=True, slots=True)
class UpdateDelivery:
    subscription_id: int
    version: int  # the content version announced
    since_version: int  # what it was compared with: the version the channel was told before
    status: str  # "claimed", "sent", "skipped" or "failed"
    claimed_by: str
    claimed_at: datetime
    lease_until: datetime
    finished_at: datetime | None
    detail: str | None


def update_delivery(row: Sequence[Any], instant: Callable[[Any], datetime]) -> UpdateDelivery:
    subscription_id, version, since, status, owner, claimed_at, lease_until, finished, detail = row
    return UpdateDelivery(
        int(subscription_id),
        int(version),
        int(since),
        status,
        owner,
        instant(claimed_at),
        instant(lease_until),
        instant(finished) if finished is not None else None,
        detail,
    )
