"""How facts from different texts are compared: name keys, aliases, date compatibility.

Word-level and deterministic. A name is compared without its titles ("Judge Harry T.
Edwards" is "harry t. edwards"), and an organisation of three or more capitalised words
also answers to its initials ("Immigration and Customs Enforcement" is "ice").
"""

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from bot.content.facts import Fact, Kind, PartialDate, strip_titles

_ORG_SKIP = frozenset({"of", "for", "and", "the", "on", "de", "del", "la"})
_INITIALISM_WORDS = 3  # an organisation of this many capitalised words is also known by initials
_PERSON_WORDS = 2  # a given name and a surname at least
# Shorter words are never matched by a similar spelling: too many near misses.
SHORTEST_FUZZY_WORD = 4
# Numeric tokens keep their separators ("42,695", "1.28"); words are split at hyphens.
# Latin letters spelled out: a third faster than [^\W\d_] on the 10,000-claim corpus.
_TOKEN = re.compile("[0-9]+(?:[.,][0-9]+)*|[a-z\u00c0-\u024f]+")


_TOKEN_OR_SEPARATOR = re.compile(_TOKEN.pattern + "|\x00")


def tokens_with_separator(text: str) -> list[str]:
    """``tokens`` of many texts joined by NUL, with a NUL token where each one ends."""
    return _TOKEN_OR_SEPARATOR.findall(text.lower())


def tokens(text: str) -> list[str]:
    """Lower-case word and number tokens, as the claim index stores them."""
    return _TOKEN.findall(text.lower())


@lru_cache(maxsize=65536)
def name_keys(fact: Fact) -> frozenset[str]:
    """The forms a name is known by: without titles, and its initials for organisations."""
    base = strip_titles(fact.norm)
    keys = {base}
    words = [w for w in re.split(r"\s+", fact.text) if w and w.lower() not in _ORG_SKIP]
    if len(words) >= _INITIALISM_WORDS and all(w[:1].isupper() for w in words):
        keys.add("".join(w[0] for w in words).lower())
    return frozenset(keys)


def name_words(fact: Fact) -> list[str]:
    return strip_titles(fact.norm).split()


def surname(fact: Fact) -> str:
    """The last word token of a name: what other spellings of it are looked up by."""
    found = tokens(strip_titles(fact.norm))
    return found[-1] if found else ""


def is_person_like(fact: Fact) -> bool:
    """Two or more words, not an acronym: a form that a variant spelling can contradict."""
    words = name_words(fact)
    return (
        len(words) >= _PERSON_WORDS
        and not any(w.isdigit() for w in words)
        and not fact.text.isupper()
    )


# Last words that make a name of several words a body, a place or a document, not a person.
_NOT_A_PERSON = frozenset(
    """
    department service enforcement court circuit security center centre agency administration
    office press times declaration code act law committee commission bureau institute
    association council union party house senate congress university foundation rights
    treasury states post news report
    """.split()
)


def is_person(fact: Fact) -> bool:
    """A person's name: person-like, no connector inside, not ending like a body's name
    ("Department of Homeland Security", "Internal Revenue Service" are not people).
    """
    if not is_person_like(fact):
        return False
    words = name_words(fact)
    return words[-1] not in _NOT_A_PERSON and not any(w in _ORG_SKIP for w in words)


@lru_cache(maxsize=65536)
def same_name(a: Fact, b: Fact) -> bool:
    """Equal, an alias, or one ends the other ("Kollar-Kotelly", "Secretary Scott Bessent")."""
    if name_keys(a) & name_keys(b):
        return True
    wa, wb = name_words(a), name_words(b)
    shorter, longer = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    return bool(shorter) and longer[-len(shorter) :] == shorter


@dataclass(frozen=True)
class Names:
    """Name comparison that also knows the editors' declared aliases (summaries/aliases.toml)."""

    aliases: Mapping[str, frozenset[str]] = field(
        default_factory=dict
    )  # normalised name -> its equals

    def keys(self, fact: Fact) -> frozenset[str]:
        keys = name_keys(fact)
        declared = self.aliases.get(fact.norm, frozenset()) | self.aliases.get(
            strip_titles(fact.norm), frozenset()
        )
        return keys | {strip_titles(a) for a in declared} if declared else keys

    def same(self, a: Fact, b: Fact) -> bool:
        return same_name(a, b) or bool(self.keys(a) & self.keys(b))


def variant_of(a: Fact, b: Fact) -> bool:
    """Both full names ending alike but written differently ("Harry Edwards" / "Harry T.
    Edwards").
    """
    if not (is_person_like(a) and is_person_like(b)) or same_name(a, b):
        return False
    wa, wb = name_words(a), name_words(b)
    return wa[-1] == wb[-1] and wa[0] == wb[0]


def dates_conflict(a: PartialDate, b: PartialDate) -> bool:
    """Both name a month of the calendar and disagree on a part both give."""
    if a.relative is not None or b.relative is not None or a.month is None or b.month is None:
        return False
    pairs = ((a.year, b.year), (a.month, b.month), (a.day, b.day))
    return any(x is not None and y is not None and x != y for x, y in pairs)


def dates_agree(a: PartialDate, b: PartialDate) -> bool:
    """Both give at least month and day, and every part both give is the same."""
    if a.relative is not None or b.relative is not None or a.day is None or b.day is None:
        return False
    return not dates_conflict(a, b)


def needs_resolving(fact: Fact) -> bool:
    """A date that is not a calendar date on its own: relative, a weekday, or no year."""
    value = fact.date
    return value is not None and (value.relative is not None or value.year is None)


def nearest_name(fact: Fact, facts: Iterable[Fact], within: int | None = None) -> Fact | None:
    """The name closest to ``fact`` in the same text (characters between them)."""
    best: tuple[int, Fact] | None = None
    for other in facts:
        if other.kind is not Kind.NAME:
            continue
        gap = other.start - fact.end if other.start >= fact.end else fact.start - other.end
        if gap < 0 or (within is not None and gap > within):
            continue
        if best is None or gap < best[0]:
            best = (gap, other)
    return best[1] if best else None


def figure_unit(text: str, fact: Fact) -> str:
    """The word that follows a figure ("47,000 individuals" -> "individual")."""
    match = re.match(r"[\s-]*([A-Za-z]+)", text[fact.end :])
    return match.group(1).lower().removesuffix("s") if match else ""


def join_and_names(text: str, facts: list[Fact]) -> list[Fact]:
    """Join "Immigration and Customs Enforcement", which the extractor reads as two names.

    Only a single capitalised word (not an acronym) before "and" joins a name of two or
    more words after it, so "IRS and Treasury Department" stays two names.
    """
    out: list[Fact] = []
    for fact in facts:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind is Kind.NAME
            and fact.kind is Kind.NAME
            and text[prev.end : fact.start] == " and "
            and len(prev.text.split()) == 1
            and not prev.text.isupper()
            and len(fact.text.split()) >= _PERSON_WORDS
        ):
            joined = text[prev.start : fact.end]
            out[-1] = Fact(
                Kind.NAME, joined, f"{prev.norm} and {fact.norm}", prev.start, fact.end, prev.quoted
            )
            continue
        out.append(fact)
    return out


_BETWEEN = re.compile(r"([A-Za-z-]+) between $")
# Words for one agreement between parties: compared as one head ("agreement").
_AGREEMENT_HEADS = frozenset(
    {"agreement", "arrangement", "compact", "pact", "deal", "accord", "memorandum", "mou"}
)
# "the IRS-DHS information-sharing arrangement": two parties joined by a hyphen, then a head.
_HYPHEN_HEAD = re.compile(r"^(?:\s+[a-z]+(?:-[a-z]+)+)?\s+([a-z]+)")


def _head(word: str) -> str:
    word = word.lower().split("-")[-1]
    return "agreement" if word in _AGREEMENT_HEADS else word


def between_pairs(text: str, facts: list[Fact]) -> list[tuple[str, Fact, Fact]]:
    """For "<head> between <name> and <name>", and "<name>-<name> <head>" (an agreement):
    the head word and the two parties named. Heads for an agreement are one head.
    """
    names = [f for f in facts if f.kind is Kind.NAME]
    pairs = []
    for first, second in itertools.pairwise(names):
        before = re.sub(r"\bthe $", "", text[max(0, first.start - 40) : first.start])
        head = _BETWEEN.search(before)
        gap = re.sub(r"\s+", " ", text[first.end : second.start])
        if head and gap in (" and ", " and the "):
            pairs.append((_head(head.group(1)), first, second))
        elif (
            text[first.end : second.start] == "-" and first.text.isupper() and second.text.isupper()
        ):
            after = _HYPHEN_HEAD.match(text[second.end : second.end + 40])
            if after and after.group(1).lower() in _AGREEMENT_HEADS:
                pairs.append((_head(after.group(1)), first, second))
    return pairs
