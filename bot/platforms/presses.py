"""Answering a page button press, whatever the platform: the id in, the page to show out.

No state is kept between a reply and a press: the id names the command, its options, the
page and the version of what the reply said (bot/renderers/buttons.py). The command is run
again (the dispatcher's cache makes that a lookup) and paged again; if what it says has
changed since the pressed message, the current version is shown with a notice. Every fault
is a private answer, never a trace: an id that is not ours or is malformed, a command this
build no longer has, a page out of range, options that cannot be proven.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.core.dispatch import Dispatcher
from bot.core.registry import Command, CommandRequest, User
from bot.core.reply import Item, Reply, ReplyKind, Section
from bot.i18n.catalogs import N_
from bot.i18n.locales import DEFAULT, locale_for
from bot.i18n.translator import translator
from bot.renderers.buttons import ButtonId, Options, Role, options_digest
from bot.renderers.pages import Paged, paginate, single

# Said in the language of the message pressed (the button's id names it).
UPDATED = N_(
    "The brief was updated since this message was posted: this is the current version of "
    "the answer."
)
EXPIRED_TITLE = N_("This button has expired")
EXPIRED = N_("This button has expired. Type {asked} again for the current answer.")
EXPIRED_UNKNOWN = N_("This button has expired. Type the command again, or /help to see them all.")
GONE = N_(
    "This button belongs to /{command}, which this bot no longer answers. "
    "Type /help to see the commands."
)
OUT_OF_RANGE = N_(
    "There is no page {page} of this answer: it has {count}. Type {asked} to start over."
)
EDITED = N_(
    "This message was changed after it was posted, so it is left as it is; "
    "here is the page you asked for, just for you."
)


class Outcome(StrEnum):
    UPDATE = "update"  # replace the pressed message with the page
    PRIVATE = "private"  # show a page, or a note, to the presser only


@dataclass(frozen=True)
class PressAnswer:
    outcome: Outcome
    metric: str  # metrics.PRESS_OUTCOMES
    command: str = ""
    paged: Paged | None = None
    page: int = 1
    notice: str | None = None  # shown at the top of the page
    note: Reply | None = None  # a private answer without a page
    lang: str = DEFAULT  # the language of the message pressed

    def privately(self, why: str) -> "PressAnswer":
        """The same page, shown only to the presser (e.g. the message was changed); ``why``
        is one of this module's messages, said in the message's language.
        """
        return PressAnswer(
            Outcome.PRIVATE,
            "private",
            self.command,
            self.paged,
            self.page,
            translator(self.lang)(why),
            self.note,
            self.lang,
        )

    def said(self, message: str) -> str:
        """One of this module's messages (``UPDATED``), in the message's language."""
        return translator(self.lang)(message)


def press_lang(raw: str, fallback: str = DEFAULT) -> str:
    """The language of the message whose button ``raw`` is (for notes before any work)."""
    made = ButtonId.decode(raw)
    return locale_for(made.lang) if made is not None else fallback


def pageable(command: Command | None) -> bool:
    """Replies a button may ask for again: they depend only on options, content and date."""
    return command is not None and command.cacheable and not command.needs_admin


def paged_reply(dispatcher: Dispatcher, reply: Reply) -> Paged:
    """A reply as a platform sends it: paged when a button may ask for it again, else whole."""
    command = dispatcher.registry.get(reply.command) if reply.command else None
    return paginate(reply) if pageable(command) else single(reply)


def note(title: str, text: str, lang: str = DEFAULT) -> Reply:
    """A short private answer (its text may echo what was typed: shown inert)."""
    return Reply(
        title,
        (Section(None, (Item(text, user_text=True),)),),
        kind=ReplyKind.ERROR,
        locale=lang,
    )


def _expired(text: str, lang: str, *, name: str = "", **values: object) -> PressAnswer:
    """A private note instead of a page; ``name`` is the command pressed (for the metrics)."""
    tr = translator(lang)
    return PressAnswer(
        Outcome.PRIVATE,
        "expired",
        name,
        note=note(tr(EXPIRED_TITLE), tr(text, **values), lang),
        lang=lang,
    )


def answer_press(
    dispatcher: Dispatcher,
    raw: str,
    *,
    platform: str,
    user: User | None = None,
    channel: str | None = None,
    workspace: str = "",
    options_beside: Callable[[ButtonId], Options | None] | None = None,
    locale: str = DEFAULT,
) -> PressAnswer:
    """What to show for a press on the button ``raw``, in the language of the message
    pressed (the id names it); ``locale`` (the presser's) only for an id that cannot be read.
    ``options_beside`` finds options the id carries only as a digest (Slack: the button's
    value; Discord: the message's author line).
    """
    made = ButtonId.decode(raw)
    if made is None:
        return _expired(EXPIRED_UNKNOWN, locale)
    lang = locale_for(made.lang)  # a language this build no longer has: English
    command = dispatcher.registry.get(made.command)
    if command is None:
        return _expired(GONE, lang, name=made.command, command=made.command)
    if not pageable(command):
        return _expired(EXPIRED_UNKNOWN, lang, name=command.name)
    options = made.options
    if options is None:
        found = options_beside(made) if options_beside else None
        options = found if found is not None and options_digest(found) == made.digest else None
    if options is None:
        return _expired(EXPIRED, lang, name=command.name, asked=f"/{command.name}")
    request = CommandRequest(
        command.name,
        dict(options),
        platform=platform,
        channel=channel,
        user=user,
        workspace=workspace,
        locale=lang,
    )
    reply = dispatcher.run(request)
    asked = reply.asked or f"/{command.name}"
    if reply.kind is ReplyKind.ERROR:  # options no typed command could have produced
        return _expired(EXPIRED, lang, name=command.name, asked=f"/{command.name}")
    paged = paginate(reply)
    if made.version == paged.version:
        if made.page > paged.count:
            return _expired(
                OUT_OF_RANGE,
                lang,
                name=command.name,
                page=made.page,
                count=paged.count,
                asked=asked,
            )
        return PressAnswer(Outcome.UPDATE, "page", command.name, paged, made.page, lang=lang)
    # Older content: the same place in the current answer, said to be current.
    target = min(made.page, paged.count)
    if made.role is Role.ANSWER:
        target = 1
    elif made.role is Role.SOURCES:
        target = paged.first_sources_page or paged.count
    notice = translator(lang)(UPDATED)
    return PressAnswer(Outcome.UPDATE, "updated", command.name, paged, target, notice, lang=lang)
