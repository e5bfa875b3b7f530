"""Proper names in a sentence: runs of capitalised words, and how names are compared.

``the IRS'`` -> ``irs``; ``Judge Harry T. Edwards`` -> ``judge harry t. edwards``;
``IRS Code 6103`` stays one name; ``IRS-ICE`` is two names, ``irs`` and ``ice``.

Capitalised words that start a sentence are names only when they could not be an
ordinary word there: several capitalised words in a row, an acronym, an inner capital,
or a word the caller knows to be a name (marked ``initial`` here; ``extract_facts``
keeps it only when the caller's ``known_names`` hold it).
"""

import re

from bot.content.facts.model import Fact, Kind
from bot.content.facts.text import fold
from bot.content.normalize import normalize

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

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[A-Z]\.(?=\s)|[^\W_]+(?:[-'][^\W_]+)*'?")
# Where names may be: a capitalised word and what may follow it within a name. Finding these
# regions in C and tokenising only them is what keeps name extraction fast.
_CAPITAL_WORD = r"(?<![\w'-])(?:(?:[A-Z]\.)+|[A-Z\u00c0-\u00de][^\W_]*)"
_NAME_REGION = re.compile(
    rf"{_CAPITAL_WORD}(?:[-'][^\W_]+)*'?"
    rf"(?:[ "
    rf"\t]+(?:{_CAPITAL_WORD}(?:[-'][^\W_]+)*'?|(?:{'|'.join(sorted(_CONNECTORS))})\b|\d[\d,.]*))*"
)


def normalize_name(text: str) -> str:
    """Lower case, typographic variants folded, possessive and a leading "the" dropped."""
    name = normalize(fold(text)).lower()
    name = re.sub(r"'s?$", "", name)
    return re.sub(r"^the\s+", "", name)


def strip_titles(norm_name: str) -> str:
    """``judge harry t. edwards`` -> ``harry t. edwards``; a bare title is kept."""
    words = norm_name.split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


def find_names(folded: str) -> list[Fact]:
    """Every name in ``folded`` (folded text, dates already masked out)."""
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
            if _capitalised(word) or (
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
