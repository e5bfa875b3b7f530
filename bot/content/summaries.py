"""Summaries: one Markdown-like file per topic, every factual line cited.

Format (see docs/editing.md)::

    # Title
    ## Section heading
    - A factual claim, one or more sentences.
      > source-id: "a verbatim quote from that source"
    - **Label**: a claim shown as a figure or a dated entry.
      > other-source: "another quote"

Text outside a claim is refused, so no factual sentence can go uncited.
``<!-- ... -->`` comments are for editors and never shown.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.content.files import read_text
from bot.content.problems import Problem

_TITLE = re.compile(r"^#\s+(?P<title>\S.*)$")
_SECTION = re.compile(r"^##\s+(?P<heading>\S.*)$")
_CLAIM = re.compile(r"^-\s+(?:\*\*(?P<label>[^*]+)\*\*:?\s+)?(?P<text>\S.*)$")
_CITATION = re.compile(
    r"^\s*>\s*(?P<source>[a-z0-9][a-z0-9._-]*)\s*:\s*[\"\u201c](?P<quote>.+)[\"\u201d]\s*$"
)
_LOOSE_CITATION = re.compile(r"^\s*>")
_CONTINUATION = re.compile(r"^\s+\S")
_COMMENT_OPEN, _COMMENT_CLOSE = "<!--", "-->"
MIN_QUOTE_WORDS = 3


@dataclass(frozen=True, slots=True)
class Citation:
    source_id: str
    quote: str
    line: int


@dataclass(frozen=True, slots=True)
class Claim:
    text: str
    label: str | None
    citations: tuple[Citation, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Section:
    heading: str
    claims: tuple[Claim, ...]


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    title: str
    sections: tuple[Section, ...]
    file: Path

    def claims(self) -> list[Claim]:
        return [claim for section in self.sections for claim in section.claims]


@dataclass
class _DraftClaim:
    text: str
    label: str | None
    line: int
    citations: list[Citation] = field(default_factory=list)

    def freeze(self) -> Claim:
        return Claim(self.text, self.label, tuple(self.citations), self.line)


class _Builder:
    """Accumulates one file's structure while lines are read."""

    def __init__(self) -> None:
        self.title: str | None = None
        self.sections: list[tuple[str, list[Claim]]] = []
        self.claim: _DraftClaim | None = None

    def close_claim(self) -> None:
        if self.claim is not None:
            self.sections[-1][1].append(self.claim.freeze())
            self.claim = None


def parse_topic(file: Path, text: str) -> tuple[Topic | None, list[Problem]]:
    problems: list[Problem] = []
    b = _Builder()
    in_comment = False

    def problem(line: int, message: str) -> None:
        problems.append(Problem(file, line, message))

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if in_comment or line.lstrip().startswith(_COMMENT_OPEN):
            in_comment = _COMMENT_CLOSE not in line
            continue
        if not line.strip():
            continue
        if m := _TITLE.match(line):
            if b.title is not None:
                problem(number, "a second '# ' title; a topic file has one title")
            b.title = m["title"].strip()
        elif m := _SECTION.match(line):
            if b.title is None:
                problem(number, "section before the '# ' title")
            b.close_claim()
            b.sections.append((m["heading"].strip(), []))
        elif m := _CLAIM.match(line):
            if not b.sections:
                problem(number, "claim before any '## ' section heading")
                b.sections.append(("", []))
            b.close_claim()
            label = m["label"].strip() if m["label"] else None
            b.claim = _DraftClaim(m["text"].strip(), label, number)
        elif m := _CITATION.match(line):
            if b.claim is None:
                problem(number, "citation without a claim above it")
                continue
            quote = m["quote"].strip()
            if len(quote.split()) < MIN_QUOTE_WORDS:
                problem(
                    number,
                    f"quote too short to prove anything (at least {MIN_QUOTE_WORDS} words): "
                    f"{quote!r}",
                )
            b.claim.citations.append(Citation(m["source"], quote, number))
        elif _LOOSE_CITATION.match(line):
            problem(number, 'citation not understood; write it as: > source-id: "verbatim quote"')
        elif _CONTINUATION.match(line) and b.claim is not None and not b.claim.citations:
            b.claim.text = f"{b.claim.text} {line.strip()}"
        else:
            problem(
                number,
                "text outside a claim; every factual sentence must be a '- ' claim followed by '> "
                'source-id: "quote"\'',
            )
    b.close_claim()
    if in_comment:
        problem(len(text.splitlines()), "comment '<!--' is never closed with '-->'")
    if b.title is None:
        problem(1, "missing '# Title' line")
    for heading, claims in b.sections:
        if not claims:
            problems.append(
                Problem(file, _line_of(text, f"## {heading}"), f"section {heading!r} has no claims")
            )
    for _, claims in b.sections:
        for claim in claims:
            if not claim.citations:
                problem(
                    claim.line,
                    "claim has no citation; add '> source-id: \"verbatim quote\"' below it",
                )
    if b.title is None:
        return None, problems
    sections = tuple(Section(heading, tuple(claims)) for heading, claims in b.sections)
    return Topic(file.stem, b.title, sections, file), problems


def load_topics(summaries_dir: Path) -> tuple[list[Topic], list[Problem]]:
    if not summaries_dir.is_dir():
        return [], [Problem(summaries_dir, None, "summaries folder not found")]
    topics: list[Topic] = []
    problems: list[Problem] = []
    for file in sorted(summaries_dir.glob("*.md")):
        if file.name.lower() == "readme.md":
            continue
        text = read_text(file)
        if isinstance(text, Problem):
            problems.append(text)
            continue
        topic, found = parse_topic(file, text)
        problems += found
        if topic is not None:
            topics.append(topic)
    return topics, problems


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == needle:
            return number
    return None
