"""Bar charts as SVG geometry: the template draws rectangles, no chart library needed.

Each chart is drawn next to a table of the same numbers, which is what a screen reader
reads and what a person copies; the picture is for seeing the shape at a glance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 240
LEFT = 40  # room for the axis numbers
BOTTOM = 40  # room for the labels under the bars
TOP = 10
TICKS = 4


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: int


@dataclass
class Tick:
    y: float
    value: int


@dataclass
class Label:
    x: float
    text: str


@dataclass
class Chart:
    title: str
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    series_names: list[str] = field(default_factory=list)
    baseline: float = HEIGHT - BOTTOM


def _tick_step(value: int) -> int:
    """A round step so that four steps reach the tallest bar: 1, 2, 5, 10, 20, 50 ..."""
    need = max(value, 1) / TICKS
    magnitude = 10 ** max(0, math.floor(math.log10(need)))
    for step in (1, 2, 5, 10):
        if need <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart(
    title: str, labels: list[str], series: list[tuple[str, list[int]]], every: int = 1
) -> Chart:
    """Grouped bars: one group per label, one bar per series. `every` thins the labels."""
    chart = Chart(title=title, series_names=[name for name, _ in series])
    step = _tick_step(max([v for _, values in series for v in values] or [0]))
    top = step * TICKS
    plot_width = WIDTH - LEFT - 10
    plot_height = HEIGHT - BOTTOM - TOP
    group = plot_width / max(len(labels), 1)
    bar_width = group * 0.8 / max(len(series), 1)
    for i, label in enumerate(labels):
        x0 = LEFT + i * group + group * 0.1
        for s, (_, values) in enumerate(series):
            height = plot_height * values[i] / top
            chart.bars.append(
                Bar(
                    x=round(x0 + s * bar_width, 1),
                    y=round(HEIGHT - BOTTOM - height, 1),
                    width=round(bar_width - 1, 1),
                    height=round(height, 1),
                    value=values[i],
                    series=s,
                )
            )
        if i % every == 0:
            chart.labels.append(Label(x=round(LEFT + i * group + group / 2, 1), text=label))
    for k in range(TICKS + 1):
        y = round(HEIGHT - BOTTOM - plot_height * k / TICKS, 1)
        chart.ticks.append(Tick(y=y, value=step * k))
    return chart
