"""Slack Block Kit rendering of a neutral Reply, always inside Slack's limits.

Limits (Block Kit reference): 50 blocks a message; header text 150; section text 3,000;
10 fields a section of 2,000 each; 10 elements a context block, each text 3,000.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.core.reply import Item, Reply
from bot.renderers.safety import clip, defuse

MAX_BLOCKS = 50
HEADER_CHARS = 150
SECTION_CHARS = 3000
FIELDS_PER_SECTION = 10
FIELD_CHARS = 2000
CONTEXT_ELEMENTS = 10
CONTEXT_CHARS = 3000
QUOTE_CHARS = 400  # a citation's quote is cut there: long quotes drown the reply
FALLBACK_CHARS = 300


@lru_cache(maxsize=16_384)
def escape(text: str) -> str:
    """Slack mrkdwn control characters, then mentions and links made inert."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return defuse(text)


def _link(url: str, text: str) -> str:
    """A live link, only ever built from our own URL (PUBLIC_URL) and our own words."""
    return f"<{url.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}|{text}>"


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def _marks(item: Item) -> str:
    return "".join(f"[{n}]" for n in item.cites)


@dataclass
class _Blocks:
    """Collects blocks, keeping room for the closing context blocks."""

    reserved: int
    blocks: list[dict[str, Any]]
    dropped: int = 0

    def add(self, block: dict[str, Any]) -> None:
        if len(self.blocks) < MAX_BLOCKS - self.reserved:
            self.blocks.append(block)
        else:
            self.dropped += 1


def _plain(text: str) -> dict[str, Any]:
    """Text Slack shows as typed: no mrkdwn, no mentions, no links (what users wrote)."""
    return {"type": "plain_text", "text": text, "emoji": False}


def _section_blocks(heading: str | None, items: tuple[Item, ...]) -> list[dict[str, Any]]:
    """Unlabelled items as bullet text (split at 3,000); labelled ones as fields (10 a block).

    Items holding user text become plain_text, so ``*bold*``, ``~strike~``, backticks and
    ``>`` quotes show as typed instead of formatting a reply (or a public post).
    """
    title = f"*{clip(escape(heading), 200)}*" if heading else ""
    texts: list[dict[str, Any]] = []
    text = title  # the heading opens the first text; it rides on the fields if no text follows
    fields: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal text, title
        if text:
            texts.append(_mrkdwn(text))
            text = title = ""

    for item in items:
        marks = _marks(item)
        if item.label and item.user_text:
            fields.append(
                _plain(clip(defuse(f"{item.label}: {item.text} {marks}".rstrip()), FIELD_CHARS))
            )
        elif item.label:
            fields.append(
                _mrkdwn(
                    clip(
                        f"*{escape(item.label)}*\n{escape(item.text)} {marks}".rstrip(), FIELD_CHARS
                    )
                )
            )
        elif item.user_text:
            flush()
            texts.append(
                _plain(clip(defuse(f"{item.text} {marks}".strip()) or "\u2026", SECTION_CHARS))
            )
        else:
            line = clip(f"\u2022 {escape(item.text)} {marks}".rstrip(), SECTION_CHARS)
            if text and len(text) + len(line) + 1 > SECTION_CHARS:
                flush()
            text = f"{text}\n{line}" if text else line
    if text and (text != title or not fields):
        flush()
    blocks = [{"type": "section", "text": t} for t in texts]
    for start in range(0, len(fields), FIELDS_PER_SECTION):
        block: dict[str, Any] = {
            "type": "section",
            "fields": fields[start : start + FIELDS_PER_SECTION],
        }
        if start == 0 and title:
            block["text"] = _mrkdwn(title)  # the heading rides on the first fields block
        blocks.append(block)
    return blocks


def _closing_blocks(reply: Reply, dropped: int) -> list[dict[str, Any]]:
    elements = []
    if dropped:
        elements.append(
            _mrkdwn(
                f"_{dropped} more part(s) left out to fit Slack. Ask something narrower, "
                "e.g. `/who <name>` or `/quote <words>`._"
            )
        )
    if reply.footer:
        elements.append(_mrkdwn(clip(escape(reply.footer), CONTEXT_CHARS)))
    if reply.as_of:
        elements.append(_mrkdwn(f"As of {reply.as_of.describe()}"))
    if reply.url:
        elements.append(_mrkdwn(_link(reply.url, "Read this on the web, each quote in its report")))
    # A warning may echo user text ("Searched for ... instead of ..."): plain text.
    elements.extend(
        _plain(clip(defuse(f"\u26a0\ufe0f {warning}"), CONTEXT_CHARS)) for warning in reply.warnings
    )
    elements = elements[:CONTEXT_ELEMENTS]
    return [{"type": "context", "elements": elements}] if elements else []


def render_blocks(reply: Reply) -> list[dict[str, Any]]:
    closing_probe = _closing_blocks(reply, dropped=1)
    out = _Blocks(reserved=len(closing_probe), blocks=[])
    out.add(
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": clip(defuse(reply.title), HEADER_CHARS),
                "emoji": False,
            },
        }
    )
    for section in reply.sections:
        for block in _section_blocks(section.heading, section.items):
            out.add(block)
    if reply.citations:
        out.add({"type": "divider"})
        for start in range(0, len(reply.citations), CONTEXT_ELEMENTS):
            chunk = reply.citations[start : start + CONTEXT_ELEMENTS]
            out.add(
                {
                    "type": "context",
                    "elements": [
                        _mrkdwn(
                            clip(
                                f"{_link(c.url, f'[{c.number}]') if c.url else f'[{c.number}]'} "
                                f"_{escape(c.source_label)}_: "
                                f"\u201c{escape(clip(c.quote, QUOTE_CHARS))}\u201d",
                                CONTEXT_CHARS,
                            )
                        )
                        for c in chunk
                    ],
                }
            )
    return out.blocks + _closing_blocks(reply, out.dropped)


# The top-level text (notifications) is always mrkdwn and has no plain_text variant; the title
# in it may echo user words, so mrkdwn's markers become look-alikes there.
_MARKERS = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})


def render_slack(reply: Reply) -> dict[str, Any]:
    """The slash-command response body: visibility, notification text, blocks."""
    fallback = reply.title + (f" (as of {reply.as_of.describe()})" if reply.as_of else "")
    return {
        "response_type": "in_channel" if reply.public else "ephemeral",
        "text": clip(escape(fallback.translate(_MARKERS)), FALLBACK_CHARS),
        "blocks": render_blocks(reply),
    }
