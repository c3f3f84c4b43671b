"""`dashsmith preview`: a PNG and an SVG per dashboard with one box per panel at its grid
position; with --prometheus, each panel drawn with the data its queries return."""

from __future__ import annotations

import json
import os
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image

from dashsmith.compiler.project import Project
from dashsmith.preview.data import legend
from dashsmith.preview.units import format_value
from support import edit
from support.prometheus import api, running_prometheus

PANEL_COLOUR = (0x18, 0x1B, 0x1F)

# This file's own sample, not a shared one: one panel of each kind preview draws, in rows that
# place them side by side, one collapsed; the tests read its layout and panel titles.
SAMPLE = '''\
from dashsmith import (Dashboard, Row, bargauge, barchart, gauge, piechart, stat, table, text,
                       timeseries, label_variable)

dashboard = Dashboard(
    uid="review-preview",
    title="Preview Sample",
    folder="Review",
    variables=[label_variable("job", "up")],
    rows=[
        Row("Lines", [
            timeseries("Requests",
                       'sum by (job) (rate(requests_total{job=~"$job"}[$__rate_interval]))',
                       unit="reqps", thresholds={5: "red"}),
            timeseries("Stacked", "sum by (job) (rate(tokens_total[$__rate_interval]))",
                       stack=True),
            barchart("Per Day", "sum(increase(requests_total[1d]))", interval="1d"),
        ]),
        Row("Values", [
            stat("Requests Today", "sum(increase(requests_total[$__range]))", unit="short"),
            gauge("Saturation", "avg(saturation)", unit="percentunit", thresholds={0.8: "red"}),
            bargauge("By Model", "sum by (model) (models)", unit="s"),
            piechart("Share", "sum by (model) (models)"),
        ]),
        Row("Details", [
            table("Table", "sum by (model) (models)", width=12),
            text("Notes", "# Read me\\nThe numbers come from the load balancer.", width=6),
            stat("Broken", "bad_metric(", width=6),
        ]),
        Row("Hidden", [stat("Inside", "sum(up)")], collapsed=True),
    ],
)
'''


def write_sample(project) -> None:
    with open(os.path.join(project, "dashboards", "review_preview.py"), "w") as handle:
        handle.write(SAMPLE)


def svg_ids(path) -> list[str]:
    with open(path) as handle:
        return re.findall(r'<g id="([^"]+)"', handle.read())


def visible_panels(dashboard: dict) -> list[dict]:
    """What Grafana shows of a dashboard: its rows and the panels outside collapsed rows."""
    return [p for p in dashboard["panels"] if p["type"] != "row"]


# --- layout --------------------------------------------------------------------------------

def test_every_dashboard_is_drawn_with_one_box_per_panel(cli, project, tmp_path):
    write_sample(project)
    out = tmp_path / "previews"
    result = cli("preview", "--out", str(out))
    assert result.exit_code == 0, result.output
    build = Project(str(project)).build()
    assert result.output == f"drew {len(build.dashboards)} dashboards into {os.path.relpath(out)}\n"
    for dashboard in build.dashboards:
        data = dashboard.json
        image = Image.open(out / f"{dashboard.uid}.png")
        image.load()
        bottom = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in data["panels"])
        assert image.size == (1200, 40 + 30 * bottom)
        panels = visible_panels(data)
        ids = svg_ids(out / f"{dashboard.uid}.svg")
        assert sorted(i for i in ids if re.fullmatch(r"panel-\d+", i)) == \
            sorted(f"panel-{p['id']}" for p in panels)
        assert sorted(i for i in ids if i.startswith("row-")) == \
            sorted(f"row-{p['id']}" for p in data["panels"] if p["type"] == "row")
        pixels = image.convert("RGB")
        for panel in panels:
            grid = panel["gridPos"]
            # Inside each box, near its bottom left corner: the panel's colour.
            corner = (grid["x"] * 50 + 12, 40 + (grid["y"] + grid["h"]) * 30 - 12)
            assert pixels.getpixel(corner) == PANEL_COLOUR, (dashboard.uid, panel["title"])


def test_the_svg_names_titles_types_units_and_queries(cli, project, tmp_path):
    write_sample(project)
    result = cli("preview", "--out", str(tmp_path / "out"), "--dashboard", "review-preview")
    assert result.exit_code == 0
    assert sorted(os.listdir(tmp_path / "out")) == [".dashsmith-build", "review-preview.png",
                                            "review-preview.svg"]
    svg = (tmp_path / "out" / "review-preview.svg").read_text()
    for text in ("Preview Sample", "Requests", "timeseries · reqps", "gauge · percentunit",
                 "piechart · short", "▸ Hidden  (1 panels)", "▾ Lines", "Read me",
                 "A: sum by (model) (models)"):
        assert f">{text}<" in svg or text in svg, text
    assert ">Inside<" not in svg  # inside a collapsed row


def test_previews_of_the_same_build_are_the_same_bytes(cli, project, tmp_path):
    for name in ("one", "two"):
        assert cli("preview", "--out", str(tmp_path / name), "--dashboard", "ai-llm").exit_code == 0
    for suffix in ("png", "svg"):
        assert (tmp_path / "one" / f"ai-llm.{suffix}").read_bytes() == \
            (tmp_path / "two" / f"ai-llm.{suffix}").read_bytes()


@pytest.mark.parametrize("value, unit, shown", [
    (0.1234, "percentunit", "12.3%"), (0.35, "s", "350 ms"), (90, "s", "1.5 min"),
    (1536, "bytes", "1.5 KiB"), (3.2, "currencyUSD", "$3.20"), (12500, "short", "12.5K"),
    (4, "reqps", "4 req/s"), (2.5, "suffix: tok/s", "2.5 tok/s"), (7, "", "7"), (0, "s", "0 s"),
])
def test_values_are_shown_in_the_panels_unit(value, unit, shown):
    assert format_value(value, unit) == shown


@pytest.mark.parametrize("legend_format, shown", [
    ("{{job}}", "api"), ("{{ job }} on {{instance}}", "api on 10.0.0.1:9090"),
    # Grafana's legendFormatRegexp takes any name between the braces: a Prometheus 3 UTF-8
    # label too (pkg/promlib/querydata/request.go)
    ("{{service.name}}", "checkout"),
    ("{{ absent }} calls", "calls"),  # a label the series lacks is blank, as in Grafana
])
def test_a_legend_fills_in_the_series_labels_as_grafana_does(legend_format, shown):
    labels = {"__name__": "up", "job": "api", "instance": "10.0.0.1:9090",
              "service.name": "checkout"}
    assert legend(legend_format, labels) == shown


def test_an_unknown_dashboard_exits_2(cli, tmp_path):
    result = cli("preview", "--out", str(tmp_path / "out"), "--dashboard", "nope")
    assert result.exit_code == 2
    assert "no dashboard with uid nope" in result.output


def test_without_the_preview_extra_preview_says_what_to_install_and_exits_2(cli, tmp_path):
    # An interpreter where matplotlib is not installed: importing it fails as it would then.
    blocker = tmp_path / "no_matplotlib"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text("import sys\nsys.modules['matplotlib'] = None\n")
    path = os.pathsep.join([str(blocker), os.environ.get("PYTHONPATH", "")])
    result = cli.subprocess("preview", "--out", str(tmp_path / "out"), env={"PYTHONPATH": path})
    assert result.returncode == 2
    assert result.stderr == ("dashsmith: pictures of dashboards need matplotlib, which comes with "
                             "the preview extra: pip install 'dashsmith[preview]'\n")
    assert not os.path.exists(tmp_path / "out")


# --- with data -----------------------------------------------------------------------------

class FakePrometheus:
    """Prometheus's query API on 127.0.0.1, answering every range query with two series and
    every instant query with three; 'bad_metric(' is a parse error. Records the queries."""

    def __init__(self):
        self.queries: list[str] = []
        self.ranges: dict[str, tuple[float, float, float]] = {}  # query: (start, end, step)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                fake.queries.append(form["query"][0])
                if self.path.endswith("/query_range"):
                    fake.ranges[form["query"][0]] = tuple(
                        float(form[k][0]) for k in ("start", "end", "step"))
                status, body = fake.answer(self.path, form)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, path: str, form: dict):
        if "bad_metric(" in form["query"][0]:
            return 400, {"status": "error", "errorType": "bad_data", "error": "parse error"}
        if path.endswith("/query_range"):
            start, end, step = (float(form[k][0]) for k in ("start", "end", "step"))
            times = [start + i * step for i in range(int((end - start) // step) + 1)]
            result = [{"metric": {"job": job}, "values": [[t, str(n + i % 7)] for i, t in
                                                           enumerate(times)]}
                      for n, job in enumerate(("api", "worker"), start=1)]
            return 200, {"status": "success", "data": {"resultType": "matrix", "result": result}}
        at = float(form["time"][0])
        result = [{"metric": {"model": model}, "value": [at, str(value)]}
                  for model, value in (("opus", 3), ("sonnet", 2), ("haiku", 1))]
        return 200, {"status": "success", "data": {"resultType": "vector", "result": result}}

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def panel_ids(project, uid: str = "review-preview") -> dict[str, int]:
    build = Project(str(project)).build()
    [dashboard] = [d for d in build.dashboards if d.uid == uid]
    panels = []
    for panel in dashboard.json["panels"]:
        panels += [panel] + panel.get("panels", [])
    return {p["title"]: p["id"] for p in panels}


def test_panels_draw_their_data(cli, project, tmp_path):
    write_sample(project)
    ids = panel_ids(project)
    with FakePrometheus() as prometheus:
        result = cli("preview", "--out", str(tmp_path / "out"), "--dashboard", "review-preview",
                     "--prometheus", prometheus.url, "--range", "1h")
    assert result.exit_code == 0, result.output
    drawn = set(svg_ids(tmp_path / "out" / "review-preview.svg"))

    def series(title: str) -> int:
        return sum(1 for i in drawn if i.startswith(f"panel-{ids[title]}-series-"))

    assert series("Requests") == 2  # lines
    assert series("Stacked") == 2
    assert series("Per Day") == 2  # bars
    assert series("Requests Today") == 3  # a stat value per series
    assert series("Saturation") == 1  # a gauge shows one
    assert series("By Model") == 3  # bars of a bar gauge
    assert series("Share") == 3  # pie wedges
    assert series("Table") == 1  # one table
    assert series("Broken") == 0
    svg = (tmp_path / "out" / "review-preview.svg").read_text()
    assert "⚠ query A: parse error" in svg
    assert ">3 s<" in svg and ">50%<" not in svg  # bar gauge values in the panel's unit
    # Queries ran as Grafana runs them: a 1h range over 640 px is a step of 5 s, raised to the
    # 15 s scrape interval; $__rate_interval is then max(15 s + 15 s, 4 × 15 s).
    assert 'sum by (job) (rate(requests_total{job=~".+"}[1m]))' in prometheus.queries
    assert "sum(increase(requests_total[1h]))" in prometheus.queries
    assert not any("$" in query for query in prometheus.queries)
    assert "sum(up)" not in prometheus.queries  # the collapsed row's panel is not drawn


def test_each_query_runs_at_grafanas_step_for_its_panel(cli, project, tmp_path):
    write_sample(project)
    with FakePrometheus() as prometheus:
        result = cli("preview", "--out", str(tmp_path / "out"), "--dashboard", "review-preview",
                     "--prometheus", prometheus.url, "--range", "30d")
    assert result.exit_code == 0, result.output
    day = 86400
    # "Per Day" has a min interval of 1d: one point a day, on midnights (UTC), as Grafana
    # aligns a range to its step; 30 bars, not one every 3.6 hours.
    start, end, step = prometheus.ranges["sum(increase(requests_total[1d]))"]
    assert step == day and start % day == 0 and end % day == 0
    assert (end - start) / step == 30
    # "Requests", 8 of 24 columns wide (640 px on a 1920 px screen): 30d / 640 is 67.5 min,
    # which Grafana rounds to 1h; $__rate_interval is 1h + the 15 s scrape interval.
    requests = 'sum by (job) (rate(requests_total{job=~".+"}[1h15s]))'
    assert prometheus.ranges[requests][2] == 3600


BACKGROUND = (0x11, 0x12, 0x17)


def test_graphs_keep_their_axis_labels_inside_the_panel_and_the_legend_below(cli, project,
                                                                            tmp_path):
    with FakePrometheus() as prometheus:
        result = cli("preview", "--out", str(tmp_path / "out"), "--dashboard", "ai-llm",
                     "--prometheus", prometheus.url)
    assert result.exit_code == 0, result.output
    build = Project(str(project)).build()
    [dashboard] = [d for d in build.dashboards if d.uid == "ai-llm"]
    image = Image.open(tmp_path / "out" / "ai-llm.png").convert("RGB")
    svg = (tmp_path / "out" / "ai-llm.svg").read_text()
    graphs = [p for p in visible_panels(dashboard.json) if p["type"] == "timeseries"]
    assert graphs
    for panel in graphs:
        grid = panel["gridPos"]
        # The gap left of the panel's box is empty: "8 req/min" is not cut at the edge.
        top, bottom = 40 + grid["y"] * 30, 40 + (grid["y"] + grid["h"]) * 30
        assert all(image.getpixel((grid["x"] * 50, row)) == BACKGROUND
                   for row in range(top, bottom)), panel["title"]
        # Each series has a legend item, below the lowest point of every line.
        lowest = max(float(y) for n in range(2) for y in re.findall(
            r"[ML] [\d.]+ ([\d.]+)", _group(svg, f"panel-{panel['id']}-series-{n}")))
        for n in range(2):
            legend = re.search(r' y="([\d.]+)"', _group(svg, f"panel-{panel['id']}-legend-{n}"))
            assert legend and float(legend.group(1)) > lowest, panel["title"]


def _group(svg: str, gid: str) -> str:
    """The contents of the SVG group with this id."""
    match = re.search(rf'<g id="{gid}">(.*?)</g>', svg, re.S)
    assert match, gid
    return match.group(1)


def test_an_unreachable_prometheus_exits_2(cli, tmp_path):
    result = cli("preview", "--out", str(tmp_path / "out"), "--prometheus", "http://127.0.0.1:9")
    assert result.exit_code == 2
    assert "cannot reach Prometheus at http://127.0.0.1:9" in result.output
    assert not os.path.exists(tmp_path / "out")


def test_a_bad_range_is_a_usage_error(cli, tmp_path):
    with FakePrometheus() as prometheus:
        result = cli("preview", "--out", str(tmp_path / "out"), "--prometheus", prometheus.url,
                     "--range", "an hour")
    assert result.exit_code == 2
    assert "not a duration" in result.output


@pytest.mark.live
def test_data_from_a_real_prometheus(cli, project, tmp_path):
    with open(os.path.join(project, "dashboards", "review_live.py"), "w") as handle:
        handle.write('from dashsmith import Dashboard, stat, timeseries\n\n'
                     'dashboard = Dashboard(uid="review-live", title="Live", folder="Review",\n'
                     '                      rows=[\n'
                     '    timeseries("Up", "up"),\n'
                     '    stat("Targets Up", "sum(up)"),\n'
                     '])\n')
    # The data source's scrape interval as this Prometheus's: the step is never below it, and a
    # 15 s step aligned to a multiple of 15 s could end before its first sample.
    edit(os.path.join(project, "setup.cfg"), "scrape_interval = 15s", "scrape_interval = 1s")
    with running_prometheus(tmp_path, SELF_SCRAPING) as url:
        wait_for_its_own_series(url)
        time.sleep(1)  # the range ends at a whole step (1 s) before now: past the first sample
        result = cli("preview", "--out", str(tmp_path / "out"), "--dashboard", "review-live",
                     "--prometheus", url, "--range", "5m")
    assert result.exit_code == 0, result.output
    drawn = svg_ids(tmp_path / "out" / "review-live.svg")
    ids = panel_ids(project, "review-live")
    assert f"panel-{ids['Up']}-series-0" in drawn
    assert f"panel-{ids['Targets Up']}-series-0" in drawn
    assert ">1<" in (tmp_path / "out" / "review-live.svg").read_text()  # one target up: itself


SELF_SCRAPING = ("global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                 "scrape_configs:\n"
                 "  - job_name: prometheus\n    static_configs: [{targets: ['{address}']}]\n")


def wait_for_its_own_series(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if api(url, "/api/v1/query", query="up"):
            return
        time.sleep(0.2)
    raise AssertionError("Prometheus did not scrape itself within 30 s")
