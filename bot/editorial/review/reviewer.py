"""``review ID``: read one source against the summaries, sentence by sentence.

For every reporting sentence it lists the claims it corroborates (figures, dates and
names shared with the claim's cited quotes, with a quote line ready to paste), the claims
it contradicts (the same figure tied to a different party, the same subject with a
different figure or date, another form of a name), the figures, names and dates that no
claim has yet, and the relative dates that need the report's date to resolve.

Deterministic and word-level (``bot.content.facts``); an editor decides what to do.
Claims are compared with what their cited quotes say (the verified evidence), not with
the claim's own words; quotes from the reviewed source itself only tell what is not new. Fact
extraction is the costly step, so claims are found through a token index first and only
the best candidates are read in full.
"""

import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rapidfuzz import fuzz, process

from bot.content.declarations import load_declarations
from bot.content.facts import Fact, Kind, fold
from bot.content.facts import extract_facts as _extract_facts
from bot.content.sources import Source, SourceMeta, parse_source
from bot.content.summaries import Citation, load_topics
from bot.editorial import matching as m

CANDIDATES_PER_SENTENCE = 12  # claims read in full per sentence, best-sharing first
CONFIRM_LIMIT = 200  # claims read at most to decide whether one fact is already known
SHOWN_CORROBORATIONS = 3
PARTY_WINDOW = 40  # characters between a figure and the name it is tied to
QUOTE_CONTEXT_WORDS = 3
_WEIGHTS = {Kind.FIGURE: 3, Kind.DATE: 2}  # a shared figure says more than a shared name
SMALL_FIGURE = 100  # below this a figure must count the same thing to match
_MONTH_WORDS = {
    1: ("jan", "january"),
    2: ("feb", "february"),
    3: ("mar", "march"),
    4: ("apr", "april"),
    5: ("may",),
    6: ("jun", "june"),
    7: ("jul", "july"),
    8: ("aug", "august"),
    9: ("sep", "sept", "september"),
    10: ("oct", "october"),
    11: ("nov", "november"),
    12: ("dec", "december"),
}
_WORD = re.compile(r"\S+")
_HEDGES = (
    "more than",
    "over",
    "at least",
    "nearly",
    "almost",
    "about",
    "approximately",
    "some",
    "roughly",
)


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


@dataclass(frozen=True, slots=True)
class Corroboration:
    claim: ClaimRef
    shared: tuple[str, ...]
    quote_line: str


@dataclass(frozen=True, slots=True)
class Contradiction:
    claim: ClaimRef
    kind: str  # party | figure | date | name
    here: str
    there: str
    claim_quote: str
    quote_line: str

    def describe(self) -> str:
        what = {"party": "who", "figure": "figure", "date": "date", "name": "name"}[self.kind]
        return f"{what}: {self.here!r} here, {self.there!r} in the claim's quote"


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

    @property
    def empty(self) -> bool:
        return not (self.corroborates or self.contradicts or self.new or self.relative_dates)

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "text": self.text,
            "corroborates": [
                {"claim": c.claim.to_json(), "shared": list(c.shared), "quote_line": c.quote_line}
                for c in self.corroborates
            ],
            "contradicts": [
                {
                    "claim": c.claim.to_json(),
                    "kind": c.kind,
                    "here": c.here,
                    "there": c.there,
                    "claim_quote": c.claim_quote,
                    "quote_line": c.quote_line,
                }
                for c in self.contradicts
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


def review_source(seeds_dir: Path, summaries_dir: Path, wanted: str) -> Review:
    """Review one source against the summaries. Quotes are not verified here (`check` does
    that), and the other sources are not read: claims carry the quotes they rest on."""
    source = load_one_source(seeds_dir, wanted)
    topics, _ = load_topics(summaries_dir)
    claims = [
        ClaimRef(
            topic.id,
            topic.file.name,
            claim.line,
            claim.label,
            claim.text,
            tuple(c for c in claim.citations if c.source_id != source.id),
            tuple(c for c in claim.citations if c.source_id == source.id),
        )
        for topic in topics
        for claim in topic.claims()
    ]
    declarations, _ = load_declarations(
        summaries_dir
    )  # a broken aliases file is `check`'s to report
    return Reviewer(claims, m.Names(declarations.aliases)).review(
        source, topics_compared=len(topics)
    )


def load_one_source(seeds_dir: Path, wanted: str) -> Source:
    """The source whose id (as cited) or file name is ``wanted``; only its .toml files are read."""
    metas: dict[Path, SourceMeta] = {}
    for meta_file in sorted(seeds_dir.glob("*.toml")) if seeds_dir.is_dir() else []:
        try:
            meta = SourceMeta.model_validate(tomllib.loads(meta_file.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, ValidationError, UnicodeDecodeError) as error:
            if meta_file.stem == wanted:
                raise ReviewError(
                    f"{meta_file}: does not load ({error}); run `python -m bot check`"
                ) from None
            continue
        metas[meta_file] = meta
    match = next((f for f, meta in metas.items() if wanted in (meta.id, f.stem)), None)
    if match is None:
        known = ", ".join(sorted(meta.id for meta in metas.values())) or "none"
        raise ReviewError(f"no source {wanted!r} in {seeds_dir} (sources: {known})")
    text_file = match.with_suffix(".txt")
    try:
        text = text_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReviewError(f"{text_file}: cannot be read as UTF-8 text ({error})") from None
    return parse_source(text_file, text, metas[match])


class ClaimIndex:
    """Which claims contain which tokens, and each claim's facts, read once when first needed.

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
        return sorted({t for t in set(self._tokens) if t.isalpha() and len(t) >= 4})

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
        return set(_MONTH_WORDS[fact.date.month])
    return set()


class Reviewer:
    def __init__(self, claims: list[ClaimRef], names: m.Names | None = None) -> None:
        self.names = names or m.Names()
        self.index = ClaimIndex(claims, self.names)

    def review(self, source: Source, topics_compared: int) -> Review:
        sentences = [(s.line, s.text, extract_facts(s.text)) for s in source.reporting_sentences()]
        self.index.prepare(
            {k for _, _, facts in sentences for f in facts for k in fact_keys(f, self.names)}
        )
        reviews = [self._sentence(source, line, text, facts) for line, text, facts in sentences]
        return Review(
            source.id,
            source.meta.label,
            source.file.name,
            source.meta.published,
            sum(1 for c in self.index.claims if c.evidence),
            topics_compared,
            reviews,
        )

    # --- one sentence ---------------------------------------------------------------------

    def _sentence(self, source: Source, line: int, text: str, facts: list[Fact]) -> SentenceReview:
        out = SentenceReview(line, text)
        checked = [
            f
            for f in facts
            if f.kind in (Kind.FIGURE, Kind.NAME, Kind.DATE) and not m.needs_resolving(f)
        ]
        for i in self._candidates(checked):
            self._compare(source, text, checked, i, out)
        out.corroborates.sort(key=lambda c: -len(c.shared))
        del out.corroborates[SHOWN_CORROBORATIONS:]
        out.contradicts += self._name_variants(source, text, checked)
        contradicted = {c.here for c in out.contradicts}
        dateline = (source.meta.dateline or "").lower()
        out.new = [
            NewFact(f.kind.value, f.text)
            for f in _unique(checked)
            if f.text not in contradicted and f.norm != dateline and not self._known(f)
        ]
        out.relative_dates = [
            resolve(f, source) for f in _unique(f for f in facts if m.needs_resolving(f))
        ]
        return out

    def _candidates(self, facts: list[Fact]) -> list[int]:
        """Claims sharing the most fact tokens with the sentence, rare tokens first.

        A token most claims hold (an agency named everywhere) tells little and costs much,
        so it only ranks claims when no rarer token found any.
        """
        total = max(1, len(self.index.claims))
        weighted = [
            (_WEIGHTS.get(f.kind, 1), key) for f in facts for key in fact_keys(f, self.names)
        ]
        for rare in (True, False):
            score: Counter[int] = Counter()
            for weight, key in weighted:
                holders = self.index.with_token(key)
                if holders and (len(holders) * 4 <= total) is rare:
                    score.update(holders * weight)  # counted in C, not claim by claim
            for i in self.index.own_only & score.keys():
                del score[i]  # resting only on the reviewed source: nothing to compare with
            if score:
                return [
                    i for i, _ in score.most_common(CANDIDATES_PER_SENTENCE)
                ]  # ties: first seen
        return []

    def _compare(
        self, source: Source, text: str, facts: list[Fact], i: int, out: SentenceReview
    ) -> None:
        claim, cf = self.index.claims[i], self.index.facts(i)
        shared: list[Fact] = []
        for fact in facts:
            if fact.kind is Kind.FIGURE:
                for citation, quote_facts in cf.quotes:
                    same = [
                        g
                        for g in quote_facts
                        if g.kind is Kind.FIGURE
                        and g.norm == fact.norm
                        and _same_count_of(text, fact, citation.quote, g)
                    ]
                    if same:
                        conflict = self._party_conflict(
                            text, facts, fact, citation, quote_facts, same[0], cf
                        )
                        if conflict is not None:
                            out.contradicts.append(
                                Contradiction(
                                    claim,
                                    "party",
                                    conflict[0],
                                    conflict[1],
                                    citation.quote,
                                    quote_line(source.id, text, [fact, conflict[2]]),
                                )
                            )
                        else:
                            shared.append(fact)
                        break
                else:
                    self._figure_conflict(source, text, facts, fact, claim, cf, out)
            elif fact.kind is Kind.DATE and fact.date is not None:
                for citation, quote_facts in cf.quotes:
                    dated = [g for g in quote_facts if g.kind is Kind.DATE and g.date is not None]
                    if any(m.dates_agree(fact.date, g.date) for g in dated if g.date):
                        shared.append(fact)
                        break
                    clash = next(
                        (g for g in dated if g.date and m.dates_conflict(fact.date, g.date)), None
                    )
                    if clash is not None and self._same_subject(facts, quote_facts, min_names=2):
                        out.contradicts.append(
                            Contradiction(
                                claim,
                                "date",
                                fact.text,
                                clash.text,
                                citation.quote,
                                quote_line(source.id, text, [fact]),
                            )
                        )
                        break
            elif fact.kind is Kind.NAME and self.names.keys(fact) & cf.evidence_name_keys:
                shared.append(fact)
        self._between_conflict(source, text, facts, claim, cf, out)
        specific = [f for f in shared if f.kind is not Kind.NAME]
        people = [f for f in shared if f.kind is Kind.NAME and m.is_person_like(f)]
        if specific or (people and len(shared) >= 2):
            names = tuple(dict.fromkeys(f.text for f in shared))
            out.corroborates.append(
                Corroboration(claim, names, quote_line(source.id, text, shared))
            )

    def _between_conflict(
        self,
        source: Source,
        text: str,
        facts: list[Fact],
        claim: ClaimRef,
        cf: ClaimFacts,
        out: SentenceReview,
    ) -> None:
        """The same "agreement between" two parties, with other parties named."""
        for head, a, b in m.between_pairs(fold(text), facts):
            for citation, quote_facts in cf.quotes:
                for their_head, c, d in m.between_pairs(fold(citation.quote), list(quote_facts)):
                    if their_head != head:
                        continue
                    mine, theirs = (a, b), (c, d)
                    if all(any(self.names.same(x, y) for y in theirs) for x in mine):
                        continue  # the same two parties
                    here, there = f"{a.text} and {b.text}", f"{c.text} and {d.text}"
                    out.contradicts.append(
                        Contradiction(
                            claim,
                            "party",
                            here,
                            there,
                            citation.quote,
                            quote_line(source.id, text, [a, b]),
                        )
                    )
                    return

    def _party_conflict(
        self,
        text: str,
        facts: list[Fact],
        fact: Fact,
        citation: Citation,
        quote_facts: tuple[Fact, ...],
        theirs: Fact,
        cf: ClaimFacts,
    ) -> tuple[str, str, Fact] | None:
        """The same figure tied to a name the claim's quotes never mention."""
        mine = m.nearest_name(fact, facts, within=PARTY_WINDOW)
        other = m.nearest_name(theirs, quote_facts)
        if mine is None or other is None:
            return None
        if self.names.keys(mine) & cf.evidence_name_keys or set(mine.norm.split()) & set(
            other.norm.split()
        ):
            return None  # a name the claim has, or one sharing a word ("U.S. Court" in a cut quote)
        return mine.text, other.text, mine

    def _figure_conflict(
        self,
        source: Source,
        text: str,
        facts: list[Fact],
        fact: Fact,
        claim: ClaimRef,
        cf: ClaimFacts,
        out: SentenceReview,
    ) -> None:
        """Another figure for the same thing: same unit word, a shared name, not a hedged rounding."""
        unit = m.figure_unit(text, fact)
        if not unit:
            return
        for citation, quote_facts in cf.quotes:
            for g in quote_facts:
                if g.kind is not Kind.FIGURE or m.figure_unit(fold(citation.quote), g) != unit:
                    continue
                if not self._same_subject(facts, quote_facts, min_names=1) or _hedged_close(
                    text, fact, g
                ):
                    continue
                out.contradicts.append(
                    Contradiction(
                        claim,
                        "figure",
                        fact.text,
                        g.text,
                        citation.quote,
                        quote_line(source.id, text, [fact]),
                    )
                )
                return

    def _same_subject(
        self, facts: list[Fact], quote_facts: tuple[Fact, ...], min_names: int
    ) -> bool:
        mine = [f for f in facts if f.kind is Kind.NAME]
        theirs = [g for g in quote_facts if g.kind is Kind.NAME]
        shared = sum(1 for f in _unique(mine) if any(self.names.same(f, g) for g in theirs))
        return shared >= min_names

    def _name_variants(self, source: Source, text: str, facts: list[Fact]) -> list[Contradiction]:
        """A full name no claim has, where a claim quotes another full name ending alike."""
        found: list[Contradiction] = []
        for fact in _unique(f for f in facts if f.kind is Kind.NAME and m.is_person_like(f)):
            variant: tuple[int, Fact, Citation] | None = None
            for i in self._holders_of_surname(m.surname(fact))[:CONFIRM_LIMIT]:
                cf = self.index.facts(i)
                if any(g.kind is Kind.NAME and self.names.same(fact, g) for g in cf.all_facts()):
                    variant = None  # some claim already has this very name
                    break
                if variant is None:
                    variant = next(
                        (
                            (i, g, q)
                            for q, quote_facts in cf.quotes
                            for g in quote_facts
                            if g.kind is Kind.NAME and _spelled_alike(fact, g)
                        ),
                        None,
                    )
            if variant is not None:
                i, hit, quoted = variant
                found.append(
                    Contradiction(
                        self.index.claims[i],
                        "name",
                        fact.text,
                        hit.text,
                        quoted.quote,
                        quote_line(source.id, text, [fact]),
                    )
                )
        return found

    def _holders_of_surname(self, key: str) -> list[int]:
        holders = list(self.index.with_token(key))
        if not holders and len(key) >= 4:  # another spelling: "Kollar-Kelly" for "Kollar-Kotelly"
            similar = [
                word
                for word, _, _ in process.extract(
                    key, self.index.vocabulary, scorer=fuzz.ratio, score_cutoff=80, limit=3
                )
            ]
            self.index.prepare(set(similar))
            holders = sorted({i for word in similar for i in self.index.with_token(word)})
        return holders

    def _known(self, fact: Fact) -> bool:
        """Whether any claim (its words or its quotes) already has this fact."""
        holders: set[int] = set()
        for key in fact_keys(fact, self.names):
            holders.update(self.index.with_token(key))
        for i in sorted(holders)[:CONFIRM_LIMIT]:
            for other in self.index.facts(i).all_facts():
                if other.kind is not fact.kind:
                    continue
                if fact.kind is Kind.FIGURE and other.norm == fact.norm:
                    return True
                if fact.kind is Kind.NAME and self.names.same(fact, other):
                    return True
                if (
                    fact.kind is Kind.DATE
                    and fact.date
                    and other.date
                    and (fact.date.covers(other.date) or other.date.covers(fact.date))
                ):
                    return True
        return False


def _spelled_alike(a: Fact, b: Fact) -> bool:
    if m.variant_of(a, b):
        return True
    wa, wb = m.name_words(a), m.name_words(b)
    return (
        (m.is_person_like(b) or len(wb) == 1)
        and wa[-1] != wb[-1]
        and fuzz.ratio(wa[-1], wb[-1]) >= 80
    )


def _same_count_of(text: str, fact: Fact, quote: str, other: Fact) -> bool:
    """A small number says little alone: "two orders" is not "two agencies"."""
    try:
        small = float(fact.norm.strip("$%")) < SMALL_FIGURE
    except ValueError:
        small = False
    return not small or m.figure_unit(fold(text), fact) == m.figure_unit(fold(quote), other)


def _hedged_close(text: str, fact: Fact, other: Fact) -> bool:
    """ "more than 42,000" against "42,695": a rounding, not a different figure."""
    before = fold(text[: fact.start]).lower().rstrip()
    try:
        mine, theirs = float(fact.norm.strip("$%")), float(other.norm.strip("$%"))
    except ValueError:
        return False
    return before.endswith(_HEDGES) and theirs > 0 and abs(mine - theirs) / theirs <= 0.1


def _unique(facts: Iterable[Fact]) -> list[Fact]:
    seen: set[tuple[str, str]] = set()
    out = []
    for fact in facts:
        if (fact.kind, fact.norm) not in seen:
            seen.add((fact.kind, fact.norm))
            out.append(fact)
    return out


def quote_line(source_id: str, text: str, facts: list[Fact]) -> str:
    """A citation line quoting the sentence's words around ``facts``, verbatim."""
    if not facts:
        return f'> {source_id}: "{text}"'
    start, end = min(f.start for f in facts), max(f.end for f in facts)
    words = [(w.start(), w.end()) for w in _WORD.finditer(text)]
    first = next((k for k, (s, e) in enumerate(words) if e > start), 0)
    last = max((k for k, (s, e) in enumerate(words) if s < end), default=len(words) - 1)
    first, last = (
        max(0, first - QUOTE_CONTEXT_WORDS),
        min(len(words) - 1, last + QUOTE_CONTEXT_WORDS),
    )
    span = text[words[first][0] : words[last][1]].strip()
    return f'> {source_id}: "{span}"'


def resolve(fact: Fact, source: Source) -> RelativeDate:
    """A relative date against the report's stated date, with the basis shown."""
    value, basis_day = fact.date, source.meta.published
    if basis_day is None:
        why = "the report states no date; add `published` to its .toml (or resolve by hand and cite the basis)"
        if source.meta.not_before is not None:
            why += f"; it is not before {_day(source.meta.not_before)}"
        return RelativeDate(fact.text, None, why)
    basis = f"the report is dated {_day(basis_day)}"
    assert value is not None
    resolved: str | None = None
    relative = (value.relative or "").lower()
    if value.weekday is not None and value.month is None:
        back = (basis_day.weekday() - value.weekday) % 7
        resolved = _day(basis_day - timedelta(days=back))
        basis += f"; the {fact.text.rstrip('s').rstrip(chr(39))} on or before it"
    elif value.month is not None and value.year is None:
        strict = relative.startswith("last")
        year = (
            basis_day.year
            if (value.month < basis_day.month or (not strict and value.month == basis_day.month))
            else basis_day.year - 1
        )
        resolved = (
            _day(date(year, value.month, value.day))
            if value.day
            else f"{_MONTHS_LONG[value.month - 1]} {year}"
        )
        such = "day" if value.day else "month"
        basis += (
            f"; the latest such {such} not after it"
            if not strict
            else f"; the latest such {such} before it"
        )
    elif relative in ("this month", "earlier this month", "later this month"):
        resolved = f"{_MONTHS_LONG[basis_day.month - 1]} {basis_day.year}"
    elif relative in ("this week", "earlier this week", "later this week"):
        monday = basis_day - timedelta(days=basis_day.weekday())
        resolved = f"the week of {_day(monday)} (up to {_day(basis_day)})"
    elif relative in ("last week",):
        monday = basis_day - timedelta(days=basis_day.weekday() + 7)
        resolved = f"the week of {_day(monday)}"
    elif relative in ("this year",):
        resolved = str(basis_day.year)
    elif relative in ("last year",):
        resolved = str(basis_day.year - 1)
    elif relative in ("yesterday", "today"):
        resolved = _day(basis_day - timedelta(days=1 if relative == "yesterday" else 0))
    if resolved is None:
        basis += "; resolve by hand"
    return RelativeDate(fact.text, resolved, basis)


_MONTHS_LONG = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTHS_SHORT = (
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
)


def _day(day: date) -> str:
    return f"{_MONTHS_SHORT[day.month - 1]} {day.day}, {day.year}"
