"""Where each cited passage sits in a report, and the report's paragraphs as marked-up HTML.

A passage's anchor is derived from its own words (normalised, then hashed), so a link to it
survives edits anywhere else in the report or the summaries. Every reporting sentence gets
an anchor the same way, so a ``/quote`` hit links to its sentence; a summary quote that is a
whole sentence simply shares that sentence's anchor.
"""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from markupsafe import Markup, escape

from bot.content.normalize import _TYPOGRAPHIC, normalize  # the very table normalize folds with
from bot.content.sentences import split_sentences
from bot.content.sources import Paragraph, ParagraphKind, Source


def anchor(text: str) -> str:
    """The stable fragment id of a passage: a short hash of its normalised words."""
    digest = hashlib.blake2b(normalize(text).encode("utf-8"), digest_size=6).hexdigest()
    return f"p-{digest}"


_RUNS = re.compile(r"\s+|\S+")


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """``normalize(text)`` plus, for each of its characters, the index it came from in ``text``."""
    chars: list[str] = []
    origins: list[int] = []
    folding = not text.isascii() or "`" in text  # as normalize: the backtick is folded too
    for run in _RUNS.finditer(text):
        start, word = run.start(), run.group()
        if word[0].isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                origins.append(start)
        elif word.isascii() and not (folding and "`" in word):  # nothing to fold: kept fast
            chars.append(word)
            origins.extend(range(start, run.end()))
        else:
            for offset, char in enumerate(word):
                for out in _fold(char):
                    if out == " ":  # a folded space (\u00a0 ...) joins a run of spaces
                        if chars and chars[-1] != " ":
                            chars.append(" ")
                            origins.append(start + offset)
                        continue
                    chars.append(out)
                    origins.append(start + offset)
    if chars and chars[-1] == " ":
        chars.pop()
        origins.pop()
    return "".join(chars), origins


def _fold(char: str) -> str:
    """One character as ``normalize`` folds it (whitespace kept, to be collapsed by the caller)."""
    return " " if char.isspace() else _TYPOGRAPHIC.get(char, char)


def find_in_paragraph(paragraph_text: str, quote: str) -> tuple[int, int] | None:
    """The span of ``paragraph_text`` holding ``quote`` as verification compares them."""
    wanted = normalize(quote)
    if not wanted:
        return None
    normalized, origins = normalize_with_offsets(paragraph_text)
    start = normalized.find(wanted)
    if start < 0:
        return None
    return origins[start], origins[start + len(wanted) - 1] + 1


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of one paragraph drawn as one element (possibly split where spans cross)."""

    start: int
    end: int
    level: int  # 0: a sentence; 1: a quoted passage. Lower levels are drawn outside higher ones.
    anchor: str | None  # the element carrying the id; None for a span that only highlights
    tag: str
    css: str


@dataclass
class Passage:
    """A quoted passage found in the report: where, and what quotes it."""

    anchor: str
    paragraph: int  # index into Source.paragraphs
    start: int
    end: int
    cited: bool = False
    evidence: list[str] = field(default_factory=list)  # metadata fields resting on it


@dataclass
class MarkedSource:
    """A report with its passages located, ready to be drawn paragraph by paragraph."""

    source: Source
    passages: dict[str, Passage]
    missing: list[str]  # quotes that could not be located (content that failed to verify)
    _by_paragraph: dict[int, list[Passage]] | None = field(default=None, repr=False)

    def paragraph_html(self, index: int) -> Markup:
        paragraph = self.source.paragraphs[index]
        spans = _sentence_spans(paragraph) if paragraph.kind is ParagraphKind.REPORTING else []
        ids = {span.anchor for span in spans}
        for passage in self.in_paragraph(index):
            css = " ".join(
                c
                for c, on in (("cited", passage.cited), ("evidence", bool(passage.evidence)))
                if on
            )
            spans.append(
                Span(
                    passage.start,
                    passage.end,
                    1,
                    None if passage.anchor in ids else passage.anchor,
                    "mark",
                    css,
                )
            )
        return render_spans(paragraph.text, spans)

    def in_paragraph(self, index: int) -> list[Passage]:
        if self._by_paragraph is None:
            self._by_paragraph = {}
            for passage in sorted(self.passages.values(), key=lambda p: p.start):
                self._by_paragraph.setdefault(passage.paragraph, []).append(passage)
        return self._by_paragraph.get(index, [])


def mark_source(source: Source, cited_quotes: Iterable[str]) -> MarkedSource:
    """Locate every cited quote (in reporting paragraphs) and every metadata quote (anywhere)."""
    passages: dict[str, Passage] = {}
    missing: list[str] = []
    wanted: list[tuple[str, bool, str | None]] = [(quote, True, None) for quote in cited_quotes]
    wanted += [(quote, False, name) for name, quote in source.meta.evidence() if quote]
    for quote, cited, evidence in wanted:
        key = anchor(quote)
        passage = passages.get(key)
        if passage is None:
            found = _locate(source, quote, reporting_only=cited)
            if found is None:
                missing.append(quote)
                continue
            passage = passages[key] = Passage(key, *found)
        passage.cited = passage.cited or cited
        if evidence:
            passage.evidence.append(evidence)
    return MarkedSource(source, passages, missing)


def _locate(source: Source, quote: str, *, reporting_only: bool) -> tuple[int, int, int] | None:
    """(paragraph index, start, end) of the first paragraph holding ``quote``.

    The source keeps its reporting and its other paragraphs normalised, one per line, so
    one search there finds the paragraph; only that one is mapped back to its offsets.
    """
    wanted = normalize(quote)
    if not wanted:
        return None
    reporting = [i for i, p in enumerate(source.paragraphs) if p.kind is ParagraphKind.REPORTING]
    groups = [(source.reporting_normalized, reporting)]
    if not reporting_only:
        others = [
            i for i, p in enumerate(source.paragraphs) if p.kind is not ParagraphKind.REPORTING
        ]
        groups.append((source.other_normalized, others))
    for text, indexes in groups:
        found = text.find(wanted)
        if found < 0:
            continue
        index = indexes[text.count("\n", 0, found)]
        span = find_in_paragraph(source.paragraphs[index].text, quote)
        if span is not None:
            return index, *span
    return None


def _sentence_spans(paragraph: Paragraph) -> list[Span]:
    spans = []
    position = 0
    for sentence in split_sentences(paragraph.text):
        start = paragraph.text.find(sentence, position)
        if start < 0:  # split_sentences keeps sentences verbatim, so this does not happen
            continue
        position = start + len(sentence)
        spans.append(Span(start, position, 0, anchor(sentence), "span", "sentence"))
    return spans


def render_spans(text: str, spans: Iterable[Span]) -> Markup:
    """``text`` escaped, with every span drawn as an element, properly nested.

    Spans may cross (two quotes that overlap, or a quote running past a sentence's end).
    HTML elements cannot, so a crossing span is closed and reopened around the other: its
    first element carries the id, the continuation only the highlight.
    """
    spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    seen: set[str] = set()
    unique = []
    for span in spans:  # one element per id, even if two spans share one
        if span.anchor is not None and span.anchor in seen:
            unique.append(Span(span.start, span.end, span.level, None, span.tag, span.css))
            continue
        if span.anchor is not None:
            seen.add(span.anchor)
        unique.append(span)
    order = {id(s): (s.level, s.start, -s.end, i) for i, s in enumerate(unique)}
    bounds = sorted({0, len(text)} | {s.start for s in unique} | {s.end for s in unique})
    out: list[str] = []
    stack: list[Span] = []
    opened: set[int] = set()
    for start, end in pairwise(bounds):
        covering = sorted(
            (s for s in unique if s.start <= start and end <= s.end), key=lambda s: order[id(s)]
        )
        keep = 0
        while keep < min(len(stack), len(covering)) and stack[keep] is covering[keep]:
            keep += 1
        out.extend(f"</{span.tag}>" for span in reversed(stack[keep:]))
        del stack[keep:]
        for span in covering[keep:]:
            out.append(_open(span, first=id(span) not in opened))
            opened.add(id(span))
            stack.append(span)
        out.append(str(escape(text[start:end])))
    out.extend(f"</{span.tag}>" for span in reversed(stack))
    return Markup("".join(out))  # noqa: S704 - every text piece was escaped above


def _open(span: Span, *, first: bool) -> str:
    css = span.css if first else f"{span.css} continued".strip()
    attributes = f' id="{span.anchor}"' if first and span.anchor else ""
    if css:
        attributes += f' class="{css}"'
    return f"<{span.tag}{attributes}>"
