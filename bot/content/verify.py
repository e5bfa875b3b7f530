"""Proof that every cited quote occurs in its source's reporting."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.content.declarations import Declarations
from bot.content.normalize import normalize
from bot.content.problems import Problem
from bot.content.sources import ParagraphKind, Source
from bot.content.summaries import Citation, Topic
from bot.content.support import check_support


@dataclass(frozen=True, slots=True)
class Verification:
    problems: tuple[Problem, ...]
    claims: int
    quotes: int
    metadata_quotes: int
    uncited_sources: tuple[str, ...]
    facts: int | None = None  # facts the support check compared; None when it did not run

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary_line(self, sources: int, topics: int) -> str:
        verdict = "OK" if self.ok else f"FAILED with {len(self.problems)} problem(s)"
        return (
            f"{verdict}: {self.quotes} quotes in {self.claims} claims across {topics} summaries "
            f"checked against {sources} sources; {self.metadata_quotes} metadata quotes checked; "
            f"{len(self.uncited_sources)} source(s) not cited"
            + (
                f"; {self.facts} figures, dates, names and quoted phrases in claims checked "
                f"against their quotes"
                if self.facts is not None
                else ""
            )
        )


def verify(
    sources: Mapping[str, Source],
    topics: Iterable[Topic],
    declarations: Declarations | None = None,
    verified: frozenset[tuple[str, str]] = frozenset(),
) -> Verification:
    """Check every quote against its source and, given ``declarations``, every claim
    against its quotes (the support check). Quotes in ``verified`` ((source id, quote)
    pairs, e.g. the English ones a translation cites again) are known to be there.
    """
    topics = list(topics)
    problems: list[Problem] = []
    cited: set[str] = set()
    claims = quotes = 0
    for topic in topics:
        for claim in topic.claims():
            claims += 1
            for citation in claim.citations:
                quotes += 1
                source = sources.get(citation.source_id)
                if source is None:
                    known = ", ".join(sources) or "none"
                    problems.append(
                        Problem(
                            topic.file,
                            citation.line,
                            f"unknown source {citation.source_id!r} (known: {known})",
                        )
                    )
                    continue
                cited.add(source.id)
                if (source.id, citation.quote) in verified:
                    continue
                problem = check_quote(topic, citation, source)
                if problem is not None:
                    problems.append(problem)
    metadata_quotes = 0
    for source in sources.values():
        metadata_quotes += len(source.meta.evidence())
        problems += _check_metadata(source)
    uncited = tuple(source_id for source_id in sources if source_id not in cited)
    facts = None
    if declarations is not None:
        support = check_support(sources, topics, declarations)
        problems += support.problems
        facts = support.facts
    return Verification(tuple(problems), claims, quotes, metadata_quotes, uncited, facts)


def check_quote(topic: Topic, citation: Citation, source: Source) -> Problem | None:
    quote = normalize(citation.quote)
    if quote in source.reporting_normalized:
        return None
    name = source.file.name
    if quote in source.other_normalized:
        kind = _non_reporting_kind(source, quote)
        return Problem(
            topic.file,
            citation.line,
            f"quote is from a {kind} line of {name}, which is not reporting on the case",
            f'quote: "{citation.quote}"',
        )
    passage, line = closest_passage(source, quote)
    return Problem(
        topic.file,
        citation.line,
        f"quote not found in {source.id} ({name})",
        f'quote:   "{citation.quote}"\nclosest: "{passage}" ({name}:{line})',
    )


def closest_passage(source: Source, quote: str) -> tuple[str, int]:
    """The passage of the source most like ``quote``, widened to whole words."""
    best = (-1.0, "", 0)
    for paragraph in source.paragraphs:
        text = normalize(paragraph.text)
        alignment = fuzz.partial_ratio_alignment(quote, text)
        if alignment is not None and alignment.score > best[0]:
            start, end = _widen(text, alignment.dest_start, alignment.dest_end)
            best = (alignment.score, text[start:end], paragraph.line)
    return best[1], best[2]


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _non_reporting_kind(source: Source, quote: str) -> str:
    for paragraph in source.paragraphs:
        if paragraph.kind is not ParagraphKind.REPORTING and quote in normalize(paragraph.text):
            return paragraph.kind.value
    return "non-reporting"


def _check_metadata(source: Source) -> list[Problem]:
    meta_file = source.file.with_suffix(".toml")
    problems = []
    for field, quote in source.meta.evidence():
        if not quote:
            problems.append(
                Problem(
                    meta_file,
                    None,
                    f"{field} is stated without {field}_quote: quote the words of the text it "
                    f"rests on",
                )
            )
            continue
        wanted = normalize(quote)
        if wanted not in source.reporting_normalized and wanted not in source.other_normalized:
            problems.append(
                Problem(
                    meta_file,
                    None,
                    f"{field}_quote not found in {source.file.name}",
                    f'quote: "{quote}"',
                )
            )
    return problems
