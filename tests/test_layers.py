"""The import contracts in pyproject.toml (`make layers`) catch what they are written for.

Each case plants one illegal import in a copy of bot/ (never in the checkout) and runs
`lint-imports` there: the contract named must break. The copy without a plant passes, and
every contract has at least one plant, so a contract that stopped catching anything fails here.
"""

import ast
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.hermetic import ROOT, clean_env, outside_checkout

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS: dict[str, str] = {
    contract["id"]: contract["name"]
    for contract in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
}
# (module under bot/, the line appended to it, the id of the contract that must catch it)
PLANTS = [
    (
        "content/normalize.py",
        "import bot.editorial.review",
        "layers",
    ),  # a cycle: editorial -> content
    ("content/normalize.py", "import bot.settings", "layers"),
    ("content/normalize.py", "import bot.storage.base", "layers"),  # independent siblings
    ("renderers/text.py", "import bot.settings", "layers"),
    ("recaps/compose.py", "import bot.logs", "layers"),
    ("service/metrics.py", "import bot.web.links", "layers"),  # independent siblings
    ("core/freshness.py", "import bot.commands.help", "layers"),
    ("storage/rows.py", "import bot.core.reply", "layers"),
    ("i18n/locales.py", "import bot.content.normalize", "layers"),  # i18n is the bottom
    ("i18n/catalogs.py", "import bot.storage.base", "layers"),
    ("commands/help.py", "import bot.platforms.console", "layers"),
    ("recaps/compose.py", "import bot.platforms.errors", "layers"),
    ("web/passages.py", "import bot.platforms.errors", "layers"),
    ("settings.py", "import bot.platforms.slack.oauth", "layers"),  # settings load no platform code
    ("extra/__init__.py", '"""A package given no place in the stack."""', "layers"),  # exhaustive
    ("renderers/safety.py", "import bot.content.normalize", "renderers"),
    ("renderers/safety.py", "import bot.core.dispatch", "renderers"),
    ("editorial/staleness.py", "import bot.recaps.schedule", "editorial"),
    ("core/reply.py", "import discord", "chat-libraries"),
    ("web/links.py", "import aiohttp", "aiohttp"),  # the wiring imports web.links
    ("platforms/slack/manifest.py", "import bot.platforms.discord.tree", "platforms-apart"),
    ("recaps/schedule.py", "import psycopg", "database-drivers"),
    ("app.py", "import bot.editorial.intake", "trafilatura"),  # indirect: intake imports it
    ("editorial/render.py", "import bot.intake.matching", "layers"),  # intake is above editorial
    ("intake/matching.py", "import bot.service.metrics", "layers"),  # metrics observe it from above
    ("intake/matching.py", "import bot.recaps.posting", "intake"),
    ("intake/matching.py", "import bot.renderers.slack", "intake"),
    ("intake/matching.py", "import slack_sdk", "chat-libraries"),
    ("updates/versions.py", "import bot.commands.help", "layers"),  # independent siblings
    ("updates/history.py", "import bot.web.links", "layers"),  # the web reads versions
    ("commands/help.py", "import bot.updates.versions", "layers"),  # through a core protocol
    ("updates/versions.py", "import slack_sdk", "chat-libraries"),
    ("updates/history.py", "import aiohttp", "aiohttp"),
    ("updates/history.py", "import psycopg", "database-drivers"),
]
RESULT = re.compile(r"^(?P<name>.+?) (?P<status>KEPT|BROKEN)\b", re.MULTILINE)


def lint_imports(copy: Path) -> tuple[int, dict[str, str], str]:
    """Run `lint-imports` on the package in ``copy``: exit code, status by contract id, output."""
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=outside_checkout(copy),
        env=clean_env(PYTHONPATH=str(copy), COLUMNS="300", NO_COLOR="1"),
        timeout=120,
        check=False,
    )
    by_name = {found["name"]: found["status"] for found in RESULT.finditer(done.stdout)}
    status = {key: by_name.get(name, "MISSING") for key, name in CONTRACTS.items()}
    return done.returncode, status, done.stdout + done.stderr


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """bot/ and pyproject.toml copied, so lint-imports reads the copy and not the checkout."""
    shutil.copytree(ROOT / "bot", tmp_path / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_package_as_it_is_keeps_every_contract(copy: Path) -> None:
    code, status, output = lint_imports(copy)
    assert code == 0, output
    assert set(status.values()) == {"KEPT"}, output


def test_every_contract_is_proven_by_a_plant() -> None:
    assert {key for _, _, key in PLANTS} == set(CONTRACTS)


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    PLANTS,
    ids=[f"{module}: {line}" for module, line, _ in PLANTS],
)
def test_a_planted_import_breaks_the_contract_named(
    copy: Path, module: str, line: str, contract: str
) -> None:
    path = copy / "bot" / module
    path.parent.mkdir(exist_ok=True)
    with path.open("a") as file:
        file.write(f"\n{line}\n")
    code, status, output = lint_imports(copy)
    assert code == 1, output
    assert status[contract] == "BROKEN", output


# Package modules allowed to import from bot: the command line's entry point (`main`), and
# modules split into packages whose old public names stay importable from the package
# (their parts are pure and light: nothing heavy comes with them).
FACADES = {
    ROOT / "bot" / "cli",
    ROOT / "bot" / "content" / "facts",
    ROOT / "bot" / "editorial" / "review",
}


def test_package_inits_re_export_nothing() -> None:
    """An __init__ that re-exports drags every dependency of its package into each importer
    (bot.web's once put aiohttp and Jinja2 into `ask`): import from the defining module.
    """
    for init in sorted((ROOT / "bot").rglob("__init__.py")):
        tree = ast.parse(init.read_text())
        imports = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
        from_bot = [
            node
            for node in imports
            if (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot"))
            or (isinstance(node, ast.Import) and any(a.name.startswith("bot") for a in node.names))
        ]
        if init.parent in FACADES:
            continue
        assert not from_bot, f"{init.relative_to(ROOT)} re-exports from bot"
