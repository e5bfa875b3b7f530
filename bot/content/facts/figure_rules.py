"""Figures in a sentence, in digits or words, each with the hedge written before it.

``42,695`` -> ``42695``; ``1.28 million`` -> ``1280000``; ``three-judge`` -> ``3``;
``12 percent`` -> ``12%``; ``$1.5 billion`` -> ``$1500000000``.
"""

import re
from decimal import Decimal, InvalidOperation

from bot.content.facts.model import Fact, Kind

_NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}

_DIGIT = re.compile(r"\d")
_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_FIGURE = re.compile(
    rf"(?<![\w.,$])(?P<money>\$\s?)?{_NUMBER}(?:st|nd|rd|th)?"
    rf"(?:\s*(?P<scale>thousand|million|billion|trillion)\b)?"
    rf"(?:\s*(?P<pct>%|percent\b|per cent\b))?(?![\d])"
)
_FIGURE_WORD = re.compile(
    r"(?i:\b(?P<word>" + "|".join(_NUMBER_WORDS) + r")\b"
    r"(?:[\s-]+(?P<scale>thousand|million|billion|trillion)\b)?"
    r"(?:\s*(?P<pct>percent\b|per cent\b))?)"
)
_HEDGE = re.compile(
    r"(?i:\b(about|approximately|roughly|around|nearly|almost|some|over|under|up to|at least"
    r"|at most|more than|less than|fewer than|as many as|as few as|an "
    r"estimated|estimated))\s+\$?\s*$"
)


def find_figures(folded: str) -> list[Fact]:
    """Every figure in ``folded`` (folded text, dates and names already masked out)."""
    facts = []
    for match in _FIGURE.finditer(folded) if _DIGIT.search(folded) else ():
        try:
            value = Decimal(match["num"].replace(",", ""))
        except InvalidOperation:
            continue
        facts.append(_figure_fact(folded, match, value))
    words = _FIGURE_WORD.finditer(folded) if _may_hold_number_word(folded) else ()
    facts.extend(
        _figure_fact(folded, match, Decimal(_NUMBER_WORDS[match["word"].lower()]))
        for match in words
    )
    return facts


def _figure_fact(folded: str, match: re.Match[str], value: Decimal) -> Fact:
    if match["scale"]:
        value *= _SCALES[match["scale"].lower()]
    number = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    if "." in number and value == value.to_integral():
        number = number.split(".")[0]
    groups = match.groupdict()
    norm = ("$" if groups.get("money") else "") + number + ("%" if match["pct"] else "")
    start, end = match.span()
    hedge = _HEDGE.search(folded, max(0, start - 30), start)  # hedges are short
    return Fact(
        Kind.FIGURE,
        folded[start:end],
        norm,
        start,
        end,
        hedge=" ".join(hedge.group(1).lower().split()) if hedge else None,
    )


def _may_hold_number_word(folded: str) -> bool:
    return any(
        word.strip("(\"'[,.;:").split("-")[0] in _NUMBER_WORDS for word in folded.lower().split()
    )
