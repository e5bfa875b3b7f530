"""SOURCE_MATCH: whether an item is about the case.

A term is a word or phrase matched case-insensitively on word boundaries; terms joined by
``+`` must all appear (``IRS+ICE``). An item matches when any term does, in its title or
text. The default is the brief's own names: the judge, the law's section, the two agencies
together (either spelled out), and the plaintiffs.
"""

import re
from collections.abc import Sequence

DEFAULT_MATCH: tuple[str, ...] = (
    "Kollar-Kotelly",
    "6103",
    "IRS+ICE",
    "Internal Revenue Service+Immigration and Customs Enforcement",
    "IRS+Immigration and Customs Enforcement",
    "Internal Revenue Service+ICE",
    "Center for Taxpayer Rights",
)


class Matcher:
    def __init__(self, terms: Sequence[str] = ()) -> None:
        self.terms = tuple(terms) or DEFAULT_MATCH
        self._patterns = [
            tuple(_pattern(part.strip()) for part in term.split("+")) for term in self.terms
        ]

    def matches(self, *texts: str) -> bool:
        text = "\n".join(texts)
        return any(all(p.search(text) for p in parts) for parts in self._patterns)


def _pattern(phrase: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in phrase.split())
    # Acronyms (ICE, IRS) match as written, so "ice" in "notice" or "price" does not count.
    flags = 0 if phrase.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){words}(?![\w-])", flags)
