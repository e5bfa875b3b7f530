"""What keeps tests hermetic: the bot's settings, derived from Settings, and a clean environment.

Tests run in a temporary working directory with none of the bot's settings in the
environment (the autouse fixture in conftest.py); subprocesses get the same: cwd in a
temporary folder (so no .env is read and no database file is left in the checkout) and an
environment without any of the developer's settings or tokens.
"""

import os
from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
# Every variable the bot reads (case-insensitively), whoever adds a setting.
BOT_SETTINGS = frozenset(name.upper() for name in Settings.model_fields)


def is_bot_setting(name: str) -> bool:
    return name.upper() in BOT_SETTINGS


def clean_env(**settings: str) -> dict[str, str]:
    """os.environ without the bot's settings, plus ``settings``; ``python -m bot`` runs from any
    cwd.
    """
    env = {name: value for name, value in os.environ.items() if not is_bot_setting(name)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(settings)
    return env


def outside_checkout(cwd: Path) -> Path:
    """A subprocess's working directory, refused if it is inside the checkout."""
    resolved = cwd.resolve()
    refused = f"subprocess would run in the checkout: {cwd}"
    assert resolved != ROOT, refused
    assert ROOT not in resolved.parents, refused
    return resolved
