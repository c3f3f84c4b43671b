"""Prometheus rule files: which ones deploy writes, where, and making Prometheus load them.

The rule files go into `rules_dir` ([dashsmith.deploy] prometheus_rules_dir; unset: the build
tree's provisioning/prometheus/rules/, which docker-compose's Prometheus reads). That directory
may hold other files (another team's rules): each file dashsmith writes starts with MARK_LINE,
naming the project and the hash of what follows, and only such files of this project are
replaced or removed. A file is replaced atomically (written beside it, then renamed over it),
so Prometheus never reads half of one. A directory the older dashsmith replaced as a whole (its
output.MARKER file) is dashsmith's: its unmarked files are too.

Then, with PROMETHEUS_URL, deploy POSTs /-/reload (Prometheus must run with
--web.enable-lifecycle; the reload answers only once it is done, 500 with the error if a file
is bad — and then Prometheus keeps evaluating the rules it had:
https://prometheus.io/docs/prometheus/latest/configuration/recording_rules/#configuring-rules
"If the new rules are not well-formatted, the changes will not be applied") and checks
/api/v1/rules: every group, every rule, its expression as deployed, and no rule unhealthy.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import yaml

from dashsmith.commands.deploy.alerting import recording_rules_only
from dashsmith.compiler import output, serialize
from dashsmith.compiler.build import Build
from dashsmith.grafana.content import content_hash
from dashsmith.prometheus.api import Prometheus, PrometheusError, QueryError, Unreachable

BUILD_RULE_DIRS = ("rules/", "provisioning/prometheus/rules/")
BUILD_RULES_DIR = "provisioning/prometheus/rules"  # in the build tree: the default rules_dir
RELOAD_RETRIES = 4  # a Prometheus that is restarting answers again within seconds
SUFFIX = ".yml"
MARK_LINE = ("# Written by dashsmith deploy (project {project}, sha256:{digest}); "
             "edits are replaced.\n")
_MARK = re.compile(r"^# Written by dashsmith deploy \(project ([^,]+), sha256:([0-9a-f]{64})\)")


def rule_files(build: Build, grafana_alerts: bool) -> dict[str, dict]:
    """{name: rule-file data} Prometheus should evaluate: all rules, or (when Grafana
    evaluates the alerts) only the recording rules."""
    return recording_rules_only(build.rule_files) if grafana_alerts else dict(build.rule_files)


def build_tree(build: Build, files_for_rules: dict[str, dict]) -> dict[str, bytes]:
    """The build's files with its Prometheus rule files replaced by `files_for_rules`."""
    files = {path: data for path, data in build.files.items()
             if not path.startswith(BUILD_RULE_DIRS)}
    for name, data in files_for_rules.items():
        text = serialize.to_yaml(data)
        for directory in BUILD_RULE_DIRS:
            files[f"{directory}{name}{SUFFIX}"] = text
    return files


def group_hash(group: dict) -> str:
    return content_hash(group)


# --- the rules directory ---------------------------------------------------------------------

@dataclass(frozen=True)
class RuleFile:
    """A *.yml file found in the rules directory."""

    name: str  # without .yml
    owner: str | None  # the project that wrote it; "" dashsmith's from before the mark; None: not
    recorded: str | None  # the hash its mark records
    content: str  # the hash of what follows the mark
    groups: dict[str, dict]  # name → group, as the file holds them

    @property
    def edited(self) -> bool:
        """Changed by someone since dashsmith wrote it."""
        return self.recorded is not None and self.recorded != self.content


def marked(project: str, data: dict) -> bytes:
    body = serialize.to_yaml(data)
    return MARK_LINE.format(project=project, digest=_digest(body)).encode() + body


def read_rules_dir(directory: str, *, all_dashsmiths: bool = False) -> dict[str, RuleFile]:
    """Every rule file in `directory` (none if it does not exist), by name. `all_dashsmiths`:
    the directory is in the build tree, whose every file dashsmith wrote (output.MARKER at
    its top says so; deploy checks it before anything is written)."""
    if not os.path.isdir(directory):
        return {}
    legacy = all_dashsmiths or os.path.exists(os.path.join(directory, output.MARKER))
    found = {}
    for entry in sorted(os.listdir(directory)):
        path = os.path.join(directory, entry)
        if entry.endswith(SUFFIX) and os.path.isfile(path):
            with open(path, "rb") as handle:
                found[entry[:-len(SUFFIX)]] = _rule_file(entry[:-len(SUFFIX)], handle.read(),
                                                         legacy)
    return found


def _rule_file(name: str, text: bytes, legacy: bool) -> RuleFile:
    first, _, rest = text.partition(b"\n")
    mark = _MARK.match(first.decode("utf-8", "replace"))
    body = rest if mark else text
    try:
        data = yaml.safe_load(body) or {}
        groups = {g["name"]: g for g in data.get("groups") or [] if isinstance(g, dict)}
    except (yaml.YAMLError, AttributeError, KeyError, TypeError):
        groups = {}
    if mark:
        return RuleFile(name, mark.group(1), mark.group(2), _digest(body), groups)
    return RuleFile(name, "" if legacy else None, None, _digest(body), groups)


def write_rule_files(directory: str, files: dict[str, bytes], remove: Iterable[str]) -> None:
    """Write each of `files` (name → text) into `directory`, each atomically; remove the files
    named in `remove`. output.OutputError naming the directory if it cannot."""
    try:
        os.makedirs(directory, exist_ok=True)
        for name, text in files.items():
            handle, partial = tempfile.mkstemp(prefix=f".{name}.", suffix=".partial",
                                               dir=directory)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(text)
                os.chmod(partial, 0o644)
                os.replace(partial, os.path.join(directory, name + SUFFIX))
            finally:
                if os.path.exists(partial):
                    os.unlink(partial)
        for name in remove:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(os.path.join(directory, name + SUFFIX))
    except OSError as error:
        raise output.OutputError(f"cannot write the rule files into {directory}: "
                                 f"{error.strerror}") from None


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


# --- reload and confirm ----------------------------------------------------------------------

class ReloadFailed(PrometheusError):
    """Prometheus answered /-/reload with an error: it keeps the rules it had."""


def reload(url: str, timeout: float = 10.0) -> None:
    """POST /-/reload; PrometheusError (ReloadFailed if Prometheus refused the new files)."""
    prometheus = Prometheus(url, timeout=timeout, retries=RELOAD_RETRIES)
    try:
        prometheus.reload()
    except Unreachable as error:
        raise PrometheusError(f"cannot reach Prometheus at {error}") from None
    except PrometheusError as error:
        if error.status == 403:
            raise
        raise ReloadFailed(f"{error}; Prometheus keeps evaluating the rules it had before "
                           "this deploy", error.status) from None


def not_loaded(url: str, files_for_rules: dict[str, dict], timeout: float = 10.0) -> list[str]:
    """What of `files_for_rules` Prometheus at `url` has not loaded as deployed: one line per
    group or rule (empty: every group and rule is there, with its expression, and healthy)."""
    prometheus = Prometheus(url, timeout=timeout, retries=RELOAD_RETRIES)
    try:
        loaded = {(os.path.basename(g.get("file", "")), g.get("name")): g
                  for g in prometheus.rule_groups()}
    except Unreachable as error:
        raise PrometheusError(f"cannot reach Prometheus at {error}") from None
    except PrometheusError as error:
        raise PrometheusError(f"Prometheus at {prometheus.url}: /api/v1/rules answered "
                              f"{error.status}: {error}") from None
    problems = []
    for name, data in sorted(files_for_rules.items()):
        for group in data["groups"]:
            where = f"{name}{SUFFIX}/{group['name']}"
            found = loaded.get((f"{name}{SUFFIX}", group["name"]))
            if found is None:
                problems.append(f"{where}: not loaded")
                continue
            problems += [f"{where}: {p}" for p in rule_problems(
                group, found, lambda deployed, shown: _same_expression(prometheus, deployed,
                                                                        shown))]
    return problems


def rule_problems(group: dict, loaded: dict, same_expression: Callable[[str, str], bool],
                  expression: Callable[[dict], str] = lambda rule: str(rule["expr"])
                  ) -> list[str]:
    """Each rule of `group` as deployed against the rules of the group as loaded, in order
    (the engine keeps the file's order), as /api/v1/rules shows them (Prometheus's, and a
    ruler's, which serves the same format): each there under its name, its expression the
    one deployed (`same_expression(deployed, shown)`: each engine prints it its own way;
    `expression`: the deployed rule's), healthy, and none loaded that was not deployed."""
    rules = loaded.get("rules") or []
    deployed = group.get("rules") or []
    problems = []
    for index, rule in enumerate(deployed):
        name = rule.get("alert") or rule.get("record")
        have = rules[index] if index < len(rules) else None
        if have is None or have.get("name") != name:
            problems.append(f"rule {name}: not loaded")
            continue
        if not same_expression(expression(rule), str(have.get("query", ""))):
            problems.append(f"rule {name}: loaded with expression {have.get('query')!r}, not "
                            "the one deployed")
        if have.get("health") == "err":
            problems.append(f"rule {name}: unhealthy: {have.get('lastError') or 'error'}")
    if len(rules) > len(deployed):
        problems.append(f"{len(rules) - len(deployed)} rule(s) loaded that were not deployed")
    return problems


def _same_expression(prometheus: Prometheus, deployed: str, loaded: str) -> bool:
    """/api/v1/rules shows an expression as Prometheus prints it once parsed: the deployed one
    is compared in that form, through Prometheus's own /api/v1/format_query (which may break it
    over lines: whitespace is not compared)."""
    if _bare(deployed) == _bare(loaded):
        return True
    try:
        return _bare(prometheus.format_query(deployed)) == _bare(loaded)
    except QueryError:
        return False


def _bare(expression: str) -> str:
    return "".join(expression.split())
