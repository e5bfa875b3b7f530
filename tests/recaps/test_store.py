import multiprocessing
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from bot.recaps.store import MIGRATIONS, RecapStore

NOW = datetime(2026, 3, 10, 12, tzinfo=timezone.utc)
SLOT = datetime(2026, 3, 10, 14, tzinfo=timezone.utc)


def test_a_new_file_is_created_at_the_latest_schema(tmp_path: Path) -> None:
    store = RecapStore(tmp_path / "sub" / "recaps.sqlite3")
    assert store.schema_version == len(MIGRATIONS)
    assert sqlite3.connect(tmp_path / "sub" / "recaps.sqlite3").execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_subscriptions_survive_a_reopen_and_duplicates_are_reused(tmp_path: Path) -> None:
    store = RecapStore(tmp_path / "db.sqlite3")
    sub, created = store.add_subscription("slack", "C1", "daily", "09:00", "UTC", now=NOW)
    again, created_again = RecapStore(tmp_path / "db.sqlite3").add_subscription("slack", "C1", "daily", "09:00", "UTC", now=NOW)
    assert created and not created_again and again.id == sub.id


def _claim(path: str, results) -> None:  # type: ignore[no-untyped-def]
    store = RecapStore(Path(path))
    results.put(sum(store.claim(1, SLOT, f"worker-{multiprocessing.current_process().pid}", NOW) for _ in range(20)))


def test_a_slot_is_claimed_exactly_once_across_processes(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    RecapStore(path).add_subscription("slack", "C1", "daily", "09:00", "UTC", now=NOW)
    results: multiprocessing.Queue[int] = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_claim, args=(str(path), results)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert sum(results.get(timeout=5) for _ in workers) == 1


def test_settings_declared_recaps_follow_the_setting(tmp_path: Path) -> None:
    store = RecapStore(tmp_path / "db.sqlite3")
    store.add_subscription("slack", "C9", "daily", "09:00", "UTC", now=NOW)  # from chat: untouched
    store.sync_declared([("slack", "C1", "daily", "08:00", "UTC"), ("discord", "42", "weekly mon", "09:00", "UTC")], NOW)
    store.sync_declared([("discord", "42", "weekly mon", "09:00", "UTC")], NOW)
    assert sorted((s.channel, s.origin) for s in store.subscriptions()) == [("42", "settings"), ("C9", "chat")]
