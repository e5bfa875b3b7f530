"""Slack Block Kit rendering of a neutral Reply, always inside Slack's limits.

Limits (Block Kit reference): 50 blocks a message; header text 150; section text 3,000;
10 fields a section of 2,000 each; 10 elements a context block, each text 3,000; button text
75, action_id 255, value 2,000. A page of a paged reply (bot/renderers/pages.py) is drawn
with its buttons in an ``actions`` block (bot/renderers/buttons.py says what they carry).
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.core.reply import Item, Reply
from bot.renderers.buttons import (
    SLACK_ID_CHARS,
    SLACK_VALUE_CHARS,
    WEB_ID,
    Button,
    Nav,
    Role,
    navigation,
)
from bot.renderers.pages import Paged, most_that_fit
from bot.renderers.safety import clip, defuse

MAX_BLOCKS = 50
HEADER_CHARS = 150
SECTION_CHARS = 3000
FIELDS_PER_SECTION = 10
FIELD_CHARS = 2000
CONTEXT_ELEMENTS = 10
CONTEXT_CHARS = 3000
QUOTE_CHARS = 1000  # a citation's quote is cut there (pages budget whole quotes)
ACTIONS_ELEMENTS = 5
BUTTON_CHARS = 75
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


def _closing_blocks(reply: Reply, dropped: int, nav: Nav | None) -> list[dict[str, Any]]:
    elements = []
    if nav is not None and (nav.count > 1 or nav.asked):
        where = f"{nav.caption} \u00b7 {nav.asked}" if nav.asked else nav.caption
        elements.append(_plain(clip(defuse(where), CONTEXT_CHARS)))  # echoes what was typed
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
    if reply.url and (nav is None or nav.web is None):
        elements.append(_mrkdwn(_link(reply.url, "Read this on the web, each quote in its report")))
    # A warning may echo user text ("Searched for ... instead of ..."): plain text.
    elements.extend(
        _plain(clip(defuse(f"\u26a0\ufe0f {warning}"), CONTEXT_CHARS)) for warning in reply.warnings
    )
    elements = elements[:CONTEXT_ELEMENTS]
    return [{"type": "context", "elements": elements}] if elements else []


def _button(button: Button) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(button.label, BUTTON_CHARS), "emoji": False},
        "action_id": button.id or WEB_ID,
    }
    if button.url:
        element["url"] = button.url  # our own address (PUBLIC_URL), never user text
    elif button.value:
        element["value"] = button.value
    if button.role is Role.NEXT:
        element["style"] = "primary"
    return element


def _actions_blocks(nav: Nav | None) -> list[dict[str, Any]]:
    """Slack has no disabled buttons: a button with nowhere to go is left out."""
    if nav is None:
        return []
    elements = [_button(b) for b in nav.buttons if not b.disabled][:ACTIONS_ELEMENTS]
    return [{"type": "actions", "block_id": "pages", "elements": elements}] if elements else []


def _draw(reply: Reply, nav: Nav | None, left_out: int) -> tuple[list[dict[str, Any]], int]:
    """The blocks, and how many parts did not fit."""
    closing_probe = _closing_blocks(reply, 1, nav)
    actions = _actions_blocks(nav)
    out = _Blocks(reserved=len(closing_probe) + len(actions), blocks=[])
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
    if nav is not None and nav.notice:
        out.add({"type": "context", "elements": [_mrkdwn(f"_{escape(nav.notice)}_")]})
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
    dropped = out.dropped
    return out.blocks + _closing_blocks(reply, left_out + dropped, nav) + actions, dropped


def fits_whole(reply: Reply) -> bool:
    """Whether ``reply`` renders as one message with nothing left out."""
    return _draw(reply, None, 0)[1] == 0


def render_blocks(reply: Reply, nav: Nav | None = None) -> list[dict[str, Any]]:
    """Every block fits, and every marker shown has its source listed: when a reply is too
    big for one message, its last parts are left out whole (with a pointer), never a
    citation alone. Paged replies (bot.renderers.pages) always fit whole.
    """
    blocks, dropped = _draw(reply, nav, 0)
    if not dropped:
        return blocks
    cut, left_out = most_that_fit(reply, lambda r, left: _draw(r, nav, left)[1] == 0)
    return _draw(cut, nav, left_out)[0]


# The top-level text (notifications) is always mrkdwn and has no plain_text variant; the title
# in it may echo user words, so mrkdwn's markers become look-alikes there.
_MARKERS = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})


def render_slack(reply: Reply, nav: Nav | None = None) -> dict[str, Any]:
    """The slash-command response body: visibility, notification text, blocks."""
    fallback = reply.title + (f" (as of {reply.as_of.describe()})" if reply.as_of else "")
    return {
        "response_type": "in_channel" if reply.public else "ephemeral",
        "text": clip(escape(fallback.translate(_MARKERS)), FALLBACK_CHARS),
        "blocks": render_blocks(reply, nav),
    }


def render_slack_page(paged: Paged, number: int, *, notice: str | None = None) -> dict[str, Any]:
    """Page ``number`` of a paged reply with its buttons, as Slack receives it."""
    nav = navigation(
        paged, number, id_chars=SLACK_ID_CHARS, notice=notice, value_chars=SLACK_VALUE_CHARS
    )
    return render_slack(paged.page(number).reply, nav)
