"""Discord's page buttons: a component interaction answered with an update of its message.

A press on one of our buttons (an id of the ``FAMILY``), on any message from any earlier run
or instance, is taken from the gateway's INTERACTION_CREATE as it arrives (payloads.py)
and answered from that payload: the page goes back as UPDATE_MESSAGE (interaction response
type 7), drawn once per page (pages.py). discord.py would first turn the payload into an
``Interaction``, parsing the whole pressed message (5 KB of embeds and buttons) that a press
needs three facts of; that is built only for the rare answers that go through discord.py's
own responses: private notes, private pages, the "updated" notice, an apology. (A
``DynamicItem`` would also rebuild a View from the pressed message and ignore a press whose
button it cannot find there: slower still, and silent on exactly the faults we must answer.)
What to show comes from bot/platforms/presses.py. A message whose embeds were removed (an
admin's "Remove embeds"), and every fault, gets a private answer instead.
"""

import logging
from collections.abc import Callable
from typing import Any

import aiohttp
import discord
from discord.http import MultipartParameters
from discord.webhook.async_ import async_context

from bot.core.binding import UsageError, bind, split_line
from bot.core.dispatch import Dispatcher
from bot.core.registry import User
from bot.i18n.locales import locale_for
from bot.i18n.translator import translator
from bot.platforms.discord.pages import page_message, page_update
from bot.platforms.discord.payloads import Payload, Press
from bot.platforms.discord.respond import apologise
from bot.platforms.limits import UserLimiter, slow_down
from bot.platforms.presses import (
    EDITED,
    UPDATED,
    Outcome,
    PressAnswer,
    answer_press,
    press_lang,
)
from bot.renderers.buttons import ButtonId, Options
from bot.renderers.discord import render_discord
from bot.service.observe import DRAINING_TEXT, Observer, Pressed

log = logging.getLogger(__name__)
UPDATE_MESSAGE = 7  # interaction response type: the pressed message takes the page
NO_MENTIONS = discord.AllowedMentions.none()
WORD_JOINER = "\u2060"  # what defuse() puts inside mention- and link-like text


def _options_in_author(dispatcher: Dispatcher, asked: str) -> Callable[[ButtonId], Options | None]:
    """Options too long for the id, read back from the command line shown as the author."""

    def found(made: ButtonId) -> Options | None:
        command = dispatcher.registry.get(made.command)
        typed = split_line(asked.replace(WORD_JOINER, ""))
        if command is None or typed.command != command.name:
            return None
        try:
            request = bind(command, typed.text)
        except UsageError:
            return None
        return tuple(request.args.items())

    return found


async def send_answer(interaction: discord.Interaction, answer: PressAnswer) -> None:
    """Any answer, through discord.py (the page in place, a private page or note)."""
    if answer.paged is None:
        assert answer.note is not None
        embeds = [discord.Embed.from_dict(e) for e in render_discord(answer.note)["embeds"]]
        await interaction.response.send_message(
            embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return
    embeds, view = page_message(answer.paged, answer.page, answer.notice)
    if answer.outcome is Outcome.UPDATE:
        await interaction.response.edit_message(  # type 7: UPDATE_MESSAGE
            embeds=embeds, view=view, allowed_mentions=NO_MENTIONS
        )
        message = interaction.message
        if answer.notice and message is not None and not message.flags.ephemeral:
            await interaction.followup.send(
                answer.said(UPDATED), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
        return
    kwargs: dict[str, Any] = {"view": view} if view is not None else {}
    await interaction.response.send_message(
        embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS, **kwargs
    )


class PressAnswerer:
    """Answers presses from their payload; ``interaction_of`` makes discord.py's Interaction
    of one, for the answers that go through discord.py. The page in place (type 7) goes
    through discord.py's own transport for interaction responses (its webhook adapter: a
    lock and 429 handling per interaction, as ``edit_message`` would), over a session of its
    own, opened at the first press and closed with the client (``close``).
    """

    def __init__(
        self,
        dispatcher: Dispatcher,
        observer: Observer,
        limiter: UserLimiter,
        http: discord.http.HTTPClient,
        interaction_of: Callable[[Payload], discord.Interaction],
    ) -> None:
        self.dispatcher = dispatcher
        self.observer = observer
        self.limiter = limiter
        self.http = http  # for its proxy settings
        self.interaction_of = interaction_of
        self._session: aiohttp.ClientSession | None = None

    async def update(self, press: Press, answer: PressAnswer) -> None:
        """The page in place of the pressed message, straight from the kept data (type 7)."""
        assert answer.paged is not None
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        body = {"type": UPDATE_MESSAGE, "data": page_update(answer.paged, answer.page)}
        await async_context.get().create_interaction_response(
            int(press.id),
            press.token,
            session=self._session,
            proxy=self.http.proxy,
            proxy_auth=self.http.proxy_auth,
            params=MultipartParameters(payload=body, multipart=None, files=None),
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def __call__(self, data: Payload) -> None:
        press = Press.read(data)
        presser = locale_for(press.locale)  # for an id that cannot be read
        observer = self.observer
        interaction: discord.Interaction | None = None
        updated = False
        try:
            if observer.draining:
                observer.record_press(Pressed("discord", outcome="refused_draining"))
                interaction = self.interaction_of(data)
                await interaction.response.send_message(
                    translator(press_lang(press.custom_id, presser))(DRAINING_TEXT),
                    ephemeral=True,
                    allowed_mentions=NO_MENTIONS,
                )
                return
            wait = self.limiter.wait("discord", press.user_id)
            if wait:
                observer.record_press(Pressed("discord", outcome="rate_limited"))
                interaction = self.interaction_of(data)
                await interaction.response.send_message(
                    slow_down(wait, translator(press_lang(press.custom_id, presser))),
                    ephemeral=True,
                    allowed_mentions=NO_MENTIONS,
                )
                return
            async with observer.pressing("discord") as pressed:
                found = answer_press(
                    self.dispatcher,
                    press.custom_id,
                    platform="discord",
                    user=User(press.user_id, press.user_name),
                    channel=press.channel_id,
                    workspace=press.guild_id,
                    options_beside=_options_in_author(self.dispatcher, press.asked),
                    locale=presser,
                )
                if found.outcome is Outcome.UPDATE and press.changed:
                    found = found.privately(EDITED)
                pressed.command, pressed.outcome = found.command, found.metric
                if found.outcome is Outcome.UPDATE and found.notice is None:
                    await self.update(press, found)
                    updated = True
                else:
                    interaction = self.interaction_of(data)
                    await send_answer(interaction, found)
        except Exception as error:  # logged with its trace (apologise); the user is told
            if updated:  # the page is shown; nothing to apologise for
                log.exception("after a page button press was answered")
                return
            await apologise(interaction or self.interaction_of(data), error)
