"""Bar charts as server-rendered SVG (readable without JavaScript; every chart also comes as
a table). Geometry is computed here; ``reports/_chart.html`` only draws it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

# Fills with at least 3:1 contrast against white (WCAG 1.4.11 for graphics).
BLUE = "#004b87"
ORANGE = "#a34d00"
TARGET = "#a30000"

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 48


@dataclasses.dataclass(frozen=True)
class Series:
    name: str
    fill: str
    values: Sequence[float | None]


@dataclasses.dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    fill: str
    text: str  # what the bar says, for the tooltip


@dataclasses.dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]
    x_labels: list[tuple[float, float, str]]
    y_ticks: list[tuple[float, str]]
    legend: list[tuple[str, str]]
    target: tuple[float, str] | None
    head: list[str]
    rows: list[list[str]]
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM


def bar_chart(
    *,
    id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    series: Sequence[Series],
    shown: Callable[[float | None], str],
    top: float | None = None,
    target: tuple[float, str] | None = None,
    category_head: str = "",
) -> Chart:
    """Grouped vertical bars, one group per category, one bar per series; ``top`` fixes the
    scale (1.0 for rates), else the largest value sets it. ``target`` draws a labelled line."""
    values = [v for s in series for v in s.values if v is not None]
    scale = top or max([*values, target[0] if target else 0.0, 1.0])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(1, len(categories))
    bar_w = group_w * 0.8 / max(1, len(series))

    def y_of(value: float) -> float:
        return TOP + plot_h - plot_h * min(value, scale) / scale

    bars: list[Bar] = []
    for i, category in enumerate(categories):
        for j, one in enumerate(series):
            value = one.values[i]
            if value is None:
                continue
            x = LEFT + i * group_w + group_w * 0.1 + j * bar_w
            y = y_of(value)
            bars.append(
                Bar(
                    round(x, 1),
                    round(y, 1),
                    round(bar_w, 1),
                    round(TOP + plot_h - y, 1),
                    one.fill,
                    f"{category} – {one.name}: {shown(value)}",
                )
            )
    step = max(1, round(len(categories) / 16))
    x_labels = [
        (round(LEFT + (i + 0.5) * group_w, 1), float(HEIGHT - BOTTOM + 16), category)
        for i, category in enumerate(categories)
        if i % step == 0
    ]
    y_ticks = [(round(y_of(scale * k / 4), 1), shown(scale * k / 4)) for k in range(5)]
    return Chart(
        id=id,
        title=title,
        description=description,
        width=WIDTH,
        height=HEIGHT,
        bars=bars,
        x_labels=x_labels,
        y_ticks=y_ticks,
        legend=[(one.fill, one.name) for one in series],
        target=(round(y_of(target[0]), 1), target[1]) if target else None,
        head=[category_head, *(one.name for one in series)],
        rows=[
            [category, *(shown(one.values[i]) for one in series)]
            for i, category in enumerate(categories)
        ],
    )
