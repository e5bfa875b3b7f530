"""/sources: each report's metadata, then the editors' notes on how they compare."""

from bot.commands.topics import answer_topic
from bot.content.dates import format_day
from bot.content.sources import Source
from bot.core.registry import CommandRequest, Context
from bot.core.reply import Item, Reply
from bot.core.topic_reply import source_label
from bot.i18n.locales import DEFAULT
from bot.i18n.translator import ENGLISH, Translator


def _sentence(text: str) -> str:
    """``text`` ending as a sentence ends: one full stop, even after a closing quote."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", '."', ".\u201d", ".\u00bb")) else f"{text}."


def describe(source: Source, tr: Translator = ENGLISH, context: Context | None = None) -> Item:
    """What the text states about itself, each part a sentence: outlet, byline, the date it
    shows (and what that date is, when the text does not call it the publication date); in
    ``tr``'s language, with the editors' translation of the notes (summaries/<lang>/).
    """
    meta = source.meta
    lang = tr.lang
    translation = context.content.translations.get(lang) if context and lang != DEFAULT else None
    report = translation.report(source.id) if translation is not None else None
    published_basis = report.published_basis if report else meta.published_basis
    not_before_basis = report.not_before_basis if report else meta.not_before_basis
    notes = report.notes if report else meta.notes
    not_stated = tr("not stated")
    parts = [
        tr("Outlet: {outlet}", outlet=meta.outlet or not_stated),
        tr("Byline: {byline}", byline=meta.byline or not_stated),
    ]
    if meta.published:
        parts.append(tr("Date: {date}", date=format_day(meta.published, locale=lang)))
        if published_basis:
            parts.append(published_basis)
    elif meta.not_before:
        parts.append(
            tr(
                "Date: not stated; not before {date}",
                date=format_day(meta.not_before, locale=lang),
            )
        )
        if not_before_basis:
            parts.append(not_before_basis)
    else:
        parts.append(tr("Date: not stated"))
    if meta.dateline:
        parts.append(tr("Dateline: {dateline}", dateline=meta.dateline))
    parts.append(tr("URL: {url}", url=meta.url or not_stated))
    parts.append(tr("File: {file}", file=f"seeds/{source.file.name}"))
    label = source_label(context.content, source.id, lang) if context else meta.label
    return Item(" ".join(_sentence(part) for part in [*parts, *notes]), label=label)


def handle_sources(_request: CommandRequest, context: Context) -> Reply:
    content = context.content
    tr = context.tr
    listing = [describe(source, tr, context) for source in content.sources.values()]
    heading = tr.plural(
        "The report behind every answer", "The {count} reports behind every answer", len(listing)
    )
    return answer_topic(context, "sources", lead=[(heading, listing)])
