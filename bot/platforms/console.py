"""The interactive console: a prompt with history on a terminal, line by line otherwise."""

import sys
from pathlib import Path
from typing import TextIO

from bot.core.dispatch import Dispatcher
from bot.renderers.text import render_text

PROMPT = "case-brief> "
EXIT_WORDS = frozenset({"exit", "quit", "/exit", "/quit"})
BANNER = (
    "Case brief console. Type /help for commands, exit to leave.\n"
    "To serve Slack or Discord instead, set SLACK_BOT_TOKEN or DISCORD_TOKEN (see "
    "config.example.env)."
)


def _enable_history(history_file: Path) -> None:
    try:
        import readline  # noqa: PLC0415 - the console only, where the platform has it
    except ImportError:  # not on every platform; the console works without it
        return
    readline.set_history_length(1000)
    if history_file.exists():
        readline.read_history_file(history_file)
    import atexit  # noqa: PLC0415 - beside the one use, once readline is known to be there

    atexit.register(readline.write_history_file, history_file)


def run_console(
    dispatcher: Dispatcher,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    history_file: Path | None = None,
) -> int:
    interactive = stdin.isatty() and stdout.isatty()
    if interactive:
        _enable_history(history_file or Path.home() / ".case-brief-history")
        print(BANNER, file=stdout)

    def read() -> str | None:
        if interactive:
            try:
                return input(PROMPT)
            except EOFError:
                return None
        line = stdin.readline()
        return line or None

    while (line := read()) is not None:
        line = line.strip()
        if not line:
            continue
        if line.lower() in EXIT_WORDS:
            break
        problems = dispatcher.store.reload_if_changed()
        if problems:
            print(
                f"Content changed but has {len(problems)} problem(s); still serving the last good "
                f"version.",
                file=stdout,
            )
            for problem in problems:
                print(f"  {problem}", file=stdout)
        print(render_text(dispatcher.run_line(line)), file=stdout)
        print(file=stdout)
        stdout.flush()
    return 0
