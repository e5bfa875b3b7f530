"""SQLite storage for recaps: subscriptions, deliveries, and what each channel was told.

Created and migrated automatically; the schema version is SQLite's ``user_version``.
Every process opens its own connection; WAL mode and a busy timeout let several bot
processes share one file. Exactly-once delivery rests on the deliveries table's primary
key: a slot is claimed by inserting its row, and only one insert can win.
"""

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY,
        platform TEXT NOT NULL CHECK (platform IN ('slack', 'discord')),
        channel TEXT NOT NULL,
        frequency TEXT NOT NULL,      -- "daily", "weekly mon" or a cron expression
        time TEXT NOT NULL,           -- HH:MM local ("" for cron)
        timezone TEXT NOT NULL,
        origin TEXT NOT NULL DEFAULT 'chat' CHECK (origin IN ('chat', 'settings')),
        created_by TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        paused_reason TEXT,
        UNIQUE (platform, channel, frequency, time, timezone)
    );
    CREATE TABLE deliveries (
        subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
        slot TEXT NOT NULL,           -- the scheduled instant, UTC ISO-8601
        status TEXT NOT NULL CHECK (status IN ('claimed', 'sent', 'skipped', 'failed')),
        claimed_by TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        finished_at TEXT,
        detail TEXT,
        PRIMARY KEY (subscription_id, slot)
    );
    CREATE TABLE channel_state (
        platform TEXT NOT NULL,
        channel TEXT NOT NULL,
        told_at TEXT NOT NULL,
        snapshot TEXT NOT NULL,       -- JSON: sources and claims as last recapped
        PRIMARY KEY (platform, channel)
    );
    """,
)


def utc_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    platform: str
    channel: str
    frequency: str
    time: str
    timezone: str
    origin: str
    created_by: str
    created_at: datetime
    paused_reason: str | None

    @property
    def address(self) -> str:
        return f"{self.platform}:{self.channel}"


@dataclass(frozen=True, slots=True)
class Delivery:
    subscription_id: int
    slot: datetime
    status: str
    claimed_by: str
    claimed_at: datetime
    finished_at: datetime | None
    detail: str | None


class RecapStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self.migrate()

    def _connect(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA busy_timeout=30000")
            connection.execute("PRAGMA foreign_keys=ON")
            _use_wal(connection)
            self._local.connection = connection
        return connection

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE: take the write lock up front so two processes never interleave."""
        connection = self._connect()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        return int(self._connect().execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        with self.transaction() as db:
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            if version > len(MIGRATIONS):
                raise RuntimeError(f"{self.path} has schema {version}, newer than this bot ({len(MIGRATIONS)})")
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    # --- subscriptions ------------------------------------------------------------
    def add_subscription(self, platform: str, channel: str, frequency: str, time: str, tz: str,
                         *, origin: str = "chat", created_by: str = "", now: datetime) -> tuple[Subscription, bool]:
        """Returns the subscription and whether it is new (an identical one is reused)."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO subscriptions (platform, channel, frequency, time, timezone, origin, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (platform, channel, frequency, time, tz, origin, created_by, utc_text(now)))
            created = cursor.rowcount == 1
            row = db.execute(
                "SELECT * FROM subscriptions WHERE platform=? AND channel=? AND frequency=? AND time=? AND timezone=?",
                (platform, channel, frequency, time, tz)).fetchone()
        return _subscription(row), created

    def remove_subscription(self, subscription_id: int) -> bool:
        with self.transaction() as db:
            return db.execute("DELETE FROM subscriptions WHERE id=?", (subscription_id,)).rowcount == 1

    def subscriptions(self, platform: str | None = None, channel: str | None = None) -> list[Subscription]:
        query, args = "SELECT * FROM subscriptions WHERE 1=1", []
        if platform is not None:
            query += " AND platform=?"
            args.append(platform)
        if channel is not None:
            query += " AND channel=?"
            args.append(channel)
        return [_subscription(r) for r in self._connect().execute(query + " ORDER BY id", args)]

    def pause(self, subscription_id: int, reason: str) -> bool:
        """Returns True only for the call that paused it (so the reason is logged once)."""
        with self.transaction() as db:
            return db.execute("UPDATE subscriptions SET paused_reason=? WHERE id=? AND paused_reason IS NULL",
                              (reason, subscription_id)).rowcount == 1

    def sync_declared(self, declared: list[tuple[str, str, str, str, str]], now: datetime) -> None:
        """Make the settings-declared subscriptions exactly ``declared``."""
        keep = set(declared)
        for sub in self.subscriptions():
            if sub.origin == "settings" and (sub.platform, sub.channel, sub.frequency, sub.time, sub.timezone) not in keep:
                self.remove_subscription(sub.id)
        for platform, channel, frequency, at, tz in declared:
            self.add_subscription(platform, channel, frequency, at, tz, origin="settings",
                                  created_by="settings", now=now)

    # --- deliveries ---------------------------------------------------------------
    def claim(self, subscription_id: int, slot: datetime, owner: str, now: datetime) -> bool:
        """Claim a slot for posting. Exactly one caller, in any process, gets True."""
        with self.transaction() as db:
            return db.execute(
                "INSERT INTO deliveries (subscription_id, slot, status, claimed_by, claimed_at)"
                " VALUES (?, ?, 'claimed', ?, ?) ON CONFLICT DO NOTHING",
                (subscription_id, utc_text(slot), owner, utc_text(now))).rowcount == 1

    def record(self, subscription_id: int, slot: datetime, status: str, owner: str, now: datetime,
               detail: str | None = None) -> bool:
        """Record a final outcome for a slot nobody claimed (skipped slots). False if it exists."""
        with self.transaction() as db:
            return db.execute(
                "INSERT INTO deliveries (subscription_id, slot, status, claimed_by, claimed_at, finished_at, detail)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (subscription_id, utc_text(slot), status, owner, utc_text(now), utc_text(now), detail)).rowcount == 1

    def finish(self, subscription_id: int, slot: datetime, status: str, now: datetime, detail: str | None = None) -> None:
        with self.transaction() as db:
            db.execute("UPDATE deliveries SET status=?, finished_at=?, detail=? WHERE subscription_id=? AND slot=?",
                       (status, utc_text(now), detail, subscription_id, utc_text(slot)))

    def take_over(self, subscription_id: int, slot: datetime, old_owner: str, owner: str, now: datetime) -> bool:
        """Move an abandoned claim to ``owner``; only one taker can win."""
        with self.transaction() as db:
            return db.execute(
                "UPDATE deliveries SET claimed_by=?, claimed_at=? WHERE subscription_id=? AND slot=?"
                " AND status='claimed' AND claimed_by=?",
                (owner, utc_text(now), subscription_id, utc_text(slot), old_owner)).rowcount == 1

    def open_claims(self) -> list[Delivery]:
        return [_delivery(r) for r in self._connect().execute("SELECT * FROM deliveries WHERE status='claimed'")]

    def last_slot(self, subscription_id: int) -> datetime | None:
        row = self._connect().execute("SELECT MAX(slot) FROM deliveries WHERE subscription_id=?",
                                      (subscription_id,)).fetchone()
        return parse_utc(row[0]) if row[0] else None

    def last_delivery(self, subscription_id: int) -> Delivery | None:
        row = self._connect().execute(
            "SELECT * FROM deliveries WHERE subscription_id=? AND status IN ('sent', 'failed')"
            " ORDER BY slot DESC LIMIT 1", (subscription_id,)).fetchone()
        return _delivery(row) if row else None

    def deliveries(self) -> list[Delivery]:
        return [_delivery(r) for r in self._connect().execute("SELECT * FROM deliveries ORDER BY slot")]

    # --- what each channel was told -------------------------------------------------
    def told(self, platform: str, channel: str) -> tuple[datetime, dict[str, Any]] | None:
        row = self._connect().execute("SELECT told_at, snapshot FROM channel_state WHERE platform=? AND channel=?",
                                      (platform, channel)).fetchone()
        return (parse_utc(row[0]), json.loads(row[1])) if row else None

    def remember_told(self, platform: str, channel: str, when: datetime, snapshot: dict[str, Any]) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO channel_state (platform, channel, told_at, snapshot) VALUES (?, ?, ?, ?)"
                       " ON CONFLICT (platform, channel) DO UPDATE SET told_at=excluded.told_at, snapshot=excluded.snapshot",
                       (platform, channel, utc_text(when), json.dumps(snapshot, sort_keys=True)))


def _use_wal(connection: sqlite3.Connection) -> None:
    """WAL lets readers and one writer work at once. The mode is stored in the file, so only
    the first opener switches it; two first openers may race, and the loser retries."""
    for attempt in range(50):
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:  # "database is locked": this pragma does not wait
            if attempt == 49:
                raise
            time.sleep(0.1)


def _subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(row["id"], row["platform"], row["channel"], row["frequency"], row["time"], row["timezone"],
                        row["origin"], row["created_by"], parse_utc(row["created_at"]), row["paused_reason"])


def _delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(row["subscription_id"], parse_utc(row["slot"]), row["status"], row["claimed_by"],
                    parse_utc(row["claimed_at"]), parse_utc(row["finished_at"]) if row["finished_at"] else None,
                    row["detail"])
