"""/help [command]: built from the registry, so it always matches what the bot serves."""

from bot.core import messages
from bot.core.registry import Command, CommandRequest, Context
from bot.core.reply import Item, Reply, ReplyKind, Section


def _entry(command: Command) -> Item:
    text = command.description
    for option in command.options:
        text += f" `{option.name}`: {option.description}."
    if command.examples:
        text += " Example: " + ", ".join(f"`{e}`" for e in command.examples) + "."
    return Item(text, label=command.usage())


def handle_help(request: CommandRequest, context: Context) -> Reply:
    wanted = request.args.get("command")
    registry = context.registry
    if wanted:
        command = registry.get(wanted)
        assert command is not None  # binding only accepts registered names
        return Reply(
            title=f"Help: /{command.name}",
            sections=(Section(None, (_entry(command),)),),
            kind=ReplyKind.HELP,
            footer=messages.PUBLIC_HINT,
        )
    items = tuple(_entry(command) for command in registry)
    intro = Item(
        "Source-cited facts on the ruling that the IRS unlawfully gave ICE taxpayer addresses. "
        "Every statement cites quotes from the news reports; each quote is checked word for word "
        "against its report, and every figure, date and name in a statement must appear in its "
        "quotes or in the editors' declared aliases. The wording around them is the editors'."
    )
    return Reply(
        title="Case brief: commands",
        sections=(Section(None, (intro,)), Section("Commands", items)),
        kind=ReplyKind.HELP,
        footer=messages.PUBLIC_HINT,
    )
