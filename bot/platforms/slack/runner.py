"""Starting and stopping Slack: Socket Mode when SLACK_APP_TOKEN is set, HTTP otherwise.

In HTTP mode ``POST /slack/events`` is mounted on the service's one HTTP server
(``mounts``); started alone (tests) the runner serves it on a server of its own.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.dispatch import Dispatcher
from bot.platforms.errors import StartError
from bot.platforms.recording import public_replies
from bot.platforms.slack.app import build_slack_app
from bot.platforms.slack.http import EVENTS_PATH, Handler, events_handler
from bot.platforms.slack.oauth import SlackOAuth, add_oauth_routes
from bot.platforms.slack.poster import SlackPoster
from bot.platforms.slack.responses import ResponseUrls
from bot.recaps.service import RecapService
from bot.service.http import HttpServer, Mount, build_http_app
from bot.service.observe import Observer
from bot.service.readiness import Readiness
from bot.service.supervisor import Fatal
from bot.settings import Settings

log = logging.getLogger(__name__)
CONNECTION_CHECK_SECONDS = 2.0
# Disconnected at this many checks in a row, the tokens are checked with Slack.
CHECKS_BEFORE_TOKEN_CHECK = 2
REJECTED = ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired")


def unreachable(url: str, error: BaseException) -> str:
    """The one line for a Slack Web API that does not answer (the URL, never a token)."""
    host = urlsplit(url).netloc or url
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    return (
        f"Invalid setting SLACK_API_URL: no answer from {host} ({reason}); check the URL "
        "and the network"
    )


class SlackRunner:
    name = "slack"

    def __init__(
        self,
        settings: Settings,
        dispatcher: Dispatcher[RecapService],
        *,
        observer: Observer | None = None,
        own_server: bool = True,
        oauth: SlackOAuth | None = None,
    ) -> None:
        self.settings = settings
        self.observer = observer or Observer(commands=[c.name for c in dispatcher.registry])
        # Many workspaces (OAuth installs) or one (SLACK_BOT_TOKEN).
        self.oauth = oauth or (
            SlackOAuth(
                settings,
                on_workspace_removed=self._workspace_removed,
                on_workspace_installed=self._workspace_installed,
            )
            if settings.slack_oauth
            else None
        )
        self.responses = ResponseUrls()  # page button answers: one kept-alive session
        # Public replies are posted as messages and recorded, to be corrected in place later.
        self.public = public_replies(dispatcher.services.recap_service)
        self.app = build_slack_app(
            settings,
            dispatcher,
            self.observer,
            self.responses,
            public=self.public,
            **(self.oauth.app_arguments() if self.oauth else {}),
        )
        if self.oauth is not None:
            self.oauth.register(self.app)
        self.dispatcher = dispatcher
        self.own_server = own_server  # False: the service mounts ``mounts()`` on its server
        self._socket: AsyncSocketModeHandler | None = None
        self._server: HttpServer | None = None
        self.authenticated = False
        self.connected = False
        self.port: int | None = None

    def poster(self) -> SlackPoster:
        """The recap poster; with OAuth, each workspace's recaps go out with its own token."""
        if self.oauth is not None:
            return SlackPoster.from_settings(self.settings, token_for=self.oauth.tokens().bot_token)
        return SlackPoster.from_settings(self.settings)

    @property
    def socket_mode(self) -> bool:
        return self.settings.slack_app_token is not None

    async def _workspace_removed(self, team_id: str, reason: str) -> None:
        """Uninstalled or revoked: that workspace's recaps pause; nothing more is posted there."""
        recaps = self.dispatcher.services.recap_service
        if recaps is not None:
            store = await recaps.ready()
            paused = await store.pause_workspace("slack", team_id, f"Slack app removed ({reason})")
            log.info(
                "Slack workspace %s removed (%s): %d recap subscription(s) paused",
                team_id,
                reason,
                paused,
            )

    async def _workspace_installed(self, team_id: str) -> None:
        recaps = self.dispatcher.services.recap_service
        if recaps is not None:
            store = await recaps.ready()
            await store.resume_workspace("slack", team_id)

    async def _authenticate(self) -> None:
        try:
            await self.app.client.auth_test()
        except SlackApiError as error:
            if error.response.get("error") in REJECTED:
                msg = (
                    f"Invalid setting SLACK_BOT_TOKEN: Slack rejected it "
                    f"({error.response.get('error')})"
                )
                raise StartError(msg) from None
            raise
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            raise StartError(unreachable(self.settings.slack_api_url, error)) from None
        self.authenticated = True

    async def start(self) -> None:
        if self.oauth is not None:
            await self.oauth.start()  # checks the key against stored installations
            self.authenticated = True  # each workspace's token is checked per request
        else:
            await self._authenticate()
        if self.socket_mode:
            assert self.settings.slack_app_token is not None
            self._socket = AsyncSocketModeHandler(
                self.app, self.settings.slack_app_token.get_secret_value()
            )
            try:
                # slack_bolt is untyped here.
                await self._socket.connect_async()  # type: ignore[no-untyped-call]
            except SlackApiError as error:
                msg = (
                    f"Invalid setting SLACK_APP_TOKEN: Slack refused the Socket Mode "
                    f"connection ({error.response.get('error')})"
                )
                raise StartError(msg) from None
            except (TimeoutError, aiohttp.ClientError, OSError) as error:
                raise StartError(unreachable(self.settings.slack_api_url, error)) from None
            self.connected = True
            log.info("Slack connected in Socket Mode")
            return
        if self.own_server:
            app = build_http_app([self], self.observer, self.mounts())
            self._server = HttpServer(app, self.settings.host, self.settings.port)
            await self._server.start()
            self.port = self._server.port
        log.info("Slack HTTP mode: POST %s", EVENTS_PATH)

    def mounts(self) -> list[Mount]:
        """HTTP mode: Slack's events route (from slack/http.py) on the service's server."""
        if self.socket_mode:
            return []
        if self.oauth is not None:
            return [self._mount_events, lambda app: add_oauth_routes(app, self.app)]
        return [self._mount_events]

    def _mount_events(self, app: web.Application) -> None:
        secret = (
            self.settings.slack_signing_secret.get_secret_value()
            if self.settings.slack_signing_secret
            else ""
        )
        app.router.add_post(EVENTS_PATH, self._unless_draining(events_handler(self.app, secret)))

    def _unless_draining(
        self, handler: Handler
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """While stopping, new Slack requests get 503 (the in-flight ones finish)."""

        async def guarded(request: web.Request) -> web.StreamResponse:
            if self.observer.draining:
                return web.json_response({"error": "stopping"}, status=503)
            response: web.StreamResponse = await handler(request)
            return response

        return guarded

    def tasks(self) -> dict[str, Callable[[], Awaitable[None]]]:
        return {"slack-connection": self.watch_connection} if self.socket_mode else {}

    async def watch_connection(self) -> None:
        """Socket Mode reconnects by itself; while it cannot, ask Slack whether the tokens
        still hold, and stop the process (Fatal) when one was revoked.
        """
        down = 0
        while True:
            if self._socket is not None:
                self.connected = bool(await self._socket.client.is_connected())
                down = 0 if self.connected else down + 1
                if down >= CHECKS_BEFORE_TOKEN_CHECK:
                    await self._check_tokens()
            await asyncio.sleep(CONNECTION_CHECK_SECONDS)

    async def _check_tokens(self) -> None:
        assert self.settings.slack_app_token is not None
        quick = AsyncWebClient(
            token=self.app.client.token,
            base_url=self.app.client.base_url,
            timeout=5,
            retry_handlers=[],
        )
        app_token = self.settings.slack_app_token.get_secret_value()
        for variable in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"):
            try:
                if variable == "SLACK_BOT_TOKEN":
                    await quick.auth_test()
                else:
                    await quick.apps_connections_open(app_token=app_token)
            except SlackApiError as error:
                if error.response.get("error") in REJECTED:
                    msg = (
                        f"Invalid setting {variable}: Slack rejected it "
                        f"({error.response.get('error')})"
                    )
                    raise Fatal(msg) from None
            except (TimeoutError, aiohttp.ClientError):
                return  # Slack unreachable: not the tokens' fault; keep waiting

    async def readiness(self) -> Readiness:
        detail: dict[str, Any] = {
            "mode": "socket" if self.socket_mode else "http",
            "authenticated": self.authenticated,
        }
        if not self.authenticated:
            return Readiness(ready=False, detail=detail, reason="not authenticated")
        if self.socket_mode:
            connected = self._socket is not None and bool(await self._socket.client.is_connected())
            detail["connected"] = connected
            if not connected:
                return Readiness(ready=False, detail=detail, reason="Socket Mode not connected")
        return Readiness(ready=True, detail=detail)

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._server is not None:
            await self._server.stop()
            self._server = None
        if self.oauth is not None:
            await self.oauth.close()
        await self.responses.close()
        if self.public is not None:
            await self.public.aclose()
