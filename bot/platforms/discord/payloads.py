"""Page button presses as the gateway sends them (INTERACTION_CREATE, a component), taken
before discord.py makes an ``Interaction`` of them.

discord.py turns every interaction into an ``Interaction``, parsing on the way the whole
pressed message (5 KB of embeds and buttons for a page) that a press needs three facts of:
its author line, whether it still has embeds, and its flags. ``PressesFirst`` is discord.py's
state with our presses dispatched as ``page_press`` with the payload itself; ``Press`` reads
what answering one needs (bot/platforms/discord/presses.py).
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import discord
from discord.state import AutoShardedConnectionState

FAMILY = "pg"  # every page button id, whatever its version: faults are answered here too
COMPONENT = 3  # interaction type: a button (or another component) was used
SUPPRESS_EMBEDS = 1 << 2  # message flag: someone removed the message's embeds
Payload = Mapping[str, Any]  # an INTERACTION_CREATE as the gateway sent it


def page_press(data: Payload) -> str | None:
    """The button's id when ``data`` is a press on one of ours, else None."""
    if data.get("type") != COMPONENT:
        return None
    custom_id = (data.get("data") or {}).get("custom_id")
    return custom_id if isinstance(custom_id, str) and custom_id.startswith(FAMILY) else None


C_co = TypeVar("C_co", bound=discord.Client, covariant=True)  # the client (discord.py's ClientT)


class PressesFirst(AutoShardedConnectionState[C_co]):
    """discord.py's state, with our page button presses dispatched as ``page_press`` with
    the gateway's payload (``on_page_press``) before any ``Interaction`` is made of them;
    every other interaction goes on to discord.py as before.
    """

    def parse_interaction_create(self, data: Any) -> None:  # noqa: ANN401 - discord.py's payload
        if page_press(data) is not None:
            self.dispatch("page_press", data)
            return
        super().parse_interaction_create(data)


@dataclass(frozen=True, slots=True)
class Press:
    """What answering a press needs of its payload (and nothing of the pressed message but
    its author line, its embeds' presence and its flags).
    """

    id: str
    token: str
    custom_id: str
    locale: str  # the presser's client language, e.g. "en-US"
    user_id: str
    user_name: str
    channel_id: str
    guild_id: str
    asked: str  # the pressed message's author line: the command as typed
    changed: bool  # someone removed the page (the message's embeds): not ours to replace

    @classmethod
    def read(cls, data: Payload) -> "Press":
        user = (data.get("member") or {}).get("user") or data.get("user") or {}
        message = data.get("message")
        embeds = (message or {}).get("embeds") or []
        first = embeds[0] if embeds and isinstance(embeds[0], dict) else {}
        author = first.get("author") or {}
        flags = int((message or {}).get("flags") or 0)
        return cls(
            id=str(data.get("id", "")),
            token=str(data.get("token", "")),
            custom_id=str((data.get("data") or {}).get("custom_id", "")),
            locale=str(data.get("locale") or ""),
            user_id=str(user.get("id", "")),
            user_name=str(user.get("username") or ""),
            channel_id=str(data.get("channel_id") or (data.get("channel") or {}).get("id", "")),
            guild_id=str(data.get("guild_id") or ""),
            asked=str(author.get("name") or ""),
            changed=message is None or bool(flags & SUPPRESS_EMBEDS) or not embeds,
        )
