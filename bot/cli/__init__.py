"""``python -m bot``: ask, console, check, changes, run, recap, web, site, manifest, source,
review, intake.

Exit codes: 0 ok, 1 content did not verify, 2 bad usage or settings, 3 a failure at run time
that restarting cannot heal (``run`` only; see bot/service/supervisor.py).

The top of the layer stack (docs/architecture.md): only this package reads the command line,
loads settings, configures logging and prints; the packages below take plain values. One
module per command group. What pulls in a heavy library (the chat clients, aiohttp, Jinja2,
database drivers, trafilatura) is imported by the command that needs it, so ``ask`` and
``check`` start without them (tests/test_startup.py checks it).
"""

import argparse
import sys
from collections.abc import Sequence

from bot.app import build_dispatcher
from bot.cli import ask, changes, check, editorial, intake, manifest, recap, serve, web
from bot.content.problems import ContentError
from bot.core.binding import split_line
from bot.logs import configure_logging, say
from bot.preflight import check_listen, start_problems
from bot.recaps.declared import BadDeclaration
from bot.settings import SettingsError, load_settings, log_format_hint
from bot.storage.urls import passwords_in


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Source-cited, verified facts on the IRS-ICE taxpayer-data case, "
        "for Slack, Discord and the terminal. Settings come from the environment and .env "
        "(see config.example.env).",
    )
    sub = parser.add_subparsers(dest="action", metavar="COMMAND")
    ask.add_parsers(sub)  # ask, console
    check.add_parsers(sub)
    changes.add_parsers(sub)  # what each content version changed
    serve.add_parsers(sub)  # run
    recap.add_parsers(sub)
    web.add_parsers(sub)  # web, site
    manifest.add_parsers(sub)
    editorial.add_parsers(sub)  # editors: `source add FILE`, `review ID`
    intake.add_parsers(sub)  # editors: `intake list|show|accept|reject`
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.action is None:
        _parser().print_help()
        return 0
    if args.action in manifest.ACTIONS:
        return manifest.run(args)
    try:
        settings = load_settings()
    except SettingsError as error:
        say(str(error), level="ERROR", fmt=log_format_hint())
        return 2
    secrets = [*settings.secrets(), *passwords_in(settings.database_url)]
    configure_logging(settings.log_level, secrets, settings.log_format)
    if args.action in check.ACTIONS:
        return check.run(settings)
    if args.action in editorial.ACTIONS:
        return editorial.run(args, settings)
    if args.action in intake.ACTIONS:
        return intake.run(args, settings)
    if args.action in changes.ACTIONS:
        return changes.run(args, settings)
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
        say("\n".join(problems), level="ERROR")
        return 2
    try:
        dispatcher = build_dispatcher(settings)
        if database:  # built now, so RECAPS is checked at start; others never open the database
            _ = dispatcher.services.recap_service
    except (SettingsError, BadDeclaration) as error:  # settings checked against content or RECAPS
        say(str(error), level="ERROR")
        return 2
    except ContentError as error:
        print("Refusing to start: the content did not verify.", file=sys.stderr)
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    if args.action in ask.ACTIONS:
        return ask.run(args, dispatcher)
    if args.action in serve.ACTIONS:
        return serve.run(settings, dispatcher)
    if args.action in recap.ACTIONS:
        return recap.run(args, settings, dispatcher)
    return web.run(args, settings, dispatcher)
