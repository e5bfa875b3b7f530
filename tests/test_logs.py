"""Log lines: text or JSON, secrets masked everywhere (tracebacks too), no user text above DEBUG."""

import json
import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.core.dispatch import Dispatcher
from bot.logs import configure_logging
from bot.service.observe import Observer

SECRET = "xoxb-never-in-a-log-line"


class Stderr:
    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def getvalue(self) -> str:
        return self.capsys.readouterr().err


@pytest.fixture
def stderr(capsys: pytest.CaptureFixture[str]) -> Iterator[Stderr]:
    """What the bot's log handler writes (configured inside each test, on pytest's stderr)."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    yield Stderr(capsys)
    root.handlers[:], level = saved
    root.setLevel(level)


def test_json_lines_carry_the_fields_and_mask_secrets_in_tracebacks(stderr: Stderr) -> None:
    configure_logging("INFO", [SecretStr(SECRET)], "json")
    log = logging.getLogger("bot.test")
    log.info("token is %s", SECRET)
    try:
        raise RuntimeError(f"failed with {SECRET}")
    except RuntimeError:
        log.exception("crash")
    text = stderr.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0]["message"] == "token is ***" and lines[0]["level"] == "INFO" and lines[0]["logger"] == "bot.test"
    assert "RuntimeError: failed with ***" in lines[1]["traceback"]
    assert SECRET not in text


async def test_one_line_per_command_with_platform_command_outcome_latency_and_no_user_text(
    stderr: Stderr, dispatcher: Dispatcher,
) -> None:
    configure_logging("INFO", [], "json")
    observer = Observer(commands=[c.name for c in dispatcher.registry])
    async with observer.serving("slack", "quote") as served:
        served.replied(dispatcher.run_line("/quote secret-user-words-here"))
    async with observer.serving("discord", "no-such-command"):
        pass
    text = stderr.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(line["platform"], line["command"], line["outcome"]) for line in lines] == [
        ("slack", "quote", "ok"), ("discord", "unknown", "ok")]
    assert all(isinstance(line["latency_ms"], float) for line in lines)
    assert "secret-user-words-here" not in text


def test_text_format_is_the_default(stderr: Stderr) -> None:
    configure_logging("INFO", [SecretStr(SECRET)])
    logging.getLogger("bot.test").warning("with %s", SECRET)
    assert stderr.getvalue().rstrip().endswith("WARNING bot.test: with ***")
