"""Metrics follow the dashboard: `dashsmith import` infers catalog entries for the metrics the
queries read and the catalog lacks (metrics/imported.py), so the imported dashboard lints, and
says what to do next."""

from __future__ import annotations

import json

PROMETHEUS = {"type": "prometheus", "uid": "${datasource}"}
VARIABLE = {"name": "datasource", "type": "datasource", "query": "prometheus"}


def dashboard(uid: str, *queries: tuple[str, str], variables: list | None = None) -> dict:
    panels = [{"id": index + 1, "type": "timeseries", "title": f"Panel {index + 1}",
               "description": "d", "datasource": PROMETHEUS,
               "gridPos": {"h": 8, "w": 24, "x": 0, "y": 8 * index},
               "fieldConfig": {"defaults": {"unit": "short"}},
               "targets": [{"expr": expr, "legendFormat": legend, "refId": "A"}]}
              for index, (expr, legend) in enumerate(queries)]
    return {"uid": uid, "title": uid.title(), "schemaVersion": 39, "panels": panels,
            "templating": {"list": [VARIABLE, *(variables or [])]}}


def write(tmp_path, data: dict) -> str:
    path = tmp_path / f"{data['uid']}.json"
    path.write_text(json.dumps(data))
    return str(path)


def catalog_findings(cli) -> list[str]:
    output = cli("lint", "--no-tools", "--format", "json").output
    return [f"{f['rule']} {f['message']}" for f in json.loads(output[output.find("["):])
            if f["rule"].startswith("catalog/")]


SERVICE = dashboard(
    "service",
    ('sum by (method) (rate(http_requests_total{code=~"5.."}[$__rate_interval]))', "{{method}}"),
    ("histogram_quantile(0.99, sum by (le, route) "
     "(rate(http_request_duration_seconds_bucket[$__rate_interval])))", "{{route}}"),
    ("process_open_fds", "{{pod}}"),
    ("sum(rate(app_events[$__rate_interval]))", ""),
    ('label_replace(queue_depth, "queue_name", "$1", "queue", "(.*)")', "{{queue_name}}"),
    ("job:http_requests:rate5m", ""),
    variables=[{"name": "tenant", "type": "query", "datasource": PROMETHEUS,
                "query": "label_values(http_requests_total, tenant)"}])


def test_import_writes_the_metrics_the_queries_read_and_the_dashboard_lints(
        cli, project, tmp_path):
    result = cli("import", write(tmp_path, SERVICE))
    assert result.exit_code == 0, result.output
    assert "wrote metrics/imported.py: 6 metrics the queries read and the catalog lacked, " \
           "inferred from the queries (2 counters, 3 gauges, 1 histogram); 1 of them a " \
           "recording rule's output (a colon in the name)" in result.output
    assert "next: check the inferred metrics in metrics/imported.py" in result.output
    text = (project / "metrics" / "imported.py").read_text()
    # the type from the functions applied and the name; labels from matchers, by, legends
    assert 'Counter(\n        "http_requests_total",' in text
    assert 'labels=["code", "method", "tenant"]' in text  # matcher, by, label_values()
    assert 'Histogram(\n        "http_request_duration_seconds",' in text
    assert 'labels=["route"],' in text and "buckets=[]" in text  # le is the histogram's own
    assert "a histogram, histogram_quantile() reads its" in text
    assert 'Gauge(\n        "process_open_fds",' in text and 'labels=["pod"]' in text
    assert 'Counter("app_events"' in text or 'Counter(\n        "app_events",' in text
    assert "a counter, a rate() reads it" in text
    assert 'labels=["queue"]' in text  # queue_name is made by label_replace, not read
    assert 'exporter="recording rule (inferred)"' in text
    assert 'exporter="http (inferred)"' in text  # never an exporter name instrument writes for
    assert catalog_findings(cli) == []
    assert cli("build").exit_code == 0


def test_a_second_import_joins_the_labels_instead_of_declaring_a_metric_twice(
        cli, project, tmp_path):
    assert cli("import", write(tmp_path, SERVICE)).exit_code == 0
    other = dashboard("other", ("sum by (handler) (rate(http_requests_total[5m]))", ""),
                      ("sum(go_goroutines)", ""))
    result = cli("import", write(tmp_path, other))
    assert result.exit_code == 0, result.output
    assert "wrote metrics/imported.py: 1 metrics" in result.output  # only go_goroutines is new
    text = (project / "metrics" / "imported.py").read_text()
    assert text.count('"http_requests_total"') == 1
    assert 'labels=["code", "handler", "method", "tenant"]' in text
    assert catalog_findings(cli) == []


def test_a_label_the_catalogs_own_metric_lacks_is_named_where_to_add_it(cli, tmp_path):
    data = dashboard("hosts", ('node_load1{cluster="eu"}', "{{cluster}}"))
    result = cli("import", write(tmp_path, data))
    assert result.exit_code == 0, result.output
    assert "the catalog's node_load1 (node.py:34) has no label 'cluster', which the queries " \
           "read: add it there" in result.output
    assert "metrics/imported.py" not in result.output  # nothing to infer
    assert "next: `dashsmith lint`, then `dashsmith deploy`" in result.output


def test_no_metrics_names_them_and_writes_none(cli, project, tmp_path):
    result = cli("import", write(tmp_path, SERVICE), "--no-metrics")
    assert result.exit_code == 0, result.output
    assert "the queries read 6 metrics the catalog lacks" in result.output
    assert "http_requests_total" in result.output
    assert not (project / "metrics" / "imported.py").exists()


def test_dry_run_prints_the_metrics_module_and_writes_nothing(cli, project, tmp_path):
    result = cli("import", write(tmp_path, SERVICE), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "# metrics/imported.py\n" in result.output
    assert "would write metrics/imported.py: 6 metrics" in result.output
    assert not (project / "metrics" / "imported.py").exists()


def test_queries_of_other_data_sources_infer_nothing(cli, project, tmp_path):
    loki = dashboard("logs", ('sum(rate({app="api"} |= "error" [5m]))', ""))
    loki["panels"][0]["datasource"] = {"type": "loki", "uid": "logs"}
    result = cli("import", write(tmp_path, loki))
    assert result.exit_code == 0, result.output
    assert not (project / "metrics" / "imported.py").exists()


def test_recorded_buckets_are_left_to_their_rules(cli, project, tmp_path):
    data = dashboard("recorded", (
        "histogram_quantile(0.99, sum by (le) (job:http_duration_seconds_bucket:rate5m))", ""))
    result = cli("import", write(tmp_path, data))
    assert result.exit_code == 0, result.output
    assert "1 recording rules' outputs that histogram_quantile() reads are not declared (a " \
           "catalog entry cannot say they hold buckets): add their rules to alerts/ " \
           "(job:http_duration_seconds_bucket:rate5m)" in result.output
    assert not (project / "metrics" / "imported.py").exists()


def test_a_label_made_by_label_replace_is_still_the_other_metrics_own(cli, project, tmp_path):
    # device: disk's own label (by, on, legend) and made from volume's path by label_replace;
    # owner: volume's, brought to disk's side by group_left
    data = dashboard("volumes", (
        "sum by (device) (rate(disk_written_bytes_total[$__rate_interval])) * on (device) "
        'group_left (owner) label_replace(volume_info, "device", "$1", "path", "/dev/(.*)")',
        "{{device}} {{owner}}"))
    assert cli("import", write(tmp_path, data)).exit_code == 0
    text = (project / "metrics" / "imported.py").read_text()
    assert 'Counter(\n        "disk_written_bytes_total",' in text
    disk, volume = text.split('"disk_written_bytes_total"')[1].split('"volume_info"')
    assert 'labels=["device"]' in disk  # not owner, which only volume_info has
    assert 'labels=["owner", "path"]' in volume  # not device, which label_replace makes
    assert catalog_findings(cli) == []


def test_a_label_label_replace_reads_and_rewrites_is_the_series_own(cli, project, tmp_path):
    data = dashboard("chips", (
        'avg by (chip) (label_replace(sum by (sensor, chip) (hwmon_temp_celsius), "chip", "$2", '
        '"chip", "(.*)_coretemp_(.*)"))', "{{chip}}"))
    assert cli("import", write(tmp_path, data)).exit_code == 0
    assert 'labels=["chip", "sensor"]' in (project / "metrics" / "imported.py").read_text()
    assert catalog_findings(cli) == []


def test_a_gauge_one_panel_rates_stays_a_gauge_where_most_queries_read_its_value(
        cli, project, tmp_path):
    gauge = "queue_highest_timestamp_seconds"
    counter = "mysql_global_status_questions"  # an old exporter's counter without _total
    data = dashboard(
        "mixed-reads",
        (f"time() - max({gauge})", ""), (f"max({gauge}) - max(queue_sent_timestamp_seconds)", ""),
        (f"rate({gauge}[$__rate_interval])", ""),
        (f"sum(rate({counter}[$__rate_interval]))", ""),
        (f"sum(irate({counter}[$__rate_interval]))", ""),
        (f"max_over_time({counter}[$__interval])", ""),
        ("process_cpu_seconds_total", ""),
        ("rate(process_cpu_seconds_total[$__rate_interval])", ""))
    assert cli("import", write(tmp_path, data)).exit_code == 0
    text = (project / "metrics" / "imported.py").read_text()
    assert f'Gauge(\n        "{gauge}",' in text
    joined = text.replace('"\n        "', "")  # the help's adjacent literals as one
    assert "a gauge, its value is read in 2 places, rate() in 1 place (check which is right)" \
        in joined
    assert f'Counter(\n        "{counter}",' in text
    assert 'Counter(\n        "process_cpu_seconds_total",' in text  # named so: a counter
    findings = catalog_findings(cli)
    # lint names the one wrong read of each, not the right ones
    assert sorted(f.split(" ")[0] for f in findings) == [
        "catalog/counter-rate", "catalog/counter-rate", "catalog/gauge-rate"], findings
    assert any(f"rate() on '{gauge}'" in f for f in findings)
