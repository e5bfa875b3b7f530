"""Sources: the reports in ``seeds/``, their metadata, paragraphs and sentences.

Each ``NAME.txt`` is kept byte for byte; ``NAME.toml`` beside it holds what the text
states about itself (outlet, byline, date), each with the words it rests on.
"""

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.content.files import read_text
from bot.content.normalize import normalize
from bot.content.problems import Problem
from bot.content.sentences import split_sentences


class ParagraphKind(StrEnum):
    REPORTING = "reporting"
    METADATA = "metadata"  # dateline or "date ... Authored by ..." line
    BYLINE = "byline"
    CAPTION = "caption"  # photo caption ending in a photo credit
    CREDIT = "credit"  # "X contributed to this report."


# Non-reporting patterns. Captions end with a credit like "Madalina Kilroy/The Epoch Times".
_METADATA = re.compile(
    r"^\s*date \d{4}-\d{2}-\d{2}\b|^\s*(?:authored by|posted|updated)\b", re.IGNORECASE
)
_BYLINE = re.compile(r"^\s*[Bb][Yy] [A-Z][\w.'-]+(?: [A-Z][\w.'-]+){0,3}\s*(?:,|$)")
_PHOTO_CREDIT = re.compile(
    r"\b[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){1,3}/[A-Z][\w&.' -]{1,40}\.?\s*$"
    r"|(?i:\((?:photo|image|credit)[^)]*\))\s*$"
)
_CREDIT = re.compile(r"contributed to this report\.?\s*$", re.IGNORECASE)
_LONGEST_CREDIT = 200  # characters: a longer paragraph ending so is reporting
_LONGEST_CAPTION = 400


def classify_paragraph(text: str) -> ParagraphKind:
    if _METADATA.search(text):
        return ParagraphKind.METADATA
    if _BYLINE.search(text):
        return ParagraphKind.BYLINE
    tail = text[-120:]  # credits and captions are recognised by how a short paragraph ends
    if len(text) < _LONGEST_CREDIT and _CREDIT.search(tail):
        return ParagraphKind.CREDIT
    if len(text) < _LONGEST_CAPTION and _PHOTO_CREDIT.search(tail):
        return ParagraphKind.CAPTION
    return ParagraphKind.REPORTING


class SourceMeta(BaseModel):
    """The ``.toml`` beside a source. Stated fields carry a ``*_quote`` from the text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    label: str = Field(min_length=1)
    outlet: str | None = None
    outlet_quote: str | None = None
    byline: str | None = None
    byline_quote: str | None = None
    dateline: str | None = None
    dateline_quote: str | None = None
    published: date | None = None
    published_quote: str | None = None
    # What the printed date is, when the text does not say it is the publication date
    # (e.g. a bare "date 2026-02-28" on a republication line): shown beside the date.
    published_basis: str | None = None
    not_before: date | None = None
    not_before_basis: str | None = None
    not_before_quote: str | None = None
    url: str | None = None
    notes: tuple[str, ...] = ()

    def evidence(self) -> list[tuple[str, str]]:
        """(field, quote) pairs that must occur in the source text."""
        pairs = []
        for name in ("outlet", "byline", "dateline", "published", "not_before"):
            quote = getattr(self, f"{name}_quote")
            if getattr(self, name) is not None and quote is None:
                pairs.append((name, ""))  # stated without evidence: reported by the checker
            elif quote is not None:
                pairs.append((name, quote))
        return pairs


@dataclass(frozen=True, slots=True)
class Paragraph:
    line: int
    text: str
    kind: ParagraphKind


@dataclass(frozen=True, slots=True)
class Sentence:
    source_id: str
    line: int
    text: str


@dataclass(frozen=True)
class Source:
    meta: SourceMeta
    file: Path
    text: str
    paragraphs: tuple[Paragraph, ...]
    reporting_normalized: str  # reporting paragraphs, normalised, one per line
    other_normalized: str  # the non-reporting paragraphs, for clearer errors

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def date(self) -> date | None:
        """The date used for "as of": stated, else the earliest the text allows."""
        return self.meta.published or self.meta.not_before

    @property
    def date_is_exact(self) -> bool:
        return self.meta.published is not None

    def reporting_sentences(self) -> list[Sentence]:
        return [
            Sentence(self.id, p.line, s)
            for p in self.paragraphs
            if p.kind is ParagraphKind.REPORTING
            for s in split_sentences(p.text)
        ]


def parse_source(file: Path, text: str, meta: SourceMeta) -> Source:
    paragraphs = tuple(
        Paragraph(number, line.strip(), classify_paragraph(line))
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    )
    reporting = [normalize(p.text) for p in paragraphs if p.kind is ParagraphKind.REPORTING]
    other = [normalize(p.text) for p in paragraphs if p.kind is not ParagraphKind.REPORTING]
    return Source(meta, file, text, paragraphs, "\n".join(reporting), "\n".join(other))


def load_sources(seeds_dir: Path) -> tuple[list[Source], list[Problem]]:
    """Read every ``*.txt`` in ``seeds_dir`` with its ``.toml``; report what is wrong."""
    sources: list[Source] = []
    problems: list[Problem] = []
    if not seeds_dir.is_dir():
        return [], [Problem(seeds_dir, None, "sources folder not found")]
    seen: dict[str, Path] = {}
    for file in sorted(seeds_dir.glob("*.txt")):
        meta_file = file.with_suffix(".toml")
        meta, meta_problems = _read_meta(meta_file)
        problems += meta_problems
        if meta is None:
            continue
        if meta.id in seen:
            problems.append(
                Problem(
                    meta_file,
                    None,
                    f"source id {meta.id!r} is already used by {seen[meta.id].name}",
                )
            )
            continue
        seen[meta.id] = meta_file
        text = read_text(file)
        if isinstance(text, Problem):
            problems.append(text)
            continue
        sources.append(parse_source(file, text, meta))
    for meta_file in sorted(seeds_dir.glob("*.toml")):
        if not meta_file.with_suffix(".txt").exists():
            problems.append(
                Problem(
                    meta_file,
                    None,
                    f"metadata without a source: {meta_file.with_suffix('.txt').name} is missing",
                )
            )
    if not sources and not problems:
        problems.append(Problem(seeds_dir, None, "no sources (*.txt) found"))
    return sources, problems


def _read_meta(meta_file: Path) -> tuple[SourceMeta | None, list[Problem]]:
    if not meta_file.exists():
        txt = meta_file.with_suffix(".txt").name
        return None, [
            Problem(meta_file, None, f"missing metadata file for {txt} (id and label at least)")
        ]
    raw = read_text(meta_file)
    if isinstance(raw, Problem):
        return None, [raw]
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        line = _toml_error_line(str(error))
        return None, [Problem(meta_file, line, f"not valid TOML: {error}")]
    try:
        return SourceMeta.model_validate(data), []
    except ValidationError as error:
        problems = []
        for item in error.errors():
            field = ".".join(str(part) for part in item["loc"]) or "(file)"
            problems.append(Problem(meta_file, _key_line(raw, field), f"{field}: {item['msg']}"))
        return None, problems


def _toml_error_line(message: str) -> int | None:
    found = re.search(r"at line (\d+)", message)
    return int(found.group(1)) if found else None


def _key_line(raw: str, field: str) -> int | None:
    key = field.split(".", maxsplit=1)[0]
    for number, line in enumerate(raw.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None
