"""Proper names in a sentence: runs of capitalised words, and how names are compared.

``the IRS'`` -> ``irs``; ``Judge Harry T. Edwards`` -> ``judge harry t. edwards``;
``IRS Code 6103`` stays one name; ``IRS-ICE`` is two names, ``irs`` and ``ice``.

Capitalised words that start a sentence are names only when they could not be an
ordinary word there: several capitalised words in a row, an acronym, an inner capital,
or a word the caller knows to be a name (marked ``initial`` here; ``extract_facts``
keeps it only when the caller's ``known_names`` hold it).
"""

import re
from dataclasses import dataclass, field

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


def _name_region(connectors: frozenset[str]) -> re.Pattern[str]:
    return re.compile(
        rf"{_CAPITAL_WORD}(?:[-'][^\W_]+)*'?"
        rf"(?:[ \t]+(?:{_CAPITAL_WORD}(?:[-'][^\W_]+)*'?"
        rf"|(?:{'|'.join(sorted(connectors))})\b|\d[\d,.]*))*"
    )


_WORD_CONNECTOR = 2  # "Funcionarios del": a run longer than a word and its connector


@dataclass(frozen=True)
class NameWords:
    """The words of one language that shape names: ordinary words that may start a sentence
    capitalised, words joining a name's parts, words a number belongs to, titles.
    """

    function_words: frozenset[str]
    connectors: frozenset[str]
    articles: frozenset[str]  # connectors that may follow another ("Court of the ...")
    numbered: frozenset[str]
    titles: frozenset[str]
    # Spanish: a capitalised common noun starting a sentence joins a name through "de"
    # ("Funcionarios del IRS"); split it off as a sentence-initial word.
    split_at_start: bool = False
    region: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "region", _name_region(self.connectors))


ENGLISH = NameWords(_FUNCTION_WORDS, _CONNECTORS, frozenset({"the"}), _NUMBERED, TITLES)
# Spanish: titles and months are written in lower case, so fewer ordinary words start a
# capitalised run; these may still start a sentence. English ones stay (claims name
# "The Epoch Times"). Not locale data: CLDR has no such lists.
SPANISH = NameWords(
    _FUNCTION_WORDS
    | frozenset(
        """
        el la los las lo un una unos unas al del de en con por para sin sobre tras desde hasta
        según entre ante bajo contra durante mediante hacia y e o u ni pero sino aunque porque
        pues que qué quien quién quienes cuyo cuya donde dónde cuando cuándo como cómo cuanto
        este esta estos estas ese esa esos esas aquel aquella ello ella ellas él ellos su sus
        se le les nos ya no sí también tampoco solo sólo además luego después antes entonces
        así aún todavía otro otra otros otras ambos ambas ninguno ninguna ningún cada todo toda
        todos todas varios varias muchos muchas mismo misma alguno alguna algún quien nadie
        dos tres cuatro cinco seis siete ocho nueve diez once doce trece múltiples hay fue es
        son era eran sería dijo dice escribió afirma añade declaró
        """.split()
    ),
    _CONNECTORS | {"las", "el"},
    frozenset({"the", "el", "la", "los", "las"}),
    frozenset(
        {
            "artículo",
            "sección",
            "código",
            "formulario",
            "ley",
            "capítulo",
            "título",
            "orden",
            "número",
            "núm.",
            "enmienda",
            "regla",
            "parte",
        }
    ),
    TITLES
    | frozenset(
        """
        juez jueza magistrado magistrada presidente presidenta secretario secretaria senador
        senadora gobernador gobernadora comisionado comisionada funcionario funcionaria
        director directora fiscal sr. sra. dr. dra.
        """.split()
    ),
    split_at_start=True,
)


def normalize_name(text: str) -> str:
    """Lower case, typographic variants folded, possessive and a leading "the" dropped."""
    name = normalize(fold(text)).lower()
    name = re.sub(r"'s?$", "", name)
    return re.sub(r"^the\s+", "", name)


def strip_titles(norm_name: str) -> str:
    """``judge harry t. edwards`` -> ``harry t. edwards``; a bare title is kept. English and
    Spanish titles both ("jueza Colleen Kollar-Kotelly").
    """
    words = norm_name.split()
    while len(words) > 1 and words[0] in SPANISH.titles:
        words = words[1:]
    return " ".join(words)


def find_names(folded: str, words: NameWords = ENGLISH) -> list[Fact]:
    """Every name in ``folded`` (folded text, dates already masked out)."""
    facts: list[Fact] = []
    for region in words.region.finditer(folded):
        tokens = list(_TOKEN.finditer(folded, region.start(), region.end()))
        facts += _names_in(folded, tokens, words)
    return facts


def _names_in(folded: str, tokens: list[re.Match[str]], words: NameWords) -> list[Fact]:
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
                word.lower() in words.connectors
                and j + 1 < len(tokens)
                and (
                    _capitalised(tokens[j + 1].group())
                    or tokens[j + 1].group().lower() in words.articles
                )
                and _joined(folded, tokens[j], tokens[j + 1])
            ):
                run.append(tokens[j])
                j += 1
            elif word[0].isdigit() and run[-1].group().lower().rstrip("'") in words.numbered:
                run.append(tokens[j])
                j += 1
                break
            else:
                break
        while run and not _capitalised(run[-1].group()) and not run[-1].group()[0].isdigit():
            run.pop()  # a trailing connector
        facts += _name_facts(folded, run, words)
        i = j
    return facts


def _name_facts(folded: str, run: list[re.Match[str]], words: NameWords) -> list[Fact]:
    at_start = _sentence_start(folded, run[0].start())
    while run and (
        run[0].group().lower() in words.function_words and (at_start or run[0].group() == "The")
    ):
        run = run[1:]
        at_start = False
    while run and not _capitalised(run[0].group()):
        run = run[1:]  # a connector left at the front: "In the Washington report"
    if not run:
        return []
    if (
        words.split_at_start
        and at_start
        and len(run) > _WORD_CONNECTOR
        and run[1].group().lower() in words.connectors
    ):
        return _name_facts(folded, run[:1], words) + _name_facts(folded, run[1:], words)
    if len(run) == 1:
        word = run[0].group()
        if word.lower() in words.function_words or len(_bare(word)) == 1:
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
    name = folded[start:end]
    bare = _bare(name)  # the possessive is not part of the name
    return [Fact(Kind.NAME, bare, normalize_name(name), start, start + len(bare))]


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
