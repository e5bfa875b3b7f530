"""Starting and stopping Slack: Socket Mode when SLACK_APP_TOKEN is set, HTTP otherwise."""

import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

from bot.core.dispatch import Dispatcher
from bot.platforms.slack.app import build_slack_app
from bot.platforms.slack.http import EVENTS_PATH, build_web_app
from bot.platforms.slack.poster import SlackPoster
from bot.settings import Settings

log = logging.getLogger(__name__)


class SlackRunner:
    def __init__(self, settings: Settings, dispatcher: Dispatcher) -> None:
        self.settings = settings
        self.app = build_slack_app(settings, dispatcher)
        self.dispatcher = dispatcher
        self._socket: AsyncSocketModeHandler | None = None
        self._http: web.AppRunner | None = None
        self.port: int | None = None

    @property
    def socket_mode(self) -> bool:
        return self.settings.slack_app_token is not None

    async def start(self) -> None:
        recaps = self.dispatcher.services.get("recaps")
        if recaps is not None:
            recaps.posters["slack"] = SlackPoster.from_settings(self.settings)
        if self.socket_mode:
            assert self.settings.slack_app_token is not None
            self._socket = AsyncSocketModeHandler(self.app, self.settings.slack_app_token.get_secret_value())
            await self._socket.connect_async()  # type: ignore[no-untyped-call]  # slack_bolt is untyped here
            log.info("Slack connected in Socket Mode")
            return
        self._http = web.AppRunner(build_web_app(self.app, self.dispatcher), access_log=None)
        await self._http.setup()
        await web.TCPSite(self._http, self.settings.host, self.settings.port).start()
        self.port = int(self._http.addresses[0][1])  # the real port when PORT=0
        log.info("Slack HTTP mode: POST http://%s:%s%s, GET /healthz", self.settings.host, self.port, EVENTS_PATH)

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._http is not None:
            await self._http.cleanup()
            self._http = None
