"""Ranked, typo-tolerant search over the sentences of every source's reporting.

BM25 over an inverted index. Rare query terms pick the candidates and common ones only
re-rank them, so a query stays fast on a large corpus even when it holds words that
appear almost everywhere ("IRS").
"""

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.content.normalize import normalize
from bot.content.sources import Sentence

_TOKEN = re.compile(r"[a-z0-9]+(?:[.,'-][a-z0-9]+)*")
_STOPWORDS = frozenset(
    "a an and are as at be by for from has had have he her his in is it its of on or "
    "she that the their them they this to was were which who will with".split()
)
_K1, _B = 1.2, 0.75
_COMMON_SHARE = 0.05  # terms in more than this share of sentences only re-rank
_FUZZY_CUTOFF = 80
_SHORTEST_IES_PLURAL = 4  # "parties" -> "party"; "ties" stays
_SHORTEST_PLURAL = 3  # "orders" -> "order"; "gas" and "bus" keep their s
_SHORTEST_CORRECTED = 4  # shorter query words are never "corrected" to another word
_LENGTH_SLACK = 2  # a correction differs in length from the typed word by at most this
_TOP_FOR_COMMON = 1000  # a common term contributes at most this many candidates


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens; a hyphenated word also yields its parts ("kollar-kelly")."""
    tokens = []
    for token in _TOKEN.findall(normalize(text).lower()):
        tokens.append(_stem(token))
        if "-" in token:
            tokens.extend(_stem(part) for part in token.split("-") if part)
    return tokens


@lru_cache(maxsize=200_000)
def _stem(token: str) -> str:
    token = token.replace(",", "") if token[0].isdigit() else token
    token = token.removesuffix("'s")
    if len(token) > _SHORTEST_IES_PLURAL and token.endswith("ies"):
        return token[:-3] + "y"
    if (
        len(token) > _SHORTEST_PLURAL
        and token.endswith("s")
        and not token.endswith(("ss", "us", "is"))
    ):
        return token[:-1]
    return token


@dataclass(frozen=True, slots=True)
class Hit:
    sentence: Sentence
    score: float


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: tuple[Hit, ...]
    terms: tuple[str, ...]  # query terms actually searched, after typo correction
    corrected: tuple[tuple[str, str], ...]  # (typed, used instead)


class SentenceIndex:
    def __init__(self, sentences: Iterable[Sentence]) -> None:
        self.sentences: list[Sentence] = []
        self._tf: list[dict[str, int]] = []
        self._lengths: list[int] = []
        self._postings: dict[str, list[int]] = {}
        for position, sentence in enumerate(sentences):
            counts = Counter(tokenize(sentence.text))
            self.sentences.append(sentence)
            self._tf.append(counts)
            self._lengths.append(sum(counts.values()))
            for term in counts:
                self._postings.setdefault(term, []).append(position)
        total = len(self.sentences)
        self._average_length = (sum(self._lengths) / total) if total else 1.0
        self._idf = {
            term: math.log(1 + (total - len(docs) + 0.5) / (len(docs) + 0.5))
            for term, docs in self._postings.items()
        }
        # Typo correction compares a word only with words of the same initial.
        self._by_initial: dict[str, list[str]] = {}
        for term in self._postings:
            self._by_initial.setdefault(term[0], []).append(term)
        # For terms in many sentences, keep the shortest sentences holding them: in BM25
        # they score highest, so they stand in when a query has only common terms.
        limit = self._common_limit()
        lengths = self._lengths.__getitem__
        self._top: dict[str, list[int]] = {
            term: heapq.nsmallest(_TOP_FOR_COMMON, docs, key=lengths)
            for term, docs in self._postings.items()
            if len(docs) > limit
        }

    def __len__(self) -> int:
        return len(self.sentences)

    def search(self, query: str, limit: int = 5) -> SearchResult:
        typed = list(dict.fromkeys(tokenize(query)))
        content = [t for t in typed if t not in _STOPWORDS] or typed
        terms: list[str] = []
        corrected: list[tuple[str, str]] = []
        for term in content:
            if term in self._postings:
                terms.append(term)
            elif (
                len(term) >= _SHORTEST_CORRECTED and (match := self._closest_term(term)) is not None
            ):
                terms.append(match)
                corrected.append((term, match))
        if not terms:
            return SearchResult((), (), tuple(corrected))
        candidates = self._candidates(terms)
        needed = max(1, math.ceil(len(content) / 2))
        scored = []
        for position in candidates:
            tf = self._tf[position]
            matched = [t for t in terms if t in tf]
            if len(matched) < needed:
                continue
            scored.append((self._score(position, matched), -position))
        best = heapq.nlargest(limit, scored)
        hits = tuple(Hit(self.sentences[-neg], round(score, 3)) for score, neg in best)
        return SearchResult(hits, tuple(terms), tuple(corrected))

    def _common_limit(self) -> int:
        return max(50, int(len(self.sentences) * _COMMON_SHARE))

    def _closest_term(self, term: str) -> str | None:
        near = [
            t for t in self._by_initial.get(term[0], ()) if abs(len(t) - len(term)) <= _LENGTH_SLACK
        ]
        found = process.extractOne(term, near, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
        return found[0] if found else None

    def _candidates(self, terms: list[str]) -> set[int]:
        """Sentences worth scoring: every holder of a rare term, else the best holders of common
        ones.
        """
        candidates: set[int] = set()
        rare = [t for t in terms if t not in self._top]
        for term in rare:
            candidates.update(self._postings[term])
        if not rare:
            for term in terms:
                candidates.update(self._top[term])
        return candidates

    def _score(self, position: int, terms: list[str]) -> float:
        tf = self._tf[position]
        norm = _K1 * (1 - _B + _B * self._lengths[position] / self._average_length)
        return sum(self._idf[t] * tf[t] * (_K1 + 1) / (tf[t] + norm) for t in terms)
