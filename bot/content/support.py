"""The support check: a claim may state only figures, dates, names and quoted phrases that
its own cited quotes contain, or that the editor declared in ``summaries/aliases.toml``.

Word-level and deterministic: facts come from :mod:`bot.content.facts`; a fact is
supported when
- a figure: the same normalised figure is in a quote (``two`` = ``2``, ``1.28 million``);
- a date: a quote's date says at least as much (``Feb. 26, 2026`` covers ``February 2026``
  and ``Thursday``), or a declared date whose words are in a quote does;
- a name: the name (or, without its titles, the rest of it) is in a quote as whole words,
  or a declared alias of it is, or it names a cited source the claim attributes to;
- a quoted phrase: it is in a quote.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from bot.content.declarations import Declarations
from bot.content.facts import (
    Fact,
    Kind,
    PartialDate,
    clear_cache,
    contains_words,
    extract_facts,
    fold,
    strip_titles,
)
from bot.content.normalize import normalize
from bot.content.problems import Problem
from bot.content.sources import Source
from bot.content.summaries import Claim, Topic


@dataclass(frozen=True, slots=True)
class Gap:
    """One fact of a claim that its quotes do not carry."""

    fact: Fact
    where: str  # "label" or "text"


@dataclass(frozen=True, slots=True)
class SupportResult:
    problems: tuple[Problem, ...]
    facts: int  # facts checked across all claims


@dataclass(frozen=True, slots=True)
class _Evidence:
    """What a claim's quotes hold, ready to compare."""

    text: str  # normalised, lower case, one quote per line
    figures: frozenset[str]
    dates: tuple[PartialDate, ...]
    spaced: str  # ``text`` with word-joining hyphens as spaces


def check_support(
    sources: Mapping[str, Source],
    topics: Iterable[Topic],
    declarations: Declarations,
) -> SupportResult:
    topics = list(topics)
    known = _known_names(topics, declarations)
    # Naming a report is not a fact of the case: a claim may name any loaded source.
    attributions = attribution_pattern(sources, declarations)
    problems = _unknown_sources(sources, declarations)
    facts = 0
    for topic in topics:
        for claim in topic.claims():
            checked, gaps = claim_gaps(claim, sources, declarations, known, attributions)
            facts += checked
            problems += [_problem(topic, claim, gap) for gap in gaps]
    return SupportResult(tuple(problems), facts)


def claim_gaps(
    claim: Claim,
    sources: Mapping[str, Source],
    declarations: Declarations,
    known: frozenset[str] = frozenset(),
    attributions: re.Pattern[str] | None = None,
) -> tuple[int, list[Gap]]:
    """How many facts the claim states, and those its quotes do not support."""
    quotes = [c for c in claim.citations if c.source_id in sources]
    if len(quotes) < len(claim.citations):
        return 0, []  # an unknown source is reported by verify; nothing to compare against
    evidence = _evidence(tuple(c.quote for c in quotes))
    declared_dates = tuple(
        d
        for declaration in declarations.dates
        if any(
            declaration.applies_to(c.source_id)
            and contains_words(_lower(c.quote), declaration.words)
            for c in quotes
        )
        for d in declaration.means
    )
    checked = 0
    gaps: list[Gap] = []
    for where, text in (("label", claim.label), ("text", claim.text)):
        if not text:
            continue
        spans = _spans_of(text, attributions)
        for fact in extract_facts(text, known):
            if fact.quoted:
                continue  # the quoted phrase as a whole is checked
            checked += 1
            if not _supported(fact, evidence, declared_dates, declarations, spans):
                gaps.append(Gap(fact, where))
    return checked, gaps


def _supported(
    fact: Fact,
    evidence: _Evidence,
    declared_dates: tuple[PartialDate, ...],
    declarations: Declarations,
    attribution_spans: list[tuple[int, int]],
) -> bool:
    if fact.kind is Kind.QUOTE:
        return fact.norm in evidence.text
    if fact.kind is Kind.FIGURE:
        return fact.norm in evidence.figures
    if fact.kind is Kind.DATE:
        assert fact.date is not None
        return any(d.covers(fact.date) for d in (*evidence.dates, *declared_dates))
    if any(s <= fact.start and fact.end <= e for s, e in attribution_spans):
        return True
    bare = strip_titles(fact.norm)
    for name in {fact.norm, bare}:
        if _name_in(name, evidence):
            return True
        if any(_name_in(alias, evidence) for alias in declarations.same_as(name)):
            return True
    return False


def _name_in(name: str, evidence: _Evidence) -> bool:
    return contains_words(evidence.text, name) or (
        "-" not in name and contains_words(evidence.spaced, name)
    )


@lru_cache(maxsize=65536)
def _evidence(quotes: tuple[str, ...]) -> _Evidence:
    figures: set[str] = set()
    found_dates: list[PartialDate] = []
    for quote in quotes:
        # Names are looked up in the quotes' text instead: faster, and it also finds a name
        # at the start of a quote.
        for fact in extract_facts(quote, with_names=False):
            if fact.kind is Kind.FIGURE:
                figures.add(fact.norm)
            elif fact.kind is Kind.DATE and fact.date is not None:
                found_dates.append(fact.date)
                if fact.date.relative is not None:  # "last April" still says April
                    found_dates.append(
                        PartialDate(month=fact.date.month, weekday=fact.date.weekday)
                    )
    text = "\n".join(_lower(q) for q in quotes)
    # "IRS-ICE agreement" names ICE: hyphens between words count as spaces too.
    spaced = re.sub(r"(?<=\w)-(?=\w)", " ", text)
    return _Evidence(text, frozenset(figures), tuple(found_dates), spaced)


@lru_cache(maxsize=65536)
def _lower(text: str) -> str:
    return normalize(fold(text)).lower()


def clear_support_caches() -> None:
    """Forget cached extractions (benchmarks measure a cold check)."""
    _evidence.cache_clear()
    _lower.cache_clear()
    clear_cache()


def attribution_pattern(
    sources: Mapping[str, Source], declarations: Declarations
) -> re.Pattern[str] | None:
    """One pattern for every way claims may name a source: outlet, byline, declared names."""
    names: set[str] = set()
    for source in sources.values():
        names.update(n.lower() for n in (source.meta.outlet, source.meta.byline) if n)
    for declared in declarations.source_names.values():
        names.update(declared)
    if not names:
        return None
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)))


def _spans_of(text: str, pattern: re.Pattern[str] | None) -> list[tuple[int, int]]:
    """Where the claim names a source ("The Epoch Times says")."""
    if pattern is None:
        return []
    return [m.span() for m in pattern.finditer(fold(text).lower())]


def _known_names(topics: list[Topic], declarations: Declarations) -> frozenset[str]:
    """Single capitalised words used as names somewhere in the summaries (lower case), so
    "Romo wrote" at the start of a claim still counts as a name.
    """
    known: set[str] = set(declarations.aliases)
    for topic in topics:
        for claim in topic.claims():
            for text in (claim.label, claim.text):
                if text:
                    known.update(
                        f.norm
                        for f in extract_facts(text)
                        if f.kind is Kind.NAME and " " not in f.norm
                    )
    return frozenset(known)


def _unknown_sources(sources: Mapping[str, Source], declarations: Declarations) -> list[Problem]:
    named = set(declarations.source_names).union(*(d.sources for d in declarations.dates))
    if declarations.file is None:
        return []
    return [
        Problem(
            declarations.file, None, f"unknown source {source_id!r} (known: {', '.join(sources)})"
        )
        for source_id in sorted(named - set(sources))
    ]


def _problem(topic: Topic, claim: Claim, gap: Gap) -> Problem:
    kind = {
        Kind.FIGURE: "figure",
        Kind.DATE: "date",
        Kind.NAME: "name",
        Kind.QUOTE: "quoted phrase",
    }
    where = " (in the label)" if gap.where == "label" else ""
    quotes = "\n".join(f'> {c.source_id}: "{c.quote}"' for c in claim.citations)
    return Problem(
        topic.file,
        claim.line,
        f"{kind[gap.fact.kind]} \u201c{gap.fact.text}\u201d{where} is in none of the claim's "
        f"quotes "
        f"and not declared in summaries/aliases.toml",
        f"claim: {claim.text}\nits quotes:\n{quotes}",
    )
