"""Word-level facts in a sentence: figures, dates, proper names and quoted phrases.

Deterministic and rule-based (regular expressions and small word lists, no language
model), so the same text always yields the same facts. Each fact keeps the words as
written, where they are, and a normalised form for comparison:

- figures: ``42,695`` -> ``42695``; ``1.28 million`` -> ``1280000``; ``three-judge`` -> ``3``;
  ``12 percent`` -> ``12%``; ``$1.5 billion`` -> ``$1500000000``;
- dates: ``Feb. 26, 2026`` -> ``2026-02-26``; ``November 2025`` -> ``2025-11``;
  ``Feb. 26`` -> ``--02-26``; ``Thursday's`` -> ``thursday``; ``earlier this week`` ->
  ``earlier this week`` (relative: it needs a basis to become a calendar date);
- names: ``the IRS'`` -> ``irs``; ``Judge Harry T. Edwards`` -> ``judge harry t. edwards``;
  ``IRS Code 6103`` stays one name; ``IRS-ICE`` is two names, ``irs`` and ``ice``;
- quoted phrases: the words between double quotes, typographic variants folded.

Capitalised words that start a sentence are names only when they could not be an
ordinary word there: several capitalised words in a row, an acronym, an inner capital,
or a word the caller knows to be a name (``known_names``, lower case).
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache

from bot.content.normalize import normalize


class Kind(StrEnum):
    FIGURE = "figure"
    DATE = "date"
    NAME = "name"
    QUOTE = "quote"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A calendar date known only in part; ``relative`` holds words like "this week"."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 = Monday, as in datetime
    relative: str | None = None

    @property
    def norm(self) -> str:
        if self.relative is not None:
            return self.relative
        if self.month is None and self.year is None and self.weekday is not None:
            return calendar.day_name[self.weekday].lower()
        year = f"{self.year:04d}" if self.year is not None else "-"
        parts = [year]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
            if self.day is not None:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def as_date(self) -> date | None:
        if self.year is None or self.month is None or self.day is None:
            return None
        try:
            return date(self.year, self.month, self.day)
        except ValueError:
            return None

    def covers(self, other: "PartialDate") -> bool:
        """True when this date (at least as precise) says everything ``other`` says."""
        if other.relative is not None:
            return self.relative == other.relative
        for mine, theirs in (
            (self.year, other.year),
            (self.month, other.month),
            (self.day, other.day),
        ):
            if theirs is not None and mine != theirs:
                return False
        if other.weekday is not None:
            exact = self.as_date()
            weekday = exact.weekday() if exact is not None else self.weekday
            if weekday != other.weekday:
                return False
        return True


@dataclass(frozen=True, slots=True)
class Fact:
    kind: Kind
    text: str  # the words as written
    norm: str  # the form compared
    start: int
    end: int
    quoted: bool = False  # inside a quoted phrase of the same text
    date: PartialDate | None = None
    # A lone capitalised word starting a sentence ("Romo wrote"): a name only when the
    # caller knows it is one (``known_names``); extract_facts drops the others.
    initial: bool = False
    # For a figure, the hedge written just before it ("about", "more than"), lower case.
    hedge: str | None = None


# --- character folding that keeps offsets (one character in, one out) ------------------

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u200b": " ",
    }
)


def fold(text: str) -> str:
    """Typographic quotes, apostrophes and dashes to ASCII, keeping every offset."""
    return text.translate(_FOLD) if not text.isascii() else text


# --- word lists ------------------------------------------------------------------------

_MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    _MONTHS[calendar.month_name[_number].lower()] = _number
    _MONTHS[calendar.month_abbr[_number].lower()] = _number
_MONTHS["sept"] = 9
_WEEKDAYS: dict[str, int] = {}
for _number in range(7):
    _WEEKDAYS[calendar.day_name[_number].lower()] = _number
    _WEEKDAYS[calendar.day_abbr[_number].lower()] = _number
_WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3})

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\."
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_WEEKDAY = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    r"|Mon\.|Tues\.|Tue\.|Wed\.|Thurs\.|Thur\.|Thu\.|Fri\.|Sat\.|Sun\.)"
)
_YEAR = r"(?:1[89]\d\d|20\d\d)"

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

# Capitalised words that are not names when they start a sentence (lower case).
_FUNCTION_WORDS = frozenset(
    """
    a an the this that these those there here it its it's they their them he his she her we our
    you your i in on at by for from of to with without into onto over under after before since
    until while when where why how what which who whom whose whether if but and or nor so yet as
    though although because also both each either neither every all any some many most much more
    few several other another such no not only just even still then than thus however meanwhile
    nevertheless nonetheless instead later earlier again once per according among between during
    about above below across against along around through throughout toward towards upon within
    one two three four five six seven eight nine ten first second third last next new former
    multiple officials multiple
    """.split()
)
# Words that join capitalised words into one name ("Court of Appeals for the D.C. Circuit").
_CONNECTORS = frozenset({"of", "for", "de", "del", "la", "los", "van", "von", "da", "the", "on"})
# Words after which a number belongs to the name ("IRS Code 6103", "Form 1040").
_NUMBERED = frozenset(
    {
        "code",
        "section",
        "title",
        "form",
        "act",
        "rule",
        "chapter",
        "article",
        "amendment",
        "part",
        "no.",
        "number",
        "executive order",
        "order",
    }
)
# Titles dropped from the front of a name when looking it up elsewhere.
TITLES = frozenset(
    {
        "judge",
        "justice",
        "chief",
        "u.s.",
        "district",
        "circuit",
        "senior",
        "secretary",
        "sen.",
        "rep.",
        "gov.",
        "president",
        "dr.",
        "mr.",
        "mrs.",
        "ms.",
        "commissioner",
        "attorney",
        "general",
        "acting",
        "official",
        "officer",
    }
)

# --- patterns -----------------------------------------------------------------------------

_QUOTED = re.compile(r'"([^"\n]{1,2000}?)"')
_DATE_ALTERNATIVES = (  # most specific first: at one position the first that matches wins
    r"\b(?P<iso>(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2}))\b",
    rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<mon>{_MONTH})\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b"
    rf"(?:,?\s+(?P<year>{_YEAR})\b)?",
    rf"(?i:\b(?P<rel>last|this|next|earlier in|later in|early|mid|late)[\s-]+)?"
    rf"\b(?P<mon>{_MONTH})(?!\w)(?:,?\s+(?P<year>{_YEAR})\b)?",
    r"(?i:\b(?P<rel>(?:earlier|later|early|late)\s+(?:this|last|next)\s+(?:week|month|year)"
    r"|(?:this|last|next)\s+(?:week|month|year|weekend)|today|yesterday|tomorrow"
    r"|(?:a|one|two|three|four|five|six|\d+)\s+(?:days?|weeks?|months?|years?)\s+(?:ago|earlier|later)))\b",
    rf"(?i:\b(?P<rel>last|this|next)\s+)?\b(?P<wd>{_WEEKDAY})(?:'s)?(?!\w)",
    rf"(?<![\w$,.])(?P<year>{_YEAR})(?![\w,]|\.\d)",
)
# One pass over the text: each alternative's groups are suffixed with its index ("mon_2").
# Every date starts at a word boundary; testing that first skips most positions quickly.
_DATE = re.compile(
    r"\b(?:"
    + "|".join(
        re.sub(r"\(\?P<(\w+)>", rf"(?P<\1_{i}>", alternative)
        for i, alternative in enumerate(_DATE_ALTERNATIVES)
    )
    + ")"
)
_DIGIT = re.compile(r"\d")
# How every date's words start (lower case); most sentences have none, and checking words
# is far cheaper than running _DATE over them.
_DATE_HINTS = frozenset(
    [m[:3] for m in _MONTHS]
    + [d[:3] for d in _WEEKDAYS]
    + ["mid", "wee", "yea", "tod", "yes", "tom", "day"]
)

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
    r"|at most|more than|less than|fewer than|as many as|as few as|an estimated|estimated))\s+\$?\s*$"
)
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[A-Z]\.(?=\s)|[^\W_]+(?:[-'][^\W_]+)*'?")
# Where names may be: a capitalised word and what may follow it within a name. Finding these
# regions in C and tokenising only them is what keeps name extraction fast.
_CAPITAL_WORD = r"(?<![\w'-])(?:(?:[A-Z]\.)+|[A-Z\u00c0-\u00de][^\W_]*)"
_NAME_REGION = re.compile(
    rf"{_CAPITAL_WORD}(?:[-'][^\W_]+)*'?"
    rf"(?:[ \t]+(?:{_CAPITAL_WORD}(?:[-'][^\W_]+)*'?|(?:{'|'.join(sorted(_CONNECTORS))})\b|\d[\d,.]*))*"
)


def extract_facts(
    text: str,
    known_names: frozenset[str] = frozenset(),
    *,
    with_names: bool = True,
) -> list[Fact]:
    """Every figure, date, name and quoted phrase in ``text``, in order of position.

    ``with_names=False`` skips names (the slowest part) when only figures and dates matter."""
    return [f for f in _extract(text, with_names) if not f.initial or f.norm in known_names]


def clear_cache() -> None:
    """Forget cached extractions (benchmarks measure a cold run)."""
    _extract.cache_clear()


@lru_cache(maxsize=65536)
def _extract(text: str, with_names: bool) -> tuple[Fact, ...]:
    folded = fold(text)
    facts = _quoted(folded)
    quoted_spans = [(f.start, f.end) for f in facts]
    found = _dates(folded)
    masked = _mask(folded, found)
    if with_names:
        named = _names(masked)
        found += named
        masked = _mask(masked, named)
    found += _figures(masked)
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


def normalize_name(text: str) -> str:
    """Lower case, typographic variants folded, possessive and a leading "the" dropped."""
    name = normalize(fold(text)).lower()
    name = re.sub(r"'s?$", "", name)
    name = re.sub(r"^the\s+", "", name)
    return name


def strip_titles(norm_name: str) -> str:
    """``judge harry t. edwards`` -> ``harry t. edwards``; a bare title is kept."""
    words = norm_name.split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


def normalize_figure(text: str) -> str | None:
    """The normalised form of one figure as written ("1.28 million" -> "1280000")."""
    found = figures(text)
    return found[0].norm if found else None


def contains_words(haystack: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``haystack`` as whole words (both already normalised)."""
    if not needle:
        return False
    start = haystack.find(needle)
    while start != -1:
        end = start + len(needle)
        before = haystack[start - 1] if start else " "
        after = haystack[end] if end < len(haystack) else " "
        if not (before.isalnum() or before == "-") and not (after.isalnum() or after == "-"):
            return True
        start = haystack.find(needle, start + 1)
    return False


# --- extraction -----------------------------------------------------------------------------


def _quoted(folded: str) -> list[Fact]:
    facts = []
    for match in _QUOTED.finditer(folded):
        inner = match.group(1)
        norm = normalize(inner).strip(" ,.;:").lower()
        if norm:
            facts.append(Fact(Kind.QUOTE, inner, norm, match.start(1), match.end(1)))
    return facts


def _dates(folded: str) -> list[Fact]:
    found: list[Fact] = []
    for match in _DATE.finditer(folded) if _may_hold_date(folded) else ():
        value = _date_value(match)
        if value is None:
            continue
        start, end = match.span()
        while start < end and folded[start].isspace():
            start += 1
        found.append(Fact(Kind.DATE, folded[start:end], value.norm, start, end, date=value))
    return found


def _date_value(match: re.Match[str]) -> PartialDate | None:
    groups = {k.rpartition("_")[0]: v for k, v in match.groupdict().items() if v is not None}
    if "iso" in groups:
        return PartialDate(int(groups["y"]), int(groups["m"]), int(groups["d"]))
    year = int(groups["year"]) if "year" in groups else None
    month = _MONTHS.get(groups["mon"].rstrip(".").lower()) if "mon" in groups else None
    weekday = _WEEKDAYS.get(groups["wd"].rstrip(".").lower()) if "wd" in groups else None
    day = int(groups["day"]) if "day" in groups else None
    if day is not None and not 1 <= day <= 31:
        return None
    rel = groups.get("rel")
    if "mon" in groups and groups["mon"] == "May" and day is None and year is None:
        return None  # "May" alone is usually the verb
    relative = None
    if rel is not None:
        rel = " ".join(rel.lower().split())
        if rel in {"early", "mid", "late", "earlier in", "later in"}:
            relative = None  # a part of the month, not a shift in time
        else:
            relative = " ".join(normalize(match.group(0)).lower().replace("'s", "").split())
    if year is None and month is None and weekday is None and relative is None:
        return None
    if relative is not None:
        return PartialDate(None, month, None, weekday, relative)
    return PartialDate(year, month, day, weekday)


def _names(folded: str) -> list[Fact]:
    facts: list[Fact] = []
    for region in _NAME_REGION.finditer(folded):
        facts += _names_in(folded, list(_TOKEN.finditer(folded, region.start(), region.end())))
    return facts


def _names_in(folded: str, tokens: list[re.Match[str]]) -> list[Fact]:
    """Names among the tokens of one region: split on possessives, connectors kept inside."""
    facts: list[Fact] = []
    i = 0
    while i < len(tokens):
        if not _capitalised(tokens[i].group()):
            i += 1
            continue
        run = [tokens[i]]
        j = i + 1
        while j < len(tokens) and _joined(folded, run[-1], tokens[j]):
            word = tokens[j].group()
            if _capitalised(word):
                run.append(tokens[j])
                j += 1
            elif (
                word.lower() in _CONNECTORS
                and j + 1 < len(tokens)
                and (_capitalised(tokens[j + 1].group()) or tokens[j + 1].group().lower() == "the")
                and _joined(folded, tokens[j], tokens[j + 1])
            ):
                run.append(tokens[j])
                j += 1
            elif word[0].isdigit() and run[-1].group().lower().rstrip("'") in _NUMBERED:
                run.append(tokens[j])
                j += 1
                break
            else:
                break
        while run and not _capitalised(run[-1].group()) and not run[-1].group()[0].isdigit():
            run.pop()  # a trailing connector
        facts += _name_facts(folded, run)
        i = j
    return facts


def _name_facts(folded: str, run: list[re.Match[str]]) -> list[Fact]:
    at_start = _sentence_start(folded, run[0].start())
    while run and (
        run[0].group().lower() in _FUNCTION_WORDS and (at_start or run[0].group() == "The")
    ):
        run = run[1:]
        at_start = False
    while run and not _capitalised(run[0].group()):
        run = run[1:]  # a connector left at the front: "In the Washington report"
    if not run:
        return []
    if len(run) == 1:
        word = run[0].group()
        if word.lower() in _FUNCTION_WORDS or len(_bare(word)) == 1:
            return []
        if at_start and not _name_shaped(word):
            bare = _bare(word)
            start = run[0].start()
            return [Fact(Kind.NAME, bare, bare.lower(), start, start + len(bare), initial=True)]
        parts = word.rstrip("'").removesuffix("'s").split("-")
        if len(parts) > 1 and all(p.isupper() and len(p) > 1 for p in parts):
            # "IRS-ICE": two agencies, not one name
            facts, offset = [], run[0].start()
            for part in parts:
                facts.append(Fact(Kind.NAME, part, part.lower(), offset, offset + len(part)))
                offset += len(part) + 1
            return facts
    start, end = run[0].start(), run[-1].end()
    words = folded[start:end]
    bare = _bare(words)  # the possessive is not part of the name
    return [Fact(Kind.NAME, bare, normalize_name(words), start, start + len(bare))]


def _figures(folded: str) -> list[Fact]:
    facts = []
    for match in _FIGURE.finditer(folded) if _DIGIT.search(folded) else ():
        try:
            value = Decimal(match["num"].replace(",", ""))
        except InvalidOperation:
            continue
        facts.append(_figure_fact(folded, match, value))
    for match in _FIGURE_WORD.finditer(folded) if _may_hold_number_word(folded) else ():
        facts.append(_figure_fact(folded, match, Decimal(_NUMBER_WORDS[match["word"].lower()])))
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


# --- helpers --------------------------------------------------------------------------------


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _bare(word: str) -> str:
    return word.rstrip("'").removesuffix("'s")


def _name_shaped(word: str) -> bool:
    """An acronym, an inner capital ("McDonald", "Kollar-Kotelly") or a dotted initialism."""
    bare = _bare(word)
    letters = [c for c in bare if c.isalpha()]
    return (len(letters) > 1 and all(c.isupper() for c in letters)) or any(
        c.isupper() for c in bare[1:]
    )


def _joined(folded: str, left: re.Match[str], right: re.Match[str]) -> bool:
    """Only spaces between two tokens, so they may belong to one name."""
    if left.group().endswith("'") and not left.group().endswith("s'"):
        return False  # a closing single quote
    if re.search(r"'s?$", left.group()) and left.group().lower().endswith(("'s", "s'")):
        return False  # a possessive ends the name: "the IRS' chief"
    gap = folded[left.end() : right.start()]
    return gap != "" and gap.isspace() and "\n" not in gap


def _sentence_start(folded: str, position: int) -> bool:
    i = position - 1
    while i >= 0 and folded[i] in " \t(\"'[":
        i -= 1
    if i < 0 or folded[i] in '.!?:;\n"':
        return True
    return folded[i] == "-" and (i == 0 or folded[i - 1] in " -")


def _may_hold_date(folded: str) -> bool:
    for word in folded.split():
        word = word.lstrip("(\"'[")
        if word[:1].isdigit() or word[:3].lower() in _DATE_HINTS:
            return True
    return False


def _may_hold_number_word(folded: str) -> bool:
    return any(
        word.strip("(\"'[,.;:").split("-")[0] in _NUMBER_WORDS for word in folded.lower().split()
    )


def _mask(folded: str, facts: list[Fact]) -> str:
    """Blank out found facts (same length), so later passes neither see nor split them."""
    for fact in facts:
        folded = folded[: fact.start] + " " * (fact.end - fact.start) + folded[fact.end :]
    return folded


def _mark(fact: Fact, quoted_spans: list[tuple[int, int]]) -> Fact:
    if any(s <= fact.start and fact.end <= e for s, e in quoted_spans):
        return Fact(
            fact.kind,
            fact.text,
            fact.norm,
            fact.start,
            fact.end,
            True,
            fact.date,
            fact.initial,
            fact.hedge,
        )
    return fact
