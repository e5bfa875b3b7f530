"""A content folder holding only one of the two real reports, for the `review` tests.

Either report may be kept (``EPOCH_TIMES`` or ``WASHINGTON``), so the other can be
reviewed against a brief built from it alone, in both directions. The shipped summaries
are trimmed honestly: each claim keeps only its citations of the kept report and a claim
left without one is dropped. Where a claim's own words (or its
label) carry a figure, name, date or quoted phrase its remaining quotes do not, or speak of
the other report, those words are replaced by the quotes themselves (the label dropped),
so the trimmed summaries say only what the kept report says. `check` verifies them.
``summaries/aliases.toml`` is kept without the declarations about the other report.
"""

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from bot.content.facts import Fact, Kind, extract_facts
from bot.content.normalize import normalize
from bot.editorial import matching

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Report:
    file: str  # the seed's name without suffix
    id: str  # as summaries cite it
    mentions_other: re.Pattern[str]  # claim words that speak of the other report


EPOCH_TIMES = Report(
    "000_5b59725cd89fcc65",
    "epoch-times",
    re.compile(
        r"Washington|both reports|the reports|other report|one report|neither", re.IGNORECASE
    ),
)
WASHINGTON = Report(
    "001_168defd7204b689b",
    "washington-report",
    re.compile(r"Epoch|both reports|the reports|other report|one report|neither", re.IGNORECASE),
)
KEEP_FILE, KEEP_ID = EPOCH_TIMES.file, EPOCH_TIMES.id
OTHER_FILE = WASHINGTON.file
_CITATION = re.compile(r"^\s*>\s*(?P<source>[a-z0-9][a-z0-9._-]*)\s*:")
_CLAIM = re.compile(r"^-\s")
_LABELLED = re.compile(r"^-\s+\*\*(?P<label>[^*]+)\*\*:?\s+(?P<text>.*)$")
_QUOTE = re.compile(r'"(?P<quote>.+)"\s*$')
_DATES_BLOCK = re.compile(r"^\[\[dates\]\]\n(?:(?!\n\n).)*", re.MULTILINE | re.DOTALL)


def make_one_report_world(folder: Path, keep: Report = EPOCH_TIMES) -> tuple[Path, Path]:
    seeds, summaries = folder / "seeds", folder / "summaries"
    seeds.mkdir(parents=True)
    summaries.mkdir()
    for suffix in (".txt", ".toml"):
        shutil.copyfile(ROOT / "seeds" / f"{keep.file}{suffix}", seeds / f"{keep.file}{suffix}")
    for file in sorted((ROOT / "summaries").glob("*.md")):
        (summaries / file.name).write_text(
            trim(file.read_text(encoding="utf-8"), keep), encoding="utf-8"
        )
    aliases = (ROOT / "summaries" / "aliases.toml").read_text(encoding="utf-8")
    (summaries / "aliases.toml").write_text(_own_declarations(aliases, keep), encoding="utf-8")
    return seeds, summaries


def _own_declarations(aliases: str, keep: Report) -> str:
    """The declarations file without what it says about, or rests on, the other report."""
    other = WASHINGTON if keep is EPOCH_TIMES else EPOCH_TIMES

    def about_other(block: re.Match[str]) -> str:
        words = block.group()
        return "" if f'"{other.id}"' in words or keep.mentions_other.search(words) else words

    kept = _DATES_BLOCK.sub(about_other, aliases)
    return "\n".join(line for line in kept.splitlines() if not line.startswith(f"{other.id} ="))


def trim(text: str, keep: Report = EPOCH_TIMES) -> str:
    """Keep what cites ``keep``; see the module docstring."""
    blocks: list[
        list[str]
    ] = []  # a claim with its continuation and citation lines, or any other line
    for line in text.splitlines():
        if (
            _CLAIM.match(line)
            or not blocks
            or not (line.startswith(" ") and blocks[-1][0].startswith("- "))
        ):
            blocks.append([line])
        else:
            blocks[-1].append(line)
    kept: list[str] = []
    for block in blocks:
        if not block[0].startswith("- "):
            kept += block
            continue
        words = " ".join(line.strip() for line in block if not _CITATION.match(line))
        cites = [line for line in block if (c := _CITATION.match(line)) and c["source"] == keep.id]
        if cites:
            kept += [_honest_claim(words, cites, keep), *cites]
    return "\n".join(_drop_empty_sections(kept)) + "\n"


def _drop_empty_sections(lines: list[str]) -> list[str]:
    out: list[str] = []
    for i, line in enumerate(lines):
        if line.startswith("## "):
            rest = lines[i + 1 :]
            nxt = next((k for k, later in enumerate(rest) if later.startswith("## ")), len(rest))
            if not any(later.startswith("- ") for later in rest[:nxt]):
                continue
        out.append(line)
    return out


def _honest_claim(claim: str, cites: list[str], keep: Report) -> str:
    quotes = [q["quote"] for line in cites if (q := _QUOTE.search(line))]
    evidence = " ".join(quotes)
    labelled = _LABELLED.match(claim)
    label, text = (labelled["label"], labelled["text"]) if labelled else (None, claim[2:])
    if label is not None and not _supported(label, evidence):
        label = None
    if keep.mentions_other.search(text) or not _supported(text, evidence):
        text = " ".join(f"\u201c{q.strip(chr(34))}\u201d" for q in quotes)
    return f"- **{label}**: {text}" if label else f"- {text}"


def _supported(words: str, evidence: str) -> bool:
    """Every figure, name, date and quoted phrase in ``words`` is in ``evidence``."""
    known = extract_facts(evidence)
    folded = normalize(evidence).lower()
    for fact in extract_facts(words):
        if fact.kind is Kind.QUOTE:
            if fact.norm not in folded:
                return False
        elif not any(
            other.kind is fact.kind
            and (
                other.norm == fact.norm
                or (fact.kind is Kind.NAME and _ends_with(other, fact))
                or (
                    fact.date is not None
                    and other.date is not None
                    and other.date.covers(fact.date)
                )
            )
            for other in known
        ):
            return False
    return True


def _ends_with(longer: Fact, shorter: Fact) -> bool:
    """``shorter`` names no more than ``longer`` does ("Kollar-Kotelly" in "Judge Colleen
    Kollar-Kotelly").
    """
    words, end = matching.name_words(longer), matching.name_words(shorter)
    return bool(end) and words[-len(end) :] == end
