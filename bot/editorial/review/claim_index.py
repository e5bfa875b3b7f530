"""Which claims hold which tokens, and each claim's facts, read once when first needed.

Fact extraction is the costly step of a review, so claims are found through this token
index first and only the best candidates are read in full.
"""

from functools import cached_property

from bot.content.dates import month_words
from bot.content.facts import Fact, Kind, fold
from bot.content.facts import extract_facts as _extract_facts
from bot.editorial import matching as m
from bot.editorial.review.model import ClaimFacts, ClaimRef


class ClaimIndex:
    """Claims by token, and their facts on first use.

    All claims are tokenised in one pass over their joined text (a separator token between
    claims), which is several times faster than tokenising 10,000 short texts one by one.
    """

    _SEPARATOR = "\x00"

    def __init__(self, claims: list[ClaimRef], names: m.Names) -> None:
        self.claims = claims
        self.names = names
        joined = self._SEPARATOR.join(
            c.text + " " + " ".join(q.quote for q in c.evidence + c.own) for c in claims
        )
        self._tokens: list[str] = m.tokens_with_separator(
            joined
        )  # typographic marks are never in a token
        self.own_only = frozenset(i for i, c in enumerate(claims) if not c.evidence)
        self._facts: dict[int, ClaimFacts] = {}
        self._postings: dict[str, list[int]] = {}

    def prepare(self, keys: set[str]) -> None:
        """Index the claims that hold any of ``keys`` (one pass over every token)."""
        wanted = keys - self._postings.keys()
        if not wanted:
            return
        postings: dict[str, list[int]] = {key: [] for key in wanted}
        claim, separator = 0, self._SEPARATOR
        for token in self._tokens:
            if token in postings:
                found = postings[token]
                if not found or found[-1] != claim:
                    found.append(claim)
            elif token == separator:
                claim += 1
        self._postings.update(postings)

    def with_token(self, key: str) -> list[int]:
        return self._postings.get(key, [])

    @cached_property
    def vocabulary(self) -> list[str]:
        return sorted(
            {t for t in set(self._tokens) if t.isalpha() and len(t) >= m.SHORTEST_FUZZY_WORD}
        )

    def facts(self, i: int) -> ClaimFacts:
        found = self._facts.get(i)
        if found is None:
            claim = self.claims[i]
            quotes = tuple((q, tuple(extract_facts(q.quote))) for q in claim.evidence)
            keys = frozenset(
                k
                for _, facts in quotes
                for f in facts
                if f.kind is Kind.NAME
                for k in self.names.keys(f)
            )
            own = tuple(f for q in claim.own for f in extract_facts(q.quote))
            found = ClaimFacts(tuple(extract_facts(claim.text)), quotes, keys, own)
            self._facts[i] = found
        return found


def extract_facts(text: str) -> list[Fact]:
    """Facts as the review compares them: "Immigration and Customs Enforcement" is one name."""
    return m.join_and_names(fold(text), _extract_facts(text))


def fact_keys(fact: Fact, names: m.Names) -> set[str]:
    """Tokens a claim must contain to possibly hold the same (or a conflicting) fact."""
    if fact.kind is Kind.FIGURE:
        found = m.tokens(fact.text)
        return {found[0]} if found else set()
    if fact.kind is Kind.NAME:
        keys = {m.surname(fact)} | {tokens[-1] for k in names.keys(fact) if (tokens := m.tokens(k))}
        return {k for k in keys if k}
    if fact.kind is Kind.DATE and fact.date is not None and fact.date.month is not None:
        return set(month_words(fact.date.month))
    return set()
