"""``run``: serve every configured chat platform; with none configured, open the console."""

import argparse
from typing import TYPE_CHECKING, Any

from bot.core.dispatch import Dispatcher
from bot.platforms.console import run_console
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.recaps.service import RecapService

ACTIONS = ("run",)


def add_parsers(sub: "argparse._SubParsersAction[Any]") -> None:
    sub.add_parser("run", help="serve Slack and/or Discord when configured, else open the console")


def run(settings: Settings, dispatcher: "Dispatcher[RecapService]") -> int:
    if not (settings.slack_configured or settings.discord_configured):
        return run_console(dispatcher)
    from bot.platforms.serve import serve  # aiohttp and the chat libraries: only when serving

    return serve(settings, dispatcher)
