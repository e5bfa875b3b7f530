"""What a review holds: the claims compared, and what each sentence of the source says of them.

Plain data with its JSON form (``review --format json``); no comparison logic.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from bot.content.facts import Fact
from bot.content.summaries import Citation


class ReviewError(Exception):
    """The source cannot be reviewed (unknown id, unreadable metadata)."""


@dataclass(frozen=True, slots=True)
class ClaimRef:
    topic: str
    file: str
    line: int
    label: str | None
    text: str
    evidence: tuple[Citation, ...]  # quotes from sources other than the one reviewed
    own: tuple[Citation, ...] = ()  # quotes from the reviewed source: only to tell what is not new

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "file": self.file,
            "line": self.line,
            "label": self.label,
            "text": self.text,
        }


@dataclass(frozen=True)
class ClaimFacts:
    text_facts: tuple[Fact, ...]
    quotes: tuple[tuple[Citation, tuple[Fact, ...]], ...]  # the evidence, quote by quote
    evidence_name_keys: frozenset[str]  # every form the names in its quotes are known by
    own_facts: tuple[Fact, ...] = ()  # from its quotes of the reviewed source

    @cached_property
    def evidence_facts(self) -> tuple[Fact, ...]:
        return tuple(f for _, facts in self.quotes for f in facts)

    def all_facts(self) -> Iterable[Fact]:
        yield from self.text_facts
        yield from self.evidence_facts
        yield from self.own_facts


POSSIBLE = "possible contradiction"  # the verdict shown when the words differ, not the facts


@dataclass(frozen=True, slots=True)
class Corroboration:
    claim: ClaimRef
    shared: tuple[str, ...]
    quote_line: str
    claim_quote: str = ""  # the claim's quote that carries what is shared


_WHAT = {
    "party": "who",
    "figure": "figure",
    "date": "date",
    "name": "name",
    "title": "title",
    "purpose": "purpose",
    "finding": "finding",
    "tense": "tense",
}


@dataclass(frozen=True, slots=True)
class Contradiction:
    """What a sentence says against a claim's quote.

    In ``SentenceReview.contradicts`` the facts clash (the same figure tied to another
    party, another figure or date for the same thing); in ``SentenceReview.possible`` the
    words differ and may or may not mean the same (another form of a name, another title,
    a purpose or finding worded otherwise, a hedge, date words that cannot be compared):
    a possible contradiction, for the editor to judge, never asserted.
    """

    claim: ClaimRef
    kind: str  # party | figure | date | name | title | purpose | finding | tense
    here: str
    there: str
    claim_quote: str
    quote_line: str
    also: tuple[ClaimRef, ...] = ()  # other claims whose quotes say the same as claim_quote

    def describe(self) -> str:
        what = _WHAT.get(self.kind, self.kind)
        return f"{what}: {self.here!r} here, {self.there!r} in the claim's quote"

    def to_json(self) -> dict[str, Any]:
        return {
            "claim": self.claim.to_json(),
            "kind": self.kind,
            "here": self.here,
            "there": self.there,
            "claim_quote": self.claim_quote,
            "quote_line": self.quote_line,
            "also_claims": [c.to_json() for c in self.also],
        }


@dataclass(frozen=True, slots=True)
class NewFact:
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class RelativeDate:
    text: str
    resolved: str | None
    basis: str


@dataclass
class SentenceReview:
    line: int
    text: str
    corroborates: list[Corroboration] = field(default_factory=list)
    contradicts: list[Contradiction] = field(default_factory=list)
    new: list[NewFact] = field(default_factory=list)
    relative_dates: list[RelativeDate] = field(default_factory=list)
    possible: list[Contradiction] = field(default_factory=list)  # possible contradictions

    @property
    def empty(self) -> bool:
        return not (
            self.corroborates
            or self.contradicts
            or self.possible
            or self.new
            or self.relative_dates
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "text": self.text,
            "corroborates": [
                {
                    "claim": c.claim.to_json(),
                    "shared": list(c.shared),
                    "quote_line": c.quote_line,
                    "claim_quote": c.claim_quote,
                }
                for c in self.corroborates
            ],
            "contradicts": [c.to_json() for c in self.contradicts],
            "possible_contradictions": [
                {"verdict": POSSIBLE, **c.to_json()} for c in self.possible
            ],
            "new": [{"kind": n.kind, "text": n.text} for n in self.new],
            "relative_dates": [
                {"text": r.text, "resolved": r.resolved, "basis": r.basis}
                for r in self.relative_dates
            ],
        }


@dataclass
class Review:
    source_id: str
    label: str
    file: str
    report_date: date | None
    claims_compared: int
    topics_compared: int
    sentences: list[SentenceReview]

    def counts(self) -> dict[str, int]:
        return {
            "sentences": len(self.sentences),
            "corroborates": sum(len(s.corroborates) for s in self.sentences),
            "contradicts": sum(len(s.contradicts) for s in self.sentences),
            "possible_contradictions": sum(len(s.possible) for s in self.sentences),
            "new": sum(len(s.new) for s in self.sentences),
            "relative_dates": sum(len(s.relative_dates) for s in self.sentences),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "source": {
                "id": self.source_id,
                "label": self.label,
                "file": self.file,
                "date": self.report_date.isoformat() if self.report_date else None,
            },
            "compared": {"claims": self.claims_compared, "topics": self.topics_compared},
            "counts": self.counts(),
            "sentences": [s.to_json() for s in self.sentences],
        }
