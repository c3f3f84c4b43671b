"""The [dashsmith] section of setup.cfg: a value dashsmith cannot use stops every command with
exit 2 and a message naming the setup.cfg line, before anything is written."""

from __future__ import annotations

import pytest

from support import Cli, tree


@pytest.fixture
def built_before(cli, project):
    """A good build already in place: a refused build must leave it exactly as it was."""
    assert cli("build").exit_code == 0
    return tree(project / "build")


def _set(project, key: str, value: str) -> int:
    """Replace the [dashsmith] `key = ...` line of setup.cfg; returns its line number."""
    lines = (project / "setup.cfg").read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith(f"{key} ="))
    lines[number] = f"{key} = {value}".rstrip()
    (project / "setup.cfg").write_text("\n".join(lines) + "\n")
    return number + 1


def _refused(cli, project, built_before, message: str):
    result = cli("build")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert tree(project / "build") == built_before


@pytest.mark.parametrize("key, typo", [("dashboards", "dashbords"), ("alerts", "alertz"),
                                       ("catalog", "metrix")])
def test_a_directory_setting_must_name_an_existing_directory(cli, project, built_before, key,
                                                             typo):
    line = _set(project, key, typo)
    _refused(cli, project, built_before,
             f"setup.cfg:{line}:1: [dashsmith] {key} = '{typo}': no such directory")


def test_a_directory_setting_must_lie_inside_the_project(cli, project, built_before):
    line = _set(project, "catalog", "../metrics")
    _refused(cli, project, built_before, f"setup.cfg:{line}:1: [dashsmith] catalog = "
             "'../metrics': must name a directory inside the project")


def test_a_missing_default_directory_is_a_project_without_those_declarations(tmp_path):
    # No alerts/ and no metrics/; `alerts = alerts` spells the default out.
    (tmp_path / "dashboards").mkdir()
    (tmp_path / "setup.cfg").write_text("[dashsmith]\nalerts = alerts\n")
    result = Cli(tmp_path)("build")
    assert result.exit_code == 0, result.output
    assert "built 0 dashboards and 0 rule files" in result.output


@pytest.mark.parametrize("value, reason", [
    ("15sec", "not a duration (use e.g. 15s, 30s, 1m)"),
    ("0s", "must be longer than 0s"),
    ("", "must not be empty"),
])
def test_scrape_interval_must_be_a_positive_duration(cli, project, built_before, value, reason):
    line = _set(project, "scrape_interval", value)
    _refused(cli, project, built_before,
             f"setup.cfg:{line}:1: [dashsmith] scrape_interval = '{value}': {reason}")


@pytest.mark.parametrize("key", ["datasource", "runbook_url", "out"])
def test_text_settings_must_not_be_empty(cli, project, built_before, key):
    # runbook_url's line, not the comment above it that mentions runbook_url.
    line = _set(project, key, "")
    _refused(cli, project, built_before,
             f"setup.cfg:{line}:1: [dashsmith] {key} = '': must not be empty")


def test_a_setting_set_twice_names_the_second_line(cli, project, built_before):
    text = (project / "setup.cfg").read_text()
    (project / "setup.cfg").write_text(text.replace("scrape_interval = 15s\n",
                                                    "scrape_interval = 15s\nout = elsewhere\n"))
    line = (project / "setup.cfg").read_text().splitlines().index("out = elsewhere") + 1
    _refused(cli, project, built_before, f"setup.cfg:{line}:1: 'out' is set twice in [dashsmith]")


def test_paths_are_relative_to_the_current_directory(cli, project, monkeypatch):
    line = _set(project, "dashboards", "dashbords")
    monkeypatch.chdir(project)
    assert cli("build").output == (f"dashsmith: setup.cfg:{line}:1: [dashsmith] dashboards = "
                                   "'dashbords': no such directory dashbords\n")
    monkeypatch.chdir(project.parent)
    assert cli("build").output == (f"dashsmith: project/setup.cfg:{line}:1: [dashsmith] "
                                   "dashboards = 'dashbords': no such directory "
                                   "project/dashbords\n")


def test_paths_outside_the_current_directory_stay_absolute(cli, project, tmp_path, monkeypatch):
    line = _set(project, "alerts", "alertz")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert cli("build").output == (f"dashsmith: {project}/setup.cfg:{line}:1: [dashsmith] "
                                   f"alerts = 'alertz': no such directory {project}/alertz\n")


@pytest.mark.parametrize("command", [["lint", "--no-tools"],
                                     ["lint", "--no-tools", "dashboards/ai.py"],
                                     ["verify", "--prometheus", "http://127.0.0.1:9"]])
def test_other_commands_refuse_bad_settings_too(cli, project, command):
    # verify used to read scrape_interval only when it queried Prometheus, and crashed there.
    line = _set(project, "scrape_interval", "15sec")
    result = cli(*command)
    assert result.exit_code == 2, result.output
    assert f"setup.cfg:{line}:1: [dashsmith] scrape_interval = '15sec'" in result.output
