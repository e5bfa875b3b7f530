"""``intake list|show|accept|reject``: the editors decide on what the intake found.

``accept`` writes the candidate's text into SEEDS_DIR with a drafted ``.toml`` exactly as
``source add`` does (never overwriting); ``reject`` marks it so it never comes back. Both
only change a candidate that is still new.
"""

import argparse
import asyncio
import contextlib
import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.editorial.intake import IntakeError, MissingExtra, add_source
from bot.settings import Settings
from bot.storage.base import Candidate, RecapStore, StorageError
from bot.storage.connect import not_created_yet, open_store

ACTIONS = ("intake",)
STATUSES = ("new", "accepted", "rejected", "seen")


def add_parsers(sub: "argparse._SubParsersAction[Any]") -> None:
    intake = sub.add_parser(
        "intake",
        help="editors: new reporting and filings the bot found: list, show, accept, reject",
    )
    actions = intake.add_subparsers(dest="intake_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="candidates, newest first (default: the new ones)")
    listing.add_argument("--status", choices=[*STATUSES, "all"], default="new")
    show = actions.add_parser(
        "show", help="one candidate: where it came from, its review, its text"
    )
    show.add_argument("id", type=int)
    accept = actions.add_parser(
        "accept", help="write the candidate into the sources folder with a drafted .toml"
    )
    accept.add_argument("id", type=int)
    accept.add_argument("--id", dest="source_id", help="the source's id (default: as source add)")
    reject = actions.add_parser("reject", help="reject the candidate; it never comes back")
    reject.add_argument("id", type=int)


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        return asyncio.run(_run(args, settings))
    except StorageError as error:
        print(f"Invalid setting DATABASE_URL: {error}", file=sys.stderr)
        return 2


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    if not_created_yet(settings.database_url):  # nothing found yet: no file is made to say so
        return _none_found(args)
    store = await open_store(settings.database_url)
    try:
        if args.intake_action == "list":
            status = None if args.status == "all" else args.status
            print(_listing(await store.intake_candidates(status)))
            return 0
        candidate = await store.intake_candidate(args.id)
        if candidate is None:
            return _none_found(args)
        if args.intake_action == "show":
            print(_show(candidate))
            return 0
        if candidate.status != "new":
            print(f"candidate {candidate.id} is already {candidate.status}; nothing changed")
            return 1
        if args.intake_action == "reject":
            await store.intake_decide(candidate.id, "rejected", None, datetime.now(UTC))
            print(f"candidate {candidate.id} rejected; it will not come back")
            return 0
        return await _accept(store, candidate, settings.seeds_dir, args.source_id)
    finally:
        await store.close()


def _none_found(args: argparse.Namespace) -> int:
    if args.intake_action == "list":
        print(_listing([]))
        return 0
    print(f"no candidate {args.id}; `python -m bot intake list` shows them")
    return 1


async def _accept(
    store: RecapStore, candidate: Candidate, seeds_dir: Path, source_id: str | None
) -> int:
    if candidate.kind == "filing":
        await store.intake_decide(candidate.id, "accepted", None, datetime.now(UTC))
        print(
            f"candidate {candidate.id} (a court filing) marked accepted; nothing was written: "
            f"read it at {candidate.url} and add what matters with `source add`"
        )
        return 0
    with tempfile.TemporaryDirectory(prefix="intake-") as folder:
        text_file = Path(folder) / f"candidate-{candidate.id}.txt"
        text_file.write_text(candidate.body, encoding="utf-8")
        try:
            draft = add_source(text_file, seeds_dir, source_id)
        except MissingExtra as error:
            print(f"Not accepted: {error}", file=sys.stderr)
            return 2
        except IntakeError as error:
            print(f"Not accepted: {error}")
            return 1
    if not await store.intake_decide(candidate.id, "accepted", draft.id, datetime.now(UTC)):
        print(f"candidate {candidate.id} was decided meanwhile; the files are written all the same")
    print(f"wrote {draft.text_file} and {draft.meta_file} (id {draft.id!r}) from {candidate.url}")
    if draft.left_out:
        print(f"left out (not stated in the text): {', '.join(draft.left_out)}")
    print(
        "Read the .toml (add url = the address above if you cite it), run `python -m bot check`, "
        f"then `python -m bot review {draft.id}`."
    )
    return 0


def _counts(candidate: Candidate) -> str:
    if candidate.kind == "filing":
        return "filing"
    with contextlib.suppress(ValueError, AttributeError):
        counts = json.loads(candidate.review or "{}").get("counts") or {}
        return (
            f"+{counts.get('corroborates', 0)} !{counts.get('contradicts', 0)} "
            f"new {counts.get('new', 0)}"
        )
    return "?"


def _listing(candidates: list[Candidate]) -> str:
    if not candidates:
        return "no candidates"
    lines = ["id     status    found       review          title"]
    lines += [
        f"{c.id:<6} {c.status:<9} {c.found_at:%Y-%m-%d}  {_counts(c):<15} {_clean(c.title)[:80]}"
        for c in candidates
    ]
    lines.append("(+ corroborates, ! contradicts; `intake show ID` for the details)")
    return "\n".join(lines)


def _show(c: Candidate) -> str:
    lines = [
        f"candidate {c.id} ({c.kind}, {c.status})",
        f"title:  {_clean(c.title)}",
        f"outlet: {_clean(c.outlet) or '(not stated)'}",
        f"date:   {_clean(c.stated_date) or '(not stated)'}",
        f"link:   {_clean(c.url)}",
        f"from:   {_clean(c.origin)}",
        f"found:  {c.found_at:%Y-%m-%d %H:%M} UTC",
    ]
    if c.source_id:
        lines.append(f"source: {c.source_id}")
    if c.kind != "filing":
        try:
            review: dict[str, Any] = json.loads(c.review or "{}")
        except ValueError:
            review = {}
        counts = review.get("counts") or {}
        lines.append(
            f"review: corroborates {counts.get('corroborates', 0)}, contradicts "
            f"{counts.get('contradicts', 0)}, possibly contradicts {counts.get('possible', 0)}, "
            f"new {counts.get('new', 0)}"
        )
        lines += [f"  contradicts {x['claim']}: {x['what']}" for x in review.get("contradicts", [])]
        lines += [
            f"  possibly contradicts {x['claim']}: {x['what']}" for x in review.get("possible", [])
        ]
        lines += [f"  corroborates {x['claim']}" for x in review.get("corroborates", [])]
        lines += [f"  new {x['kind']}: {_clean(x['text'])}" for x in review.get("new", [])]
    lines += ["", "text:", *(_clean(line) for line in c.body.splitlines()[:200])]
    return "\n".join(lines)


def _clean(text: str) -> str:
    """What a page or feed says, inert on a terminal (no escape sequences)."""
    return "".join(ch if ch.isprintable() or ch == "\t" else "\ufffd" for ch in text)
