"""Run ``python -m bot`` as an editor would: a subprocess in a scratch folder, clean env."""

import os
import subprocess
import sys
from pathlib import Path

from tests.hermetic import outside_checkout
from tests.limits import limited


def run_bot(
    cwd: Path, *args: str, file_size: int = 0, **env: str
) -> subprocess.CompletedProcess[str]:
    """Only PATH (and the Python install's own variables) from outside; settings given.
    ``file_size``: no file written may grow past it (tests/limits.py), as on a full disk.
    """
    clean = {k: v for k, v in os.environ.items() if k in ("PATH", "SYSTEMROOT", "LANG", "LC_ALL")}
    clean.update({"DATABASE_URL": f"sqlite:///{cwd / 'test.sqlite3'}", "PYTHONIOENCODING": "utf-8"})
    clean.update(env)
    return subprocess.run(
        limited([sys.executable, "-m", "bot", *args], file_size=file_size),
        capture_output=True,
        text=True,
        cwd=outside_checkout(cwd),
        env=clean,
        timeout=120,
        check=False,
    )
