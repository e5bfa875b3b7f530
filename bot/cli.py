"""``python -m bot``: ask, console, check, run, recap, manifest.

Exit codes: 0 ok, 1 content did not verify, 2 bad usage or settings, 3 a failure at run time
that restarting cannot heal (``run`` only; see bot/service/supervisor.py).
"""

import argparse
import asyncio
import json
import re
import sys
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from bot.app import build_dispatcher
from bot.commands import TOPIC_COMMANDS, build_registry
from bot.content.store import load_content
from bot.content.problems import ContentError
from bot.core.binding import split_line
from bot.core.dispatch import Dispatcher
from bot.core.reply import Reply
from bot.editorial import cli as editorial_cli
from bot.editorial.staleness import stale_warning
from bot.logs import configure_logging
from bot.platforms import posting
from bot.platforms.console import run_console
from bot.platforms.slack.manifest import build_manifest
from bot.preflight import check_listen, start_problems
from bot.recaps import cli as recap_cli
from bot.renderers.discord import render_discord
from bot.renderers.json import render_json
from bot.renderers.slack import render_slack
from bot.renderers.text import render_text
from bot.storage import StorageError
from bot.settings import Settings, SettingsError, load_settings
from bot.web import cli as web_cli

if TYPE_CHECKING:
    from bot.recaps.service import RecapService


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Source-cited, verified facts on the IRS-ICE taxpayer-data case, "
        "for Slack, Discord and the terminal. Settings come from the environment and .env "
        "(see config.example.env).",
    )
    sub = parser.add_subparsers(dest="action", metavar="COMMAND")
    ask = sub.add_parser("ask", help='answer one command and print it, e.g. ask "/numbers"')
    ask.add_argument("line", help='the command as a user would type it, e.g. "/quote 42,695"')
    ask.add_argument(
        "--format", choices=sorted(FORMATS), default="text", help="output format (default: text)"
    )
    sub.add_parser("console", help="interactive prompt; reads commands line by line from a pipe")
    sub.add_parser(
        "check", help="verify every cited quote against its source; exit 1 on any problem"
    )
    sub.add_parser("run", help="serve Slack and/or Discord when configured, else open the console")
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
    web_cli.add_parsers(sub)
    manifest = sub.add_parser(
        "manifest", help="print a chat app manifest generated from the commands"
    )
    manifest.add_argument("platform", choices=["slack"])
    manifest.add_argument(
        "--url", help="HTTP mode: the public https URL of /slack/events (default: Socket Mode)"
    )
    manifest.add_argument(
        "--oauth",
        action="store_true",
        help="installable in any workspace (OAuth redirect, uninstall events, token rotation); needs --url",
    )
    editorial_cli.add_parsers(sub)  # editors: `source add FILE`, `review ID`
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.action is None:
        _parser().print_help()
        return 0
    if args.action == "manifest":
        if args.oauth and not args.url:
            print("manifest --oauth needs --url https://<host>/slack/events", file=sys.stderr)
            return 2
        if args.url is not None and not re.fullmatch(
            r"https://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~%/-]*)?", args.url
        ):
            # Slack takes only https request URLs; anything else made a manifest Slack refuses.
            print(
                "manifest --url must be the https address of /slack/events, e.g. https://bot.example/slack/events",
                file=sys.stderr,
            )
            return 2
        print(
            json.dumps(
                build_manifest(build_registry(), request_url=args.url, oauth=args.oauth), indent=2
            )
        )
        return 0
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    configure_logging(
        settings.log_level,
        [
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.slack_app_token,
            settings.discord_token,
            settings.slack_client_secret,
            settings.slack_token_encryption_key,
        ],
        settings.log_format,
    )
    if args.action == "check":
        return check(settings)
    if args.action in editorial_cli.ACTIONS:
        return editorial_cli.run(args, settings)
    serving = args.action == "run" and (settings.slack_configured or settings.discord_configured)
    database = (
        serving
        or args.action == "recap"
        or (args.action == "ask" and split_line(args.line).command == "recap")
    )
    problems = start_problems(settings, serving=serving, database=database)
    if args.action == "web" and (unbound := check_listen(settings.host, settings.port)):
        problems.insert(0, unbound)  # the web pages alone listen on HOST:PORT too
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    try:
        dispatcher = build_dispatcher(settings)
        if database:  # built now, so RECAPS is checked at start; others never open the database
            _ = dispatcher.services.recap_service
    except SettingsError as error:  # settings checked against content or the database (RECAPS)
        print(error, file=sys.stderr)
        return 2
    except ContentError as error:
        print("Refusing to start: the content did not verify.", file=sys.stderr)
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    if args.action == "ask":
        print(FORMATS[args.format](dispatcher.run_line(args.line)))
        return 0
    if args.action == "run":
        return run(settings, dispatcher)
    if args.action == "recap":
        return recap(args, settings, dispatcher)
    if args.action in web_cli.ACTIONS:
        return web_cli.main(args, settings, dispatcher)
    return run_console(dispatcher)


def check(settings: Settings) -> int:
    try:  # verification only: the /quote search index is not built
        content = load_content(
            settings.seeds_dir, settings.summaries_dir, TOPIC_COMMANDS, index=False
        )
    except ContentError as error:
        for problem in error.problems:
            print(problem)
        print(
            f"FAILED: {len(error.problems)} problem(s); fix them and run `python -m bot check` again."
        )
        return 1
    verification = content.verification
    for source_id in verification.uncited_sources:
        source = content.sources[source_id]
        print(f"not cited: {source_id} (seeds/{source.file.name}) is cited by no summary")
    print(verification.summary_line(len(content.sources), len(content.topics)))
    stale = stale_warning(content, datetime.now(timezone.utc).date(), settings.stale_after_days)
    if stale:
        print(stale)  # a warning only: the exit code stays 0
    return 0


def recap(
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
        at = recap_cli.parse_instant(args.at) if getattr(args, "at", None) else None
    except ValueError as error:
        print(f"--at: {error}", file=sys.stderr)
        return 2
    try:
        if args.recap_action == "list":
            print(recap_cli.list_all(service))
        elif args.recap_action == "preview":
            print(recap_cli.preview(service, dispatcher, args.channel))
        else:
            print(asyncio.run(posting.post_due(settings, service, at)))
    except StorageError as error:  # one line saying what to do, never a traceback
        print(f"Invalid setting DATABASE_URL: {error}", file=sys.stderr)
        return 2
    return 0


def run(settings: Settings, dispatcher: "Dispatcher[RecapService]") -> int:
    """Serve every configured chat platform; with none configured, open the console."""
    if not (settings.slack_configured or settings.discord_configured):
        return run_console(dispatcher)
    from bot.platforms.serve import serve

    return serve(settings, dispatcher)
