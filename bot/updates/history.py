"""The versions recorded in the database: record one, read them, and what each changed.

Recording is idempotent by content hash: the content is the next version unless the latest
version already has its hash, decided in one transaction, so instances recording the same
content at once make one version (bot/storage: ``record_content_version``).
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from bot.content.store import Content
from bot.storage.base import RecapStore, StoredVersion
from bot.updates.versions import ContentVersion, VersionChanges, changes_between, snapshot

RECORD_ATTEMPTS = 3  # another instance recording a different content in between: try again


def from_stored(stored: StoredVersion) -> ContentVersion:
    return ContentVersion.from_stored(
        stored.number,
        stored.content_hash,
        stored.as_of,
        stored.recorded_at,
        stored.snapshot_json,
    )


async def record(store: RecapStore, content: Content, now: datetime) -> tuple[ContentVersion, bool]:
    """Record ``content`` as a version: (the version, True when this call recorded it)."""
    for _ in range(RECORD_ATTEMPTS):
        previous = await latest(store)
        # Hashing and matching every claim: CPU work, off the event loop.
        version = await asyncio.to_thread(
            snapshot, content, previous=previous, recorded_at=now.astimezone(UTC)
        )
        if previous is not None and previous.content_hash == version.content_hash:
            return previous, False
        number, created = await store.record_content_version(
            version.content_hash, version.as_of, version.snapshot_json(), version.recorded_at
        )
        if created:
            return replace(
                version, number=number, recorded_at=version.recorded_at.replace(microsecond=0)
            ), True
        # Another instance recorded a version in between: ours again, against the newest.
    found = await latest(store)
    assert found is not None  # another instance recorded: there is one
    return found, False


async def record_version(store: RecapStore, content: Content, now: datetime) -> ContentVersion:
    """Record ``content`` as a version, once by content hash; the version it is."""
    version, _ = await record(store, content, now)
    return version


async def versions(
    store: RecapStore, *, since: int | datetime | None = None
) -> list[ContentVersion]:
    """Versions oldest first: all, those numbered above ``since`` (an int), or those recorded
    at or after ``since`` (a datetime).
    """
    if isinstance(since, datetime):
        return [
            from_stored(s)
            for s in await store.content_versions()
            if s.recorded_at >= since.astimezone(UTC)
        ]
    return [from_stored(s) for s in await store.content_versions(since)]


async def latest(store: RecapStore) -> ContentVersion | None:
    stored = await store.latest_content_version()
    return from_stored(stored) if stored is not None else None


async def changes_since(store: RecapStore, number: int) -> list[VersionChanges]:
    """What each version numbered above ``number`` changed against the version before it,
    oldest first (``number=0``: from the first version, which has everything added).
    """
    return changes_of(await store.content_versions(max(number - 1, 0) or None), after=number)


def changes_of(stored: Sequence[StoredVersion], *, after: int = 0) -> list[VersionChanges]:
    """``stored`` (oldest first) each against the one before it, for those numbered above
    ``after``. CPU work (JSON, matching): callers on the event loop run it in a thread.
    """
    result = []
    previous: ContentVersion | None = None
    for version in (from_stored(s) for s in stored):
        if version.number > after:
            result.append(changes_between(previous, version))
        previous = version
    return result


class CachedChanges:
    """Every version's changes, for pages asked often: read again only when a newer version
    is recorded (one small query otherwise), and worked out in a thread.
    """

    def __init__(self, store: Callable[[], Awaitable[RecapStore]]) -> None:
        self._store = store
        self._number: int | None = None
        self._changes: list[VersionChanges] = []

    async def __call__(self) -> list[VersionChanges]:
        store = await self._store()
        newest = await store.latest_content_version()
        if newest is None:
            return []
        if newest.number != self._number:
            stored = await store.content_versions()
            self._changes = await asyncio.to_thread(changes_of, stored)
            self._number = newest.number
        return self._changes
