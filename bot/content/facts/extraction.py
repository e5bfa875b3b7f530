"""One pass over a text for every fact, cached, and the shortcuts built on it.

Order matters: quoted phrases are found first (facts inside them are marked ``quoted``),
then dates, which are masked out so names and figures neither see nor split them, then
names, masked out in turn so "IRS Code 6103" does not also yield a figure, then figures.
"""

import dataclasses
import re
from functools import lru_cache

from bot.content.facts import spanish_figures
from bot.content.facts.date_rules import find_dates
from bot.content.facts.figure_rules import find_figures
from bot.content.facts.model import Fact, Kind, PartialDate
from bot.content.facts.name_rules import ENGLISH, SPANISH, find_names
from bot.content.facts.phrases import Phrases
from bot.content.facts.spanish_dates import find_dates_es
from bot.content.facts.spanish_figures import find_figures_es
from bot.content.facts.text import fold
from bot.content.normalize import normalize

SPANISH_LANG = "es"

_QUOTED = re.compile(r'"([^"\n]{1,2000}?)"')


def extract_facts(
    text: str,
    known_names: frozenset[str] = frozenset(),
    *,
    with_names: bool = True,
    lang: str = "en",
    phrases: Phrases | None = None,
) -> list[Fact]:
    """Every figure, date, name and quoted phrase in ``text``, in order of position.

    ``with_names=False`` skips names (the slowest part) when only figures and dates matter.
    ``lang="es"`` reads Spanish (``spanish_dates``, ``spanish_figures``, Spanish name words),
    finding the editors' declared ``phrases`` first.
    """
    facts = _extract(text, with_names=with_names, lang=lang, phrases=phrases)
    return [f for f in facts if not f.initial or f.norm in known_names]


def clear_cache() -> None:
    """Forget cached extractions (benchmarks measure a cold run)."""
    _extract.cache_clear()
    spanish_figures.clear_caches()


@lru_cache(maxsize=65536)
def _extract(
    text: str, *, with_names: bool, lang: str = "en", phrases: Phrases | None = None
) -> tuple[Fact, ...]:
    folded = fold(text)
    facts = _quoted(folded)
    quoted_spans = [(f.start, f.end) for f in facts]
    spanish = lang == SPANISH_LANG
    declared_dates, declared_names = phrases.find(folded) if phrases else ([], [])
    masked = _mask(folded, declared_dates)
    found = declared_dates + (find_dates_es(masked) if spanish else find_dates(masked))
    masked = _mask(folded, found)
    if with_names:
        masked = _mask(masked, declared_names)
        named = declared_names + find_names(masked, SPANISH if spanish else ENGLISH)
        found += named
        masked = _mask(masked, named)
    found += find_figures_es(masked) if spanish else find_figures(masked)
    facts += [_mark(f, quoted_spans) for f in found]
    facts.sort(key=lambda f: (f.start, f.kind))
    return tuple(facts)


def figures(text: str) -> list[Fact]:
    return [f for f in extract_facts(text) if f.kind is Kind.FIGURE]


def dates(text: str) -> list[Fact]:
    return [f for f in extract_facts(text) if f.kind is Kind.DATE]


def names(text: str, known_names: frozenset[str] = frozenset()) -> list[Fact]:
    return [f for f in extract_facts(text, known_names) if f.kind is Kind.NAME]


def quoted_phrases(text: str) -> list[Fact]:
    return _quoted(fold(text))


def parse_date(text: str) -> PartialDate | None:
    """The first date in ``text`` ("Feb. 26, 2026", "November 2025"), or None."""
    found = dates(text)
    return found[0].date if found else None


def normalize_figure(text: str) -> str | None:
    """The normalised form of one figure as written ("1.28 million" -> "1280000")."""
    found = figures(text)
    return found[0].norm if found else None


def _quoted(folded: str) -> list[Fact]:
    facts = []
    for match in _QUOTED.finditer(folded):
        inner = match.group(1)
        norm = normalize(inner).strip(" ,.;:").lower()
        if norm:
            facts.append(Fact(Kind.QUOTE, inner, norm, match.start(1), match.end(1)))
    return facts


def _mask(folded: str, facts: list[Fact]) -> str:
    """Blank out found facts (same length), so later passes neither see nor split them."""
    for fact in facts:
        folded = folded[: fact.start] + " " * (fact.end - fact.start) + folded[fact.end :]
    return folded


def _mark(fact: Fact, quoted_spans: list[tuple[int, int]]) -> Fact:
    if any(s <= fact.start and fact.end <= e for s, e in quoted_spans):
        return dataclasses.replace(fact, quoted=True)
    return fact
