"""The Bolt app: each registry command becomes a Slack slash command.

The adapter is two conversions: Slack's command payload -> the core's typed line, and
the core's neutral Reply -> a Block Kit ack (renderers.slack).
"""

import asyncio
import dataclasses
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import aiohttp
from cachetools import TTLCache
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import RetryState
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.dispatch import Dispatcher
from bot.core.registry import User
from bot.core.reply import Reply
from bot.i18n.catalogs import N_
from bot.i18n.translator import translator
from bot.platforms.languages import chosen_language, known_language, reader_language, typed_lang
from bot.platforms.limits import UserLimiter, slow_down
from bot.platforms.presses import paged_reply
from bot.platforms.recording import PublicReplies
from bot.platforms.slack.presses import press_handler, slack_page
from bot.platforms.slack.responses import ResponseUrls
from bot.platforms.slack.unfurl import unfurl_handler
from bot.renderers.buttons import PREFIX as BUTTON_PREFIX
from bot.service.metrics import record_rate_limited
from bot.service.observe import DRAINING_TEXT, Observer
from bot.settings import Settings
from bot.web.previews import Previews

log = logging.getLogger(__name__)
ACK_WITHIN_SECONDS = 2.0
WORKING = N_("Working on it...")
ADMIN_UNKNOWN = N_(
    "Slack did not confirm your admin status in time, so this ran as for a non-admin; "
    "if you are a workspace admin, please try again in a minute."
)


class _CountingRateLimitHandler(AsyncRateLimitErrorRetryHandler):
    """Waits out 429s as slack_sdk does, and counts them for /metrics."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None and response.status_code == HTTPStatus.TOO_MANY_REQUESTS:
            record_rate_limited("slack")
        return await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        )


def _base_url(settings: Settings) -> str:
    return (
        settings.slack_api_url
        if settings.slack_api_url.endswith("/")
        else settings.slack_api_url + "/"
    )


def build_web_client(settings: Settings) -> AsyncWebClient:
    """Web API client that waits out HTTP 429 (Retry-After) and retries connection errors and
    5xx.
    """
    return AsyncWebClient(
        # None with OAuth installs: Bolt sets each request's workspace token.
        token=settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None,
        base_url=_base_url(settings),
        retry_handlers=[
            _CountingRateLimitHandler(max_retry_count=3),
            AsyncConnectionErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def command_line(name: str, payload: dict[str, Any]) -> str:
    """Slack sends the command and its text separately; the core wants one typed line."""
    return f"/{name} {payload.get('text') or ''}".strip()


@dataclass(frozen=True, slots=True)
class Person:
    is_admin: bool
    locale: str | None  # Slack's locale for them ("es-LA", "en-US"), when it gave one


class SlackUsers:
    """What one users.info call says of a person: admin status (workspace admins and owners,
    or IDs listed in SLACK_ADMIN_USER_IDS) and locale (``include_locale``).

    It runs before Slack's 3-second ack deadline, so users.info goes through a client with
    no retries and a short timeout, and answers are cached (bounded, for TTL_SECONDS). When
    Slack is slow or rate-limits the call, the answer is "unknown" (None): the command runs
    as for a non-admin (the reply says to try again), in the language chosen otherwise.
    """

    TTL_SECONDS = 300.0
    TIMEOUT_SECONDS = 1
    MAX_ENTRIES = 4096

    def __init__(self, settings: Settings, *, timer: Callable[[], float] = time.monotonic) -> None:
        self.listed = set(settings.slack_admin_user_ids)
        # (team, user) -> what users.info said; each answer expires TTL_SECONDS after it was
        # given, and when full the least recently used goes first.
        self._cache: TTLCache[tuple[str, str], Person] = TTLCache(
            self.MAX_ENTRIES, self.TTL_SECONDS, timer
        )

    async def __call__(
        self, client: AsyncWebClient, user_id: str, team_id: str = ""
    ) -> bool | None:
        """Whether the person is an admin; None when Slack did not say in time."""
        if user_id in self.listed:
            return True
        person = await self.person(client, user_id, team_id)
        return person.is_admin if person is not None else None

    async def locale(self, client: AsyncWebClient, user_id: str, team_id: str = "") -> str | None:
        person = await self.person(client, user_id, team_id)
        return person.locale if person is not None else None

    def known(self, user_id: str, team_id: str = "") -> Person | None:
        """What is remembered of the person, without asking Slack."""
        return self._cache.get((team_id, user_id))

    async def person(
        self, client: AsyncWebClient, user_id: str, team_id: str = ""
    ) -> Person | None:
        key = (team_id, user_id)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        # Same token and API as the app's client (per workspace under OAuth), but fail fast.
        quick = AsyncWebClient(
            token=client.token,
            base_url=client.base_url,
            timeout=self.TIMEOUT_SECONDS,
            retry_handlers=[],
        )
        try:
            user = (await quick.users_info(user=user_id, include_locale=True))["user"]
        except SlackApiError as error:
            status = error.response.status_code
            if status == HTTPStatus.TOO_MANY_REQUESTS:
                record_rate_limited("slack")
            log.warning("users.info failed (HTTP %s); admin status and locale unknown", status)
            return None
        except (TimeoutError, aiohttp.ClientError):
            log.warning(
                "users.info did not answer within %s s; admin status and locale unknown",
                self.TIMEOUT_SECONDS,
            )
            return None
        is_admin = bool(
            user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner")
        )
        locale = user.get("locale")
        person = Person(is_admin, str(locale) if isinstance(locale, str) and locale else None)
        self._cache[key] = person
        return person


class _ClientCarriesTheToken(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment itself and, given our client (which
    carries that very token, SLACK_API_URL and the retries), warns at every start that the
    token "will be unused". It is used, through the client: that one warning is dropped.
    """

    TEXT = warning_client_prioritized_and_token_skipped()

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != self.TEXT


_BOLT_LOGGER = logging.getLogger("slack_bolt")


def build_slack_app(
    settings: Settings,
    dispatcher: Dispatcher,
    observer: Observer | None = None,
    responses: ResponseUrls | None = None,
    public: PublicReplies | None = None,
    **app_options: Any,  # noqa: ANN401 - AsyncApp's keyword arguments, typed there
) -> AsyncApp:
    """The Bolt app; ``app_options`` reach AsyncApp (e.g. an authorize function or an
    installation store instead of the single bot token). ``responses`` answers page buttons
    (its owner closes it; SlackRunner does).
    """
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    options: dict[str, Any] = (
        {"client": build_web_client(settings)} if settings.slack_bot_token else {}
    )
    options.update(app_options)
    if not any(isinstance(f, _ClientCarriesTheToken) for f in _BOLT_LOGGER.filters):
        _BOLT_LOGGER.addFilter(_ClientCarriesTheToken())
    app = AsyncApp(
        signing_secret=secret,
        # Socket Mode connections are authenticated by the app token instead of signatures.
        request_verification_enabled=secret is not None,
        logger=_BOLT_LOGGER,
        **options,
    )
    observer = observer or Observer(commands=[c.name for c in dispatcher.registry])
    users = SlackUsers(settings)
    limiter = UserLimiter(settings.user_rate_per_minute, settings.user_rate_burst)
    for command in dispatcher.registry:
        app.command(f"/{command.name}")(
            _handler(
                command.name,
                dispatcher,
                observer,
                users,
                limiter,
                slow=command.slow,
                needs_admin=command.needs_admin,
                public=public,
            )
        )
    # Page buttons (Previous, Next, Sources, and the web link's click, which needs an ack).
    app.action(re.compile(rf"^{re.escape(BUTTON_PREFIX)}:"))(
        press_handler(dispatcher, observer, limiter, responses or ResponseUrls())
    )
    if settings.public_url:  # links to the published brief unfurl with their passage
        app.event("link_shared")(unfurl_handler(Previews(dispatcher), settings.public_url))
    return app


async def post_public(
    client: AsyncWebClient,
    command: dict[str, Any],
    dispatcher: Dispatcher,
    reply: Reply,
    public: PublicReplies,
    respond: AsyncRespond,
) -> None:
    """A public reply posted with chat.postMessage, so its ts is known and recorded (a later
    correction edits it in place). Where the bot may not post (not in the channel, a DM), it
    goes through the response URL as before, unrecorded.
    """
    paged = paged_reply(dispatcher, reply)
    page = first_page(dispatcher, reply)
    channel = str(command.get("channel_id") or "")
    try:
        response = await client.chat_postMessage(
            channel=channel,
            text=page["text"],
            blocks=page["blocks"],
            unfurl_links=False,
            unfurl_media=False,
        )
    except SlackApiError as error:  # refused: nothing was posted, the response URL may be
        log.info(
            "public reply through the response URL (chat.postMessage: %s): not recorded",
            error.response.get("error"),
        )
        await respond(**page)
        return
    public.posted(
        "slack",
        str(command.get("team_id") or ""),
        channel,
        str(response.get("ts") or ""),
        paged.page(1).reply,
    )


def first_page(dispatcher: Dispatcher, reply: Reply) -> dict[str, Any]:
    """What a command's reply is sent as: page 1 with its buttons (the whole reply when no
    button could ask for it again).
    """
    return slack_page(paged_reply(dispatcher, reply), 1)


def _handler(
    name: str,
    dispatcher: Dispatcher,
    observer: Observer,
    users: SlackUsers,
    limiter: UserLimiter,
    *,
    slow: bool = False,
    needs_admin: bool = False,
    public: PublicReplies | None = None,
) -> Callable[..., Awaitable[None]]:
    async def on_command(
        ack: AsyncAck, respond: AsyncRespond, command: dict[str, Any], client: AsyncWebClient
    ) -> None:
        user_id = str(command.get("user_id", ""))
        team = str(command.get("team_id") or "")
        line = command_line(name, command)
        typed = typed_lang(line)
        known, chosen = known_language(dispatcher, "slack", team, user_id)
        person = users.known(user_id, team)
        # What is known now: enough for a note before any work, and often for the reply.
        hint = reader_language(chosen, person.locale if person else None)
        if observer.draining:  # stopping: take no new work, say so briefly
            observer.refused("slack", name)
            await ack(response_type="ephemeral", text=translator(hint)(DRAINING_TEXT))
            return
        wait = limiter.wait("slack", user_id)
        if wait:  # one person asking too fast: told privately, nothing runs
            observer.limited("slack", name)
            await ack(response_type="ephemeral", text=slow_down(wait, translator(hint)))
            return
        async with observer.serving("slack", name) as served:

            def run(*, is_admin: bool, locale: str) -> Reply:
                user = User(id=user_id, name=str(command.get("user_name", "")), is_admin=is_admin)
                return dispatcher.run_line(
                    line,
                    platform="slack",
                    channel=command.get("channel_id"),
                    user=user,
                    workspace=team,
                    locale=locale,
                )

            async def answer() -> Reply:
                # One users.info at most (cached), for the locale and the admin status alike.
                picked = chosen
                if not typed and not known:
                    picked = await chosen_language(dispatcher, "slack", team, user_id)
                found = person
                if found is None and (
                    (needs_admin and user_id not in users.listed) or not (typed or picked)
                ):
                    found = await users.person(client, user_id, team)
                locale = hint if typed else reader_language(picked, found.locale if found else None)
                is_admin: bool | None = False
                if needs_admin:
                    is_admin = (
                        True if user_id in users.listed else (found.is_admin if found else None)
                    )
                reply = (
                    await asyncio.to_thread(run, is_admin=bool(is_admin), locale=locale)
                    if slow
                    else run(is_admin=bool(is_admin), locale=locale)
                )
                if is_admin is None:
                    note = translator(reply.lang)(ADMIN_UNKNOWN)
                    reply = dataclasses.replace(reply, warnings=(*reply.warnings, note))
                return reply

            settled = typed or (known and (chosen is not None or person is not None))

            async def send(reply: Reply, ack_first: bool) -> None:  # noqa: FBT001
                if reply.public and public is not None:  # a message of ours, to correct later
                    if ack_first:
                        await ack()
                    await post_public(client, command, dispatcher, reply, public, respond)
                elif ack_first:
                    await ack(**first_page(dispatcher, reply))
                else:
                    await respond(**first_page(dispatcher, reply))

            if not slow and not needs_admin and settled:  # sub-millisecond: in the ack itself
                reply = run(is_admin=False, locale=hint)
                served.replied(reply)
                await send(reply, ack_first=True)
                return
            # Slack wants the ack within 3 s: acknowledge first if the work is not done by then,
            # and deliver the reply through the response URL.
            work = asyncio.ensure_future(answer())
            done, _ = await asyncio.wait({work}, timeout=ACK_WITHIN_SECONDS)
            if done:
                reply = work.result()
                served.replied(reply)
                await send(reply, ack_first=True)
                return
            await ack(response_type="ephemeral", text=translator(hint)(WORKING))
            reply = await work
            served.replied(reply)
            await send(reply, ack_first=False)

    on_command.__name__ = f"slack_{name}"
    return on_command
