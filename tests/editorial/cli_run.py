"""Run ``python -m bot`` as an editor would: a subprocess in a scratch folder, clean env."""

import os
import subprocess
import sys
from pathlib import Path

from tests.hermetic import outside_checkout


def run_bot(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Only PATH (and the Python install's own variables) from outside; settings given."""
    clean = {k: v for k, v in os.environ.items() if k in ("PATH", "SYSTEMROOT", "LANG", "LC_ALL")}
    clean.update({"DATABASE_URL": f"sqlite:///{cwd / 'test.sqlite3'}", "PYTHONIOENCODING": "utf-8"})
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=outside_checkout(cwd),
        env=clean,
        timeout=120,
        check=False,
    )
