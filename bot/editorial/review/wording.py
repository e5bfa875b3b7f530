"""Words that may differ between two accounts of the same thing: possible contradictions.

Read only where a sentence and a claim's quote report the same thing (they share two names,
or a name and a figure). Each rule is a small word pattern, deterministic, no language
model; what it finds is shown as a *possible* contradiction, for the editor to judge:

- ``titles``: the title a person is given ("an IRS official, Dottie Romo" against "Dottie
  Romo, the IRS' chief risk and control officer");
- ``purposes``: what something is for ("in a bid to identify" against "designed to locate
  and remove");
- ``findings``: how a wrong is worded ("acted illegally" against "violated federal law",
  "violated a confidentiality law" against "breached IRS Code 6103");
- ``verb_after``: the verb right after a name both give, in another tense ("allowed" against
  "permits").
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.content.facts import TITLES, Fact, Kind
from bot.editorial import matching as m

_MAX_PHRASE_WORDS = 10
_ARTICLES = frozenset({"a", "an", "the", "its", "his", "her", "their"})
# After a person's name: ", the IRS' chief risk and control officer," (an article first).
_TITLE_AFTER = re.compile(r"^,\s+(?:the|an?|its|his|her)\s+([^,;.\"]{3,80}?)\s*(?:,|$|\.)")
# Before it: "an IRS official, Dottie Romo," (the name then closed by a comma).
_TITLE_BEFORE = re.compile(r"(?:^|\s)(?:the|an?)\s+([^,;.\"]{2,60}?),\s*$")
_PURPOSE = re.compile(
    r"\b(in a bid to|designed to|aimed at|intended to|meant to|in order to|so as to"
    r"|with the aim of|seeking to)\s+([a-z]+)(?:\s+and\s+([a-z]+))?",
)
_FINDING = re.compile(
    r"\b((?:acted|behaved)\s+(?:il)?legally|(?:acted\s+)?unlawfully|violated|breached|broke"
    r"|erred|(?:il)?legally\s+[a-z]+ed|improperly\s+[a-z]+ed)\b"
    # What follows, up to a preposition or a count ("approximately 52,695 times" is a figure,
    # compared as one, not part of how the wrong is worded).
    r"((?:\s+(?!by\b|when\b|in\b|on\b|with\b|to\b|for\b|through\b|and\b|approximately\b"
    r"|about\b|nearly\b|roughly\b|around\b|more\b|over\b|some\b)[\w'-]+){0,5})"
)


# The words of those markers a claim index can find a purpose by.
PURPOSE_TOKENS = ("bid", "designed", "aimed", "intended", "meant", "order", "seeking")
_AGREEMENT = re.compile(
    r"\b(?:agreement|arrangement|compact|pact|deal|accord|memorandum|MOU)\b", re.IGNORECASE
)
_AGREEMENT_REACH = 80  # characters between an agreement's word and what it is for


@dataclass(frozen=True, slots=True)
class Phrase:
    """Words of a text that carry one rule's point, and where they are."""

    text: str
    key: frozenset[str]  # what is compared: word stems
    start: int
    end: int


def stem(word: str) -> str:
    """A crude English stem, enough to tell "identify" from "identifying" is one word."""
    word = word.lower().strip("'’")
    for suffix in ("ying", "ing", "ied", "ies", "ed", "es", "s", "e", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:  # noqa: PLR2004 - a stem's least length
            return word[: -len(suffix)]
    return word


def _key(words: str) -> frozenset[str]:
    return frozenset(
        stem(w) for w in re.findall(r"[A-Za-z0-9]+", words) if w.lower() not in _ARTICLES
    )


# Words too common to tell two accounts apart.
_COMMON = frozenset(
    """
    that with from have this they their were which been into about said says also other than
    when where while would could there these those them will what more most some such only
    over under after before because being does done each either every ever just like made
    many much must never none once same should since still then thus upon very whom whose
    within without
    """.split()
)
_CONTENT_WORD = 4  # shorter words say little of what a sentence is about


@lru_cache(maxsize=65536)
def content(text: str) -> frozenset[str]:
    """The stems of a text's content words: what two accounts of one thing share."""
    return frozenset(
        stem(word)
        for word in re.findall(r"[a-z]+", text.lower())
        if len(word) >= _CONTENT_WORD and word not in _COMMON
    )


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller text's content words the other has."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def titles(text: str, facts: list[Fact]) -> dict[Fact, Phrase]:
    """Each person named with a title: in the name ("Judge Harry Edwards") or beside it."""
    out: dict[Fact, Phrase] = {}
    for fact in facts:
        if fact.kind is not Kind.NAME or not m.is_person(fact):
            continue
        after = _TITLE_AFTER.match(text[fact.end : fact.end + 100])
        before = _TITLE_BEFORE.search(text[max(0, fact.start - 70) : fact.start])
        words = fact.text.split()
        inner = max((k for k, w in enumerate(words) if w.lower() in TITLES), default=-1)
        closed = text[fact.end : fact.end + 1] == ","  # "an IRS official, Dottie Romo, ..."
        if inner >= 0 and inner < len(words) - 1:
            title = " ".join(words[: inner + 1])
            out[fact] = Phrase(title, _key(title), fact.start, fact.start + len(title))
        elif after and len(after.group(1).split()) <= _MAX_PHRASE_WORDS:
            start = fact.end + after.start(1)
            end = start + len(after.group(1))
            out[fact] = Phrase(after.group(1), _key(after.group(1)), start, end)
        elif before and closed:
            start = max(0, fact.start - 70) + before.start(1)
            end = start + len(before.group(1))
            out[fact] = Phrase(before.group(1), _key(before.group(1)), start, end)
    return out


def purposes(text: str) -> list[Phrase]:
    out = []
    for match in _PURPOSE.finditer(text):
        verbs = frozenset(stem(v) for v in match.groups()[1:] if v)
        shown = " ".join(text[match.start() :].split()[: _MAX_PHRASE_WORDS - 2]).rstrip(",.;")
        out.append(Phrase(shown, verbs, match.start(), match.end()))
    return out


def of_agreement(text: str, phrase: Phrase) -> bool:
    """Whether a purpose is an agreement's: its word shortly before it."""
    return (
        _AGREEMENT.search(text[max(0, phrase.start - _AGREEMENT_REACH) : phrase.start]) is not None
    )


def findings(text: str) -> list[Phrase]:
    out = []
    for match in _FINDING.finditer(text):
        words = match.group(0).rstrip(",.;")
        out.append(Phrase(words, _key(words), match.start(), match.start() + len(words)))
    return out


def verb_after(text: str, fact: Fact) -> Phrase | None:
    """The lower-case word right after a name, when it reads as a verb in the past or the
    present ("allowed", "permits").
    """
    match = re.match(r" ([a-z]+)\b", text[fact.end : fact.end + 30])
    if match is None:
        return None
    word = match.group(1)
    if not (word.endswith("ed") or (word.endswith("s") and not word.endswith("ss"))):
        return None
    start = fact.end + 1
    return Phrase(word, frozenset({word}), start, start + len(word))


def tense(word: str) -> str:
    return "past" if word.endswith("ed") else "present"
