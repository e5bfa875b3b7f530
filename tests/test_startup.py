"""What the everyday commands load: `ask` and `check` start without the heavy libraries.

The chat clients, aiohttp, Jinja2, the database drivers and trafilatura are imported only by
the commands that need them (run, web, site, recap, source add): before, a third of every
command's start-up went to loading them (docs/architecture.md).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hermetic import clean_env, outside_checkout

HEAVY = {
    "slack_bolt",
    "slack_sdk",
    "discord",
    "aiohttp",
    "jinja2",
    "psycopg",
    "psycopg_pool",
    "sqlalchemy",
    "aiosqlite",
    "trafilatura",
}
# Runs the command as `python -m bot` would, then lists every top-level package it loaded.
RUN_AND_LIST = (
    "import json, sys\n"
    "from bot.cli import main\n"
    "code = main(sys.argv[2:])\n"
    "with open(sys.argv[1], 'w') as out:\n"
    "    json.dump({'code': code, 'loaded': sorted({m.split('.')[0] for m in sys.modules})}, out)\n"
)


def loaded_by(tmp_path: Path, *args: str) -> set[str]:
    report = tmp_path / "loaded.json"
    done = subprocess.run(
        [sys.executable, "-c", RUN_AND_LIST, str(report), *args],
        capture_output=True,
        text=True,
        cwd=outside_checkout(tmp_path),
        env=clean_env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(report.read_text())
    assert result["code"] == 0, done.stdout + done.stderr
    return set(result["loaded"])


@pytest.mark.parametrize(
    "args",
    [("ask", "/numbers"), ("ask", "/ruling", "--format", "slack"), ("check",)],
    ids=" ".join,
)
def test_everyday_commands_load_no_heavy_library(tmp_path: Path, args: tuple[str, ...]) -> None:
    loaded = loaded_by(tmp_path, *args)
    assert "bot" in loaded
    assert sorted(loaded & HEAVY) == []


def test_the_manifest_needs_no_chat_library_either(tmp_path: Path) -> None:
    assert sorted(loaded_by(tmp_path, "manifest", "slack") & HEAVY) == []
