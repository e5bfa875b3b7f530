"""Phrases editors declared for one language, read as one fact wherever a claim uses them.

A Spanish name of a body runs over words the name rules would split ("Servicio de
Inmigración y Control de Aduanas", "Tribunal de Apelaciones de EE. UU. para el Circuito de
D.C."), and a Spanish wording of a relative date has no CLDR form ("a principios de esta
semana" for "earlier this week"). Declared in ``summaries/es/aliases.toml``, they are found
before the rules run, each as one name or one date.
"""

import re
from dataclasses import dataclass
from functools import cached_property

from bot.content.facts.model import Fact, Kind, PartialDate
from bot.content.facts.name_rules import normalize_name


def _spaced(words: str) -> str:
    return r"\s+".join(re.escape(part) for part in words.split())


def _as_written(name: str) -> str:
    """A name declared starting in lower case ("artículo 6103 ...") may start a sentence
    capitalised; one declared capitalised must be written so.
    """
    first = name[0]
    if not first.islower():
        return _spaced(name)
    return f"[{re.escape(first.upper())}{re.escape(first)}]" + _spaced(name[1:])


@dataclass(frozen=True, eq=False)  # compared by identity: one object per content load
class Phrases:
    names: tuple[str, ...] = ()  # as declared
    dates: tuple[tuple[str, PartialDate], ...] = ()  # lower-case words -> the date they mean

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        """Names as written (see ``_as_written``), so "la declaración de Romo" (her
        statement) is not "la Declaración de Romo" (the filing); dates in any case.
        """
        names = [_as_written(w) for w in self.names if w.strip()]
        dates = [f"(?i:{_spaced(w)})" for w, _ in self.dates if w.strip()]
        if not names and not dates:
            return None
        alternatives = sorted([*names, *dates], key=len, reverse=True)
        return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])")

    @cached_property
    def _dates(self) -> dict[str, PartialDate]:
        return {" ".join(w.split()): d for w, d in self.dates}

    def find(self, folded: str) -> tuple[list[Fact], list[Fact]]:
        """The declared dates and names in ``folded`` (folded text), as facts."""
        if self._pattern is None:
            return [], []
        dates: list[Fact] = []
        names: list[Fact] = []
        for match in self._pattern.finditer(folded):
            words = match.group()
            date = self._dates.get(" ".join(words.lower().split()))
            start, end = match.span()
            if date is not None:
                dates.append(Fact(Kind.DATE, words, date.norm, start, end, date=date))
            else:
                names.append(Fact(Kind.NAME, words, normalize_name(words), start, end))
        return dates, names
