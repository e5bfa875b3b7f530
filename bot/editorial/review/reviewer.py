"""The reviewer: one source's sentences against the claims, fact by fact.

For every reporting sentence it lists the claims it corroborates (figures, dates and
names shared with the claim's cited quotes, with a quote line ready to paste), the claims
it contradicts (the same figure tied to a different party, the same subject with a
different figure or date, another form of a name), the figures, names and dates that no
claim has yet, and the relative dates that need the report's date to resolve.

Claims are compared with what their cited quotes say (the verified evidence), not with
the claim's own words; quotes from the reviewed source itself only tell what is not new.
Candidates come from the token index (``claim_index``); only they are read in full.
"""

from collections import Counter
from collections.abc import Iterable

from rapidfuzz import fuzz, process

from bot.content.facts import Fact, Kind, fold
from bot.content.sources import Source
from bot.content.summaries import Citation
from bot.editorial import matching as m
from bot.editorial.review.claim_index import ClaimIndex, extract_facts, fact_keys
from bot.editorial.review.model import (
    ClaimFacts,
    ClaimRef,
    Contradiction,
    Corroboration,
    NewFact,
    Review,
    SentenceReview,
)
from bot.editorial.review.quote_lines import quote_line
from bot.editorial.review.relative_dates import resolve

CANDIDATES_PER_SENTENCE = 12  # claims read in full per sentence, best-sharing first
CONFIRM_LIMIT = 200  # claims read at most to decide whether one fact is already known
SHOWN_CORROBORATIONS = 3
PARTY_WINDOW = 40  # characters between a figure and the name it is tied to
_WEIGHTS = {Kind.FIGURE: 3, Kind.DATE: 2}  # a shared figure says more than a shared name
SMALL_FIGURE = 100  # below this a figure must count the same thing to match
_SHARED_NAMES = 2  # names alone tie a sentence to a claim only when it shares this many
_SURNAME_ALIKE = 80  # rapidfuzz ratio from which two surnames are spelled alike
_HEDGE_ROUNDING = 0.1  # "more than 42,000" rounds 42,695 within this share
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
                        conflict = self._party_conflict(facts, fact, quote_facts, same[0], cf)
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
        if specific or (people and len(shared) >= _SHARED_NAMES):
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
        facts: list[Fact],
        fact: Fact,
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
        """Another figure for the same thing: same unit word, a shared name, not a hedged
        rounding.
        """
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
        if (
            not holders and len(key) >= m.SHORTEST_FUZZY_WORD
        ):  # another spelling: "Kollar-Kelly" for "Kollar-Kotelly"
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
        and fuzz.ratio(wa[-1], wb[-1]) >= _SURNAME_ALIKE
    )


def _same_count_of(text: str, fact: Fact, quote: str, other: Fact) -> bool:
    """A small number says little alone: "two orders" is not "two agencies"."""
    try:
        small = float(fact.norm.strip("$%")) < SMALL_FIGURE
    except ValueError:
        small = False
    return not small or m.figure_unit(fold(text), fact) == m.figure_unit(fold(quote), other)


def _hedged_close(text: str, fact: Fact, other: Fact) -> bool:
    """A hedged figure near another ("more than 42,000" against "42,695"): a rounding, not a
    different figure.
    """
    before = fold(text[: fact.start]).lower().rstrip()
    try:
        mine, theirs = float(fact.norm.strip("$%")), float(other.norm.strip("$%"))
    except ValueError:
        return False
    return (
        before.endswith(_HEDGES) and theirs > 0 and abs(mine - theirs) / theirs <= _HEDGE_ROUNDING
    )


def _unique(facts: Iterable[Fact]) -> list[Fact]:
    seen: set[tuple[str, str]] = set()
    out = []
    for fact in facts:
        if (fact.kind, fact.norm) not in seen:
            seen.add((fact.kind, fact.norm))
            out.append(fact)
    return out
