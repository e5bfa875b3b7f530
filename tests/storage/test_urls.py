"""DATABASE_URL checked at start without creating anything, and shown without passwords."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.storage.connect import open_store
from bot.storage.sqlite import SQLiteStore
from bot.storage.urls import check_database_url, url_for_logs
from tests.hermetic import clean_env, outside_checkout
from tests.uninstalled import hiding


def test_usable_urls_have_no_problem(tmp_path: Path) -> None:
    assert (
        check_database_url("sqlite:///case-brief.sqlite3") is None
    )  # relative to the working directory
    assert check_database_url(f"sqlite:///{tmp_path / 'new' / 'deeper' / 'db.sqlite3'}") is None
    assert check_database_url("postgresql://postgres@127.0.0.1:5432/test") is None
    assert check_database_url("postgres://u:p@db.internal/cases?sslmode=require") is None


def test_checking_creates_nothing(tmp_path: Path) -> None:
    check_database_url(f"sqlite:///{tmp_path / 'new' / 'db.sqlite3'}")
    check_database_url("sqlite:///case-brief.sqlite3")
    assert list(tmp_path.iterdir()) == []  # tmp_path is also the working directory


def test_nothing_is_created_before_open_store(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "later" / "db.sqlite3")  # made, not yet used
    assert list(tmp_path.iterdir()) == []
    asyncio.run(store.close())

    async def use() -> None:
        await (await open_store(f"sqlite:///{tmp_path / 'later' / 'db.sqlite3'}")).close()

    asyncio.run(use())
    assert (tmp_path / "later" / "db.sqlite3").is_file()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (
            "",
            (
                "'' is not a database URL; use sqlite:///case-brief.sqlite3 or "
                "postgresql://user@host:5432/database"
            ),
        ),
        ("sqlite:///", "'sqlite:///' names no file; use e.g. sqlite:///case-brief.sqlite3"),
        ("sqlite://db.sqlite3", "sqlite://db.sqlite3: a SQLite URL starts with three slashes"),
        (
            "sqlite:///data/",
            (
                "'sqlite:///data/' names a directory; give a file path such as "
                "sqlite:///data/case-brief"
            ),
        ),
        ("sqlite:///db.sqlite3?mode=ro", "a SQLite URL takes no ?parameters"),
        ("sqlite:///:memory:", "an in-memory database would lose every subscription at exit"),
        ("mysql://root@localhost/db", "'mysql://root@localhost/db' is not a database URL"),
        ("postgresql://host:notaport/db", "is not a valid PostgreSQL URL"),
    ],
)
def test_malformed_urls_are_named_in_one_line(url: str, problem: str) -> None:
    found = check_database_url(url)
    assert found is not None
    assert problem in found
    assert "\n" not in found


def test_a_directory_is_not_a_database_file(tmp_path: Path) -> None:
    assert check_database_url(f"sqlite:///{tmp_path}") == (
        f"{tmp_path} is a directory; give a file path such as {tmp_path / 'case-brief.sqlite3'}"
    )


def test_a_path_under_a_file_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("x")
    assert check_database_url(f"sqlite:///{tmp_path / 'plain' / 'db.sqlite3'}") == (
        f"cannot create {tmp_path / 'plain' / 'db.sqlite3'}: {tmp_path / 'plain'} is a file, not a "
        f"directory"
    )


def test_a_file_of_another_kind_is_named(tmp_path: Path) -> None:
    (tmp_path / "db.sqlite3").write_text("hello")
    assert check_database_url(f"sqlite:///{tmp_path / 'db.sqlite3'}") == (
        f"{tmp_path / 'db.sqlite3'} is not a SQLite database; move it away or choose another path"
    )
    (tmp_path / "empty.sqlite3").write_bytes(b"")  # SQLite treats an empty file as a new database
    assert check_database_url(f"sqlite:///{tmp_path / 'empty.sqlite3'}") is None


@pytest.mark.skipif(sys.platform != "linux", reason="/dev/null is a device on Linux")
def test_a_device_is_not_a_database_file() -> None:
    assert check_database_url("sqlite:////dev/null") == "/dev/null is not a regular file"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://bot:s3cret@db:5432/cases", "postgresql://bot:***@db:5432/cases"),
        (
            "postgresql://bot:p%40ss@db/cases?sslmode=require&password=x",
            "postgresql://bot:***@db/cases?sslmode=require&password=***",
        ),
        ("postgres://bot@db/cases", "postgres://bot@db/cases"),
        ("sqlite:////var/lib/bot/db.sqlite3", "sqlite:////var/lib/bot/db.sqlite3"),
        ("sqlite:///db.sqlite3", "sqlite:///db.sqlite3"),
    ],
)
def test_urls_are_logged_without_passwords(url: str, shown: str) -> None:
    assert url_for_logs(url) == shown


def test_a_malformed_url_with_a_password_is_named_without_it() -> None:
    for url in ("postgresql://bot:s3cret@db:notaport/cases", "mysql://bot:s3cret@db/cases"):
        problem = check_database_url(url)
        assert problem is not None
        assert "s3cret" not in problem
        assert "bot:***@" in problem


def test_a_postgresql_url_without_the_postgres_extra_names_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg.conninfo", None)  # as if psycopg were absent
    found = check_database_url("postgresql://bot@db.example:5432/brief")
    assert found is not None
    assert "\n" not in found
    assert "pip install -e '.[postgres]'" in found


def test_the_command_line_says_so_in_one_line_and_exits_2(tmp_path: Path) -> None:
    without = hiding(tmp_path / "site", "psycopg", "psycopg_pool")
    env = clean_env(DATABASE_URL="postgresql://bot:hunter2@db.example:5432/brief")
    env["PYTHONPATH"] = os.pathsep.join([without, env["PYTHONPATH"]])
    out = subprocess.run(
        [sys.executable, "-m", "bot", "recap", "list"],
        cwd=outside_checkout(tmp_path),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 2, out.stdout + out.stderr
    assert out.stderr.count("\n") == 1
    assert "Traceback" not in out.stderr
    assert out.stderr.startswith("Invalid setting DATABASE_URL:")
    assert ".[postgres]" in out.stderr
    assert "hunter2" not in out.stderr
