"""The SQLite backend: the embedded default, one file shared by the processes of one host.

Every call runs on one of the store's two worker threads, each with its own connection: one
for writes, one for reads, so the event loop never waits on the disk and a read (``/recap
list``) never queues behind a write waiting for the lock. WAL lets readers and one writer work
at once, across threads and processes; writes take the lock up front (``BEGIN IMMEDIATE``) so
two processes never interleave, and wait for it at most ``busy_timeout`` seconds. Exactly-once rests
on the deliveries table's primary
key: a slot is claimed by inserting its row, and only one insert can win.

The schema version is SQLite's ``user_version``, as schema 1's store kept it, so files made by
that store are upgraded in place.
"""

import asyncio
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from time import monotonic, sleep
from typing import Any, TypeVar

from bot.storage import migrations, rows
from bot.storage.base import (
    POST_STEPS,
    Candidate,
    ClaimKey,
    Declared,
    Delivery,
    Finished,
    NewCandidate,
    Post,
    PostCorrection,
    PostRecord,
    StorageError,
    StoredVersion,
    Subscription,
    ToClaim,
    Told,
    declared_key,
    declared_lang,
)
from bot.storage.rows import (
    DELIVERY_COLUMNS,
    SUBSCRIPTION_COLUMNS,
    VERSION_COLUMNS,
    parse_utc_text,
    utc_text,
)
from bot.storage.updates import UPDATE_DELIVERY_COLUMNS as UPDATE_COLUMNS
from bot.storage.updates import UPDATES, UpdateDelivery, update_delivery

# SQL here is fixed text plus the column lists of bot.storage.rows and "?" or %s
# placeholders; every value is a bound parameter. Hence `noqa: S608` (SQL built from
# strings) on the queries that splice in a column list.

T = TypeVar("T")

# SQLite's primary result codes (the low byte of an extended code).
_PERM, _BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = (
    3,
    5,
    6,
    8,
    10,
    11,
    13,
    14,
    26,
)
_MAX_VARIABLES = 900  # under SQLite's smallest default limit on ? parameters per statement


class SQLiteStore:
    """``RecapStore`` on one SQLite file."""

    def __init__(
        self, path: Path, *, url_for_logs: str | None = None, busy_timeout: float = 10.0
    ) -> None:
        self.path = path
        self._path_text = str(path)
        self.url_for_logs = url_for_logs or f"sqlite:///{path}"
        self.busy_timeout = busy_timeout
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store-write")
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store-read")
        self._local = threading.local()  # each worker thread's own connection
        self._closed = False
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file opened

    # --- plumbing ------------------------------------------------------------------------
    async def _run(
        self, work: Callable[[sqlite3.Connection], T], *, executor: ThreadPoolExecutor | None = None
    ) -> T:
        """``work`` on the read connection (one statement: autocommit) or on ``executor``'s."""
        if self._closed:
            msg = f"SQLite database {self.url_for_logs}: the store was closed"
            raise StorageError(msg)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor or self._reader, self._call, work)

    async def _write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        def checked(db: sqlite3.Connection) -> T:
            self._check_current()
            return self._transaction(db, work)

        return await self._run(checked, executor=self._writer)

    def _call(self, work: Callable[[sqlite3.Connection], T]) -> T:
        try:
            return work(self._connect())
        except sqlite3.Error as error:
            raise self._storage_error(error) from error
        except OSError as error:  # making its directory
            msg = (
                f"SQLite database {self.url_for_logs} cannot be opened: {error.strerror or error}: "
                "check that the bot may write there"
            )
            raise StorageError(msg) from error

    def _connect(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
            try:
                connection.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")
                connection.execute("PRAGMA foreign_keys=ON")
                self._use_wal(connection)
            except BaseException:
                connection.close()
                raise
            self._local.connection = connection
        return connection

    def _use_wal(self, connection: sqlite3.Connection) -> None:
        """WAL is stored in the file, so only the first opener switches it; two first openers may
        race, and this pragma does not wait on the busy handler, so the loser retries.
        """
        deadline = monotonic() + self.busy_timeout
        while True:
            try:
                if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    connection.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode & 0xFF not in (_BUSY, _LOCKED) or monotonic() > deadline:
                    raise
                sleep(0.05)

    @staticmethod
    def _transaction(db: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
        """BEGIN IMMEDIATE: take the write lock up front so two processes never interleave."""
        db.execute("BEGIN IMMEDIATE")
        try:
            result = work(db)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # a failed COMMIT (disk full) leaves it open too
                db.execute("ROLLBACK")
            raise
        return result

    def _storage_error(self, error: sqlite3.Error) -> StorageError:
        where = f"SQLite database {self.url_for_logs}"
        code = getattr(error, "sqlite_errorcode", None)
        primary = code & 0xFF if isinstance(code, int) else None
        if primary in (_BUSY, _LOCKED):
            text = (
                f"{where} stayed locked by another process for more than {self.busy_timeout:g} s: "
                "stop whatever holds it (a stuck process, an open sqlite3 shell), then retry"
            )
        elif primary in (_READONLY, _PERM):
            text = (
                f"{where} is read-only: give the bot's user write access to the file and its "
                f"directory "
                "(SQLite writes -wal and -shm files beside it)"
            )
        elif primary in (_CORRUPT, _NOTADB):
            text = (
                f"{where} is corrupt or not a SQLite database: restore it from a backup, or move "
                f"it away "
                "to start an empty one"
            )
        elif primary == _FULL:
            text = f"{where}: the disk is full: free space on its disk, then retry"
        elif primary == _CANTOPEN:
            text = (
                f"{where} cannot be opened: check that its directory exists and that the bot may "
                f"write there"
            )
        elif primary == _IOERR:
            text = (
                f"{where}: disk I/O error ({getattr(error, 'sqlite_errorname', '?')}): check the "
                f"disk and the file"
            )
        else:
            text = f"{where} failed: {error}"
        return StorageError(text)

    # --- lifecycle -----------------------------------------------------------------------
    async def migrate(self) -> None:
        await self._write(self._migrate)
        self._identity = await asyncio.to_thread(self._file_identity)

    def _file_identity(self) -> tuple[int, int]:
        try:
            stat = Path(self.path).stat()
        except FileNotFoundError:
            msg = (
                f"SQLite database {self.url_for_logs} was deleted while the bot used it: "
                "restore it from a backup, or restart to start a new one"
            )
            raise StorageError(msg) from None
        return stat.st_dev, stat.st_ino

    def _migrate(self, db: sqlite3.Connection) -> None:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > migrations.LATEST:
            msg = (
                f"SQLite database {self.url_for_logs} has schema version {version}, newer than "
                f"this bot's "
                f"({migrations.LATEST}): run the newer bot, or point DATABASE_URL at another "
                f"database"
            )
            raise StorageError(msg)
        # Every version applied, so one reserved number landing later is still applied here.
        db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")
        applied = {int(row[0]) for row in db.execute("SELECT version FROM schema_migrations")}
        if not applied:  # a database from before the table: it had 1..user_version
            applied = set(range(1, version + 1))
            db.executemany(
                "INSERT INTO schema_migrations (version) VALUES (?)", [(v,) for v in applied]
            )
        for migration in migrations.pending(applied):
            for statement in migration.statements("sqlite"):
                db.execute(statement)
            db.execute("INSERT INTO schema_migrations (version) VALUES (?)", (migration.version,))
            version = max(version, migration.version)
            db.execute(f"PRAGMA user_version = {version}")

    async def schema_version(self) -> int:
        return await self._run(lambda db: int(db.execute("PRAGMA user_version").fetchone()[0]))

    async def ping(self) -> None:
        """Reads the file's header, so a file gone bad shows (a bare SELECT 1 would not read it),
        and checks that the file at the path is still the one open: one deleted or replaced
        under a running bot would otherwise take every later write with it.
        """
        await self._run(lambda db: db.execute("PRAGMA user_version").fetchone())
        if (
            self._identity is not None
            and await asyncio.to_thread(self._file_identity) != self._identity
        ):
            msg = (
                f"SQLite database {self.url_for_logs} was replaced while the bot used it: "
                "put the original back, or restart to use the new file"
            )
            raise StorageError(msg)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True

        def close() -> None:
            connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
            if connection is not None:
                connection.close()
                self._local.connection = None

        loop = asyncio.get_running_loop()
        for executor in (self._writer, self._reader):
            await loop.run_in_executor(executor, close)
            executor.shutdown(wait=False)

    # --- subscriptions -------------------------------------------------------------------
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
        def work(db: sqlite3.Connection) -> tuple[Subscription, bool]:
            created = _insert_subscription(
                db,
                platform,
                workspace,
                channel,
                frequency,
                time,
                tz,
                next_due,
                origin,
                created_by,
                now,
            )
            row = db.execute(
                f"SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions"  # noqa: S608
                " WHERE platform=? AND channel=? AND frequency=? AND time=? AND timezone=?",
                (platform, channel, frequency, time, tz),
            ).fetchone()
            return _subscription(row), created

        return await self._write(work)

    async def remove_subscription(self, subscription_id: int) -> bool:
        return await self._write(
            lambda db: (
                db.execute("DELETE FROM subscriptions WHERE id=?", (subscription_id,)).rowcount == 1
            )
        )

    async def subscriptions(
        self,
        platform: str | None = None,
        channel: str | None = None,
        *,
        workspace: str | None = None,
    ) -> list[Subscription]:
        query = f"SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE 1=1"  # noqa: S608
        args: list[str] = []
        for column, value in (
            ("platform", platform),
            ("channel", channel),
            ("workspace", workspace),
        ):
            if value is not None:
                query += f" AND {column}=?"
                args.append(value)
        return await self._run(
            lambda db: [_subscription(r) for r in db.execute(query + " ORDER BY id", args)]
        )

    async def sync_declared(
        self, declared: Sequence[tuple[Declared, datetime | None]], now: datetime
    ) -> None:
        wanted = {
            declared_key(entry): (entry[1], due, declared_lang(entry)) for entry, due in declared
        }

        def work(db: sqlite3.Connection) -> None:
            gone = [
                (id_,)
                for id_, *key in db.execute(
                    "SELECT id, platform, channel, frequency, time, timezone"
                    " FROM subscriptions WHERE origin='settings'"
                ).fetchall()
                if tuple(key) not in wanted
            ]
            db.executemany("DELETE FROM subscriptions WHERE id=?", gone)
            db.executemany(
                _INSERT_SUBSCRIPTION,
                [
                    (p, ws, c, f, t, tz, "settings", "settings", utc_text(now), _text(due))
                    for (p, c, f, t, tz), (ws, due, _lang) in wanted.items()
                ],
            )
            db.executemany(
                "UPDATE subscriptions SET workspace=?, lang=?, next_due=COALESCE(next_due, ?) "
                "WHERE "
                "origin='settings'"
                " AND platform=? AND channel=? AND frequency=? AND time=? AND timezone=?",
                [
                    (ws, lang, _text(due), p, c, f, t, tz)
                    for (p, c, f, t, tz), (ws, due, lang) in wanted.items()
                ],
            )

        await self._write(work)

    async def pause(self, subscription_id: int, reason: str) -> bool:
        return await self._write(
            lambda db: (
                db.execute(
                    "UPDATE subscriptions SET paused_reason=? WHERE id=? AND paused_reason IS NULL",
                    (reason, subscription_id),
                ).rowcount
                == 1
            )
        )

    async def pause_workspace(self, platform: str, workspace: str, reason: str) -> int:
        return await self._write(
            lambda db: (
                db.execute(
                    "UPDATE subscriptions SET paused_reason=? WHERE platform=? AND workspace=? AND "
                    "paused_reason IS NULL",
                    (reason, platform, workspace),
                ).rowcount
            )
        )

    async def resume_workspace(self, platform: str, workspace: str) -> int:
        return await self._write(
            lambda db: (
                db.execute(
                    "UPDATE subscriptions SET paused_reason=NULL WHERE platform=? AND workspace=?"
                    " AND paused_reason IS NOT NULL",
                    (platform, workspace),
                ).rowcount
            )
        )

    # --- scheduling ----------------------------------------------------------------------
    async def due(self, now: datetime, limit: int = 1000) -> list[Subscription]:
        return await self._run(
            lambda db: [
                _subscription(r)
                for r in db.execute(
                    f"SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE "  # noqa: S608
                    f"paused_reason IS NULL "
                    f"AND next_due <= ?"
                    " ORDER BY next_due, id LIMIT ?",
                    (utc_text(now), limit),
                )
            ]
        )

    async def earliest_due(self) -> datetime | None:
        row = await self._run(
            lambda db: db.execute(
                "SELECT MIN(next_due) FROM subscriptions WHERE paused_reason IS NULL"
            ).fetchone()
        )
        return parse_utc_text(row[0]) if row[0] is not None else None

    async def advance(
        self, subscription_id: int, slot: datetime | None, next_due: datetime | None
    ) -> bool:
        return await self._write(
            lambda db: (
                db.execute(
                    "UPDATE subscriptions SET next_due=? WHERE id=? AND next_due IS ?",
                    (_text(next_due), subscription_id, _text(slot)),
                ).rowcount
                == 1
            )
        )

    # --- deliveries ----------------------------------------------------------------------
    async def claim(
        self, subscription_id: int, slot: datetime, owner: str, now: datetime, lease_until: datetime
    ) -> bool:
        return await self._write(
            lambda db: (
                db.execute(
                    "INSERT INTO deliveries (subscription_id, slot, status, claimed_by, "
                    "claimed_at, lease_until)"
                    " VALUES (?, ?, 'claimed', ?, ?, ?) ON CONFLICT DO NOTHING",
                    (subscription_id, utc_text(slot), owner, utc_text(now), utc_text(lease_until)),
                ).rowcount
                == 1
            )
        )

    async def record(
        self,
        subscription_id: int,
        slot: datetime,
        status: str,
        owner: str,
        now: datetime,
        detail: str | None = None,
    ) -> bool:
        rows.check_final(status)
        return await self._write(
            lambda db: (
                db.execute(
                    "INSERT INTO deliveries (subscription_id, slot, status, claimed_by, "
                    "claimed_at, lease_until,"
                    " finished_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (
                        subscription_id,
                        utc_text(slot),
                        status,
                        owner,
                        utc_text(now),
                        utc_text(now),
                        utc_text(now),
                        detail,
                    ),
                ).rowcount
                == 1
            )
        )

    async def finish(
        self,
        subscription_id: int,
        slot: datetime,
        status: str,
        now: datetime,
        detail: str | None = None,
    ) -> None:
        rows.check_final(status)
        await self._write(
            lambda db: db.execute(
                "UPDATE deliveries SET status=?, finished_at=?, detail=? WHERE subscription_id=? "
                "AND slot=?",
                (status, utc_text(now), detail, subscription_id, utc_text(slot)),
            )
        )

    async def renew_leases(self, owner: str, lease_until: datetime) -> int:
        return await self._write(lambda db: _renew(db, rows.DELIVERIES, owner, lease_until))

    async def take_over_expired(
        self, owner: str, now: datetime, lease_until: datetime, limit: int = 100
    ) -> list[Delivery]:
        # claimed_at is kept: the new owner checks the channel from the original claim on.
        return await self._write(
            lambda db: [
                _delivery(r)
                for r in _take_over(db, rows.DELIVERIES, owner, now, lease_until, limit)
            ]
        )

    async def open_claims(self) -> list[Delivery]:
        return await self._run(
            lambda db: [
                _delivery(r)
                for r in db.execute(
                    f"SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE "  # noqa: S608
                    f"status='claimed' ORDER BY "
                    f"slot, subscription_id"
                )
            ]
        )

    async def last_delivery(self, subscription_id: int) -> Delivery | None:
        return (await self.last_deliveries([subscription_id])).get(subscription_id)

    async def last_deliveries(self, subscription_ids: Sequence[int]) -> dict[int, Delivery]:
        ids = list(dict.fromkeys(subscription_ids))
        return await self._run(
            lambda db: {
                int(row[0]): _delivery(row)
                for row in _newest_finished(db, "deliveries", DELIVERY_COLUMNS, "slot", ids)
            }
        )

    async def deliveries(self) -> list[Delivery]:
        return await self._run(
            lambda db: [
                _delivery(r)
                for r in db.execute(
                    f"SELECT {DELIVERY_COLUMNS} FROM deliveries ORDER BY slot, "  # noqa: S608
                    f"subscription_id"
                )
            ]
        )

    # --- what each channel was told ------------------------------------------------------
    async def told(self, platform: str, channel: str) -> tuple[datetime, dict[str, Any]] | None:
        row = await self._run(
            lambda db: db.execute(
                "SELECT c.told_at, COALESCE(t.snapshot, c.snapshot) FROM channel_state AS c"
                " LEFT JOIN told_snapshots AS t ON t.digest=c.digest"
                " WHERE c.platform=? AND c.channel=?",
                (platform, channel),
            ).fetchone()
        )
        return (parse_utc_text(row[0]), json.loads(row[1])) if row else None

    async def remember_told(
        self, platform: str, channel: str, when: datetime, snapshot: dict[str, Any]
    ) -> None:
        text = json.dumps(snapshot, sort_keys=True)
        await self._write(
            lambda db: db.execute(
                "INSERT INTO channel_state (platform, channel, told_at, snapshot) VALUES (?, ?, ?, "
                "?)"
                " ON CONFLICT (platform, channel) DO UPDATE SET told_at=excluded.told_at, "
                "snapshot=excluded.snapshot, digest=NULL",
                (platform, channel, utc_text(when), text),
            )
        )

    async def set_subscription_lang(self, subscription_id: int, lang: str) -> bool:
        return await self._write(
            lambda db: (
                db.execute(
                    "UPDATE subscriptions SET lang=? WHERE id=? AND lang<>?",
                    (lang, subscription_id, lang),
                ).rowcount
                == 1
            )
        )

    # --- each person's language ------------------------------------------------------------
    async def user_language(self, platform: str, workspace: str, user: str) -> str | None:
        row = await self._run(
            lambda db: db.execute(
                "SELECT lang FROM user_languages WHERE platform=? AND workspace=? AND user_id=?",
                (platform, workspace, user),
            ).fetchone()
        )
        return str(row[0]) if row else None

    async def set_user_language(
        self, platform: str, workspace: str, user: str, lang: str | None, now: datetime
    ) -> None:
        key = (platform, workspace, user)
        if lang is None:
            await self._write(
                lambda db: db.execute(
                    "DELETE FROM user_languages WHERE platform=? AND workspace=? AND user_id=?",
                    key,
                )
            )
            return
        await self._write(
            lambda db: db.execute(
                "INSERT INTO user_languages (platform, workspace, user_id, lang, chosen_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, workspace, user_id)"
                " DO UPDATE SET lang=excluded.lang, chosen_at=excluded.chosen_at",
                (*key, lang, utc_text(now)),
            )
        )

    # --- issue 19: intake ----------------------------------------------------------------
    async def intake_add(self, candidate: NewCandidate, now: datetime) -> int | None:
        c = candidate
        values = (
            c.kind, c.origin, c.url, c.guid, c.content_hash, c.title, c.outlet, c.stated_date,
            c.body, c.review, c.status, utc_text(now),
        )  # fmt: skip

        def add(db: sqlite3.Connection) -> int | None:
            row = db.execute(rows.INSERT_CANDIDATE, values).fetchone()
            return int(row[0]) if row else None

        return await self._write(add)

    async def intake_known(self, keys: Sequence[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        chosen = set(wanted)

        def known(db: sqlite3.Connection) -> set[str]:
            return {
                key
                for url, guid in _in_chunks(
                    db,
                    lambda marks: (
                        f"SELECT url, guid FROM intake_candidates WHERE url IN ({marks})"  # noqa: S608
                        f" OR guid IN ({marks})"
                    ),
                    wanted,
                    uses=2,
                )
                for key in (url, guid)
                if key in chosen
            }

        return await self._run(known)

    async def intake_candidate(self, candidate_id: int) -> Candidate | None:
        row = await self._run(
            lambda db: db.execute(
                f"SELECT {rows.CANDIDATE_COLUMNS} FROM intake_candidates WHERE id=?",  # noqa: S608
                (candidate_id,),
            ).fetchone()
        )
        return rows.candidate(row, parse_utc_text) if row else None

    async def intake_candidates(self, status: str | None, limit: int = 200) -> list[Candidate]:
        where, args = ("status=?", (status,)) if status else ("status<>'seen'", ())
        found = await self._run(
            lambda db: db.execute(
                f"SELECT {rows.CANDIDATE_COLUMNS} FROM intake_candidates WHERE {where}"  # noqa: S608
                " ORDER BY id DESC LIMIT ?",
                (*args, limit),
            ).fetchall()
        )
        return [rows.candidate(row, parse_utc_text) for row in found]

    async def intake_decide(
        self, candidate_id: int, status: str, source_id: str | None, now: datetime
    ) -> bool:
        cursor = await self._write(
            lambda db: db.execute(
                "UPDATE intake_candidates SET status=?, source_id=?, decided_at=?"
                " WHERE id=? AND status='new'",
                (status, source_id, utc_text(now), candidate_id),
            )
        )
        return cursor.rowcount == 1

    async def intake_unposted(self, now: datetime, owner: str, limit: int = 100) -> list[Candidate]:
        found = await self._run(
            lambda db: db.execute(rows.UNPOSTED, (owner, utc_text(now), limit)).fetchall()
        )
        return [rows.candidate(row, parse_utc_text) for row in found]

    async def intake_claim_post(
        self, candidate_id: int, owner: str, lease_until: datetime, now: datetime
    ) -> bool:
        cursor = await self._write(
            lambda db: db.execute(
                rows.CLAIM_POST, (owner, utc_text(lease_until), candidate_id, owner, utc_text(now))
            )
        )
        return cursor.rowcount == 1

    async def intake_post_step(
        self, candidate_id: int, owner: str, column: str, value: str | datetime
    ) -> bool:
        if column not in POST_STEPS:
            msg = f"not a step of the editors' post: {column}"
            raise ValueError(msg)
        stored = utc_text(value) if isinstance(value, datetime) else value
        cursor = await self._write(
            lambda db: db.execute(
                f"UPDATE intake_candidates SET {column}=? WHERE id=? AND post_owner=?",  # noqa: S608
                (stored, candidate_id, owner),
            )
        )
        return cursor.rowcount == 1

    async def intake_feed_states(self) -> dict[str, tuple[str | None, str | None]]:
        found = await self._run(
            lambda db: db.execute("SELECT url, etag, last_modified FROM intake_feeds").fetchall()
        )
        return {url: (etag, modified) for url, etag, modified in found}

    async def intake_set_feed_state(
        self, url: str, etag: str | None, last_modified: str | None, now: datetime
    ) -> None:
        await self._write(
            lambda db: db.execute(
                "INSERT INTO intake_feeds (url, etag, last_modified, polled_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET etag=excluded.etag,"
                " last_modified=excluded.last_modified, polled_at=excluded.polled_at",
                (url, etag, last_modified, utc_text(now)),
            )
        )

    # --- issue 18a: content versions ---------------------------------------------------------
    async def record_content_version(
        self, content_hash: str, as_of: date, snapshot_json: str, recorded_at: datetime
    ) -> tuple[int, bool]:
        def work(db: sqlite3.Connection) -> tuple[int, bool]:  # under BEGIN IMMEDIATE
            latest = db.execute(
                "SELECT number, content_hash FROM content_versions ORDER BY number DESC LIMIT 1"
            ).fetchone()
            if latest is not None and latest[1] == content_hash:
                return int(latest[0]), False
            number = int(latest[0]) + 1 if latest is not None else 1
            db.execute(
                "INSERT INTO content_versions (number, content_hash, as_of, recorded_at, snapshot)"
                " VALUES (?, ?, ?, ?, ?)",
                (number, content_hash, as_of.isoformat(), utc_text(recorded_at), snapshot_json),
            )
            return number, True

        return await self._write(work)

    async def content_versions(self, since_number: int | None = None) -> list[StoredVersion]:
        return await self._run(
            lambda db: [
                rows.stored_version(r, parse_utc_text)
                for r in db.execute(
                    f"SELECT {VERSION_COLUMNS} FROM content_versions WHERE number > ?"  # noqa: S608
                    " ORDER BY number",
                    (since_number if since_number is not None else 0,),
                )
            ]
        )

    async def latest_content_version(self) -> StoredVersion | None:
        row = await self._run(
            lambda db: db.execute(
                f"SELECT {VERSION_COLUMNS} FROM content_versions"  # noqa: S608
                " ORDER BY number DESC LIMIT 1"
            ).fetchone()
        )
        return rows.stored_version(row, parse_utc_text) if row else None

    # --- issue 18b: updates ---
    async def updates_due(
        self, version: int, limit: int = 1000
    ) -> list[tuple[Subscription, int | None]]:
        columns = ", ".join(f"s.{c.strip()}" for c in SUBSCRIPTION_COLUMNS.split(","))
        rows_ = await self._run(
            lambda db: db.execute(
                f"SELECT {columns}, u.told_version FROM subscriptions AS s"  # noqa: S608
                " LEFT JOIN update_state AS u ON u.subscription_id = s.id"
                " WHERE s.frequency=? AND s.paused_reason IS NULL"
                " AND (u.told_version IS NULL OR u.told_version < ?) ORDER BY s.id LIMIT ?",
                (UPDATES, version, limit),
            ).fetchall()
        )
        return [(_subscription(r[:-1]), None if r[-1] is None else int(r[-1])) for r in rows_]

    async def start_updates(self, subscription_id: int, version: int) -> bool:
        return await self._write(
            lambda db: (
                db.execute(
                    "INSERT INTO update_state (subscription_id, told_version) VALUES (?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (subscription_id, version),
                ).rowcount
                == 1
            )
        )

    async def claim_update(
        self,
        subscription_id: int,
        since: int,
        version: int,
        owner: str,
        now: datetime,
        lease_until: datetime,
    ) -> bool:
        def work(db: sqlite3.Connection) -> bool:
            moved = db.execute(
                "UPDATE update_state SET told_version=? WHERE subscription_id=? AND told_version=?",
                (version, subscription_id, since),
            ).rowcount
            if moved != 1:
                return False
            return (
                db.execute(
                    "INSERT INTO update_deliveries (subscription_id, version, since_version,"
                    " status, claimed_by, claimed_at, lease_until)"
                    " VALUES (?, ?, ?, 'claimed', ?, ?, ?) ON CONFLICT DO NOTHING",
                    (subscription_id, version, since, owner, utc_text(now), utc_text(lease_until)),
                ).rowcount
                == 1
            )

        return await self._write(work)

    async def finish_update(
        self,
        subscription_id: int,
        version: int,
        status: str,
        now: datetime,
        detail: str | None = None,
    ) -> None:
        rows.check_final(status)
        await self._write(
            lambda db: db.execute(
                "UPDATE update_deliveries SET status=?, finished_at=?, detail=?"
                " WHERE subscription_id=? AND version=?",
                (status, utc_text(now), detail, subscription_id, version),
            )
        )

    async def renew_update_leases(self, owner: str, lease_until: datetime) -> int:
        return await self._write(lambda db: _renew(db, rows.UPDATE_DELIVERIES, owner, lease_until))

    async def take_over_expired_updates(
        self, owner: str, now: datetime, lease_until: datetime, limit: int = 100
    ) -> list[UpdateDelivery]:
        return await self._write(
            lambda db: [
                _update_delivery(r)
                for r in _take_over(db, rows.UPDATE_DELIVERIES, owner, now, lease_until, limit)
            ]
        )

    async def open_update_claims(self) -> list[UpdateDelivery]:
        return await self._run(
            lambda db: [
                _update_delivery(r)
                for r in db.execute(
                    f"SELECT {UPDATE_COLUMNS} FROM update_deliveries"  # noqa: S608
                    " WHERE status='claimed' ORDER BY version, subscription_id"
                )
            ]
        )

    async def last_update_deliveries(
        self, subscription_ids: Sequence[int]
    ) -> dict[int, UpdateDelivery]:
        ids = list(dict.fromkeys(subscription_ids))
        return await self._run(
            lambda db: {
                int(row[0]): _update_delivery(row)
                for row in _newest_finished(db, "update_deliveries", UPDATE_COLUMNS, "version", ids)
            }
        )

    async def update_deliveries(self) -> list[UpdateDelivery]:
        return await self._run(
            lambda db: [
                _update_delivery(r)
                for r in db.execute(
                    f"SELECT {UPDATE_COLUMNS} FROM update_deliveries"  # noqa: S608
                    " ORDER BY version, subscription_id"
                )
            ]
        )

    # --- issue 18c: corrections ---------------------------------------------------------
    async def record_post(self, post: PostRecord) -> int:
        return await self._write(lambda db: _insert_posts(db, [post])[0])

    def _posts(
        self, db: sqlite3.Connection, where: str, params: Sequence[Any], limit: int = -1
    ) -> list[Post]:
        found = db.execute(
            f"SELECT {rows.POST_COLUMNS} FROM posts p JOIN post_bodies b ON b.digest = p.body"  # noqa: S608
            f" WHERE {where} ORDER BY p.posted_at, p.id LIMIT ?",
            (*params, limit),
        ).fetchall()
        claims: dict[int, list[str]] = {int(r[0]): [] for r in found}
        for key, post_id in _in_chunks(
            db,
            lambda marks: f"SELECT claim_key, post_id FROM post_claims WHERE post_id IN ({marks})",  # noqa: S608
            list(claims),
        ):
            claims[int(post_id)].append(key)
        return [rows.post(r, parse_utc_text, claims[int(r[0])]) for r in found]

    async def post(self, post_id: int) -> Post | None:
        found = await self._run(lambda db: self._posts(db, "p.id = ?", (post_id,)))
        return found[0] if found else None

    async def posts_to_correct(
        self, claim_keys: Sequence[str], version: int, limit: int = 10_000
    ) -> list[Post]:
        keys = sorted(set(claim_keys))
        if not keys:
            return []
        # Every key, however many (one JSON array: no limit on bound variables to cut at).
        return await self._run(
            lambda db: self._posts(
                db,
                "p.id IN (SELECT post_id FROM post_claims WHERE claim_key IN"
                " (SELECT value FROM json_each(?))) AND (p.version IS NULL OR p.version < ?)"
                " AND NOT EXISTS (SELECT 1 FROM post_corrections c WHERE c.post_id = p.id"
                " AND c.version = ?)",
                (json.dumps(keys), version, version),
                limit,
            )
        )

    async def update_post(self, post_id: int, version: int, reply: str) -> None:
        digest = rows.body_digest(reply)

        def work(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO post_bodies (digest, reply) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (digest, reply),
            )
            db.execute(
                "UPDATE posts SET version=?, body=? WHERE id=? AND (version IS NULL OR version<=?)",
                (version, digest, post_id, version),
            )

        await self._write(work)

    async def claim_correction(
        self, post_id: int, version: int, owner: str, now: datetime, lease_until: datetime
    ) -> bool:
        return await self._write(
            lambda db: (
                db.execute(
                    "INSERT INTO post_corrections (post_id, version, status, claimed_by,"
                    " claimed_at, lease_until) VALUES (?, ?, 'claimed', ?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (post_id, version, owner, utc_text(now), utc_text(lease_until)),
                ).rowcount
                == 1
            )
        )

    async def record_correction(
        self, post_id: int, version: int, status: str, owner: str, now: datetime, detail: str
    ) -> bool:
        rows.check_correction(status)
        at = utc_text(now)
        return await self._write(
            lambda db: (
                db.execute(
                    "INSERT INTO post_corrections (post_id, version, status, claimed_by,"
                    " claimed_at, lease_until, finished_at, detail)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (post_id, version, status, owner, at, at, at, detail),
                ).rowcount
                == 1
            )
        )

    async def set_correction(
        self, post_id: int, version: int, status: str, now: datetime, detail: str | None = None
    ) -> None:
        rows.check_correction(status)
        finished = utc_text(now) if status != "edited" else None
        await self._write(
            lambda db: db.execute(
                "UPDATE post_corrections SET status=?, finished_at=?, detail=?"
                " WHERE post_id=? AND version=?",
                (status, finished, detail, post_id, version),
            )
        )

    async def release_correction(self, post_id: int, version: int) -> None:
        await self._write(
            lambda db: db.execute(
                "DELETE FROM post_corrections WHERE post_id=? AND version=? AND status='claimed'",
                (post_id, version),
            )
        )

    async def renew_correction_leases(self, owner: str, lease_until: datetime) -> int:
        return await self._write(lambda db: _renew(db, rows.POST_CORRECTIONS, owner, lease_until))

    async def take_over_corrections(
        self, owner: str, now: datetime, lease_until: datetime, limit: int = 100
    ) -> list[PostCorrection]:
        return await self._write(
            lambda db: [
                rows.correction(r, parse_utc_text)
                for r in _take_over(db, rows.POST_CORRECTIONS, owner, now, lease_until, limit)
            ]
        )

    async def post_corrections(self, version: int | None = None) -> list[PostCorrection]:
        where, params = ("WHERE version=?", (version,)) if version is not None else ("", ())
        return await self._run(
            lambda db: [
                rows.correction(r, parse_utc_text)
                for r in db.execute(
                    f"SELECT {rows.CORRECTION_COLUMNS} FROM post_corrections {where}"  # noqa: S608
                    " ORDER BY version, post_id",
                    params,
                )
            ]
        )

    async def skipped_corrections(self, limit: int = 500) -> list[tuple[PostCorrection, Post]]:
        def work(db: sqlite3.Connection) -> list[tuple[PostCorrection, Post]]:
            found = [
                rows.correction(r, parse_utc_text)
                for r in db.execute(
                    f"SELECT {rows.CORRECTION_COLUMNS} FROM post_corrections"  # noqa: S608
                    " WHERE status='skipped' ORDER BY finished_at DESC, post_id LIMIT ?",
                    (limit,),
                )
            ]
            posts = {
                p.id: p
                for p in self._posts(
                    db,
                    "p.id IN (SELECT post_id FROM post_corrections WHERE status='skipped')",
                    (),
                )
            }
            return [(c, posts[c.post_id]) for c in found if c.post_id in posts]

        return await self._run(work)

    async def pause_corrections(
        self, platform: str, channel: str, reason: str, now: datetime
    ) -> bool:
        return await self._write(
            lambda db: (
                db.execute(
                    "INSERT INTO correction_pauses (platform, channel, reason, paused_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (platform, channel, reason, utc_text(now)),
                ).rowcount
                == 1
            )
        )

    async def resume_corrections(self, platform: str, channel: str) -> bool:
        return await self._write(
            lambda db: (
                db.execute(
                    "DELETE FROM correction_pauses WHERE platform=? AND channel=?",
                    (platform, channel),
                ).rowcount
                == 1
            )
        )

    async def correction_pauses(self) -> dict[tuple[str, str], tuple[str, datetime]]:
        return await self._run(
            lambda db: {
                (platform, channel): (reason, parse_utc_text(at))
                for platform, channel, reason, at in db.execute(
                    "SELECT platform, channel, reason, paused_at FROM correction_pauses"
                )
            }
        )

    # --- issue 21: pressure ---
    def still_current(self) -> bool:
        """The file at the path is still the one opened (one ``stat``: microseconds)."""
        if self._identity is None:
            return True
        try:
            stat = os.stat(self._path_text)  # noqa: PTH116 - hot: once per post, no Path
        except OSError:
            return False
        return (stat.st_dev, stat.st_ino) == self._identity

    def _check_current(self) -> None:
        """Before each write: writing into a file that was deleted or replaced loses it all."""
        if not self.still_current():
            msg = (
                f"SQLite database {self.url_for_logs} was deleted or replaced while the bot used "
                "it: put the original back, or restart to use the new file (recaps and "
                "subscriptions wait meanwhile)"
            )
            raise StorageError(msg)

    async def claim_many(
        self, items: Sequence[ToClaim], owner: str, now: datetime, lease_until: datetime
    ) -> set[int]:
        at, until = utc_text(now), utc_text(lease_until)

        def work(db: sqlite3.Connection) -> set[int]:
            claimed: set[int] = set()
            rows_per_statement = _MAX_VARIABLES // 5
            for start in range(0, len(items), rows_per_statement):
                chunk = items[start : start + rows_per_statement]
                values = ", ".join(["(?, ?, 'claimed', ?, ?, ?)"] * len(chunk))
                claimed.update(
                    int(row[0])
                    for row in db.execute(
                        "INSERT INTO deliveries (subscription_id, slot, status, claimed_by, "  # noqa: S608
                        f"claimed_at, lease_until) VALUES {values} ON CONFLICT DO NOTHING"
                        " RETURNING subscription_id",
                        [
                            value
                            for id_, slot, _ in chunk
                            for value in (id_, utc_text(slot), owner, at, until)
                        ],
                    )
                )
            db.executemany(
                "UPDATE subscriptions SET next_due=? WHERE id=? AND next_due IS ?",
                [(_text(following), id_, utc_text(slot)) for id_, slot, following in items],
            )
            return claimed

        return await self._write(work)

    async def told_many(
        self, platform: str, channels: Sequence[str]
    ) -> dict[str, tuple[datetime, dict[str, Any]]]:
        wanted = list(dict.fromkeys(channels))

        parsed = rows.SnapshotParser()

        def work(db: sqlite3.Connection) -> dict[str, tuple[datetime, dict[str, Any]]]:
            return {
                channel: (parse_utc_text(told_at), parsed(snapshot))
                for channel, told_at, snapshot in _in_chunks(
                    db,
                    lambda marks: (
                        "SELECT c.channel, c.told_at, COALESCE(t.snapshot, c.snapshot)"  # noqa: S608
                        " FROM channel_state AS c LEFT JOIN told_snapshots AS t"
                        f" ON t.digest=c.digest WHERE c.platform=? AND c.channel IN ({marks})"
                    ),
                    wanted,
                    before=(platform,),
                )
            }

        return await self._run(work)

    async def record_outcomes(
        self, finished: Sequence[Finished], told: Sequence[Told], posts: Sequence[PostRecord] = ()
    ) -> None:
        for outcome in finished:
            rows.check_final(outcome[2])
        done = [
            (status, utc_text(at), detail, id_, utc_text(slot))
            for id_, slot, status, at, detail in finished
        ]
        names, texts = rows.snapshot_digests(told)
        remembered = [
            (platform, channel, utc_text(when), digest)
            for (platform, channel, when, _), digest in zip(told, names, strict=True)
        ]

        def work(db: sqlite3.Connection) -> None:
            _insert_posts(db, posts)
            db.executemany(
                "UPDATE deliveries SET status=?, finished_at=?, detail=? WHERE subscription_id=? "
                "AND slot=?",
                done,
            )
            db.executemany(
                "INSERT INTO told_snapshots (digest, snapshot) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                list(texts.items()),
            )
            db.executemany(
                "INSERT INTO channel_state (platform, channel, told_at, snapshot, digest) VALUES "
                "(?, ?, ?, '', ?) ON CONFLICT (platform, channel) DO UPDATE SET "
                "told_at=excluded.told_at, snapshot='', digest=excluded.digest",
                remembered,
            )

        await self._write(work)

    async def release_claims(self, owner: str, keys: Sequence[ClaimKey]) -> int:
        def work(db: sqlite3.Connection) -> int:
            released = 0
            for subscription_id, slot in keys:
                if (
                    db.execute(
                        "DELETE FROM deliveries WHERE subscription_id=? AND slot=? AND "
                        "claimed_by=? AND status='claimed'",
                        (subscription_id, utc_text(slot), owner),
                    ).rowcount
                    == 1
                ):
                    released += 1
                    db.execute(
                        "UPDATE subscriptions SET next_due=? WHERE id=?"
                        " AND (next_due IS NULL OR next_due > ?)",
                        (utc_text(slot), subscription_id, utc_text(slot)),
                    )
            return released

        return await self._write(work)

    async def expire_claims(self, owner: str, keys: Sequence[ClaimKey], now: datetime) -> int:
        lapsed = utc_text(now - timedelta(seconds=1))
        return await self._write(
            lambda db: sum(
                db.execute(
                    "UPDATE deliveries SET lease_until=? WHERE subscription_id=? AND slot=?"
                    " AND claimed_by=? AND status='claimed'",
                    (lapsed, subscription_id, utc_text(slot), owner),
                ).rowcount
                for subscription_id, slot in keys
            )
        )

    async def take_over_lapsed(
        self, owner: str, now: datetime, lease_until: datetime, limit: int = 100
    ) -> list[tuple[Delivery, datetime]]:
        def work(db: sqlite3.Connection) -> list[tuple[Delivery, datetime]]:
            expired = db.execute(
                "SELECT subscription_id, slot FROM deliveries WHERE status='claimed' AND "
                "lease_until < ? ORDER BY lease_until LIMIT ?",
                (utc_text(now), limit),
            ).fetchall()
            taken = []
            for subscription_id, slot in expired:
                row = db.execute(
                    "UPDATE deliveries SET claimed_by=?, lapsed_at=COALESCE(lapsed_at, "  # noqa: S608
                    "lease_until), lease_until=? WHERE subscription_id=? AND slot=?"
                    f" RETURNING {DELIVERY_COLUMNS}, lapsed_at",
                    (owner, utc_text(lease_until), subscription_id, slot),
                ).fetchone()
                taken.append((_delivery(row[:-1]), parse_utc_text(row[-1])))
            return taken

        return await self._write(work)


_INSERT_SUBSCRIPTION = (
    "INSERT INTO subscriptions (platform, workspace, channel, frequency, time, timezone, origin, "
    "created_by,"
    " created_at, next_due) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)


def _insert_subscription(
    db: sqlite3.Connection,
    platform: str,
    workspace: str,
    channel: str,
    frequency: str,
    at: str,
    tz: str,
    next_due: datetime | None,
    origin: str,
    created_by: str,
    now: datetime,
) -> bool:
    return (
        db.execute(
            _INSERT_SUBSCRIPTION,
            (
                platform,
                workspace,
                channel,
                frequency,
                at,
                tz,
                origin,
                created_by,
                utc_text(now),
                _text(next_due),
            ),
        ).rowcount
        == 1
    )


def _in_chunks(
    db: sqlite3.Connection,
    query: Callable[[str], str],
    keys: Sequence[Any],
    *,
    before: Sequence[Any] = (),
    uses: int = 1,
) -> Iterator[Any]:
    """The rows of ``query(marks)`` for all ``keys``, run once per chunk of them so that no
    statement binds more than ``_MAX_VARIABLES`` values: ``marks`` is the chunk's ``?``
    placeholders, standing ``uses`` times in the query after the parameters ``before``.
    """
    size = (_MAX_VARIABLES - len(before)) // uses
    for start in range(0, len(keys), size):
        chunk = list(keys[start : start + size])
        yield from db.execute(query(", ".join("?" * len(chunk))), (*before, *(chunk * uses)))


def _newest_finished(
    db: sqlite3.Connection, table: str, columns: str, newest: str, ids: Sequence[int]
) -> Iterator[Any]:
    """``columns`` of the sent or failed row with the greatest ``newest`` of each subscription
    in ``ids`` (a deliveries table: ``deliveries``, ``update_deliveries``).
    """
    return _in_chunks(
        db,
        lambda marks: (
            f"SELECT {columns} FROM {table} AS d WHERE subscription_id IN ({marks})"  # noqa: S608
            f" AND status IN ('sent', 'failed') AND {newest} = (SELECT MAX({newest}) FROM {table}"
            " WHERE subscription_id = d.subscription_id AND status IN ('sent', 'failed'))"
        ),
        ids,
    )


def _text(moment: datetime | None) -> str | None:
    return utc_text(moment) if moment is not None else None


def _subscription(row: Sequence[Any]) -> Subscription:
    return rows.subscription(row, parse_utc_text)


def _delivery(row: Sequence[Any]) -> Delivery:
    return rows.delivery(row, parse_utc_text)


def _update_delivery(row: Sequence[Any]) -> UpdateDelivery:
    return update_delivery(row, parse_utc_text)


def _insert_posts(db: sqlite3.Connection, posts: Sequence[PostRecord]) -> list[int]:
    """Record each post (its body once per distinct text, its claims once); each one's id, the
    existing one where it was recorded before.
    """
    bodies = rows.body_digests(post.reply for post in posts)
    db.executemany(
        "INSERT INTO post_bodies (digest, reply) VALUES (?, ?) ON CONFLICT DO NOTHING",
        [(digest, reply) for reply, digest in bodies.items()],
    )
    ids: list[int] = []
    claims: list[tuple[str, int]] = []
    for post in posts:
        row = db.execute(
            "INSERT INTO posts (platform, workspace, channel, message_id, kind, version, lang,"
            " body, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
            " RETURNING id",
            (
                post.platform,
                post.workspace,
                post.channel,
                post.message_id,
                post.kind,
                post.version,
                post.lang,
                bodies[post.reply],
                utc_text(post.posted_at),
            ),
        ).fetchone()
        if row is None:  # recorded before
            row = db.execute(
                "SELECT id FROM posts WHERE platform=? AND channel=? AND message_id=?",
                (post.platform, post.channel, post.message_id),
            ).fetchone()
        else:
            claims.extend((key, int(row[0])) for key in sorted(set(post.claims)))
        ids.append(int(row[0]))
    db.executemany(
        "INSERT INTO post_claims (claim_key, post_id) VALUES (?, ?) ON CONFLICT DO NOTHING", claims
    )
    return ids


def _renew(db: sqlite3.Connection, table: rows.LeasedTable, owner: str, until: datetime) -> int:
    """Renew every lease ``owner`` holds in ``table``; how many."""
    return db.execute(
        f"UPDATE {table.name} SET lease_until=? WHERE claimed_by=? AND {table.held()}",  # noqa: S608
        (utc_text(until), owner),
    ).rowcount


def _take_over(
    db: sqlite3.Connection,
    table: rows.LeasedTable,
    owner: str,
    now: datetime,
    until: datetime,
    limit: int,
) -> list[Any]:
    """Rows of ``table`` whose lease ran out before ``now``, oldest lease first, now ``owner``'s
    until ``until`` (one write transaction: no other taker sees them in between).
    """
    first, second = table.keys
    expired = db.execute(
        f"SELECT {first}, {second} FROM {table.name} WHERE {table.held()}"  # noqa: S608
        " AND lease_until < ? ORDER BY lease_until LIMIT ?",
        (utc_text(now), limit),
    ).fetchall()
    return [
        db.execute(
            f"UPDATE {table.name} SET claimed_by=?, lease_until=?"  # noqa: S608
            f" WHERE {first}=? AND {second}=? RETURNING {table.columns}",
            (owner, utc_text(until), *key),
        ).fetchone()
        for key in expired
    ]
