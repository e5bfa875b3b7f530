"""Plain-text rendering for the terminal (``ask`` and the console).

Terminals have no markup, but they do obey control characters (ANSI escapes could clear
the screen or retitle the window) and direction overrides: both are neutralised.
"""

import textwrap

from bot.core.reply import Item, Reply, ReplyKind
from bot.renderers.buttons import Nav
from bot.renderers.safety import neutralise

_WIDTH = 100


def _marks(item: Item) -> str:
    return "".join(f"[{n}]" for n in item.cites)


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(
        text, _WIDTH, initial_indent=indent, subsequent_indent=" " * len(indent) + "  "
    )


def render_text(reply: Reply, nav: Nav | None = None) -> str:
    """The reply for a terminal; with ``nav``, one page of it, its place and its buttons."""
    return neutralise(_render(reply, nav))


def _buttons(nav: Nav) -> str:
    shown = [
        f"[{b.label}: {b.url}]" if b.url else f"[{b.label}]" for b in nav.buttons if not b.disabled
    ]
    return "Buttons: " + " ".join(shown)


def _render(reply: Reply, nav: Nav | None = None) -> str:
    lines = [reply.title, "=" * min(len(reply.title), _WIDTH)]
    if nav is not None and nav.count > 1:
        lines.append(f"{nav.caption} \u00b7 {nav.asked}" if nav.asked else nav.caption)
    if nav is not None and nav.notice:
        lines.append(_wrap(nav.notice, ""))
    for section in reply.sections:
        lines.append("")
        if section.heading:
            lines.append(section.heading)
        for item in section.items:
            body = f"{item.label}: {item.text}" if item.label else item.text
            marks = _marks(item)
            lines.append(
                _wrap(
                    f"{body} {marks}".rstrip(),
                    "  - " if reply.kind is not ReplyKind.ERROR else "  ",
                )
            )
    if reply.citations:
        lines += ["", "Sources"]
        for citation in reply.citations:
            lines.append(
                _wrap(
                    f"[{citation.number}] {citation.source_label}: \u201c{citation.quote}\u201d",
                    "  ",
                )
            )
    if reply.footer:
        lines += ["", reply.footer]
    lines.append("")
    if reply.as_of:
        lines.append(f"As of {reply.as_of.describe()}.")
    lines += [_wrap(f"Warning: {w}", "") for w in reply.warnings]
    if nav is not None and nav.buttons:
        lines.append(_buttons(nav))
    return "\n".join(lines)
