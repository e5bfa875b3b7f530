"""What editors declare in ``summaries/aliases.toml`` for the support check.

Three kinds of declaration (see docs/editing.md):

- ``[names]``: words that name the same thing ("IRS" = "Internal Revenue Service");
- ``[[dates]]``: what a relative or partial date in a source's words means, with its basis
  ("Thursday" in a report dated Feb. 28, 2026 is Feb. 26, 2026);
- ``[sources]``: how claims name a source when they attribute ("The Epoch Times says").
  A source's stated outlet and byline count without being declared.

A missing file declares nothing.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.content.facts import PartialDate, dates, normalize_name
from bot.content.normalize import normalize
from bot.content.problems import Problem

ALIASES_FILE = "aliases.toml"


class _DateEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    words: str = Field(min_length=1)
    means: str = Field(min_length=1)
    basis: str = Field(min_length=1)
    sources: tuple[str, ...] = ()  # empty: in any source


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    names: dict[str, list[str]] = {}
    sources: dict[str, list[str]] = {}
    dates: list[_DateEntry] = []


@dataclass(frozen=True, slots=True)
class DateDeclaration:
    words: str  # normalised, lower case
    means: tuple[PartialDate, ...]
    basis: str
    sources: frozenset[str]  # empty: any source

    def applies_to(self, source_id: str) -> bool:
        return not self.sources or source_id in self.sources


@dataclass(frozen=True)
class Declarations:
    aliases: dict[str, frozenset[str]] = field(default_factory=dict)  # name -> every name it equals
    dates: tuple[DateDeclaration, ...] = ()
    source_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # id -> lower-case names
    file: Path | None = None

    def same_as(self, norm_name: str) -> frozenset[str]:
        return self.aliases.get(norm_name, frozenset())


def load_declarations(summaries_dir: Path) -> tuple[Declarations, list[Problem]]:
    file = summaries_dir / ALIASES_FILE
    if not file.is_file():
        return Declarations(), []
    try:
        raw = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return Declarations(file=file), [
            Problem(file, None, f"not valid UTF-8 text ({error.reason} at byte {error.start})")
        ]
    try:
        data = _File.model_validate(tomllib.loads(raw))
    except tomllib.TOMLDecodeError as error:
        return Declarations(file=file), [Problem(file, None, f"not valid TOML: {error}")]
    except ValidationError as error:
        return Declarations(file=file), [
            Problem(
                file, None, f"{'.'.join(str(p) for p in item['loc']) or '(file)'}: {item['msg']}"
            )
            for item in error.errors()
        ]
    return parse_declarations(data, file)


def parse_declarations(data: _File, file: Path) -> tuple[Declarations, list[Problem]]:
    problems: list[Problem] = []
    groups: list[set[str]] = []
    for name, others in data.names.items():
        group = {normalize_name(n) for n in [name, *others]}
        merged = [g for g in groups if g & group]
        for g in merged:
            group |= g
            groups.remove(g)
        groups.append(group)
    aliases = {name: frozenset(group - {name}) for group in groups for name in group}
    declared_dates = []
    for entry in data.dates:
        means = tuple(f.date for f in dates(entry.means) if f.date is not None)
        if not means:
            problems.append(
                Problem(file, None, f"dates: {entry.means!r} (for {entry.words!r}) is not a date")
            )
            continue
        declared_dates.append(
            DateDeclaration(
                normalize(entry.words).lower(), means, entry.basis, frozenset(entry.sources)
            )
        )
    source_names = {
        source_id: tuple(normalize(n).lower() for n in names)
        for source_id, names in data.sources.items()
    }
    return Declarations(aliases, tuple(declared_dates), source_names, file), problems
