"""``changes`` and ``check`` against the recorded versions, as editors run them: real
processes on a copy of the content, SQLite (and PostgreSQL when TEST_DATABASE_URL is set).
"""

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hermetic import clean_env, outside_checkout
from tests.storage.conftest import fresh_postgres, postgres_url

__all__ = ["fresh_postgres", "postgres_url"]

CorrectionLine = "  ! Correction: It gave the wrong source."


def bot(dirs: tuple[Path, Path], url: str, *args: str) -> subprocess.CompletedProcess[str]:
    seeds, summaries = dirs
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=outside_checkout(Path.cwd()),
        env=clean_env(SEEDS_DIR=str(seeds), SUMMARIES_DIR=str(summaries), DATABASE_URL=url),
        timeout=120,
        check=False,
    )


def edit(dirs: tuple[Path, Path], old: str, new: str) -> None:
    file = dirs[1] / "numbers.md"
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def remove_claim(file: Path, claim_id: str) -> None:
    """Take the claim with ``claim_id`` out of ``file``, with its quotes and translations."""
    lines = file.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if "{#" + claim_id + "}" in line)
    end = start + 1
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    del lines[start:end]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    make: Callable[[], str] = request.getfixturevalue("fresh_postgres")
    return make()


def record(dirs: tuple[Path, Path], url: str) -> None:
    """``recap post-due``: cron deployments record the content as a version here."""
    done = bot(dirs, url, "recap", "post-due")
    assert done.returncode == 0, done.stderr


def test_changes_lists_each_version_newest_first_with_before_after_and_citations(
    content_dirs: tuple[Path, Path], url: str
) -> None:
    record(content_dirs, url)
    edit(content_dirs, "panel that declined", "panel who declined")
    record(content_dirs, url)
    edit(
        content_dirs,
        "per The Epoch Times. {#numbers-13-pages}",
        "per the Epoch Times report. {#numbers-13-pages}\n" + CorrectionLine,
    )
    edit(content_dirs, "- **3**: judges", "- **3**: judges")  # nothing else
    record(content_dirs, url)
    record(content_dirs, url)  # the same content again: no version
    done = bot(content_dirs, url, "changes")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.index("Version 3,") < text.index("Version 2,") < text.index("Version 1,")
    assert "Version 4" not in text
    assert "Corrected {#numbers-13-pages} (numbers: Key figures)" in text
    assert "    correction: It gave the wrong source." in text
    assert "    before: 3: judges on the D.C. Circuit panel that declined" in text
    assert "    after:  3: judges on the D.C. Circuit panel who declined" in text
    assert '      > epoch-times: "In Thursday’s 13-page opinion"' in text
    assert "the first recorded, 77 claims citing 2 sources" in text

    listed = json.loads(
        bot(content_dirs, url, "changes", "--since", "1", "--format", "json").stdout
    )
    assert [v["version"] for v in listed] == [3, 2]
    (correction,) = listed[0]["changes"]
    assert correction["kind"] == "changed"
    assert correction["key"] == "numbers-13-pages"
    assert correction["correction"] == "It gave the wrong source."
    assert correction["before"]["citations"] == [
        {"source": "epoch-times", "quote": "In Thursday’s 13-page opinion"}
    ]
    by_date = bot(content_dirs, url, "changes", "--since", "2020-01-01", "--format", "json")
    assert [v["version"] for v in json.loads(by_date.stdout)] == [3, 2, 1]
    assert (
        json.loads(bot(content_dirs, url, "changes", "--since", "3", "--format", "json").stdout)
        == []
    )


def test_a_withdrawn_claim_and_an_added_one_are_listed(
    content_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    record(content_dirs, url)
    for file in (content_dirs[1] / "numbers.md", content_dirs[1] / "es" / "numbers.md"):
        remove_claim(file, "numbers-13-pages")
    file = content_dirs[1] / "numbers.md"
    file.write_text(
        file.read_text(encoding="utf-8")
        + "- The opinion ran to 13 pages. {#numbers-opinion-pages}\n"
        + '  > epoch-times: "In Thursday’s 13-page opinion"\n',
        encoding="utf-8",
    )
    record(content_dirs, url)
    text = bot(content_dirs, url, "changes", "--since", "1").stdout
    assert "  Added {#numbers-opinion-pages} (numbers: Reading the figures)" in text
    assert "  Withdrawn {#numbers-13-pages} (numbers: Key figures)" in text


def test_changes_without_a_database_says_so_and_creates_none(
    content_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    done = bot(content_dirs, f"sqlite:///{tmp_path / 'none.sqlite3'}", "changes")
    assert done.returncode == 0
    assert done.stdout.startswith("No content version recorded yet")
    assert not (tmp_path / "none.sqlite3").exists()


def test_a_bad_since_is_one_line_and_exit_2(
    content_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    done = bot(content_dirs, f"sqlite:///{tmp_path / 'x.sqlite3'}", "changes", "--since", "soon")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "--since: 'soon' is neither a version number (3) nor a date (2026-03-10)"
    )


def test_check_refuses_a_correction_the_recorded_versions_do_not_allow(
    content_dirs: tuple[Path, Path], url: str
) -> None:
    record(content_dirs, url)
    edit(
        content_dirs,
        "per The Epoch Times. {#numbers-13-pages}",
        "per The Epoch Times. {#numbers-13-pages}\n" + CorrectionLine,
    )
    done = bot(content_dirs, url, "check")
    assert done.returncode == 1
    numbers = content_dirs[1] / "numbers.md"
    line = numbers.read_text(encoding="utf-8").splitlines().index(CorrectionLine) + 1
    assert done.stdout.startswith(
        f"{numbers}:{line}: correction on a claim that did not change since version 1"
    )
    # recording refuses it too, and keeps version 1
    done = bot(content_dirs, url, "recap", "post-due")
    assert f"{numbers}:{line}: correction on a claim that did not change" in done.stderr
    assert "Version 2" not in bot(content_dirs, url, "changes").stdout
    # the claim edited too: a correction, accepted
    edit(
        content_dirs,
        "per The Epoch Times. {#numbers-13-pages}",
        "per the Epoch Times report. {#numbers-13-pages}",
    )
    done = bot(content_dirs, url, "check")
    assert done.returncode == 0, done.stdout
    assert "corrections checked against version 1 (recorded " in done.stdout


def test_check_refuses_a_correction_on_a_new_claim(
    content_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    record(content_dirs, url)
    file = content_dirs[1] / "numbers.md"
    file.write_text(
        file.read_text(encoding="utf-8")
        + "- The opinion ran to 13 pages. {#numbers-new}\n"
        + CorrectionLine
        + '\n  > epoch-times: "In Thursday’s 13-page opinion"\n',
        encoding="utf-8",
    )
    line = len(file.read_text(encoding="utf-8").splitlines()) - 1
    done = bot(content_dirs, url, "check")
    assert done.returncode == 1
    assert done.stdout.startswith(
        f"{file}:{line}: correction on a claim that version 1 did not have"
    )


def test_check_without_a_database_creates_none(
    content_dirs: tuple[Path, Path], tmp_path: Path
) -> None:
    done = bot(content_dirs, f"sqlite:///{tmp_path / 'none.sqlite3'}", "check")
    assert done.returncode == 0, done.stdout
    assert not (tmp_path / "none.sqlite3").exists()


def test_processes_recording_the_same_edit_at_once_make_one_version(
    content_dirs: tuple[Path, Path], url: str
) -> None:
    """Four cron runs (``recap post-due``) start together on one database: one version 1,
    then one version 2 after an edit, whatever the interleaving.
    """
    seeds, summaries = content_dirs
    env = clean_env(SEEDS_DIR=str(seeds), SUMMARIES_DIR=str(summaries), DATABASE_URL=url)

    def together() -> None:
        running = [
            subprocess.Popen(
                [sys.executable, "-m", "bot", "recap", "post-due"],
                cwd=outside_checkout(Path.cwd()),
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        for process in running:
            _, err = process.communicate(timeout=120)
            assert process.returncode == 0, err

    together()
    edit(content_dirs, "panel that declined", "panel who declined")
    together()
    listed = json.loads(bot(content_dirs, url, "changes", "--format", "json").stdout)
    assert [v["version"] for v in listed] == [2, 1]
    assert [c["key"] for c in listed[0]["changes"]] == ["numbers-three-judges"]
