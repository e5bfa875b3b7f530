"""``recap list|preview|post-due``: recaps from the command line.

``post-due --at`` posts everything due at that instant and exits, for deployments that
drive recaps from cron or another scheduler instead of the long-running bot.
"""

import argparse
import asyncio
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.core.dispatch import Dispatcher
from bot.recaps import report
from bot.service.heap import startup_heap_frozen
from bot.settings import Settings
from bot.storage.base import StorageError
from bot.storage.connect import not_created_yet

if TYPE_CHECKING:
    from bot.recaps.service import RecapService

ACTIONS = ("recap",)


def add_parsers(sub: "argparse._SubParsersAction[Any]") -> None:
    recap = sub.add_parser("recap", help="scheduled recaps: list, preview, post-due")
    recap_sub = recap.add_subparsers(dest="recap_action", metavar="ACTION", required=True)
    recap_sub.add_parser("list", help="every subscription, its next run and last delivery")
    preview = recap_sub.add_parser("preview", help="what the next recap in a channel would say")
    preview.add_argument(
        "--channel", required=True, help="platform:channel, e.g. slack:C0123456789"
    )
    due = recap_sub.add_parser("post-due", help="post everything due at an instant, then exit")
    due.add_argument(
        "--at", help="ISO-8601 instant with zone (default: now), e.g. 2026-03-10T14:00Z"
    )


def parse_instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        msg = "give a time zone, e.g. 2026-03-10T14:00:00Z or 2026-03-10T09:00-05:00"
        raise ValueError(msg)
    return moment.astimezone(UTC)


def run(
    args: argparse.Namespace, settings: Settings, dispatcher: "Dispatcher[RecapService]"
) -> int:
    service = dispatcher.services.recap_service
    assert service is not None  # build_dispatcher always gives one
    if args.recap_action == "preview" and args.channel.partition(":")[0] not in (
        "slack",
        "discord",
    ):
        print("--channel must be slack:<channel id> or discord:<channel id>", file=sys.stderr)
        return 2
    try:
        at = parse_instant(args.at) if getattr(args, "at", None) else None
    except ValueError as error:
        print(f"--at: {error}", file=sys.stderr)
        return 2
    try:
        recorded = not not_created_yet(settings.database_url)  # reading makes no file
        if args.recap_action == "list":
            print(report.list_all(service, recorded=recorded))
        elif args.recap_action == "preview":
            print(report.preview(service, dispatcher, args.channel, recorded=recorded))
        else:
            print(asyncio.run(_post_due(settings, service, dispatcher, at)))
    except StorageError as error:  # one line saying what to do, never a traceback
        print(f"Invalid setting DATABASE_URL: {error}", file=sys.stderr)
        return 2
    return 0


async def _post_due(
    settings: Settings,
    service: "RecapService",
    dispatcher: "Dispatcher[RecapService]",
    at: datetime | None,
) -> str:
    """Record the content as a version first (cron deployments notice edits here), then post
    what is due. A refused correction is said on stderr; the recaps still go out (a database
    fault stops both, with one line).
    """
    from bot.platforms.posting import post_due  # the chat libraries: only to post
    from bot.updates.recorder import VersionRecorder

    recorder = VersionRecorder(service.ready, service.wall)
    await recorder.settle(dispatcher.store.current)
    for problem in recorder.problems:
        print(problem, file=sys.stderr)
    service.content_version_of = lambda: recorder.latest.number if recorder.latest else None
    with startup_heap_frozen():  # loaded: a fan-out's collections skip it (service/heap.py)
        return await post_due(settings, service, at, lambda: dispatcher.store.current)
