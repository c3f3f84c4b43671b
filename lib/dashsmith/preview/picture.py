"""Pictures of a dashboard (PNG and SVG) drawn with matplotlib's Agg canvas: every panel as a
box at its grid position with its title, type, unit and queries; with data from Prometheus,
each box draws it the way its panel type does (lines, a stat value, pie shares, bar gauges,
a table). One grid column is COLUMN px wide and one grid unit ROW px high, as in Grafana.

In the SVG each panel is a group `panel-<id>`, each drawn series `panel-<id>-series-<n>` and
its legend item `panel-<id>-legend-<n>`.
"""

from __future__ import annotations

import functools
import io
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import text_to_path
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator
from matplotlib.typing import RcKeyType

from dashsmith.preview.data import DashboardData, PanelData, Window
from dashsmith.preview.units import duration_tick_step, format_value
from dashsmith.prometheus.api import Series

GRID_COLUMNS = 24
COLUMN = 50  # px per grid column: the picture is 1200 px wide
ROW = 30  # px per grid unit of height
HEADER = 40  # px above the grid for the dashboard title
GAP = 4  # px between neighbouring panels
DPI = 100
MAX_SERIES = 12  # more would be unreadable at this size
TICK_FONT = 6  # pt, the axes' tick labels
LEGEND_FONT = 6.5  # pt
LEGEND_ROW = 11  # px per row of a legend below a graph
X_LABELS = 15  # px below a graph for the time axis's labels
NO_SWATCH = -1  # a legend item that is not a series ("+3 more")

BACKGROUND, PANEL, BORDER = "#111217", "#181b1f", "#2c3235"
TEXT, MUTED, ERROR = "#ccccdc", "#8e8e9e", "#f2495c"
PALETTE = ["#73bf69", "#f2cc0c", "#5794f2", "#ff9830", "#f2495c", "#b877d9", "#8ab8ff",
           "#ff7383", "#56a64b", "#e0b400", "#3274d9", "#fa6400"]
NAMED = {"green": "#73bf69", "red": "#f2495c", "orange": "#ff9830", "yellow": "#fade2a",
         "blue": "#5794f2", "purple": "#b877d9", "dark-red": "#c4162a", "text": TEXT}
STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none", "text.parse_math": False, "svg.hashsalt": "dashsmith",
    "font.size": 7, "font.family": "DejaVu Sans", "text.color": TEXT, "axes.edgecolor": BORDER,
    "axes.labelcolor": MUTED, "xtick.color": MUTED, "ytick.color": MUTED,
    "axes.linewidth": 0.6, "xtick.labelsize": TICK_FONT, "ytick.labelsize": TICK_FONT}


Area = tuple[float, float, float, float]  # x, y, width, height in px, y downwards
Drawn = list[tuple[str, Series]]  # (legend, series) of a panel


@dataclass(frozen=True)
class Picture:
    png: bytes
    svg: bytes
    width: int
    height: int


def size(dashboard: dict) -> tuple[int, int]:
    """(width, height) in px of a dashboard's picture."""
    bottom = max((_grid(p)["y"] + _grid(p)["h"] for p in dashboard.get("panels") or []),
                 default=0)
    return GRID_COLUMNS * COLUMN, HEADER + bottom * ROW


def render(dashboard: dict, data: DashboardData | None = None) -> Picture:
    """The picture of a dashboard's JSON; `data` (from preview_data.fetch) fills the panels."""
    width, height = size(dashboard)
    with rc_context(STYLE):
        figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, facecolor=BACKGROUND)
        FigureCanvasAgg(figure)
        _Drawing(figure, width, height, data).dashboard(dashboard)
        return Picture(_save(figure, "png"), _save(figure, "svg"), width, height)


def _save(figure: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else None
    figure.savefig(buffer, format=fmt, dpi=DPI, facecolor=BACKGROUND, metadata=metadata)
    return buffer.getvalue()


def _grid(panel: dict) -> dict:
    grid = panel.get("gridPos") or {}
    return {k: grid.get(k) or 0 for k in ("x", "y", "w", "h")}


class _Drawing:
    def __init__(self, figure: Figure, width: int, height: int, data: DashboardData | None):
        self.figure, self.width, self.height, self.data = figure, width, height, data
        # One axes over the whole picture in px, y downwards, for boxes and text.
        self.canvas = figure.add_axes((0, 0, 1, 1))
        self.canvas.set_xlim(0, width)
        self.canvas.set_ylim(height, 0)
        self.canvas.set_axis_off()

    def dashboard(self, dashboard: dict) -> None:
        self.canvas.text(10, HEADER / 2, dashboard.get("title", ""), va="center", fontsize=12,
                         weight="bold")
        folder_and_uid = f"uid {dashboard.get('uid', '')}"
        self.canvas.text(self.width - 10, HEADER / 2, folder_and_uid, va="center", ha="right",
                         color=MUTED)
        for panel in dashboard.get("panels") or []:
            if panel.get("type") == "row":
                self.row(panel)
            else:
                self.panel(panel)

    @property
    def window(self) -> Window:
        """The time range of the data: only panels with data are drawn over time."""
        if self.data is None:
            raise ValueError("a panel drawn over time needs data")
        return self.data.window

    def box(self, panel: dict) -> Area:
        grid = _grid(panel)
        return (grid["x"] * COLUMN + GAP / 2, HEADER + grid["y"] * ROW + GAP / 2,
                grid["w"] * COLUMN - GAP, grid["h"] * ROW - GAP)

    def row(self, row: dict) -> None:
        x, y, w, h = self.box(row)
        nested = row.get("panels") or []
        marker = "▸" if row.get("collapsed") else "▾"
        hidden = f"  ({len(nested)} panels)" if row.get("collapsed") else ""
        self.canvas.add_patch(Rectangle((x, y + h - 1), w, 1, color=BORDER,
                                        gid=f"row-{row.get('id')}"))
        self.canvas.text(x + 4, y + h / 2, f"{marker} {row.get('title', '')}{hidden}",
                         va="center", fontsize=9, weight="bold")

    def panel(self, panel: dict) -> None:
        x, y, w, h = self.box(panel)
        self.canvas.add_patch(Rectangle((x, y), w, h, facecolor=PANEL, edgecolor=BORDER,
                                        linewidth=1, gid=f"panel-{panel.get('id')}"))
        self.canvas.text(x + 8, y + 7, _fit(panel.get("title", ""), w - 16, 6.5), va="top",
                         fontsize=8.5, weight="bold")
        self.canvas.text(x + w - 6, y + h - 4, _kind(panel), va="bottom", ha="right",
                         color=MUTED, fontsize=6.5)
        inner = (x + 6, y + 24, w - 12, h - 24 - 14)
        if panel.get("type") == "text":
            self.lines(inner, _text_lines(panel), TEXT)
        elif self.data is None:
            self.lines(inner, [f"{t.get('refId', '')}: {t.get('expr', '')}"
                               for t in panel.get("targets") or []], MUTED, monospace=True)
        else:
            self.panel_data(panel, inner, self.data.panels.get(panel.get("id"), PanelData()))

    def lines(self, area: Area, lines: list[str], colour: str | list[str],
              monospace: bool = False) -> None:
        """Lines wrapped to the area's width, as many as fit; `colour` is one colour or one
        per line."""
        x, y, w, h = area
        colours = colour if isinstance(colour, list) else [colour] * len(lines)
        room = max(int((w - 4) // (5.4 if monospace else 4.6)), 8)
        wrapped = [(part, c) for line, c in zip(lines, colours, strict=True)
                   for part in textwrap.wrap(line, room) or [""]]
        for index, (line, c) in enumerate(wrapped[: max(int(h // 11), 0)]):
            self.canvas.text(x + 2, y + index * 11, line, va="top", color=c, fontsize=6.5,
                             family="monospace" if monospace else "DejaVu Sans")

    def panel_data(self, panel: dict, area: Area, data: PanelData) -> None:
        if data.error and not data.series:
            self.lines(area, ["⚠ " + data.error], ERROR)
            return
        if not data.series:
            x, y, w, h = area
            self.canvas.text(x + w / 2, y + h / 2, "No data", ha="center", va="center",
                             color=MUTED, fontsize=9)
            return
        draw = _DRAWERS.get(panel.get("type", ""), _timeseries)
        draw(self, panel, area, data.series[:MAX_SERIES])

    def axes(self, area: Area, **options: Any) -> Axes:
        x, y, w, h = area
        ax = self.figure.add_axes((x / self.width, 1 - (y + h) / self.height, w / self.width,
                                   h / self.height), facecolor=PANEL, **options)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        return ax

    def place(self, ax: Axes, area: Area) -> None:
        """Move axes to an area given in px."""
        x, y, w, h = area
        ax.set_position((x / self.width, 1 - (y + h) / self.height, w / self.width,
                         h / self.height))

    def value_text(self, area: Area, value: str, colour: str, label: str = "",
                   gid: str | None = None) -> None:
        x, y, w, h = area
        size = max(min(h * 0.45, w / max(len(value), 1) * 1.4, 36), 7)
        self.canvas.text(x + w / 2, y + h / 2, value, ha="center", va="center", color=colour,
                         fontsize=size * 0.72, weight="bold", gid=gid)
        if label:
            self.canvas.text(x + w / 2, y + h - 2, _fit(label, w, 4.3), ha="center",
                             va="bottom", color=MUTED, fontsize=6.5)


# --- one function per panel type ---------------------------------------------------------

def _timeseries(drawing: _Drawing, panel: dict, area: Area, series: Drawn) -> None:
    """Laid out as Grafana lays out a time series: the legend as a list below the graph, and
    the y axis as wide as its longest tick label, so that neither covers nor cuts the other."""
    x, y, w, h = area
    legend = _legend_rows(panel, [label for label, _ in series], w, h)
    plot_h = h - X_LABELS - len(legend) * LEGEND_ROW
    ax = drawing.axes((x + w - 1, y, 1, plot_h))  # placed once the y labels' width is known
    defaults = _defaults(panel)
    custom = defaults.get("custom") or {}
    stacked = (custom.get("stacking") or {}).get("mode") == "normal"
    bars = custom.get("drawStyle") == "bars"
    base: list[float] | None = [0.0] * len(series[0][1].times) if stacked else None
    # The x values are datetimes, which matplotlib's date converter takes; its stubs type x as
    # numbers and arrays only, hence the type: ignore[arg-type] on each call that passes them.
    for index, (label, s) in enumerate(series):
        times = [_time(t) for t in s.times]
        colour = PALETTE[index % len(PALETTE)]
        gid = f"panel-{panel.get('id')}-series-{index}"
        if bars:
            width = (s.times[-1] - s.times[0]) / max(len(s.times), 1) / 86400 * 0.8 \
                if len(s.times) > 1 else 0.01
            ax.bar(times, s.values, width=width, color=colour, label=label,  # type: ignore[arg-type]
                   gid=gid)
        elif base is not None and len(s.values) == len(base):  # stacked
            top = [b + v for b, v in zip(base, s.values, strict=True)]
            ax.fill_between(times, base, top,  # type: ignore[arg-type]
                            color=colour, alpha=0.35, linewidth=0)
            ax.plot(times, top, color=colour, linewidth=1, label=label,  # type: ignore[arg-type]
                    gid=gid)
            base = top
        else:
            ax.plot(times, s.values, color=colour, linewidth=1,  # type: ignore[arg-type]
                    label=label, gid=gid)
    for value, colour in _threshold_lines(panel):
        ax.axhline(value, color=colour, linewidth=0.8, linestyle="--")
    window = drawing.window
    ax.set_xlim(_time(window.start), _time(window.end))  # type: ignore[arg-type]
    locator = AutoDateLocator(maxticks=max(int(w // 90), 2))
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, show_offset=False))
    ax.yaxis.set_major_locator(MaxNLocator(max(min(int(plot_h // 28), 5), 2)))
    unit = defaults.get("unit")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_value(v, unit)))
    ax.tick_params(length=2, pad=2)
    ax.grid(color=BORDER, linewidth=0.5)  # Grafana's faint grid, for reading values off
    ax.set_axisbelow(True)
    low, high = ax.get_ylim()
    step = duration_tick_step(high - low, unit or "", max(min(int(plot_h // 28), 5), 2))
    if step:
        ax.yaxis.set_major_locator(MultipleLocator(step))
    labels = [format_value(v, unit) for v in ax.get_yticks() if low <= v <= high]
    left = max((_text_px(label, TICK_FONT) for label in labels), default=0) + 6
    drawing.place(ax, (x + left, y, w - left - 4, plot_h))
    for row, items in enumerate(legend):
        row_top = y + plot_h + X_LABELS + row * LEGEND_ROW
        for left_px, index, label in items:
            if index == NO_SWATCH:
                drawing.canvas.text(x + left_px, row_top + 4.5, label, va="center",
                                    fontsize=LEGEND_FONT, color=MUTED)
                continue
            drawing.canvas.add_patch(Rectangle((x + left_px, row_top + 3.5), 10, 2,
                                               color=PALETTE[index % len(PALETTE)]))
            drawing.canvas.text(x + left_px + 13, row_top + 4.5, label, va="center",
                                fontsize=LEGEND_FONT, color=TEXT,
                                gid=f"panel-{panel.get('id')}-legend-{index}")


def _legend_rows(panel: dict, labels: list[str], width: float,
                 height: float) -> list[list[tuple[float, int, str]]]:
    """The legend below a graph as rows of (x offset, series index, label), as many rows as
    leave the graph most of the panel; what does not fit ends in "+N more"."""
    legend = (panel.get("options") or {}).get("legend") or {}
    if legend.get("showLegend") is False or legend.get("displayMode") == "hidden":
        return []
    most = max(int(height * 0.3 // LEGEND_ROW), 1)
    rows: list[list[tuple[float, int, str]]] = [[]]
    left = 0.0
    for index, label in enumerate(labels):
        label = _fit(label, width - 20, _text_px("m", LEGEND_FONT))
        item = 13 + _text_px(label, LEGEND_FONT) + 10
        if rows[-1] and left + item > width:
            if len(rows) == most:
                more = f"+{len(labels) - index} more"
                if left + _text_px(more, LEGEND_FONT) > width:  # in place of the last label
                    left, _, _ = rows[-1].pop()
                    more = f"+{len(labels) - index + 1} more"
                rows[-1].append((left, NO_SWATCH, more))
                break
            rows.append([])
            left = 0.0
        rows[-1].append((left, index, label))
        left += item
    return rows


def _stat(drawing: _Drawing, panel: dict, area: Area, series: Drawn) -> None:
    x, y, w, h = area
    unit = _defaults(panel).get("unit")
    shown = series[:4]
    cell = w / len(shown)
    for index, (label, s) in enumerate(shown):
        value = _last(s.values)
        drawing.value_text((x + index * cell, y, cell, h), format_value(value, unit),
                           _threshold_colour(panel, value, PALETTE[0]),
                           label if len(shown) > 1 else "",
                           gid=f"panel-{panel.get('id')}-series-{index}")


def _gauge(drawing: _Drawing, panel: dict, area: Area, series: Drawn) -> None:
    x, y, w, h = area
    _stat(drawing, panel, (x, y, w, h - 12), series[:1])
    defaults = _defaults(panel)
    low, high = defaults.get("min") or 0, defaults.get("max") or 1
    value = _last(series[0][1].values)
    share = 0 if math.isnan(value) or high == low else min(max((value - low) / (high - low), 0), 1)
    drawing.canvas.add_patch(Rectangle((x, y + h - 8), w, 6, color=BORDER))
    drawing.canvas.add_patch(Rectangle((x, y + h - 8), w * share, 6,
                                       color=_threshold_colour(panel, value, PALETTE[0])))


def _bargauge(drawing: _Drawing, panel: dict, area: Area, series: Drawn) -> None:
    x, y, w, h = area
    ax = drawing.axes((x + min(w * 0.3, 120), y, w - min(w * 0.3, 120) - 50, h))
    values = [_last(s.values) for _, s in series]
    labels = [label for label, _ in series]
    unit = _defaults(panel).get("unit")
    positions = list(range(len(values)))[::-1]
    colours = [_threshold_colour(panel, v, PALETTE[i % len(PALETTE)]) for i, v in enumerate(values)]
    bars = ax.barh(positions, [0 if math.isnan(v) else v for v in values], color=colours,
                   height=0.7)
    for index, bar in enumerate(bars):
        bar.set_gid(f"panel-{panel.get('id')}-series-{index}")
    ax.set_yticks(positions, [_fit(label, min(w * 0.3, 120), 4.3) for label in labels])
    ax.set_xticks([])
    ax.spines["bottom"].set_visible(False)
    top = max([v for v in values if not math.isnan(v)] + [0])
    ax.set_xlim(0, (_defaults(panel).get("max") or top or 1))
    for position, value in zip(positions, values, strict=True):
        ax.text(1.02, position, format_value(value, unit), transform=ax.get_yaxis_transform(),
                va="center", fontsize=6.5, color=TEXT)


def _piechart(drawing: _Drawing, panel: dict, area: Area, series: Drawn) -> None:
    x, y, w, h = area
    values = [max(_last(s.values), 0) for _, s in series]
    values = [0 if math.isnan(v) else v for v in values]
    total = sum(values)
    side = min(h, w * 0.5)
    ax = drawing.axes((x, y, side, side))
    ax.set_axis_off()
    if total <= 0:
        return
    donut = (panel.get("options") or {}).get("pieType") == "donut"
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(values))]
    wedges, _ = ax.pie(values, colors=colours,
                       startangle=90, counterclock=False,
                       wedgeprops={"width": 0.45 if donut else 1, "linewidth": 0})
    for index, wedge in enumerate(wedges):
        wedge.set_gid(f"panel-{panel.get('id')}-series-{index}")
    legend = [f"{label}  {value / total:.0%}"
              for (label, _), value in zip(series, values, strict=True)]
    drawing.lines((x + side + 8, y, w - side - 8, h), legend, colours)


def _table(drawing: _Drawing, panel: dict, area: Area, series: Drawn) -> None:
    x, y, w, h = area
    unit = _defaults(panel).get("unit")
    columns = sorted({k for _, s in series for k in s.labels if k != "__name__"})[:5]
    rows = [[s.labels.get(c, "") for c in columns] + [format_value(_last(s.values), unit)]
            for _, s in series]
    shown = rows[: max(int(h // 14) - 1, 1)]
    ax = drawing.axes(area)
    ax.set_axis_off()
    # bbox as [xmin, ymin, width, height], which Table documents and takes; its stubs allow
    # only a Bbox (whose bounds would round the height differently).
    table = ax.table(cellText=shown, colLabels=columns + ["Value"], loc="upper center",
                     cellLoc="left",
                     bbox=(0, 1 - 14 * (len(shown) + 1) / h, 1,  # type: ignore[arg-type]
                           14 * (len(shown) + 1) / h))
    table.auto_set_font_size(False)
    table.set_fontsize(6)
    for (row, _), cell in table.get_celld().items():
        cell.set_facecolor(BORDER if row == 0 else PANEL)
        cell.set_edgecolor(BORDER)
        cell.get_text().set_color(TEXT)
    table.set_gid(f"panel-{panel.get('id')}-series-0")


_DRAWERS: dict[str, Callable[[_Drawing, dict, Area, Drawn], None]] = {
    "timeseries": _timeseries, "graph": _timeseries, "stat": _stat, "gauge": _gauge,
    "singlestat": _stat, "bargauge": _bargauge, "piechart": _piechart, "table": _table}


# --- helpers -----------------------------------------------------------------------------

def _defaults(panel: dict) -> dict:
    return (panel.get("fieldConfig") or {}).get("defaults") or {}


def _steps(panel: dict) -> list[tuple[float | None, str]]:
    steps = (_defaults(panel).get("thresholds") or {}).get("steps")
    if not isinstance(steps, list):
        return []
    return [(s.get("value"), NAMED.get(s.get("color"), s.get("color") or TEXT)) for s in steps]


def _threshold_lines(panel: dict) -> list[tuple[float, str]]:
    mode = ((_defaults(panel).get("custom") or {}).get("thresholdsStyle") or {}).get("mode")
    if mode in (None, "off"):
        return []
    return [(value, colour) for value, colour in _steps(panel) if value is not None]


def _threshold_colour(panel: dict, value: float, default: str) -> str:
    steps = _steps(panel)
    if not steps or value is None or math.isnan(value):
        return default
    colour = steps[0][1]
    for step_value, step_colour in steps:
        if step_value is None or value >= step_value:
            colour = step_colour
    return colour


def _time(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


def _last(values: Sequence[float]) -> float:
    for value in reversed(values):
        if not math.isnan(value):
            return value
    return math.nan


def _kind(panel: dict) -> str:
    unit = _defaults(panel).get("unit")
    return f"{panel.get('type', '')} · {unit}" if unit and unit != "none" else panel.get("type", "")


def _text_lines(panel: dict) -> list[str]:
    content = (panel.get("options") or {}).get("content") or panel.get("content") or ""
    return [line.lstrip("#> ").strip() for line in content.splitlines() if line.strip()]


@functools.lru_cache(maxsize=4096)
def _text_px(text: str, points: float) -> float:
    """The width in px of text in the pictures' font at this size, as it will be drawn."""
    width, _, _ = text_to_path.get_text_width_height_descent(
        text, FontProperties(family=STYLE["font.family"], size=points), ismath=False)
    return float(width) * DPI / 72


def _fit(text: str, width_px: float, px_per_char: float) -> str:
    """Text cut to about what fits in `width_px` at this font size."""
    text = " ".join(str(text).split())
    room = max(int(width_px // px_per_char), 1)
    return text if len(text) <= room else text[: max(room - 1, 0)] + "…"
