"""The suite neither reads nor writes its checkout: a hostile .env and a junk database planted
there change nothing, and nothing new appears. And every subprocess a test starts runs
outside the checkout.

The files are planted in a copy of the checkout (the package, the tests and the content) in a
temporary folder, and the tests and commands run from that copy against its own package, so
the developer's checkout and .env are never touched. The planted .env has bad values (every
test reading it would fail) and fake tokens aimed at 127.0.0.1:1 (nothing listens: a leak
would show as connection errors, never reach a real service).
"""

import ast
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hermetic import BOT_SETTINGS, ROOT, clean_env, outside_checkout

HOSTILE_ENV = b"""\
SLACK_BOT_TOKEN=xoxb-planted-fake-token
SLACK_SIGNING_SECRET=planted-secret
SLACK_APP_TOKEN=xapp-planted
SLACK_API_URL=http://127.0.0.1:1/api/
DISCORD_TOKEN=planted.discord.token
DISCORD_API_URL=http://127.0.0.1:1/api/v10
STALE_AFTER_DAYS=-4
PORT=not-a-port
HOST=planted.invalid
RECAPS=not json
DATABASE_URL=sqlite:///planted.sqlite3
SEEDS_DIR=/nonexistent/seeds
LOG_LEVEL=LOUD
"""
JUNK_DB = b"SQLite format 3\x00" + b"\xde\xad\xbe\xef" * 256
PLANTED = {".env": HOSTILE_ENV, "case-brief.sqlite3": JUNK_DB}
# What the tests below need of the checkout; no .env, database or cache comes along.
COPIED = ["bot", "tests", "seeds", "summaries", "pyproject.toml"]
LEFT_BEHIND = shutil.ignore_patterns("__pycache__", ".env", "*.sqlite3")
# Representative: the CLI and console in subprocesses, the content store, Slack over HTTP.
TESTS = [
    "tests/test_cli.py::test_ask_prints_a_cited_text_reply",
    "tests/test_cli.py::test_run_without_credentials_opens_the_console",
    "tests/test_cli.py::test_ask_recap_checks_the_database_url_but_opens_nothing_it_does_not_use",
    "tests/platforms/test_console.py",
    "tests/content/test_store.py::test_a_good_edit_is_picked_up",
    "tests/platforms/test_slack.py::test_signed_slash_command_gets_blocks_within_limits",
    # Hypothesis, which keeps files under the directory pytest starts in (tests/conftest.py).
    "tests/renderers/test_user_text.py::test_random_user_items_are_plain_text_on_slack",
]
# Ways a test starts a process; each must be given cwd=outside_checkout(...).
STARTS_A_PROCESS = {
    ("subprocess", "run"),
    ("subprocess", "Popen"),
    ("subprocess", "call"),
    ("subprocess", "check_call"),
    ("subprocess", "check_output"),
    ("asyncio", "create_subprocess_exec"),
    ("asyncio", "create_subprocess_shell"),
}


def snapshot(root: Path) -> dict[str, tuple[int, int, str]]:
    """Every file under ``root`` (outside byte-code caches): size, mtime and content hash."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            path = Path(folder, name)
            stat = path.stat()
            found[str(path.relative_to(root))] = (
                stat.st_size,
                stat.st_mtime_ns,
                hashlib.sha256(path.read_bytes()).hexdigest(),
            )
    return found


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the checkout with the hostile files planted in it."""
    copy = tmp_path / "checkout"
    copy.mkdir()
    for name in COPIED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, copy / name, ignore=LEFT_BEHIND)
        else:
            shutil.copy2(ROOT / name, copy / name)
    for name, data in PLANTED.items():
        (copy / name).write_bytes(data)
    return copy


def test_planted_env_and_database_change_nothing(checkout: Path, tmp_path: Path) -> None:
    env = clean_env()
    env["PYTHONPATH"] = str(checkout)  # the copy's package and tests, not the checkout's
    where = subprocess.run(
        [sys.executable, "-c", "import bot, tests; print(bot.__file__, tests.__file__)"],
        cwd=outside_checkout(checkout),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert where.stdout.split() == [
        str(checkout / "bot" / "__init__.py"),
        str(checkout / "tests" / "__init__.py"),
    ], where.stderr
    before = snapshot(checkout)
    # As a developer runs it: from the checkout, with the planted files beside it, and the
    # project's own pytest options (no cache folder).
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", *TESTS],
        cwd=outside_checkout(checkout),
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for args in (["ask", "/numbers"], ["check"], ["manifest", "slack"]):
        done = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=outside_checkout(elsewhere),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert snapshot(checkout) == before
    assert (checkout / ".env").read_bytes() == HOSTILE_ENV
    assert (checkout / "case-brief.sqlite3").read_bytes() == JUNK_DB


def test_every_subprocess_a_test_starts_runs_outside_the_checkout() -> None:
    """The subprocess's cwd goes through outside_checkout(), which refuses the checkout."""
    unguarded = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and (node.func.value.id, node.func.attr) in STARTS_A_PROCESS
            ):
                continue
            cwd = next((k.value for k in node.keywords if k.arg == "cwd"), None)
            if not (
                isinstance(cwd, ast.Call)
                and isinstance(cwd.func, ast.Name)
                and cwd.func.id == "outside_checkout"
            ):
                unguarded.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert unguarded == []


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
