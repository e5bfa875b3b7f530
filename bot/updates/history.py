"""The versions recorded in the database: record one, read them, and what each changed.

Recording is idempotent by content hash: the content is the next version unless the latest
version already has its hash, decided in one transaction, so instances recording the same
content at once make one version (bot/storage: ``record_content_version``).
"""

from datetime import UTC, datetime

from bot.content.store import Content
from bot.storage.base import RecapStore, StoredVersion
from bot.updates.versions import ContentVersion, VersionChanges, changes_between, snapshot


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
    previous = await latest(store)
    version = snapshot(content, previous=previous, recorded_at=now.astimezone(UTC))
    if previous is not None and previous.content_hash == version.content_hash:
        return previous, False
    number, created = await store.record_content_version(
        version.content_hash, version.as_of, version.snapshot_json(), version.recorded_at
    )
    if not created:  # another instance recorded it first: theirs is the version
        found = await latest(store)
        assert found is not None
        return found, False
    return ContentVersion(
        number,
        version.content_hash,
        version.recorded_at.replace(microsecond=0),
        version.as_of,
        version.claims,
        version.sources,
    ), True


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
    found = [from_stored(s) for s in await store.content_versions(max(number - 1, 0) or None)]
    result = []
    previous: ContentVersion | None = None
    for version in found:
        if version.number > number:
            result.append(changes_between(previous, version))
        previous = version
    return result
