import io
import subprocess
import sys
from pathlib import Path

from bot.core.dispatch import Dispatcher
from bot.platforms.console import run_console
from tests.hermetic import clean_env, outside_checkout


def test_console_answers_each_piped_line_until_exit(dispatcher: Dispatcher) -> None:
    out = io.StringIO()
    assert run_console(dispatcher, io.StringIO("/numbers\n\n/numbrs\nexit\n/ruling\n"), out) == 0
    text = out.getvalue()
    assert "About 42,695" in text
    assert "Did you mean `/numbers`?" in text
    assert "The Feb. 26, 2026 ruling" not in text  # nothing after exit


def test_console_reports_a_broken_edit_and_keeps_serving(dispatcher: Dispatcher) -> None:
    summaries = dispatcher.store.summaries_dir
    (summaries / "numbers.md").write_text(
        '# Numbers\n## Figures\n- **1**: one.\n  > nowhere: "no such source"\n'
    )
    out = io.StringIO()
    run_console(dispatcher, io.StringIO("/numbers\n"), out)
    assert "still serving the last good version" in out.getvalue()
    assert "numbers.md:4: unknown source 'nowhere'" in out.getvalue()
    assert "About 42,695" in out.getvalue()


def test_console_subprocess_over_stdin() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        input="/who romo\n/help\n",
        capture_output=True,
        text=True,
        cwd=outside_checkout(Path.cwd()),
        env=clean_env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert "Dottie Romo" in done.stdout
    assert "Case brief: commands" in done.stdout


class EditsBetweenLines(io.StringIO):
    """stdin that saves a file just before handing over each line, as an editor would
    mid-session.
    """

    def __init__(self, lines: list[str], edits: list[tuple[Path, bytes] | None]) -> None:
        super().__init__("".join(lines))
        self.edits = list(edits)

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        if self.edits and (edit := self.edits.pop(0)) is not None:
            edit[0].write_bytes(edit[1])
        return super().readline()


def test_console_survives_an_unreadable_edit_and_loads_the_next_good_one(
    dispatcher: Dispatcher,
) -> None:
    file = dispatcher.store.summaries_dir / "numbers.md"
    good = file.read_bytes()
    stdin = EditsBetweenLines(
        ["/numbers\n", "/numbers\n", "/numbers\n"],
        [
            (file, b"# Numbers \xff\xfe binary \x00 junk"),
            None,
            (file, good.replace(b"# The numbers", b"# The key numbers")),
        ],
    )
    out = io.StringIO()
    assert run_console(dispatcher, stdin, out) == 0
    text = out.getvalue()
    assert "numbers.md:1: binary data" in text
    assert text.count("About 42,695") == 3
    assert "The key numbers" in text
