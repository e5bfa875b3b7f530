"""What a corrected post says: the recorded Reply with each corrected claim replaced and
noted, each withdrawn claim marked, and the reply posted in its thread (pure, no I/O).

A post keeps its language and form: the Reply it was posted with (bot/recaps/posts.py) is
rebuilt, item by item, only where a claim it stated (``Item.claim``) was corrected or
withdrawn. A corrected claim shows its new words, in the post's language when the brief is
translated (the translated claim with the same ``{#id}``), with its citations listed in the
same message, and a note under it: "Corrected Dec. 9, 2026: <the correction line>". A
withdrawn claim stays, marked "Withdrawn Dec. 9, 2026". Dates are the version's, written as
the language writes them (AP style in English: bot/content/dates.py).
"""

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.content.dates import format_day
from bot.content.store import Content
from bot.core.reply import Citation, Item, Reply, Section
from bot.core.topic_reply import source_label
from bot.i18n.catalogs import N_
from bot.i18n.locales import DEFAULT
from bot.i18n.translator import translator
from bot.updates.versions import ClaimSnapshot, VersionChanges

CORRECTED = N_("Corrected {date}: {correction}")
WITHDRAWN = N_("Withdrawn {date}")
THREAD_TITLE = N_("Correction")
THREAD_CORRECTED = N_("This message was corrected on {date}: {correction}")
THREAD_NOW = N_("It now says: {claim}")
THREAD_WITHDRAWN = N_("Withdrawn from the brief on {date}: {claim}")


@dataclass(frozen=True, slots=True)
class Fix:
    """What one version does to one claim a post may have shown."""

    kind: Literal["corrected", "withdrawn"]
    claim: ClaimSnapshot  # the claim now (corrected) or as it was (withdrawn)
    correction: str | None = None


def fixes_of(changes: VersionChanges) -> dict[str, Fix]:
    """The claims a version corrects or withdraws, by key (what posts recorded)."""
    fixes: dict[str, Fix] = {}
    for change in changes.corrections:
        assert change.after is not None  # a correction is a changed claim
        fix = Fix("corrected", change.after, change.correction)
        fixes[change.after.key] = fix
        if change.before is not None:  # an id given with the correction: the earlier key too
            fixes.setdefault(change.before.key, fix)
    for change in changes.withdrawn:
        assert change.before is not None
        fixes[change.before.key] = Fix("withdrawn", change.before)
    return fixes


def _claim_text(claim: ClaimSnapshot, content: Content | None, lang: str) -> str:
    """The claim's words in ``lang`` (the translated claim with its id), else English."""
    if content is not None and lang != DEFAULT and claim.explicit:
        translation = content.translations.get(lang)
        topic = translation.topic(claim.topic) if translation is not None else None
        for translated in topic.claims() if topic is not None else ():
            if translated.id == claim.key:
                return (
                    f"{translated.label}: {translated.text}"
                    if translated.label
                    else translated.text
                )
    return claim.text


class _Citations:
    """The reply's citations, extended with a corrected claim's new ones (same numbering)."""

    def __init__(self, citations: tuple[Citation, ...], content: Content | None, lang: str) -> None:
        self.citations = list(citations)
        self.content = content
        self.lang = lang

    def numbers(self, claim: ClaimSnapshot) -> tuple[int, ...]:
        found = []
        for source_id, quote in claim.citations:
            known = next(
                (c for c in self.citations if c.source_id == source_id and c.quote == quote), None
            )
            if known is None:
                label = (
                    source_label(self.content, source_id, self.lang)
                    if self.content is not None and source_id in self.content.sources
                    else source_id
                )
                known = Citation(len(self.citations) + 1, source_id, label, quote)
                self.citations.append(known)
            found.append(known.number)
        return tuple(found)


def _split(text: str, label: str | None) -> tuple[str | None, str]:
    """A labelled item keeps the form "label: text" (a claim snapshot holds them joined)."""
    if label is not None:
        head, sep, rest = text.partition(": ")
        if sep:
            return head, rest
    return label, text


def corrected_reply(
    reply: Reply, fixes: Mapping[str, Fix], day: date, content: Content | None = None
) -> Reply:
    """``reply`` as the post now shows it: corrected claims replaced and noted, withdrawn
    ones marked; everything else as it was.
    """
    lang = reply.lang
    tr = translator(lang)
    when = format_day(day, locale=lang)
    citations = _Citations(reply.citations, content, lang)
    sections = []
    for section in reply.sections:
        items: list[Item] = []
        for item in section.items:
            fix = fixes.get(item.key or "")
            if fix is None:
                items.append(item)
            elif fix.kind == "withdrawn":
                mark = tr(WITHDRAWN, date=when)
                marked = f"{item.label} ({mark})" if item.label else mark
                items.append(dataclasses.replace(item, label=marked))
            else:
                label, words = _split(_claim_text(fix.claim, content, lang), item.label)
                items.append(
                    dataclasses.replace(
                        item,
                        text=words,
                        label=label,
                        cites=citations.numbers(fix.claim),
                        correction=fix.correction,
                    )
                )
                note = tr(CORRECTED, date=when, correction=fix.correction or "")
                items.append(Item(note))
        sections.append(Section(section.heading, tuple(items)))
    return dataclasses.replace(
        reply, sections=tuple(sections), citations=tuple(citations.citations)
    )


def thread_reply(
    fixes: Mapping[str, Fix], day: date, lang: str, content: Content | None = None
) -> Reply:
    """The reply in the post's thread: what was corrected or withdrawn, cited."""
    tr = translator(lang)
    when = format_day(day, locale=lang)
    citations = _Citations((), content, lang)
    items: list[Item] = []
    seen: set[int] = set()
    for fix in fixes.values():
        if id(fix) in seen:  # one fix under two keys
            continue
        seen.add(id(fix))
        text = _claim_text(fix.claim, content, lang)
        if fix.kind == "corrected":
            items.append(Item(tr(THREAD_CORRECTED, date=when, correction=fix.correction or "")))
            items.append(Item(tr(THREAD_NOW, claim=text), cites=citations.numbers(fix.claim)))
        else:
            items.append(
                Item(
                    tr(THREAD_WITHDRAWN, date=when, claim=text), cites=citations.numbers(fix.claim)
                )
            )
    return Reply(
        title=tr(THREAD_TITLE),
        sections=(Section(None, tuple(items)),),
        citations=tuple(citations.citations),
        locale=lang,
    )
