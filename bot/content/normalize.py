"""Text normalisation used to compare quotes with sources.

Only whitespace and typographic variants of quotes, apostrophes, dashes and the
ellipsis are folded; case and wording must match exactly.
"""

import re

_TYPOGRAPHIC: dict[str, str] = {
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
    "\u2026": "...",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u200b": "",
}
# Replacing only the characters that occur is far faster than str.translate on long text.
_TYPOGRAPHIC_CHARS = re.compile("[" + re.escape("".join(_TYPOGRAPHIC)) + "]")
_WHITESPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Fold typographic variants and collapse runs of whitespace to one space."""
    # Most news text is ASCII: nothing to fold but the backtick, the one ASCII variant.
    if not text.isascii() or "`" in text:
        text = _TYPOGRAPHIC_CHARS.sub(lambda m: _TYPOGRAPHIC[m.group()], text)
    return _WHITESPACE.sub(" ", text).strip()
