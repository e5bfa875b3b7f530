"""Start-up benchmark: how long `ask`, `check` and `import bot.cli` take from a cold process.

Baselines, measured in the same run: the bare interpreter (`python -c pass`), and
`import bot.cli` plus what it loaded eagerly before issue 15 (the chat posters, the web
server and the static site: the chat libraries, aiohttp and Jinja2). Each command runs as
a fresh subprocess in a scratch folder with the bot's settings cleared, interleaved, so
a busy machine slows every row alike. Also shown: `-X importtime`'s cumulative figure for
`bot.cli` (the import alone, without the interpreter's start).

Usage: python benchmarks/bench_startup.py [--runs 15]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import machine
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
EAGER = "import bot.cli, bot.platforms.posting, bot.web.server, bot.web.site"
CASES = {
    "baseline: python -c pass": ["-c", "pass"],
    "baseline: import bot.cli + what it loaded before": ["-c", EAGER],
    "import bot.cli": ["-c", "import bot.cli"],
    'python -m bot ask "/numbers"': ["-m", "bot", "ask", "/numbers"],
    "python -m bot check": ["-m", "bot", "check"],
}


def environment() -> dict[str, str]:
    settings = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in settings}
    env["PYTHONPATH"] = str(ROOT)
    return env


def wall_ms(args: list[str], cwd: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=cwd, env=env, check=True, capture_output=True)
    return (time.perf_counter() - start) * 1000


def importtime_ms(module_code: str, cwd: str, env: dict[str, str]) -> float:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", module_code],
        cwd=cwd,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    for line in done.stderr.splitlines():
        _, cumulative, name = line.split("|")
        if name.strip() == "bot.cli":
            return int(cumulative) / 1000
    msg = "bot.cli not in -X importtime output"
    raise RuntimeError(msg)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    env = environment()
    samples: dict[str, list[float]] = {name: [] for name in CASES}
    imports: list[float] = []
    with tempfile.TemporaryDirectory() as cwd:
        for args in CASES.values():  # warm the file cache and the bytecode
            wall_ms(args, cwd, env)
        for _ in range(runs):
            for name, args in CASES.items():
                samples[name].append(wall_ms(args, cwd, env))
            imports.append(importtime_ms("import bot.cli", cwd, env))
    print(f"machine: {machine()}; {runs} runs each, interleaved")
    print("| command | median wall | fastest |")
    print("| --- | --- | --- |")
    for name, values in samples.items():
        print(f"| `{name}` | {statistics.median(values):.0f} ms | {min(values):.0f} ms |")
    print(
        f"| `-X importtime` cumulative `bot.cli` | {statistics.median(imports):.0f} ms "
        f"| {min(imports):.0f} ms |"
    )


if __name__ == "__main__":
    main()
