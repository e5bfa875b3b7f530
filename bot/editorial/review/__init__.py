"""``review ID``: read one source against the summaries, sentence by sentence.

Deterministic and word-level (``bot.content.facts``); an editor decides what to do.

- ``loading``: the source asked for and the claims to compare (``review_source`` runs it all);
- ``model``: the review's data and its JSON form;
- ``claim_index``: which claims hold which tokens, and their facts on first use;
- ``reviewer``: corroborations, contradictions and new facts, sentence by sentence;
- ``wording``: titles, purposes, findings and tenses that may differ (possible contradictions);
- ``quote_lines``: the citation line to paste; ``relative_dates``: "Thursday" resolved as
  the summaries resolve it.

The names below are the package's public face: import them from ``bot.editorial.review``.
"""

from bot.editorial.review.claim_index import ClaimIndex, extract_facts, fact_keys
from bot.editorial.review.loading import claim_refs, load_one_source, review_source
from bot.editorial.review.model import (
    POSSIBLE,
    ClaimFacts,
    ClaimRef,
    Contradiction,
    Corroboration,
    NewFact,
    RelativeDate,
    Review,
    ReviewError,
    SentenceReview,
)
from bot.editorial.review.quote_lines import QUOTE_CONTEXT_WORDS, quote_line
from bot.editorial.review.relative_dates import resolve
from bot.editorial.review.reviewer import (
    CANDIDATES_PER_SENTENCE,
    CONFIRM_LIMIT,
    PARTY_WINDOW,
    SHOWN_CORROBORATIONS,
    SMALL_FIGURE,
    Reviewer,
)

__all__ = [
    "CANDIDATES_PER_SENTENCE",
    "CONFIRM_LIMIT",
    "PARTY_WINDOW",
    "POSSIBLE",
    "QUOTE_CONTEXT_WORDS",
    "SHOWN_CORROBORATIONS",
    "SMALL_FIGURE",
    "ClaimFacts",
    "ClaimIndex",
    "ClaimRef",
    "Contradiction",
    "Corroboration",
    "NewFact",
    "RelativeDate",
    "Review",
    "ReviewError",
    "Reviewer",
    "SentenceReview",
    "claim_refs",
    "extract_facts",
    "fact_keys",
    "load_one_source",
    "quote_line",
    "resolve",
    "review_source",
]
