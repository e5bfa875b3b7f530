"""Assertions that a Discord message payload fits Discord's limits and pings nobody."""

import re
from typing import Any

from bot.renderers import discord as d

LIVE_MENTION = re.compile(r"@(?:everyone|here)\b|<@[!&]?\d+>|<#\d+>", re.IGNORECASE)
LINK = re.compile(r"[A-Za-z]://|[A-Za-z0-9-]\.(?:[A-Za-z]{2,}|[A-Za-z0-9-]+\.[A-Za-z]{2,})\b")


def assert_within_limits(payload: dict[str, Any]) -> None:
    embeds = payload["embeds"]
    assert 1 <= len(embeds) <= d.MAX_EMBEDS
    assert sum(d.embed_chars(e) for e in embeds) <= d.TOTAL_CHARS
    for embed in embeds:
        assert len(embed.get("title", "")) <= d.TITLE_CHARS
        assert embed.get("title") != ""
        assert len(embed.get("description", "")) <= d.DESCRIPTION_CHARS
        assert len(embed.get("fields", [])) <= d.MAX_FIELDS
        for field in embed.get("fields", []):
            assert 1 <= len(field["name"]) <= d.FIELD_NAME_CHARS
            assert 1 <= len(field["value"]) <= d.FIELD_VALUE_CHARS
        assert len(embed.get("footer", {}).get("text", "")) <= d.FOOTER_CHARS


def assert_no_pings(payload: dict[str, Any]) -> None:
    assert (
        payload["allowed_mentions"] == {"parse": [], "users": [], "roles": []}
        or payload["allowed_mentions"].get("parse") == []
    )
    for embed in payload["embeds"]:
        texts = [
            embed.get("title", ""),
            embed.get("description", ""),
            embed.get("footer", {}).get("text", ""),
        ]
        texts += [t for f in embed.get("fields", []) for t in (f["name"], f["value"])]
        for text in texts:
            assert not LIVE_MENTION.search(text), text
            assert not LINK.search(text), text
