"""Workspace tokens (not settings) masked in log lines by their shape."""

import logging

from bot.logs import RedactSecrets


def record(message: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("slack_sdk.web", logging.DEBUG, __file__, 1, message, args, None)


def test_workspace_tokens_are_masked_by_shape() -> None:
    entry = record(
        "Received: %s", {"access_token": "xoxe.xoxb-1-AbC-123", "refresh_token": "xoxe-1-My0x-9"}
    )
    RedactSecrets([]).filter(entry)
    assert "AbC" not in entry.getMessage()
    assert "My0x" not in entry.getMessage()
    assert "xox***" in entry.getMessage()


def test_configured_secrets_are_masked_and_other_text_kept() -> None:
    entry = record("secret=%s ok", "hunter2-very-secret")
    RedactSecrets(["hunter2-very-secret"]).filter(entry)
    assert entry.getMessage() == "secret=*** ok"
    plain = record("nothing to hide %d", 3)
    RedactSecrets(["hunter2-very-secret"]).filter(plain)
    assert plain.getMessage() == "nothing to hide 3"
    assert plain.args == (3,)
