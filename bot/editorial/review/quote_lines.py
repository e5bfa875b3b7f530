"""The citation line an editor pastes under a claim: the sentence's own words, verbatim."""

import re

from bot.content.facts import Fact

QUOTE_CONTEXT_WORDS = 3  # words kept either side of the facts quoted
_WORD = re.compile(r"\S+")


def quote_line(source_id: str, text: str, facts: list[Fact]) -> str:
    """A citation line quoting the sentence's words around ``facts``, verbatim."""
    if not facts:
        return f'> {source_id}: "{text}"'
    start, end = min(f.start for f in facts), max(f.end for f in facts)
    words = [(w.start(), w.end()) for w in _WORD.finditer(text)]
    first = next((k for k, (s, e) in enumerate(words) if e > start), 0)
    last = max((k for k, (s, e) in enumerate(words) if s < end), default=len(words) - 1)
    first, last = (
        max(0, first - QUOTE_CONTEXT_WORDS),
        min(len(words) - 1, last + QUOTE_CONTEXT_WORDS),
    )
    span = text[words[first][0] : words[last][1]].strip()
    return f'> {source_id}: "{span}"'
