"""Where Slack installations live: slack_sdk's SQLAlchemy store, with tokens encrypted at rest.

slack_sdk's ``AsyncSQLAlchemyInstallationStore`` keeps installations in the bot's database
(SQLite through aiosqlite, PostgreSQL through psycopg; both async, so the event loop never
waits on the disk or the network). ``EncryptedInstallationStore`` wraps any async
installation store so that bot and user tokens, and their refresh tokens, are Fernet
ciphertext in every row; ``OutageCache`` (installation_cache.py) in front of it keeps
commands answering while the database is down. OAuth states are signed, not stored
(oauth_state.py).
"""

import logging
from collections.abc import Callable
from logging import Logger
from typing import TypeVar

import sqlalchemy
from cryptography.fernet import InvalidToken, MultiFernet
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.platforms.slack.installation_cache import OutageCache
from bot.platforms.slack.oauth_state import SignedStateStore

log = logging.getLogger(__name__)
_Record = TypeVar("_Record", Installation, Bot)

TOKEN_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
_ADVISORY_LOCK = 0x51ACC0  # serialises table creation when several instances start at once


class UndecryptableTokens(Exception):
    """A stored token does not decrypt with any configured key (wrong or rotated-out key)."""


class EncryptedInstallationStore(AsyncInstallationStore):
    """Encrypts tokens on the way in and decrypts them on the way out of ``inner``."""

    def __init__(self, inner: AsyncInstallationStore, keys: MultiFernet) -> None:
        self.inner = inner
        self.keys = keys

    @property
    def logger(self) -> Logger:
        return log

    def _seal(self, value: str | None) -> str | None:
        return None if value is None else self.keys.encrypt(value.encode()).decode()

    def _open(self, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return self.keys.decrypt(value.encode()).decode()
        except InvalidToken:
            msg = "a stored Slack token does not decrypt with SLACK_TOKEN_ENCRYPTION_KEY"
            raise UndecryptableTokens(msg) from None

    def _convert(self, source: _Record, convert: Callable[[str | None], str | None]) -> _Record:
        copy = type(source)(**source.to_dict_for_copying())
        for name in TOKEN_FIELDS:
            if hasattr(copy, name):
                setattr(copy, name, convert(getattr(source, name)))
        return copy

    async def async_save(self, installation: Installation) -> None:
        await self.inner.async_save(self._convert(installation, self._seal))

    async def async_save_bot(self, bot: Bot) -> None:
        await self.inner.async_save_bot(self._convert(bot, self._seal))

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        bot = await self.inner.async_find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return None if bot is None else self._convert(bot, self._open)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = await self.inner.async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return None if found is None else self._convert(found, self._open)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.inner.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        await self.inner.async_delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.inner.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)


class SQLInstallationStore(AsyncSQLAlchemyInstallationStore):
    """slack_sdk's store with token columns wide enough for ciphertext (Fernet more than
    doubles a token, and rotating tokens are long already; PostgreSQL enforces VARCHAR(200)).
    """

    @classmethod
    def build_installations_table(
        cls, metadata: sqlalchemy.MetaData, table_name: str
    ) -> sqlalchemy.Table:
        return _widen(super().build_installations_table(metadata, table_name))

    @classmethod
    def build_bots_table(cls, metadata: sqlalchemy.MetaData, table_name: str) -> sqlalchemy.Table:
        return _widen(super().build_bots_table(metadata, table_name))


def _widen(table: sqlalchemy.Table) -> sqlalchemy.Table:
    for name in TOKEN_FIELDS:
        if name in table.c:
            table.c[name].type = sqlalchemy.Text()
    return table


def async_database_url(url: str) -> str:
    """DATABASE_URL names the database; SQLAlchemy's URL also names the async driver."""
    for plain, driver in (
        ("sqlite:///", "sqlite+aiosqlite:///"),
        ("postgresql://", "postgresql+psycopg://"),
        ("postgres://", "postgresql+psycopg://"),
    ):
        if url.startswith(plain):
            return driver + url.removeprefix(plain)
    msg = "DATABASE_URL must start with sqlite:/// or postgresql://"
    raise ValueError(msg)


def create_engine(database_url: str) -> AsyncEngine:
    # No pre-ping: it doubles the cost of the lookup every request makes. A connection the
    # server dropped fails one request and is replaced; recycling keeps them from going stale.
    return create_async_engine(async_database_url(database_url), pool_recycle=1800)


class SlackStores:
    """The installation store (encrypted, remembered for outages) on the bot's database, and
    the OAuth state store (signed states: no database).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        client_id: str,
        keys: MultiFernet,
        state_key: bytes,
        state_expiration_seconds: int = 600,
    ) -> None:
        self.engine = engine
        self.sql = SQLInstallationStore(client_id=client_id, engine=engine)
        self.encrypted = EncryptedInstallationStore(self.sql, keys)
        self.installations = OutageCache(self.encrypted)
        self.states = SignedStateStore(state_key, expiration_seconds=state_expiration_seconds)

    async def create_tables(self) -> None:
        """Idempotent; on PostgreSQL an advisory lock keeps instances starting together apart."""
        async with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(
                    sqlalchemy.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK}
                )
            await conn.run_sync(self.sql.metadata.create_all)

    async def verify_key(self) -> None:
        """Decrypt the newest stored token, if any, so a wrong key fails at start, not
        mid-request.
        """
        table = self.sql.installations
        query = (
            sqlalchemy.select(table.c.bot_token)
            .where(table.c.bot_token.is_not(None))
            .order_by(table.c.installed_at.desc())
            .limit(1)
        )
        async with self.engine.connect() as conn:
            token = (await conn.execute(query)).scalar_one_or_none()
        if token is not None:
            self.encrypted._open(token)  # noqa: SLF001 - the store of this module

    async def reencrypt(self) -> int:
        """Re-encrypt every stored token under the first key (after a key change), returning
        how many rows changed. Each row is updated only if its ciphertext is still the one
        read, so a token another instance refreshes meanwhile is never overwritten.
        """
        changed = 0
        for table in (self.sql.installations, self.sql.bots):
            columns = [table.c[name] for name in TOKEN_FIELDS if name in table.c]
            async with self.engine.connect() as conn:
                rows = (await conn.execute(sqlalchemy.select(table.c.id, *columns))).fetchall()
            for row in rows:
                old = {column.name: getattr(row, column.name) for column in columns}
                try:
                    new = {
                        name: None
                        if value is None
                        else self.encrypted.keys.rotate(value.encode()).decode()
                        for name, value in old.items()
                    }
                except InvalidToken:  # an old row under a key no longer listed: never read again
                    log.warning(
                        "a stored Slack installation row does not decrypt with any key; left as is"
                    )
                    continue
                unchanged = [
                    table.c[name].is_(None) if value is None else table.c[name] == value
                    for name, value in old.items()
                ]
                async with self.engine.begin() as conn:
                    result = await conn.execute(
                        table.update().where(table.c.id == row.id, *unchanged).values(**new)
                    )
                changed += result.rowcount
        return changed

    async def enterprise_of(self, team_id: str) -> str | None:
        """The Enterprise Grid org of a workspace (None outside a Grid): stores key on both."""
        table = self.sql.installations
        query = (
            sqlalchemy.select(table.c.enterprise_id)
            .where(table.c.client_id == self.sql.client_id, table.c.team_id == team_id)
            .order_by(table.c.installed_at.desc())
            .limit(1)
        )
        async with self.engine.connect() as conn:
            found: str | None = (await conn.execute(query)).scalar_one_or_none()
        return found

    async def close(self) -> None:
        await self.engine.dispose()
