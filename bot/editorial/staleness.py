"""The warning `check` prints when even the newest source is old."""

from datetime import date

from bot.content.store import Content


def stale_warning(content: Content, today: date, max_age_days: int) -> str | None:
    """Name the newest source(s) and the topics resting on them when older than allowed."""
    newest = content.newest_date()
    if newest is None or (today - newest).days <= max_age_days:
        return None
    ids = sorted(s.id for s in content.sources.values() if s.date == newest)
    topics = sorted(
        topic.id
        for topic in content.topics.values()
        if any(c.source_id in ids for claim in topic.claims() for c in claim.citations)
    )
    resting = ", ".join(topics) if topics else "none"
    return (
        f"warning: the newest source ({', '.join(ids)}, {newest.isoformat()}) is "
        f"{(today - newest).days} days old "
        f"(STALE_AFTER_DAYS={max_age_days}); topics resting on it: {resting}. "
        "Add newer reporting with `python -m bot source add FILE`."
    )
