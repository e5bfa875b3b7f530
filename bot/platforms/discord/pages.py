"""Discord messages of paged replies: embeds and a row of buttons, sent through discord.py.

discord.py sends components only from a ``View``, and keeps every view it sends (with a
15-minute timer for ephemeral ones) to route presses back to it. Our presses are answered
from the button's id alone (bot/platforms/discord/presses.py), so ``PageView`` hands over the
rendered components and tells discord.py it is already finished: nothing is kept per message.
"""

import threading
from typing import Any

import discord
from cachetools import LRUCache

from bot.renderers.discord import render_discord_page
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


# Rendered pages, kept by the Paged object's identity (paginate() hands back the same one
# until content or day change); each entry holds its Paged, so its id is not reused meanwhile.
_KEPT: LRUCache[tuple[int, int, str | None], tuple[Paged, "Message"]] = LRUCache(maxsize=512)
_KEPT_LOCK = threading.Lock()


def page_message(paged: Paged, number: int, notice: str | None = None) -> "Message":
    """Page ``number``'s embeds and buttons (None: no buttons)."""
    key = (id(paged), number, notice)
    with _KEPT_LOCK:
        kept = _KEPT.get(key)
    if kept is not None and kept[0] is paged:
        return kept[1]
    payload = render_discord_page(paged, number, notice=notice)
    embeds = [discord.Embed.from_dict(embed) for embed in payload["embeds"]]
    components = payload.get("components")
    message = (embeds, PageView(components) if components else None)
    with _KEPT_LOCK:
        _KEPT[key] = (paged, message)
    return message


Message = tuple[list[discord.Embed], PageView | None]
