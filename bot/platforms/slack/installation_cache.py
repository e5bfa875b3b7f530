"""Installations remembered for when the database does not answer.

In OAuth mode Bolt looks up the workspace's installation for every request. Every lookup
still goes to the database (so an uninstall or a token refreshed by another instance shows
at once), but each answer is also remembered here, bounded and for a while
(``OutageCache``). When the database fails or is slow, the remembered answer is used, so
commands that need no database (/numbers, /ruling, ...) keep answering; a workspace not seen
within that time is answered as not installed (Bolt runs nothing for it) until the database
is back. A token refreshed during the outage is kept here and saved once the database
answers again. One line when the outage starts, one when it ends. Work outside a request
(recap posts) reads the store itself: there a failure stays a failure.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from logging import Logger
from typing import TypeVar

from cachetools import TTLCache
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)
T = TypeVar("T")
_Record = TypeVar("_Record", Installation, Bot)

# What "the database did not answer" looks like from slack_sdk's SQLAlchemy store.
UNAVAILABLE = (SQLAlchemyError, OSError, asyncio.TimeoutError)
LOOKUP_SECONDS = 1.5  # Slack wants the ack within 3 s: a hung database must not take them all
REMEMBER_SECONDS = 3600.0
REMEMBER_ENTRIES = 10_000
_Key = tuple[str, str | None, str | None, str | None, bool | None]
_NOTHING = object()  # "no installation", remembered too (most users installed nothing)


def _copy(record: _Record) -> _Record:
    """Bolt edits the installation it is handed; the remembered one must stay as it was."""
    return type(record)(**record.to_dict_for_copying())


class OutageCache(AsyncInstallationStore):
    """Wraps an installation store: reads through it, answers from memory when it fails."""

    def __init__(
        self,
        inner: AsyncInstallationStore,
        *,
        seconds: float = REMEMBER_SECONDS,
        entries: int = REMEMBER_ENTRIES,
        timeout: float = LOOKUP_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner = inner
        self.timeout = timeout
        self._answers: TTLCache[_Key, object] = TTLCache(entries, seconds, timer=clock)
        self._unsaved: dict[tuple[str | None, str | None, str | None], Installation | Bot] = {}
        self.down = False

    @property
    def logger(self) -> Logger:
        return log

    # --- the outage -------------------------------------------------------------------------
    async def _call(self, work: Callable[[], Awaitable[T]]) -> T:
        result = await asyncio.wait_for(work(), self.timeout)
        if self.down:
            self.down = False
            log.info("Slack installations readable again")
        if self._unsaved:
            await self._save_unsaved()
        return result

    def _failed(self, error: BaseException) -> None:
        if not self.down:
            self.down = True
            log.error(
                "Slack installations cannot be read (%s); answering workspaces seen in the last "
                "%.0f minutes from memory until the database answers",
                type(getattr(error, "orig", None) or error).__name__,
                self._answers.ttl / 60,
            )

    async def _save_unsaved(self) -> None:
        saved = 0
        for where, record in list(self._unsaved.items()):
            if isinstance(record, Installation):
                await self.inner.async_save(record)
            else:
                await self.inner.async_save_bot(record)
            self._unsaved.pop(where, None)  # only once saved: a failure keeps the rest
            saved += 1
        log.info("saved %d Slack token(s) refreshed while the database was down", saved)

    def _forget_team(self, enterprise_id: str | None, team_id: str | None) -> None:
        for key in [k for k in list(self._answers) if k[1:3] == (enterprise_id, team_id)]:
            self._answers.pop(key, None)

    # --- reads ------------------------------------------------------------------------------
    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        key: _Key = ("installation", enterprise_id, team_id, user_id, is_enterprise_install)
        try:
            found = await self._call(
                lambda: self.inner.async_find_installation(
                    enterprise_id=enterprise_id,
                    team_id=team_id,
                    user_id=user_id,
                    is_enterprise_install=is_enterprise_install,
                )
            )
        except UNAVAILABLE as error:
            # Not remembered: answered as "not installed", so Bolt runs nothing for it (no
            # HTTP 500). A user's own installation would hold a user token, which this app
            # never asks for (no user scopes), so for a user not seen "none" is right anyway.
            self._failed(error)
            remembered = self._answers.get(key)
            return _copy(remembered) if isinstance(remembered, Installation) else None
        self._answers[key] = _copy(found) if found is not None else _NOTHING
        return found

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        key: _Key = ("bot", enterprise_id, team_id, None, is_enterprise_install)
        try:
            found = await self._call(
                lambda: self.inner.async_find_bot(
                    enterprise_id=enterprise_id,
                    team_id=team_id,
                    is_enterprise_install=is_enterprise_install,
                )
            )
        except UNAVAILABLE as error:
            self._failed(error)
            remembered = self._answers.get(key)
            return _copy(remembered) if isinstance(remembered, Bot) else None
        self._answers[key] = _copy(found) if found is not None else _NOTHING
        return found

    # --- writes -----------------------------------------------------------------------------
    def _remember_saved(self, installation: Installation) -> None:
        """What the store will answer for this team, and this user, once it holds
        ``installation`` (other users' answers do not change).
        """
        where = (installation.enterprise_id, installation.team_id)
        for user in {None, installation.user_id}:
            key: _Key = ("installation", *where, user, installation.is_enterprise_install)
            self._answers[key] = _copy(installation)

    async def async_save(self, installation: Installation) -> None:
        try:
            await self._call(lambda: self.inner.async_save(installation))
        except UNAVAILABLE as error:
            # A token Slack just refreshed: keep it (the old one may no longer work) and save it
            # when the database is back.
            self._failed(error)
            where = (installation.enterprise_id, installation.team_id, installation.user_id)
            self._unsaved[where] = _copy(installation)
        self._remember_saved(installation)

    async def async_save_bot(self, bot: Bot) -> None:
        try:
            await self._call(lambda: self.inner.async_save_bot(bot))
        except UNAVAILABLE as error:
            self._failed(error)
            self._unsaved[(bot.enterprise_id, bot.team_id, None)] = _copy(bot)
        key: _Key = ("bot", bot.enterprise_id, bot.team_id, None, bot.is_enterprise_install)
        self._answers[key] = _copy(bot)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self._forget_team(enterprise_id, team_id)
        await self.inner.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self._forget_team(enterprise_id, team_id)
        await self.inner.async_delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self._forget_team(enterprise_id, team_id)
        self._unsaved = {
            k: v for k, v in self._unsaved.items() if k[:2] != (enterprise_id, team_id)
        }
        await self.inner.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
