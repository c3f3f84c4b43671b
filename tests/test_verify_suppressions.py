"""verify honours lint's suppressions for what it reports: a `# dashsmith: disable=` comment
at a panel, or setup.cfg's [dashsmith.lint] section, turns a verify finding off, and one that
suppresses nothing is reported, as lint reports its own. Against a real Prometheus that scrapes
only itself."""

from __future__ import annotations

import textwrap

import pytest

from support import Cli

DASHBOARD = '''\
from dashsmith import Dashboard, timeseries

dashboard = Dashboard(uid="verified", title="Verified", folder="Tests", rows=[
    timeseries("Up", 'sum(up{{job="prometheus"}})', unit="short", description="d", legend="up"),
{comment}    timeseries("Exporter", 'sum(up{{job="exporter"}})', unit="short", description="d",
               legend="up"),
])
'''


@pytest.fixture
def prometheus(self_scraping):
    return self_scraping  # the session's (conftest.py): these tests only read it


# An alert whose two sides never match (job on the left, instance on the right): it can
# never fire, whatever the values.
NEVER_TRUE = '''\
from dashsmith import Alert, RuleGroup

group = RuleGroup("never", [
    Alert("NeverFires", expr="sum by (job) (up) < on (instance) sum by (instance) (up)",
          for_="5m", severity="warning", summary="Never.", description="Never fires."),
])
'''


def _project(root, *, comment: str = "", settings: str = "") -> Cli:
    (root / "dashboards").mkdir(parents=True)
    (root / "setup.cfg").write_text("[dashsmith]\nscrape_interval = 1s\n"
                                    + textwrap.dedent(settings))
    text = DASHBOARD.format(comment=f"    {comment}\n" if comment else "")
    (root / "dashboards" / "verified.py").write_text(text)
    return Cli(root)


def _verify(cli: Cli, url: str):
    return cli.subprocess("verify", "--prometheus", url, "--range", "1m")


def test_a_verify_finding_without_suppression(tmp_path, prometheus):
    result = _verify(_project(tmp_path), prometheus)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.startswith("dashboards/verified.py:5:1: error promql/series dashboard "
                                    "'Verified' panel 'Exporter' query A returned no series")


def test_a_comment_at_the_panel_turns_it_off(tmp_path, prometheus):
    cli = _project(tmp_path, comment="# dashsmith: disable=promql/series -- not deployed yet")
    result = _verify(cli, prometheus)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "promql/series" not in result.stdout


def test_the_project_wide_setting_turns_it_off(tmp_path, prometheus):
    cli = _project(tmp_path, settings="""\
        [dashsmith.lint]
        disable =
            promql/series: the exporter is not deployed yet
        """)
    result = _verify(cli, prometheus)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_a_suppression_of_a_verify_finding_that_is_gone_is_reported_by_verify(tmp_path, prometheus):
    cli = _project(tmp_path, comment="# dashsmith: disable=promql/empty -- no data on purpose")
    result = _verify(cli, prometheus)
    assert "dashboards/verified.py:5:5: warning lint/unused-suppression 'promql/empty' is " \
           "disabled but finds nothing here" in result.stdout, result.stdout
    assert "promql/series" in result.stdout  # a suppression covers only the rules it names


def test_a_suppression_under_the_former_id_of_a_renamed_rule_still_applies(tmp_path, prometheus):
    cli = _project(tmp_path, comment="# dashsmith: disable=promql/series -- not deployed yet",
                   settings="""\
        [dashsmith.lint]
        disable =
            alerts/never-true: written before the rule was alert/never-true
        """)
    (tmp_path / "alerts").mkdir()
    (tmp_path / "alerts" / "never.py").write_text(NEVER_TRUE)
    result = _verify(cli, prometheus)
    assert result.returncode == 0 and result.stdout.strip() == "", result.stdout + result.stderr
    (tmp_path / "setup.cfg").write_text("[dashsmith]\nscrape_interval = 1s\n")
    result = _verify(cli, prometheus)
    assert "alerts/never.py:4:1: warning alert/never-true alert 'NeverFires' can never fire" \
        in result.stdout, result.stdout
