"""Recaps' place in the layer stack: below the handlers and platforms that use them, above
the renderers, the core and storage they use; and they load without any chat library.

The contracts themselves are proven by planted imports in tests/test_layers.py.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

from tests.hermetic import ROOT, clean_env, outside_checkout

CHAT = ("discord", "slack_sdk", "slack_bolt", "aiohttp")


def stack() -> dict[str, int]:
    """Each package of the layers contract and its depth (0 is the top)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return {
        name.strip().strip("()"): depth
        for depth, layer in enumerate(contract["layers"])
        for name in layer.split("|")
    }


def test_recaps_sit_below_their_users_and_above_what_they_use() -> None:
    depth = stack()
    assert depth["platforms"] < depth["service"] < depth["commands"] < depth["recaps"]
    assert depth["recaps"] < depth["renderers"] < depth["core"] < depth["storage"]
    assert depth["settings"] < depth["recaps"]  # RECAPS is handed in, never read (app.py)


def test_recaps_and_the_recap_handler_import_alone_without_chat_libraries(tmp_path: Path) -> None:
    code = (
        "import sys, bot.recaps.service, bot.recaps.runner, bot.recaps.delivery, "
        "bot.commands.recap; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({CHAT!r})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=outside_checkout(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        env=clean_env(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
