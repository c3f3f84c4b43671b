"""`dashsmith diff --base REF`: a git repository with two commits (the project, then a change);
each kind of change gives exactly its report lines, and nothing else is reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from support import edit

SAMPLE = "dashboards/review_sample.py"
SAMPLE_RULES = "alerts/review_sample.py"

# This file's own samples, not shared ones: the tests edit their lines one by one and the
# report lines they expect name those lines' numbers.
DASHBOARD = '''\
"""A dashboard the diff tests change."""

from dashsmith import Dashboard, Query, Row, label_variable, stat, timeseries

dashboard = Dashboard(
    uid="review-sample",
    title="Review Sample",
    folder="Review",
    variables=[label_variable("job", "up")],
    rows=[
        Row("Traffic", [
            timeseries(
                "Requests",
                Query('sum by (job) (rate(http_requests_total{job=~"$job"}[5m]))', legend="{{job}}"),
                unit="reqps",
                description="Requests per second.",
            ),
            timeseries("Latency P95", "histogram_quantile(0.95, sum by (le) (rate(latency_bucket[5m])))", unit="s", thresholds={5: "red"}),
            stat("Up", "sum(up)", unit="short"),
        ]),
        Row("Errors", [
            timeseries("Error Ratio", "sum(rate(errors_total[5m])) / sum(rate(http_requests_total[5m]))", unit="percentunit"),
        ]),
    ],
)
'''

RULES = '''\
"""Rules the diff tests change."""

from dashsmith import Alert, Record, RuleGroup

review = RuleGroup("review", [
    Record("job:requests:rate5m", "sum by (job) (rate(http_requests_total[5m]))"),
    Alert("SampleErrorsHigh", expr="sum(rate(errors_total[5m])) > 1", for_="10m", severity="warning", summary="Errors are high."),
    Alert("SampleDown", expr="up == 0", for_="5m", severity="critical", summary="A target is down."),
])
'''


class Repo:
    """The project copy as a git repository: one commit of the project with the samples;
    tests edit files and commit again, then diff against HEAD~1."""

    def __init__(self, root, cli):
        self.root = str(root)
        self.cli = cli

    def git(self, *args: str) -> str:
        return subprocess.run(["git", "-C", self.root, *args], check=True, capture_output=True,
                              text=True).stdout

    def write(self, path: str, text: str) -> None:
        full = os.path.join(self.root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as handle:
            handle.write(text)

    def read(self, path: str) -> str:
        with open(os.path.join(self.root, path)) as handle:
            return handle.read()

    def edit(self, path: str, old: str, new: str) -> None:
        edit(os.path.join(self.root, path), old, new)

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q",
                 "-m", message)

    def line(self, text: str, path: str = SAMPLE) -> int:
        """The line of `path` (as it is now) where `text` first appears."""
        for number, line in enumerate(self.read(path).splitlines(), start=1):
            if text in line:
                return number
        raise AssertionError(f"{text!r} not in {path}")

    def diff(self, *args: str, base: str = "HEAD~1"):
        return self.cli("diff", "--base", base, *args)


@pytest.fixture
def repo(project, cli):
    repo = Repo(project, cli)
    repo.write(SAMPLE, DASHBOARD)
    repo.write(SAMPLE_RULES, RULES)
    repo.write(".gitignore", "__pycache__/\nbuild/\n")
    repo.git("init", "-q", "-b", "main")
    repo.commit("monitoring")
    return repo


def lines(result) -> list[str]:
    return result.output.splitlines()


def changed(repo: Repo, message: str = "change"):
    """Commit the edits made so far and diff against the commit before."""
    repo.commit(message)
    return repo.diff()


# --- nothing changed ---------------------------------------------------------------------

def test_an_unchanged_build_says_no_changes_and_exits_0(repo):
    repo.write("README.md", "only documentation changed\n")
    repo.commit("docs")
    result = repo.diff()
    assert result.exit_code == 0
    assert result.output == ("No changes. The dashboards and alert rules in HEAD~1 and working "
                             "tree are the same.\n")
    as_json = json.loads(repo.diff("--format", "json").output)
    assert as_json["changed"] is False and as_json["dashboards"] == [] and as_json["rules"] == []
    markdown = repo.diff("--format", "markdown")
    assert markdown.exit_code == 0
    assert "No changes to dashboards or alert rules." in markdown.output


def test_a_reformatted_declaration_is_no_change(repo):
    repo.edit(SAMPLE, 'stat("Up", "sum(up)", unit="short")',
              'stat(\n                "Up",\n                "sum(up)",\n                unit="short",\n            )')
    result = changed(repo)
    assert result.exit_code == 0 and result.output.startswith("No changes.")


# --- panels ------------------------------------------------------------------------------

def test_panel_fields_and_queries(repo):
    repo.edit(SAMPLE, 'unit="reqps"', 'unit="reqpm"')
    repo.edit(SAMPLE, "Requests per second.", "Requests per second, by job.")
    repo.edit(SAMPLE, 'rate(http_requests_total{job=~"$job"}[5m])', 'rate(http_requests_total{job=~"$job"}[1m])')
    repo.edit(SAMPLE, 'legend="{{job}}"', 'legend="{{job}} {{instance}}"')
    repo.edit(SAMPLE, 'thresholds={5: "red"}', 'thresholds={3: "red"}')
    repo.edit(SAMPLE, 'stat("Up", "sum(up)", unit="short")', 'timeseries("Up", "sum(up)", unit="short")')
    result = changed(repo)
    assert result.exit_code == 1
    requests = repo.line('"Requests"') - 1
    assert lines(result) == [
        "dashsmith diff: HEAD~1 → working tree",
        f'~ dashboard review-sample "Review Sample"  {SAMPLE}:5',
        f'  ~ panel "Requests"  {SAMPLE}:{requests}',
        "    description: Requests per second. → Requests per second, by job.",
        "    unit: reqps → reqpm",
        f"    ~ query A  {SAMPLE}:{repo.line('Query(')}",
        '      expr: sum by (job) (rate(http_requests_total{job=~"$job"}[[-5m-]{+1m+}]))',
        "      legend: {{job}} → {{job}} {{instance}}",
        f'  ~ panel "Latency P95"  {SAMPLE}:{repo.line("Latency P95")}',
        "    thresholds: green, 5 red → green, 3 red",
        f'  ~ panel "Up"  {SAMPLE}:{repo.line("Up")}',
        "    type: stat → timeseries",
        "    legend: (none) → displayMode=list placement=bottom",
        f"    ~ query A  {SAMPLE}:{repo.line('Up')}",
        "      instant: true → false",
        "1 dashboard changed (3 panels changed)",
    ]


def test_panel_added_removed_renamed_resized_and_moved(repo):
    repo.edit(SAMPLE, '"Latency P95"', '"Latency P99"')  # renamed: same query
    repo.edit(SAMPLE, '            stat("Up", "sum(up)", unit="short"),\n', "")  # removed
    repo.edit(SAMPLE, 'unit="percentunit")', 'unit="percentunit", width=12),\n'
              '            timeseries("Saturation", "avg(saturation)", unit="percentunit")')  # added
    result = changed(repo)
    assert result.exit_code == 1
    requests = repo.line('"Requests"') - 1
    assert lines(result) == [
        "dashsmith diff: HEAD~1 → working tree",
        f'~ dashboard review-sample "Review Sample"  {SAMPLE}:5',
        f'  ~ panel "Requests"  {SAMPLE}:{requests}',
        "    size: w=8 h=8 → w=12 h=8",
        f'  ~ panel "Latency P99"  {SAMPLE}:{repo.line("Latency P99")}',
        "    title: Latency P95 → Latency P99",
        "    size: w=8 h=8 → w=12 h=8",
        f'  ~ panel "Error Ratio"  {SAMPLE}:{repo.line("Error Ratio")}',
        "    size: w=24 h=8 → w=12 h=8",
        f'  + panel "Saturation": timeseries, unit percentunit, row "Errors" x=12 y=10 w=12 h=8'
        f'  {SAMPLE}:{repo.line("Saturation")}',
        f'    + query A: avg(saturation)  {SAMPLE}:{repo.line("Saturation")}',
        f'  - panel "Up": stat, unit short, row "Traffic" x=16 y=1 w=8 h=8  {SAMPLE}:19',
        "1 dashboard changed (3 panels changed, 1 added, 1 removed)",
    ]


def test_a_panel_moved_to_another_row_or_place(repo):
    repo.edit(SAMPLE, '            stat("Up", "sum(up)", unit="short"),\n', "")
    repo.edit(SAMPLE, '        Row("Errors", [\n', '        Row("Errors", [\n'
              '            stat("Up", "sum(up)", unit="short"),\n')
    result = changed(repo)
    report = lines(result)
    up = report.index(f'  ~ panel "Up"  {SAMPLE}:{repo.line("Up")}')
    assert report[up + 1] == '    position: row "Traffic" x=16 y=1 → row "Errors" x=0 y=10'
    assert report[up + 2] == "    size: w=8 h=8 → w=12 h=8"
    # The panels that only shifted because of it are not reported as moved.
    assert not any("position" in line for line in report[:up] + report[up + 3:])


def test_swapping_two_panels_reports_one_move(repo):
    repo.edit(SAMPLE, '            stat("Up", "sum(up)", unit="short"),\n', "")
    repo.edit(SAMPLE, '            timeseries("Latency P95"',
              '            stat("Up", "sum(up)", unit="short"),\n            timeseries("Latency P95"')
    report = lines(changed(repo))
    assert [line for line in report if "position" in line] == [
        '    position: row "Traffic" x=16 y=1 → row "Traffic" x=8 y=1']
    assert report[2] == f'  ~ panel "Up"  {SAMPLE}:{repo.line("Up")}'


# --- dashboards and variables ------------------------------------------------------------

def test_dashboard_renamed_and_moved_to_another_folder(repo):
    repo.edit(SAMPLE, 'title="Review Sample"', 'title="Review Example"')
    repo.edit(SAMPLE, 'folder="Review"', 'folder="Platform/Review"')
    assert lines(changed(repo)) == [
        "dashsmith diff: HEAD~1 → working tree",
        f'~ dashboard review-sample "Review Example"  {SAMPLE}:5',
        "  title: Review Sample → Review Example",
        "  folder: Review → Platform/Review",
        "1 dashboard changed",
    ]


def test_dashboard_added_and_removed(repo):
    os.remove(os.path.join(repo.root, SAMPLE))
    repo.write("dashboards/review_other.py", textwrap.dedent('''\
        from dashsmith import Dashboard, stat

        other = Dashboard(uid="review-other", title="Other", folder="Review", rows=[
            stat("Count", "count(up)"),
        ])
        '''))
    result = changed(repo)
    assert result.exit_code == 1
    other = "dashboards/review_other.py"
    assert lines(result) == [
        "dashsmith diff: HEAD~1 → working tree",
        f'+ dashboard review-other "Other": 1 panels in folder "Review"  {other}:3',
        f"  + variable datasource: datasource prometheus  {other}:3",
        f'  + panel "Count": stat, x=0 y=0 w=24 h=8  {other}:4',
        f"    + query A: count(up)  {other}:4",
        f'- dashboard review-sample "Review Sample": 4 panels in folder "Review"  {SAMPLE}:5',
        "1 dashboard added, 1 removed (1 panel added)",
    ]


def test_a_dashboard_whose_uid_changed_is_matched_by_title(repo):
    repo.edit(SAMPLE, 'uid="review-sample"', 'uid="review-sample-2"')
    assert lines(changed(repo))[1:3] == [
        f'~ dashboard review-sample-2 "Review Sample"  {SAMPLE}:5',
        "  uid: review-sample → review-sample-2",
    ]


def test_variables_added_changed_and_removed(repo):
    repo.edit(SAMPLE, 'variables=[label_variable("job", "up")]',
              'variables=[label_variable("job", "http_requests_total"), '
              'custom_variable("env", ["prod", "staging"])]')
    repo.edit(SAMPLE, "label_variable, stat", "custom_variable, label_variable, stat")
    result = changed(repo)
    variables = repo.line("variables=")
    assert lines(result) == [
        "dashsmith diff: HEAD~1 → working tree",
        f'~ dashboard review-sample "Review Sample"  {SAMPLE}:5',
        f"  ~ variable job  {SAMPLE}:{variables}",
        "    query: label_values([-up-]{+http_requests_total+}, job)",
        f"  + variable env: custom prod,staging  {SAMPLE}:{variables}",
        "1 dashboard changed",
    ]
    repo.edit(SAMPLE, ', custom_variable("env", ["prod", "staging"])', "")
    removed = lines(changed(repo))
    assert removed[2] == f"  - variable env: custom prod,staging  {SAMPLE}:{variables}"


# --- rules -------------------------------------------------------------------------------

def test_rules_added_removed_and_changed(repo):
    repo.edit(SAMPLE_RULES, 'for_="10m"', 'for_="15m"')
    repo.edit(SAMPLE_RULES, '> 1", ', '> 2", ')
    repo.edit(SAMPLE_RULES, 'severity="warning", summary="Errors are high."',
              'severity="critical", summary="Errors are very high.", labels={"team": "web"}')
    repo.edit(SAMPLE_RULES, '    Alert("SampleDown", expr="up == 0", for_="5m", severity="critical", '
              'summary="A target is down."),\n', "")
    repo.edit(SAMPLE_RULES, "\n])", '\n    Alert("SampleSlow", expr="job:latency:p95 > 5", for_="5m"),\n])')
    result = changed(repo)
    assert result.exit_code == 1, result.output
    rules, runbook = SAMPLE_RULES, "https://github.com/trading-platform/monitoring/blob/main/docs/runbook.md"
    assert lines(result) == [
        "dashsmith diff: HEAD~1 → working tree",
        f"~ alert SampleErrorsHigh  {rules}:{repo.line('SampleErrorsHigh', rules)}",
        "  expr: sum(rate(errors_total[5m])) > [-1-]{+2+}",
        "  for: 10m → 15m",
        "  annotations.summary: Errors are high. → Errors are very high.",
        "  labels.severity: warning → critical",
        "  labels.team: (none) → web",
        f"+ alert SampleSlow: group review (rules/review_sample.yml)  {rules}:{repo.line('SampleSlow', rules)}",
        "  expr: job:latency:p95 > 5",
        "  for: 5m",
        f"  annotations.runbook_url: {runbook}#sampleslow",
        "- alert SampleDown: group review (rules/review_sample.yml)  alerts/review_sample.py:8",
        "1 rule changed, 1 added, 1 removed",
    ]


def test_a_renamed_recording_rule_is_one_change(repo):
    repo.edit(SAMPLE_RULES, '"job:requests:rate5m"', '"job:http_requests:rate5m"')
    assert lines(changed(repo))[1:3] == [
        f"~ record job:http_requests:rate5m  {SAMPLE_RULES}:6",
        "  name: job:requests:rate5m → job:http_requests:rate5m",
    ]


# --- formats -----------------------------------------------------------------------------

def test_json_report(repo):
    repo.edit(SAMPLE, 'thresholds={5: "red"}', 'thresholds={3: "red"}')
    repo.edit(SAMPLE_RULES, 'for_="10m"', 'for_="15m"')
    repo.commit("change")
    result = repo.diff("--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["base"] == "HEAD~1" and report["head"] == "working tree"
    assert report["counts"] == {"dashboards": {"changed": 1}, "panels": {"changed": 1},
                                "rules": {"changed": 1}}
    [dashboard] = report["dashboards"]
    assert dashboard["name"] == "review-sample"
    assert dashboard["children"] == [{
        "kind": "panel", "name": "Latency P95", "status": "changed",
        "source": f"{SAMPLE}:{repo.line('Latency P95')}",
        "fields": [{"field": "thresholds", "old": "green, 5 red", "new": "green, 3 red"}]}]
    assert report["rules"] == [{
        "kind": "alert", "name": "SampleErrorsHigh", "status": "changed",
        "source": f"{SAMPLE_RULES}:7", "fields": [{"field": "for", "old": "10m", "new": "15m"}]}]


def test_markdown_report_for_a_pull_request(repo, tmp_path):
    repo.edit(SAMPLE, 'thresholds={5: "red"}', 'thresholds={3: "red"}')
    repo.edit(SAMPLE, "histogram_quantile(0.95", "histogram_quantile(0.99")
    repo.commit("change")
    previews = tmp_path / "previews"
    result = repo.diff("--format", "markdown", "--previews", str(previews))
    assert result.exit_code == 1
    text = result.output
    assert text.startswith("<!-- dashsmith-diff -->\n### Monitoring changes: `HEAD~1` → `working tree`")
    assert "**1 dashboard changed (1 panel changed)**" in text
    assert "#### ~ Dashboard **Review Sample** (`review-sample`) changed" in text
    assert "preview: before `base/review-sample.png` · after `head/review-sample.png`" in text
    assert f"- ~ panel **Latency P95** · `{SAMPLE}:{repo.line('Latency P95')}`" in text
    assert "  - thresholds: `green, 5 red` → `green, 3 red`" in text
    # The query's change is named in one line and shown whole, collapsed.
    assert "    - expr changed: `0.95` → `0.99`" in text
    assert ("<details><summary>dashboard review-sample / panel Latency P95 / query A / expr</summary>\n\n"
            "```diff\n"
            "-histogram_quantile(0.95, sum by (le) (rate(latency_bucket[5m])))\n"
            "+histogram_quantile(0.99, sum by (le) (rate(latency_bucket[5m])))\n"
            "```\n\n</details>") in text
    for side in ("base", "head"):
        with open(previews / side / "review-sample.png", "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    assert sorted(os.listdir(previews / "head")) == ["review-sample.png", "review-sample.svg"]


def test_markdown_links_published_previews_and_collapses_long_lists(repo, tmp_path):
    os.remove(os.path.join(repo.root, SAMPLE))
    repo.commit("remove the sample")
    result = repo.cli("diff", "--base", "HEAD~1", "--format", "markdown", "--previews",
                      str(tmp_path / "p"), "--preview-url", "https://previews.example.com/pr-7")
    assert "preview: [before](https://previews.example.com/pr-7/base/review-sample.png)" in result.output
    # Added back: the new dashboard's 2 rows, 4 panels and 2 variables are collapsed.
    repo.write(SAMPLE, DASHBOARD)
    repo.commit("restore")
    text = repo.diff("--format", "markdown").output
    assert "<details><summary>2 variables, 2 rows, 4 panels</summary>" in text


MANY = """\
from dashsmith import Dashboard, Row, timeseries

dashboards = [
    Dashboard(uid=f"many-{n}", title=f"Many {n}", folder="Many", rows=[
        Row("Traffic", [
            timeseries(f"Panel {p}", f"sum by (job, instance, route, status) (rate("
                       f"http_requests_total{{{{job='api-{n}', route=~'/v1/.*', panel='{p}'}}}}[5m]))")
            for p in range(12)
        ]),
    ])
    for n in range(60)
]
"""


def test_the_pictures_of_changed_dashboards_are_on_one_page_the_comment_links_to(repo, tmp_path):
    repo.edit(SAMPLE, 'unit="reqps"', 'unit="reqpm"')
    page = "https://github.com/o/r/actions/runs/1/artifacts/2"
    result = repo.cli("diff", "--base", "HEAD", "--format", "markdown", "--previews",
                      str(tmp_path / "p"), "--preview-page", page)
    assert result.exit_code == 1
    assert f"[pictures before and after]({page}#review-sample)" in result.output
    html = (tmp_path / "p" / "index.html").read_text()
    section = html.split('<section id="review-sample">')[1].split("</section>")[0]
    assert section.count('src="data:image/png;base64,') == 2  # before and after, in the page
    assert "<figcaption>before</figcaption>" in section and "after</figcaption>" in section
    # The link alone, without drawing again (as CI does once the page is uploaded).
    linked = repo.cli("diff", "--base", "HEAD", "--format", "markdown", "--preview-page", page)
    assert f"[pictures before and after]({page}#review-sample)" in linked.output


def test_a_long_markdown_report_is_shortened_to_fit_a_github_comment(repo):
    repo.write("dashboards/many.py", MANY)
    repo.commit("many dashboards")
    repo.edit("dashboards/many.py", "[5m]", "[$__rate_interval]")
    result = repo.diff("--format", "markdown", base="HEAD")
    assert result.exit_code == 1
    text = result.output
    assert len(text) <= 65_000  # the whole report is about 350,000 characters
    assert ("> Shortened to fit a GitHub comment: left out are the whole values of long fields "
            "(queries, descriptions) and the changes inside the last ") in text
    assert "The whole report is in the CI job's summary, and `dashsmith diff` on the branch" in text
    # Every dashboard is still named: the first with their changes (folded), the last in a line.
    for n in range(60):
        assert f"#### ~ Dashboard **Many {n}** (`many-{n}`) changed" in text
    assert "<details><summary>12 panels</summary>" in text
    assert "_12 panels with changes, left out to fit the comment_" in text
    whole = repo.diff("--format", "markdown", "--max-chars", "1000000", base="HEAD").output
    assert len(whole) > 65_000 and "Shortened" not in whole


def test_a_markdown_report_cut_to_max_chars_says_how_many_sections_are_left_out(repo):
    repo.write("dashboards/many.py", MANY)
    repo.commit("many dashboards")
    repo.edit("dashboards/many.py", "[5m]", "[$__rate_interval]")
    text = repo.diff("--format", "markdown", "--max-chars", "3000", base="HEAD").output
    assert len(text) <= 3000
    assert "**60 dashboards changed (720 panels changed)**" in text
    cut = int(text.split(" sections altogether")[0].rsplit("the last ", 1)[1])
    shown = text.count("#### ~ Dashboard")
    assert shown + cut == 60 and shown > 0


def test_colour_only_on_a_terminal(repo):
    import pty
    repo.edit(SAMPLE, 'unit="reqps"', 'unit="reqpm"')
    repo.commit("change")
    command = [sys.executable, "-m", "dashsmith", "--project", repo.root, "diff", "--base", "HEAD~1"]
    piped = subprocess.run(command, capture_output=True, text=True)
    assert piped.returncode == 1 and "\x1b[" not in piped.stdout
    controller, terminal = pty.openpty()
    process = subprocess.Popen(command, stdout=terminal, stderr=subprocess.DEVNULL)
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    assert process.wait() == 1
    assert b"\x1b[33m~\x1b[0m dashboard review-sample" in output


# --- what it cannot do -------------------------------------------------------------------

def test_a_base_before_the_project_existed_shows_everything_added(repo):
    result = repo.cli("diff", "--base", _empty_commit(repo), "--format", "json")
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert {d["status"] for d in report["dashboards"]} == {"added"}
    assert "review-sample" in {d["name"] for d in report["dashboards"]}
    assert {r["status"] for r in report["rules"]} == {"added"}


def _empty_commit(repo: Repo) -> str:
    """A commit on a branch of its own with no project in it."""
    repo.git("checkout", "-q", "--orphan", "empty")
    repo.git("rm", "-rq", "--cached", ".")
    repo.git("-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q",
             "--allow-empty", "-m", "empty")
    commit = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "-f", "main")
    return commit


def test_unknown_ref_exits_2(repo):
    result = repo.diff(base="no-such-branch")
    assert result.exit_code == 2
    assert "unknown git ref 'no-such-branch'" in result.output


def test_a_base_that_cannot_be_built_exits_2_naming_the_file(repo):
    repo.edit(SAMPLE, 'uid="review-sample",', 'uid="review-sample",,')
    repo.commit("broken")
    repo.edit(SAMPLE, 'uid="review-sample",,', 'uid="review-sample",')
    result = repo.diff(base="HEAD")
    assert result.exit_code == 2
    assert "the declarations at HEAD cannot be built" in result.output
    assert f"{SAMPLE}:6:25: cannot import: invalid syntax" in result.output


def test_a_working_tree_that_cannot_be_built_exits_2(repo):
    repo.edit(SAMPLE, 'uid="review-sample",', 'uid="review sample",')
    result = repo.diff(base="HEAD")
    assert result.exit_code == 2
    assert f"{SAMPLE}:5:1: error dashboard/uid" in result.output


def test_outside_a_git_repository_exits_2(cli):
    result = cli("diff", "--base", "HEAD")
    assert result.exit_code == 2
    assert "is not inside a git repository" in result.output


def test_base_and_live_together_are_a_usage_error(cli):
    result = cli("diff", "--base", "HEAD", "--live")
    assert result.exit_code == 2
    assert "give either --base REF or --live, not both" in result.output


# --- without --base ----------------------------------------------------------------------

def test_without_base_a_branch_is_compared_with_its_merge_base_with_main(repo):
    fork = repo.git("rev-parse", "HEAD").strip()
    repo.git("checkout", "-q", "-b", "feature")
    repo.edit(SAMPLE, 'unit="reqps"', 'unit="reqpm"')
    repo.commit("on the branch")
    repo.edit(SAMPLE, 'stat("Up", "sum(up)", unit="short")', 'stat("Up", "sum(up)", unit="none")')
    result = repo.cli("diff")
    assert result.exit_code == 1
    assert result.stderr == (f"comparing with the merge base of main and HEAD ({fork[:12]}): "
                             "give --base REF to compare with another commit\n")
    # The branch's commits and the uncommitted edit, as a pull request would show them.
    assert "    unit: reqps → reqpm" in result.stdout.splitlines()
    assert "    unit: short → none" in result.stdout.splitlines()
    assert result.stdout.startswith(f"dashsmith diff: main (merge base {fork[:12]}) → working tree")


def test_without_base_on_the_default_branch_the_uncommitted_edits_are_compared(repo):
    head = repo.git("rev-parse", "HEAD").strip()
    repo.edit(SAMPLE, 'unit="reqps"', 'unit="reqpm"')
    result = repo.cli("diff")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"comparing with HEAD ({head[:12]}), which is where main is")
    assert result.stdout.startswith("dashsmith diff: HEAD → working tree")


def test_without_base_or_default_branch_head_is_the_base(repo):
    repo.git("branch", "-m", "main", "trunk")
    result = repo.cli("diff")
    assert result.exit_code == 0
    assert "no origin/HEAD, main, master to take a merge base with" in result.stderr
    assert result.stdout == ("No changes. The dashboards and alert rules in HEAD and working "
                             "tree are the same.\n")


def test_the_temporary_worktree_is_removed(repo):
    repo.edit(SAMPLE, 'unit="reqps"', 'unit="reqpm"')
    repo.commit("change")
    assert repo.diff().exit_code == 1
    assert repo.git("worktree", "list").count("\n") == 1
    assert repo.git("status", "--porcelain") == ""


def test_a_project_in_a_subdirectory_of_the_repository(project, cli, tmp_path):
    repo = Repo(tmp_path, cli)  # the git repository holds the project in project/
    repo.write("project/" + SAMPLE, DASHBOARD)
    repo.git("init", "-q", "-b", "main")
    repo.commit("monitoring")
    repo.edit("project/" + SAMPLE, 'unit="reqps"', 'unit="reqpm"')
    result = cli("diff", "--base", "HEAD")
    assert result.exit_code == 1
    assert "    unit: reqps → reqpm" in lines(result)
