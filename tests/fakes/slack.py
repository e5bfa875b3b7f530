"""A local stand-in for Slack, started by tests on 127.0.0.1.

- Web API: POST /api/<method>, recording every call; failures can be queued per method.
- Socket Mode: apps.connections.open hands out ws://127.0.0.1/.../link, where the fake
  says hello, pushes envelopes and collects the app's acks.
- OAuth installs: ``grant`` issues a code that oauth.v2.access exchanges for a workspace's
  rotating bot token; auth.test answers per token; every call records the token it carried.
"""

import asyncio
import base64
import itertools
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.server import serve


@dataclass
class Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (longer than the client's timeout: a timeout)
    accept: bool = False  # chat.postMessage: the message lands, THEN this failure is answered


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failures: dict[str, list[Failure]] = defaultdict(list)
        self.channel_failures: dict[str, list[Failure]] = defaultdict(
            list
        )  # chat.postMessage, per channel
        self.admins: set[str] = set()  # user IDs users.info reports as workspace admins
        # user ID -> the locale users.info reports with include_locale (Slack's own default:
        # en-US for everyone else)
        self.locales: dict[str, str] = {}
        self.post_delay = 0.0  # seconds each chat.postMessage takes
        # Rate limits like Slack's for chat.postMessage (None: unlimited): 429 + Retry-After.
        self.workspace_per_second: int | None = None
        self.channel_interval = 0.0  # at most one message per channel this often (seconds)
        self.rejected = 0
        # A 429 storm: every Nth chat.postMessage (0: none) is answered 429 + Retry-After.
        self.rate_limit_every = 0
        self.storm_retry_after = 1
        self.requests = 0  # chat.postMessage requests received, refused ones too
        self.refusals: list[tuple[float, int, str]] = []  # (monotonic, Retry-After, team)
        self.refused_channels: list[str] = []  # the channel of each refusal, in order
        self.landed_at: list[float] = []  # time.monotonic() of each message that landed
        # Several workspaces: a bot token's team (default T1), and per-team limits that
        # override workspace_per_second.
        self.teams: dict[str, str] = {}
        self.team_per_second: dict[str, int] = {}
        self.rejected_by_team: dict[str, int] = defaultdict(int)
        self.history: dict[str, list[dict[str, Any]]] = defaultdict(
            list
        )  # channel -> messages, oldest first
        self._last_ts = 0.0
        self._windows: dict[str, list[float]] = defaultdict(list)
        self.responses: list[dict[str, Any]] = []  # bodies POSTed to response URLs
        # The same, by response URL id (each button press gets its own URL: press_url()).
        self.responses_by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
        # When each body reached its response URL (time.perf_counter), by the URL's name.
        self.response_times: dict[str, list[float]] = defaultdict(list)
        self._responded = asyncio.Condition()
        self._last_by_channel: dict[str, float] = {}
        self.acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.connected = asyncio.Event()
        self._sockets: list[web.WebSocketResponse] = []
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        # OAuth installs (many workspaces)
        self.client_id, self.client_secret = "1111.2222", "fake-client-secret"
        self.token_calls: list[tuple[str, str | None]] = []  # (method, token) of every call
        self.codes: dict[str, tuple[str, int]] = {}  # code -> (team_id, expires_in), single use
        self.teams: dict[str, str] = {}  # issued bot token -> team_id
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> team_id
        self.revoked: set[str] = set()
        self.refreshed_expires_in = 43200  # lifetime of a refreshed token (Slack's: 12 hours)
        self._token_ids = itertools.count(1)
        # Corrections in place (issue 18): chat.update, thread replies, deleted messages.
        self.threads: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(
            list
        )  # (channel, parent ts) -> replies, oldest first
        self.update_failures: dict[str, list[Failure]] = defaultdict(list)  # per channel
        self.refused_updates: dict[str, str] = {}  # channel -> error every chat.update gets
        self.updates_per_second: int | None = None  # chat.update per workspace (Tier 3)
        self.updates_rejected = 0
        self.update_delay = 0.0  # seconds each chat.update takes
        self._update_windows: dict[str, list[float]] = defaultdict(list)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def called(self, method: str) -> list[dict[str, Any]]:
        return [args for name, args in self.calls if name == method]

    def _ts(self) -> str:
        """Slack's message timestamps: the post time, unique per message."""
        self._last_ts = max(time.time(), self._last_ts + 0.000001)
        return f"{self._last_ts:.6f}"

    def chatter(self, channel: str, count: int) -> None:
        """Messages from people in a busy channel (after a recap, say)."""
        for n in range(count):
            self.history[channel].append(
                {"type": "message", "user": "U9", "text": f"chatter {n}", "ts": self._ts()}
            )

    def posts_by_team(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for team in (
            m.get("team") for messages in self.history.values() for m in messages if m.get("bot_id")
        ):
            counts[str(team)] += 1
        return dict(counts)

    def posts_by_channel(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for args in self.called("chat.postMessage"):
            counts[str(args.get("channel"))] += 1
        return dict(counts)

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.history[channel] if m["ts"] == ts), None)

    async def posted(self, channel: str, count: int = 1, timeout: float = 5) -> dict[str, Any]:
        """The bot's ``count``-th message in ``channel`` once there (a public reply is posted
        as a message of its own after the command's ack).
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mine = [m for m in self.history[channel] if m.get("bot_id")]
            if len(mine) >= count:
                return mine[count - 1]
            await asyncio.sleep(0.02)
        msg = f"no message {count} in {channel} within {timeout}s"
        raise AssertionError(msg)

    def delete(self, channel: str, ts: str) -> None:
        """Someone deleted the message (and so its thread)."""
        self.history[channel] = [m for m in self.history[channel] if m["ts"] != ts]

    def updates_of(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """The chat.update calls that changed this message."""
        return [
            args
            for args in self.called("chat.update")
            if str(args.get("channel")) == channel and str(args.get("ts")) == ts
        ]

    def _update(self, args: dict[str, Any], team: str) -> web.Response:
        channel, ts = str(args.get("channel")), str(args.get("ts"))
        if channel in self.refused_updates:
            self.calls.pop()
            return web.json_response({"ok": False, "error": self.refused_updates[channel]})
        if self.updates_per_second is not None:
            now = time.monotonic()
            window = self._update_windows[team] = [
                t for t in self._update_windows[team] if now - t < 1.0
            ]
            if len(window) >= self.updates_per_second:
                self.calls.pop()
                self.updates_rejected += 1
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
                )
            window.append(now)
        message = self.message(channel, ts)
        if message is None:
            self.calls.pop()
            return web.json_response({"ok": False, "error": "message_not_found"})
        metadata = args.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        message.update(text=args.get("text", ""), blocks=blocks, edited={"ts": self._ts()})
        if metadata is not None:
            message["metadata"] = metadata
        return web.json_response({"ok": True, "channel": channel, "ts": ts})

    def with_threads(self, channel: str) -> list[dict[str, Any]]:
        """Every message posted in ``channel``, thread replies included, in posting order."""
        replies = [m for (c, _), thread in self.threads.items() if c == channel for m in thread]
        return sorted([*self.history[channel], *replies], key=lambda m: float(m["ts"]))

    def _replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel")), str(args.get("ts"))
        parent = self.message(channel, ts)
        if parent is None:
            return {"ok": False, "error": "thread_not_found"}
        messages = [parent, *self.threads[(channel, ts)]]
        start = int(str(args.get("cursor") or "0").removeprefix("next:"))
        limit = min(int(args.get("limit") or 100), 999)
        page = messages[start : start + limit]
        more = start + limit < len(messages)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": f"next:{start + limit}" if more else ""},
        }

    async def start(self) -> "FakeSlack":
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/link", self._socket)
        app.router.add_post("/response/{id}", self._response_url)
        self._runner, self.port = await serve(app)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.method == "GET":
            args: dict[str, Any] = dict(request.query)
        elif request.content_type == "application/json":
            args = await request.json()
        else:
            args = dict(await request.post())
        self.calls.append((method, args))
        token = _bearer(request) or str(args.get("token", ""))
        team = self.teams.get(token, "T1")
        self.token_calls.append((method, token))
        if token in self.revoked:
            return web.json_response({"ok": False, "error": "token_revoked"})
        if method == "oauth.v2.access":
            return self._oauth_access(request, args)
        if self.failures[method]:
            failure = self.failures[method].pop(0)
            await asyncio.sleep(failure.delay)
            return web.json_response(failure.body, status=failure.status, headers=failure.headers)
        if method == "auth.test" and token in self.teams:
            team = self.teams[token]
            return web.json_response(
                {
                    "ok": True,
                    "user_id": f"UBOT{team}",
                    "bot_id": f"BBOT{team}",
                    "team_id": team,
                    "team": f"Team {team}",
                    "url": f"https://{team.lower()}.example/",
                    "user": "bot",
                }
            )
        if method == "auth.test":
            return web.json_response(
                {
                    "ok": True,
                    "user_id": "UBOT",
                    "bot_id": "BBOT",
                    "team_id": "T1",
                    "team": "Test",
                    "url": "https://test.example/",
                    "user": "bot",
                }
            )
        if method == "apps.connections.open":
            return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"})
        if method == "users.info":
            user = args.get("user", "")
            found: dict[str, Any] = {
                "id": user,
                "is_admin": user in self.admins,
                "is_owner": False,
                "is_primary_owner": False,
            }
            if str(args.get("include_locale", "")).lower() in ("true", "1"):
                found["locale"] = self.locales.get(user, "en-US")
            return web.json_response({"ok": True, "user": found})
        if method == "chat.postMessage":
            channel = str(args.get("channel"))
            if self.channel_failures[channel]:
                failure = self.channel_failures[channel].pop(0)
                body = failure.body
                if failure.accept:  # posted, but the answer says otherwise (or comes late)
                    ts = self._land(channel, args, team)
                    if body.get("ok"):  # a slow success: it carries the message's ts
                        body = {**body, "channel": channel, "ts": ts}
                else:
                    self.calls.pop()  # a refused post is not a post
                await asyncio.sleep(failure.delay)
                return web.json_response(body, status=failure.status, headers=failure.headers)
            self.requests += 1
            limited = self._rate_limited(channel, team)
            if not limited and self.rate_limit_every and self.requests % self.rate_limit_every == 0:
                limited = self.storm_retry_after
            if limited:
                self.calls.pop()
                self.rejected += 1
                self.rejected_by_team[team] += 1
                self.refusals.append((time.monotonic(), limited, team))
                self.refused_channels.append(channel)
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(limited)},
                )
            if self.post_delay:
                await asyncio.sleep(self.post_delay)
            ts = self._land(channel, args, team)
            return web.json_response({"ok": True, "channel": channel, "ts": ts})
        if method == "conversations.history":
            return web.json_response(self._history(args))
        if method == "conversations.replies":
            return web.json_response(self._replies(args))
        if method == "chat.update":
            channel = str(args.get("channel"))
            if self.update_failures[channel]:
                failure = self.update_failures[channel].pop(0)
                if failure.accept:  # edited, but the answer says otherwise
                    self._update(args, team)
                else:
                    self.calls.pop()
                await asyncio.sleep(failure.delay)
                return web.json_response(
                    failure.body, status=failure.status, headers=failure.headers
                )
            if self.update_delay:
                await asyncio.sleep(self.update_delay)
            return self._update(args, team)
        return web.json_response({"ok": True})

    def grant(self, team_id: str, *, expires_in: int = 43200) -> str:
        """A code, as Slack hands one to the redirect URL after a user approves the install."""
        code = f"code-{team_id}-{next(self._token_ids)}"
        self.codes[code] = (team_id, expires_in)
        return code

    def calls_with_token(self, token: str) -> list[str]:
        return [method for method, used in self.token_calls if used == token]

    def tokens_of(self, team_id: str) -> list[str]:
        return [token for token, team in self.teams.items() if team == team_id]

    def revoke(self, team_id: str) -> None:
        """What Slack does on an uninstall: the workspace's tokens stop working."""
        self.revoked.update(self.tokens_of(team_id))

    def _oauth_access(self, request: web.Request, args: dict[str, Any]) -> web.Response:
        basic = request.headers.get("Authorization", "").removeprefix("Basic ")
        client = (
            base64.b64decode(basic).decode()
            if basic
            else f"{args.get('client_id')}:{args.get('client_secret')}"
        )
        if client != f"{self.client_id}:{self.client_secret}":
            return web.json_response({"ok": False, "error": "invalid_client_id"})
        if args.get("grant_type") == "refresh_token":
            team = self.refresh_tokens.get(str(args.get("refresh_token")))
            if team is None:
                return web.json_response({"ok": False, "error": "invalid_refresh_token"})
            return web.json_response(
                {
                    "ok": True,
                    **self._issue(team, self.refreshed_expires_in),
                    "app_id": "A1",
                    "team": {"id": team, "name": f"Team {team}"},
                    "enterprise": None,
                }
            )
        granted = self.codes.pop(str(args.get("code")), None)
        if granted is None:
            return web.json_response({"ok": False, "error": "invalid_code"})
        team, expires_in = granted
        return web.json_response(
            {
                "ok": True,
                **self._issue(team, expires_in),
                "app_id": "A1",
                "bot_user_id": f"UBOT{team}",
                "scope": "commands,chat:write,users:read",
                "team": {"id": team, "name": f"Team {team}"},
                "enterprise": None,
                "is_enterprise_install": False,
                "authed_user": {"id": f"UINSTALLER{team}"},
            }
        )

    def _issue(self, team: str, expires_in: int) -> dict[str, Any]:
        n = next(self._token_ids)
        token, refresh = f"xoxe.xoxb-{team}-{n}", f"xoxe-1-refresh-{team}-{n}"
        self.teams[token], self.refresh_tokens[refresh] = team, team
        return {
            "access_token": token,
            "token_type": "bot",
            "refresh_token": refresh,
            "expires_in": expires_in,
        }

    @property
    def response_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/response/1"

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.response_times[request.match_info["id"]].append(time.perf_counter())
        self.responses.append(body)
        self.responses_by_id[request.match_info["id"]].append(body)
        async with self._responded:
            self._responded.notify_all()
        return web.Response(text="ok")

    def press_url(self, name: str) -> str:
        """A response URL of its own, as Slack gives each interaction one."""
        return f"http://127.0.0.1:{self.port}/response/{name}"

    async def responses_to(
        self, name: str, count: int = 1, timeout: float = 5
    ) -> list[dict[str, Any]]:
        """The first ``count`` bodies the app POSTed to ``press_url(name)``, waiting for them."""
        async with self._responded:
            await asyncio.wait_for(
                self._responded.wait_for(lambda: len(self.responses_by_id[name]) >= count),
                timeout,
            )
        return self.responses_by_id[name][:count]

    async def press(
        self,
        action: dict[str, Any],
        *,
        message: dict[str, Any] | None = None,
        user_id: str = "U1",
        timeout: float = 5,
    ) -> str:
        """Press a button over Socket Mode (``message``: the pressed in-channel message;
        None: an ephemeral one). Returns the name of the press's response URL once acked.
        """
        name = f"press-{next(self._ids)}"
        payload = block_actions_payload(
            action, response_url=self.press_url(name), message=message, user_id=user_id
        )
        await self._push("interactive", payload, timeout)
        return name

    async def push_event(self, callback: dict[str, Any], timeout: float = 5) -> dict[str, Any]:
        """An Events API callback (event_payload()) over Socket Mode; returns the app's ack."""
        return await self._push("events_api", callback, timeout)

    async def _push(self, kind: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
        envelope_id = f"env-{next(self._ids)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.acks[envelope_id] = future
        await self._outbox.put(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "accepts_response_payload": False,
                "payload": payload,
            }
        )
        return await asyncio.wait_for(future, timeout)

    def _land(self, channel: str, args: dict[str, Any], team: str) -> str:
        ts = self._ts()
        self.landed_at.append(time.monotonic())
        metadata = args.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        message = {
            "type": "message",
            "bot_id": "BBOT",
            "team": team,
            "ts": ts,
            "text": args.get("text", ""),
            "blocks": blocks,
            "metadata": metadata,
        }
        thread_ts = args.get("thread_ts")
        if thread_ts:  # a reply in a thread: not in the channel's history (as in Slack)
            self.threads[(channel, str(thread_ts))].append({**message, "thread_ts": thread_ts})
        else:
            self.history[channel].append(message)
        return ts

    def _history(self, args: dict[str, Any]) -> dict[str, Any]:
        """conversations.history: newest first, ``oldest`` exclusive, ``limit`` per page,
        cursors.
        """
        oldest = float(args.get("oldest") or 0)
        latest = float(args.get("latest") or "inf")
        inclusive = str(args.get("inclusive")).lower() in ("1", "true")
        messages = [
            m
            for m in reversed(self.history[str(args.get("channel"))])
            if (
                oldest <= float(m["ts"]) <= latest
                if inclusive
                else oldest < float(m["ts"]) < latest
            )
        ]
        start = int(str(args.get("cursor") or "0").removeprefix("next:"))
        limit = min(int(args.get("limit") or 100), 999)
        page = messages[start : start + limit]
        if str(args.get("include_all_metadata")).lower() not in ("1", "true"):
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        more = start + limit < len(messages)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": f"next:{start + limit}" if more else ""},
        }

    def _rate_limited(self, channel: str, team: str = "T1") -> int:
        """Seconds to wait (Slack sends whole seconds), or 0 when the post may go through."""
        now = time.monotonic()
        last = self._last_by_channel.get(channel)
        if last is not None and now - last < self.channel_interval:
            return 1
        per_second = self.team_per_second.get(team, self.workspace_per_second)
        if per_second is not None:
            window = self._windows[team] = [t for t in self._windows[team] if now - t < 1.0]
            if len(window) >= per_second:
                return 1
            window.append(now)
        self._last_by_channel[channel] = now
        return 0

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "fake"},
                "connection_info": {"app_id": "A1"},
            }
        )
        self.connected.set()
        self._sockets.append(ws)
        sender = asyncio.create_task(self._send_outbox(ws))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    data = json.loads(message.data)
                    future = self.acks.get(data.get("envelope_id", ""))
                    if future is not None and not future.done():
                        future.set_result(data)
        finally:
            sender.cancel()
        return ws

    async def drop_sockets(self) -> None:
        """Close every Socket Mode connection (the app is expected to reconnect)."""
        self.connected.clear()
        for ws in self._sockets:
            await ws.close()
        self._sockets.clear()

    async def _send_outbox(self, ws: web.WebSocketResponse) -> None:
        while True:
            envelope = await self._outbox.get()
            await ws.send_json(envelope)

    async def slash_command(
        self,
        command: str,
        text: str = "",
        *,
        user_id: str = "U1",
        channel_id: str = "C1",
        timeout: float = 5,
    ) -> dict[str, Any]:
        """Push a slash command over Socket Mode; return the ack the app sent back."""
        envelope_id = f"env-{next(self._ids)}"
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.acks[envelope_id] = future
        payload = slash_payload(command, text, user_id=user_id, channel_id=channel_id)
        await self._outbox.put(
            {
                "envelope_id": envelope_id,
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": payload,
            }
        )
        return await asyncio.wait_for(future, timeout)


def slash_payload(
    command: str,
    text: str = "",
    *,
    user_id: str = "U1",
    channel_id: str = "C1",
    response_url: str = "https://hooks.slack.example/commands/1",
    team_id: str = "T1",
) -> dict[str, str]:
    """The fields Slack sends with a slash command."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": "test",
        "channel_id": channel_id,
        "channel_name": "general",
        "user_id": user_id,
        "user_name": "ann",
        "command": command,
        "text": text,
        "api_app_id": "A1",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    return header.removeprefix("Bearer ") if header.startswith("Bearer ") else None


def event_payload(
    event_type: str, *, team_id: str = "T1", event: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An Events API callback as Slack POSTs it to /slack/events."""
    return {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "api_app_id": "A1",
        "event": {"type": event_type, "event_ts": "1700000000.000100", **(event or {})},
        "type": "event_callback",
        "event_id": f"Ev{team_id}{event_type}",
        "event_time": 1700000000,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": f"UBOT{team_id}",
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
    }


def button_of(payload: dict[str, Any], label: str) -> dict[str, Any]:
    """The button labelled ``label`` in a message payload's actions block."""
    for block in payload["blocks"]:
        if block["type"] == "actions":
            for element in block["elements"]:
                if element["text"]["text"] == label:
                    return dict(element)
    raise LookupError(label)


def block_actions_payload(
    action: dict[str, Any],
    *,
    response_url: str,
    message: dict[str, Any] | None = None,
    user_id: str = "U1",
    team_id: str = "T1",
    channel_id: str = "C1",
) -> dict[str, Any]:
    """What Slack sends when a button is pressed: ``action`` is the button's element as the
    app drew it; ``message`` the pressed message when it is in the channel (Slack sends no
    message for an ephemeral one, only its container).
    """
    ts = "1700000000.000200"
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "username": "ann", "name": "ann", "team_id": team_id},
        "api_app_id": "A1",
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel_id,
            "is_ephemeral": message is None,
        },
        "trigger_id": "1.2.3",
        "team": {"id": team_id, "domain": "test"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "general"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action["action_id"],
                "block_id": "pages",
                "text": action.get("text", {"type": "plain_text", "text": "?"}),
                "type": "button",
                "action_ts": "1700000000.000300",
                **({"value": action["value"]} if "value" in action else {}),
            }
        ],
        "state": {"values": {}},
    }
    if message is not None:
        payload["message"] = {"type": "message", "ts": ts, "bot_id": "BBOT", **message}
    return payload
