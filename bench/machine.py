"""What kind of machine a run had: its CPU model and a fixed unit of Python work.

Runs on different machines are not comparable by their milliseconds. The same-run
baselines (SQL from Python, COPY, a plain loop) already set each figure against the same
machine; this adds one machine figure a reader can set two runs' figures against: the CPU
time of the same pure-Python work (no I/O, no allocation growth), taken before any
measurement, median of five."""

import statistics
import time
from pathlib import Path

UNIT_REPEAT = 5


def cpu_model() -> str | None:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return None


def _unit() -> int:
    # Integer arithmetic, a small dict and string formatting: what a request's Python does.
    seen: dict[int, str] = {}
    total = 0
    for i in range(300_000):
        key = (i * 7919) % 1024
        total += key
        seen[key] = f"{key}:{total % 97}"
    return total + len(seen)


def python_unit_ms() -> float:
    """Median thread CPU of `_unit` in ms (lower is a faster machine)."""
    times = []
    for _ in range(UNIT_REPEAT):
        started = time.thread_time()
        _unit()
        times.append((time.thread_time() - started) * 1000)
    return round(statistics.median(times), 1)
