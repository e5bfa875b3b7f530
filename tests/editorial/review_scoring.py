"""`review` on the real reports, in both directions, scored against the expected answer.

A direction: a brief built from one report alone (tests/editorial/one_report.py), the other
report added with `source add`, then reviewed. The review's JSON is scored against
tests/editorial/review_answers.toml (what a careful reader finds):

- found: disagreements named on the right sentence against a claim quote of the other
  report's words, as a contradiction or a possible one (and at which level);
- false contradicts: asserted contradictions that match no disagreement;
- wrong matches: claims tied to a sentence (corroborates, contradicts, possibly
  contradicts) through a quote of a sentence that does not report the same thing.

Scored from the JSON alone (with the world's summaries to find a claim's quotes), so the
same code measures any version of `review` (benchmarks/review_quality.py runs it on main).
"""

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content.facts import fold
from bot.content.sources import SourceMeta, parse_source
from bot.content.summaries import load_topics
from tests.editorial.one_report import EPOCH_TIMES, ROOT, WASHINGTON, Report

ANSWERS = Path(__file__).with_name("review_answers.toml")
REVIEWED_ID = {EPOCH_TIMES.id: "epoch", WASHINGTON.id: "washington"}


@dataclass(frozen=True)
class Direction:
    reviewed: Report  # the report added and reviewed
    kept: Report  # the one the brief is built from

    @property
    def name(self) -> str:
        return f"{self.reviewed.id} reviewed against a brief of {self.kept.id}"


BOTH_WAYS = (Direction(WASHINGTON, EPOCH_TIMES), Direction(EPOCH_TIMES, WASHINGTON))


@dataclass
class Score:
    direction: Direction
    expected: list[str] = field(default_factory=list)  # disagreement ids visible this way
    found: dict[str, str] = field(default_factory=dict)  # id -> "contradicts" | "possible"
    false_contradicts: list[str] = field(default_factory=list)
    matches: int = 0
    wrong_matches: list[str] = field(default_factory=list)
    contradicts: int = 0  # contradictions asserted
    possible: int = 0  # possible contradictions shown
    possible_unlisted: list[str] = field(default_factory=list)

    @property
    def missed(self) -> list[str]:
        return [d for d in self.expected if d not in self.found]


def answers() -> dict[str, Any]:
    return tomllib.loads(ANSWERS.read_text(encoding="utf-8"))


def _norm(text: str) -> str:
    return " ".join(fold(text).split())


def _sentences(report: Report) -> list[str]:
    file = ROOT / "seeds" / f"{report.file}.txt"
    meta = SourceMeta(id=report.id, label=report.id)
    return [
        s.text
        for s in parse_source(file, file.read_text(encoding="utf-8"), meta).reporting_sentences()
    ]


def _parallel_of(report: Report, other: Report) -> dict[str, set[str]]:
    """Each sentence-start of ``report`` -> the sentence-starts of ``other`` reporting the same."""
    out: dict[str, set[str]] = {}
    for group in answers()["parallel"]:
        for start in group[report.id]:
            out.setdefault(_norm(start), set()).update(_norm(s) for s in group[other.id])
    return out


def _sentence_start(sentences: list[str], quote: str) -> str | None:
    """The sentence of ``sentences`` a quote is from (its first 40 characters found)."""
    probe = _norm(quote)[:40]
    return next((_norm(s) for s in sentences if probe in _norm(s)), None)


Tie = tuple[str, str, dict[str, Any], str, str, str, list[dict[str, Any]]]


def _ties(data: dict[str, Any]) -> list[Tie]:
    """(verdict, sentence, claim, detail, here, there, other claims) for every claim the
    review ties a sentence to; detail: the shared facts of a corroboration, else the
    claim's quote; other claims: those listed with a contradiction as quoting the same.
    """
    out = []
    for s in data["sentences"]:
        out += [
            ("corroborates", s["text"], c["claim"], "|".join(c["shared"]), "", "", [])
            for c in s["corroborates"]
        ]
        for verdict, key in (
            ("contradicts", "contradicts"),
            ("possible", "possible_contradictions"),
        ):
            out += [
                (
                    verdict,
                    s["text"],
                    c["claim"],
                    c["claim_quote"],
                    c["here"],
                    c["there"],
                    c.get("also_claims", []),
                )
                for c in s.get(key, [])
            ]
    return out


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", _norm(text).lower())) - {"and", "the", "a", "an"}


def _within(words: str, quotes: list[str]) -> bool:
    """Whether ``words`` (what the review shows: "IRS and DHS") are words of one of
    ``quotes``, or hold all of one.
    """
    mine = _words(words)
    return bool(mine) and any(mine <= _words(q) or _words(q) <= mine for q in quotes)


def score(direction: Direction, data: dict[str, Any], summaries: Path) -> Score:
    """Score one direction's review JSON; ``summaries`` is the brief it was reviewed against."""
    result = Score(direction)
    table = answers()
    mine, theirs = direction.reviewed.id, direction.kept.id
    disagreements = [d for d in table["disagreement"] if mine in d.get("directions", [mine])]
    result.expected = [d["id"] for d in disagreements]
    topics, _ = load_topics(summaries)
    quotes_of = {
        (t.file.name, c.line): [q.quote for q in c.citations] for t in topics for c in t.claims()
    }
    kept_sentences = _sentences(direction.kept)
    parallel = _parallel_of(direction.reviewed, direction.kept)

    def names(text: str, claim_quote: str, here: str, there: str) -> str | None:
        """The disagreement a tie names: its sentence and claim quote hold the two reports'
        words, and what it shows on either side is in them (the words, not only the place).
        """
        for d in disagreements:
            at = any(_norm(q) in _norm(text) for q in d[mine])
            against = any(
                _norm(q) in _norm(claim_quote) or _norm(claim_quote) in _norm(q) for q in d[theirs]
            )
            if at and against and (_within(here, d[mine]) or _within(there, d[theirs])):
                return d["id"]
        return None

    for verdict, text, claim, detail, here, there, also_claims in _ties(data):
        where = f"{claim['file']}:{claim['line']}"
        result.matches += 1
        if verdict == "corroborates":
            shared = [w for w in detail.split("|") if w]
            quotes = [
                q
                for q in quotes_of.get((claim["file"], claim["line"]), [])
                if any(_norm(w) in _norm(q) for w in shared)
            ]
        else:
            quotes = [detail]
        own = next((p for p in parallel if _norm(text).startswith(p)), None)

        def right(quotes: list[str], own: str | None = own) -> bool:
            starts = {_sentence_start(kept_sentences, q) for q in quotes} - {None}
            return own is not None and any(
                s is not None and any(s.startswith(p) for p in parallel[own]) for s in starts
            )

        if not right(quotes):
            result.wrong_matches.append(f"{verdict} {where}: {text[:60]}")
        for also in also_claims:  # listed with it: a quote of theirs holds the same words
            result.matches += 1
            holding = [
                q
                for q in quotes_of.get((also["file"], also["line"]), [])
                if _words(there) <= _words(q)
            ]
            if not right(holding):
                result.wrong_matches.append(f"{verdict} {also['file']}:{also['line']}: {text[:60]}")
        if verdict == "corroborates":
            continue
        hit = names(text, detail, here, there)
        if verdict == "possible":
            result.possible += 1
        else:
            result.contradicts += 1
        if hit is not None:
            level = "contradicts" if verdict == "contradicts" else "possible"
            if result.found.get(hit) != "contradicts":
                result.found[hit] = level
        elif verdict == "contradicts":
            result.false_contradicts.append(f"{where}: {text[:60]} / {detail[:60]}")
        else:
            result.possible_unlisted.append(f"{where}: {text[:60]} / {detail[:60]}")
    return result


def expected_level(disagreement_id: str) -> str:
    return next(d["level"] for d in answers()["disagreement"] if d["id"] == disagreement_id)
