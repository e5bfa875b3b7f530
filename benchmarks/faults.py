"""Fault run for docs/hardening.md: what each kind of bad input gets, on a given source tree.

Not a timing benchmark: it records outcomes (HTTP status, exit code, traceback or not, log
bytes) so the table in docs/hardening.md can be measured "before" on another tree:

    .venv/bin/python benchmarks/faults.py                      # this checkout
    .venv/bin/python benchmarks/faults.py --root /tmp/before   # e.g. `git archive main` unpacked

Everything runs as `python -m bot` subprocesses in temporary folders (PYTHONPATH=root).
"""

import argparse
import hashlib
import hmac
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SECRET = "fault-run-signing-secret"
FORM = "application/x-www-form-urlencoded"
SETTINGS_PREFIXES = (
    "SLACK_",
    "DISCORD_",
    "DATABASE_URL",
    "RECAPS",
    "HOST",
    "PORT",
    "SEEDS_DIR",
    "SUMMARIES_DIR",
    "LOG_LEVEL",
    "STALE_AFTER_DAYS",
)


def env_for(root: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(SETTINGS_PREFIXES)}
    env.update(PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1", **settings)
    return env


def bot(
    root: Path, cwd: Path, *args: str, stdin: str | None = None, **settings: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env_for(root, **settings),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def outcome(done: subprocess.CompletedProcess[str]) -> str:
    """Exit code, lines of complaint (stderr; stdout too on failure: `check` reports there),
    traceback.
    """
    said = done.stderr + (done.stdout if done.returncode else "")
    lines = [line for line in said.splitlines() if line.strip()]
    trace = "traceback" if "Traceback" in said else "no traceback"
    return f"exit {done.returncode}, {len(lines)} line(s), {trace}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(url: str, body: bytes, headers: dict[str, str]) -> int | str:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, ConnectionError):
        return "no answer (connection closed)"
    except TimeoutError:
        return "no answer in 10 s"


def sign(body: bytes, ts: str | None = None) -> dict[str, str]:
    ts = ts or str(int(time.time()))
    digest = hmac.new(
        SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256
    ).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def answering_api() -> str:
    """A local URL answering 200 to anything: SLACK_API_URL must answer at start (issue 16)."""

    class Answer(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}')

        def do_POST(self) -> None:
            self.do_GET()

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/api/"


def requests(root: Path, tmp: Path) -> list[tuple[str, str]]:
    port = free_port()
    log = tmp / "requests.log"  # a file, not a pipe: a pipe nobody reads would stall the server
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        env=env_for(
            root,
            SLACK_BOT_TOKEN="xoxb-fault-run",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=answering_api(),
            HOST="127.0.0.1",
            PORT=str(port),
            LOG_LEVEL="INFO",
            CONTENT_RELOAD_SECONDS="0",
            DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        ),
    )
    url = f"http://127.0.0.1:{port}/slack/events"
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    form = b"command=%2Fstatus&text=&user_id=U1&channel_id=C1&team_id=T1"
    cases = {
        "unsigned, `{` body not JSON": (b"{not json", {"Content-Type": FORM}),
        "unsigned, JSON type, form body": (form, {"Content-Type": "application/json"}),
        "unsigned, not UTF-8": (b"\xff\xfe\x80text", {"Content-Type": FORM}),
        "timestamp not an integer": (
            form,
            {
                "Content-Type": FORM,
                "X-Slack-Request-Timestamp": "12abc",
                "X-Slack-Signature": "v0=00",
            },
        ),
        "no signature headers": (form, {"Content-Type": FORM}),
        "signed, `{` body not JSON": (b"{not json", {"Content-Type": FORM, **sign(b"{not json")}),
        "signed, JSON array": (b"[1]", {"Content-Type": "application/json", **sign(b"[1]")}),
    }
    rows = []
    for name, (body, headers) in cases.items():
        rows.append((f"request: {name}", f"HTTP {post(url, body, headers)}"))
    big = b"text=" + b"A" * 1_000_000
    statuses = {str(post(url, big, {"Content-Type": FORM})) for _ in range(100)}
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    stderr = log.read_bytes()
    traces = stderr.count(b"Traceback")
    rows.append(("request: 100 anonymous 1 MB requests", f"HTTP {sorted(statuses)}"))
    rows.append(("request log, all of the above", f"{len(stderr):,} bytes, {traces} traceback(s)"))
    return rows


def inert(root: Path, tmp: Path) -> list[tuple[str, str]]:
    rows = []
    for line in ("/quote *bold* ~strike~ `code` _it_ public", "/who *bold*", "/status *bold*"):
        done = bot(root, tmp, "ask", line, "--format", "slack")
        blocks = json.loads(done.stdout)["blocks"]
        live = [
            t
            for b in blocks
            for t in [b.get("text"), *b.get("fields", [])]
            if t and t["type"] == "mrkdwn" and "*bold*" in t["text"]
        ]
        rows.append((f"user text: {line}", f"{len(live)} mrkdwn element(s) formatting it"))
    done = bot(root, tmp, "ask", "/quote \u202eevil\x1b[2J")
    rows.append(
        (
            "user text: U+202E and ESC in /quote (text)",
            "kept" if "\u202e" in done.stdout or "\x1b" in done.stdout else "neutralised",
        )
    )
    return rows


def content(root: Path, tmp: Path) -> list[tuple[str, str]]:
    rows = []
    for kind, data in (
        ("binary", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("Latin-1", "caf\u00e9".encode("latin-1")),
    ):
        for name in ("summaries/ruling.md", "seeds/001_168defd7204b689b.toml"):
            case = Path(tempfile.mkdtemp(dir=tmp))
            shutil.copytree(root / "seeds", case / "seeds")
            shutil.copytree(root / "summaries", case / "summaries")
            (case / name).write_bytes(data)
            done = bot(
                root,
                case,
                "check",
                SEEDS_DIR=str(case / "seeds"),
                SUMMARIES_DIR=str(case / "summaries"),
            )
            named = (
                "names file" if Path(name).name in done.stdout + done.stderr else "no file named"
            )
            rows.append((f"content: {kind} {name}, check", f"{outcome(done)}, {named}"))
    # A running console: a binary edit, then a good one.
    case = Path(tempfile.mkdtemp(dir=tmp))
    shutil.copytree(root / "seeds", case / "seeds")
    shutil.copytree(root / "summaries", case / "summaries")
    file = case / "summaries" / "numbers.md"
    good = file.read_bytes()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "console"],
        cwd=case,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env_for(root, SEEDS_DIR=str(case / "seeds"), SUMMARIES_DIR=str(case / "summaries")),
    )
    assert process.stdin is not None
    assert process.stdout is not None
    out = b""
    for edit in (None, b"\x00binary \xff", good.replace(b"# The numbers", b"# The key numbers")):
        if edit is not None:
            file.write_bytes(edit)
        try:
            process.stdin.write(b"/numbers\n")
            process.stdin.flush()
        except BrokenPipeError:
            break
        while line := process.stdout.readline():  # the whole reply, before the next edit
            out += line
            if line.startswith(b"As of"):
                break
    rest, err = process.communicate(timeout=60)  # closes stdin: the console ends
    out += rest
    loaded = "later good edit loads" if b"The key numbers" in out else "later good edit never loads"
    rows.append(
        (
            "content: binary edit into a running console",
            (
                f"exit {process.returncode}, "
                f"{'traceback' if b'Traceback' in err else 'no traceback'}, {loaded}"
            ),
        )
    )
    return rows


def settings(root: Path, tmp: Path) -> list[tuple[str, str]]:
    slack = {
        "SLACK_BOT_TOKEN": "xoxb-fault-run",
        "SLACK_SIGNING_SECRET": SECRET,
        "PORT": "0",
        "DATABASE_URL": f"sqlite:///{tmp / 'settings.sqlite3'}",
        "SLACK_API_URL": answering_api(),
    }
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    held.listen()
    cases: list[tuple[str, tuple[str, ...], dict[str, str]]] = [
        ("HOST does not resolve", ("run",), {**slack, "HOST": "no-such-host.invalid"}),
        (
            "PORT in use",
            ("run",),
            {**slack, "HOST": "127.0.0.1", "PORT": str(held.getsockname()[1])},
        ),
        ("DATABASE_URL empty path", ("recap", "list"), {"DATABASE_URL": "sqlite:///"}),
        ("DATABASE_URL a folder", ("recap", "list"), {"DATABASE_URL": f"sqlite:///{tmp}"}),
        (
            "DATABASE_URL read-only place",
            ("recap", "list"),
            {"DATABASE_URL": "sqlite:////proc/x.sqlite3"},
        ),
        ("RECAPS not JSON", ("ask", "/help"), {"RECAPS": "not json"}),
        (
            "DISCORD_API_URL no answer",
            ("run",),
            {
                "DISCORD_TOKEN": "fault-run",
                "DISCORD_API_URL": "http://127.0.0.1:1/api/v10",
                "DATABASE_URL": f"sqlite:///{tmp / 'd.sqlite3'}",
            },
        ),
        ("SEEDS_DIR wrong", ("check",), {"SEEDS_DIR": str(tmp / "nowhere")}),
        ("SUMMARIES_DIR wrong", ("ask", "/numbers"), {"SUMMARIES_DIR": str(tmp / "nowhere")}),
    ]
    rows = []
    for name, args, values in cases:
        try:
            done = bot(root, tmp, *args, stdin="", **values)
            rows.append((f"setting: {name}", outcome(done)))
        except subprocess.TimeoutExpired:
            rows.append((f"setting: {name}", "still running after 120 s"))
    held.close()
    for args in (("ask", "/numbers"), ("check",), ("manifest", "slack")):
        case = Path(tempfile.mkdtemp(dir=tmp))
        bot(root, case, *args)
        created = [p.name for p in case.iterdir()]
        rows.append((f"database: `{' '.join(args)}` creates", ", ".join(created) or "nothing"))
    return rows


def hermetic(root: Path, tmp: Path) -> list[tuple[str, str]]:
    """The tree's own tests/test_cli.py with a hostile .env planted in (a copy of) its checkout."""
    copy = tmp / "checkout"
    shutil.copytree(
        root,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.sqlite3", ".env"),
    )
    (copy / ".env").write_text(
        "SLACK_BOT_TOKEN=xoxb-planted\nSLACK_SIGNING_SECRET=planted\n"
        "SLACK_API_URL=http://127.0.0.1:1/api/\nSTALE_AFTER_DAYS=-4\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_cli.py",
            "tests/platforms/test_console.py",
        ],
        cwd=copy,
        env=env_for(copy),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-200:]
    left = (
        "case-brief.sqlite3 left in checkout"
        if (copy / "case-brief.sqlite3").exists()
        else "nothing left"
    )
    return [("tests with a hostile .env in the checkout", f"{summary}; {left}")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--root", type=Path, default=HERE, help="source tree to run (default: this checkout)"
    )
    parser.add_argument("--only", help="one of: requests, inert, content, settings, hermetic")
    args = parser.parse_args()
    root = args.root.resolve()
    parts = {
        "requests": requests,
        "inert": inert,
        "content": content,
        "settings": settings,
        "hermetic": hermetic,
    }
    with tempfile.TemporaryDirectory() as folder:
        for name, part in parts.items():
            if args.only and name != args.only:
                continue
            for case, result in part(root, Path(folder)):
                print(f"| {case} | {result} |", flush=True)


if __name__ == "__main__":
    main()
