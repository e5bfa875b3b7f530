"""``check``: verify every cited quote and every claim against its sources (``make check``),
in English and in every translation; warn about what a translation lacks or is behind on.
"""

import argparse
import asyncio
from datetime import UTC, datetime
from typing import Any

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.problems import ContentError, Problem
from bot.content.store import Content, load_content
from bot.editorial.staleness import stale_warning
from bot.settings import Settings
from bot.storage.base import StorageError
from bot.storage.connect import open_store
from bot.storage.urls import parse
from bot.updates import history
from bot.updates.versions import ContentVersion, correction_problems

ACTIONS = ("check",)


def add_parsers(sub: "argparse._SubParsersAction[Any]") -> None:
    sub.add_parser(
        "check", help="verify every cited quote against its source; exit 1 on any problem"
    )


def run(settings: Settings) -> int:
    try:  # verification only: the /quote search index is not built
        content = load_content(
            settings.seeds_dir, settings.summaries_dir, TOPIC_COMMANDS, index=False
        )
    except ContentError as error:
        for problem in error.problems:
            print(problem)
        print(
            f"FAILED: {len(error.problems)} problem(s); fix them and run `python -m bot check` "
            f"again."
        )
        return 1
    problems, said = corrections(settings, content)
    if problems:
        for problem in problems:
            print(problem)
        print(f"FAILED: {len(problems)} problem(s); fix them and run `python -m bot check` again.")
        return 1
    verification = content.verification
    for source_id in verification.uncited_sources:
        source = content.sources[source_id]
        print(f"not cited: {source_id} (seeds/{source.file.name}) is cited by no summary")
    print(verification.summary_line(len(content.sources), len(content.topics)))
    for translation in content.translations.values():
        print(translation.summary_line())
    for warning in content.warnings:  # what a translation lacks: the exit code stays 0
        print(f"warning: {warning}")
    if said:
        print(said)
    stale = stale_warning(content, datetime.now(UTC).date(), settings.stale_after_days)
    if stale:
        print(stale)  # a warning only: the exit code stays 0
    return 0


def corrections(settings: Settings, content: Content) -> tuple[list[Problem], str | None]:
    """The correction lines the recorded versions refuse, and a line saying what they were
    checked against. The database is read only when a claim carries a correction, and only
    if it exists already (a SQLite file is never created here); one it cannot read is said,
    and leaves the exit code alone (the bot checks again before it records a version).
    """
    translated = (t for tr in content.translations.values() for t in tr.topics.values())
    if not any(c.correction for t in (*content.topics.values(), *translated) for c in t.claims()):
        return [], None
    url = settings.database_url
    path = parse(url).path
    if path is not None and not path.exists():
        return correction_problems(None, content), (
            "corrections: no content version recorded yet (no database file)"
        )

    async def latest() -> ContentVersion | None:
        store = await open_store(url, timeout=5.0)
        try:
            return await history.latest(store)
        finally:
            await store.close()

    try:
        version = asyncio.run(latest())
    except StorageError as error:
        return [], f"warning: corrections not checked against the recorded versions: {error}"
    where = (
        f"version {version.number} (recorded {version.recorded_at:%Y-%m-%d})"
        if version is not None
        else "no recorded version"
    )
    return correction_problems(version, content), f"corrections checked against {where}"
