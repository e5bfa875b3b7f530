"""The summaries in another language (``summaries/es/``), held to the same proof as the
English, and how far they follow it.

A translated topic has the English topic's file name. Each of its claims carries the id of
the English claim it renders (``{#claim-id}``), cites verbatim English quotes (verified
against the sources like any quote) and gives, under each quote, the editors' rendering of
it (``~ es: "..."``). The support check reads the claim with that language's rules
(figures, dates and names in its notation) against the English quotes; the names of
bodies and laws, how claims name a source and relative dates are declared in the
folder's own ``aliases.toml``, added to the English declarations. Each rendering is held to
its quote the same way: it may not carry a figure, date or name its quote does not.

What is missing or behind is a warning, never an error (``check``'s exit code stays): an
English claim with no translation, a topic not translated, a topic whose recorded English
version (``<!-- english-version: ... -->``) is not the English topic's current one.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from bot.content.declarations import Declarations, load_declarations, merge
from bot.content.problems import Problem
from bot.content.sources import Source
from bot.content.summaries import Claim, Topic, load_topics
from bot.content.support import check_renderings, check_support
from bot.content.verify import verify
from bot.i18n.catalogs import N_

# Shown to readers beside a quote's rendering and on a topic whose translation is behind.
TRANSLATION_LABEL = N_("Translation by the editors, not verified against the source")
BEHIND_NOTE = N_(
    "This Spanish version may be behind: the English was edited after it was translated."
)


@dataclass(frozen=True)
class Translation:
    """One language's summaries, verified, and how far they follow the English."""

    lang: str
    topics: Mapping[str, Topic] = field(default_factory=lambda: MappingProxyType({}))
    behind: frozenset[str] = frozenset()  # topic ids whose translation is behind the English
    claims: int = 0
    quotes: int = 0
    renderings: int = 0
    facts: int = 0
    warnings: tuple[Problem, ...] = ()

    def topic(self, topic_id: str) -> Topic | None:
        return self.topics.get(topic_id)

    def summary_line(self) -> str:
        behind = f"; {len(self.warnings)} warning(s) below" if self.warnings else ""
        return (
            f"{self.lang}: {self.quotes} quotes in {self.claims} claims across "
            f"{len(self.topics)} summaries; {self.facts} figures, dates, names and quoted "
            f"phrases checked against their quotes; {self.renderings} translations of quotes "
            f"checked{behind}"
        )


def load_translation(
    summaries_dir: Path,
    lang: str,
    sources: Mapping[str, Source],
    english: Mapping[str, Topic],
    english_declarations: Declarations,
) -> tuple[Translation, list[Problem]]:
    """Load and check ``summaries_dir/<lang>/``: the translation and its problems."""
    folder = summaries_dir / lang
    if not folder.is_dir():
        missing = Problem(folder, None, f"no {lang} summaries: every topic answers in English only")
        return Translation(lang, warnings=(missing,)), []
    topics, problems = load_topics(folder)
    declarations, declared = load_declarations(folder, lang)
    problems += declared
    merged = merge(english_declarations, declarations)
    for topic in topics:
        problems += _structure(topic, english.get(topic.id), lang)
    # Every quote verbatim in its source; those the English cites are verified already.
    verified = frozenset(
        (c.source_id, c.quote) for t in english.values() for cl in t.claims() for c in cl.citations
    )
    verification = verify(sources, topics, verified=verified)
    problems += verification.problems
    declared_in = f"summaries/{lang}/aliases.toml"
    phrases = merged.phrases()
    support = check_support(
        sources, topics, merged, lang=lang, phrases=phrases, declared_in=declared_in
    )
    renderings = check_renderings(
        sources, topics, merged, lang=lang, phrases=phrases, declared_in=declared_in
    )
    problems += list(support.problems) + list(renderings.problems)
    by_id = {topic.id: topic for topic in topics}
    warnings, behind = _completeness(folder, lang, by_id, english)
    translation = Translation(
        lang,
        MappingProxyType(by_id),
        behind,
        verification.claims,
        verification.quotes,
        sum(len(c.renderings) for t in topics for claim in t.claims() for c in claim.citations),
        support.facts + renderings.facts,
        tuple(warnings),
    )
    return translation, problems


def english_renderings(topics: list[Topic]) -> list[Problem]:
    """Translations of quotes belong in a translation's folder, not in the English."""
    return [
        Problem(
            topic.file,
            rendering.line,
            f"a '~ {rendering.lang}:' translation in an English summary; translations belong "
            f"in summaries/{rendering.lang}/{topic.file.name}",
        )
        for topic in topics
        for claim in topic.claims()
        for citation in claim.citations
        for rendering in citation.renderings
    ]


def _structure(topic: Topic, english: Topic | None, lang: str) -> list[Problem]:
    """A translated topic renders an English one, claim by claim, every quote translated."""
    if english is None:
        return [
            Problem(
                topic.file,
                1,
                f"no English topic {topic.file.name} in summaries/: a translation renders one",
            )
        ]
    ids = {claim.id for claim in english.claims() if claim.id}
    problems = []
    for claim in topic.claims():
        if claim.id is None:
            problems.append(
                Problem(
                    topic.file,
                    claim.line,
                    "translated claim without the id of the English claim it renders: end its "
                    "line with {#id}, as the English claim's line ends",
                )
            )
        elif claim.id not in ids:
            problems.append(
                Problem(
                    topic.file,
                    claim.line,
                    f"{{#{claim.id}}} is no claim of summaries/{english.file.name}",
                )
            )
        problems += _untranslated(topic, claim, lang)
    return problems


def _untranslated(topic: Topic, claim: Claim, lang: str) -> list[Problem]:
    problems = []
    for citation in claim.citations:
        if citation.rendering(lang) is None:
            problems.append(
                Problem(
                    topic.file,
                    citation.line,
                    f"quote without its translation: add '~ {lang}: \"...\"' under it",
                )
            )
        problems += [
            Problem(
                topic.file,
                r.line,
                f"a '~ {r.lang}:' translation in summaries/{lang}/; write '~ {lang}:'",
            )
            for r in citation.renderings
            if r.lang != lang
        ]
    return problems


def _completeness(
    folder: Path, lang: str, topics: Mapping[str, Topic], english: Mapping[str, Topic]
) -> tuple[list[Problem], frozenset[str]]:
    """Warnings for what the translation lacks, and the topics it is behind on."""
    warnings: list[Problem] = []
    behind: set[str] = set()
    for topic_id, source in english.items():
        translated = topics.get(topic_id)
        if translated is None:
            warnings.append(
                Problem(
                    folder / source.file.name,
                    None,
                    f"not translated: /{topic_id} answers in English only",
                )
            )
            continue
        version = source.version()
        if translated.english_version != version:
            behind.add(topic_id)
            recorded = translated.english_version or "none recorded"
            warnings.append(
                Problem(
                    translated.file,
                    None,
                    f"behind the English: translated from English version {recorded}, the "
                    f"English is now {version}; bring the translation up to date, then set "
                    f"<!-- english-version: {version} -->",
                )
            )
        done = {claim.id for claim in translated.claims()}
        for claim in source.claims():
            if claim.id is None:
                warnings.append(
                    Problem(
                        source.file,
                        claim.line,
                        f"claim without an id, so no {lang} claim can render it: end its line "
                        "with {#some-id}",
                    )
                )
            elif claim.id not in done:
                warnings.append(
                    Problem(
                        source.file,
                        claim.line,
                        f"{{#{claim.id}}} has no {lang} version in {folder.name}/"
                        f"{source.file.name}",
                    )
                )
    return warnings, frozenset(behind)
