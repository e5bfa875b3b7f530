"""Slack's page buttons: a ``block_actions`` press answered through its response URL.

The press is acknowledged at once (Slack wants it within 3 s), then the page replaces the
pressed message through the press's response URL (``replace_original``, as Bolt's
``respond(replace_original=True)`` would, over one kept-alive session: responses.py), in
Socket Mode and HTTP mode alike.
What to show comes from bot/platforms/presses.py; the message was changed by someone else
(an ``edited`` mark not made by the bot), or any fault, gets a private answer instead.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.core.dispatch import Dispatcher
from bot.core.registry import User
from bot.i18n.translator import translator
from bot.platforms.limits import UserLimiter, slow_down
from bot.platforms.presses import (
    EDITED,
    UPDATED,
    Outcome,
    PressAnswer,
    answer_press,
    press_lang,
)
from bot.platforms.slack.responses import ResponseUrls, encode
from bot.renderers.buttons import WEB_ID, ButtonId, Options
from bot.renderers.kept import KeptByIdentity
from bot.renderers.pages import Paged
from bot.renderers.slack import render_slack, render_slack_page
from bot.service.observe import DRAINING_TEXT, Observer, Pressed

log = logging.getLogger(__name__)


def _options_in_value(action: dict[str, Any]) -> Callable[[ButtonId], Options | None]:
    """The options a button carries in its value (when its id holds only their digest)."""

    def found(_made: ButtonId) -> Options | None:
        try:
            return tuple(parse_qsl(str(action.get("value") or ""), strict_parsing=True))
        except ValueError:
            return None

    return found


def _edited_by_someone_else(body: dict[str, Any], bot_user_id: str | None) -> bool:
    edited = (body.get("message") or {}).get("edited") or {}
    editor = edited.get("user") if isinstance(edited, dict) else None
    return bool(editor) and editor != bot_user_id


REPLACE = {"replace_original": True}  # the page in place of the pressed message
PRIVATELY = {"response_type": "ephemeral", "replace_original": False}  # for the presser only
_PAGES: "KeptByIdentity[Paged, dict[str, Any]]" = KeptByIdentity(maxsize=512)
_BODIES: "KeptByIdentity[Paged, bytes]" = KeptByIdentity(maxsize=512)


def slack_page(paged: Paged, number: int, notice: str | None = None) -> dict[str, Any]:
    """Page ``number`` as Slack receives it, drawn once per Paged (paginate() keeps those)."""
    return _PAGES.get(
        paged, (number, notice), lambda: render_slack_page(paged, number, notice=notice)
    )


def page_body(paged: Paged, number: int, notice: str | None, *, update: bool) -> bytes:
    """Page ``number`` as a response URL's body: in place of the pressed message (``update``)
    or beside it for the presser only; encoded once per Paged, as the page is drawn once.
    """

    def make() -> bytes:
        payload = slack_page(paged, number, notice)
        if update:
            return encode({"text": payload["text"], "blocks": payload["blocks"], **REPLACE})
        return encode({"text": payload["text"], "blocks": payload["blocks"], **PRIVATELY})

    return _BODIES.get(paged, (number, notice, update), make)


async def send_answer(
    responses: ResponseUrls, url: str, answer: PressAnswer, *, ephemeral: bool
) -> None:
    """The page in place of the pressed message, or a private answer beside it."""
    if answer.paged is None:
        assert answer.note is not None
        payload = render_slack(answer.note)
        await responses.send(url, text=payload["text"], blocks=payload["blocks"], **PRIVATELY)
        return
    update = answer.outcome is Outcome.UPDATE
    await responses.post(url, page_body(answer.paged, answer.page, answer.notice, update=update))
    if update and answer.notice and not ephemeral:  # the channel sees the notice; the presser
        await responses.send(url, text=answer.said(UPDATED), **PRIVATELY)  # is told too


def press_handler(
    dispatcher: Dispatcher, observer: Observer, limiter: UserLimiter, responses: ResponseUrls
) -> Callable[..., Awaitable[None]]:
    async def on_press(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()  # within Slack's 3 s, before any work
        url = body.get("response_url")
        if not isinstance(url, str) or not url:
            return  # a press Slack gave no response URL for: there is nowhere to answer
        actions = body.get("actions") or [{}]
        action = actions[0] if isinstance(actions[0], dict) else {}
        raw = str(action.get("action_id", ""))
        if raw == WEB_ID:  # the link button opened the web page; nothing to answer
            return
        user = body.get("user") or {}
        user_id = str(user.get("id", ""))
        tr = translator(press_lang(raw))
        if observer.draining:
            observer.record_press(Pressed("slack", outcome="refused_draining"))
            await responses.send(url, text=tr(DRAINING_TEXT), **PRIVATELY)
            return
        wait = limiter.wait("slack", user_id)
        if wait:
            observer.record_press(Pressed("slack", outcome="rate_limited"))
            await responses.send(url, text=slow_down(wait, tr), **PRIVATELY)
            return
        async with observer.pressing("slack") as pressed:
            answer = answer_press(
                dispatcher,
                raw,
                platform="slack",
                user=User(user_id, str(user.get("username") or user.get("name") or "")),
                channel=(body.get("channel") or {}).get("id"),
                workspace=str((body.get("team") or {}).get("id") or ""),
                options_beside=_options_in_value(action),
            )
            if answer.outcome is Outcome.UPDATE and _edited_by_someone_else(
                body, context.get("bot_user_id")
            ):
                answer = answer.privately(EDITED)
            pressed.command, pressed.outcome = answer.command, answer.metric
            ephemeral = bool((body.get("container") or {}).get("is_ephemeral"))
            await send_answer(responses, url, answer, ephemeral=ephemeral)

    return on_press
