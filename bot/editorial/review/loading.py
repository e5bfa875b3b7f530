"""What ``review`` reads: the one source asked for, and the claims to compare it with.

Quotes are not verified here (`check` does that), and the other sources are not read:
claims carry the quotes they rest on.
"""

import tomllib
from pathlib import Path

from pydantic import ValidationError

from bot.content.declarations import load_declarations
from bot.content.sources import Source, SourceMeta, parse_source
from bot.content.summaries import Topic, load_topics
from bot.editorial import matching as m
from bot.editorial.review.model import ClaimRef, Review, ReviewError
from bot.editorial.review.reviewer import Reviewer


def review_source(seeds_dir: Path, summaries_dir: Path, wanted: str) -> Review:
    """Review one source (by id or file name) against the summaries."""
    source = load_one_source(seeds_dir, wanted)
    topics, _ = load_topics(summaries_dir)
    declarations, _ = load_declarations(
        summaries_dir
    )  # a broken aliases file is `check`'s to report
    return Reviewer(
        claim_refs(topics, source.id), m.Names(declarations.aliases), declarations.dates
    ).review(source, topics_compared=len(topics))


def claim_refs(topics: list[Topic], source_id: str) -> list[ClaimRef]:
    """Every claim, its quotes of ``source_id`` set apart from the evidence it is compared on."""
    return [
        ClaimRef(
            topic.id,
            topic.file.name,
            claim.line,
            claim.label,
            claim.text,
            tuple(c for c in claim.citations if c.source_id != source_id),
            tuple(c for c in claim.citations if c.source_id == source_id),
        )
        for topic in topics
        for claim in topic.claims()
    ]


def load_one_source(seeds_dir: Path, wanted: str) -> Source:
    """The source whose id (as cited) or file name is ``wanted``; only its .toml files are read."""
    metas: dict[Path, SourceMeta] = {}
    for meta_file in sorted(seeds_dir.glob("*.toml")) if seeds_dir.is_dir() else []:
        try:
            meta = SourceMeta.model_validate(tomllib.loads(meta_file.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, ValidationError, UnicodeDecodeError) as error:
            if meta_file.stem == wanted:
                msg = f"{meta_file}: does not load ({error}); run `python -m bot check`"
                raise ReviewError(msg) from None
            continue
        metas[meta_file] = meta
    match = next((f for f, meta in metas.items() if wanted in (meta.id, f.stem)), None)
    if match is None:
        known = ", ".join(sorted(meta.id for meta in metas.values())) or "none"
        msg = f"no source {wanted!r} in {seeds_dir} (sources: {known})"
        raise ReviewError(msg)
    text_file = match.with_suffix(".txt")
    try:
        text = text_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        msg = f"{text_file}: cannot be read as UTF-8 text ({error})"
        raise ReviewError(msg) from None
    return parse_source(text_file, text, metas[match])
