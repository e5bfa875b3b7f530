"""Plain-text rendering for the terminal (``ask`` and the console).

Terminals have no markup, but they do obey control characters (ANSI escapes could clear
the screen or retitle the window) and direction overrides: both are neutralised.
"""

import textwrap

from bot.core.reply import Item, Reply, ReplyKind
from bot.i18n.translator import Translator
from bot.renderers import labels
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


def _buttons(nav: Nav, tr: Translator) -> str:
    shown = [
        f"[{b.label}: {b.url}]" if b.url else f"[{b.label}]" for b in nav.buttons if not b.disabled
    ]
    return tr("Buttons: {buttons}", buttons=" ".join(shown))


def _render(reply: Reply, nav: Nav | None = None) -> str:
    tr = labels.words(reply)
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
        lines += ["", tr(labels.SOURCES)]
        for citation in reply.citations:
            lines.append(
                _wrap(
                    f"[{citation.number}] {citation.source_label}: \u201c{citation.quote}\u201d",
                    "  ",
                )
            )
            translated = labels.translation(citation, tr)
            if translated:
                lines.append(_wrap(translated, "      "))
    if reply.footer:
        lines += ["", reply.footer]
    lines.append("")
    as_of = labels.as_of(reply, tr)
    if as_of:
        lines.append(f"{as_of}.")
    lines += [_wrap(tr("Warning: {warning}", warning=w), "") for w in reply.warnings]
    if reply.english:
        lines.append(_wrap(tr(labels.ENGLISH_VERSION, where=reply.english), ""))
    if nav is not None and nav.buttons:
        lines.append(_buttons(nav, tr))
    return "\n".join(lines)
