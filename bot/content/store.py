"""Loading verified content, and keeping the last good version serving."""

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from types import MappingProxyType

from bot.content.declarations import load_declarations
from bot.content.problems import ContentError, Problem
from bot.content.search import SentenceIndex
from bot.content.sources import Source, load_sources
from bot.content.summaries import Topic, load_topics
from bot.content.translations import Translation, english_renderings, load_translation
from bot.content.verify import Verification, verify
from bot.i18n.catalogs import LOCALES_DIR, Catalogs, load_catalogs
from bot.i18n.locales import TRANSLATED
from bot.i18n.translator import install

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Content:
    """One verified snapshot of sources and summaries, in every language, and of the
    interface's catalogs. Never mutated once built.
    """

    sources: Mapping[str, Source]
    topics: Mapping[str, Topic]  # English
    verification: Verification
    fingerprint: tuple[tuple[str, int, int], ...]
    translations: Mapping[str, Translation] = field(
        default_factory=lambda: MappingProxyType({})
    )  # by language
    catalogs: Catalogs = field(default_factory=Catalogs)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """What the translations lack or are behind on (``check`` warns; nothing fails)."""
        return tuple(w for t in self.translations.values() for w in t.warnings)

    @cached_property
    def index(self) -> SentenceIndex:
        """The /quote search index: most of a load's cost, so built only where it is used
        (``load_content(index=True)``, as the serving store does, builds it at load time).
        """
        return SentenceIndex(
            s for source in self.sources.values() for s in source.reporting_sentences()
        )

    def newest_date(self) -> date | None:
        dates = [s.date for s in self.sources.values() if s.date is not None]
        return max(dates) if dates else None


def fingerprint(*folders: Path) -> tuple[tuple[str, int, int], ...]:
    """Cheap change detection: path, size and mtime of every content file (and of the
    translated summaries and catalogs: ``summaries/es/``, ``.../LC_MESSAGES/*.po``).
    """
    entries = []
    for folder in folders:
        if folder.is_dir():
            for file in sorted(folder.iterdir()):
                if file.suffix in {".txt", ".toml", ".md", ".po"}:
                    stat = file.stat()
                    entries.append((str(file), stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def content_folders(seeds_dir: Path, summaries_dir: Path, locales_dir: Path) -> list[Path]:
    """Every folder whose files make up a content snapshot."""
    return [
        seeds_dir,
        summaries_dir,
        *(summaries_dir / lang for lang in TRANSLATED),
        *(locales_dir / lang / "LC_MESSAGES" for lang in TRANSLATED),
    ]


def load_content(
    seeds_dir: Path,
    summaries_dir: Path,
    required_topics: Iterable[str] = (),
    *,
    support: bool = True,
    index: bool = True,
    locales_dir: Path = LOCALES_DIR,
    translations: bool = True,
) -> Content:
    """Load and verify everything; raise ContentError listing every problem found.

    ``support=False`` skips the support check (claims against their quotes); only the
    benchmark's baseline uses it. ``index=False`` leaves the search index to first use
    (``check`` needs none); a bot builds it here, in the loading thread, never on the loop.
    ``translations=False`` leaves out ``summaries/es/`` (the benchmark's English-only run).
    """
    stamp = fingerprint(*content_folders(seeds_dir, summaries_dir, locales_dir))
    sources, problems = load_sources(seeds_dir)
    topics, topic_problems = load_topics(summaries_dir)
    problems += topic_problems + english_renderings(topics)
    by_id = {source.id: source for source in sources}
    by_topic = {topic.id: topic for topic in topics}
    for name in required_topics:
        if name not in by_topic:
            problems.append(
                Problem(summaries_dir / f"{name}.md", None, f"missing summary for /{name}")
            )
    declarations, declared_problems = load_declarations(summaries_dir)
    problems += declared_problems
    verification = verify(by_id, topics, declarations if support else None)
    problems += verification.problems
    translated: dict[str, Translation] = {}
    for lang in TRANSLATED if translations else ():
        translated[lang], found = load_translation(
            summaries_dir, lang, by_id, by_topic, declarations
        )
        problems += found
    catalogs, catalog_problems = load_catalogs(locales_dir)
    problems += [Problem(p.file, p.line, p.message) for p in catalog_problems]
    if problems:
        raise ContentError(problems)
    content = Content(
        MappingProxyType(by_id),
        MappingProxyType(by_topic),
        verification,
        stamp,
        MappingProxyType(translated),
        catalogs,
    )
    if index:
        _ = content.index
    return content


class ContentStore:
    """Holds the content being served. A failed reload keeps the last good content."""

    def __init__(
        self,
        seeds_dir: Path,
        summaries_dir: Path,
        required_topics: Iterable[str] = (),
        locales_dir: Path = LOCALES_DIR,
    ) -> None:
        self.seeds_dir = seeds_dir
        self.summaries_dir = summaries_dir
        self.locales_dir = locales_dir
        self.required_topics = tuple(required_topics)
        self._current = self._load()
        install(self._current.catalogs)  # what renderers and handlers translate with
        self.version = 1  # bumped on every successful reload; keys reply caches
        self.last_problems: tuple[Problem, ...] = ()
        self._failed_stamp: tuple[tuple[str, int, int], ...] | None = None
        # Asked before a reloaded snapshot replaces the current one (it runs in the reloading
        # thread): problems refuse it as if it had not verified. The bot sets it to hold
        # correction lines to the recorded versions (bot/updates/recorder.py).
        self.gate: Callable[[Content], Sequence[Problem]] | None = None

    @property
    def current(self) -> Content:
        return self._current

    def _load(self) -> Content:
        return load_content(
            self.seeds_dir, self.summaries_dir, self.required_topics, locales_dir=self.locales_dir
        )

    def _admitted(self, candidate: Content) -> Content:
        """``candidate``, unless the gate refuses it (ContentError, as if it did not verify)."""
        if self.gate is not None and (refused := list(self.gate(candidate))):
            raise ContentError(refused)
        return candidate

    def reload(self) -> tuple[Problem, ...]:
        """Try to load again. On failure the old content stays and the problems are returned."""
        try:
            self._current = self._admitted(self._load())
        except ContentError as error:
            self.last_problems = tuple(error.problems)
            log.error(
                "content reload failed; still serving the last good content:\n%s",
                "\n".join(str(p) for p in error.problems),
            )
        else:
            install(self._current.catalogs)
            self.version += 1
            self.last_problems = ()
            log.info(
                "content reloaded: %s",
                self._current.verification.summary_line(
                    len(self._current.sources), len(self._current.topics)
                ),
            )
        return self.last_problems

    def reload_if_changed(self) -> tuple[Problem, ...] | None:
        """Reload when a content file changed since the last attempt; None when nothing did.

        Never raises: the watcher and the console call it in a loop, and one bad edit must
        not end reloading for good. An unexpected error is logged with its traceback, kept
        as a problem (readiness shows it) and retried after the next edit.
        """
        stamp = None
        try:
            stamp = fingerprint(
                *content_folders(self.seeds_dir, self.summaries_dir, self.locales_dir)
            )
            if stamp in (self._current.fingerprint, self._failed_stamp):
                return None
            problems = self.reload()
        except Exception as error:
            log.exception("content reload failed unexpectedly; still serving the last good content")
            self.last_problems = (
                Problem(
                    self.summaries_dir, None, f"reload failed: {type(error).__name__}: {error}"
                ),
            )
            self._failed_stamp = stamp  # not retried until a file changes (None: on the next call)
            return self.last_problems
        self._failed_stamp = stamp if problems else None
        return problems
