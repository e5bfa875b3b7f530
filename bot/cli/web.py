"""``web`` and ``site OUTDIR``: the brief as web pages, served or written to a folder."""

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

from bot.core.dispatch import Dispatcher
from bot.settings import Settings
from bot.storage.base import RecapStore, StorageError
from bot.storage.connect import not_created_yet, open_store

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
            database=lambda: existing_store(settings.database_url),
        )
    from bot.web.changes import build_history, read_versions
    from bot.web.site import export_site  # Jinja2: only when writing pages

    started = time.perf_counter()
    try:
        versions = asyncio.run(read_versions(lambda: existing_store(settings.database_url)))
    except StorageError as error:  # the pages are written without the versions, said once
        print(f"warning: the versions page is empty: {error}", file=sys.stderr)
        versions = None
    history = build_history(versions or (), available=versions is not None)
    try:
        export = export_site(
            dispatcher, args.outdir, public_url=settings.public_url, history=history
        )
    except OSError as error:
        print(f"cannot write the site into {args.outdir}: {error.strerror}", file=sys.stderr)
        return 2
    print(
        f"Wrote {export.pages} pages to {export.folder} in {time.perf_counter() - started:.2f} s; "
        f"open {export.folder / 'index.html'} (search needs `python -m bot web`)."
    )
    return 0


async def existing_store(url: str) -> RecapStore | None:
    """The database at ``url`` for reading the recorded versions; None while a SQLite file
    does not exist (the web pages never create one).
    """
    return None if not_created_yet(url) else await open_store(url)
