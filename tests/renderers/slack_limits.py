"""Assertions that a Slack payload is within Block Kit limits and inert (used by tests)."""

import re
from typing import Any

from slack_sdk.models.blocks import Block

from bot.renderers import slack

LIVE_MENTION = re.compile(r"<[!@#]|@(?:channel|here|everyone)\b", re.IGNORECASE)
LINK = re.compile(r"[A-Za-z]://|[A-Za-z0-9-]\.(?:[A-Za-z]{2,}|[A-Za-z0-9-]+\.[A-Za-z]{2,})\b")


def texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [t for key, value in node.items() for t in (texts(value) if key != "type" else [])]
    if isinstance(node, list):
        return [t for value in node for t in texts(value)]
    return [node] if isinstance(node, str) else []


def assert_within_limits(payload: dict[str, Any]) -> None:
    blocks = payload["blocks"]
    assert 1 <= len(blocks) <= slack.MAX_BLOCKS
    for raw in blocks:
        block = Block.parse(raw)
        assert block is not None
        block.validate_json()  # slack_sdk's own checks of Block Kit limits
        if raw["type"] == "header":
            assert len(raw["text"]["text"]) <= slack.HEADER_CHARS
        if raw["type"] == "section":
            assert "text" in raw or "fields" in raw
            assert len(raw.get("text", {}).get("text", "")) <= slack.SECTION_CHARS
            assert len(raw.get("fields", [])) <= slack.FIELDS_PER_SECTION
            assert all(len(f["text"]) <= slack.FIELD_CHARS for f in raw.get("fields", []))
        if raw["type"] == "context":
            assert 1 <= len(raw["elements"]) <= slack.CONTEXT_ELEMENTS
            assert all(len(e["text"]) <= slack.CONTEXT_CHARS for e in raw["elements"])


def assert_inert(payload: dict[str, Any]) -> None:
    for text in texts(payload):
        if text in {"ephemeral", "in_channel", "mrkdwn", "plain_text"}:
            continue
        assert not LIVE_MENTION.search(text), text
        assert not LINK.search(text), text
