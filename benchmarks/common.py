"""Helpers shared by the benchmark scripts: timing, percentiles, machine description."""

import os
import platform
import statistics
import time
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
