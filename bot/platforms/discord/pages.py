"""Discord messages of paged replies: embeds and a row of buttons, sent through discord.py
(or, for a press answered from its payload, as the update's data: ``page_update``).

discord.py sends components only from a ``View``, and keeps every view it sends (with a
15-minute timer for ephemeral ones) to route presses back to it. Our presses are answered
from the button's id alone (bot/platforms/discord/presses.py), so ``PageView`` hands over the
rendered components and tells discord.py it is already finished: nothing is kept per message.
"""

from typing import Any

import discord

from bot.renderers.discord import render_discord_page
from bot.renderers.kept import KeptByIdentity
from bot.renderers.pages import Paged


class PageView(discord.ui.View):
    """A row of buttons as rendered (bot/renderers/discord.py), sent as it is."""

    def __init__(self, components: list[dict[str, Any]]) -> None:
        super().__init__(timeout=None)
        self._components = components

    def to_components(self) -> list[dict[str, Any]]:
        return self._components

    def is_finished(self) -> bool:
        return True  # never stored: presses are routed by the id's pattern, not by message


_KEPT: "KeptByIdentity[Paged, Message]" = KeptByIdentity(maxsize=512)
_UPDATES: "KeptByIdentity[Paged, dict[str, Any]]" = KeptByIdentity(maxsize=512)


def page_message(paged: Paged, number: int, notice: str | None = None) -> "Message":
    """Page ``number``'s embeds and buttons (None: no buttons), made once per Paged."""

    def make() -> Message:
        payload = render_discord_page(paged, number, notice=notice)
        embeds = [discord.Embed.from_dict(embed) for embed in payload["embeds"]]
        components = payload.get("components")
        return embeds, PageView(components) if components else None

    return _KEPT.get(paged, (number, notice), make)


Message = tuple[list[discord.Embed], PageView | None]


def page_update(paged: Paged, number: int) -> dict[str, Any]:
    """Page ``number`` as the data of an UPDATE_MESSAGE (the pressed message takes it whole:
    no buttons is none left), drawn once per Paged.
    """

    def make() -> dict[str, Any]:
        payload = render_discord_page(paged, number)
        return {
            "embeds": payload["embeds"],
            "components": payload.get("components", []),
            "allowed_mentions": payload["allowed_mentions"],
        }

    return _UPDATES.get(paged, number, make)
