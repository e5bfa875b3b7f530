"""``web`` and ``site OUTDIR``: the brief as web pages, served or written to a folder."""

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from bot.core.dispatch import Dispatcher
from bot.settings import Settings

ACTIONS = ("web", "site")


def add_parsers(sub: "argparse._SubParsersAction[Any]") -> None:
    sub.add_parser(
        "web", help="serve the brief as web pages on HOST:PORT (no chat credentials needed)"
    )
    site = sub.add_parser(
        "site", help="write the brief as static web pages (index.html, sources/*.html) into OUTDIR"
    )
    site.add_argument("outdir", type=Path, help="folder to write into; created if missing")


def run(args: argparse.Namespace, settings: Settings, dispatcher: Dispatcher) -> int:
    if args.action == "web":
        # aiohttp: only when serving. The pages get the service's bounded connections
        # (HTTP_* settings: slow clients and floods), as under `run`.
        from bot.platforms.serve import http_limits
        from bot.service.http import HttpServer
        from bot.service.listener import raise_open_files_limit
        from bot.web.serve import serve_web

        raise_open_files_limit()
        return serve_web(
            dispatcher,
            host=settings.host,
            port=settings.port,
            reload_seconds=settings.content_reload_seconds,
            server_for=lambda app: HttpServer(
                app, settings.host, settings.port, http_limits(settings), name="web"
            ),
            public_url=settings.public_url,
        )
    from bot.web.site import export_site  # Jinja2: only when writing pages

    started = time.perf_counter()
    try:
        export = export_site(dispatcher, args.outdir, public_url=settings.public_url)
    except OSError as error:
        print(f"cannot write the site into {args.outdir}: {error.strerror}", file=sys.stderr)
        return 2
    print(
        f"Wrote {export.pages} pages to {export.folder} in {time.perf_counter() - started:.2f} s; "
        f"open {export.folder / 'index.html'} (search needs `python -m bot web`)."
    )
    return 0
