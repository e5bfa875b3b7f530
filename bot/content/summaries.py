"""Summaries: one Markdown-like file per topic, every factual line cited.

Format (see docs/editing.md)::

    # Title
    ## Section heading
    - A factual claim, one or more sentences.
      > source-id: "a verbatim quote from that source"
    - **Label**: a claim shown as a figure or a dated entry. {#claim-id}
      ! Correction: what the earlier wording got wrong, in one sentence.
      > other-source: "another quote"
        ~ es: "an editor's rendering of that quote, in Spanish"

Text outside a claim is refused, so no factual sentence can go uncited.
``<!-- ... -->`` comments are for editors and never shown.

A claim may end a line with an id, ``{#claim-id}``: a translated claim carries the id of
the English claim it renders, and the id stays when the wording changes. Under a quote,
``~ es: "..."`` gives an editor's translation of it (a translation, labelled as such; the
quote itself stays verbatim English). A translated topic records the English version it
follows in a comment, ``<!-- english-version: 1a2b3c4d5e6f -->``.

An edited claim may carry one ``! Correction: ...`` line (``! Corrección: ...`` in Spanish)
under it: what its earlier wording got wrong. It is shown to readers and held to the support
check like the claim's own text; whether the claim really changed is decided against the
recorded versions (bot/updates/versions.py), not here.
"""

import hashlib
import re
from collections.abc import Callable
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
_RENDERING = re.compile(
    r"^\s+~\s*(?P<lang>[a-z]{2,3})\s*:\s*[\"\u201c\u00ab](?P<text>.+)[\"\u201d\u00bb]\s*$"
)
_CORRECTION = re.compile(r"^\s+!\s*(?P<label>[^\s:]+)\s*:\s*(?P<text>\S.*)$")
CORRECTION_LABELS = ("Correction", "Corrección")  # English, Spanish
_CLAIM_ID = re.compile(r"\s*\{#(?P<id>[^}]*)\}\s*$")
VALID_CLAIM_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ENGLISH_VERSION = re.compile(r"<!--\s*english-version:\s*(?P<version>[0-9a-f]+)\s*-->")
_CONTINUATION = re.compile(r"^\s+\S")
_COMMENT_OPEN, _COMMENT_CLOSE = "<!--", "-->"
MIN_QUOTE_WORDS = 3
VERSION_DIGITS = 12


@dataclass(frozen=True, slots=True)
class Rendering:
    """An editor's translation of a quote: shown beside it, labelled, never verified."""

    lang: str
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Citation:
    source_id: str
    quote: str
    line: int
    renderings: tuple[Rendering, ...] = ()

    def rendering(self, lang: str) -> Rendering | None:
        return next((r for r in self.renderings if r.lang == lang), None)


@dataclass(frozen=True, slots=True)
class Claim:
    text: str
    label: str | None
    citations: tuple[Citation, ...]
    line: int
    id: str | None = None  # ``{#claim-id}``: the same claim across edits and languages
    correction: str | None = None  # ``! Correction: ...``: what the earlier wording got wrong
    correction_line: int | None = None


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
    english_version: str | None = None  # a translation: the English version it follows

    def claims(self) -> list[Claim]:
        return [claim for section in self.sections for claim in section.claims]

    def version(self) -> str:
        """A short hash of what the topic says: title, headings, claims (ids, labels, text)
        and their quotes. Whitespace and comments do not count; a translation records the
        English version it follows (``<!-- english-version: ... -->``).
        """
        parts = [self.title]
        for section in self.sections:
            parts.append(section.heading)
            for claim in section.claims:
                parts += (claim.id or "", claim.label or "", claim.text)
                parts += (f"{c.source_id}:{c.quote}" for c in claim.citations)
        # One pass joins, folds runs of whitespace and hashes (NUL is no whitespace).
        digest = hashlib.sha256(" ".join("\x00".join(parts).split()).encode("utf-8"))
        return digest.hexdigest()[:VERSION_DIGITS]


@dataclass
class _DraftClaim:
    text: str
    label: str | None
    line: int
    citations: list[Citation] = field(default_factory=list)
    id: str | None = None
    correction: str | None = None
    correction_line: int | None = None

    def freeze(self) -> Claim:
        return Claim(
            self.text,
            self.label,
            tuple(self.citations),
            self.line,
            self.id,
            self.correction,
            self.correction_line,
        )


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
        head = line.lstrip()[:1]  # what a line starts with says what it can be
        if in_comment or (head == "<" and line.lstrip().startswith(_COMMENT_OPEN)):
            in_comment = _COMMENT_CLOSE not in line
            continue
        if not head:
            continue
        if head == "~":  # a translation: half the lines of a translated topic
            _add_rendering(b, line, number, problem)
        elif head == "!" and raw[:1].isspace():
            _add_correction(b, line, number, problem)
        elif head == ">" and (m := _CITATION.match(line)):
            _add_citation(b, m, number, problem)
        elif m := _TITLE.match(line):
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
            b.claim = _DraftClaim("", label, number)
            _add_text(b.claim, m["text"], number, problem)
        elif _LOOSE_CITATION.match(line):
            problem(number, 'citation not understood; write it as: > source-id: "verbatim quote"')
        elif _CONTINUATION.match(line) and b.claim is not None and not b.claim.citations:
            _add_text(b.claim, line.strip(), number, problem)
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
    version = _ENGLISH_VERSION.search(text)
    return Topic(
        file.stem, b.title, sections, file, version["version"] if version else None
    ), problems


def _add_citation(
    b: _Builder, m: re.Match[str], number: int, problem: Callable[[int, str], None]
) -> None:
    if b.claim is None:
        problem(number, "citation without a claim above it")
        return
    quote = m["quote"].strip()
    if len(quote.split()) < MIN_QUOTE_WORDS:
        problem(
            number,
            f"quote too short to prove anything (at least {MIN_QUOTE_WORDS} words): {quote!r}",
        )
    b.claim.citations.append(Citation(m["source"], quote, number))


def _add_rendering(
    b: _Builder, line: str, number: int, problem: Callable[[int, str], None]
) -> None:
    """``~ es: "..."``: the editors' translation of the quote above."""
    m = _RENDERING.match(line)
    if m is None:
        problem(
            number,
            'translation not understood; write it under its quote, indented, as: ~ es: "..."',
        )
        return
    if b.claim is None or not b.claim.citations:
        problem(number, "translation without a quote above it")
        return
    last = b.claim.citations[-1]
    if last.rendering(m["lang"]) is not None:
        problem(number, f"a second '~ {m['lang']}:' translation of the same quote")
        return
    rendering = Rendering(m["lang"], m["text"].strip(), number)
    b.claim.citations[-1] = Citation(
        last.source_id, last.quote, last.line, (*last.renderings, rendering)
    )


def _add_correction(
    b: _Builder, line: str, number: int, problem: Callable[[int, str], None]
) -> None:
    """``! Correction: ...`` under a claim: what its earlier wording got wrong."""
    m = _CORRECTION.match(line)
    if m is None or m["label"] not in CORRECTION_LABELS:
        problem(
            number,
            "correction not understood; write it under its claim, indented, as: "
            "! Correction: what was wrong, in one sentence",
        )
        return
    if b.claim is None:
        problem(number, "correction without a claim above it")
        return
    if b.claim.correction is not None:
        problem(
            number,
            f"a second correction on one claim (the first is at line {b.claim.correction_line}); "
            "say what was wrong in one correction line",
        )
        return
    b.claim.correction = m["text"].strip()
    b.claim.correction_line = number


def _add_text(
    claim: _DraftClaim, text: str, line: int, problem: Callable[[int, str], None]
) -> None:
    """Add one line of a claim's text, taking a ``{#claim-id}`` off its end."""
    found = _CLAIM_ID.search(text)
    if found is not None:
        text = text[: found.start()]
        wanted = found["id"].strip()
        if not VALID_CLAIM_ID.match(wanted):
            problem(
                line,
                f"claim id {{#{wanted}}} not understood: use lower-case letters, digits and "
                "single hyphens, e.g. {#romo-filing}",
            )
        elif claim.id is not None:
            problem(line, f"a second claim id {{#{wanted}}}; this claim is {{#{claim.id}}}")
        else:
            claim.id = wanted
    claim.text = f"{claim.text} {text.strip()}".strip()


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
    return topics, problems + duplicate_ids(topics)


def duplicate_ids(topics: list[Topic]) -> list[Problem]:
    """A claim id names one claim across all topics of a language."""
    seen: dict[str, tuple[Path, int]] = {}
    problems = []
    for topic in topics:
        for claim in topic.claims():
            if claim.id is None:
                continue
            if claim.id in seen:
                file, line = seen[claim.id]
                problems.append(
                    Problem(
                        topic.file,
                        claim.line,
                        f"claim id {{#{claim.id}}} is already used at {file.name}:{line}",
                    )
                )
            else:
                seen[claim.id] = (topic.file, claim.line)
    return problems


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == needle:
            return number
    return None
