"""A local stand-in for Discord, started by tests on 127.0.0.1.

REST under /api/v10 (login, application, gateway URL, commands, interaction callbacks,
follow-ups, edits of the original response) and a JSON gateway websocket: HELLO, IDENTIFY,
READY, heartbeats and INTERACTION_CREATE dispatches. Everything the bot sends is recorded,
and ``shown`` holds what users see of each interaction's answers, with Discord's rule for
deferrals: the message that ends a deferral (the first follow-up, or an edit of the
original) keeps the deferral's visibility, whatever flags it asks for.
"""

import asyncio
import itertools
import json
import time
from collections import defaultdict
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.server import serve

APP_ID = 111111111111111111
BOT_ID = 222222222222222222
GUILD_ID = 333333333333333333
CHANNEL_ID = 444444444444444444
MANAGE_GUILD = 1 << 5
SEND_AND_EMBED = (1 << 11) | (1 << 14)


def _json(data: Any, status: int = 200) -> web.Response:
    """Discord sends exactly "application/json" (no charset), and discord.py relies on it."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, content_type="application/json"
    )


BOT_USER = {
    "id": str(BOT_ID),
    "username": "case-brief",
    "discriminator": "0",
    "global_name": None,
    "avatar": None,
    "bot": True,
    "flags": 0,
    "public_flags": 0,
}


class FakeDiscord:
    def __init__(self, *tokens: str) -> None:
        self.tokens = tokens or ("discord-test-token",)
        self.token = self.tokens[0]
        self.requests: list[tuple[str, str, Any]] = []
        self.commands: dict[str, list[dict[str, Any]]] = defaultdict(list)  # scope -> commands
        self.syncs: list[str] = []
        self.callbacks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self.followups: list[dict[str, Any]] = []
        # Interaction answers as users see them: {"token", "ephemeral", "embeds", "content"}.
        self.shown: list[dict[str, Any]] = []
        self._deferred: dict[str, bool] = {}  # interaction token -> ephemeral, until answered
        # Messages made by interaction replies (type 4), by id, as buttons on them see them;
        # which message each interaction made, and which one each press was on.
        self.interaction_messages: dict[str, dict[str, Any]] = {}
        self.message_of: dict[str, str] = {}
        self._pressed: dict[str, str] = {}
        self.updates: list[dict[str, Any]] = []  # UPDATE_MESSAGE (type 7) answers to presses
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(
            list
        )  # channel -> posted messages
        self.channel_failures: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        # Like channel_failures, but the message lands first (a post accepted, then answered 5xx).
        self.accepted_failures: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        self._snowflakes = itertools.count()
        self.post_attempts: dict[str, int] = defaultdict(
            int
        )  # channel -> POSTs received, refused ones too
        self.identified = asyncio.Event()
        self.heartbeats = 0
        self._sockets: dict[
            tuple[str, int], web.WebSocketResponse
        ] = {}  # (bot token, shard) -> socket
        self.identified_shards: set[int] = set()
        self.close_on_identify: int | None = (
            None  # a close code to answer IDENTIFY with (4014, ...)
        )
        self.gateway_down = False
        # Guild ids whose commands this bot may not touch (not in the server): 403 Missing Access.
        self.refused_guilds: set[str] = set()
        self._seq = itertools.count(1)
        self._ids = itertools.count(900000000000000000)
        self._runner: web.AppRunner | None = None
        self.port = 0
        # Corrections in place (issue 18): message edits, replies, deleted messages.
        self.edits: list[tuple[str, str, dict[str, Any]]] = []  # (channel, message id, body)
        self.refused_edits: dict[str, tuple[int, dict[str, Any]]] = {}  # channel -> answer
        self.edit_failures: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        # Interaction callbacks refused (status, body), first queued first; the interaction
        # may still be answered after (as Discord refuses a malformed response).
        self.callback_failures: list[tuple[int, dict[str, Any]]] = []
        self._original: dict[str, str] = {}  # interaction token -> its reply's message id

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    async def start(self) -> "FakeDiscord":
        app = web.Application()
        r = app.router
        r.add_get("/api/v10/users/@me", self._me)
        r.add_get("/api/v10/oauth2/applications/@me", self._application)
        r.add_get("/api/v10/gateway/bot", self._gateway_bot)
        r.add_route("*", "/api/v10/applications/{app}/commands", self._commands)
        r.add_route("*", "/api/v10/applications/{app}/guilds/{guild}/commands", self._commands)
        r.add_post("/api/v10/interactions/{id}/{token}/callback", self._callback)
        r.add_post("/api/v10/webhooks/{app}/{token}", self._followup)
        r.add_patch("/api/v10/webhooks/{app}/{token}/messages/@original", self._edit_original)
        r.add_route("*", "/api/v10/channels/{channel}/messages", self._channel_messages)
        r.add_route("*", "/api/v10/channels/{channel}/messages/{message}", self._one_message)
        r.add_get("/api/v10/webhooks/{app}/{token}/messages/@original", self._get_original)
        r.add_get("/gateway", self._gateway)
        self._runner, self.port = await serve(app)
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets.values()):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") in {f"Bot {t}" for t in self.tokens}

    async def _me(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        return _json(BOT_USER)

    async def _application(self, request: web.Request) -> web.Response:
        return _json(
            {
                "id": str(APP_ID),
                "name": "Case Brief",
                "icon": None,
                "description": "",
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": BOT_USER,
                "team": None,
                "verify_key": "00",
                "flags": 0,
            }
        )

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        return _json(
            {
                "url": f"ws://127.0.0.1:{self.port}/gateway",
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    async def _commands(self, request: web.Request) -> web.Response:
        scope = request.match_info.get("guild", "global")
        if scope in self.refused_guilds:
            return _json({"message": "Missing Access", "code": 50001}, status=403)
        if request.method == "PUT":
            body = await request.json()
            self.syncs.append(scope)
            self.commands[scope] = [
                dict(c, id=str(next(self._ids)), application_id=str(APP_ID), version="1")
                for c in body
            ]
        if request.query.get("with_localizations") == "true":
            return _json(self.commands[scope])
        # As Discord: without with_localizations=true, no localization dictionaries.
        return _json([_without_localizations(c) for c in self.commands[scope]])

    async def _callback(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self.callback_failures:
            status, failure = self.callback_failures.pop(0)
            self.requests.append(("refused callback", request.match_info["id"], body))
            return _json(failure, status)
        self.requests.append(("callback", request.match_info["id"], body))
        future = self.callbacks.get(request.match_info["id"])
        if future is not None and not future.done():
            future.set_result(body)
        token, data = request.match_info["token"], body.get("data") or {}
        ephemeral = bool(data.get("flags", 0) & 64)
        if body["type"] == 5:  # deferred: "thinking...", visible as the flags say
            self._deferred[token] = ephemeral
        elif body["type"] == 7:  # UPDATE_MESSAGE: the pressed message takes the new content
            self._update_pressed(request.match_info["id"], data)
        else:
            self._show(token, ephemeral, data)
            if body["type"] == 4:  # the reply is a message, which buttons can be pressed on
                self._keep_message(request.match_info["id"], data)
                self._original[token] = self.message_of[request.match_info["id"]]
        answer: dict[str, Any] = {
            "id": request.match_info["id"],
            "type": 2,
            "response_message_loading": body["type"] == 5,
            "response_message_ephemeral": bool(body.get("data", {}).get("flags", 0) & 64),
        }
        if body["type"] == 4:  # as Discord answers with_response: the message it made
            answer["response_message_id"] = self.message_of[request.match_info["id"]]
        return _json({"interaction": answer})

    def _keep_message(self, interaction_id: str, data: dict[str, Any]) -> None:
        message = {
            "id": self.snowflake(),
            "channel_id": str(CHANNEL_ID),
            "author": BOT_USER,
            "content": data.get("content") or "",
            "timestamp": "2026-03-10T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": data.get("embeds", []),
            "components": data.get("components", []),
            "pinned": False,
            "type": 20,
            "flags": data.get("flags", 0) or 0,
        }
        self.interaction_messages[message["id"]] = message
        self.message_of[interaction_id] = message["id"]
        if not message["flags"] & 64:  # public: a message in the channel, as everyone sees it
            self.messages[str(CHANNEL_ID)].append(message)

    def _update_pressed(self, interaction_id: str, data: dict[str, Any]) -> None:
        message_id = self._pressed.get(interaction_id)
        self.updates.append({"interaction": interaction_id, "message": message_id, **data})
        message = self.interaction_messages.get(message_id or "")
        if message is not None:
            message.update(
                embeds=data.get("embeds", message["embeds"]),
                components=data.get("components", message["components"]),
                edited_timestamp="2026-03-10T00:01:00+00:00",
            )

    async def press(
        self,
        message: dict[str, Any],
        custom_id: str,
        *,
        user_id: str = "555555555555555555",
        timeout: float = 5,
        token: str | None = None,
        shard: int = 0,
        locale: str = "en-US",
    ) -> dict[str, Any]:
        """Press the button ``custom_id`` on ``message`` (as kept in ``interaction_messages``,
        or any message dict) from a client in ``locale``; return the interaction's callback
        body.
        """
        interaction_id = str(next(self._ids))
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.callbacks[interaction_id] = future
        self._pressed[interaction_id] = str(message["id"])
        payload = interaction_payload(interaction_id, "", {}, SEND_AND_EMBED, locale)
        payload["type"] = 3  # MESSAGE_COMPONENT
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        payload["message"] = message
        payload["member"]["user"]["id"] = user_id
        await self._dispatch(token or self.token, "INTERACTION_CREATE", payload, shard=shard)
        return await asyncio.wait_for(future, timeout)

    def _show(self, token: str, ephemeral: bool, body: dict[str, Any]) -> None:
        self.shown.append(
            {
                "token": token,
                "ephemeral": ephemeral,
                "embeds": body.get("embeds", []),
                "content": body.get("content"),
            }
        )

    async def _followup(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.followups.append(body)
        token = request.match_info["token"]
        ephemeral = bool(body.get("flags", 0) & 64)
        if token in self._deferred:  # the first follow-up ends the deferral, as it was made
            ephemeral = self._deferred.pop(token)
        self._show(token, ephemeral, body)
        response = self._message(body)
        if not ephemeral:  # public: a message in the channel
            assert isinstance(response.text, str)
            self.messages[str(CHANNEL_ID)].append(json.loads(response.text))
        return response

    async def _edit_original(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(("edit_original", request.match_info["token"], body))
        token = request.match_info["token"]
        if token in self._deferred:
            self._show(token, self._deferred.pop(token), body)
        return self._message(body)

    def _message(self, body: dict[str, Any]) -> web.Response:
        return _json(
            {
                "id": str(next(self._ids)),
                "channel_id": str(CHANNEL_ID),
                "author": BOT_USER,
                "content": "",
                "timestamp": "2026-03-10T00:00:00+00:00",
                "edited_timestamp": None,
                "tts": False,
                "mention_everyone": False,
                "mentions": [],
                "mention_roles": [],
                "attachments": [],
                "embeds": body.get("embeds", []),
                "pinned": False,
                "type": 0,
                "flags": body.get("flags", 0),
            }
        )

    async def _get_original(self, request: web.Request) -> web.Response:
        message_id = self._original.get(request.match_info["token"])
        message = self.interaction_messages.get(message_id or "")
        if message is None:
            return _json({"code": 10008, "message": "Unknown Message"}, 404)
        return _json(message)

    def message(self, channel: str, message_id: str) -> dict[str, Any] | None:
        return next((m for m in self.messages[channel] if m["id"] == message_id), None)

    def delete(self, channel: str, message_id: str) -> None:
        """Someone deleted the message."""
        self.messages[channel] = [m for m in self.messages[channel] if m["id"] != message_id]

    def replies_to(self, channel: str, message_id: str) -> list[dict[str, Any]]:
        return [
            m
            for m in self.messages[channel]
            if (m.get("message_reference") or {}).get("message_id") == message_id
        ]

    def edits_of(self, channel: str, message_id: str) -> list[dict[str, Any]]:
        return [body for c, m, body in self.edits if c == channel and m == message_id]

    async def _one_message(self, request: web.Request) -> web.Response:
        channel, message_id = request.match_info["channel"], request.match_info["message"]
        if request.method == "PATCH":
            if self.edit_failures[channel]:
                status, failure = self.edit_failures[channel].pop(0)
                return _json(failure, status)
            if channel in self.refused_edits:
                status, failure = self.refused_edits[channel]
                return _json(failure, status)
        message = self.message(channel, message_id)
        if message is None:
            return _json({"code": 10008, "message": "Unknown Message"}, 404)
        if request.method == "PATCH":
            body = await request.json()
            self.edits.append((channel, message_id, body))
            message.update(
                embeds=body.get("embeds", message["embeds"]),
                edited_timestamp="2026-03-10T00:01:00+00:00",
            )
            if "components" in body:
                message["components"] = body["components"]
        return _json(message)

    def snowflake(self) -> str:
        """Message ids as Discord makes them: milliseconds since 2015 shifted left 22 bits."""
        return str(
            ((int(time.time() * 1000) - 1_420_070_400_000) << 22) | (next(self._snowflakes) % 4096)
        )

    def chatter(self, channel: str, count: int) -> None:
        """Messages from people in a busy channel."""
        for n in range(count):
            self.messages[channel].append(
                {
                    "id": self.snowflake(),
                    "channel_id": channel,
                    "content": f"chatter {n}",
                    "embeds": [],
                    "author": {"id": "1", "username": "someone"},
                }
            )

    async def _channel_messages(self, request: web.Request) -> web.Response:
        channel = request.match_info["channel"]
        if request.method == "GET":
            limit = min(int(request.query.get("limit", 50)), 100)
            if (
                "after" in request.query
            ):  # the oldest ``limit`` after that id, returned newest first
                after = int(request.query["after"])
                newer = [m for m in self.messages[channel] if int(m["id"]) > after]
                return _json(list(reversed(newer[:limit])))
            return _json(list(reversed(self.messages[channel]))[:limit])
        self.post_attempts[channel] += 1
        if self.channel_failures[channel]:
            status, body = self.channel_failures[channel].pop(0)
            response = _json(body, status)
            if status == 429:  # Discord's rate-limit headers, which discord.py reads
                response.headers.update(
                    {
                        "X-RateLimit-Limit": "5",
                        "X-RateLimit-Remaining": "0",
                        "X-RateLimit-Reset-After": str(body.get("retry_after", 1)),
                        "X-RateLimit-Bucket": "fake",
                        "Retry-After": str(body.get("retry_after", 1)),
                        "Via": "1.1 google",
                    }
                )  # without Via, discord.py assumes a Cloudflare ban
            return response
        body = await request.json()
        message = {
            "id": self.snowflake(),
            "channel_id": channel,
            "author": BOT_USER,
            "content": "",
            "timestamp": "2026-03-10T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds", []),
            "pinned": False,
            "type": 19 if body.get("message_reference") else 0,  # a reply
            "nonce": body.get("nonce"),
            "message_reference": body.get("message_reference"),
        }
        if body.get("message_reference"):
            reference = body["message_reference"]
            if self.message(channel, str(reference.get("message_id"))) is None:
                return _json({"code": 50035, "message": "Invalid Form Body: Unknown message"}, 400)
            message["message_reference"] = {**reference, "channel_id": channel}
        if body.get("enforce_nonce") and any(
            m.get("nonce") == body.get("nonce") for m in self.messages[channel]
        ):
            return _json(
                next(m for m in self.messages[channel] if m.get("nonce") == body.get("nonce"))
            )
        self.messages[channel].append(message)
        if self.accepted_failures[channel]:
            status, failure = self.accepted_failures[channel].pop(0)
            return _json(failure, status)
        return _json(message)

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        if self.gateway_down:  # an outage: the upgrade is refused until it ends
            return web.Response(status=503)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            if data["op"] == 1:
                self.heartbeats += 1
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif data["op"] in (2, 6):  # IDENTIFY, or RESUME after a dropped connection
                token = data["d"]["token"]
                if token not in self.tokens:
                    await ws.close(code=4004, message=b"Authentication failed")
                    break
                if self.close_on_identify is not None:  # e.g. 4014: privileged intents not enabled
                    await ws.close(code=self.close_on_identify, message=b"Closed by the fake")
                    break
                if data["op"] == 6:  # the session id names the shard it belonged to
                    shard_id, count = int(str(data["d"]["session_id"]).rsplit("-", 1)[-1]), 1
                else:
                    shard_id, count = data["d"].get("shard") or [0, 1]
                self._sockets[(token, shard_id)] = ws
                if data["op"] == 6:
                    await self._dispatch(token, "RESUMED", {}, shard=shard_id)
                else:
                    await self._dispatch(
                        token,
                        "READY",
                        {
                            "v": 10,
                            "user": BOT_USER,
                            "guilds": [],
                            "session_id": f"fake-session-{shard_id}",
                            "resume_gateway_url": f"ws://127.0.0.1:{self.port}/gateway",
                            "shard": [shard_id, count],
                            "application": {"id": str(APP_ID), "flags": 0},
                        },
                        shard=shard_id,
                    )
                self.identified_shards.add(shard_id)
                self.identified.set()
        return ws

    async def drop_gateway(self, code: int = 4000) -> None:
        """An outage: close every gateway connection (a resumable code) and refuse new ones."""
        self.gateway_down = True
        self.identified.clear()
        self.identified_shards.clear()
        for ws in list(self._sockets.values()):
            await ws.close(code=code, message=b"Outage")
        self._sockets.clear()

    def restore_gateway(self) -> None:
        self.gateway_down = False

    async def _dispatch(
        self, token: str, event: str, data: dict[str, Any], *, shard: int = 0
    ) -> None:
        await self._sockets[(token, shard)].send_json(
            {"op": 0, "t": event, "s": next(self._seq), "d": data}
        )

    async def interact(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        permissions: int = SEND_AND_EMBED,
        timeout: float = 5,
        token: str | None = None,
        shard: int = 0,
        locale: str = "en-US",
    ) -> dict[str, Any]:
        """Dispatch a slash command to a bot (the first token's by default) on one of its
        shards, from a user whose client is in ``locale``; return its callback body.
        """
        interaction_id = str(next(self._ids))
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.callbacks[interaction_id] = future
        await self._dispatch(
            token or self.token,
            "INTERACTION_CREATE",
            interaction_payload(interaction_id, name, options or {}, permissions, locale),
            shard=shard,
        )
        return await asyncio.wait_for(future, timeout)


def _without_localizations(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            k: _without_localizations(v)
            for k, v in data.items()
            if k not in ("name_localizations", "description_localizations")
        }
    if isinstance(data, list):
        return [_without_localizations(v) for v in data]
    return data


def interaction_payload(
    interaction_id: str,
    name: str,
    options: dict[str, Any],
    permissions: int,
    locale: str = "en-US",
) -> dict[str, Any]:
    typed = [
        {"name": k, "type": 5 if isinstance(v, bool) else 3, "value": v} for k, v in options.items()
    ]
    user = {
        "id": "555555555555555555",
        "username": "ann",
        "discriminator": "0",
        "global_name": "Ann",
        "avatar": None,
        "public_flags": 0,
    }
    return {
        "id": interaction_id,
        "application_id": str(APP_ID),
        "type": 2,
        "token": f"token-{interaction_id}",
        "version": 1,
        "guild_id": str(GUILD_ID),
        "channel_id": str(CHANNEL_ID),
        # As Discord sends it: the channel (discord.py takes channel_id from it).
        "channel": {
            "id": str(CHANNEL_ID),
            "type": 0,
            "guild_id": str(GUILD_ID),
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        },
        "data": {
            "id": "777777777777777777",
            "name": name,
            "type": 1,
            "options": typed,
            "guild_id": str(GUILD_ID),
        },
        "member": {
            "user": user,
            "roles": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
            "avatar": None,
            "premium_since": None,
            "pending": False,
            "permissions": str(permissions),
        },
        "app_permissions": str(SEND_AND_EMBED),
        "locale": locale,  # the user's client language (es-ES, es-419, ...)
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
        "attachment_size_limit": 8388608,
    }


def custom_id_of(message: dict[str, Any], label: str) -> str:
    """The custom_id of the button labelled ``label`` on a message."""
    for row in message.get("components", []):
        for button in row["components"]:
            if button.get("label") == label and "custom_id" in button:
                return str(button["custom_id"])
    raise LookupError(label)
