"""bot.recaps imports no chat library and no command; the handlers load none either."""

import subprocess
import sys
from pathlib import Path
from tests.hermetic import outside_checkout

ROOT = Path(__file__).resolve().parents[2]
CHAT = ("discord", "slack_sdk", "slack_bolt")


def test_recaps_and_the_recap_handler_import_alone_without_chat_libraries(tmp_path: Path) -> None:
    code = (
        "import sys, bot.recaps.service, bot.recaps.runner, bot.recaps.delivery, bot.commands.recap; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({CHAT!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=outside_checkout(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_bot_recaps_does_not_import_bot_commands() -> None:
    for path in (ROOT / "bot" / "recaps").glob("*.py"):
        assert "bot.commands" not in path.read_text(), path.name
