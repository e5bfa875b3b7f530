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

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from functools import cached_property

from rapidfuzz import fuzz, process

from bot.content.dates import month_words
from bot.content.declarations import DateDeclaration
from bot.content.facts import Fact, Kind, PartialDate, fold
from bot.content.sources import Source
from bot.content.summaries import Citation
from bot.editorial import matching as m
from bot.editorial.review import wording as w
from bot.editorial.review.claim_index import ClaimIndex, extract_facts, fact_keys
from bot.editorial.review.model import (
    ClaimFacts,
    ClaimRef,
    Contradiction,
    Corroboration,
    NewFact,
    RelativeDate,
    Review,
    SentenceReview,
)
from bot.editorial.review.quote_lines import quote_line
from bot.editorial.review.relative_dates import Event, calendar, declared, resolve

_Possible = Callable[[str, str, str, int, int], None]

CANDIDATES_PER_SENTENCE = 12  # claims read in full per sentence, best-sharing first
_COMMON_CANDIDATES = 6  # and at most these, through tokens most claims hold (IRS, ICE)
CONFIRM_LIMIT = 200  # claims read at most to decide whether one fact is already known
SHOWN_CORROBORATIONS = 3
PARTY_WINDOW = 40  # characters between a figure and the name it is tied to
_WEIGHTS = {Kind.FIGURE: 3, Kind.DATE: 2}  # a shared figure says more than a shared name
SMALL_FIGURE = 100  # below this a figure must count the same thing to match
_SAME_WORDS = 0.3  # share of content words two accounts of one thing have in common ...
_MANY_SAME_WORDS = 0.6  # ... when they share neither a person nor a figure
# Tokens of the words dates are written in: a claim holding one may carry a date.
_DATE_TOKENS = tuple(
    sorted(
        {w.lower() for month in range(1, 13) for w in month_words(month)}
        | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
        | {"week", "month", "year", "yesterday", "today"}
    )
)
_SHARED_NAMES = 2  # names alone tie a sentence to a claim only when it shares this many
_SURNAME_ALIKE = 80  # rapidfuzz ratio from which two surnames are spelled alike
_HEDGE_ROUNDING = 0.1  # "more than 42,000" rounds 42,695 within this share
# Hedges that say the same: "about 47,000" and "approximately 47,000" agree.
_HEDGE_CLASS = {
    "about": "about",
    "approximately": "about",
    "roughly": "about",
    "around": "about",
    "some": "about",
    "an estimated": "about",
    "estimated": "about",
    "nearly": "under",
    "almost": "under",
    "up to": "under",
    "at most": "under",
    "less than": "under",
    "fewer than": "under",
    "over": "over",
    "more than": "over",
    "at least": "over",
    "as many as": "over",
}
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
    """``dates``: the editors' declared dates (``summaries/aliases.toml``), to resolve
    relative dates as the summaries do.
    """

    def __init__(
        self,
        claims: list[ClaimRef],
        names: m.Names | None = None,
        dates: tuple[DateDeclaration, ...] = (),
    ) -> None:
        self.names = names or m.Names()
        self.dates = dates
        self.index = ClaimIndex(claims, self.names)

    def review(self, source: Source, topics_compared: int) -> Review:
        sentences = [(s.line, s.text, extract_facts(s.text)) for s in source.reporting_sentences()]
        self.index.prepare(
            {k for _, _, facts in sentences for f in facts for k in fact_keys(f, self.names)}
        )
        reviews = [self._sentence(source, line, text, facts) for line, text, facts in sentences]
        if source.meta.published is None:
            _same_words_same_date(reviews)
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
        events: list[Event] = []
        candidates = self._candidates(checked)
        if any(m.needs_resolving(f) for f in facts):
            candidates += [i for i in self._dated(checked) if i not in candidates]
        if w.purposes(fold(text)):
            candidates += [i for i in self._with_purpose() if i not in candidates]
        for i in candidates:
            self._compare(source, text, checked, i, out)
            events += self._same_events(source, text, facts, i, out)
        out.corroborates.sort(key=lambda c: (-len(c.shared), c.claim.file, c.claim.line))
        del out.corroborates[SHOWN_CORROBORATIONS:]
        out.possible += self._name_variants(source, text, checked)
        out.possible = [p for p in out.possible if not _asserted(p, out.contradicts)]
        out.contradicts = _grouped(text, out.contradicts)
        out.possible = _grouped(text, out.possible)
        contradicted = {c.here for c in out.contradicts + out.possible}
        dateline = (source.meta.dateline or "").lower()
        out.new = [
            NewFact(f.kind.value, f.text)
            for f in _unique(checked)
            if f.text not in contradicted and f.norm != dateline and not self._known(f)
        ]
        out.relative_dates = [
            resolve(f, source, self.dates, events, text)
            for f in _unique(f for f in facts if m.needs_resolving(f))
        ]
        return out

    def _candidates(self, facts: list[Fact]) -> list[int]:
        """Claims sharing the most fact tokens with the sentence, rare tokens first.

        A token most claims hold (an agency named everywhere) tells little and costs much,
        so it only ranks claims when no rarer token found any.
        """
        total = max(1, len(self.index.claims))
        weighted = [
            (_WEIGHTS.get(f.kind, 1), key)
            for f in facts
            for key in sorted(fact_keys(f, self.names))  # a set: sorted, for the same order
        ]
        chosen: list[int] = []
        for rare, limit in ((True, CANDIDATES_PER_SENTENCE), (False, _COMMON_CANDIDATES)):
            score: Counter[int] = Counter()
            for weight, key in weighted:
                holders = self.index.with_token(key)
                if holders and (len(holders) * 4 <= total) is rare:
                    score.update(holders * weight)  # counted in C, not claim by claim
            for i in self.index.own_only & score.keys():
                del score[i]  # resting only on the reviewed source: nothing to compare with
            # Ties keep the order claims were counted in: keys sorted, holders in claim order.
            ranked = score.most_common(limit + len(chosen))
            chosen += [i for i, _ in ranked if i not in chosen][:limit]
        return chosen

    def _dated(self, facts: list[Fact]) -> list[int]:
        """Claims naming what the sentence names, with a date in their words: what a
        relative date of the sentence is compared with and resolved through.
        """
        dated = self._dated_claims
        score: Counter[int] = Counter()
        for f in _unique(f for f in facts if f.kind is Kind.NAME):
            for key in sorted(fact_keys(f, self.names)):
                score.update(i for i in self.index.with_token(key) if i in dated)
        for i in self.index.own_only & score.keys():
            del score[i]
        return [i for i, _ in score.most_common(CANDIDATES_PER_SENTENCE)]

    @cached_property
    def _dated_claims(self) -> frozenset[int]:
        self.index.prepare(set(_DATE_TOKENS))
        return frozenset(i for key in _DATE_TOKENS for i in self.index.with_token(key))

    def _with_purpose(self) -> list[int]:
        """Claims whose words hold a purpose ("in a bid to", "designed to")."""
        self.index.prepare(set(w.PURPOSE_TOKENS))
        found = sorted({i for key in w.PURPOSE_TOKENS for i in self.index.with_token(key)})
        return [i for i in found if i not in self.index.own_only][:CANDIDATES_PER_SENTENCE]

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
            elif fact.kind is Kind.NAME and (
                self.names.keys(fact) & cf.evidence_name_keys
                or (
                    m.is_person(fact)
                    and any(g.kind is Kind.NAME and m.same_name(fact, g) for g in cf.evidence_facts)
                )
            ):
                shared.append(fact)
        self._between_conflict(source, text, facts, claim, cf, out)
        specific = [f for f in shared if f.kind is not Kind.NAME]
        people = [f for f in shared if f.kind is Kind.NAME and m.is_person(f)]
        if (
            specific
            or (people and len(shared) >= _SHARED_NAMES)
            or (shared and self._told_alike(facts, text, cf))
        ):
            names = tuple(dict.fromkeys(f.text for f in shared))
            out.corroborates.append(
                Corroboration(
                    claim,
                    names,
                    quote_line(source.id, text, shared),
                    self._carrying_quote(shared, cf),
                )
            )

    def _told_alike(self, facts: list[Fact], text: str, cf: ClaimFacts) -> bool:
        """Agencies alone (IRS, ICE) tie a sentence to a claim only when a quote of it tells
        the same thing in many of the same words (the judge's words, quoted by both).
        """
        words = w.content(text)
        return any(
            self._reports_the_same(facts, quote_facts, words, citation.quote)
            for citation, quote_facts in cf.quotes
        )

    def _carrying_quote(self, shared: list[Fact], cf: ClaimFacts) -> str:
        """The claim's quote holding most of what is shared (the first, on a tie)."""
        best, most = "", 0
        for citation, quote_facts in cf.quotes:
            held = sum(1 for f in shared if any(_same_fact(self.names, f, g) for g in quote_facts))
            if held > most:
                best, most = citation.quote, held
        return best

    def _same_events(
        self, source: Source, text: str, facts: list[Fact], i: int, out: SentenceReview
    ) -> list[Event]:
        """The claim's quotes that report what the sentence reports (two names in common,
        or a name and a figure): their wording is compared (possible contradictions), and
        their dates resolve the sentence's when the report has none.
        """
        claim, cf = self.index.claims[i], self.index.facts(i)
        events = []
        words = w.content(text)
        corroborated = any(c.claim is claim for c in out.corroborates)
        people = [f for f in facts if f.kind is Kind.NAME and m.is_person(f)]
        dated: list[tuple[Citation, tuple[Fact, ...]]] = []
        for citation, quote_facts in cf.quotes:
            if not self._reports_the_same(facts, quote_facts, words, citation.quote):
                self._purpose_only(source, text, claim, citation, out)
                if corroborated and any(self.names.same(p, g) for p in people for g in quote_facts):
                    dated.append((citation, quote_facts))  # the same person, in a claim it backs
                continue
            events.append(Event(claim.where, citation.source_id, citation.quote, quote_facts))
            dated.append((citation, quote_facts))
            self._wording(source, text, facts, claim, citation, quote_facts, out)
        self._date_words(source, text, facts, claim, dated, out)
        return events

    def _purpose_only(
        self, source: Source, text: str, claim: ClaimRef, citation: Citation, out: SentenceReview
    ) -> None:
        """A quote cut to a purpose ("in a bid to identify illegal immigrants") is compared
        when both purposes are of an agreement and are for the same people.
        """
        quote = fold(citation.quote)
        for mine in w.purposes(fold(text)):
            for theirs in w.purposes(quote):
                if (
                    w.of_agreement(fold(text), mine)
                    and (theirs.start == 0 or w.of_agreement(quote, theirs))
                    and not mine.key & theirs.key
                    and w.content(mine.text) & w.content(theirs.text)
                ):
                    line = quote_line(
                        source.id, text, [Fact(Kind.QUOTE, mine.text, "", mine.start, mine.end)]
                    )
                    out.possible.append(
                        Contradiction(
                            claim, "purpose", mine.text, theirs.text, citation.quote, line
                        )
                    )

    def _reports_the_same(
        self, facts: list[Fact], quote_facts: tuple[Fact, ...], words: frozenset[str], quote: str
    ) -> bool:
        """Two names in common, or a name and a figure, and enough of the same words: more
        of them when no person or figure is shared (IRS and ICE are in most sentences).
        """
        names = [
            f
            for f in _unique(f for f in facts if f.kind is Kind.NAME)
            if any(g.kind is Kind.NAME and self.names.same(f, g) for g in quote_facts)
        ]
        figures = sum(
            1
            for f in _unique(f for f in facts if f.kind is Kind.FIGURE)
            if any(g.kind is Kind.FIGURE and g.norm == f.norm for g in quote_facts)
        )
        if not (len(names) >= _SHARED_NAMES or (names and figures)):
            return False
        strong = figures > 0 or any(m.is_person(f) for f in names)
        return w.overlap(words, w.content(quote)) >= (_SAME_WORDS if strong else _MANY_SAME_WORDS)

    def _wording(
        self,
        source: Source,
        text: str,
        facts: list[Fact],
        claim: ClaimRef,
        citation: Citation,
        quote_facts: tuple[Fact, ...],
        out: SentenceReview,
    ) -> None:
        """Possible contradictions between two accounts of the same thing (``wording``)."""
        folded, quote = fold(text), fold(citation.quote)

        def possible(kind: str, here: str, there: str, start: int, end: int) -> None:
            line = quote_line(source.id, text, [Fact(Kind.QUOTE, here, here, start, end)])
            out.possible.append(Contradiction(claim, kind, here, there, citation.quote, line))

        theirs = w.titles(quote, list(quote_facts))
        for person, title in w.titles(folded, facts).items():
            other = next((t for p, t in theirs.items() if self.names.same(person, p)), None)
            if other is not None and not (title.key <= other.key or other.key <= title.key):
                possible("title", title.text, other.text, title.start, title.end)
        for mine_list, their_list, kind in (
            (w.purposes(folded), w.purposes(quote), "purpose"),
            (w.findings(folded), w.findings(quote), "finding"),
        ):
            for k, phrase in enumerate(mine_list):
                if not their_list or any(phrase.key == t.key for t in their_list):
                    continue
                other_phrase = their_list[min(k, len(their_list) - 1)]
                if any(other_phrase.key == p.key for p in mine_list):
                    continue
                if kind == "purpose" and phrase.key & other_phrase.key:
                    continue
                possible(kind, phrase.text, other_phrase.text, phrase.start, phrase.end)
        for f in _unique(f for f in facts if f.kind is Kind.NAME):
            g = next(
                (g for g in quote_facts if g.kind is Kind.NAME and self.names.same(f, g)), None
            )
            mine_verb = w.verb_after(folded, f)
            their_verb = w.verb_after(quote, g) if g is not None else None
            if (
                mine_verb is not None
                and their_verb is not None
                and mine_verb.text != their_verb.text
                and w.tense(mine_verb.text) != w.tense(their_verb.text)
            ):
                possible("tense", mine_verb.text, their_verb.text, mine_verb.start, mine_verb.end)
        self._hedges(folded, quote, facts, quote_facts, possible)

    def _hedges(
        self,
        folded: str,
        quote: str,
        facts: list[Fact],
        quote_facts: tuple[Fact, ...],
        possible: "_Possible",
    ) -> None:
        """The same figure, hedged otherwise ("about 47,000" against "47,000")."""
        for f in facts:
            if f.kind is not Kind.FIGURE:
                continue
            g = next((g for g in quote_facts if g.kind is Kind.FIGURE and g.norm == f.norm), None)
            if g is None or _hedge_class(f) == _hedge_class(g):
                continue
            if not _same_count_of(folded, f, quote, g):
                continue
            possible("figure", _hedged(folded, f), _hedged(quote, g), f.start, f.end)

    def _date_words(
        self,
        source: Source,
        text: str,
        facts: list[Fact],
        claim: ClaimRef,
        quotes: list[tuple[Citation, tuple[Fact, ...]]],
        out: SentenceReview,
    ) -> None:
        """A sentence's one date against the claim's quotes of the same thing with one date
        each, in words that cannot be shown to agree ("this month" in an undated report
        against "Earlier in February"): a possible contradiction, unless one of those quotes
        agrees. Dates both on the calendar are compared by ``_compare``.
        """
        mine = [f for f in facts if f.kind is Kind.DATE and f.date is not None]
        if len(mine) != 1:
            return
        f = mine[0]
        assert f.date is not None
        here = self._on_calendar(f, text, source.id, source.meta.published)
        differing: list[tuple[Citation, Fact]] = []
        for citation, quote_facts in quotes:
            theirs = [g for g in quote_facts if g.kind is Kind.DATE and g.date is not None]
            if len(theirs) != 1:
                continue
            g = theirs[0]
            assert g.date is not None
            if not (m.needs_resolving(f) or m.needs_resolving(g)):
                continue  # both on the calendar: ``_compare``'s
            if f.date.relative is not None and f.date.relative == g.date.relative:
                return  # the same words ("earlier this week")
            there = self._on_calendar(g, citation.quote, citation.source_id, None)
            if here is not None and there is not None and _agree(here, there):
                return
            if _on_its_weekday(f.date, here, g.date, there):
                return  # "Thursday" against a date that falls on one
            differing.append((citation, g))
        if differing:
            citation, g = differing[0]
            line = quote_line(source.id, text, [f])
            out.possible.append(Contradiction(claim, "date", f.text, g.text, citation.quote, line))

    def _on_calendar(
        self, fact: Fact, text: str, source_id: str, published: "date | None"
    ) -> PartialDate | None:
        assert fact.date is not None
        decl = declared(fact, text, source_id, self.dates)
        if decl is not None:
            return decl.means[0]
        return calendar(fact.date, published)

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
        words = w.content(text)
        for fact in _unique(f for f in facts if f.kind is Kind.NAME and _may_be_misspelt(f)):
            variants: list[tuple[float, int, Fact, Citation]] = []
            for i in self._holders_of_surname(m.surname(fact))[:CONFIRM_LIMIT]:
                cf = self.index.facts(i)
                if any(g.kind is Kind.NAME and self.names.same(fact, g) for g in cf.all_facts()):
                    variants = []  # some claim already has this very name
                    break
                variants += [
                    (-w.overlap(words, w.content(q.quote)), i, g, q)
                    for q, quote_facts in cf.quotes
                    for g in quote_facts
                    if g.kind is Kind.NAME and _spelled_alike(fact, g)
                ][:1]
            if variants:  # the claim whose quote reads most like the sentence
                _, i, hit, quoted = min(variants, key=lambda v: (v[0], v[1]))
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


def _same_words_same_date(reviews: list[SentenceReview]) -> None:
    """In an undated report, the same relative words ("Thursday") mean the same date
    throughout: one resolved through an event resolves the others, saying so.
    """
    first: dict[str, tuple[int, RelativeDate]] = {}
    for sentence in reviews:
        for r in sentence.relative_dates:
            key = r.text.lower().removesuffix("'s")
            if r.resolved is not None and key not in first:
                first[key] = (sentence.line, r)
    for sentence in reviews:
        sentence.relative_dates = [
            RelativeDate(
                r.text,
                found[1].resolved,
                f"as \u201c{found[1].text}\u201d on line {found[0]} of the same report: "
                + found[1].basis,
            )
            if r.resolved is None and (found := first.get(r.text.lower().removesuffix("'s")))
            else r
            for r in sentence.relative_dates
        ]


def _asserted(p: Contradiction, asserted: list[Contradiction]) -> bool:
    return any(c.claim == p.claim and c.here == p.here for c in asserted)


def _grouped(text: str, found: list[Contradiction]) -> list[Contradiction]:
    """One entry for each difference (kind and words on either side): shown on the claim
    whose quote reads most like the sentence, the other claims quoting it listed with it
    (``also``); in claim order, the same on every run. Counts then count differences.
    """
    words = w.content(text)
    groups: dict[tuple[str, str, str], list[Contradiction]] = {}
    for c in found:
        groups.setdefault((c.kind, c.here, c.there), []).append(c)
    out = []
    for group in groups.values():
        ranked = sorted(
            {(c.claim.file, c.claim.line): c for c in group}.values(),
            key=lambda c: (-w.overlap(words, w.content(c.claim_quote)), c.claim.file, c.claim.line),
        )
        also = tuple(sorted((c.claim for c in ranked[1:]), key=lambda r: (r.file, r.line)))
        out.append(dataclasses.replace(ranked[0], also=also))
    return sorted(out, key=lambda c: (c.claim.file, c.claim.line, c.kind, c.here, c.there))


def _same_fact(names: m.Names, f: Fact, g: Fact) -> bool:
    if f.kind is not g.kind:
        return False
    if f.kind is Kind.NAME:
        return names.same(f, g)
    if f.kind is Kind.DATE and f.date is not None and g.date is not None:
        return m.dates_agree(f.date, g.date)
    return f.norm == g.norm


def _hedge_class(fact: Fact) -> str:
    return _HEDGE_CLASS.get(fact.hedge or "", "")


def _hedged(text: str, fact: Fact) -> str:
    """The figure with its hedge and the word it counts: "about 47,000 taxpayers"."""
    unit = re.match(r"[\s-]*([A-Za-z]+)", text[fact.end :])
    words = f"{fact.hedge} {fact.text}" if fact.hedge else fact.text
    return f"{words} {unit.group(1)}" if unit else words


def _on_its_weekday(
    mine: PartialDate, here: PartialDate | None, theirs: PartialDate, there: PartialDate | None
) -> bool:
    """A bare weekday on one side, a day falling on it on the other."""
    for weekday, other in ((mine, there), (theirs, here)):
        day = other.as_date() if other is not None else None
        if weekday.weekday is not None and weekday.month is None and day is not None:
            return day.weekday() == weekday.weekday
    return False


def _agree(a: PartialDate, b: PartialDate) -> bool:
    """Dates on the calendar that can be the same: one holds or covers the other."""
    if a.covers(b) or b.covers(a) or a.holds_day(b) or b.holds_day(a):
        return True
    (a0, a1), (b0, b1) = a.bounds(), b.bounds()
    return None not in (a0, a1, b0, b1) and a0 < b1 and b0 < a1  # type: ignore[operator]


def _may_be_misspelt(fact: Fact) -> bool:
    """A full name, or one hyphenated surname ("Kollar-Kelly"), not an acronym."""
    parts = fact.text.split("-")
    return m.is_person_like(fact) or (
        " " not in fact.text
        and len(parts) > 1
        and all(p[:1].isupper() and not p.isupper() for p in parts)
    )


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
