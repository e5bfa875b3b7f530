"""The suite neither reads nor writes the checkout: a hostile .env and a junk database planted
there change nothing, and nothing new appears.

The planted .env has bad values (every test reading it would fail) and fake tokens aimed at
127.0.0.1:1 (nothing listens: a leak would show as connection errors, never reach a real
service). Whatever was there before is put back afterwards.
"""

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hermetic import BOT_SETTINGS, ROOT, clean_env

HOSTILE_ENV = "\n".join(
    [
        "SLACK_BOT_TOKEN=xoxb-planted-fake-token",
        "SLACK_SIGNING_SECRET=planted-secret",
        "SLACK_APP_TOKEN=xapp-planted",
        "SLACK_API_URL=http://127.0.0.1:1/api/",
        "DISCORD_TOKEN=planted.discord.token",
        "DISCORD_API_URL=http://127.0.0.1:1/api/v10",
        "STALE_AFTER_DAYS=-4",
        "PORT=not-a-port",
        "HOST=planted.invalid",
        "RECAPS=not json",
        "DATABASE_URL=sqlite:///planted.sqlite3",
        "SEEDS_DIR=/nonexistent/seeds",
        "LOG_LEVEL=LOUD",
        "",
    ]
).encode()
JUNK_DB = b"SQLite format 3\x00" + b"\xde\xad\xbe\xef" * 256
PLANTED = {".env": HOSTILE_ENV, "case-brief.sqlite3": JUNK_DB}
IGNORED = {
    ".git",
    ".venv",
    "__pycache__",
    ".pytest_cache",
    ".mypy_cache",
    ".hypothesis",
    "case_brief_bot.egg-info",
}
# Representative: the CLI and console in subprocesses, the content store, Slack over HTTP.
TESTS = [
    "tests/test_cli.py::test_ask_prints_a_cited_text_reply",
    "tests/test_cli.py::test_run_without_credentials_opens_the_console",
    "tests/test_cli.py::test_ask_recap_checks_the_database_url_but_opens_nothing_it_does_not_use",
    "tests/platforms/test_console.py",
    "tests/content/test_store.py::test_a_good_edit_is_picked_up",
    "tests/platforms/test_slack.py::test_signed_slash_command_gets_blocks_within_limits",
]


def snapshot() -> dict[str, tuple[int, int, str]]:
    """Every file of the checkout (outside caches and the venv): size, mtime and content hash."""
    found = {}
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in IGNORED]
        for name in files:
            path = Path(folder, name)
            stat = path.stat()
            found[str(path.relative_to(ROOT))] = (
                stat.st_size,
                stat.st_mtime_ns,
                hashlib.sha256(path.read_bytes()).hexdigest(),
            )
    return found


@pytest.fixture
def planted() -> Iterator[None]:
    backups = {}
    for name, data in PLANTED.items():
        path = ROOT / name
        if path.exists():
            backups[name] = path.rename(ROOT / f"{name}.hermetic-test-backup")
        path.write_bytes(data)
    try:
        yield
    finally:
        for name in PLANTED:
            (ROOT / name).unlink(missing_ok=True)
            if name in backups:
                backups[name].rename(ROOT / name)


def test_planted_env_and_database_change_nothing(planted: None, tmp_path: Path) -> None:
    before = snapshot()
    # As a developer runs it: from the checkout, with the planted files beside it.
    env = clean_env()
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *TESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    for args in (["ask", "/numbers"], ["check"], ["manifest", "slack"]):
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    assert snapshot() == before
    assert (ROOT / ".env").read_bytes() == HOSTILE_ENV and (
        ROOT / "case-brief.sqlite3"
    ).read_bytes() == JUNK_DB


def test_the_list_of_cleared_settings_comes_from_settings_itself() -> None:
    assert {
        "SLACK_BOT_TOKEN",
        "DISCORD_TOKEN",
        "DATABASE_URL",
        "RECAPS",
        "HOST",
        "PORT",
    } <= BOT_SETTINGS
    assert not any(name.upper() in BOT_SETTINGS for name in os.environ)  # the autouse fixture ran
