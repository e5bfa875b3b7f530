"""``manifest slack [--url URL] [--oauth] [--public-url URL]``: the Slack app manifest.

Generated from the commands.
"""

import argparse
import json
import re
import sys
from typing import Any

from bot.commands.catalog import build_registry
from bot.platforms.slack.manifest import build_manifest

ACTIONS = ("manifest",)


def add_parsers(sub: "argparse._SubParsersAction[Any]") -> None:
    manifest = sub.add_parser(
        "manifest", help="print a chat app manifest generated from the commands"
    )
    manifest.add_argument("platform", choices=["slack"])
    manifest.add_argument(
        "--url", help="HTTP mode: the public https URL of /slack/events (default: Socket Mode)"
    )
    manifest.add_argument(
        "--public-url",
        help="where the web pages are published (PUBLIC_URL): links to them unfurl in Slack",
    )
    manifest.add_argument(
        "--oauth",
        action="store_true",
        help=(
            "installable in any workspace (OAuth redirect, uninstall events, token rotation); "
            "needs --url"
        ),
    )


def run(args: argparse.Namespace) -> int:
    """Needs no settings: the manifest depends only on the commands and the given URL."""
    if args.oauth and not args.url:
        print("manifest --oauth needs --url https://<host>/slack/events", file=sys.stderr)
        return 2
    if args.url is not None and not re.fullmatch(
        r"https://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~%/-]*)?", args.url
    ):
        # Slack takes only https request URLs; anything else made a manifest Slack refuses.
        print(
            "manifest --url must be the https address of /slack/events, e.g. "
            "https://bot.example/slack/events",
            file=sys.stderr,
        )
        return 2
    if args.public_url is not None and not re.fullmatch(
        r"https?://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~%/-]*)?", args.public_url
    ):
        print(
            "manifest --public-url must be the address of the web pages, e.g. "
            "https://brief.example.org",
            file=sys.stderr,
        )
        return 2
    manifest = build_manifest(
        build_registry(), request_url=args.url, oauth=args.oauth, public_url=args.public_url
    )
    print(json.dumps(manifest, indent=2))
    return 0
