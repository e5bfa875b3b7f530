"""``ask LINE`` and ``console``: commands typed on the terminal, answered by the dispatcher."""

import argparse
import json
from collections.abc import Callable
from typing import Any

from bot.core.dispatch import Dispatcher
from bot.core.reply import Reply
from bot.platforms.console import run_console
from bot.renderers.discord import render_discord
from bot.renderers.json import render_json
from bot.renderers.slack import render_slack
from bot.renderers.text import render_text

ACTIONS = ("ask", "console")


def _slack(reply: Reply) -> str:
    return json.dumps(render_slack(reply), indent=2, ensure_ascii=False)


def _discord(reply: Reply) -> str:
    return json.dumps(render_discord(reply), indent=2, ensure_ascii=False)


FORMATS: dict[str, Callable[[Reply], str]] = {
    "text": render_text,
    "json": render_json,
    "slack": _slack,
    "discord": _discord,
}


def add_parsers(sub: "argparse._SubParsersAction[Any]") -> None:
    ask = sub.add_parser("ask", help='answer one command and print it, e.g. ask "/numbers"')
    ask.add_argument("line", help='the command as a user would type it, e.g. "/quote 42,695"')
    ask.add_argument(
        "--format", choices=sorted(FORMATS), default="text", help="output format (default: text)"
    )
    sub.add_parser("console", help="interactive prompt; reads commands line by line from a pipe")


def run(args: argparse.Namespace, dispatcher: Dispatcher) -> int:
    if args.action == "ask":
        print(FORMATS[args.format](dispatcher.run_line(args.line)))
        return 0
    return run_console(dispatcher)
