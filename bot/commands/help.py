"""/help [command]: built from the registry, so it always matches what the bot serves."""

from bot.core import messages
from bot.core.registry import Command, CommandRequest, Context
from bot.core.reply import Item, Reply, ReplyKind, Section
from bot.i18n.catalogs import N_
from bot.i18n.translator import Translator

INTRO = N_(
    "Source-cited facts on the ruling that the IRS unlawfully gave ICE taxpayer addresses. "
    "Every statement cites quotes from the news reports; each quote is checked word for word "
    "against its report, and every figure, date and name in a statement must appear in its "
    "quotes or in the editors' declared aliases. The wording around them is the editors'."
)


def _entry(command: Command, tr: Translator) -> Item:
    text = tr(command.description)
    for option in command.options:
        description = tr(option.description)
        text += " " + tr("`{option}`: {description}.", option=option.name, description=description)
    if command.examples:
        shown = ", ".join(f"`{e}`" for e in command.examples)
        text += " " + tr("Example: {examples}.", examples=shown)
    return Item(text, label=command.usage())


def handle_help(request: CommandRequest, context: Context) -> Reply:
    tr = context.tr
    wanted = request.args.get("command")
    registry = context.registry
    if wanted:
        command = registry.get(wanted)
        assert command is not None  # binding only accepts registered names
        return Reply(
            title=tr("Help: /{command}", command=command.name),
            sections=(Section(None, (_entry(command, tr),)),),
            kind=ReplyKind.HELP,
            footer=tr(messages.PUBLIC_HINT),
        )
    items = tuple(_entry(command, tr) for command in registry)
    intro = Item(tr(INTRO))
    return Reply(
        title=tr("Case brief: commands"),
        sections=(Section(None, (intro,)), Section(tr("Commands"), items)),
        kind=ReplyKind.HELP,
        footer=tr(messages.PUBLIC_HINT),
    )
