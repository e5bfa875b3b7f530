"""`check` warns when even the newest source is older than STALE_AFTER_DAYS."""

from datetime import date
from pathlib import Path

from bot.content.store import load_content
from bot.editorial.staleness import stale_warning
from tests.editorial.cli_run import run_bot
from tests.editorial.one_report import ROOT

TOPICS = ["numbers", "ruling", "sources", "status", "timeline", "who"]


def test_stale_warning_names_the_newest_source_and_the_topics_resting_on_it() -> None:
    content = load_content(ROOT / "seeds", ROOT / "summaries")
    warning = stale_warning(content, date(2026, 4, 1), 30)
    assert warning is not None
    assert "epoch-times, 2026-02-28" in warning
    assert "32 days old" in warning
    assert "STALE_AFTER_DAYS=30" in warning
    assert "topics resting on it: " + ", ".join(TOPICS) in warning
    assert stale_warning(content, date(2026, 3, 30), 30) is None  # 30 days: still fresh


def test_check_prints_the_warning_and_still_exits_0(tmp_path: Path) -> None:
    env = {"SEEDS_DIR": str(ROOT / "seeds"), "SUMMARIES_DIR": str(ROOT / "summaries")}
    stale = run_bot(tmp_path, "check", STALE_AFTER_DAYS="0", **env)
    assert stale.returncode == 0
    assert stale.stdout.startswith("OK: ")
    [warning] = [line for line in stale.stdout.splitlines() if line.startswith("warning:")]
    assert "epoch-times" in warning
    assert "topics resting on it: numbers" in warning
    fresh = run_bot(tmp_path, "check", STALE_AFTER_DAYS="3650", **env)
    assert fresh.returncode == 0
    assert "warning" not in fresh.stdout
