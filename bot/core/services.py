"""What handlers are given besides the content (``Context.services``), typed.

Handlers see recaps through ``Recaps``: exactly what ``/recap`` needs, in the plain data types
of ``bot.storage.base``. The app builds the recap service itself (``bot.recaps.service``);
``Services`` is generic in its type, so the platforms that run recaps see all of it through
the dispatcher while handlers see only ``Recaps``.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Generic, Protocol

from typing_extensions import TypeVar

from bot.core.reply import Reply
from bot.storage.base import Delivery, Subscription

if TYPE_CHECKING:  # content loads its parsers and search: not needed to run a handler
    from bot.content.store import Content

# A subscription, its next slot (None while paused) and its last delivery (None before one).
Listed = tuple[Subscription, datetime | None, Delivery | None]


class RecapSchedule(Protocol):
    """A schedule as a subscription stores it (``bot.recaps.schedule.Schedule`` is one)."""

    @property
    def frequency(self) -> str: ...
    @property
    def time(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    def next_slot(self, after: datetime) -> datetime: ...


class Recaps(Protocol):
    """What ``/recap`` needs of recaps, for one channel at a time.

    Every call but ``now`` blocks on the recap store (handlers that use them are ``slow``,
    run in worker threads) and raises StorageError or TimeoutError when it does not answer.
    """

    def now(self) -> datetime:
        """The schedule's "now"."""

    def subscribe(
        self,
        platform: str,
        workspace: str,
        channel: str,
        schedule: RecapSchedule,
        *,
        created_by: str = "",
        lang: str = "en",
    ) -> tuple[Subscription, bool]:
        """The subscription, and whether it is new (False: the same one existed; its recaps
        are then written in ``lang`` from now on).
        """

    def subscriptions(self, platform: str, channel: str) -> list[Subscription]: ...

    def unsubscribe(self, subscription_id: int) -> bool: ...

    def listing(self, platform: str, channel: str) -> list[Listed]: ...

    def corrections_paused(self, platform: str, channel: str) -> str | None:
        """Why corrections in place are paused in this channel (an edit the platform
        refused: issue 18), or None.
        """

    def preview(self, platform: str, channel: str, content: "Content", lang: str = "en") -> Reply:
        """What the next recap in this channel would say, from ``content``, in ``lang``."""


class Languages(Protocol):
    """The language each person chose (``/brief lang es``), kept in the bot's database.

    ``chosen`` and ``choose`` block on the store (handlers that use them are ``slow``) and
    raise StorageError or TimeoutError when it does not answer. ``lookup`` is for platforms
    on the event loop: it never raises and never waits long, answering None when nothing was
    chosen or the database cannot say in time (the platform's own locale then decides).
    """

    def chosen(self, platform: str, workspace: str, user: str) -> str | None: ...

    def choose(self, platform: str, workspace: str, user: str, lang: str | None) -> None:
        """Remember ``lang`` for this person; None forgets their choice."""

    async def lookup(self, platform: str, workspace: str, user: str) -> str | None: ...

    def known(self, platform: str, workspace: str, user: str) -> tuple[bool, str | None]:
        """(whether ``lookup`` would answer at once, what it would answer): platforms then
        answer inline, as before languages were kept.
        """


@dataclass(frozen=True, slots=True)
class Submission:
    """What ``/brief add <url>`` got from the intake (issue 19)."""

    outcome: str  # added | known | refused | failed | unavailable
    candidate_id: int | None = None
    title: str = ""
    reason: str = ""  # for refused, failed, unavailable: one line for the admin
    counts: dict[str, int] = field(default_factory=dict)  # corroborates, contradicts, new


class Intake(Protocol):
    """New reporting put before the editors (``bot.intake``): what ``/brief add`` needs.

    ``submit`` blocks while the page is fetched and reviewed (the handler is ``slow``);
    it never raises: every outcome is a ``Submission``.
    """

    def submit(self, url: str) -> Submission: ...


class RecapBackend(Protocol):
    """What ``Services`` needs of the recap service the app builds: its face for handlers."""

    @property
    def for_handlers(self) -> Recaps: ...


# The recap service's own type; bare ``Services`` and ``Dispatcher`` mean any RecapBackend.
R_co = TypeVar("R_co", bound=RecapBackend, covariant=True, default=RecapBackend)


class Services(Generic[R_co]):
    """Built on first use, once, from any thread (slow handlers run in worker threads).

    Nothing is built before a command asks for it, and the recap service opens its database
    only when first used: commands that need no database never open (or create) one.
    """

    def __init__(
        self,
        *,
        recap_service: Callable[[], R_co] | None = None,
        recap_timezone: str = "UTC",
        languages: "Callable[[Services[R_co]], Languages | None] | None" = None,
    ) -> None:
        self.recap_timezone = recap_timezone  # for schedules typed without a time zone
        self._build_recap_service = recap_service
        self._recap_service: R_co | None = None
        self._build_languages = languages
        self._languages: Languages | None = None  # built once, asked on every command
        # The intake (/brief add): set by the wiring of a serving bot; None elsewhere.
        self.intake: Intake | None = None
        self._lock = threading.Lock()

    @property
    def recap_service(self) -> R_co | None:
        """The recap service, built now if need be; None when the bot runs without recaps."""
        if self._recap_service is None and self._build_recap_service is not None:
            with self._lock:
                if self._recap_service is None:
                    self._recap_service = self._build_recap_service()
        return self._recap_service

    @property
    def languages(self) -> Languages | None:
        """Each person's chosen language; None when the bot runs without a database (the
        console, ``ask``): the platform's locale or ``lang:`` decide alone.
        """
        if self._languages is None and self._build_languages is not None:
            self._languages = self._build_languages(self)
        return self._languages

    @property
    def recaps(self) -> Recaps | None:
        """Recaps as handlers use them; None when the bot runs without recaps."""
        service = self.recap_service
        return None if service is None else service.for_handlers
