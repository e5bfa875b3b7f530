"""What editors declare in ``summaries/aliases.toml`` for the support check.

Three kinds of declaration (see docs/editing.md):

- ``[names]``: words that name the same thing ("IRS" = "Internal Revenue Service");
- ``[[dates]]``: what a relative or partial date in a source's words means, with its basis
  ("Thursday" in a report dated Feb. 28, 2026 is Feb. 26, 2026);
- ``[sources]``: how claims name a source when they attribute ("The Epoch Times says").
  A source's stated outlet and byline count without being declared.

A translation's folder has its own file (``summaries/es/aliases.toml``), read with that
language's rules and added to the English one (``merge``): its ``[names]`` give the
translated names of bodies and laws ("Servicio de Impuestos Internos" = "IRS"), its
``[sources]`` how its claims name a source ("informe de Washington"), its ``[[dates]]``
resolutions written in that language, and its ``[relative]`` table the wording of a
relative date in that language ("a principios de esta semana" = "earlier this week").

A missing file declares nothing.
"""

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.content.facts import Kind, PartialDate, Phrases, extract_facts, normalize_name
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
    relative: dict[str, str] = {}  # translations: words in that language -> English words


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
    relative: tuple[tuple[str, PartialDate], ...] = ()  # lower-case words -> the date meant
    written_names: tuple[str, ...] = ()  # declared names of several words, as written

    def same_as(self, norm_name: str) -> frozenset[str]:
        return self.aliases.get(norm_name, frozenset())

    def phrases(self) -> Phrases:
        """Declared names of several words and relative dates, for a translation's claims
        to be read whole (``bot.content.facts.phrases``).
        """
        return Phrases(self.written_names, self.relative)


def merge(base: Declarations, extra: Declarations) -> Declarations:
    """``base`` (the English declarations) with a translation's added: names equal in
    either are equal, every date and source name counts. Problems name ``extra``'s file.
    """
    groups = _groups(
        [{name, *others} for name, others in (*base.aliases.items(), *extra.aliases.items())]
    )
    source_names = dict(base.source_names)
    for source_id, names in extra.source_names.items():
        source_names[source_id] = (*source_names.get(source_id, ()), *names)
    return Declarations(
        {name: frozenset(group - {name}) for group in groups for name in group},
        base.dates + extra.dates,
        source_names,
        extra.file,
        base.relative + extra.relative,
        base.written_names + extra.written_names,
    )


def _groups(sets: Iterable[set[str]]) -> list[set[str]]:
    """Overlapping sets joined: aliases are symmetric and transitive."""
    groups: list[set[str]] = []
    for found in sets:
        group = set(found)
        for g in [g for g in groups if g & group]:
            group |= g
            groups.remove(g)
        groups.append(group)
    return groups


def load_declarations(summaries_dir: Path, lang: str = "en") -> tuple[Declarations, list[Problem]]:
    """The declarations in ``summaries_dir/aliases.toml``; ``lang`` is the language its
    ``[[dates]]`` are written in.
    """
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
    return parse_declarations(data, file, lang)


def parse_declarations(
    data: _File, file: Path, lang: str = "en"
) -> tuple[Declarations, list[Problem]]:
    problems: list[Problem] = []
    groups = _groups(
        [{normalize_name(n) for n in [name, *others]} for name, others in data.names.items()]
    )
    aliases = {name: frozenset(group - {name}) for group in groups for name in group}
    declared_dates = []
    for entry in data.dates:
        means = _dates_in(entry.means, lang)
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
    relative = []
    for words, english in data.relative.items():
        meant = _dates_in(english, "en")
        if len(meant) != 1:
            problems.append(
                Problem(
                    file,
                    None,
                    f"relative: {english!r} (for {words!r}) is not one date in English words",
                )
            )
            continue
        relative.append((" ".join(normalize(words).lower().split()), meant[0]))
    written = tuple(
        sorted(
            {
                " ".join(normalize(n).split())
                for name, others in data.names.items()
                for n in (name, *others)
                if " " in n.strip()
            }
        )
    )
    return Declarations(
        aliases, tuple(declared_dates), source_names, file, tuple(relative), written
    ), problems


def _dates_in(text: str, lang: str) -> tuple[PartialDate, ...]:
    return tuple(
        f.date
        for f in extract_facts(text, with_names=False, lang=lang)
        if f.kind is Kind.DATE and f.date is not None
    )
