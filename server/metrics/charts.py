"""Charts as SVG geometry, drawn on the server (``web/templates/metrics/_chart.html``): bars
(stacked or side by side) or lines over labelled columns. No JavaScript: a chart is a picture of
the table beneath it, which holds its numbers for screen readers and print."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 400  # drawn at a phone's width, so its words stay readable there
HEIGHT = 220
LEFT = 44  # room for the value axis' labels
BOTTOM = 36  # room for the column labels
TOP = 12
Series = Sequence[tuple[str, Sequence[float | None]]]  # a name and a value a column
CHAR = 6.5  # the width of a character of a label (11 px text), to keep labels apart
ROW = 34  # a row of a horizontal bar chart: its label above, its bars


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    series: int
    title: str  # "2026-11-30, Vehicle: 4": shown on hover, read by nothing else
    value: str = ""  # written beside the bar (horizontal bars)


@dataclass(frozen=True)
class Line:
    series: int
    points: str  # "x,y x,y ..."
    dots: list[tuple[float, float, str]]


@dataclass
class Chart:
    title: str
    desc: str
    legend: list[tuple[int, str]]
    horizontal: bool = False
    width: int = WIDTH
    height: int = HEIGHT
    rects: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)  # value axis: y, label
    labels: list[tuple[float, str]] = field(default_factory=list)  # columns: x, label
    empty: bool = False


def _top(highest: float) -> tuple[float, float]:
    """A round top for the value axis and its step (4 or 5 steps)."""
    if highest <= 0:
        return 4, 1
    raw = highest / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    step = max(step, 1) if highest >= 4 else step
    return step * math.ceil(highest / step), step


def _frame(chart: Chart, labels: Sequence[str], highest: float, unit: str) -> tuple[float, float]:
    top, step = _top(highest)
    inner_h = chart.height - TOP - BOTTOM
    value = 0.0
    while value <= top + step / 2:
        y = TOP + inner_h * (1 - value / top)
        text = f"{value:g}{unit}"
        chart.ticks.append((round(y, 1), text))
        value += step
    column = (chart.width - LEFT) / max(1, len(labels))
    widest = max((len(label) for label in labels), default=0) * CHAR + 8
    every = max(1, math.ceil(widest / column))
    for i, label in enumerate(labels):
        if i % every == 0:
            chart.labels.append((round(LEFT + column * (i + 0.5), 1), label))
    chart.empty = highest <= 0
    return top, column


def bars(
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Series,
    stacked: bool = True,
    unit: str = "",
) -> Chart:
    """Bars over ``labels``, one colour a series; stacked, or side by side."""
    chart = Chart(title, desc, [(i, name) for i, (name, _v) in enumerate(series)])
    if stacked:
        highest = max((sum(v[i] or 0 for _n, v in series) for i in range(len(labels))), default=0)
    else:
        highest = max((x or 0 for _n, v in series for x in v), default=0)
    top, column = _frame(chart, labels, highest, unit)
    inner_h = chart.height - TOP - BOTTOM
    gap = column * 0.2
    for i, label in enumerate(labels):
        base = 0.0
        for s, (name, values) in enumerate(series):
            value = values[i] or 0
            if value <= 0:
                continue
            h = inner_h * value / top
            if stacked:
                x, w = LEFT + column * i + gap / 2, column - gap
                y = TOP + inner_h - base - h
                base += h
            else:
                w = (column - gap) / len(series)
                x, y = LEFT + column * i + gap / 2 + w * s, TOP + inner_h - h
            text = f"{label}, {name}: {value:g}{unit}"
            chart.rects.append(Rect(round(x, 1), round(y, 1), round(w, 1), round(h, 1), s, text))
    return chart


def lines(title: str, desc: str, labels: Sequence[str], series: Series, unit="") -> Chart:
    """A line a series over ``labels``; a column with no value leaves a gap."""
    chart = Chart(title, desc, [(i, name) for i, (name, _v) in enumerate(series)])
    highest = max((x or 0 for _n, v in series for x in v), default=0)
    top, column = _frame(chart, labels, highest, unit)
    inner_h = chart.height - TOP - BOTTOM
    for s, (name, values) in enumerate(series):
        run: list[tuple[float, float, str]] = []
        for i, value in enumerate(values):
            if value is None:
                if run:
                    chart.lines.append(_line(s, run))
                run = []
                continue
            x = LEFT + column * (i + 0.5)
            y = TOP + inner_h * (1 - value / top)
            run.append((round(x, 1), round(y, 1), f"{labels[i]}, {name}: {value:g}{unit}"))
        if run:
            chart.lines.append(_line(s, run))
    return chart


def _line(series: int, run: list[tuple[float, float, str]]) -> Line:
    return Line(series, " ".join(f"{x},{y}" for x, y, _t in run), run)


def rows(title: str, desc: str, labels: Sequence[str], series: Series) -> Chart:
    """Horizontal bars, a row a label (written above its bars, whole), a bar a series."""
    chart = Chart(title, desc, [(i, name) for i, (name, _v) in enumerate(series)], True)
    highest = max((x or 0 for _n, v in series for x in v), default=0)
    top, _step = _top(highest)
    inner_w = chart.width - 48  # room for the value beside the longest bar
    bar_h = 10
    y = TOP
    for i, label in enumerate(labels):
        chart.labels.append((round(y + 10, 1), label))
        y += 14
        for s, (name, values) in enumerate(series):
            value = values[i] or 0
            w = inner_w * value / top if top else 0
            text = f"{label}, {name}: {value:g}"
            chart.rects.append(
                Rect(4, round(y, 1), round(max(w, 1), 1), bar_h, s, text, f"{value:g}")
            )
            y += bar_h + 2
        y += 6
    chart.height = round(y + 8)
    chart.empty = highest <= 0
    return chart
