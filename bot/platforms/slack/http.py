"""HTTP mode: POST /slack/events, signature-verified here, then by Bolt.

Every request is checked before Bolt sees it: its size, Slack's signature (slack_sdk's
SignatureVerifier) and that its body parses the way Bolt will parse it. A request that fails
gets 4xx and one short log line naming why; its body is never logged and nothing runs.
"""

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
# Slack's own payloads are a few KB (slash commands, interactions with view state stay well
# under this); anything larger is not from Slack and is refused before it is verified.
MAX_BODY_BYTES = 256 * 1024
# A Unix time has 10 digits until 2286: a longer one is refused before SignatureVerifier
# turns it into an int.
_TIMESTAMP_DIGITS = 12

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class Rejected(Exception):
    """A request refused before it reaches Bolt: HTTP status and a short reason for the log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def _read_body(request: web.Request, limit: int) -> bytes:
    if request.content_length is not None and request.content_length > limit:
        raise Rejected(413, f"body of {request.content_length} bytes is over {limit}")
    body = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > limit:
            raise Rejected(413, f"body over {limit} bytes")
    return bytes(body)


def _verify(verifier: SignatureVerifier, request: web.Request, body: bytes) -> None:
    timestamp = request.headers.get("X-Slack-Request-Timestamp")
    signature = request.headers.get("X-Slack-Signature")
    if not timestamp or not signature:
        raise Rejected(401, "missing X-Slack-Request-Timestamp or X-Slack-Signature")
    if not timestamp.isdigit() or len(timestamp) > _TIMESTAMP_DIGITS:
        raise Rejected(401, "X-Slack-Request-Timestamp is not a Unix time")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None  # cannot be what Slack signed (it signs UTF-8); checked below as bytes
    if text is None or not verifier.is_valid(body=text, timestamp=timestamp, signature=signature):
        raise Rejected(401, "bad or stale signature")


def _bolt_request(request: web.Request, body: bytes) -> AsyncBoltRequest:
    """Parse as Bolt will; a signed body that does not parse is a client error, not ours."""
    try:
        text = body.decode("utf-8")
        parsed = parse_body(text, request.headers.get("Content-Type"))
        if not isinstance(parsed, dict):
            raise Rejected(400, "body is not a JSON object or form")  # noqa: TRY301 - re-raised
        if not isinstance(parsed.get("event", {}), dict):  # Bolt's middleware reads event.get(...)
            raise Rejected(400, "event is not a JSON object")  # noqa: TRY301 - re-raised
        # Bolt reads fields of the body while building its request (context, enterprise flags);
        # a signed but oddly shaped body fails there, in any way: still the sender's error.
        return AsyncBoltRequest(
            body=text, query=request.query_string, headers=dict(request.headers)
        )
    except Rejected:
        raise
    except Exception as error:  # noqa: BLE001 - however Bolt fails on a body, the sender erred
        raise Rejected(400, f"body does not parse ({type(error).__name__})") from None


def events_handler(
    app: AsyncApp, signing_secret: str, *, max_body_bytes: int = MAX_BODY_BYTES
) -> Handler:
    """The POST /slack/events handler: reject what is not a well-formed signed request, run the
    rest.
    """
    verifier = SignatureVerifier(signing_secret)

    async def events(request: web.Request) -> web.StreamResponse:
        try:
            body = await _read_body(request, max_body_bytes)
            _verify(verifier, request, body)
            bolt_request = _bolt_request(request, body)
        except Rejected as rejected:
            log.info(
                "refused Slack request from %s: %s (HTTP %s)",
                request.remote,
                rejected.reason,
                rejected.status,
            )
            return web.json_response({"error": "invalid request"}, status=rejected.status)
        return await to_aiohttp_response(await app.async_dispatch(bolt_request))

    return events


def build_web_app(app: AsyncApp, signing_secret: str | None = None) -> web.Application:
    """Just Slack's events route, on an application of its own (the benchmark's bare app);
    a running bot mounts ``events_handler`` on the service's server instead.
    """
    # Bolt holds the secret it was built with; callers that have the settings may pass it.
    secret = (
        signing_secret if signing_secret is not None else str(getattr(app, "_signing_secret", ""))
    )
    web_app = web.Application(client_max_size=MAX_BODY_BYTES)
    web_app.router.add_post(EVENTS_PATH, events_handler(app, secret))
    return web_app
