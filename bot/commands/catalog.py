"""The list of commands this bot serves, in the order /help shows them."""

from bot.commands.help import handle_help
from bot.commands.quote import handle_quote
from bot.commands.recap import ACTIONS, handle_recap
from bot.commands.sources import handle_sources
from bot.commands.topics import handle_who, topic_handler
from bot.core.registry import Command, Option, OptionKind, Registry

# Commands answered straight from summaries/<name>.md; the loader refuses content without them.
TOPIC_COMMANDS = ("ruling", "numbers", "status", "timeline", "who", "sources")

_DESCRIPTIONS = {
    "ruling": "What the judge decided on Feb. 26, 2026, and on what evidence.",
    "numbers": (
        "The key figures (about 42,695 disclosures, about 47,000 taxpayers, 1.28 million people "
        "asked about), cited."
    ),
    "status": "Where the injunctions and appeals stand.",
    "timeline": "The case in date order, relative dates resolved.",
}


def build_registry() -> Registry:
    commands = [
        Command(name, description, topic_handler(name))
        for name, description in _DESCRIPTIONS.items()
    ]
    commands += [
        Command(
            "who",
            "Who's who: judges, officials, agencies, plaintiffs.",
            handle_who,
            (Option("name", "only the people or bodies matching this name"),),
            ("/who Romo",),
        ),
        Command(
            "sources", "The reports behind every answer, and where they differ.", handle_sources
        ),
        Command(
            "quote",
            "Verbatim sentences from the reports that match your words, best first.",
            handle_quote,
            (Option("words", "the words to look for", required=True),),
            ("/quote 42,695", "/quote Romo declaration"),
        ),
    ]
    commands.append(
        Command(
            "recap",
            "Scheduled recaps for this channel: list, preview; admins: subscribe, unsubscribe.",
            handle_recap,
            (
                Option(
                    "action",
                    "list, preview, subscribe or unsubscribe",
                    OptionKind.CHOICE,
                    choices=ACTIONS,
                ),
                Option(
                    "details",
                    "for subscribe: daily|weekly <day>|cron <expr>, HH:MM, time zone; for "
                    "unsubscribe: an id",
                ),
            ),
            ("/recap subscribe daily 09:00 America/New_York", "/recap list"),
            cacheable=False,
            needs_admin=True,
            slow=True,  # SQLite may wait on another process's lock
        )
    )
    names = (*(c.name for c in commands), "help")
    commands.append(
        Command(
            "help",
            "Every command, or the details of one.",
            handle_help,
            (Option("command", "a command to explain", OptionKind.CHOICE, choices=names),),
            ("/help quote",),
        )
    )
    return Registry(commands)
