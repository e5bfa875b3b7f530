"""Word-level facts in a sentence: figures, dates, proper names and quoted phrases.

Deterministic and rule-based (regular expressions and small word lists, no language
model), so the same text always yields the same facts. Each fact keeps the words as
written, where they are, and a normalised form for comparison:

- figures (``figure_rules``): ``42,695`` -> ``42695``; ``1.28 million`` -> ``1280000``;
- dates (``date_rules``): ``Feb. 26, 2026`` -> ``2026-02-26``; ``Thursday's`` -> ``thursday``;
- names (``name_rules``): ``Judge Harry T. Edwards`` -> ``judge harry t. edwards``;
- quoted phrases (``extraction``): the words between double quotes, typographic variants
  folded (``text.fold``).

Spanish claims are read by ``spanish_dates`` and ``spanish_figures`` (the Spanish locale's
CLDR data through Babel; number words through text2num), with Spanish name words, after
the phrases editors declared (``phrases``).

``extraction`` runs them in one cached pass; ``model`` holds ``Fact`` and ``PartialDate``.
The names below are the package's public face: import them from ``bot.content.facts``.
"""

from bot.content.facts.extraction import (
    clear_cache,
    dates,
    extract_facts,
    figures,
    names,
    normalize_figure,
    parse_date,
    quoted_phrases,
)
from bot.content.facts.model import Fact, Kind, PartialDate
from bot.content.facts.name_rules import TITLES, normalize_name, strip_titles
from bot.content.facts.phrases import Phrases
from bot.content.facts.text import contains_words, fold

__all__ = [
    "TITLES",
    "Fact",
    "Kind",
    "PartialDate",
    "Phrases",
    "clear_cache",
    "contains_words",
    "dates",
    "extract_facts",
    "figures",
    "fold",
    "names",
    "normalize_figure",
    "normalize_name",
    "parse_date",
    "quoted_phrases",
    "strip_titles",
]
