"""HTTP mode: POST /slack/events (signature-verified by Bolt) and GET /healthz."""

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.core.dispatch import Dispatcher

EVENTS_PATH = "/slack/events"


def build_web_app(app: AsyncApp, dispatcher: Dispatcher) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def healthz(request: web.Request) -> web.Response:
        content = dispatcher.store.current
        return web.json_response({
            "ok": True,
            "sources": len(content.sources),
            "quotes_verified": content.verification.quotes,
            "reload_problems": len(dispatcher.store.last_problems),
        })

    web_app = web.Application()
    web_app.router.add_post(EVENTS_PATH, events)
    web_app.router.add_get("/healthz", healthz)
    return web_app
