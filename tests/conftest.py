"""Shared fixtures: a private copy of the shipped content, a fixed clock, a dispatcher."""

import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import hypothesis
import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from bot.app import build_dispatcher
from bot.core.dispatch import Dispatcher
from bot.settings import Settings
from tests.hermetic import is_bot_setting

ROOT = Path(__file__).resolve().parent.parent
# Hypothesis keeps its files (example database, constants cache) in .hypothesis/ under the
# directory pytest started in, the checkout: the suite leaves nothing there, so no example
# database, and its cache in the system's temporary folder.
hypothesis.settings.register_profile("hermetic", database=None)
hypothesis.settings.load_profile("hermetic")
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "case-brief-bot-hypothesis")
# A day shortly after the newest report, so replies are fresh unless a test says otherwise.
FRESH_DAY = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every test runs in its own temporary folder with none of the bot's settings set:
    no developer .env, token or database leaks in, and nothing is left in the checkout.
    """
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if is_bot_setting(name):
            monkeypatch.delenv(name)


@pytest.fixture
def content_dirs(tmp_path: Path) -> tuple[Path, Path]:
    """Writable copies of seeds/ and summaries/ that a test may break."""
    seeds, summaries = tmp_path / "seeds", tmp_path / "summaries"
    shutil.copytree(ROOT / "seeds", seeds)
    shutil.copytree(ROOT / "summaries", summaries)
    return seeds, summaries


@pytest.fixture
def settings(content_dirs: tuple[Path, Path], tmp_path: Path) -> Settings:
    seeds, summaries = content_dirs
    return Settings(
        seeds_dir=seeds,
        summaries_dir=summaries,
        database_url=f"sqlite:///{tmp_path / 'test.sqlite3'}",
        _env_file=None,
    )


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: FRESH_DAY


@pytest.fixture
def dispatcher(settings: Settings, clock: Callable[[], datetime]) -> Dispatcher:
    return build_dispatcher(settings, clock)
