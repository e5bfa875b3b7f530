"""``ask LINE`` and ``console``: commands typed on the terminal, answered by the dispatcher.

``ask --format slack|discord`` prints the payload exactly as the platform receives it: page 1
with its buttons, or ``--page N``, or ``--page all`` (a JSON list, one payload a page).
``text`` and ``json`` print the whole reply unless a page is asked for.
"""

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from bot.core.dispatch import Dispatcher
from bot.platforms.console import run_console
from bot.platforms.presses import paged_reply
from bot.renderers.buttons import DISCORD_ID_CHARS, navigation
from bot.renderers.discord import render_discord_page
from bot.renderers.json import render_json
from bot.renderers.pages import Paged
from bot.renderers.slack import render_slack_page
from bot.renderers.text import render_text

ACTIONS = ("ask", "console")
FORMATS = ("discord", "json", "slack", "text")
PAGE_RULE = "\n" + "-" * 100 + "\n"


def _platform(render: Callable[[Paged, int], dict[str, Any]]) -> Callable[[Paged, str], str]:
    def pages(paged: Paged, page: str) -> str:
        if page == "all":
            payloads = [render(paged, n) for n in range(1, paged.count + 1)]
            return json.dumps(payloads, indent=2, ensure_ascii=False)
        return json.dumps(render(paged, int(page)), indent=2, ensure_ascii=False)

    return pages


def _terminal(*, text: bool) -> Callable[[Paged, str], str]:
    def pages(paged: Paged, page: str) -> str:
        if page == "whole":
            return render_text(paged.reply) if text else render_json(paged.reply)
        numbers = range(1, paged.count + 1) if page == "all" else [int(page)]
        shown = []
        for number in numbers:
            # The buttons as Discord would carry them (the stricter id limit).
            nav = navigation(paged, number, id_chars=DISCORD_ID_CHARS)
            reply = paged.page(number).reply
            shown.append(render_text(reply, nav) if text else render_json(reply, nav))
        if text:
            return PAGE_RULE.join(shown)
        return shown[0] if len(shown) == 1 else "[\n" + ",\n".join(shown) + "\n]"

    return pages


PRINT: dict[str, Callable[[Paged, str], str]] = {
    "slack": _platform(render_slack_page),
    "discord": _platform(render_discord_page),
    "text": _terminal(text=True),
    "json": _terminal(text=False),
}


def _page(value: str) -> str:
    if value == "all" or (value.isdigit() and int(value) >= 1):
        return value
    message = f"expected a page number from 1, or all; got {value!r}"
    raise argparse.ArgumentTypeError(message)


def add_parsers(sub: "argparse._SubParsersAction[Any]") -> None:
    ask = sub.add_parser("ask", help='answer one command and print it, e.g. ask "/numbers"')
    ask.add_argument("line", help='the command as a user would type it, e.g. "/quote 42,695"')
    ask.add_argument(
        "--format", choices=FORMATS, default="text", help="output format (default: text)"
    )
    ask.add_argument(
        "--page",
        type=_page,
        default=None,
        help="which page, as the platform shows it: a number, or all (default: slack and "
        "discord page 1, text and json the whole reply)",
    )
    sub.add_parser("console", help="interactive prompt; reads commands line by line from a pipe")


def run(args: argparse.Namespace, dispatcher: Dispatcher) -> int:
    if args.action != "ask":
        return run_console(dispatcher)
    reply = dispatcher.run_line(args.line)
    paged = paged_reply(dispatcher, reply)
    page = args.page or ("1" if args.format in ("slack", "discord") else "whole")
    if page not in ("all", "whole") and int(page) > paged.count:
        asked = reply.asked or args.line
        print(
            f"There is no page {page} of {asked}: it has {paged.count}.",
            file=sys.stderr,
        )
        return 2
    print(PRINT[args.format](paged, page))
    return 0
