"""The support check: a claim may state only figures, dates, names and quoted phrases that
its own cited quotes contain, or that the editor declared in ``summaries/aliases.toml``.

Word-level and deterministic: facts come from :mod:`bot.content.facts`; a fact is
supported when
- a figure: the same normalised figure is in a quote (``two`` = ``2``, ``1.28 million``);
- a date: a quote's date says at least as much (``Feb. 26, 2026`` covers ``February 2026``
  and ``Thursday``), or a declared date whose words are in a quote does. A range (a week,
  a month) never supports a single day inside it;
- a name: the name (or, without its titles, the rest of it) is in a quote as whole words,
  or a declared alias of it is, or it names a cited source the claim attributes to;
- a quoted phrase: it is in a quote (in a translated claim, also: in an editor's rendering
  of one of its quotes).

Attributions hold too: where a claim names a source ("the Washington report says"), that
source must be one its quotes are from, and the facts of that clause (up to the next
semicolon or sentence end) must be carried by that source's quotes.

Claims in another language (``lang="es"``) are read with that language's rules: figures
and dates in its notation, its function words; the quotes stay English.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from bot.content.dates import format_day, format_month_year
from bot.content.declarations import Declarations
from bot.content.facts import (
    Fact,
    Kind,
    PartialDate,
    Phrases,
    clear_cache,
    contains_words,
    extract_facts,
    fold,
    strip_titles,
)
from bot.content.normalize import normalize
from bot.content.problems import Problem
from bot.content.sentences import clause_spans
from bot.content.sources import Source
from bot.content.summaries import Citation, Claim, Topic

ENGLISH = "en"
_QUOTE_MARKS = re.compile('["\u201c\u201d\u00ab\u00bb\u201e]')


class Reason(StrEnum):
    UNSUPPORTED = "unsupported"  # in none of the quotes, not declared
    NARROWED = "narrowed"  # a single day inside a range the quotes give
    WRONG_SOURCE = "wrong-source"  # in quotes, but not of the source the clause names
    UNCITED_SOURCE = "uncited-source"  # an attribution to a source no quote is from


@dataclass(frozen=True, slots=True)
class Gap:
    """One fact of a claim that its quotes do not carry."""

    fact: Fact
    where: str  # "label", "text", "correction" or, for a quote's rendering, "translation"
    reason: Reason = Reason.UNSUPPORTED
    detail: str = ""  # the range a narrowed date falls in; the sources an attribution names


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
    renderings: str  # editors' translations of the quotes, normalised, lower case


@dataclass(frozen=True, slots=True)
class Attributions:
    """Every way claims may name a source: outlet, byline, declared names."""

    pattern: re.Pattern[str]
    sources: Mapping[str, frozenset[str]]  # lower-case name -> the source ids it names

    def find(self, text: str) -> list[tuple[int, int, frozenset[str]]]:
        """Where ``text`` names a source, and which."""
        return [
            (m.start(), m.end(), self.sources[m.group()])
            for m in self.pattern.finditer(fold(text).lower())
        ]


@dataclass(frozen=True, slots=True)
class _Context:
    """What every claim of one check shares."""

    sources: Mapping[str, Source]
    declarations: Declarations
    known: frozenset[str]
    attributions: Attributions | None
    lang: str
    phrases: Phrases | None
    declared_in: str  # where a gap may be declared, as editors know the file


def check_support(
    sources: Mapping[str, Source],
    topics: Iterable[Topic],
    declarations: Declarations,
    *,
    lang: str = ENGLISH,
    phrases: Phrases | None = None,
    declared_in: str = "summaries/aliases.toml",
) -> SupportResult:
    """Hold every claim of ``topics`` (written in ``lang``) to its quotes."""
    topics = list(topics)
    context = _Context(
        sources,
        declarations,
        _known_names(topics, declarations, lang, phrases),
        attribution_pattern(sources, declarations),
        lang,
        phrases,
        declared_in,
    )
    problems = _unknown_sources(sources, declarations)
    facts = 0
    for topic in topics:
        for claim in topic.claims():
            checked, gaps = _claim_gaps(claim, context)
            facts += checked
            problems += [_problem(topic, claim, gap, declared_in) for gap in gaps]
    return SupportResult(tuple(problems), facts)


def check_renderings(
    sources: Mapping[str, Source],
    topics: Iterable[Topic],
    declarations: Declarations,
    *,
    lang: str,
    phrases: Phrases | None = None,
    declared_in: str = "summaries/aliases.toml",
) -> SupportResult:
    """Hold every translation of a quote (``~ es: "..."``) to its quote: it may carry no
    figure or date the quote does not (a mistyped "42.965" for "42,695", a weekday or a day
    the quote does not give). Figures and dates only: what it says in words is the editors'
    translation, labelled as such, and names are where the claims are checked.
    """
    problems: list[Problem] = []
    facts = 0
    for topic in topics:
        for claim in topic.claims():
            for citation in claim.citations:
                rendering = citation.rendering(lang)
                if rendering is None or citation.source_id not in sources:
                    continue
                evidence = _evidence((citation.quote,))
                # «» in a translation render the quote's own quotation marks: what they
                # hold is held to the quote like the rest.
                found = [
                    f
                    for f in extract_facts(
                        rendering.text, with_names=False, lang=lang, phrases=phrases
                    )
                    if f.kind is not Kind.QUOTE
                ]
                facts += len(found)
                for fact in found:
                    if _supported(fact, evidence, (), declarations):
                        continue
                    declared = _declared_dates(citation, declarations)
                    if declared and _supported(fact, evidence, declared, declarations):
                        continue
                    gap = Gap(fact, "translation")
                    if fact.kind is Kind.DATE and fact.date is not None:
                        inside = next(
                            (d for d in (*evidence.dates, *declared) if d.holds_day(fact.date)),
                            None,
                        )
                        if inside is not None:
                            gap = Gap(fact, "translation", Reason.NARROWED, describe_range(inside))
                    quote = Claim(rendering.text, None, (citation,), rendering.line)
                    problems.append(_problem(topic, quote, gap, declared_in))
    return SupportResult(tuple(problems), facts)


def translated_text_gaps(
    text: str,
    original: str,
    declarations: Declarations,
    *,
    lang: str,
    phrases: Phrases | None = None,
) -> tuple[int, list[Fact]]:
    """Facts checked in a translated text, and those the English it renders does not carry.

    For what a report states about itself (``summaries/<lang>/reports.toml``): every figure
    and date must be in the English, and words in "..." must be the English's own.
    """
    evidence = _evidence((original,))
    found = extract_facts(text, with_names=False, lang=lang, phrases=phrases)
    return len(found), [f for f in found if not _supported(f, evidence, (), declarations)]


def claim_gaps(
    claim: Claim,
    sources: Mapping[str, Source],
    declarations: Declarations,
    known: frozenset[str] = frozenset(),
    attributions: Attributions | None = None,
) -> tuple[int, list[Gap]]:
    """How many facts the (English) claim states, and those its quotes do not support."""
    context = _Context(
        sources, declarations, known, attributions, ENGLISH, None, "summaries/aliases.toml"
    )
    return _claim_gaps(claim, context)


def _claim_gaps(claim: Claim, context: _Context) -> tuple[int, list[Gap]]:
    quotes = [c for c in claim.citations if c.source_id in context.sources]
    if len(quotes) < len(claim.citations):
        return 0, []  # an unknown source is reported by verify; nothing to compare against
    # A translated claim's quoted phrases may be its quotes' renderings (only those).
    translated = context.lang != ENGLISH and bool(_QUOTE_MARKS.search(claim.text))
    everything = _evidence_of(quotes, translated=translated)
    dates_by_quote = {c: _declared_dates(c, context.declarations) for c in quotes}
    cited = {c.source_id for c in quotes}
    checked = 0
    gaps: list[Gap] = []
    # A correction line is shown to readers beside the claim: held to the same quotes.
    for where, text in (
        ("label", claim.label),
        ("text", claim.text),
        ("correction", claim.correction),
    ):
        if not text:
            continue
        mentions = context.attributions.find(text) if context.attributions else []
        scopes = _scopes(text, mentions) if mentions else []
        for start, end, named in mentions:
            if not named & cited:
                gaps.append(_attribution_gap(text, start, end, named, where))
        for fact in extract_facts(text, context.known, lang=context.lang, phrases=context.phrases):
            if fact.quoted:
                continue  # the quoted phrase as a whole is checked
            checked += 1
            if any(s <= fact.start and fact.end <= e for s, e, _ in mentions):
                continue  # the name of a source it attributes to (checked above)
            named = next((ids for s, e, ids in scopes if s <= fact.start < e), frozenset())
            gap = _gap(fact, where, quotes, everything, dates_by_quote, named, context, translated)
            if gap is not None:
                gaps.append(gap)
    return checked, gaps


def _gap(
    fact: Fact,
    where: str,
    quotes: list[Citation],
    everything: _Evidence,
    dates_by_quote: dict[Citation, tuple[PartialDate, ...]],
    named: frozenset[str],
    context: _Context,
    translated: bool,  # noqa: FBT001 - passed on as is
) -> Gap | None:
    """The gap ``fact`` leaves, if any: checked against the quotes of the sources its
    clause names (all quotes when it names none).
    """
    own = [c for c in quotes if c.source_id in named] if named else quotes
    evidence = _evidence_of(own, translated=translated) if named else everything
    declared = tuple(d for c in own for d in dates_by_quote[c])
    if _supported(fact, evidence, declared, context.declarations):
        return None
    if named and _supported(
        fact,
        everything,
        tuple(d for ds in dates_by_quote.values() for d in ds),
        context.declarations,
    ):
        return Gap(fact, where, Reason.WRONG_SOURCE, " or ".join(sorted(named)))
    if fact.kind is Kind.DATE and fact.date is not None:
        for date in (*evidence.dates, *declared):
            if date.holds_day(fact.date):
                return Gap(fact, where, Reason.NARROWED, describe_range(date))
    return Gap(fact, where)


def _supported(
    fact: Fact,
    evidence: _Evidence,
    declared_dates: tuple[PartialDate, ...],
    declarations: Declarations,
) -> bool:
    if fact.kind is Kind.QUOTE:
        return fact.norm in evidence.text or fact.norm in evidence.renderings
    if fact.kind is Kind.FIGURE:
        return fact.norm in evidence.figures
    if fact.kind is Kind.DATE:
        assert fact.date is not None
        return any(d.covers(fact.date) for d in (*evidence.dates, *declared_dates))
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


def _declared_dates(citation: Citation, declarations: Declarations) -> tuple[PartialDate, ...]:
    """The dates declared for words this quote holds, in its source."""
    return tuple(
        d
        for declaration in declarations.dates
        if declaration.applies_to(citation.source_id)
        and contains_words(_lower(citation.quote), declaration.words)
        for d in declaration.means
    )


def _evidence_of(quotes: list[Citation], *, translated: bool = False) -> _Evidence:
    """The quotes' evidence; with ``translated``, their renderings' words too (only quoted
    phrases are looked up there).
    """
    evidence = _evidence(tuple(c.quote for c in quotes))
    renderings = [r.text for c in quotes for r in c.renderings] if translated else []
    if not renderings:
        return evidence
    words = "\n".join(_lower(r) for r in renderings)
    return _Evidence(evidence.text, evidence.figures, evidence.dates, evidence.spaced, words)


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
    return _Evidence(text, frozenset(figures), tuple(found_dates), spaced, "")


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
) -> Attributions | None:
    """One pattern for every way claims may name a source: outlet, byline, declared names."""
    names: dict[str, set[str]] = {}
    for source in sources.values():
        for name in (source.meta.outlet, source.meta.byline):
            if name:
                names.setdefault(normalize(fold(name)).lower(), set()).add(source.id)
    for source_id, declared in declarations.source_names.items():
        for name in declared:
            names.setdefault(name, set()).add(source_id)
    if not names:
        return None
    pattern = re.compile(
        r"(?<!\w)(?:"
        + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        + r")(?!\w)"
    )
    return Attributions(pattern, {n: frozenset(ids) for n, ids in names.items()})


def _scopes(
    text: str, mentions: list[tuple[int, int, frozenset[str]]]
) -> list[tuple[int, int, frozenset[str]]]:
    r"""Each part of ``text`` that names sources, with the sources it names.

    A clause (up to a semicolon or a sentence end) is split at colons: what comes before a
    colon and names no source is the clause's subject ("Who asked: The Epoch Times says
    DHS"), attributed to no one; what follows a colon belongs to the source named before it
    ("in The Epoch Times: \"to identify ...\"").
    """
    scopes = []
    for start, end in clause_spans(text):
        named: frozenset[str] = frozenset()
        piece = start
        for colon in [*(m.start() for m in re.finditer(":", text[start:end])), end - start]:
            stop = start + colon
            here = frozenset().union(*(ids for s, _, ids in mentions if piece <= s < stop))
            named = here or named
            if named:
                scopes.append((piece, stop, named))
            piece = stop
    return scopes


def _attribution_gap(text: str, start: int, end: int, named: frozenset[str], where: str) -> Gap:
    words = text[start:end]
    return Gap(
        Fact(Kind.NAME, words, words.lower(), start, end),
        where,
        Reason.UNCITED_SOURCE,
        ", ".join(sorted(named)),
    )


def describe_range(date: PartialDate) -> str:
    """A range as a reader would write it: "the week of Feb. 22, 2026", "February 2026"."""
    start = date.as_date()
    if date.week and start is not None:
        return f"the week of {format_day(start)}"
    if date.year is not None and date.month is not None:
        return format_month_year(date.year, date.month)
    return str(date.year) if date.year is not None else date.norm


def _known_names(
    topics: list[Topic], declarations: Declarations, lang: str, phrases: Phrases | None
) -> frozenset[str]:
    """Single capitalised words used as names somewhere in the summaries (lower case), so
    "Romo wrote" at the start of a claim still counts as a name.
    """
    known: set[str] = set(declarations.aliases)
    for topic in topics:
        for claim in topic.claims():
            for text in (claim.label, claim.text, claim.correction):
                if text:
                    known.update(
                        f.norm
                        for f in extract_facts(text, lang=lang, phrases=phrases)
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


_KINDS = {
    Kind.FIGURE: "figure",
    Kind.DATE: "date",
    Kind.NAME: "name",
    Kind.QUOTE: "quoted phrase",
}


def _problem(topic: Topic, claim: Claim, gap: Gap, declared_in: str) -> Problem:
    where = {
        "label": " (in the label)",
        "translation": " (in the translation of a quote)",
        "correction": " (in the correction)",
    }.get(gap.where, "")
    line = claim.correction_line if gap.where == "correction" else claim.line
    words = f"{_KINDS[gap.fact.kind]} \u201c{gap.fact.text}\u201d{where}"
    if gap.fact.note is not None:  # words that could not be read as written
        return Problem(topic.file, line, f"{words} is {gap.fact.note}", _detail(claim, gap))
    message = {
        Reason.UNSUPPORTED: f"{words} is in none of the claim's quotes and not declared in "
        f"{declared_in}",
        Reason.NARROWED: f"{words} is a single day inside {gap.detail}, the range its quotes "
        "give: state the range, not a day in it",
        Reason.WRONG_SOURCE: f"{words} is attributed to {gap.detail}, but only quotes of "
        "another source carry it: attribute it to that source, or cite the one named",
        Reason.UNCITED_SOURCE: f"attribution \u201c{gap.fact.text}\u201d{where} names "
        f"{gap.detail}, which none of the claim's quotes is from: cite it, or name the "
        "source quoted",
    }[gap.reason]
    return Problem(topic.file, line, message, _detail(claim, gap))


def _detail(claim: Claim, gap: Gap) -> str:
    quotes = "\n".join(f'> {c.source_id}: "{c.quote}"' for c in claim.citations)
    if gap.where == "translation":
        return f"translation: {claim.text}\nits quote:\n{quotes}"
    if gap.where == "correction":
        return f"correction: {claim.correction}\nclaim: {claim.text}\nits quotes:\n{quotes}"
    return f"claim: {claim.text}\nits quotes:\n{quotes}"
