"""Answering one interaction: Discord's options -> CommandRequest -> Reply -> embeds.

Commands answer in well under a millisecond and run inline. A command the registry marks
``slow`` runs in a worker thread instead, and the interaction is deferred if it has not
answered within DEFER_AFTER_SECONDS, so Discord's 3-second window is never missed.

A deferral fixes the answer's visibility before the reply exists: the message that ends it
is private or public as the deferral was. So a command whose reply may be private-only
(``may_reply_privately``) is deferred privately even when the user asked for ``public``;
if its reply does go public, the private "thinking" message is closed with a short note
and the reply follows as a public follow-up.
"""

import asyncio
import logging
from typing import Any

import discord

from bot.core import messages
from bot.core.dispatch import Dispatcher
from bot.core.registry import Command, CommandRequest, User
from bot.core.reply import Reply
from bot.i18n.catalogs import N_
from bot.i18n.locales import DEFAULT, locale_for
from bot.i18n.translator import translator
from bot.platforms.discord.pages import page_message
from bot.platforms.languages import chosen_language, known_language, reader_language
from bot.platforms.limits import UserLimiter, slow_down
from bot.platforms.presses import paged_reply
from bot.platforms.recording import PublicReplies
from bot.renderers.pages import Paged, single
from bot.service.observe import DRAINING_TEXT, Observer

log = logging.getLogger(__name__)
DEFER_AFTER_SECONDS = 2.0
NO_MENTIONS = discord.AllowedMentions.none()
APOLOGY = messages.INTERNAL_ERROR
POSTED_FOR_THE_CHANNEL = N_("Posted for the channel below.")


def client_language(interaction: discord.Interaction) -> str:
    """The language of the person's Discord client (``es-ES``, ``es-419``: Spanish)."""
    return locale_for(str(interaction.locale.value if interaction.locale else ""))


def to_request(
    interaction: discord.Interaction,
    command: str,
    args: dict[str, Any],
    *,
    public: bool,
    locale: str = DEFAULT,
    typed_locale: bool = False,
) -> CommandRequest:
    permissions = interaction.permissions
    user = User(
        id=str(interaction.user.id),
        name=interaction.user.name,
        is_admin=bool(permissions.manage_guild or permissions.administrator),
    )
    return CommandRequest(
        command=command,
        args={k: str(v) for k, v in args.items() if v is not None and v != ""},
        public=public,
        platform="discord",
        channel=str(interaction.channel_id),
        user=user,
        workspace=str(interaction.guild_id or ""),
        locale=locale,
        typed_locale=typed_locale,
    )


def may_reply_privately(command: Command | None) -> bool:
    """Whether the reply may be private-only (``Reply.private_only``, e.g. /recap preview):
    such replies concern who asks or the channel's own state, which is what commands marked
    ``needs_admin`` or not ``cacheable`` depend on.
    """
    return command is None or command.needs_admin or not command.cacheable


async def send_reply(
    interaction: discord.Interaction,
    reply: Reply,
    paged: Paged | None = None,
    *,
    deferred_privately: bool = False,
) -> str | None:
    """Page 1 of ``paged`` (default: the whole reply as one page), with its buttons; a public
    reply's message id (to record it: issue 18), else None.
    """
    embeds, view = page_message(paged or single(reply), 1)
    with_view: dict[str, Any] = {"view": view} if view is not None else {}
    ephemeral = not reply.public
    if interaction.response.is_done():
        if deferred_privately and reply.public:
            # The first follow-up would be private like the deferral: end it with a note first.
            await interaction.edit_original_response(
                content=translator(reply.lang)(POSTED_FOR_THE_CHANNEL),
                allowed_mentions=NO_MENTIONS,
            )
        sent = await interaction.followup.send(
            embeds=embeds, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS, wait=True, **with_view
        )
        return str(sent.id) if reply.public else None
    answered = await interaction.response.send_message(
        embeds=embeds, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS, **with_view
    )
    # Discord's callback response names the message it made (with_response).
    made = answered.message_id
    return str(made) if reply.public and made is not None else None


async def respond(
    dispatcher: Dispatcher,
    observer: Observer,
    limiter: UserLimiter,
    interaction: discord.Interaction,
    command: str,
    args: dict[str, Any],
    public: bool,  # noqa: FBT001 - an Answer (tree.py), called positionally by every callback
    lang: str | None = None,
    *,
    recorder: PublicReplies | None = None,
) -> None:
    user_id = str(interaction.user.id)
    known, chosen = known_language(dispatcher, "discord", "", user_id)
    hint = lang or reader_language(chosen, client_language(interaction))
    if observer.draining:  # stopping: take no new work, say so briefly
        observer.refused("discord", command)
        await interaction.response.send_message(
            translator(hint)(DRAINING_TEXT), ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return
    wait = limiter.wait("discord", user_id)
    if wait:  # one person asking too fast: told privately, nothing runs
        observer.limited("discord", command)
        await interaction.response.send_message(
            slow_down(wait, translator(hint)), ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return
    async with observer.serving("discord", command) as served:
        # The lang option, else the person's choice (/brief), else their client's language.
        if lang is None and not known:
            chosen = await chosen_language(dispatcher, "discord", "", user_id)
        locale = lang or reader_language(chosen, client_language(interaction))
        request = to_request(
            interaction, command, args, public=public, locale=locale, typed_locale=bool(lang)
        )
        registered = dispatcher.registry.get(command)
        deferred_privately = False
        if registered is None or not registered.slow:
            reply = dispatcher.run(request)
        else:
            work = asyncio.ensure_future(asyncio.to_thread(dispatcher.run, request))
            done, _ = await asyncio.wait({work}, timeout=DEFER_AFTER_SECONDS)
            if not done:
                deferred_privately = not public or may_reply_privately(registered)
                await interaction.response.defer(ephemeral=deferred_privately, thinking=True)
            reply = await work
        served.replied(reply)
        paged = paged_reply(dispatcher, reply)
        message_id = await send_reply(
            interaction, reply, paged, deferred_privately=deferred_privately
        )
        if message_id is not None and recorder is not None and interaction.channel_id:
            recorder.posted(
                "discord",
                request.workspace or "",
                str(interaction.channel_id),
                message_id,
                paged.page(1).reply,
            )


async def apologise(interaction: discord.Interaction, error: Exception) -> None:
    """Tree-level errors: log the detail, tell the user briefly, keep running."""
    log.error("Discord command failed", exc_info=error)
    apology = translator(client_language(interaction))(APOLOGY)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(apology, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                apology, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException:
        log.exception("could not send the apology")
