"""Text helpers every fact rule relies on: folding that keeps offsets, whole-word search."""

import re

# Character folding that keeps offsets (one character in, one out).
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


_FOLDED = re.compile("[" + re.escape("".join(chr(c) for c in _FOLD)) + "]")


def fold(text: str) -> str:
    """Typographic quotes, apostrophes and dashes to ASCII, keeping every offset."""
    # translate() is slow on non-ASCII text (Spanish: every claim); most holds none of the
    # folded characters, which one search tells.
    if text.isascii() or _FOLDED.search(text) is None:
        return text
    return text.translate(_FOLD)


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
