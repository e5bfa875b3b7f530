"""``check``: verify every cited quote and every claim against its sources (``make check``),
in English and in every translation; warn about what a translation lacks or is behind on.
"""

import argparse
from datetime import UTC, datetime
from typing import Any

from bot.commands.catalog import TOPIC_COMMANDS
from bot.content.problems import ContentError
from bot.content.store import load_content
from bot.editorial.staleness import stale_warning
from bot.settings import Settings

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
    verification = content.verification
    for source_id in verification.uncited_sources:
        source = content.sources[source_id]
        print(f"not cited: {source_id} (seeds/{source.file.name}) is cited by no summary")
    print(verification.summary_line(len(content.sources), len(content.topics)))
    for translation in content.translations.values():
        print(translation.summary_line())
    for warning in content.warnings:  # what a translation lacks: the exit code stays 0
        print(f"warning: {warning}")
    stale = stale_warning(content, datetime.now(UTC).date(), settings.stale_after_days)
    if stale:
        print(stale)  # a warning only: the exit code stays 0
    return 0
