"""Discord messages of paged replies: embeds and a row of buttons, sent through discord.py.

discord.py sends components only from a ``View``, and keeps every view it sends (with a
15-minute timer for ephemeral ones) to route presses back to it. Our presses are answered
from the button's id alone (bot/platforms/discord/presses.py), so ``PageView`` hands over the
rendered components and tells discord.py it is already finished: nothing is kept per message.
"""

from functools import lru_cache
from typing import Any

import discord

from bot.renderers.discord import render_discord_page
from bot.renderers.pages import Paged


class PageView(discord.ui.View):
    def __init__(self, components: list[dict[str, Any]]) -> None:
        super().__init__(timeout=None)
        self._components = components

    def to_components(self) -> list[dict[str, Any]]:
        return self._components

    def is_finished(self) -> bool:
        return True  # never stored: presses are routed by the id's pattern, not by message


@lru_cache(maxsize=512)  # the dispatcher hands back the same Reply until content changes
def page_message(
    paged: Paged, number: int, notice: str | None = None
) -> tuple[list[discord.Embed], PageView | None]:
    """Page ``number``'s embeds and buttons (None: no buttons)."""
    payload = render_discord_page(paged, number, notice=notice)
    embeds = [discord.Embed.from_dict(embed) for embed in payload["embeds"]]
    components = payload.get("components")
    return embeds, PageView(components) if components else None
