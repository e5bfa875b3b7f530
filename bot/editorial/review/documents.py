"""Reviewing a text that is not (yet) in ``seeds/``: a page the intake found.

The same review as ``review ID``, on a text in memory: its metadata drafted as ``source add``
drafts it (only what the text states), compared with every claim of the summaries.
"""

from pathlib import Path

from bot.content.declarations import load_declarations
from bot.content.sources import SourceMeta, parse_source
from bot.content.summaries import load_topics
from bot.editorial import matching as m
from bot.editorial.intake import label_for, state_fields
from bot.editorial.review.loading import claim_refs
from bot.editorial.review.model import Review
from bot.editorial.review.reviewer import Reviewer


def review_text(text: str, summaries_dir: Path, *, source_id: str) -> Review:
    """``text`` (an article's paragraphs, one per line) reviewed against the summaries."""
    stated = state_fields(text)
    values: dict[str, str] = {"id": source_id, "label": label_for(stated)}
    for s in stated:
        values[s.field] = s.value
        values[f"{s.field}_quote"] = s.quote
    meta = SourceMeta.model_validate(values)
    source = parse_source(Path(f"{source_id}.txt"), text, meta)
    topics, _ = load_topics(summaries_dir)
    declarations, _ = load_declarations(summaries_dir)
    return Reviewer(claim_refs(topics, source.id), m.Names(declarations.aliases)).review(
        source, topics_compared=len(topics)
    )
