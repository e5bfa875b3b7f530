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
from bot.renderers.buttons import ButtonId, Options, Role, options_digest
from bot.renderers.pages import Paged, paginate, single

UPDATED = (
    "The brief was updated since this message was posted: this is the current version of "
    "the answer."
)
EXPIRED_TITLE = "This button has expired"
EXPIRED = "This button has expired. Type {asked} again for the current answer."
EXPIRED_UNKNOWN = "This button has expired. Type the command again, or /help to see them all."
GONE = (
    "This button belongs to /{command}, which this bot no longer answers. "
    "Type /help to see the commands."
)
OUT_OF_RANGE = "There is no page {page} of this answer: it has {count}. Type {asked} to start over."
EDITED = (
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

    def privately(self, why: str) -> "PressAnswer":
        """The same page, shown only to the presser (e.g. the message was changed)."""
        return PressAnswer(
            Outcome.PRIVATE, "private", self.command, self.paged, self.page, why, self.note
        )


def pageable(command: Command | None) -> bool:
    """Replies a button may ask for again: they depend only on options, content and date."""
    return command is not None and command.cacheable and not command.needs_admin


def paged_reply(dispatcher: Dispatcher, reply: Reply) -> Paged:
    """A reply as a platform sends it: paged when a button may ask for it again, else whole."""
    command = dispatcher.registry.get(reply.command) if reply.command else None
    return paginate(reply) if pageable(command) else single(reply)


def note(title: str, text: str) -> Reply:
    """A short private answer (its text may echo what was typed: shown inert)."""
    return Reply(title, (Section(None, (Item(text, user_text=True),)),), kind=ReplyKind.ERROR)


def _expired(text: str, metric: str = "expired", command: str = "") -> PressAnswer:
    return PressAnswer(Outcome.PRIVATE, metric, command, note=note(EXPIRED_TITLE, text))


def answer_press(
    dispatcher: Dispatcher,
    raw: str,
    *,
    platform: str,
    user: User | None = None,
    channel: str | None = None,
    workspace: str = "",
    options_beside: Callable[[ButtonId], Options | None] | None = None,
) -> PressAnswer:
    """What to show for a press on the button ``raw``. ``options_beside`` finds options the id
    carries only as a digest (Slack: the button's value; Discord: the message's author line).
    """
    made = ButtonId.decode(raw)
    if made is None:
        return _expired(EXPIRED_UNKNOWN)
    command = dispatcher.registry.get(made.command)
    if command is None:
        return _expired(GONE.format(command=made.command), command=made.command)
    if not pageable(command):
        return _expired(EXPIRED_UNKNOWN, command=command.name)
    options = made.options
    if options is None:
        found = options_beside(made) if options_beside else None
        options = found if found is not None and options_digest(found) == made.digest else None
    if options is None:
        return _expired(EXPIRED.format(asked=f"/{command.name}"), command=command.name)
    request = CommandRequest(
        command.name,
        dict(options),
        platform=platform,
        channel=channel,
        user=user,
        workspace=workspace,
    )
    reply = dispatcher.run(request)
    asked = reply.asked or f"/{command.name}"
    if reply.kind is ReplyKind.ERROR:  # options no typed command could have produced
        return _expired(EXPIRED.format(asked=f"/{command.name}"), command=command.name)
    paged = paginate(reply)
    if made.version == paged.version:
        if made.page > paged.count:
            text = OUT_OF_RANGE.format(page=made.page, count=paged.count, asked=asked)
            return _expired(text, command=command.name)
        return PressAnswer(Outcome.UPDATE, "page", command.name, paged, made.page)
    # Older content: the same place in the current answer, said to be current.
    target = min(made.page, paged.count)
    if made.role is Role.ANSWER:
        target = 1
    elif made.role is Role.SOURCES:
        target = paged.first_sources_page or paged.count
    return PressAnswer(Outcome.UPDATE, "updated", command.name, paged, target, UPDATED)
