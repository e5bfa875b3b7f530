"""Versions recorded in the database, on SQLite and PostgreSQL: once per content hash,
numbered without gaps, shared by instances, read back with what each changed.
"""

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.store import Content, load_content
from bot.storage.base import RecapStore
from bot.storage.connect import open_store
from bot.updates import history

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def load(content_dirs: tuple[Path, Path]) -> Content:
    return load_content(*content_dirs, TOPIC_COMMANDS, index=False)


def edit(content_dirs: tuple[Path, Path], old: str, new: str, name: str = "numbers.md") -> None:
    file = content_dirs[1] / name
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


async def test_a_version_is_recorded_once_by_content_hash(
    store: RecapStore, content_dirs: tuple[Path, Path]
) -> None:
    content = load(content_dirs)
    first, created = await history.record(store, content, T0)
    assert (first.number, created) == (1, True)
    again, created = await history.record(store, load(content_dirs), T0 + timedelta(hours=1))
    assert (again.number, created) == (1, False)
    assert again.recorded_at == T0  # when first recorded
    assert again == first
    assert await history.latest(store) == first


async def test_an_edit_is_the_next_version_and_says_what_changed(
    store: RecapStore, content_dirs: tuple[Path, Path]
) -> None:
    await history.record_version(store, load(content_dirs), T0)
    edit(
        content_dirs,
        "judges on the D.C. Circuit panel that",
        "judges on the D.C. Circuit panel who",
    )
    second = await history.record_version(store, load(content_dirs), T0 + timedelta(days=1))
    assert second.number == 2
    edit(
        content_dirs,
        "judges on the D.C. Circuit panel who",
        "judges on the D.C. Circuit panel that",
    )
    third = await history.record_version(store, load(content_dirs), T0 + timedelta(days=2))
    assert third.number == 3  # back to the first wording: a change again, recorded
    assert [v.number for v in await history.versions(store)] == [1, 2, 3]
    assert [v.number for v in await history.versions(store, since=1)] == [2, 3]
    assert [v.number for v in await history.versions(store, since=T0 + timedelta(hours=1))] == [
        2,
        3,
    ]
    changes = await history.changes_since(store, 1)
    assert [(c.version.number, c.previous) for c in changes] == [(2, 1), (3, 2)]
    assert [[ch.key for ch in c.changes] for c in changes] == [
        ["numbers-three-judges"],
        ["numbers-three-judges"],
    ]
    everything = await history.changes_since(store, 0)
    assert everything[0].previous is None
    assert len(everything[0].added) == 77
    assert everything[0].version.as_of == date(2026, 2, 28)


async def test_instances_recording_the_same_content_at_once_make_one_version(
    store: RecapStore, store_url: str, content_dirs: tuple[Path, Path]
) -> None:
    content = load(content_dirs)
    stores = [await open_store(store_url) for _ in range(4)]
    try:
        results = await asyncio.gather(
            *(history.record(s, content, T0 + timedelta(seconds=n)) for n, s in enumerate(stores))
        )
    finally:
        for s in stores:
            await s.close()
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert {version.number for version, _ in results} == {1}
    assert [v.number for v in await history.versions(store)] == [1]


async def test_an_empty_history_has_no_latest_and_no_changes(store: RecapStore) -> None:
    assert await history.latest(store) is None
    assert await history.versions(store) == []
    assert await history.changes_since(store, 0) == []


async def test_a_whitespace_only_edit_records_no_version(
    store: RecapStore, content_dirs: tuple[Path, Path]
) -> None:
    first = await history.record_version(store, load(content_dirs), T0)
    edit(
        content_dirs,
        "- **3**: judges on the D.C. Circuit",
        "-   **3**:  judges on the D.C.\n  Circuit",
    )
    again, created = await history.record(store, load(content_dirs), T0 + timedelta(days=1))
    assert (again.number, created) == (first.number, False)


async def test_cached_changes_read_again_only_after_a_new_version(
    store: RecapStore, content_dirs: tuple[Path, Path]
) -> None:
    reads = 0
    real = store.content_versions

    async def counted(since_number: int | None = None) -> list:
        nonlocal reads
        reads += 1
        return await real(since_number)

    store.content_versions = counted  # type: ignore[method-assign]

    async def opened() -> RecapStore:
        return store

    cached = history.CachedChanges(opened)
    assert await cached() == []
    await history.record_version(store, load(content_dirs), T0)
    assert [c.version.number for c in await cached()] == [1]
    assert [c.version.number for c in await cached()] == [1]
    assert reads == 1
    edit(content_dirs, "panel that declined", "panel who declined")
    await history.record_version(store, load(content_dirs), T0 + timedelta(days=1))
    assert [c.version.number for c in await cached()] == [1, 2]
    assert reads == 2
