"""The CI workflow and pre-commit hook shipped for users: they parse, and every `dashsmith`
command they run exists in the CLI and accepts the options it is given."""

from __future__ import annotations

import os
import re
import shlex

import click
import pytest
import yaml

from dashsmith.cli import main
from support import REPO

WORKFLOW = os.path.join(REPO, ".github", "workflows", "monitoring.yml")
HOOKS = os.path.join(REPO, ".pre-commit-hooks.yaml")
SHELL_OPERATORS = {"||", "&&", "|", ";", ">", ">>", "<", "2>", "2>&1", "&"}


def load(path: str):
    with open(path) as handle:
        return yaml.safe_load(handle)


def workflow() -> dict:
    data = load(WORKFLOW)
    # YAML 1.1 reads the key `on` as True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(job: str) -> list[dict]:
    return workflow()["jobs"][job]["steps"]


def dashsmith_commands(script: str) -> list[list[str]]:
    """Every `dashsmith ...` invocation in a shell script, as argument lists."""
    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        for start, word in enumerate(words):
            if word != "dashsmith" or (start and words[start - 1] not in SHELL_OPERATORS):
                continue
            args = []
            for arg in words[start + 1:]:
                if arg in SHELL_OPERATORS or arg.startswith((">", "2>")):
                    break
                args.append(arg)
            commands.append(args)
    return commands


def all_invocations() -> list[list[str]]:
    found = []
    for job in workflow()["jobs"].values():
        for step in job["steps"]:
            found += dashsmith_commands(step.get("run", ""))
    for hook in load(HOOKS):
        found += dashsmith_commands(hook["entry"])
    return found


def test_the_workflow_runs_on_pull_requests_and_on_main():
    triggers = workflow()["on"]
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]
    jobs = workflow()["jobs"]
    assert "pull_request" in jobs["review"]["if"]
    assert "refs/heads/main" in jobs["deploy"]["if"]


def test_the_review_job_lints_tests_diffs_comments_and_uploads_previews():
    runs = [step.get("run", "") for step in steps("review")]
    commands = [args[0] for run in runs for args in dashsmith_commands(run)]
    assert commands == ["lint", "test", "diff", "preview", "diff"]
    checkout = next(s for s in steps("review") if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # the base branch's history, for diff --base
    for diff in [a for run in runs for a in dashsmith_commands(run) if a[0] == "diff"]:
        assert diff[diff.index("--base") + 1] == "origin/${{ github.base_ref }}"
        assert diff[diff.index("--format") + 1] == "markdown"
    uses = [s.get("uses", "") for s in steps("review")]
    assert any(u.startswith("actions/upload-artifact") for u in uses)
    comment = next(s for s in steps("review")
                   if s.get("uses", "").startswith("actions/github-script"))
    assert "<!-- dashsmith-diff -->" in comment["with"]["script"]
    assert workflow()["jobs"]["review"]["permissions"]["pull-requests"] == "write"


def test_a_lint_failure_still_gives_the_diff_comment_and_pictures_and_a_red_job():
    review = steps("review")
    lint = next(i for i, s in enumerate(review) if "dashsmith lint" in s.get("run", ""))
    for step in review[lint + 1:]:
        # GitHub skips a step after a failed one unless its `if` says otherwise.
        assert "!cancelled()" in step.get("if", ""), step["name"]
        # continue-on-error would turn the job green with lint failing.
        assert "continue-on-error" not in step, step["name"]
    assert "continue-on-error" not in review[lint] and "if" not in review[lint]


def test_the_comment_links_each_changed_dashboard_to_its_pictures():
    review = steps("review")
    [first, linked] = [a for s in review for a in dashsmith_commands(s.get("run", ""))
                       if a[0] == "diff"]
    assert first[first.index("--previews") + 1] == "previews/changed"
    page = next(s for s in review if s.get("id") == "page")
    assert page["uses"].startswith("actions/upload-artifact@v7")  # archive: false needs v7
    assert page["with"] == {"path": "previews/changed/index.html", "archive": False,
                            "retention-days": 14}
    assert linked[linked.index("--preview-page") + 1] == "${{ steps.page.outputs.artifact-url }}"


def test_the_comment_finds_its_earlier_comment_by_the_reports_marker():
    from dashsmith.commands.diff.render_markdown import MARKER
    comment = next(s for s in steps("review")
                   if s.get("uses", "").startswith("actions/github-script"))
    assert f"'{MARKER}'" in comment["with"]["script"]


def test_the_deploy_job_uses_the_grafana_secrets_and_those_of_the_rules_engine():
    [deploy] = [s for s in steps("deploy") if "dashsmith deploy" in s.get("run", "")]
    assert deploy["env"] == {
        name: f"${{{{ secrets.{name} }}}}"
        for name in ("GRAFANA_URL", "GRAFANA_TOKEN", "RULER_URL", "RULER_TENANT", "RULER_TOKEN",
                     "PROMETHEUS_URL")}


def test_the_pre_commit_hook_runs_lint():
    [hook] = load(HOOKS)
    assert hook["id"] == "dashsmith-lint"
    assert hook["entry"] == "dashsmith lint"
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    assert re.search(hook["files"], "dashboards/ai.py")
    assert re.search(hook["files"], "setup.cfg")
    assert not re.search(hook["files"], "README.md")


@pytest.mark.parametrize("args", all_invocations(), ids=" ".join)
def test_every_command_exists_with_those_options(args):
    context = click.Context(main)
    command = main.get_command(context, args[0])
    assert command is not None, f"dashsmith has no command {args[0]!r}"
    # Parsing checks option names, choices and value types without running the command.
    command.make_context(args[0], list(args[1:]), parent=context)
