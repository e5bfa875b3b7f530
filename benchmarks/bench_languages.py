"""Languages benchmark: the same work in Spanish and in English, in the same run.

For each topic command, a reply built from scratch (the dispatcher's cache bypassed:
handler, "as of", staleness) and drawn as a chat platform sends it (paged, then page 1 for
Slack and Discord, with its buttons), then the web brief page built from scratch; once with
``locale="es"`` and once in English (the baseline). Spanish does more: the translated topic,
a rendering beside every citation, catalog look-ups for every label. Target: Spanish
within 1.5x of English for replies and for the page. (The terminal's text renderer is left
out: it wraps every line with textwrap, so it costs what the text is long, and Spanish
replies carry a rendering of every quote.)

Usage: python benchmarks/bench_languages.py [--repeat 200]
"""

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import machine
from bot.app import build_dispatcher
from bot.commands.catalog import TOPIC_COMMANDS
from bot.core.dispatch import Dispatcher
from bot.core.registry import CommandRequest
from bot.platforms.presses import paged_reply
from bot.renderers.discord import render_discord_page
from bot.renderers.slack import render_slack_page
from bot.settings import Settings
from bot.web.links import SiteLinks
from bot.web.pages import WebPages

CLOCK = lambda: datetime(2026, 3, 10, tzinfo=UTC)  # noqa: E731


def reply_round(dispatcher: Dispatcher, lang: str) -> None:
    for name in TOPIC_COMMANDS:
        command = dispatcher.registry.get(name)
        assert command is not None
        request = CommandRequest(name, platform="slack", locale=lang)
        reply = dispatcher.build(command.handler, request)  # no cache: the whole work
        paged = paged_reply(dispatcher, reply)
        render_slack_page(paged, 1)
        render_discord_page(paged, 1)


def page_round(dispatcher: Dispatcher, lang: str) -> None:
    WebPages(dispatcher).index(SiteLinks(lang=lang))  # a new WebPages: nothing kept


def measure(work: object, dispatcher: Dispatcher, lang: str, repeat: int) -> float:
    assert callable(work)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        work(dispatcher, lang)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    dispatcher = build_dispatcher(Settings(_env_file=None), CLOCK)
    for work, label, repeat in (
        (reply_round, "six topic replies, built and drawn", args.repeat),
        (page_round, "the web brief page, built", max(10, args.repeat // 10)),
    ):
        work(dispatcher, "en")
        work(dispatcher, "es")  # warm both (Babel's locale data, catalogs)
        english, spanish = [], []
        for _ in range(3):  # interleaved rounds
            english.append(measure(work, dispatcher, "en", repeat))
            spanish.append(measure(work, dispatcher, "es", repeat))
        en, es = min(english), min(spanish)
        print(f"{label}: en p50={en:.2f}ms es p50={es:.2f}ms ratio {es / en:.2f}x (target <= 1.5)")


if __name__ == "__main__":
    main()
