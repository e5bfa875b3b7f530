"""Discord message rendering of a neutral Reply: embeds that always fit.

Limits (Discord API, embed object): title 256, description 4,096, 25 fields with names of
256 and values of 1,024, footer 2,048, at most 6,000 characters across every embed of a
message, 10 embeds. What does not fit is left out with a pointer in the footer. Mentions
are off twice: in the text (escaped) and in ``allowed_mentions`` (none).
"""

import re
from functools import lru_cache
from typing import Any

from bot.core.reply import Item, Reply
from bot.renderers.safety import clip, defuse

TITLE_CHARS = 256
DESCRIPTION_CHARS = 4096
MAX_FIELDS = 25
FIELD_NAME_CHARS = 256
FIELD_VALUE_CHARS = 1024
FOOTER_CHARS = 2048
TOTAL_CHARS = 6000
MAX_EMBEDS = 10
QUOTE_CHARS = 300
LINKED_QUOTE_CHARS = 80  # a linked citation needs less: the passage is one click away
EPHEMERAL_FLAG = 1 << 6
BLANK = "\u200b"  # Discord rejects empty field names and values
COLOUR = 0x1F6FB2
NO_MENTIONS: dict[str, list[str]] = {"parse": [], "users": [], "roles": []}

_MARKDOWN = re.compile(r"([\\*_~`|\[\]])")
# Headings, quotes and lists only start a line.
_LINE_START = re.compile(r"^(\s*)([#>-])", re.MULTILINE)
_USER_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")


@lru_cache(maxsize=16_384)
def escape(text: str) -> str:
    """Markdown characters escaped, then mentions and links made inert."""
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _LINE_START.sub(r"\1\\\2", text)
    text = _USER_MENTION.sub("<\u2060\\1\\2>", text)
    return defuse(text)


def _marks(item: Item) -> str:
    return "".join(f"\\[{n}\\]" for n in item.cites)


class _Budget:
    """Characters left for the whole message."""

    def __init__(self, total: int) -> None:
        self.left = total
        self.dropped = 0

    def take(self, text: str) -> bool:
        if len(text) <= self.left:
            self.left -= len(text)
            return True
        self.dropped += 1
        return False


def _footer(reply: Reply, dropped: int) -> str:
    parts = []
    if reply.as_of:
        parts.append(f"As of {reply.as_of.describe()}")
    parts += [f"\u26a0 {w}" for w in reply.warnings]
    if reply.footer:
        parts.append(reply.footer.replace("`", ""))
    if dropped:
        parts.append(
            f"{dropped} part(s) left out to fit Discord; ask something narrower, "
            "e.g. /who <name> or /quote <words>."
        )
    return clip(defuse(" \u00b7 ".join(parts)), FOOTER_CHARS)


def render_embeds(reply: Reply) -> list[dict[str, Any]]:
    pointer_room = 120
    budget = _Budget(TOTAL_CHARS - len(_footer(reply, 0)) - pointer_room)
    title = clip(
        escape(reply.title), TITLE_CHARS
    )  # titles echo user text (/quote, /who) and render markdown
    budget.take(title)
    main: dict[str, Any] = {"title": title, "color": COLOUR} if title else {"color": COLOUR}
    if reply.url and title:
        main["url"] = (
            reply.url
        )  # our own URL (PUBLIC_URL): the title links to this answer on the web
    lines: list[str] = []
    fields: list[dict[str, Any]] = []
    for section in reply.sections:
        bullets = [i for i in section.items if not i.label]
        if section.heading and bullets:
            lines.append(f"**{escape(section.heading)}**")
        lines.extend(
            clip(f"\u2022 {escape(item.text)} {_marks(item)}".rstrip(), 1000) for item in bullets
        )
        for item in section.items:
            if not item.label:
                continue
            field: dict[str, Any] = {
                "name": clip(escape(item.label), FIELD_NAME_CHARS) or BLANK,
                "value": clip(f"{escape(item.text)} {_marks(item)}".strip(), FIELD_VALUE_CHARS)
                or BLANK,
                "inline": False,
            }
            if len(fields) < MAX_FIELDS and budget.take(field["name"] + field["value"]):
                fields.append(field)
            elif len(fields) >= MAX_FIELDS:
                budget.dropped += 1
    description = ""
    for line in lines:
        candidate = f"{description}\n{line}" if description else line
        if len(candidate) <= DESCRIPTION_CHARS and budget.take(candidate[len(description) :]):
            description = candidate
        elif len(candidate) > DESCRIPTION_CHARS:
            budget.dropped += 1
    if description:
        main["description"] = description
    if fields:
        main["fields"] = fields
    if not (title or description or fields):
        main["description"] = BLANK  # an embed must show something
    embeds = [main]
    sources = ""
    for citation in reply.citations:
        number = f"[{citation.number}]({citation.url})" if citation.url else str(citation.number)
        quote = clip(citation.quote, LINKED_QUOTE_CHARS if citation.url else QUOTE_CHARS)
        line = clip(
            f"\\[{number}\\] *{escape(citation.source_label)}*: \u201c{escape(quote)}\u201d",
            1000,
        )
        if len(sources) + len(line) + 1 > DESCRIPTION_CHARS:
            if len(embeds) >= MAX_EMBEDS - 1:
                budget.dropped += 1
                continue
            embeds.append(
                {
                    "title": "Sources" if len(embeds) == 1 else "Sources (cont.)",
                    "description": sources,
                    "color": COLOUR,
                }
            )
            sources = ""
        if budget.take(line + "\n" + "Sources (cont.)"):
            sources = f"{sources}\n{line}" if sources else line
    if sources:
        embeds.append(
            {
                "title": "Sources" if len(embeds) == 1 else "Sources (cont.)",
                "description": sources,
                "color": COLOUR,
            }
        )
    footer = _footer(reply, budget.dropped)
    if footer:
        embeds[-1]["footer"] = {"text": footer}
    return embeds


def render_discord(reply: Reply) -> dict[str, Any]:
    """The interaction response message: embeds, visibility flag, no mentions."""
    return {
        "embeds": render_embeds(reply),
        "flags": 0 if reply.public else EPHEMERAL_FLAG,
        "allowed_mentions": NO_MENTIONS,
    }


def embed_chars(embed: dict[str, Any]) -> int:
    """Characters Discord counts toward the 6,000 limit."""
    return (
        len(embed.get("title", ""))
        + len(embed.get("description", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
        + len(embed.get("footer", {}).get("text", ""))
        + len(embed.get("author", {}).get("name", ""))
    )
