"""Text normalisation used to compare quotes with sources.

Only whitespace and typographic variants of quotes, apostrophes, dashes and the
ellipsis are folded; case and wording must match exactly.
"""

import re

_TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
    }
)
_WHITESPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold typographic variants and collapse runs of whitespace to one space."""
    return _WHITESPACE.sub(" ", text.translate(_TYPOGRAPHIC)).strip()
