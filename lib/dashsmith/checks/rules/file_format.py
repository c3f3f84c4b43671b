from __future__ import annotations

from dashsmith.checks.rule import Rule


class FileFormat(Rule):
    """A file is not what it should be: a Grafana dashboard, or a promtool unit-test file.

    A JSON file given to lint must be a dashboard (or the HTTP API's {"dashboard": ...}); a
    file in alerts/tests/ must be a promtool test file: a mapping with rule_files and tests;
    a Python module is linted as declarations, so only within its project.

    Anti-pattern:
        dashsmith lint package.json

    Best practice:
        dashsmith lint build/dashboards/
    """

    id = "file/format"

    def not_a_dashboard(self, source):
        return self.problem("not a Grafana dashboard: expected a JSON object with 'panels'",
                            source)

    def module_outside_project(self, source):
        return self.problem("a Python module is linted as the declarations of its project: "
                            "run lint inside the project (setup.cfg with [dashsmith]) or give "
                            "--project", source)

    def not_a_test_file(self, source):
        return self.problem("not a promtool test file: expected a mapping with 'rule_files' "
                            "and a list 'tests'", source)
