"""Helpers shared by the benchmark scripts: timing, percentiles, machine description."""

import atexit
import functools
import os
import platform
import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with Path("/proc/cpuinfo").open() as info:
            cpu = next(
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


@functools.cache
def _scratch() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="case-brief-bench-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def scratch_database_url() -> str:
    """A fresh SQLite database in a temporary folder removed at exit: the default DATABASE_URL
    is relative to the working directory, and a benchmark run from the checkout must leave no
    case-brief.sqlite3 there.
    """
    return f"sqlite:///{_scratch() / f'{uuid.uuid4().hex}.sqlite3'}"


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "max": ordered[-1],
    }


def time_calls(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds per call, one sample per call."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def fmt(stats: dict[str, float]) -> str:
    return " ".join(f"{k}={v:.3f}ms" for k, v in stats.items())
