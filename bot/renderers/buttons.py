"""Page buttons for any surface: what each says, and the id a press sends back.

An id carries everything needed to answer a press on any instance, after any restart,
with no state kept: ``pg1:<command>:<page>:<version>:<role>[-<lang>]:<options>``, e.g.
``pg1:ruling:2:a4a36dcd:n:`` or ``pg1:who:2:d3ee40d5:n:name=Romo``; a reply in another
language than English names it after the role (``pg1:ruling:2:5c0ffee1:n-es:``), so a
press answers in the language of the message pressed, whoever presses. ``version`` digests
what the reply said (bot.renderers.pages.version_of), so a press on a message from older
content is recognised. Options too long for the platform's limit (Discord 100, Slack 255)
are replaced by ``~`` and a digest of them; the platform then finds them beside the button
(Slack: the button's ``value``; Discord: the command line shown as the message's author)
and the digest proves they are the ones the button was made for.
"""

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode

from bot.core.reply import Reply
from bot.i18n.catalogs import N_
from bot.i18n.locales import DEFAULT
from bot.i18n.translator import translator
from bot.renderers.pages import Paged, PageKind

PREFIX = "pg1"
SLACK_ID_CHARS = 255  # action_id
DISCORD_ID_CHARS = 100  # custom_id
SLACK_VALUE_CHARS = 2000  # a button's value
DECODED_IDS = 4096  # ids whose parts are kept (a ButtonId is immutable, so shared)
WEB_ID = f"{PREFIX}:w"  # the link button: Slack still reports the click; nothing to answer
_DIGEST = "~"
_ID = re.compile(
    rf"{PREFIX}:(?P<command>[a-z][a-z0-9_-]{{0,31}}):(?P<page>[1-9][0-9]{{0,3}}):"
    r"(?P<version>[0-9a-f]{8}):(?P<role>[pnsa])(?:-(?P<lang>[a-z]{2,3}))?:(?P<options>.*)",
    re.DOTALL,
)

PREVIOUS = N_("\u2039 Previous")
NEXT = N_("Next \u203a")
SOURCES = N_("Sources")
ANSWER = N_("Back to the answer")
WEB = N_("Open on the web")


class Role(StrEnum):
    PREVIOUS = "p"
    NEXT = "n"
    SOURCES = "s"  # to the first sources page
    ANSWER = "a"  # from the sources pages back to page 1
    WEB = "w"


Options = tuple[tuple[str, str], ...]


def encode_options(options: Options) -> str:
    return urlencode(options, quote_via=quote)


def options_digest(options: Options) -> str:
    return hashlib.blake2b(encode_options(options).encode(), digest_size=6).hexdigest()


@dataclass(frozen=True, slots=True)
class ButtonId:
    command: str
    page: int
    version: str
    role: Role
    options: Options | None  # None: too long to carry; ``digest`` names them
    digest: str = ""
    lang: str = DEFAULT  # the language of the message the button is on

    def encode(self, limit: int) -> str:
        role = self.role.value if self.lang == DEFAULT else f"{self.role.value}-{self.lang}"
        head = f"{PREFIX}:{self.command}:{self.page}:{self.version}:{role}:"
        carried = encode_options(self.options or ())
        if self.options is not None and len(head) + len(carried) <= limit:
            return head + carried
        return head + _DIGEST + (self.digest or options_digest(self.options or ()))

    @classmethod
    def decode(cls, raw: str) -> "ButtonId | None":
        """The id's parts, or None when it is not one of ours (forged, malformed, too old).
        Each id is read once while it is among the DECODED_IDS last seen: the same buttons
        are pressed over and over, and a press asks for its id's parts more than once.
        """
        return _decode(raw)


@lru_cache(maxsize=DECODED_IDS)
def _decode(raw: str) -> ButtonId | None:
    found = _ID.fullmatch(raw)
    if found is None:
        return None
    carried = found["options"]
    options: Options | None
    digest = ""
    if carried.startswith(_DIGEST):
        options, digest = None, carried[len(_DIGEST) :]
        if not re.fullmatch(r"[0-9a-f]{12}", digest):
            return None
    else:
        try:
            options = tuple(parse_qsl(carried, keep_blank_values=True, strict_parsing=True))
        except ValueError:
            if carried:
                return None
            options = ()
    return ButtonId(
        found["command"],
        int(found["page"]),
        found["version"],
        Role(found["role"]),
        options,
        digest,
        found["lang"] or DEFAULT,
    )


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    role: Role
    id: str | None = None  # None for the link button
    url: str | None = None
    disabled: bool = False
    value: str = ""  # the options, for platforms that carry a value beside the id (Slack)


@dataclass(frozen=True, slots=True)
class Nav:
    """What a page shows around its reply: where it is, its buttons, and any notice."""

    number: int
    count: int
    kind: PageKind
    asked: str | None  # the command as typed, e.g. "/who Romo"
    buttons: tuple[Button, ...] = ()
    notice: str | None = None  # e.g. the brief was updated since the pressed message
    lang: str = DEFAULT

    @property
    def caption(self) -> str:
        tr = translator(self.lang)
        if self.kind is PageKind.SOURCES:
            return tr("Sources, page {number} of {count}", number=self.number, count=self.count)
        return tr("Page {number} of {count}", number=self.number, count=self.count)

    @property
    def web(self) -> Button | None:
        return next((b for b in self.buttons if b.role is Role.WEB), None)


def navigation(
    paged: Paged,
    number: int,
    *,
    id_chars: int,
    notice: str | None = None,
    value_chars: int = 0,
) -> Nav:
    """Page ``number`` of ``paged``'s buttons, ids within ``id_chars``. A one-page reply
    gets only the link button (with PUBLIC_URL); a reply no command made, none.
    """
    page = paged.page(number)
    reply: Reply = paged.reply
    tr = translator(reply.lang)
    buttons: list[Button] = []
    if paged.count > 1 and reply.command:
        options = reply.args
        value = encode_options(options)
        value = value if len(value) <= value_chars else ""

        def button(label: str, role: Role, target: int | None) -> Button:
            if target is None:
                return Button(tr(label), role, f"{PREFIX}:{role.value}:off", disabled=True)
            assert reply.command is not None
            made = ButtonId(reply.command, target, paged.version, role, options, lang=reply.lang)
            return Button(tr(label), role, made.encode(id_chars), value=value)

        buttons.append(button(PREVIOUS, Role.PREVIOUS, number - 1 if number > 1 else None))
        buttons.append(button(NEXT, Role.NEXT, number + 1 if number < paged.count else None))
        first_sources = paged.first_sources_page
        if page.kind is PageKind.SOURCES:
            buttons.append(button(ANSWER, Role.ANSWER, 1))
        elif first_sources is not None:
            buttons.append(button(SOURCES, Role.SOURCES, first_sources))
    if reply.url:
        buttons.append(Button(tr(WEB), Role.WEB, WEB_ID, url=reply.url))
    return Nav(number, paged.count, page.kind, reply.asked, tuple(buttons), notice, reply.lang)
