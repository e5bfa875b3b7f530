"""The editors' commands: ``source add FILE`` and ``review ID`` (bot/editorial does the work)."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.editorial.intake import Draft, IntakeError, MissingExtra, add_source
from bot.editorial.render import render_review_text
from bot.editorial.review import ReviewError, review_source
from bot.settings import Settings

ACTIONS = ("source", "review")


def add_parsers(sub: "argparse._SubParsersAction[Any]") -> None:
    source = sub.add_parser("source", help="editors: add a new report to the sources folder")
    source_sub = source.add_subparsers(dest="source_action", metavar="ACTION", required=True)
    add = source_sub.add_parser(
        "add", help="copy a report (text or HTML page) into the sources folder and draft its .toml"
    )
    add.add_argument(
        "file", type=Path, help="the report: a .txt copied byte for byte, or an .html page"
    )
    add.add_argument("--id", help="file name and citation id (default: next NNN_<sha256 prefix>)")
    review = sub.add_parser(
        "review",
        help="editors: what a source corroborates, contradicts and adds, sentence by sentence",
    )
    review.add_argument("id", help="the source's id (as cited) or its file name without .txt")
    review.add_argument(
        "--format", choices=["text", "json"], default="text", help="output format (default: text)"
    )


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.action == "source":
        return _source_add(args.file, settings.seeds_dir, args.id)
    try:
        result = review_source(settings.seeds_dir, settings.summaries_dir, args.id)
    except ReviewError as error:
        print(error)
        return 2
    if args.format == "json":
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        print(render_review_text(result))
    return 0


def _source_add(file: Path, seeds_dir: Path, source_id: str | None) -> int:
    try:
        draft = add_source(file, seeds_dir, source_id)
    except MissingExtra as error:  # the install, not the report: like a bad setting, exit 2
        print(f"Not added: {error}", file=sys.stderr)
        return 2
    except IntakeError as error:
        print(f"Not added: {error}")
        return 1
    print(_describe(draft))
    return 0


def _describe(draft: Draft) -> str:
    how = "article text extracted from the HTML page" if draft.from_html else "copied byte for byte"
    lines = [f"wrote {draft.text_file} ({how})", f"wrote {draft.meta_file} (id {draft.id!r})"]
    lines += [f"  {s.field} = {s.value!r}, resting on {s.quote!r}" for s in draft.stated]
    if draft.left_out:
        lines.append(f"left out (not stated in the text): {', '.join(draft.left_out)}")
    lines += [
        "Read the .toml, then run `python -m bot check`: it must pass before the bot serves it.",
        (
            f"Next: `python -m bot review {draft.id}` to see what it corroborates, contradicts and "
            f"adds."
        ),
    ]
    return "\n".join(lines)
