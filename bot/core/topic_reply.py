"""A reply built from a prepared summary's claims, with their citations numbered.

Shared by the topic commands and the recaps (which must not import bot.commands). In a
language the brief is translated into, the claims come from the translation
(``summaries/<lang>/``) and each citation carries the editors' rendering of its quote; the
quotes themselves stay verbatim English.
"""

from collections.abc import Callable
from dataclasses import dataclass

from bot.content.store import Content
from bot.content.summaries import Claim, Topic
from bot.core.freshness import as_of
from bot.core.reply import Item, Reply, ReplyBuilder
from bot.i18n.catalogs import N_
from bot.i18n.locales import DEFAULT
from bot.i18n.translator import Translator

NOT_TRANSLATED = N_("This topic is not translated yet: here it is in English.")
# A claim's "! Correction:" line, shown after it to every reader (docs/editing.md).
CORRECTION_NOTE = N_("Correction: {correction}")


@dataclass(frozen=True, slots=True)
class Chosen:
    """The topic a reply in ``lang`` is built from."""

    topic: Topic
    lang: str  # the language its claims are written in
    behind: bool = False  # a translation the English was edited after

    @property
    def english_only(self) -> bool:
        return self.lang == DEFAULT


def choose_topic(content: Content, topic_id: str, lang: str = DEFAULT) -> Chosen:
    """The topic in ``lang`` when it is translated, else the English."""
    english = content.topics[topic_id]
    translation = content.translations.get(lang) if lang != DEFAULT else None
    translated = translation.topic(topic_id) if translation is not None else None
    if translation is None or translated is None:
        return Chosen(english, DEFAULT)
    return Chosen(translated, lang, topic_id in translation.behind)


def source_label(content: Content, source_id: str, lang: str = DEFAULT) -> str:
    """How replies in ``lang`` name a report (``summaries/<lang>/reports.toml``)."""
    translation = content.translations.get(lang) if lang != DEFAULT else None
    report = translation.report(source_id) if translation is not None else None
    return report.label if report is not None else content.sources[source_id].meta.label


def topic_reply(
    content: Content,
    topic: Topic,
    *,
    keep: Callable[[Claim], bool] = lambda _claim: True,
    title: str | None = None,
    lead: list[tuple[str | None, list[Item]]] | None = None,
    builder: ReplyBuilder | None = None,
    lang: str = DEFAULT,
) -> Reply:
    """Every claim of ``topic`` that ``keep`` accepts, with its citations numbered; in
    ``lang``, each citation with its quote's rendering in that language.
    """
    builder = builder or ReplyBuilder(title or topic.title)
    for heading, items in lead or []:
        builder.section(heading, items)
    cited_sources = set()
    for section in topic.sections:
        items = []
        for claim in section.claims:
            if not keep(claim):
                continue
            numbers = []
            for citation in claim.citations:
                source = content.sources[citation.source_id]
                cited_sources.add(source.id)
                rendering = citation.rendering(lang) if lang != DEFAULT else None
                numbers.append(
                    builder.cite(
                        source.id,
                        source_label(content, source.id, lang),
                        citation.quote,
                        rendering.text if rendering is not None else None,
                    )
                )
            text = claim.text
            if claim.correction is not None:
                note = Translator(lang, content.catalogs)(
                    CORRECTION_NOTE, correction=claim.correction
                )
                text = f"{text} ({note})"
            items.append(
                Item(text, claim.label, tuple(numbers), key=claim.id, correction=claim.correction)
            )
        builder.section(section.heading, items)
    return Reply(
        title=builder.title,
        sections=tuple(builder.sections),
        citations=tuple(builder.citations),
        as_of=as_of(content.sources[s] for s in sorted(cited_sources)),
    )
