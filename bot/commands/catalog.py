"""The list of commands this bot serves, in the order /help shows them.

Descriptions are written in English and marked for the catalogs (``N_``): /help shows them
in the reader's language, Discord's command tree carries them as localizations.
"""

from bot.commands.brief import SETTINGS, handle_brief
from bot.commands.help import handle_help
from bot.commands.quote import handle_quote
from bot.commands.recap import ACTIONS, handle_recap
from bot.commands.sources import handle_sources
from bot.commands.topics import handle_who, topic_handler
from bot.core.registry import Command, Option, OptionKind, Registry
from bot.i18n.catalogs import N_

# Commands answered straight from summaries/<name>.md; the loader refuses content without them.
TOPIC_COMMANDS = ("ruling", "numbers", "status", "timeline", "who", "sources")

_DESCRIPTIONS = {
    "ruling": N_("What the judge decided on Feb. 26, 2026, and on what evidence."),
    "numbers": N_(
        "The key figures (about 42,695 disclosures, about 47,000 taxpayers, 1.28 million people "
        "asked about), cited."
    ),
    "status": N_("Where the injunctions and appeals stand."),
    "timeline": N_("The case in date order, relative dates resolved."),
}


def build_registry() -> Registry:
    commands = [
        Command(name, description, topic_handler(name))
        for name, description in _DESCRIPTIONS.items()
    ]
    commands += [
        Command(
            "who",
            N_("Who's who: judges, officials, agencies, plaintiffs."),
            handle_who,
            (Option("name", N_("only the people or bodies matching this name")),),
            ("/who Romo",),
        ),
        Command(
            "sources",
            N_("The reports behind every answer, and where they differ."),
            handle_sources,
        ),
        Command(
            "quote",
            N_("Verbatim sentences from the reports that match your words, best first."),
            handle_quote,
            (Option("words", N_("the words to look for"), required=True),),
            ("/quote 42,695", "/quote Romo declaration"),
        ),
    ]
    commands.append(
        Command(
            "recap",
            N_("Scheduled recaps for this channel: list, preview; admins: subscribe, unsubscribe."),
            handle_recap,
            (
                Option(
                    "action",
                    N_("list, preview, subscribe or unsubscribe"),
                    OptionKind.CHOICE,
                    choices=ACTIONS,
                ),
                Option(
                    "details",
                    N_(
                        "for subscribe: daily|weekly <day>|cron <expr>, HH:MM, time zone, "
                        "lang es; for unsubscribe: an id"
                    ),
                ),
            ),
            ("/recap subscribe daily 09:00 America/New_York", "/recap list"),
            cacheable=False,
            needs_admin=True,
            slow=True,  # SQLite may wait on another process's lock
        )
    )
    commands.append(
        Command(
            "brief",
            N_(
                "Your settings: your language (es, en or auto); admins: add a page for the editors."
            ),
            handle_brief,
            (
                Option(
                    "setting",
                    N_("what to set: lang; admins: add"),
                    OptionKind.CHOICE,
                    choices=SETTINGS,
                ),
                Option(
                    "value",
                    N_("for lang: es, en or auto; for add: the page's address"),
                    max_length=2000,
                ),
            ),
            ("/brief lang es", "/brief lang auto", "/brief add https://example.org/report"),
            cacheable=False,  # it depends on who asks
            needs_admin=True,  # add is for admins (lang is for everyone)
            slow=True,  # it waits for the database, or for the page
        )
    )
    names = (*(c.name for c in commands), "help")
    commands.append(
        Command(
            "help",
            N_("Every command, or the details of one."),
            handle_help,
            (Option("command", N_("a command to explain"), OptionKind.CHOICE, choices=names),),
            ("/help quote",),
        )
    )
    return Registry(commands)
