"""What an update post says: what changed in the brief since the version a channel was told of.

One post per (subscription, version): the changes from the version the channel was last told
of (or subscribed at) to the version announced, which may be several versions later when
edits came in a burst. Corrections come first, labelled "Correction" with the editors' line
saying what was wrong; then changed claims (with their earlier wording), added claims,
withdrawn claims and new sources. Every claim is cited, each citation's source and quote
listed in the same message, with "as of" and, when PUBLIC_URL is set, a link to the page
of every change (``/changes``).

A post in another language (a subscription's ``lang``) takes each claim from the
translation that carries its id (Spanish claims share their English claim's id), with its
correction line in that language when the translation has one; wording only the English
has (a claim not translated, an earlier wording, a withdrawn claim) is shown in English
and said to be.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from bot.content.dates import format_day
from bot.content.store import Content
from bot.content.summaries import Claim
from bot.core.reply import AsOf, Item, Reply, ReplyBuilder
from bot.core.topic_reply import source_label
from bot.i18n.locales import DEFAULT
from bot.i18n.translator import Translator
from bot.recaps.compose import fits_one_message
from bot.updates.versions import ClaimChange, ClaimSnapshot, ContentVersion, changes_between

CHANGES_PAGE = "changes"  # the web page of every version and what it changed (PUBLIC_URL/changes)


@dataclass(frozen=True, slots=True)
class Told:
    """One change as an update post tells it: the change, and the correction it declares."""

    change: ClaimChange
    correction: str | None = None


@dataclass(frozen=True, slots=True)
class Update:
    """What one update post announces: ``version`` against the version numbered ``since``."""

    since: int
    version: ContentVersion
    told: tuple[Told, ...]  # corrections first, then changed, added, withdrawn
    sources_added: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.told and not self.sources_added


def span(versions: Sequence[ContentVersion], since: int, number: int) -> Update:
    """The update from version ``since`` to version ``number``, out of ``versions`` (which
    hold both and every version between). The claims are compared once, end to end, so a
    claim edited twice in a burst is one change and one added then withdrawn is none; a
    correction declared by any version in between stays with its claim.
    """
    inside = [v for v in versions if since <= v.number <= number]
    old = next((v for v in inside if v.number == since), None)
    new = next(v for v in inside if v.number == number)
    declared: dict[str, str] = {}
    for before, after in pairwise(inside):
        for change in changes_between(before, after).corrections:
            if change.correction is not None:
                declared[change.key] = change.correction
    direct = changes_between(old, new)
    told = [
        Told(c, c.correction or (declared.get(c.key) if c.kind == "changed" else None))
        for c in direct.changes
    ]
    told.sort(key=lambda t: t.correction is None)  # stable: corrections first, order kept
    return Update(since, new, tuple(told), direct.sources_added)


def changes_url(public_url: str | None, lang: str) -> str | None:
    """The page of every change, in ``lang``, under PUBLIC_URL (None without it)."""
    if not public_url:
        return None
    folder = "" if lang == DEFAULT else f"{lang}/"  # as the web pages are laid out (bot/web)
    return f"{public_url.rstrip('/')}/{folder}{CHANGES_PAGE}"


def compose_update(
    update: Update, content: Content, lang: str = DEFAULT, *, public_url: str | None = None
) -> Reply:
    """The update post in ``lang``: as many changes as fit one message on Slack and Discord,
    the rest counted in a last line pointing to where they all are.
    """
    shown = len(update.told) + len(update.sources_added)
    reply = _reply(update, content, lang, public_url, shown)
    while not fits_one_message(reply) and shown > 1:
        shown -= 1
        reply = _reply(update, content, lang, public_url, shown)
    return reply


def _reply(
    update: Update, content: Content, lang: str, public_url: str | None, shown: int
) -> Reply:
    tr = Translator(lang, content.catalogs)
    translated = _translated(content, lang)
    day = format_day(update.version.recorded_at.date(), locale=lang)
    builder = ReplyBuilder(tr("The brief changed: {date}", date=day))
    items = [_item(told, translated, content, lang, tr, builder) for told in update.told[:shown]]
    for source_id in update.sources_added[: max(0, shown - len(update.told))]:
        label = (
            source_label(content, source_id, lang) if source_id in content.sources else source_id
        )
        items.append(Item(label, tr("New source")))
    left = len(update.told) + len(update.sources_added) - shown
    url = changes_url(public_url, lang)
    if left:
        items.append(
            Item(
                tr.plural(
                    "...and {count} more change: see {where}.",
                    "...and {count} more changes: see {where}.",
                    left,
                    where=url or "/sources",
                )
            )
        )
    builder.section(tr("What changed"), items)
    footer = tr("Every change, with its date: {url}", url=url) if url else None
    recaps = tr("Update posts: /recap list shows this channel's subscriptions.")
    return Reply(
        title=builder.title,
        sections=tuple(builder.sections),
        citations=tuple(builder.citations),
        as_of=AsOf(update.version.as_of),
        footer=f"{footer} {recaps}" if footer else recaps,
        locale=lang,
        url=url,
    )


def _item(
    told: Told,
    translated: Mapping[str, Claim],
    content: Content,
    lang: str,
    tr: Translator,
    builder: ReplyBuilder,
) -> Item:
    change = told.change
    claim = change.claim
    key = change.key  # the claim this line shows: posts record it (corrections in place)
    own = translated.get(claim.key) if change.kind != "withdrawn" else None
    text = _text(own) if own is not None else claim.text
    in_english = lang != DEFAULT and own is None
    cites = _cite(own, claim, content, lang, builder)
    if told.correction is not None:
        correction = own.correction if own is not None and own.correction else told.correction
        english_line = lang != DEFAULT and not (own is not None and own.correction)
        if english_line:
            body = tr(
                "{text} What was wrong (in English): {correction}",
                text=text,
                correction=correction,
            )
        else:
            body = tr("{text} What was wrong: {correction}", text=text, correction=correction)
        return Item(
            _english_note(body, tr) if in_english else body,
            tr("Correction"),
            cites,
            key=key,
            correction=correction,
        )
    if change.kind == "changed":
        assert change.before is not None
        old = change.before.text
        if lang == DEFAULT:
            body = tr("{text} (was: {old})", text=text, old=old)
        else:
            body = tr(
                "{text} (the earlier wording, in English: \u201c{old}\u201d)", text=text, old=old
            )
        return Item(_english_note(body, tr) if in_english else body, tr("Changed"), cites, key=key)
    if change.kind == "added":
        return Item(_english_note(text, tr) if in_english else text, tr("Added"), cites, key=key)
    withdrawn = _english_note(text, tr) if lang != DEFAULT else text
    return Item(withdrawn, tr("Withdrawn"), cites, key=key)


def _english_note(text: str, tr: Translator) -> str:
    return tr("(in English) {text}", text=text)


def _text(claim: Claim) -> str:
    return f"{claim.label}: {claim.text}" if claim.label else claim.text


def _cite(
    own: Claim | None,
    claim: ClaimSnapshot,
    content: Content,
    lang: str,
    builder: ReplyBuilder,
) -> tuple[int, ...]:
    """Each citation of the claim as shown, numbered in the post; a translated claim's with
    the editors' rendering of its quote.
    """
    numbers = []
    if own is not None:
        for citation in own.citations:
            rendering = citation.rendering(lang)
            numbers.append(
                builder.cite(
                    citation.source_id,
                    _label(content, citation.source_id, lang),
                    citation.quote,
                    rendering.text if rendering is not None else None,
                )
            )
        return tuple(numbers)
    for source_id, quote in claim.citations:
        numbers.append(builder.cite(source_id, _label(content, source_id, lang), quote))
    return tuple(numbers)


def _label(content: Content, source_id: str, lang: str) -> str:
    """How the post names a report; a report no longer in the brief by its id."""
    return source_label(content, source_id, lang) if source_id in content.sources else source_id


def _translated(content: Content, lang: str) -> dict[str, Claim]:
    """Each translated claim of ``lang`` by its id (the id of the English claim it renders)."""
    translation = content.translations.get(lang) if lang != DEFAULT else None
    if translation is None:
        return {}
    return {c.id: c for t in translation.topics.values() for c in t.claims() if c.id}
