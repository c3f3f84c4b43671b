"""Turning lint rules off: for the project in setup.cfg (with a reason), for one declaration
with a comment; malformed and unused suppressions are findings."""

from __future__ import annotations

import textwrap

from dashsmith.compiler.project import Project
from dashsmith.linter.engine import lint_project

# A panel with no description: one panel/description warning.
PLAIN = '''\
from dashsmith import Dashboard, timeseries

dashboard = Dashboard(uid="plain", title="Plain", folder="Tests", rows=[
{comment_above}    timeseries("Completions",{comment_after}
               "sum(rate(ai_completions_total[$__rate_interval]))", unit="ops"),
])
'''


def _dashboard(project, comment_above: str = "", comment_after: str = "") -> None:
    text = PLAIN.format(comment_above=f"    {comment_above}\n" if comment_above else "",
                        comment_after=f"  {comment_after}" if comment_after else "")
    (project / "dashboards" / "plain.py").write_text(text)


def _settings(project, section: str) -> None:
    with open(project / "setup.cfg", "a") as handle:
        handle.write("\n[dashsmith.lint]\n" + textwrap.dedent(section))


def _found(project) -> list[tuple[str, str, int]]:
    return [(p.rule, p.source.file.rsplit("/", 1)[-1], p.source.line)
            for p in lint_project(Project(str(project)))]


def test_a_finding_without_suppression(project):
    _dashboard(project)
    assert _found(project) == [("panel/description", "plain.py", 4)]


def test_project_wide_suppression_with_reason(project):
    _dashboard(project)
    _settings(project, """\
        disable =
            panel/description: our panels are named after what they show
        """)
    assert _found(project) == []


def test_project_wide_suppression_needs_a_reason(project):
    _dashboard(project)
    _settings(project, """\
        disable =
            panel/description
        """)
    found = _found(project)
    assert ("lint/config", "setup.cfg", _setup_line(project, "panel/description")) in found
    assert ("panel/description", "plain.py", 4) in found  # not suppressed without a reason


def test_unknown_and_structural_rules_cannot_be_disabled(project):
    _settings(project, """\
        disable =
            promql/nonsense: a typo
            dashboard/uid: build refuses it anyway
        """)
    messages = [p.message for p in lint_project(Project(str(project))) if p.rule == "lint/config"]
    assert any("'promql/nonsense': no such rule" in m for m in messages)
    assert any("'dashboard/uid': build refuses it" in m for m in messages)


def test_every_id_a_command_reports_is_known_to_suppressions(project):
    """verify's ids can be turned off (verify applies the same suppressions and says when one
    is unused: lint does not see verify's findings); deploy's and build's cannot."""
    _settings(project, """\
        disable =
            promql/series: the demo Prometheus scrapes nothing
            alerts/never-true: alert/never-true's former id
            deploy/grafana-alerts: refused on purpose
            slo/bucket: not a bucket on purpose
        """)
    found = lint_project(Project(str(project)))
    assert [p.message for p in found if p.rule == "lint/config"] == [
        "cannot disable 'deploy/grafana-alerts': `dashsmith deploy` reports it, and suppressions "
        "do not apply there",
        "cannot disable 'slo/bucket': build refuses it, so lint reports it"]
    assert not [p for p in found if "promql/series" in p.message or "never-true" in p.message]


def test_unused_project_suppression_is_reported(project):
    _settings(project, """\
        disable =
            promql/regexp: exporters name jobs by pattern
        """)
    assert _found(project) == [("lint/unused-suppression", "setup.cfg",
                                _setup_line(project, "promql/regexp"))]


def test_comment_on_the_line_above(project):
    _dashboard(project, comment_above="# dashsmith: disable=panel/description -- the title says it")
    assert _found(project) == []


def test_comment_on_the_declaring_line(project):
    _dashboard(project, comment_after="# dashsmith: disable=panel/description -- obvious")
    assert _found(project) == []


def test_comment_without_reason_is_an_error(project):
    _dashboard(project, comment_above="# dashsmith: disable=panel/description")
    assert sorted(_found(project)) == [("lint/config", "plain.py", 4),
                                       ("panel/description", "plain.py", 5)]


def test_unused_comment_is_reported(project):
    _dashboard(project, comment_above="# dashsmith: disable=promql/regexp -- job names are regexes")
    assert sorted(_found(project)) == [("lint/unused-suppression", "plain.py", 4),
                                       ("panel/description", "plain.py", 5)]


def test_malformed_comment_is_an_error(project):
    _dashboard(project, comment_above="# dashsmith: disabel=panel/description -- typo")
    assert ("lint/config", "plain.py", 4) in _found(project)


def test_comment_in_an_alerts_module(project):
    (project / "alerts" / "quiet.py").write_text(textwrap.dedent('''\
        from dashsmith import Alert, RuleGroup

        quiet = RuleGroup("quiet", [
            # dashsmith: disable=alert/for,test/coverage -- pages at once by design; tested upstream
            Alert("AppGone", expr='absent(up{job="postgres"})', severity="critical",
                  runbook="apptargetmissing", summary="Gone.", description="The app is gone."),
        ])
        '''))
    assert _found(project) == []


def _setup_line(project, text: str) -> int:
    lines = (project / "setup.cfg").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_a_pattern_turns_off_the_rules_it_matches(project):
    _dashboard(project)
    _settings(project, """\
        disable =
            panel/*: our panels are named after what they show
        """)
    assert _found(project) == []


def test_an_unused_pattern_is_reported_once_as_written(project):
    _settings(project, """\
        disable =
            promql/*: exporters name jobs by pattern
        """)
    found = lint_project(Project(str(project)))
    assert [(p.rule, p.message) for p in found] == [
        ("lint/unused-suppression", "'promql/*' is disabled but finds nothing in this project: "
                                    "remove the suppression")]


def test_a_pattern_that_matches_no_rule_or_only_structural_ones_is_refused(project):
    _settings(project, """\
        disable =
            promqll/*: a typo
            dashboard/u*d: build refuses it anyway
        """)
    messages = [p.message for p in lint_project(Project(str(project))) if p.rule == "lint/config"]
    assert messages == [
        "cannot disable 'promqll/*': no rule matches it (dashsmith lint --explain lists them)",
        "cannot disable 'dashboard/u*d': build refuses every rule it matches, or lint reports "
        "none of them"]


def test_disable_in_scopes_rules_to_paths(project):
    _dashboard(project)
    _settings(project, """\
        disable-in =
            dashboards/pl*.py other/**: panel/* -- a generated dashboard, described elsewhere
        """)
    assert _found(project) == []
    (project / "dashboards" / "plain.py").rename(project / "dashboards" / "kept.py")
    assert _found(project) == [("panel/description", "kept.py", 4),
                               ("lint/unused-suppression", "setup.cfg",
                                _setup_line(project, "dashboards/pl*.py"))]


def test_a_malformed_disable_in_entry_is_an_error(project):
    _settings(project, """\
        disable-in =
            vendor/** catalog/*
            vendor/**: panel/description
        """)
    messages = [p.message for p in lint_project(Project(str(project))) if p.rule == "lint/config"]
    assert messages == [
        "disable-in entry not understood: write 'PATH: RULE[, RULE] -- reason' (e.g. "
        "'vendor/**: catalog/* -- vendored mixins')",
        "disabling 'panel/description' needs a reason: say why the rule is wrong here"]
