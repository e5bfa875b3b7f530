"""What a recap says: status, key numbers, and what changed since the channel's last recap.

A snapshot of the content (sources and claims) is stored per channel after each recap;
the next recap compares against it. Claims are matched across edits by label when they
have one, else by their first citation, so an edited sentence reads as "changed" rather
than as one dropped and one added.

A recap in another language (a subscription's ``lang``) takes its points from the
translation; the snapshot stays the English one, so "what changed" is the same whatever the
language: the changed claims are shown as translated, and wording only the snapshot still
holds (an earlier version, a dropped claim) in English, said to be.
"""

from datetime import datetime
from typing import Any

from bot.content.dates import format_day
from bot.content.store import Content
from bot.content.summaries import Claim, Topic
from bot.content.translations import BEHIND_NOTE
from bot.core.freshness import as_of
from bot.core.reply import Item, Reply, ReplyBuilder
from bot.core.topic_reply import choose_topic, source_label, topic_reply
from bot.i18n.locales import DEFAULT
from bot.i18n.translator import Translator, translator
from bot.renderers import discord, slack

STATUS_CLAIMS = 5  # a recap is short: the first claims of /status
MAX_CHANGES = 8


def claim_key(topic: Topic, claim: Claim) -> str:
    if claim.label:
        return f"{topic.id}|{claim.label}"
    first = claim.citations[0]
    return f"{topic.id}|{first.source_id}|{first.quote}"


def snapshot(content: Content) -> dict[str, Any]:
    return {
        "sources": sorted(content.sources),
        "claims": {claim_key(t, c): c.text for t in content.topics.values() for c in t.claims()},
    }


def changes(
    before: dict[str, Any],
    now: dict[str, Any],
    content: Content,
    tr: Translator | None = None,
) -> list[str]:
    """What changed between two snapshots, as lines in ``tr``'s language."""
    tr = tr or translator(DEFAULT)
    lang = tr.lang
    translated = _translated_texts(content, lang)
    added = sorted(set(now["sources"]) - set(before.get("sources", [])))
    lines = [
        tr("New source: {source}.", source=source_label(content, source_id, lang))
        for source_id in added
    ]
    withdrawn = sorted(set(before.get("sources", [])) - set(now["sources"]))
    lines.extend(tr("Source withdrawn: {source}.", source=source_id) for source_id in withdrawn)
    old, new = before.get("claims", {}), now["claims"]
    for key in new:
        text = translated.get(key, new[key])
        if key not in old:
            lines.append(tr("Added: {text}", text=text))
        elif old[key] != new[key]:
            if lang == DEFAULT:
                lines.append(tr("Changed: {text} (was: {old})", text=text, old=old[key]))
            else:
                lines.append(
                    tr(
                        "Changed: {text} (the earlier wording, in English: \u201c{old}\u201d)",
                        text=text,
                        old=old[key],
                    )
                )
    dropped = [old[key] for key in old if key not in new]
    if lang == DEFAULT:
        lines += [tr("Dropped: {text}", text=text) for text in dropped]
    else:
        lines += [tr("Dropped (in English): \u201c{text}\u201d", text=text) for text in dropped]
    if len(lines) > MAX_CHANGES:
        more = len(lines) - MAX_CHANGES
        lines = [
            *lines[:MAX_CHANGES],
            tr.plural(
                "...and {count} more change; see /sources and the topic commands.",
                "...and {count} more changes; see /sources and the topic commands.",
                more,
            ),
        ]
    return lines


def _translated_texts(content: Content, lang: str) -> dict[str, str]:
    """Each English claim's snapshot key -> its text in ``lang``, where translated."""
    translation = content.translations.get(lang) if lang != DEFAULT else None
    if translation is None:
        return {}
    by_id = {c.id: c.text for t in translation.topics.values() for c in t.claims() if c.id}
    return {
        claim_key(topic, claim): by_id[claim.id]
        for topic in content.topics.values()
        for claim in topic.claims()
        if claim.id in by_id
    }


def _recap(
    content: Content,
    change_lines: list[str],
    when: datetime,
    status_count: int,
    numbers_count: int,
    lang: str = DEFAULT,
) -> Reply:
    tr = Translator(lang, content.catalogs)
    status_topic = choose_topic(content, "status", lang)
    numbers_topic = choose_topic(content, "numbers", lang)
    builder = ReplyBuilder(tr("Case recap, {date}", date=format_day(when.date(), locale=lang)))
    status = status_topic.topic.claims()[:status_count]
    topic_reply(
        content,
        status_topic.topic,
        keep=lambda c: any(c is k for k in status),
        builder=builder,
        lang=status_topic.lang,
    )
    numbers = [c for c in numbers_topic.topic.claims() if c.label][:numbers_count]
    topic_reply(
        content,
        numbers_topic.topic,
        keep=lambda c: any(c is k for k in numbers),
        builder=builder,
        lang=numbers_topic.lang,
    )
    builder.section(tr("What changed"), [Item(line) for line in change_lines])
    cited = sorted({c.source_id for c in builder.citations})
    shown = len(status) + len(numbers)
    wanted = min(STATUS_CLAIMS, len(status_topic.topic.claims())) + sum(
        1 for c in numbers_topic.topic.claims() if c.label
    )
    footer = tr("Recaps: /recap list shows this channel's schedule.")
    if shown < wanted:
        more = tr.plural(
            "{count} more point in /status and /numbers.",
            "{count} more points in /status and /numbers.",
            wanted - shown,
        )
        footer = f"{more} {footer}"
    behind = status_topic.behind or numbers_topic.behind
    return Reply(
        title=builder.title,
        sections=tuple(builder.sections),
        citations=tuple(builder.citations),
        as_of=as_of(content.sources[s] for s in cited),
        footer=footer,
        locale=lang,
        warnings=(tr(BEHIND_NOTE),) if behind else (),
    )


def compose(
    content: Content,
    told: tuple[datetime, dict[str, Any]] | None,
    when: datetime,
    lang: str = DEFAULT,
) -> tuple[Reply, dict[str, Any]]:
    """The recap for one channel in ``lang``, and the snapshot to remember once it is posted.

    A recap is one message, and every marker in it has its source listed beside it: when the
    brief has grown past one message, the last key numbers, then the last status points, are
    left for /status and /numbers (the footer says how many), never a citation alone.
    """
    tr = Translator(lang, content.catalogs)
    now = snapshot(content)
    if told is None:
        change_lines = [tr("First recap in this channel.")]
    else:
        since = format_day(told[0].date(), locale=lang)
        change_lines = changes(told[1], now, content, tr) or [
            tr("No change since {date}.", date=since)
        ]
    status_count = min(STATUS_CLAIMS, len(choose_topic(content, "status", lang).topic.claims()))
    numbers_count = sum(1 for c in choose_topic(content, "numbers", lang).topic.claims() if c.label)
    reply = _recap(content, change_lines, when, status_count, numbers_count, lang)
    while not fits_one_message(reply) and (numbers_count > 0 or status_count > 1):
        if numbers_count > 0:
            numbers_count -= 1
        else:
            status_count -= 1
        reply = _recap(content, change_lines, when, status_count, numbers_count, lang)
    return reply, now


def fits_one_message(reply: Reply) -> bool:
    """A recap goes to Slack or Discord as one message: it must render whole on both."""
    return slack.fits_whole(reply) and discord.fits_whole(reply)
