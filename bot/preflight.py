"""Start-up checks of settings that are well-formed but fail only when used.

Each returns one line naming the variable and what is wrong ("Invalid setting X: ..."),
or None. They touch the outside world (DNS, a socket, the file system, the network), so
they run once in ``main``, before any event loop, and only for the commands that need them.
"""

import json
import socket
import sqlite3
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote, urlsplit

from bot.platforms.errors import bind_problem
from bot.settings import Settings
from bot.storage.urls import check_database_url as check_url_form

API_TIMEOUT_SECONDS = 5.0
DISCORD_TIMEOUT_SECONDS = API_TIMEOUT_SECONDS


def check_listen(host: str, port: int, prefix: str = "") -> str | None:
    """HOST resolves to an address of this machine and PORT is free there (``prefix``
    "OPS_": the operator listener's OPS_HOST and OPS_PORT).
    """
    try:
        infos = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )
    except (socket.gaierror, UnicodeError) as error:
        reason = error.strerror if isinstance(error, socket.gaierror) else "not a valid host name"
        return f"Invalid setting {prefix}HOST: {host!r} does not resolve ({reason})"
    family, kind, proto, _, address = infos[0]
    try:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
            probe.bind(address)
    except OSError as error:
        return bind_problem(error, host, port, prefix)
    return None


def _answers(url: str, variable: str, timeout: float) -> str | None:
    """``url`` answers HTTP at all (any status counts): a typo'd or dead host fails here, in
    one line naming the variable, not later in a library's traceback.
    """
    host = urlsplit(url).netloc
    # Straight to the host, as the chat libraries connect (their aiohttp sessions ignore the
    # *_proxy variables).
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=timeout):
            pass
    except urllib.error.HTTPError:
        return None  # it answered
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return (
            f"Invalid setting {variable}: no answer from {host} ({reason}); check the URL and "
            "the network"
        )
    return None


def check_discord_api(url: str, timeout: float = API_TIMEOUT_SECONDS) -> str | None:
    """DISCORD_API_URL answers (GET .../gateway)."""
    return _answers(url.rstrip("/") + "/gateway", "DISCORD_API_URL", timeout)


def check_slack_api(url: str, timeout: float = API_TIMEOUT_SECONDS) -> str | None:
    """SLACK_API_URL answers (GET .../api.test, Slack's method for exactly this)."""
    return _answers(url.rstrip("/") + "/api.test", "SLACK_API_URL", timeout)


def check_discord_guilds(
    url: str, token: str, guild_ids: list[int], timeout: float = API_TIMEOUT_SECONDS
) -> str | None:
    """Discord lets this bot manage its commands in every guild of DISCORD_GUILD_IDS (the bot
    must be in the server, invited with the applications.commands scope): the sync would
    otherwise fail after login, in discord.py's traceback. A token Discord rejects is left
    to the login, which names DISCORD_TOKEN; no answer at all, to ``check_discord_api``.
    """
    base = url.rstrip("/")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    headers = {"Authorization": f"Bot {token}", "User-Agent": "DiscordBot (case-brief-bot, 1)"}

    def get(path: str) -> bytes:
        request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 - http(s) only (the setting's pattern)
        with opener.open(request, timeout=timeout) as response:
            body: bytes = response.read()
            return body

    try:
        application = json.loads(get("/oauth2/applications/@me"))["id"]
    except (urllib.error.URLError, OSError, ValueError, KeyError, TypeError):
        return None
    for guild in guild_ids:
        try:
            get(f"/applications/{application}/guilds/{guild}/commands")
        except urllib.error.HTTPError as error:
            if error.code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND):
                return (
                    f"Invalid setting DISCORD_GUILD_IDS: Discord refused guild {guild} "
                    f"(HTTP {error.code}); add the bot to that server with the "
                    "applications.commands scope (the invite URL), or remove the id"
                )
        except (urllib.error.URLError, OSError):
            return None
    return None


def check_database_url(url: str) -> str | None:
    """Why DATABASE_URL cannot be used, or None: its form (bot.storage), then for SQLite
    whether the file can be opened or created here. The reason only, without the prefix.
    """
    if problem := check_url_form(url):
        return problem
    return _sqlite_file_problem(url) if url.startswith("sqlite:///") else None


def _sqlite_file_problem(url: str) -> str | None:
    """What stops the SQLite file being opened or created here (a missing folder, a place
    this user cannot write, a file that is not a database), or None. Creates nothing.
    """
    text = url.removeprefix("sqlite:///")
    if not text.strip():
        return "no file path after sqlite:/// (e.g. sqlite:///case-brief.sqlite3)"
    path = Path(text)
    if path.is_dir():
        return f"{path} is a folder; give a file path such as {path / 'case-brief.sqlite3'}"
    folder = path.parent
    if not folder.is_dir():
        return f"folder {folder} does not exist; create it or choose another path"
    try:
        if path.exists():
            db = sqlite3.connect(
                f"file:{quote(str(path))}?mode=rw", uri=True
            )  # opens, writes nothing
            try:
                db.execute("PRAGMA schema_version")
            finally:
                db.close()
        # SQLite writes its journal beside the file: the folder itself must take new files.
        with tempfile.TemporaryFile(dir=folder):
            pass
    except sqlite3.Error as error:
        return f"cannot open {path} ({error})"
    except OSError as error:
        return f"cannot write in {folder} ({error.strerror or error}); choose a writable place"
    return None


def listens(settings: Settings) -> bool:
    """Every serving mode listens on HOST:PORT (/healthz, /readyz, /metrics, the web pages)."""
    return settings.slack_configured or settings.discord_configured


def start_problems(settings: Settings, *, serving: bool, database: bool) -> list[str]:
    """Every start-up problem for a command that serves chat platforms and/or uses the database."""
    checks: list[Callable[[], str | None]] = []
    if serving and listens(settings):
        checks.append(lambda: check_listen(settings.host, settings.port))
        if settings.ops_port is not None:
            checks.append(lambda: check_listen(settings.ops_host, settings.ops_port or 0, "OPS_"))
    if serving and settings.slack_configured:
        checks.append(lambda: check_slack_api(settings.slack_api_url))
    if serving and settings.discord_configured:
        checks.append(lambda: check_discord_api(settings.discord_api_url))
        if settings.discord_guild_ids and settings.discord_token is not None:
            token = settings.discord_token.get_secret_value()
            checks.append(
                lambda: check_discord_guilds(
                    settings.discord_api_url, token, list(settings.discord_guild_ids)
                )
            )
    problems = [problem for check in checks if (problem := check())]
    if database and (reason := check_database_url(settings.database_url)):
        problems.append(f"Invalid setting DATABASE_URL: {reason}")
    return problems
