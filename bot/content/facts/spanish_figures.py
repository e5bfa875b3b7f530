"""Figures in a Spanish sentence, read with the Spanish locale's own rules (CLDR, through
Babel), and number words through text2num.

``42.695`` -> ``42695``; ``47 000`` (grouped with a space, as the RAE recommends) ->
``47000``; ``1,28 millones`` -> ``1280000``; ``tres`` -> ``3``; ``12 %``, ``12 por ciento``
-> ``12%``; ``1,5 millones de dólares`` -> ``$1500000``. The normalised forms are those of
the English rules, so a Spanish figure compares with the figures of English quotes.

Where the numbers' symbols come from: the decimal and grouping signs are the Spanish
locale's (``babel.numbers``), parsed strictly, so a figure in English notation ("1.28
millones") is reported with the Spanish form Babel suggests; the scale words are the long
compact-number patterns of CLDR ("0 millones", "0 mil millones"); "por ciento" is CLDR's
long percent unit; the dollar words and sign are CLDR's currency names and symbol.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from bot.content.facts.model import Fact, Kind

LOCALE = "es"
_SPACES = " \u00a0\u202f\u2009"  # what may group digits in threes besides the locale's sign
# Single words text2num reads as a number that are not a figure in a claim: "un"/"una"
# are articles, "miles de personas" is "thousands of people" (no count), "primer" an
# ordinal.
_NOT_A_COUNT = 1


@dataclass(frozen=True, slots=True)
class _Rules:
    figure: re.Pattern[str]
    scales: dict[str, int]  # lower-case scale words -> multiplier
    percent_words: tuple[str, ...]
    decimal: str
    group: str


@cache
def _rules() -> _Rules:
    """The Spanish rules, built from Babel's CLDR data on first use."""
    from babel import Locale  # noqa: PLC0415 - Babel is loaded on first use (see bot.content.dates)
    from babel.numbers import get_currency_name, get_currency_symbol  # noqa: PLC0415
    from babel.units import format_unit  # noqa: PLC0415

    locale = Locale.parse(LOCALE)
    symbols = locale.number_symbols["latn"]
    decimal, group, percent = symbols["decimal"], symbols["group"], symbols["percentSign"]
    scales: dict[str, int] = {}
    for patterns in locale.compact_decimal_formats["long"].values():
        for magnitude, pattern in patterns.items():
            text = pattern.pattern
            zeros = text.count("0")
            words = " ".join(text.replace("0", " ").split())
            if words:
                scales[words.lower()] = int(magnitude) // 10 ** (zeros - 1)
    per_cent = format_unit(12, "percent", length="long", locale=locale).replace("12", "").strip()
    dollar_words = tuple(
        get_currency_name("USD", count=count, locale=locale).split()[0].lower() for count in (1, 2)
    )
    dollar_sign = get_currency_symbol("USD", locale=locale)
    g, d, spaces = re.escape(group), re.escape(decimal), f"[{_SPACES}]"
    number = (
        rf"\d{{1,3}}(?:{g}\d{{3}})+(?:{d}\d+)?"  # 42.695, 1.280.000
        rf"|\d{{1,3}}(?:{spaces}\d{{3}})+(?:{d}\d+)?"  # 47 000
        rf"|\d+(?:[.,]\d+)+"  # any other digits and signs: parsed strictly, reported if wrong
        r"|\d+"
    )
    scale = "|".join(re.escape(w) for w in sorted(scales, key=len, reverse=True))
    money_before = "|".join(re.escape(s) for s in sorted({dollar_sign, "$"}, key=len, reverse=True))
    money_after = "|".join(re.escape(w) for w in dollar_words)
    figure = re.compile(
        rf"(?<![\w.,$])(?P<money>(?:{money_before})\s?)?(?P<num>{number})(?![\d])"
        rf"(?:\s+(?P<scale>{scale})(?!\w))?"
        rf"(?:\s*(?P<pct>{re.escape(percent)}|{re.escape(per_cent)}(?!\w)))?"
        rf"(?:\s+(?:de\s+)?(?P<dollars>{money_after})(?!\w))?",
        re.IGNORECASE,
    )
    return _Rules(figure, scales, (percent, per_cent), decimal, group)


def find_figures_es(folded: str) -> list[Fact]:
    """Every figure in ``folded`` (folded Spanish text, dates and names already masked)."""
    rules = _rules()
    facts: list[Fact] = []
    rest = folded  # what is left for number words: the figures in digits blanked out
    for match in rules.figure.finditer(folded) if _DIGIT.search(folded) else ():
        value, note = _parse(match["num"])
        if value is None:
            facts.append(
                Fact(Kind.FIGURE, match.group(), "?", match.start(), match.end(), note=note)
            )
        else:
            facts.append(_fact(match, value, rules))
        start, end = match.span()
        rest = rest[:start] + " " * (end - start) + rest[end:]
    facts += _number_words(folded, rest)
    if len(facts) > 1:
        facts.sort(key=lambda f: f.start)
    return facts


@lru_cache(maxsize=65536)
def _parse(number: str) -> tuple[Decimal | None, str | None]:
    """The value of digits written in Spanish notation, or None and what Babel suggests
    (strict parsing formats the number back: worth remembering, figures repeat).
    """
    from babel.numbers import NumberFormatError, parse_decimal  # noqa: PLC0415

    rules = _rules()

    spaced = re.sub(f"(?<=\\d)[{_SPACES}](?=\\d{{3}})", rules.group, number)
    try:
        return parse_decimal(spaced, locale=LOCALE, strict=True), None
    except NumberFormatError as error:
        suggestions = " or ".join(f"\u201c{s}\u201d" for s in error.suggestions or ())
        hint = f"did you mean {suggestions}?" if suggestions else "write it as 42.695 or 1,28"
        return None, (
            f"not Spanish notation (decimals after \u201c{rules.decimal}\u201d, thousands "
            f"grouped with \u201c{rules.group}\u201d or a space): {hint}"
        )


def _fact(match: re.Match[str], value: Decimal, rules: _Rules) -> Fact:
    if match["scale"]:
        value *= rules.scales[match["scale"].lower()]
    integral = value == value.to_integral()
    number = format(value.quantize(Decimal(1)) if integral else value.normalize(), "f")
    money = bool(match["money"] or match["dollars"])
    norm = ("$" if money else "") + number + ("%" if match["pct"] else "")
    return Fact(Kind.FIGURE, match.group(), norm, match.start(), match.end())


_WORD = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\b\d")  # a digit starting a word ("B12" holds no figure)


def _number_words(folded: str, rest: str) -> list[Fact]:
    """Counts written in words ("tres jueces", "dos mil"), found by text2num."""
    from text_to_num import find_numbers  # noqa: PLC0415 - loaded on the first Spanish claim

    if not any(map(_number_word, _words(rest))):
        return []  # most texts hold none: one cached look-up per word instead of a parse
    words = list(_WORD.finditer(rest))
    facts = []
    for found in find_numbers([_Token(w.group()) for w in words], LOCALE, 0):
        first, last = words[found.start], words[found.end - 1]
        if found.end - found.start == 1 and _not_a_count(first.group(), found.value):
            continue
        value = Decimal(str(found.value))
        number = format(value.quantize(Decimal(1)) if value == value.to_integral() else value, "f")
        facts.append(
            Fact(Kind.FIGURE, folded[first.start() : last.end()], number, first.start(), last.end())
        )
    return facts


def _words(text: str) -> set[str]:
    """The distinct words of ``text``, lower case (splitting on spaces first is faster)."""
    words: set[str] = set()
    for token in text.lower().split():
        if token.isalpha():
            words.add(token)
        else:  # punctuation or digits attached: "tres," "(dos"
            words.update(_WORD.findall(token))
    return words


@lru_cache(maxsize=65536)
def _number_word(word: str) -> bool:
    """Whether text2num reads ``word`` alone as (part of) a number."""
    from text_to_num import find_numbers  # noqa: PLC0415

    return bool(find_numbers([_Token(word)], LOCALE, 0))


def _not_a_count(word: str, value: float) -> bool:
    """An article or ordinal ("un", "primer"), or a plural of a power of ten ("miles",
    "cientos"): no count.
    """
    if value <= _NOT_A_COUNT:
        return True
    power = value >= 100 and str(int(value)).rstrip("0") == "1"  # noqa: PLR2004 - "cientos"
    return power and word.lower().endswith("s")


class _Token:
    """A word, as text2num's ``find_numbers`` reads them."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def text(self) -> str:
        return self._text

    def nt_separated(self, previous: "_Token") -> bool:  # noqa: ARG002 - text2num's protocol
        return False

    def not_a_number_part(self) -> bool:
        return False


def clear_caches() -> None:
    """Forget parsed figures and known number words (benchmarks measure a cold check)."""
    _parse.cache_clear()
    _number_word.cache_clear()
