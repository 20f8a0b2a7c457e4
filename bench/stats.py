"""Small statistics and the result records of a benchmark run."""

import math
import statistics
from dataclasses import asdict, dataclass, field


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def percentile(values, pct: float):
    """Nearest-rank percentile (p95 of 7 samples is the largest one)."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    rank = max(1, math.ceil(pct / 100 * len(values)))
    return values[rank - 1]


def ms(seconds):
    return None if seconds is None else seconds * 1000


@dataclass
class Line:
    """One row of the table: a figure beside its baseline from the same run."""

    key: str
    title: str
    value: float | None = None
    unit: str = "ms"
    baseline: float | None = None
    baseline_title: str = ""
    ratio: float | None = None
    available: bool = True
    note: str = ""
    details: dict = field(default_factory=dict)

    def to_dict(self):
        return asdict(self)


@dataclass
class Target:
    """A target of issue 9 (stated at 50,000 students) and whether this run met it."""

    key: str
    title: str
    limit: str
    value: float | str | None
    passed: bool | None  # None: not measured in this run (never a pass by default)
    note: str = ""

    def to_dict(self):
        return asdict(self)


def not_available(key: str, title: str, why: str) -> Line:
    return Line(key=key, title=title, available=False, note=f"not available: {why}")
