"""Discord message rendering of a neutral Reply: embeds that always fit.

Limits (Discord API, embed object): title 256, description 4,096, 25 fields with names of
256 and values of 1,024, footer 2,048, at most 6,000 characters across every embed of a
message, 10 embeds; buttons 5 to an action row, custom_id 100, label 80. What does not fit
is left out whole with a pointer in the footer, never a citation alone. Mentions are off
twice: in the text (escaped) and in ``allowed_mentions`` (none). A page of a paged reply
(bot/renderers/pages.py) is drawn with its buttons in one action row.
"""

import re
from functools import lru_cache
from typing import Any

from bot.core.reply import Citation, Item, Reply
from bot.renderers.buttons import DISCORD_ID_CHARS, Nav, Role, navigation
from bot.renderers.pages import Paged, most_that_fit
from bot.renderers.safety import clip, defuse

TITLE_CHARS = 256
DESCRIPTION_CHARS = 4096
MAX_FIELDS = 25
FIELD_NAME_CHARS = 256
FIELD_VALUE_CHARS = 1024
FOOTER_CHARS = 2048
TOTAL_CHARS = 6000
MAX_EMBEDS = 10
AUTHOR_CHARS = 256
QUOTE_CHARS = 600  # a citation's quote is cut there (pages budget whole quotes)
SOURCE_LINE_CHARS = 1000
ROW_BUTTONS = 5
BUTTON_LABEL_CHARS = 80
PRIMARY, SECONDARY, LINK = 1, 2, 5  # button styles
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


def _footer(reply: Reply, dropped: int, nav: Nav | None = None) -> str:
    parts = []
    if reply.as_of:
        parts.append(f"As of {reply.as_of.describe()}")
    if nav is not None and nav.count > 1:
        parts.append(nav.caption)
    parts += [f"\u26a0 {w}" for w in reply.warnings]
    if reply.footer:
        parts.append(reply.footer.replace("`", ""))
    if dropped:
        parts.append(
            f"{dropped} part(s) left out to fit Discord; ask something narrower, "
            "e.g. /who <name> or /quote <words>."
        )
    return clip(defuse(" \u00b7 ".join(parts)), FOOTER_CHARS)


def _source_line(citation: Citation) -> str:
    number = f"[{citation.number}]({citation.url})" if citation.url else str(citation.number)
    return clip(
        f"\\[{number}\\] *{escape(citation.source_label)}*: "
        f"\u201c{escape(clip(citation.quote, QUOTE_CHARS))}\u201d",
        SOURCE_LINE_CHARS,
    )


def _draw(reply: Reply, nav: Nav | None, left_out: int) -> tuple[list[dict[str, Any]], int]:
    """The embeds, and how many parts did not fit."""
    pointer_room = 120
    budget = _Budget(TOTAL_CHARS - len(_footer(reply, 0, nav)) - pointer_room)
    title = clip(escape(reply.title), TITLE_CHARS)  # titles echo user text and render markdown
    budget.take(title)
    main: dict[str, Any] = {"title": title, "color": COLOUR} if title else {"color": COLOUR}
    if reply.url and title:
        main["url"] = reply.url  # our own URL (PUBLIC_URL): the title links to this answer
    if nav is not None and nav.asked:
        # The command as typed, shown as the question; a press may read its options back here
        # (embed author names render no markdown; mentions and links are defused all the same).
        main["author"] = {"name": clip(defuse(nav.asked), AUTHOR_CHARS)}
        budget.take(main["author"]["name"])
    lines: list[str] = []
    if nav is not None and nav.notice:
        lines.append(f"*{escape(nav.notice)}*")
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
        line = _source_line(citation)
        if len(sources) + len(line) + 1 > DESCRIPTION_CHARS:
            if len(embeds) >= MAX_EMBEDS - 1:
                budget.dropped += 1
                continue
            embeds.append(_sources_embed(sources, first=len(embeds) == 1))
            sources = ""
        if budget.take(line + "\n" + "Sources (cont.)"):
            sources = f"{sources}\n{line}" if sources else line
    if sources:
        embeds.append(_sources_embed(sources, first=len(embeds) == 1))
    footer = _footer(reply, left_out + budget.dropped, nav)
    if footer:
        embeds[-1]["footer"] = {"text": footer}
    return embeds, budget.dropped


def _sources_embed(description: str, *, first: bool) -> dict[str, Any]:
    title = "Sources" if first else "Sources (cont.)"
    return {"title": title, "description": description, "color": COLOUR}


def render_embeds(reply: Reply, nav: Nav | None = None) -> list[dict[str, Any]]:
    """Embeds within every limit, every marker shown with its source listed: when a reply is
    too big for one message, its last parts are left out whole (with a pointer in the
    footer), never a citation alone. Paged replies (bot.renderers.pages) always fit whole.
    """
    embeds, dropped = _draw(reply, nav, 0)
    if not dropped:
        return embeds
    cut, left_out = most_that_fit(reply, lambda r, left: _draw(r, nav, left)[1] == 0)
    return _draw(cut, nav, left_out)[0]


def fits_whole(reply: Reply) -> bool:
    """Whether ``reply`` renders as one message with nothing left out."""
    return _draw(reply, None, 0)[1] == 0


def render_components(nav: Nav | None) -> list[dict[str, Any]]:
    """One action row of buttons (Discord allows 5 rows of 5)."""
    if nav is None or not nav.buttons:
        return []
    buttons = []
    for button in nav.buttons[:ROW_BUTTONS]:
        if button.url:  # a link button: no custom_id, nothing comes back
            buttons.append({"type": 2, "style": LINK, "label": button.label, "url": button.url})
            continue
        buttons.append(
            {
                "type": 2,
                "style": PRIMARY if button.role is Role.NEXT else SECONDARY,
                "label": clip(button.label, BUTTON_LABEL_CHARS),
                "custom_id": button.id,
                "disabled": button.disabled,
            }
        )
    return [{"type": 1, "components": buttons}]


def render_discord(reply: Reply, nav: Nav | None = None) -> dict[str, Any]:
    """The interaction response message: embeds, buttons, visibility flag, no mentions."""
    payload: dict[str, Any] = {
        "embeds": render_embeds(reply, nav),
        "flags": 0 if reply.public else EPHEMERAL_FLAG,
        "allowed_mentions": NO_MENTIONS,
    }
    components = render_components(nav)
    if components:
        payload["components"] = components
    return payload


def render_discord_page(paged: Paged, number: int, *, notice: str | None = None) -> dict[str, Any]:
    """Page ``number`` of a paged reply with its buttons, as Discord receives it."""
    nav = navigation(paged, number, id_chars=DISCORD_ID_CHARS, notice=notice)
    return render_discord(paged.page(number).reply, nav)


def embed_chars(embed: dict[str, Any]) -> int:
    """Characters Discord counts toward the 6,000 limit."""
    return (
        len(embed.get("title", ""))
        + len(embed.get("description", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
        + len(embed.get("footer", {}).get("text", ""))
        + len(embed.get("author", {}).get("name", ""))
    )
