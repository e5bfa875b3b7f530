"""``changes [--since VERSION|DATE] [--format json]``: what each recorded content version
changed (claims added, changed with before and after, withdrawn; sources added), each claim
cited. Reads the database (DATABASE_URL); needs no chat platform and no content load.
"""

import argparse
import asyncio
import json
import sys
from datetime import UTC, date, datetime
from typing import Any

from bot.settings import Settings
from bot.storage.base import StorageError
from bot.storage.connect import not_created_yet, open_store
from bot.updates import history, listing
from bot.updates.versions import VersionChanges

ACTIONS = ("changes",)


def add_parsers(sub: "argparse._SubParsersAction[Any]") -> None:
    changes = sub.add_parser(
        "changes", help="what each recorded content version changed, newest first, each cited"
    )
    changes.add_argument(
        "--since",
        help="only versions after this version number (e.g. 3), or recorded on or after this "
        "date or instant (e.g. 2026-03-10, 2026-03-10T14:00Z)",
    )
    changes.add_argument(
        "--format", choices=["text", "json"], default="text", help="output format (default: text)"
    )


def parse_since(text: str | None) -> int | datetime | None:
    """A version number, or an instant (a date is its midnight UTC); ValueError otherwise."""
    if text is None:
        return None
    if text.strip().isdigit():
        return int(text)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        msg = f"{text!r} is neither a version number (3) nor a date (2026-03-10)"
        raise ValueError(msg) from None
    if moment.tzinfo is None:
        msg = "give the instant a time zone, e.g. 2026-03-10T14:00Z, or give a date alone"
        raise ValueError(msg)
    return moment.astimezone(UTC)


async def read(url: str, since: int | datetime | None) -> list[VersionChanges]:
    store = await open_store(url)
    try:
        if isinstance(since, datetime):
            found = await history.versions(store, since=since)
            return await history.changes_since(store, found[0].number - 1) if found else []
        return await history.changes_since(store, since or 0)
    finally:
        await store.close()


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        since = parse_since(args.since)
    except ValueError as error:
        print(f"--since: {error}", file=sys.stderr)
        return 2
    if not_created_yet(settings.database_url):  # nothing recorded: no file is made to say so
        print("No content version recorded yet: the bot records one when it serves content.")
        return 0
    try:
        found = asyncio.run(read(settings.database_url, since))
    except StorageError as error:  # one line saying what to do, never a traceback
        print(f"Invalid setting DATABASE_URL: {error}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(json.dumps(listing.as_json(found), indent=2, ensure_ascii=False))
    else:
        print(listing.as_text(found))
    return 0
