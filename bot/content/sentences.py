"""Sentence splitting tuned for news copy.

A regex splitter with an abbreviation list: statistical splitters (punkt, pysbd) are
far too slow for the 10 MB benchmark corpus, and news prose is regular enough.
"""

import re

from bot.content.dates import MONTH_ABBREVIATIONS, WEEKDAY_ABBREVIATIONS

# Words ending in a period that do not end a sentence (compared in lower case), month and
# weekday abbreviations among them ("Feb.", "Thurs."), and Spanish ones ("EE. UU.").
_ABBREVIATIONS = frozenset(
    """
    u.s. u.k. u.n. d.c. n.y. l.a. e.g. i.e. etc. vs. v. no. nos. st. mr. mrs. ms. dr. jr. sr.
    gov. sen. rep. gen. col. lt. sgt. capt. prof. inc. corp. co. ltd. dept. est. approx.
    ee. uu. núm. art. sra. dra. pág. págs.
    """.split()
) | {f"{word.lower()}." for word in MONTH_ABBREVIATIONS + WEEKDAY_ABBREVIATIONS}
# End punctuation, optional closing quotes/brackets, whitespace, then a capital, digit or
# opening quote: a candidate boundary.
_BOUNDARY = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
_LAST_WORD = re.compile(r"(\S+)$")


def split_sentences(paragraph: str) -> list[str]:
    """Split one paragraph into sentences, keeping each sentence's text verbatim."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.start() + 1
        word = _LAST_WORD.search(paragraph, start, end)
        if word is not None and _is_abbreviation(word.group(1)):
            continue
        sentence = paragraph[start : match.end()].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end()
    rest = paragraph[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _is_abbreviation(word: str) -> bool:
    word = word.lstrip("\"'(\u201c\u2018[").lower()
    if word in _ABBREVIATIONS:
        return True
    # A single initial ("Harry T. Edwards") or dotted initials ("D.C.").
    return (len(word) == len("T.") and word[0].isalpha()) or bool(
        re.fullmatch(r"(?:[a-z]\.){2,}", word)
    )


# A clause ends at a semicolon or where a sentence ends (capitals of any Latin script and
# Spanish opening marks may start the next one).
_CLAUSE_BOUNDARY = re.compile(
    r";\s*|[.!?][\"'\u201d\u2019)\]\u00bb]*\s+"
    r"(?=[\"'\u201c\u2018(\[\u00ab\u00bf\u00a1]?[A-Z0-9\u00c0-\u00de])"
)


def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of ``text``: the parts between semicolons and sentence
    ends, abbreviations ("Feb.", "U.S.", "D.C.") not counted as ends.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CLAUSE_BOUNDARY.finditer(text):
        if match.group().startswith((".", "!", "?")):
            word = _LAST_WORD.search(text, start, match.start() + 1)
            if word is not None and _is_abbreviation(word.group(1)):
                continue
        spans.append((start, match.start() + 1))
        start = match.end()
    spans.append((start, len(text)))
    return spans
