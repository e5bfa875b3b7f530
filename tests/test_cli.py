"""The command line, end to end in a subprocess, as an editor or operator uses it."""

import json
import subprocess
import sys
from pathlib import Path

from tests.hermetic import clean_env, outside_checkout

def run(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot`` in the test's temporary folder, with only the given settings."""
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True,
                          text=True, cwd=outside_checkout(Path.cwd()), env=clean_env(**env), timeout=60)


def test_ask_prints_a_cited_text_reply() -> None:
    out = run("ask", "/numbers")
    assert out.returncode == 0, out.stderr
    assert "About 42,695" in out.stdout and "[1] The Epoch Times" in out.stdout and "As of Feb 28, 2026." in out.stdout


def test_ask_json_is_the_neutral_reply() -> None:
    data = json.loads(run("ask", "/ruling", "--format", "json").stdout)
    assert data["title"] == "The Feb. 26, 2026 ruling" and data["as_of"]["date"] == "2026-02-28"
    assert data["citations"][0]["source_id"] == "epoch-times"


def test_check_passes_on_shipped_content() -> None:
    out = run("check")
    assert out.returncode == 0 and out.stdout.startswith("OK: ") and "0 source(s) not cited" in out.stdout


def test_check_fails_with_file_line_and_closest_passage(content_dirs: tuple[Path, Path]) -> None:
    seeds, summaries = content_dirs
    file = summaries / "status.md"
    file.write_text(file.read_text().replace("Those preliminary injunctions remain active.",
                                             "Those preliminary injunctions remain in force."))
    out = run("check", SEEDS_DIR=str(seeds), SUMMARIES_DIR=str(summaries))
    assert out.returncode == 1
    assert "status.md:" in out.stdout and 'closest: "Those preliminary injunctions remain active."' in out.stdout


def test_bot_refuses_to_start_on_unverified_content(content_dirs: tuple[Path, Path]) -> None:
    seeds, summaries = content_dirs
    (summaries / "who.md").write_text("# Who\n## People\n- Someone.\n")
    out = run("ask", "/who", SEEDS_DIR=str(seeds), SUMMARIES_DIR=str(summaries))
    assert out.returncode == 1 and "Refusing to start" in out.stderr and "who.md:3: claim has no citation" in out.stderr


def test_bad_setting_exits_2_with_one_line_and_no_traceback() -> None:
    out = run("ask", "/help", STALE_AFTER_DAYS="-4")
    assert out.returncode == 2 and out.stderr.strip().startswith("Invalid setting STALE_AFTER_DAYS")
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_help_lists_every_action() -> None:
    out = run("--help").stdout
    for action in ("ask", "console", "check", "run"):
        assert action in out


def test_run_without_credentials_opens_the_console() -> None:
    out = run("run", stdin="/status\nexit\n")
    assert out.returncode == 0 and "Status of the injunctions and appeals" in out.stdout
