"""Recording the content the bot serves: once across instances, listeners told once, a
refused correction keeps the last good content, a database fault loses nothing.
"""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.store import ContentStore
from bot.storage.base import RecapStore, StorageError
from bot.storage.connect import open_store
from bot.updates import history
from bot.updates.recorder import VersionRecorder, keep_recorded
from bot.updates.versions import VersionChanges

T0 = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
CORRECTION = "  ! Correction: It gave the wrong source."


def edit(content_dirs: tuple[Path, Path], old: str, new: str) -> None:
    file = content_dirs[1] / "numbers.md"
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def recorder_on(store: RecapStore, told: list[VersionChanges]) -> VersionRecorder:
    async def opened() -> RecapStore:
        return store

    async def listen(changes: VersionChanges) -> None:
        told.append(changes)

    recorder = VersionRecorder(opened, lambda: T0)
    recorder.on_new_version(listen)
    return recorder


async def test_instances_record_one_version_and_only_the_recorder_is_told(
    store: RecapStore, store_url: str, content_dirs: tuple[Path, Path]
) -> None:
    content = ContentStore(*content_dirs, TOPIC_COMMANDS).current
    others = [await open_store(store_url) for _ in range(3)]
    told: list[VersionChanges] = []
    try:
        recorders = [recorder_on(s, told) for s in others]
        versions = await asyncio.gather(*(r.settle(content) for r in recorders))
    finally:
        for s in others:
            await s.close()
    assert {v.number for v in versions if v is not None} == {1}
    assert len(told) == 1
    assert told[0].previous is None


async def test_a_reload_with_a_refused_correction_keeps_the_last_good_content(
    store: RecapStore, content_dirs: tuple[Path, Path]
) -> None:
    contents = ContentStore(*content_dirs, TOPIC_COMMANDS)
    told: list[VersionChanges] = []
    recorder = recorder_on(store, told)
    first = await recorder.settle(contents.current)
    assert first is not None
    contents.gate = recorder.gate(asyncio.get_running_loop())
    good = contents.current
    edit(
        content_dirs,
        "per The Epoch Times. {#numbers-13-pages}",
        "per The Epoch Times. {#numbers-13-pages}\n" + CORRECTION,
    )
    problems = await asyncio.to_thread(contents.reload_if_changed)
    assert problems
    assert "correction on a claim that did not change since version 1" in str(problems[0])
    assert contents.current is good
    # the claim corrected for real: served, recorded, announced with its correction
    edit(content_dirs, "per The Epoch Times. {#", "per the Epoch Times report. {#")
    assert await asyncio.to_thread(contents.reload_if_changed) == ()
    second = await recorder.settle(contents.current)
    assert second is not None
    assert second.number == 2
    assert [c.correction for c in told[-1].corrections] == ["It gave the wrong source."]
    assert await recorder.settle(contents.current) is second  # settled: nothing again
    assert len(told) == 2


async def test_a_database_fault_delays_the_version_and_loses_nothing(
    store: RecapStore, content_dirs: tuple[Path, Path]
) -> None:
    down = True

    async def opened() -> RecapStore:
        if down:
            msg = "cannot reach the database"
            raise StorageError(msg)
        return store

    told: list[VersionChanges] = []

    async def listen(changes: VersionChanges) -> None:
        told.append(changes)

    recorder = VersionRecorder(opened, lambda: T0)
    recorder.on_new_version(listen)
    contents = ContentStore(*content_dirs, TOPIC_COMMANDS)
    contents.gate = recorder.gate(asyncio.get_running_loop())
    edit(content_dirs, "panel that declined", "panel who declined")
    assert await asyncio.to_thread(contents.reload_if_changed) == ()  # served unchecked
    task = asyncio.create_task(keep_recorded(recorder, lambda: contents.current, 0.01))
    try:
        await asyncio.sleep(0.05)
        assert recorder.unavailable == "cannot reach the database"
        assert told == []
        down = False
        for _ in range(100):
            if told:
                break
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
    assert recorder.unavailable is None
    assert [c.version.number for c in told] == [1]
    assert (await history.latest(store)) == recorder.latest


async def test_a_failing_listener_does_not_stop_the_others(
    store: RecapStore, content_dirs: tuple[Path, Path]
) -> None:
    told: list[VersionChanges] = []

    async def broken(changes: VersionChanges) -> None:
        raise RuntimeError(changes)

    recorder = recorder_on(store, told)
    recorder._listeners.insert(0, broken)
    await recorder.settle(ContentStore(*content_dirs, TOPIC_COMMANDS).current)
    assert len(told) == 1
