"""Chart geometry for server-side inline SVG. Templates draw what these compute, so the
markup stays escaped by Django and the charts need no JavaScript and no CDN."""

from dataclasses import dataclass, field

from django.utils import formats

PLACED_COLOUR = "#2e7d32"
UNPLACED_COLOUR = "#d9822b"
LINE_COLOUR = "#1d5fa8"


def nice_max(value: int) -> int:
    """A round axis maximum at or above `value` (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^n)."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (10, 15, 20, 25, 30, 40, 50, 60, 80, 100):
        candidate = step * magnitude // 10
        if candidate >= value and (step * magnitude) % 10 == 0:
            return candidate
    return 10 * magnitude


def tick_values(axis_max: int) -> list[int]:
    """Evenly spaced whole-number ticks from 0 to `axis_max` (a `nice_max` value)."""
    for steps in (5, 4, 3, 2, 1):
        if axis_max % steps == 0:
            return [axis_max * i // steps for i in range(steps + 1)]
    return [0, axis_max]


@dataclass
class Bar:
    label: str
    placed: int
    unplaced: int
    registered: int
    y: float
    placed_width: float
    unplaced_width: float
    label_x: float = 0
    text_y: float = 0
    value_x: float = 0
    unplaced_x: float = 0


@dataclass
class BarChart:
    width: int
    height: int
    left: int
    plot_width: int
    bar_height: int
    axis_max: int
    bars: list[Bar] = field(default_factory=list)
    ticks: list[dict] = field(default_factory=list)
    axis_y: float = 0


def _bar_chart(bars, *, width, left, plot_width, bar_height, axis_max, scale, axis_y):
    """The chart around its bars: the axis under the last bar and its ticks."""
    ticks = [
        {"x": round(left + value * scale, 1), "label": formats.number_format(value)}
        for value in tick_values(axis_max)
    ]
    return BarChart(
        width=width,
        height=int(axis_y + 24),
        left=left,
        plot_width=plot_width,
        bar_height=bar_height,
        axis_max=axis_max,
        bars=bars,
        ticks=ticks,
        axis_y=axis_y,
    )


def stacked_bars(totals, *, width: int = 720, left: int = 190, bar_height: int = 22) -> BarChart:
    """Horizontal bars per province: placed (left part) and unplaced (right part)."""
    plot_width = width - left - 70
    gap = 10
    axis_max = nice_max(max((t.registered for t in totals), default=0))
    scale = plot_width / axis_max
    bars = []
    y = 10.0
    for total in totals:
        placed_width = total.placed * scale
        unplaced_width = total.unplaced * scale
        bars.append(
            Bar(
                label=total.province,
                placed=total.placed,
                unplaced=total.unplaced,
                registered=total.registered,
                y=y,
                placed_width=round(placed_width, 1),
                unplaced_width=round(unplaced_width, 1),
                label_x=left - 8,
                text_y=y + bar_height / 2 + 4,
                unplaced_x=round(left + placed_width, 1),
                value_x=round(left + placed_width + unplaced_width + 6, 1),
            )
        )
        y += bar_height + gap
    return _bar_chart(
        bars,
        width=width,
        left=left,
        plot_width=plot_width,
        bar_height=bar_height,
        axis_max=axis_max,
        scale=scale,
        axis_y=y,
    )


@dataclass
class LineChart:
    width: int
    height: int
    left: int
    top: int
    bottom: float
    right: float
    points: list[dict] = field(default_factory=list)
    polyline: str = ""
    y_ticks: list[dict] = field(default_factory=list)
    x_labels: list[dict] = field(default_factory=list)


def cumulative_line(
    weeks, *, width: int = 720, height: int = 260, left: int = 56, top: int = 14
) -> LineChart:
    """Cumulative placements per week as a line with a dot per week."""
    right = width - 16
    bottom = height - 36
    axis_max = nice_max(max((w.cumulative for w in weeks), default=0))
    count = len(weeks)
    step = (right - left) / max(count - 1, 1)
    points = []
    for index, week in enumerate(weeks):
        x = left + index * step if count > 1 else (left + right) / 2
        y = bottom - (bottom - top) * week.cumulative / axis_max
        points.append(
            {
                "x": round(x, 1),
                "y": round(y, 1),
                "week": week.week,
                "placed": week.placed,
                "cumulative": week.cumulative,
            }
        )
    every = max(1, (count + 7) // 8)
    x_labels = [
        {"x": p["x"], "label": p["week"].strftime("%d/%m")}
        for index, p in enumerate(points)
        if index % every == 0 or index == count - 1
    ]
    y_ticks = [
        {
            "y": round(bottom - (bottom - top) * value / axis_max, 1),
            "label": formats.number_format(value),
        }
        for value in tick_values(axis_max)
    ]
    return LineChart(
        width=width,
        height=height,
        left=left,
        top=top,
        bottom=bottom,
        right=right,
        points=points,
        polyline=" ".join(f"{p['x']},{p['y']}" for p in points),
        y_ticks=y_ticks,
        x_labels=x_labels,
    )


FREE_COLOUR = "#1d5fa8"


@dataclass
class PairBar:
    label: str
    unplaced: int
    free: int
    y: float
    unplaced_width: float
    free_width: float
    label_y: float = 0
    unplaced_text_y: float = 0
    free_y: float = 0
    free_text_y: float = 0
    unplaced_value_x: float = 0
    free_value_x: float = 0


def paired_bars(rows, *, width: int = 720, left: int = 190, bar_height: int = 14) -> BarChart:
    """Two horizontal bars per province: unplaced students above, free places below, on
    one scale (supply and demand). `rows` have .province, .unplaced and .free."""
    plot_width = width - left - 70
    gap = 14
    axis_max = nice_max(max((max(r.unplaced, r.free) for r in rows), default=0))
    scale = plot_width / axis_max
    bars = []
    y = 10.0
    for row in rows:
        unplaced_width = round(row.unplaced * scale, 1)
        free_width = round(row.free * scale, 1)
        free_y = y + bar_height + 2
        bars.append(
            PairBar(
                label=row.province,
                unplaced=row.unplaced,
                free=row.free,
                y=y,
                unplaced_width=unplaced_width,
                free_width=free_width,
                label_y=y + bar_height + 5,
                unplaced_text_y=y + bar_height - 3,
                free_y=free_y,
                free_text_y=free_y + bar_height - 3,
                unplaced_value_x=round(left + unplaced_width + 6, 1),
                free_value_x=round(left + free_width + 6, 1),
            )
        )
        y = free_y + bar_height + gap
    return _bar_chart(
        bars,
        width=width,
        left=left,
        plot_width=plot_width,
        bar_height=bar_height,
        axis_max=axis_max,
        scale=scale,
        axis_y=y,
    )
