"""The command line, end to end in a subprocess, as an editor or operator uses it."""

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.core.dispatch import Dispatcher
from tests.hermetic import clean_env, outside_checkout


def run(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot`` in the test's temporary folder, with only the given settings."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=outside_checkout(Path.cwd()),
        env=clean_env(**env),
        timeout=60,
        check=False,
    )


def test_ask_prints_a_cited_text_reply() -> None:
    out = run("ask", "/numbers")
    assert out.returncode == 0, out.stderr
    assert "About 42,695" in out.stdout
    assert "[1] The Epoch Times" in out.stdout
    assert "As of Feb. 28, 2026." in out.stdout


def test_ask_json_is_the_neutral_reply() -> None:
    data = json.loads(run("ask", "/ruling", "--format", "json").stdout)
    assert data["title"] == "The Feb. 26, 2026 ruling"
    assert data["as_of"]["date"] == "2026-02-28"
    assert data["citations"][0]["source_id"] == "epoch-times"


def test_check_passes_on_shipped_content() -> None:
    out = run("check")
    assert out.returncode == 0
    assert out.stdout.startswith("OK: ")
    assert "0 source(s) not cited" in out.stdout


def test_check_fails_with_file_line_and_closest_passage(content_dirs: tuple[Path, Path]) -> None:
    seeds, summaries = content_dirs
    file = summaries / "status.md"
    file.write_text(
        file.read_text().replace(
            "Those preliminary injunctions remain active.",
            "Those preliminary injunctions remain in force.",
        )
    )
    out = run("check", SEEDS_DIR=str(seeds), SUMMARIES_DIR=str(summaries))
    assert out.returncode == 1
    assert "status.md:" in out.stdout
    assert 'closest: "Those preliminary injunctions remain active."' in out.stdout


def test_bot_refuses_to_start_on_unverified_content(content_dirs: tuple[Path, Path]) -> None:
    seeds, summaries = content_dirs
    (summaries / "who.md").write_text("# Who\n## People\n- Someone.\n")
    out = run("ask", "/who", SEEDS_DIR=str(seeds), SUMMARIES_DIR=str(summaries))
    assert out.returncode == 1
    assert "Refusing to start" in out.stderr
    assert "who.md:3: claim has no citation" in out.stderr


def test_bad_setting_exits_2_with_one_line_and_no_traceback() -> None:
    out = run("ask", "/help", STALE_AFTER_DAYS="-4")
    assert out.returncode == 2
    assert out.stderr.strip().startswith("Invalid setting STALE_AFTER_DAYS")
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_help_lists_every_action() -> None:
    out = run("--help").stdout
    for action in ("ask", "console", "check", "run"):
        assert action in out


def test_run_without_credentials_opens_the_console() -> None:
    out = run("run", stdin="/status\nexit\n")
    assert out.returncode == 0
    assert "Status of the injunctions and appeals" in out.stdout


def assert_one_line_exit_2(out: subprocess.CompletedProcess[str], variable: str) -> None:
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines() == [
        line
        for line in out.stderr.strip().splitlines()
        if line.startswith(f"Invalid setting {variable}: ")
    ]
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


@pytest.fixture(scope="module")
def slack_http() -> Iterator[dict[str, str]]:
    """Slack HTTP mode's settings, with a SLACK_API_URL that answers (the start checks it)."""

    class Answer(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}')

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": "test-secret",
        "SLACK_API_URL": f"http://127.0.0.1:{server.server_address[1]}/api/",
    }
    server.shutdown()


def test_host_that_does_not_resolve(tmp_path: Path, slack_http: dict[str, str]) -> None:
    out = run(
        "run",
        HOST="no-such-host.invalid",
        PORT="0",
        DATABASE_URL=f"sqlite:///{tmp_path}/db",
        **slack_http,
    )
    assert_one_line_exit_2(out, "HOST")


def test_port_in_use(tmp_path: Path, slack_http: dict[str, str]) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        out = run(
            "run",
            HOST="127.0.0.1",
            PORT=str(held.getsockname()[1]),
            DATABASE_URL=f"sqlite:///{tmp_path}/db",
            **slack_http,
        )
    assert_one_line_exit_2(out, "PORT")


def test_web_alone_names_a_port_in_use_or_a_host_that_does_not_resolve() -> None:
    """`web` logged "stopping" and then an ERROR line naming neither variable."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        assert_one_line_exit_2(
            run("web", HOST="127.0.0.1", PORT=str(held.getsockname()[1])), "PORT"
        )
    assert_one_line_exit_2(run("web", HOST="no-such-host.invalid", PORT="0"), "HOST")


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///",
        "sqlite:///{tmp}",
        "sqlite:////proc/case-brief.sqlite3",
        "sqlite:///{tmp}/no/such/folder/db.sqlite3",
    ],
)
@pytest.mark.parametrize("command", [("recap", "list"), ("ask", "/recap list")])
def test_database_url_that_cannot_be_opened(
    tmp_path: Path, url: str, command: tuple[str, ...]
) -> None:
    assert_one_line_exit_2(run(*command, DATABASE_URL=url.format(tmp=tmp_path)), "DATABASE_URL")


@pytest.mark.parametrize("value", ["not json", '[{"platform": "slack",'])
def test_recaps_not_json(value: str) -> None:
    assert_one_line_exit_2(run("ask", "/help", RECAPS=value), "RECAPS")


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:1/api/v10", "http://no-such-host.invalid/api/v10"]
)
def test_discord_api_url_that_does_not_answer(tmp_path: Path, url: str) -> None:
    out = run(
        "run",
        DISCORD_TOKEN="test-token",
        DISCORD_API_URL=url,
        DATABASE_URL=f"sqlite:///{tmp_path}/db",
    )
    assert_one_line_exit_2(out, "DISCORD_API_URL")


@pytest.mark.parametrize("variable", ["SEEDS_DIR", "SUMMARIES_DIR"])
@pytest.mark.parametrize("command", [("check",), ("ask", "/numbers")])
def test_wrong_content_folder_is_named_once(
    tmp_path: Path, variable: str, command: tuple[str, ...]
) -> None:
    assert_one_line_exit_2(run(*command, **{variable: str(tmp_path / "nowhere")}), variable)


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00", "caf\u00e9".encode("latin-1")])
@pytest.mark.parametrize("name", ["summaries/ruling.md", "seeds/001_168defd7204b689b.toml"])
def test_unreadable_content_file_is_a_problem_naming_it(
    content_dirs: tuple[Path, Path], name: str, data: bytes
) -> None:
    seeds, summaries = content_dirs
    file = seeds.parent / name
    file.write_bytes(data)
    folders = {"SEEDS_DIR": str(seeds), "SUMMARIES_DIR": str(summaries)}
    out = run("check", **folders)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert f"{file}:" in out.stdout
    assert "UTF-8" in out.stdout or "binary" in out.stdout
    out = run("ask", "/status", **folders)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert f"{file}:" in out.stderr


@pytest.mark.parametrize(
    "command",
    [
        ("ask", "/numbers"),
        ("ask", "/quote Romo", "--format", "slack"),
        ("check",),
        ("manifest", "slack"),
        ("console",),
        ("run",),
    ],
)
def test_commands_without_recaps_never_open_or_create_the_database(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    """The database is junk and read-only, its folder too: nothing that does not need it notices."""
    junk = tmp_path / "db" / "case-brief.sqlite3"
    junk.parent.mkdir()
    junk.write_bytes(b"junk" * 100)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    out = run(*command, stdin="/numbers\n/status\nexit\n", DATABASE_URL=f"sqlite:///{junk}")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert junk.read_bytes() == b"junk" * 100


@pytest.mark.parametrize(
    ("command", "says", "code"),
    [
        (("recap", "list"), "No recap subscriptions.", 0),
        (("recap", "preview", "--channel", "slack:C1"), "Case recap", 0),
        (("intake", "list"), "no candidates", 0),
        (("intake", "show", "3"), "no candidate 3;", 1),
        (("intake", "reject", "3"), "no candidate 3;", 1),
        (("changes",), "No content version recorded yet", 0),
    ],
)
def test_commands_that_only_read_say_there_is_nothing_and_create_no_database(
    tmp_path: Path, command: tuple[str, ...], says: str, code: int
) -> None:
    database = tmp_path / "never.sqlite3"
    out = run(*command, DATABASE_URL=f"sqlite:///{database}")
    assert out.returncode == code, out.stderr
    assert out.stdout.startswith(says)
    assert not database.exists()


def test_ask_recap_checks_the_database_url_but_opens_nothing_it_does_not_use(
    tmp_path: Path,
) -> None:
    # From a terminal /recap only says where recaps live: the URL is checked, no file is made.
    out = run("ask", "/recap list", DATABASE_URL=f"sqlite:///{tmp_path / 'recaps.sqlite3'}")
    assert out.returncode == 0
    assert "python -m bot recap list" in out.stdout
    assert not (tmp_path / "recaps.sqlite3").exists()
    folder = run("ask", "/recap list", DATABASE_URL=f"sqlite:///{tmp_path}")
    assert folder.returncode == 2
    assert folder.stderr.startswith("Invalid setting DATABASE_URL:")


def test_a_reader_that_leaves_early_gets_no_traceback() -> None:
    """``python -m bot ask "/who" | head -1`` printed a BrokenPipeError traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the bot writes
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "ask", "/who", "--format", "slack"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            cwd=outside_checkout(Path.cwd()),
            env=clean_env(),
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert done.stderr == ""


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", 'https://x/"y', "http://a b", "http://bot.example/slack/events"]
)
def test_manifest_refuses_a_url_that_is_not_an_https_address(url: str) -> None:
    """These were written into the manifest as the request and redirect URLs."""
    out = run("manifest", "slack", "--url", url)
    assert out.returncode == 2
    assert out.stdout == ""
    assert len(out.stderr.strip().splitlines()) == 1
    assert out.stderr.startswith("manifest --url must be the https address")


# --- Issue 16: settings that ended in tracebacks -----------------------------------------


def test_a_whitespace_only_signing_secret_is_one_line(
    tmp_path: Path, slack_http: dict[str, str]
) -> None:
    """Before: exit 1 and 45 lines, Bolt's traceback."""
    out = run(
        "run",
        HOST="127.0.0.1",
        PORT="0",
        DATABASE_URL=f"sqlite:///{tmp_path}/db",
        **{**slack_http, "SLACK_SIGNING_SECRET": "   "},
    )
    assert_one_line_exit_2(out, "SLACK_SIGNING_SECRET")


@pytest.mark.parametrize("url", ["http://127.0.0.1:1/api/", "http://no-such-host.invalid/api/"])
def test_an_unreachable_slack_api_url_is_one_line(
    tmp_path: Path, slack_http: dict[str, str], url: str
) -> None:
    """Before: exit 1 and 96 lines (slack_sdk's retries, then aiohttp's traceback)."""
    out = run(
        "run",
        HOST="127.0.0.1",
        PORT="0",
        DATABASE_URL=f"sqlite:///{tmp_path}/db",
        **{**slack_http, "SLACK_API_URL": url},
    )
    assert_one_line_exit_2(out, "SLACK_API_URL")


def test_a_grace_of_a_million_years_is_one_line_before_any_recap() -> None:
    """Before: accepted, then `recap post-due` printed 80,000 lines of OverflowError."""
    out = run("recap", "post-due", RECAP_GRACE_MINUTES="1000000000000")
    assert_one_line_exit_2(out, "RECAP_GRACE_MINUTES")


def test_settings_errors_are_json_lines_with_log_format_json() -> None:
    out = run("ask", "/help", LOG_FORMAT="json", PORT="not-a-port", STALE_AFTER_DAYS="-1")
    assert out.returncode == 2
    lines = [json.loads(line) for line in out.stderr.splitlines()]
    assert [line["message"].split(":")[0] for line in lines] == [
        "Invalid setting STALE_AFTER_DAYS",
        "Invalid setting PORT",
    ]
    assert {line["level"] for line in lines} == {"ERROR"}


def test_a_port_in_use_is_a_json_line_too(slack_http: dict[str, str], tmp_path: Path) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        out = run(
            "run",
            HOST="127.0.0.1",
            PORT=str(held.getsockname()[1]),
            LOG_FORMAT="json",
            DATABASE_URL=f"sqlite:///{tmp_path}/db",
            **slack_http,
        )
    assert out.returncode == 2
    [line] = [json.loads(x) for x in out.stderr.splitlines()]
    assert line["message"].startswith("Invalid setting PORT: port")


def test_ask_shows_a_page_exactly_as_the_platform_would(dispatcher: Dispatcher) -> None:
    from bot.platforms.presses import paged_reply
    from bot.renderers.discord import render_discord_page

    out = run("ask", "/ruling", "--format", "discord", "--page", "2")
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    expected = render_discord_page(paged_reply(dispatcher, dispatcher.run_line("/ruling")), 2)
    # The subprocess has today's date, the fixture a fixed one: only the footer may differ.
    for payload in (shown, expected):
        payload["embeds"][-1].pop("footer")
    assert shown == expected
    slack = json.loads(run("ask", "/ruling", "--format", "slack").stdout)  # page 1 by default
    assert slack["blocks"][-1]["type"] == "actions"


def test_ask_page_all_and_pages_that_do_not_exist() -> None:
    every = run("ask", "/numbers", "--page", "all")
    assert every.returncode == 0
    assert "Page 1 of 3 \u00b7 /numbers" in every.stdout
    assert "Sources, page 3 of 3 \u00b7 /numbers" in every.stdout
    assert every.stdout.count("-" * 100) == 2
    pages = json.loads(run("ask", "/numbers", "--format", "slack", "--page", "all").stdout)
    assert len(pages) == 3
    beyond = run("ask", "/numbers", "--page", "9")
    assert beyond.returncode == 2
    assert beyond.stderr.strip() == "There is no page 9 of /numbers: it has 3."
    nonsense = run("ask", "/numbers", "--page", "zero")
    assert nonsense.returncode == 2
    assert "expected a page number from 1, or all" in nonsense.stderr
    assert "Traceback" not in beyond.stderr + nonsense.stderr
