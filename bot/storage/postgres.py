"""The PostgreSQL backend: one database shared by instances on several hosts.

psycopg 3's async driver and its ``AsyncConnectionPool``: no call blocks the event loop, and
the pool checks a connection before lending it, so a restarted server heals without a restart.
Exactly-once across instances: a slot is claimed by ``INSERT ... ON CONFLICT DO NOTHING`` on
the deliveries table's primary key; expired claims are taken with ``FOR UPDATE SKIP LOCKED``, so
concurrent takers get disjoint rows. Migrations run under ``pg_advisory_xact_lock`` (per
schema), so instances starting at once apply each version once; versions are rows of
``schema_version``.
"""

import json
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from typing import Any

import psycopg
from psycopg_pool import AsyncConnectionPool, PoolTimeout

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
    from_timestamptz,
    whole_utc,
)
from bot.storage.updates import UPDATE_DELIVERY_COLUMNS as UPDATE_COLUMNS
from bot.storage.updates import UPDATES, UpdateDelivery, update_delivery
from bot.storage.urls import scrub, url_for_logs

# SQL here is fixed text plus the column lists of bot.storage.rows and "?" or %s
# placeholders; every value is a bound parameter. Hence `noqa: S608` (SQL built from
# strings) on the queries that splice in a column list.

# pg_advisory_xact_lock(LOCK_CLASS, hashtext(schema) + n): "case-brief-bot" in a 32-bit key.
_LOCK_CLASS = 0x0CB0_0B07
_MIGRATE_LOCK, _SYNC_LOCK, _VERSIONS_LOCK = 0, 1, 2
# psycopg_pool retries a lost connection with a backoff that doubles up to the whole
# reconnect_timeout (5 minutes by default: attempts 1, 2, 4, ... 64 s apart), so the store
# came back up to a minute after the server did. Each attempt now gives up after this long;
# the next request for a connection starts a fresh one at once, and the bot's database check
# asks every few seconds, so the store is back within seconds of the server.
RECONNECT_SECONDS = 4.0
PING_WAIT_SECONDS = 1.0


class _PoolChatter(logging.Filter):
    """psycopg_pool logs every failed reconnection attempt as a WARNING (one a second or so
    during an outage) and every connection lent at INFO; psycopg warns each time a query to a
    hung server is cancelled. The bot's database check reports an outage itself, once; these
    lines show only at LOG_LEVEL=DEBUG.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.ERROR:
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger().isEnabledFor(logging.DEBUG)


_POOL_CHATTER = _PoolChatter()

Connection = psycopg.AsyncConnection[tuple[Any, ...]]


class PostgresStore:
    """``RecapStore`` on a PostgreSQL database (the schema first on the connection's
    search_path).
    """

    def __init__(self, url: str, pool: AsyncConnectionPool[Connection], *, timeout: float) -> None:
        self._url = url
        self.url_for_logs = url_for_logs(url)
        self._pool = pool
        self._timeout = timeout

    @classmethod
    async def connect(
        cls, url: str, *, timeout: float = 10.0, max_size: int = 10
    ) -> "PostgresStore":
        """Connect once to report an unreachable server plainly, then open the pool."""
        where = f"PostgreSQL at {url_for_logs(url)}"
        try:
            probe = await psycopg.AsyncConnection.connect(
                url, autocommit=True, connect_timeout=max(1, round(timeout))
            )
            await probe.close()
        except psycopg.Error as error:
            raise StorageError(
                _cannot_connect(where, _first_line(scrub(str(error), url)))
            ) from None

        async def configure(connection: Connection) -> None:
            # Waiting on a lock longer than this is a fault to report, not to sit through.
            await connection.execute(
                "SELECT set_config('lock_timeout', %s, false)", (f"{int(timeout * 1000)}ms",)
            )

        for name in ("psycopg", "psycopg.pool"):  # a filter is added to a logger once
            logging.getLogger(name).addFilter(_POOL_CHATTER)
        pool: AsyncConnectionPool[Connection] = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            open=False,
            timeout=timeout,
            configure=configure,
            kwargs={"autocommit": True, "connect_timeout": max(1, round(timeout))},
            check=AsyncConnectionPool.check_connection,
            reconnect_timeout=RECONNECT_SECONDS,
            name="recap-store",
        )
        try:
            await pool.open(wait=True, timeout=timeout)
        except (psycopg.Error, PoolTimeout) as error:
            await pool.close()
            raise StorageError(
                _cannot_connect(where, _first_line(scrub(str(error), url)))
            ) from None
        return cls(url, pool, timeout=timeout)

    # --- plumbing ------------------------------------------------------------------------
    @asynccontextmanager
    async def _connection(self, wait: float | None = None) -> AsyncIterator[Connection]:
        wait = self._timeout if wait is None else wait
        try:
            async with self._pool.connection(timeout=wait) as connection:
                yield connection
        except PoolTimeout:
            msg = (
                f"PostgreSQL at {self.url_for_logs} gave no connection within {wait:g} s "
                "(unreachable, or every connection busy): check the server and the network"
            )
            raise StorageError(msg) from None
        except psycopg.Error as error:
            raise self._storage_error(error) from None

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[Connection]:
        async with self._connection() as connection, connection.transaction():
            yield connection

    def _storage_error(self, error: psycopg.Error) -> StorageError:
        where = f"PostgreSQL at {self.url_for_logs}"
        state = error.sqlstate or ""
        detail = _first_line(scrub(str(error), self._url))
        if state == "25006":
            return StorageError(
                f"{where} is read-only (a standby?): point DATABASE_URL at the primary"
            )
        if state in ("55P03", "57014", "40P01"):
            return StorageError(
                f"{where}: waited more than {self._timeout:g} s for a lock held by another "
                f"session ({detail}): find it in pg_stat_activity, then retry"
            )
        if state.startswith("53"):
            return StorageError(
                f"{where} is out of resources ({detail}): free disk space or raise its limits"
            )
        if state == "42501":
            return StorageError(
                f"{where}: permission denied ({detail}): grant the bot's user rights on its schema"
            )
        if isinstance(error, psycopg.OperationalError) or state.startswith(("08", "57P")):
            return StorageError(_cannot_connect(where, detail))
        return StorageError(f"{where} failed: {detail}")

    # --- lifecycle -----------------------------------------------------------------------
    async def migrate(self) -> None:
        async with self._transaction() as db:
            # Another instance may be migrating: wait for it longer than for an ordinary lock.
            await db.execute(
                "SELECT set_config('lock_timeout', %s, true)",
                (f"{int(max(self._timeout, 300) * 1000)}ms",),
            )
            await db.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(coalesce(current_schema(), '')) + %s)",
                (_LOCK_CLASS, _MIGRATE_LOCK),
            )
            await db.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            version = await self._version(db)
            if version > migrations.LATEST:
                msg = (
                    f"PostgreSQL at {self.url_for_logs} has schema version {version}, newer than "
                    f"this bot's "
                    f"({migrations.LATEST}): run the newer bot, or point DATABASE_URL at another "
                    f"database"
                )
                raise StorageError(msg)
            # A row per version applied: a reserved number landing later is still applied.
            applied = await self._applied(db)
            for migration in migrations.pending(applied):
                for statement in migration.statements("postgresql"):
                    await db.execute(statement)  # our own files, not user text
                await db.execute(
                    "INSERT INTO schema_version (version) VALUES (%s)", (migration.version,)
                )

    @staticmethod
    async def _version(db: Connection) -> int:
        row = await (
            await db.execute("SELECT coalesce(max(version), 0) FROM schema_version")
        ).fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    async def _applied(db: Connection) -> set[int]:
        rows = await (await db.execute("SELECT version FROM schema_version")).fetchall()
        return {int(row[0]) for row in rows}

    async def schema_version(self) -> int:
        async with self._connection() as db:
            return await self._version(db)

    async def ping(self) -> None:
        # A check, not work: say at once that no connection is to be had (the pool keeps
        # trying in the background) rather than wait out the whole timeout.
        async with self._connection(wait=PING_WAIT_SECONDS) as db:
            await db.execute("SELECT 1")

    async def close(self) -> None:
        await self._pool.close()

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
        async with self._transaction() as db:
            created = await _insert_subscription(
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
            cursor = await db.execute(
                f"SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions"  # noqa: S608
                " WHERE platform=%s AND channel=%s AND frequency=%s AND time=%s AND timezone=%s",
                (platform, channel, frequency, time, tz),
            )
            row = await cursor.fetchone()
        assert row is not None  # inserted or already there, in this transaction
        return _subscription(row), created

    async def remove_subscription(self, subscription_id: int) -> bool:
        async with self._connection() as db:
            cursor = await db.execute("DELETE FROM subscriptions WHERE id=%s", (subscription_id,))
            return cursor.rowcount == 1

    async def subscriptions(
        self,
        platform: str | None = None,
        channel: str | None = None,
        *,
        workspace: str | None = None,
    ) -> list[Subscription]:
        async with self._connection() as db:
            cursor = await db.execute(
                f"SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE "  # noqa: S608
                f"(%(p)s::text IS NULL OR "
                f"platform=%(p)s)"
                " AND (%(c)s::text IS NULL OR channel=%(c)s) AND (%(w)s::text IS NULL OR "
                "workspace=%(w)s)"
                " ORDER BY id",
                {"p": platform, "c": channel, "w": workspace},
            )
            return [_subscription(r) for r in await cursor.fetchall()]

    async def sync_declared(
        self, declared: Sequence[tuple[Declared, datetime | None]], now: datetime
    ) -> None:
        wanted = {
            declared_key(entry): (entry[1], due, declared_lang(entry)) for entry, due in declared
        }
        async with self._transaction() as db:
            # Instances starting at once each sync; one at a time keeps the deletes and inserts
            # simple.
            await db.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(coalesce(current_schema(), '')) + %s)",
                (_LOCK_CLASS, _SYNC_LOCK),
            )
            cursor = await db.execute(
                "SELECT id, platform, channel, frequency, time, timezone"
                " FROM subscriptions WHERE origin='settings'"
            )
            gone = [(id_,) for id_, *key in await cursor.fetchall() if tuple(key) not in wanted]
            async with (
                db.cursor() as many
            ):  # executemany pipelines: one round trip, not one per row
                await many.executemany("DELETE FROM subscriptions WHERE id=%s", gone)
                await many.executemany(
                    _INSERT_SUBSCRIPTION,
                    [
                        (p, ws, c, f, t, tz, "settings", "settings", whole_utc(now), _instant(due))
                        for (p, c, f, t, tz), (ws, due, _lang) in wanted.items()
                    ],
                )
                await many.executemany(
                    "UPDATE subscriptions SET workspace=%s, lang=%s, "
                    "next_due=COALESCE(next_due, %s) WHERE "
                    "origin='settings'"
                    " AND platform=%s AND channel=%s AND frequency=%s AND time=%s AND timezone=%s",
                    [
                        (ws, lang, _instant(due), p, c, f, t, tz)
                        for (p, c, f, t, tz), (ws, due, lang) in wanted.items()
                    ],
                )

    async def pause(self, subscription_id: int, reason: str) -> bool:
        async with self._connection() as db:
            cursor = await db.execute(
                "UPDATE subscriptions SET paused_reason=%s WHERE id=%s AND paused_reason IS NULL",
                (reason, subscription_id),
            )
            return cursor.rowcount == 1

    async def pause_workspace(self, platform: str, workspace: str, reason: str) -> int:
        async with self._connection() as db:
            cursor = await db.execute(
                "UPDATE subscriptions SET paused_reason=%s WHERE platform=%s AND workspace=%s"
                " AND paused_reason IS NULL",
                (reason, platform, workspace),
            )
            return cursor.rowcount

    async def resume_workspace(self, platform: str, workspace: str) -> int:
        async with self._connection() as db:
            cursor = await db.execute(
                "UPDATE subscriptions SET paused_reason=NULL WHERE platform=%s AND workspace=%s"
                " AND paused_reason IS NOT NULL",
                (platform, workspace),
            )
            return cursor.rowcount

    # --- scheduling ----------------------------------------------------------------------
    async def due(self, now: datetime, limit: int = 1000) -> list[Subscription]:
        async with self._connection() as db:
            cursor = await db.execute(
                f"SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE "  # noqa: S608
                f"paused_reason IS NULL AND "
                f"next_due <= %s"
                " ORDER BY next_due, id LIMIT %s",
                (whole_utc(now), limit),
            )
            return [_subscription(r) for r in await cursor.fetchall()]

    async def earliest_due(self) -> datetime | None:
        async with self._connection() as db:
            cursor = await db.execute(
                "SELECT min(next_due) FROM subscriptions WHERE paused_reason IS NULL"
            )
            row = await cursor.fetchone()
        return from_timestamptz(row[0]) if row and row[0] is not None else None

    async def advance(
        self, subscription_id: int, slot: datetime | None, next_due: datetime | None
    ) -> bool:
        async with self._connection() as db:
            cursor = await db.execute(
                "UPDATE subscriptions SET next_due=%s WHERE id=%s AND next_due IS NOT DISTINCT "
                "FROM %s::timestamptz",
                (_instant(next_due), subscription_id, _instant(slot)),
            )
            return cursor.rowcount == 1

    # --- deliveries ----------------------------------------------------------------------
    async def claim(
        self, subscription_id: int, slot: datetime, owner: str, now: datetime, lease_until: datetime
    ) -> bool:
        async with self._connection() as db:
            cursor = await db.execute(
                "INSERT INTO deliveries (subscription_id, slot, status, claimed_by, claimed_at, "
                "lease_until)"
                " VALUES (%s, %s, 'claimed', %s, %s, %s) ON CONFLICT DO NOTHING",
                (subscription_id, whole_utc(slot), owner, whole_utc(now), whole_utc(lease_until)),
            )
            return cursor.rowcount == 1

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
        at = whole_utc(now)
        async with self._connection() as db:
            cursor = await db.execute(
                "INSERT INTO deliveries (subscription_id, slot, status, claimed_by, claimed_at, "
                "lease_until,"
                " finished_at, detail) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO "
                "NOTHING",
                (subscription_id, whole_utc(slot), status, owner, at, at, at, detail),
            )
            return cursor.rowcount == 1

    async def finish(
        self,
        subscription_id: int,
        slot: datetime,
        status: str,
        now: datetime,
        detail: str | None = None,
    ) -> None:
        rows.check_final(status)
        async with self._connection() as db:
            await db.execute(
                "UPDATE deliveries SET status=%s, finished_at=%s, detail=%s WHERE "
                "subscription_id=%s AND slot=%s",
                (status, whole_utc(now), detail, subscription_id, whole_utc(slot)),
            )

    async def renew_leases(self, owner: str, lease_until: datetime) -> int:
        return await self._renew(rows.DELIVERIES, owner, lease_until)

    async def take_over_expired(
        self, owner: str, now: datetime, lease_until: datetime, limit: int = 100
    ) -> list[Delivery]:
        # claimed_at is kept: the new owner checks the channel from the original claim on.
        found = await self._take_over(rows.DELIVERIES, owner, now, lease_until, limit)
        return sorted(map(_delivery, found), key=lambda d: (d.slot, d.subscription_id))

    async def open_claims(self) -> list[Delivery]:
        async with self._connection() as db:
            cursor = await db.execute(
                f"SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE status='claimed'"  # noqa: S608
                " ORDER BY slot, subscription_id"
            )
            return [_delivery(r) for r in await cursor.fetchall()]

    async def last_delivery(self, subscription_id: int) -> Delivery | None:
        return (await self.last_deliveries([subscription_id])).get(subscription_id)

    async def last_deliveries(self, subscription_ids: Sequence[int]) -> dict[int, Delivery]:
        async with self._connection() as db:
            found = await _newest_finished(
                db, "deliveries", DELIVERY_COLUMNS, "slot", subscription_ids
            )
        return {int(r[0]): _delivery(r) for r in found}

    async def deliveries(self) -> list[Delivery]:
        async with self._connection() as db:
            cursor = await db.execute(
                f"SELECT {DELIVERY_COLUMNS} FROM deliveries ORDER BY slot, "  # noqa: S608
                f"subscription_id"
            )
            return [_delivery(r) for r in await cursor.fetchall()]

    # --- what each channel was told ------------------------------------------------------
    async def told(self, platform: str, channel: str) -> tuple[datetime, dict[str, Any]] | None:
        async with self._connection() as db:
            cursor = await db.execute(
                "SELECT c.told_at, COALESCE(t.snapshot, c.snapshot) FROM channel_state AS c"
                " LEFT JOIN told_snapshots AS t ON t.digest=c.digest"
                " WHERE c.platform=%s AND c.channel=%s",
                (platform, channel),
            )
            row = await cursor.fetchone()
        return (from_timestamptz(row[0]), json.loads(row[1])) if row else None

    async def remember_told(
        self, platform: str, channel: str, when: datetime, snapshot: dict[str, Any]
    ) -> None:
        async with self._connection() as db:
            await db.execute(
                "INSERT INTO channel_state (platform, channel, told_at, snapshot) VALUES (%s, %s, "
                "%s, %s)"
                " ON CONFLICT (platform, channel) DO UPDATE SET told_at=excluded.told_at, "
                "snapshot=excluded.snapshot, digest=NULL",
                (platform, channel, whole_utc(when), json.dumps(snapshot, sort_keys=True)),
            )

    async def set_subscription_lang(self, subscription_id: int, lang: str) -> bool:
        async with self._connection() as db:
            cursor = await db.execute(
                "UPDATE subscriptions SET lang=%s WHERE id=%s AND lang<>%s",
                (lang, subscription_id, lang),
            )
            return cursor.rowcount == 1

    # --- each person's language ------------------------------------------------------------
    async def user_language(self, platform: str, workspace: str, user: str) -> str | None:
        async with self._connection() as db:
            cursor = await db.execute(
                "SELECT lang FROM user_languages WHERE platform=%s AND workspace=%s AND user_id=%s",
                (platform, workspace, user),
            )
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def set_user_language(
        self, platform: str, workspace: str, user: str, lang: str | None, now: datetime
    ) -> None:
        async with self._connection() as db:
            if lang is None:
                await db.execute(
                    "DELETE FROM user_languages WHERE platform=%s AND workspace=%s AND user_id=%s",
                    (platform, workspace, user),
                )
                return
            await db.execute(
                "INSERT INTO user_languages (platform, workspace, user_id, lang, chosen_at)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (platform, workspace, user_id)"
                " DO UPDATE SET lang=excluded.lang, chosen_at=excluded.chosen_at",
                (platform, workspace, user, lang, whole_utc(now)),
            )

    # --- issue 19: intake ----------------------------------------------------------------
    async def intake_add(self, candidate: NewCandidate, now: datetime) -> int | None:
        c = candidate
        values = (
            c.kind, c.origin, c.url, c.guid, c.content_hash, c.title, c.outlet, c.stated_date,
            c.body, c.review, c.status, whole_utc(now),
        )  # fmt: skip
        async with self._connection() as db:
            cursor = await db.execute(_pg(rows.INSERT_CANDIDATE), values)
            row = await cursor.fetchone()
        return int(row[0]) if row else None

    async def intake_known(self, keys: Sequence[str]) -> set[str]:
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return set()
        async with self._connection() as db:
            cursor = await db.execute(
                "SELECT url, guid FROM intake_candidates WHERE url = ANY(%s) OR guid = ANY(%s)",
                (wanted, wanted),
            )
            found = await cursor.fetchall()
        chosen = set(wanted)
        return {key for url, guid in found for key in (url, guid) if key in chosen}

    async def intake_candidate(self, candidate_id: int) -> Candidate | None:
        async with self._connection() as db:
            cursor = await db.execute(
                f"SELECT {rows.CANDIDATE_COLUMNS} FROM intake_candidates WHERE id=%s",  # noqa: S608
                (candidate_id,),
            )
            row = await cursor.fetchone()
        return rows.candidate(row, from_timestamptz) if row else None

    async def intake_candidates(self, status: str | None, limit: int = 200) -> list[Candidate]:
        where, args = ("status=%s", (status,)) if status else ("status<>'seen'", ())
        async with self._connection() as db:
            cursor = await db.execute(
                f"SELECT {rows.CANDIDATE_COLUMNS} FROM intake_candidates WHERE {where}"  # noqa: S608
                " ORDER BY id DESC LIMIT %s",
                (*args, limit),
            )
            found = await cursor.fetchall()
        return [rows.candidate(row, from_timestamptz) for row in found]

    async def intake_decide(
        self, candidate_id: int, status: str, source_id: str | None, now: datetime
    ) -> bool:
        async with self._connection() as db:
            cursor = await db.execute(
                "UPDATE intake_candidates SET status=%s, source_id=%s, decided_at=%s"
                " WHERE id=%s AND status='new'",
                (status, source_id, whole_utc(now), candidate_id),
            )
            return cursor.rowcount == 1

    async def intake_unposted(self, now: datetime, owner: str, limit: int = 100) -> list[Candidate]:
        async with self._connection() as db:
            cursor = await db.execute(_pg(rows.UNPOSTED), (owner, whole_utc(now), limit))
            found = await cursor.fetchall()
        return [rows.candidate(row, from_timestamptz) for row in found]

    async def intake_claim_post(
        self, candidate_id: int, owner: str, lease_until: datetime, now: datetime
    ) -> bool:
        async with self._connection() as db:
            cursor = await db.execute(
                _pg(rows.CLAIM_POST),
                (owner, whole_utc(lease_until), candidate_id, owner, whole_utc(now)),
            )
            return cursor.rowcount == 1

    async def intake_post_step(
        self, candidate_id: int, owner: str, column: str, value: str | datetime
    ) -> bool:
        if column not in POST_STEPS:
            msg = f"not a step of the editors' post: {column}"
            raise ValueError(msg)
        stored = whole_utc(value) if isinstance(value, datetime) else value
        async with self._connection() as db:
            cursor = await db.execute(
                f"UPDATE intake_candidates SET {column}=%s WHERE id=%s AND post_owner=%s",  # noqa: S608
                (stored, candidate_id, owner),
            )
            return cursor.rowcount == 1

    async def intake_feed_states(self) -> dict[str, tuple[str | None, str | None]]:
        async with self._connection() as db:
            cursor = await db.execute("SELECT url, etag, last_modified FROM intake_feeds")
            found = await cursor.fetchall()
        return {url: (etag, modified) for url, etag, modified in found}

    async def intake_set_feed_state(
        self, url: str, etag: str | None, last_modified: str | None, now: datetime
    ) -> None:
        async with self._connection() as db:
            await db.execute(
                "INSERT INTO intake_feeds (url, etag, last_modified, polled_at)"
                " VALUES (%s, %s, %s, %s) ON CONFLICT (url) DO UPDATE SET etag=excluded.etag,"
                " last_modified=excluded.last_modified, polled_at=excluded.polled_at",
                (url, etag, last_modified, whole_utc(now)),
            )

    # --- issue 18a: content versions ---------------------------------------------------------
    async def record_content_version(
        self, content_hash: str, as_of: date, snapshot_json: str, recorded_at: datetime
    ) -> tuple[int, bool]:
        async with self._transaction() as db:
            # Instances recording at once take turns: the second sees the first's version.
            await db.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(coalesce(current_schema(), '')) + %s)",
                (_LOCK_CLASS, _VERSIONS_LOCK),
            )
            cursor = await db.execute(
                "SELECT number, content_hash FROM content_versions ORDER BY number DESC LIMIT 1"
            )
            latest = await cursor.fetchone()
            if latest is not None and latest[1] == content_hash:
                return int(latest[0]), False
            number = int(latest[0]) + 1 if latest is not None else 1
            await db.execute(
                "INSERT INTO content_versions (number, content_hash, as_of, recorded_at, snapshot)"
                " VALUES (%s, %s, %s, %s, %s)",
                (number, content_hash, as_of.isoformat(), whole_utc(recorded_at), snapshot_json),
            )
            return number, True

    async def content_versions(self, since_number: int | None = None) -> list[StoredVersion]:
        async with self._connection() as db:
            cursor = await db.execute(
                f"SELECT {VERSION_COLUMNS} FROM content_versions WHERE number > %s"  # noqa: S608
                " ORDER BY number",
                (since_number if since_number is not None else 0,),
            )
            return [rows.stored_version(r, from_timestamptz) for r in await cursor.fetchall()]

    async def latest_content_version(self) -> StoredVersion | None:
        async with self._connection() as db:
            cursor = await db.execute(
                f"SELECT {VERSION_COLUMNS} FROM content_versions"  # noqa: S608
                " ORDER BY number DESC LIMIT 1"
            )
            row = await cursor.fetchone()
        return rows.stored_version(row, from_timestamptz) if row else None

    # --- issue 18b: updates ---
    async def updates_due(
        self, version: int, limit: int = 1000
    ) -> list[tuple[Subscription, int | None]]:
        columns = ", ".join(f"s.{c.strip()}" for c in SUBSCRIPTION_COLUMNS.split(","))
        async with self._connection() as db:
            cursor = await db.execute(
                f"SELECT {columns}, u.told_version FROM subscriptions AS s"  # noqa: S608
                " LEFT JOIN update_state AS u ON u.subscription_id = s.id"
                " WHERE s.frequency=%s AND s.paused_reason IS NULL"
                " AND (u.told_version IS NULL OR u.told_version < %s) ORDER BY s.id LIMIT %s",
                (UPDATES, version, limit),
            )
            found = await cursor.fetchall()
        return [(_subscription(r[:-1]), None if r[-1] is None else int(r[-1])) for r in found]

    async def start_updates(self, subscription_id: int, version: int) -> bool:
        async with self._connection() as db:
            cursor = await db.execute(
                "INSERT INTO update_state (subscription_id, told_version) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING",
                (subscription_id, version),
            )
            return cursor.rowcount == 1

    async def claim_update(
        self,
        subscription_id: int,
        since: int,
        version: int,
        owner: str,
        now: datetime,
        lease_until: datetime,
    ) -> bool:
        # The UPDATE's row lock makes a concurrent claimer wait, then see the moved version.
        async with self._transaction() as db:
            cursor = await db.execute(
                "UPDATE update_state SET told_version=%s"
                " WHERE subscription_id=%s AND told_version=%s",
                (version, subscription_id, since),
            )
            if cursor.rowcount != 1:
                return False
            cursor = await db.execute(
                "INSERT INTO update_deliveries (subscription_id, version, since_version, status,"
                " claimed_by, claimed_at, lease_until)"
                " VALUES (%s, %s, %s, 'claimed', %s, %s, %s) ON CONFLICT DO NOTHING",
                (subscription_id, version, since, owner, whole_utc(now), whole_utc(lease_until)),
            )
            return cursor.rowcount == 1

    async def finish_update(
        self,
        subscription_id: int,
        version: int,
        status: str,
        now: datetime,
        detail: str | None = None,
    ) -> None:
        rows.check_final(status)
        async with self._connection() as db:
            await db.execute(
                "UPDATE update_deliveries SET status=%s, finished_at=%s, detail=%s"
                " WHERE subscription_id=%s AND version=%s",
                (status, whole_utc(now), detail, subscription_id, version),
            )

    async def renew_update_leases(self, owner: str, lease_until: datetime) -> int:
        return await self._renew(rows.UPDATE_DELIVERIES, owner, lease_until)

    async def take_over_expired_updates(
        self, owner: str, now: datetime, lease_until: datetime, limit: int = 100
    ) -> list[UpdateDelivery]:
        found = await self._take_over(rows.UPDATE_DELIVERIES, owner, now, lease_until, limit)
        return sorted(map(_update_delivery, found), key=lambda d: (d.version, d.subscription_id))

    async def open_update_claims(self) -> list[UpdateDelivery]:
        async with self._connection() as db:
            cursor = await db.execute(
                f"SELECT {UPDATE_COLUMNS} FROM update_deliveries"  # noqa: S608
                " WHERE status='claimed' ORDER BY version, subscription_id"
            )
            return [_update_delivery(r) for r in await cursor.fetchall()]

    async def last_update_deliveries(
        self, subscription_ids: Sequence[int]
    ) -> dict[int, UpdateDelivery]:
        async with self._connection() as db:
            found = await _newest_finished(
                db, "update_deliveries", UPDATE_COLUMNS, "version", subscription_ids
            )
        return {int(r[0]): _update_delivery(r) for r in found}

    async def update_deliveries(self) -> list[UpdateDelivery]:
        async with self._connection() as db:
            cursor = await db.execute(
                f"SELECT {UPDATE_COLUMNS} FROM update_deliveries"  # noqa: S608
                " ORDER BY version, subscription_id"
            )
            return [_update_delivery(r) for r in await cursor.fetchall()]

    # --- issue 18c: corrections ---------------------------------------------------------
    async def record_post(self, post: PostRecord) -> int:
        async with self._transaction() as db:
            return (await _insert_posts(db, [post]))[0]

    async def _posts(
        self, where: str, params: Sequence[Any], limit: int | None = None
    ) -> list[Post]:
        async with self._connection() as db:
            cursor = await db.execute(
                f"SELECT {rows.POST_COLUMNS} FROM posts p JOIN post_bodies b"  # noqa: S608
                f" ON b.digest = p.body WHERE {where} ORDER BY p.posted_at, p.id LIMIT %s",
                (*params, limit),
            )
            found = await cursor.fetchall()
            claims: dict[int, list[str]] = {int(r[0]): [] for r in found}
            if claims:
                cursor = await db.execute(
                    "SELECT claim_key, post_id FROM post_claims WHERE post_id = ANY(%s::bigint[])",
                    (list(claims),),
                )
                for key, post_id in await cursor.fetchall():
                    claims[int(post_id)].append(key)
        return [rows.post(r, from_timestamptz, claims[int(r[0])]) for r in found]

    async def post(self, post_id: int) -> Post | None:
        found = await self._posts("p.id = %s", (post_id,))
        return found[0] if found else None

    async def posts_to_correct(
        self, claim_keys: Sequence[str], version: int, limit: int = 10_000
    ) -> list[Post]:
        keys = sorted(set(claim_keys))
        if not keys:
            return []
        return await self._posts(
            "p.id IN (SELECT post_id FROM post_claims WHERE claim_key = ANY(%s::text[]))"
            " AND (p.version IS NULL OR p.version < %s) AND NOT EXISTS (SELECT 1 FROM"
            " post_corrections c WHERE c.post_id = p.id AND c.version = %s)",
            (keys, version, version),
            limit,
        )

    async def update_post(self, post_id: int, version: int, reply: str) -> None:
        digest = rows.body_digest(reply)
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO post_bodies (digest, reply) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (digest, reply),
            )
            await db.execute(
                "UPDATE posts SET version=%s, body=%s WHERE id=%s"
                " AND (version IS NULL OR version<=%s)",
                (version, digest, post_id, version),
            )

    async def claim_correction(
        self, post_id: int, version: int, owner: str, now: datetime, lease_until: datetime
    ) -> bool:
        async with self._connection() as db:
            cursor = await db.execute(
                "INSERT INTO post_corrections (post_id, version, status, claimed_by, claimed_at,"
                " lease_until) VALUES (%s, %s, 'claimed', %s, %s, %s) ON CONFLICT DO NOTHING",
                (post_id, version, owner, whole_utc(now), whole_utc(lease_until)),
            )
            return cursor.rowcount == 1

    async def record_correction(
        self, post_id: int, version: int, status: str, owner: str, now: datetime, detail: str
    ) -> bool:
        rows.check_correction(status)
        at = whole_utc(now)
        async with self._connection() as db:
            cursor = await db.execute(
                "INSERT INTO post_corrections (post_id, version, status, claimed_by, claimed_at,"
                " lease_until, finished_at, detail) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                (post_id, version, status, owner, at, at, at, detail),
            )
            return cursor.rowcount == 1

    async def set_correction(
        self, post_id: int, version: int, status: str, now: datetime, detail: str | None = None
    ) -> None:
        rows.check_correction(status)
        finished = whole_utc(now) if status != "edited" else None
        async with self._connection() as db:
            await db.execute(
                "UPDATE post_corrections SET status=%s, finished_at=%s, detail=%s"
                " WHERE post_id=%s AND version=%s",
                (status, finished, detail, post_id, version),
            )

    async def release_correction(self, post_id: int, version: int) -> None:
        async with self._connection() as db:
            await db.execute(
                "DELETE FROM post_corrections WHERE post_id=%s AND version=%s AND status='claimed'",
                (post_id, version),
            )

    async def renew_correction_leases(self, owner: str, lease_until: datetime) -> int:
        return await self._renew(rows.POST_CORRECTIONS, owner, lease_until)

    async def take_over_corrections(
        self, owner: str, now: datetime, lease_until: datetime, limit: int = 100
    ) -> list[PostCorrection]:
        found = await self._take_over(rows.POST_CORRECTIONS, owner, now, lease_until, limit)
        return sorted(
            (rows.correction(r, from_timestamptz) for r in found),
            key=lambda c: (c.version, c.post_id),
        )

    async def _renew(self, table: rows.LeasedTable, owner: str, until: datetime) -> int:
        """Renew every lease ``owner`` holds in ``table``; how many."""
        async with self._connection() as db:
            cursor = await db.execute(
                f"UPDATE {table.name} SET lease_until=%s"  # noqa: S608
                f" WHERE claimed_by=%s AND {table.held()}",
                (whole_utc(until), owner),
            )
            return cursor.rowcount

    async def _take_over(
        self, table: rows.LeasedTable, owner: str, now: datetime, until: datetime, limit: int
    ) -> list[tuple[Any, ...]]:
        """Rows of ``table`` whose lease ran out before ``now``, now ``owner``'s until
        ``until``. SKIP LOCKED: a row another taker is moving is not waited for, it is not
        ours. The CTE runs once (a subquery in FROM may be rescanned and overrun its LIMIT),
        and the row is checked again as it is when locked.
        """
        first, second = table.keys
        returning = ", ".join("t." + c.strip() for c in table.columns.split(","))
        async with self._connection() as db:
            cursor = await db.execute(
                f"WITH expired AS MATERIALIZED (SELECT {first}, {second}"  # noqa: S608
                f"  FROM {table.name} WHERE {table.held()} AND lease_until < %(now)s"
                "  ORDER BY lease_until LIMIT %(limit)s FOR UPDATE SKIP LOCKED)"
                f" UPDATE {table.name} AS t SET claimed_by=%(owner)s, lease_until=%(lease)s"
                f" FROM expired WHERE t.{first}=expired.{first} AND t.{second}=expired.{second}"
                f"  AND {table.held('t.')} AND t.lease_until < %(now)s RETURNING {returning}",
                {"owner": owner, "lease": whole_utc(until), "now": whole_utc(now), "limit": limit},
            )
            return await cursor.fetchall()

    async def post_corrections(self, version: int | None = None) -> list[PostCorrection]:
        async with self._connection() as db:
            cursor = await db.execute(
                f"SELECT {rows.CORRECTION_COLUMNS} FROM post_corrections"  # noqa: S608
                " WHERE %s::int IS NULL OR version = %s ORDER BY version, post_id",
                (version, version),
            )
            return [rows.correction(r, from_timestamptz) for r in await cursor.fetchall()]

    async def skipped_corrections(self, limit: int = 500) -> list[tuple[PostCorrection, Post]]:
        async with self._connection() as db:
            cursor = await db.execute(
                f"SELECT {rows.CORRECTION_COLUMNS} FROM post_corrections"  # noqa: S608
                " WHERE status='skipped' ORDER BY finished_at DESC, post_id LIMIT %s",
                (limit,),
            )
            found = [rows.correction(r, from_timestamptz) for r in await cursor.fetchall()]
        ids = sorted({c.post_id for c in found})
        posts = {p.id: p for p in await self._posts("p.id = ANY(%s::bigint[])", (ids,))}
        return [(c, posts[c.post_id]) for c in found if c.post_id in posts]

    async def pause_corrections(
        self, platform: str, channel: str, reason: str, now: datetime
    ) -> bool:
        async with self._connection() as db:
            cursor = await db.execute(
                "INSERT INTO correction_pauses (platform, channel, reason, paused_at)"
                " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                (platform, channel, reason, whole_utc(now)),
            )
            return cursor.rowcount == 1

    async def resume_corrections(self, platform: str, channel: str) -> bool:
        async with self._connection() as db:
            cursor = await db.execute(
                "DELETE FROM correction_pauses WHERE platform=%s AND channel=%s",
                (platform, channel),
            )
            return cursor.rowcount == 1

    async def correction_pauses(self) -> dict[tuple[str, str], tuple[str, datetime]]:
        async with self._connection() as db:
            cursor = await db.execute(
                "SELECT platform, channel, reason, paused_at FROM correction_pauses"
            )
            return {(p, c): (r, from_timestamptz(at)) for p, c, r, at in await cursor.fetchall()}

    # --- issue 21: pressure ---
    def still_current(self) -> bool:
        return True  # a server's database does not vanish under a connection unseen

    async def claim_many(
        self, items: Sequence[ToClaim], owner: str, now: datetime, lease_until: datetime
    ) -> set[int]:
        ids = [id_ for id_, _, _ in items]
        slots = [whole_utc(slot) for _, slot, _ in items]
        following = [_instant(after) for _, _, after in items]
        async with self._transaction() as db:
            cursor = await db.execute(
                "INSERT INTO deliveries (subscription_id, slot, status, claimed_by, claimed_at, "
                "lease_until) SELECT id, slot, 'claimed', %s, %s, %s"
                " FROM unnest(%s::bigint[], %s::timestamptz[]) AS c(id, slot)"
                " ON CONFLICT DO NOTHING RETURNING subscription_id",
                (owner, whole_utc(now), whole_utc(lease_until), ids, slots),
            )
            claimed = {int(row[0]) for row in await cursor.fetchall()}
            await db.execute(
                "UPDATE subscriptions AS s SET next_due=a.following"
                " FROM unnest(%s::bigint[], %s::timestamptz[], %s::timestamptz[])"
                " AS a(id, slot, following) WHERE s.id=a.id AND s.next_due=a.slot",
                (ids, slots, following),
            )
        return claimed

    async def told_many(
        self, platform: str, channels: Sequence[str]
    ) -> dict[str, tuple[datetime, dict[str, Any]]]:
        async with self._connection() as db:
            cursor = await db.execute(
                "SELECT c.channel, c.told_at, COALESCE(t.snapshot, c.snapshot)"
                " FROM channel_state AS c LEFT JOIN told_snapshots AS t ON t.digest=c.digest"
                " WHERE c.platform=%s AND c.channel = ANY(%s::text[])",
                (platform, list(dict.fromkeys(channels))),
            )
            parsed = rows.SnapshotParser()
            return {
                str(channel): (from_timestamptz(told_at), parsed(snapshot))
                for channel, told_at, snapshot in await cursor.fetchall()
            }

    async def record_outcomes(
        self, finished: Sequence[Finished], told: Sequence[Told], posts: Sequence[PostRecord] = ()
    ) -> None:
        for outcome in finished:
            rows.check_final(outcome[2])
        latest: dict[tuple[str, str], Told] = {}
        for entry in told:  # one row per channel in one statement: the last word wins
            latest[(entry[0], entry[1])] = entry
        async with self._transaction() as db:
            if posts:
                await _insert_posts(db, posts)
            if finished:
                await db.execute(
                    "UPDATE deliveries AS d SET status=f.status, finished_at=f.at, detail=f.detail"
                    " FROM unnest(%s::bigint[], %s::timestamptz[], %s::text[], "
                    "%s::timestamptz[], %s::text[]) AS f(id, slot, status, at, detail)"
                    " WHERE d.subscription_id=f.id AND d.slot=f.slot",
                    (
                        [f[0] for f in finished],
                        [whole_utc(f[1]) for f in finished],
                        [f[2] for f in finished],
                        [whole_utc(f[3]) for f in finished],
                        [f[4] for f in finished],
                    ),
                )
            if latest:
                entries = list(latest.values())
                names, texts = rows.snapshot_digests(entries)
                await db.execute(
                    "INSERT INTO told_snapshots (digest, snapshot)"
                    " SELECT * FROM unnest(%s::text[], %s::text[]) ON CONFLICT DO NOTHING",
                    (list(texts), list(texts.values())),
                )
                await db.execute(
                    "INSERT INTO channel_state (platform, channel, told_at, snapshot, digest)"
                    " SELECT p, c, t, '', d FROM unnest(%s::text[], %s::text[], "
                    "%s::timestamptz[], %s::text[]) AS e(p, c, t, d)"
                    " ON CONFLICT (platform, channel) DO UPDATE SET told_at=excluded.told_at,"
                    " snapshot='', digest=excluded.digest",
                    (
                        [t[0] for t in entries],
                        [t[1] for t in entries],
                        [whole_utc(t[2]) for t in entries],
                        names,
                    ),
                )

    async def release_claims(self, owner: str, keys: Sequence[ClaimKey]) -> int:
        async with self._transaction() as db:
            cursor = await db.execute(
                "DELETE FROM deliveries AS d USING unnest(%s::bigint[], %s::timestamptz[])"
                " AS k(id, slot) WHERE d.subscription_id=k.id AND d.slot=k.slot"
                " AND d.claimed_by=%s AND d.status='claimed' RETURNING d.subscription_id, d.slot",
                ([k[0] for k in keys], [whole_utc(k[1]) for k in keys], owner),
            )
            released = await cursor.fetchall()
            if released:
                await db.execute(
                    "UPDATE subscriptions AS s SET next_due=r.slot"
                    " FROM unnest(%s::bigint[], %s::timestamptz[]) AS r(id, slot)"
                    " WHERE s.id=r.id AND (s.next_due IS NULL OR s.next_due > r.slot)",
                    ([r[0] for r in released], [r[1] for r in released]),
                )
        return len(released)

    async def expire_claims(self, owner: str, keys: Sequence[ClaimKey], now: datetime) -> int:
        async with self._connection() as db:
            cursor = await db.execute(
                "UPDATE deliveries AS d SET lease_until=%s"
                " FROM unnest(%s::bigint[], %s::timestamptz[]) AS k(id, slot)"
                " WHERE d.subscription_id=k.id AND d.slot=k.slot AND d.claimed_by=%s"
                " AND d.status='claimed'",
                (
                    whole_utc(now - timedelta(seconds=1)),
                    [k[0] for k in keys],
                    [whole_utc(k[1]) for k in keys],
                    owner,
                ),
            )
            return cursor.rowcount

    async def take_over_lapsed(
        self, owner: str, now: datetime, lease_until: datetime, limit: int = 100
    ) -> list[tuple[Delivery, datetime]]:
        # As take_over_expired (SKIP LOCKED, a materialised CTE), keeping when it first lapsed.
        columns = ", ".join("d." + c.strip() for c in DELIVERY_COLUMNS.split(","))
        async with self._connection() as db:
            cursor = await db.execute(
                "WITH expired AS MATERIALIZED ("  # noqa: S608
                "  SELECT subscription_id, slot FROM deliveries WHERE status='claimed' AND "
                "lease_until < %(now)s"
                "  ORDER BY lease_until LIMIT %(limit)s FOR UPDATE SKIP LOCKED)"
                " UPDATE deliveries AS d SET claimed_by=%(owner)s, lease_until=%(lease)s,"
                " lapsed_at=COALESCE(d.lapsed_at, d.lease_until) FROM expired"
                " WHERE d.subscription_id=expired.subscription_id AND d.slot=expired.slot"
                "  AND d.status='claimed' AND d.lease_until < %(now)s"
                f" RETURNING {columns}, d.lapsed_at",
                {
                    "owner": owner,
                    "lease": whole_utc(lease_until),
                    "now": whole_utc(now),
                    "limit": limit,
                },
            )
            taken = [(_delivery(r[:-1]), from_timestamptz(r[-1])) for r in await cursor.fetchall()]
        return sorted(taken, key=lambda t: (t[0].slot, t[0].subscription_id))


_INSERT_SUBSCRIPTION = (
    "INSERT INTO subscriptions (platform, workspace, channel, frequency, time, timezone, origin, "
    "created_by,"
    " created_at, next_due) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)


async def _insert_subscription(
    db: Connection,
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
    cursor = await db.execute(
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
            whole_utc(now),
            _instant(next_due),
        ),
    )
    return cursor.rowcount == 1


def _cannot_connect(where: str, detail: str) -> str:
    return (
        f"cannot reach {where} ({detail}): check that the server runs and DATABASE_URL's host, "
        f"port, user "
        "and database"
    )


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "no detail")


def _instant(moment: datetime | None) -> datetime | None:
    return whole_utc(moment) if moment is not None else None


def _subscription(row: Sequence[Any]) -> Subscription:
    return rows.subscription(row, from_timestamptz)


def _delivery(row: Sequence[Any]) -> Delivery:
    return rows.delivery(row, from_timestamptz)


async def _newest_finished(
    db: Connection, table: str, columns: str, newest: str, ids: Sequence[int]
) -> list[tuple[Any, ...]]:
    """``columns`` of the sent or failed row with the greatest ``newest`` of each subscription
    in ``ids`` (a deliveries table: ``deliveries``, ``update_deliveries``), in one query.
    """
    cursor = await db.execute(
        f"SELECT DISTINCT ON (subscription_id) {columns} FROM {table}"  # noqa: S608
        " WHERE subscription_id = ANY(%s::bigint[]) AND status IN ('sent', 'failed')"
        f" ORDER BY subscription_id, {newest} DESC",
        (list(ids),),
    )
    return await cursor.fetchall()


def _pg(sql: str) -> str:
    """The SQL shared with SQLite (``?`` placeholders, bot.storage.rows) for psycopg (``%s``)."""
    return sql.replace("?", "%s")


def _update_delivery(row: Sequence[Any]) -> UpdateDelivery:
    return update_delivery(row, from_timestamptz)


async def _insert_posts(db: Connection, posts: Sequence[PostRecord]) -> list[int]:
    """Record each post in three statements (its body once per distinct text, its claims once);
    each one's id, the existing one where it was recorded before.
    """
    bodies = rows.body_digests(post.reply for post in posts)
    # One row per message: an upsert may not touch a row twice in one statement.
    unique = list({(p.platform, p.channel, p.message_id): p for p in reversed(posts)}.values())
    await db.execute(
        "INSERT INTO post_bodies (digest, reply) SELECT * FROM unnest(%s::text[], %s::text[])"
        " ON CONFLICT DO NOTHING",
        (list(bodies.values()), list(bodies)),
    )
    # Recorded before or not, every post's id: the no-op update makes RETURNING see old rows.
    cursor = await db.execute(
        "INSERT INTO posts (platform, workspace, channel, message_id, kind, version, lang, body,"
        " posted_at) SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[],"
        " %s::text[], %s::integer[], %s::text[], %s::text[], %s::timestamptz[])"
        " ON CONFLICT (platform, channel, message_id) DO UPDATE SET platform=excluded.platform"
        " RETURNING id, platform, channel, message_id, xmax = 0",
        (
            [p.platform for p in unique],
            [p.workspace for p in unique],
            [p.channel for p in unique],
            [p.message_id for p in unique],
            [p.kind for p in unique],
            [p.version for p in unique],
            [p.lang for p in unique],
            [bodies[p.reply] for p in unique],
            [whole_utc(p.posted_at) for p in unique],
        ),
    )
    found = {(r[1], r[2], r[3]): (int(r[0]), bool(r[4])) for r in await cursor.fetchall()}
    claims = [
        (key, found[(p.platform, p.channel, p.message_id)][0])
        for p in unique
        if found[(p.platform, p.channel, p.message_id)][1]
        for key in sorted(set(p.claims))
    ]
    if claims:
        await db.execute(
            "INSERT INTO post_claims (claim_key, post_id) SELECT * FROM"
            " unnest(%s::text[], %s::bigint[]) ON CONFLICT DO NOTHING",
            ([c[0] for c in claims], [c[1] for c in claims]),
        )
    return [found[(p.platform, p.channel, p.message_id)][0] for p in posts]
