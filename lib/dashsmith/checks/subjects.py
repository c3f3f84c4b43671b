"""What the rules check, in one shape whether it was declared in Python or read from a file:

- `DashboardDoc`: Grafana dashboard JSON, with where each panel, target and variable came from;
- `RuleFileDoc`: a Prometheus rule file, its groups and each entry of their `rules`;
- `RuleDoc`: one alerting or recording rule in Prometheus's rule format, with its source;
- `QuerySite`: one PromQL expression (panel target, variable query or rule expression) and
  the place it sits, so rules about PromQL need not care where it came from.

The declared estate is rendered with the core's renderers (the same JSON and rule data that
build writes; `declared_rule_files`); files are read by lint, which keeps the line of each
object.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from dashsmith import promql
from dashsmith.checks import literals, pysource
from dashsmith.model.rules import Alert, Record, RuleGroup
from dashsmith.model.source import Source

if TYPE_CHECKING:
    from dashsmith.compiler.estate import Estate, RuleFile

# Panels that show no data of their own.
DECORATIVE_PANEL_TYPES = frozenset({"row", "text", "news", "dashlist", "alertlist", "annolist",
                                    "welcome", "gettingstarted"})
# Panel types that show one value over the dashboard's time range.
INSTANT_PANEL_TYPES = frozenset({"stat", "gauge", "bargauge", "piechart", "table",
                                 "singlestat", "table-old"})


@dataclass(eq=False)
class DashboardDoc:
    json: dict
    source: Source  # the dashboard as a whole
    external: bool  # read from a file, not declared
    panel_source: Callable[[dict], Source]
    target_source: Callable[[dict, dict], Source]
    variable_source: Callable[[dict], Source]
    # Where a target's expression text starts in the file (after its quote), when known.
    expr_start: Callable[[dict], Source | None] = lambda target: None
    _other_datasources: set[str] | None = field(default=None, repr=False)
    _datasource_types: dict[str, str] | None = field(default=None, repr=False)

    @property
    def uid(self):
        return self.json.get("uid")

    @property
    def title(self):
        return self.json.get("title")

    def panels(self) -> list[dict]:
        """Every panel, rows included, also those inside collapsed rows and old-style rows."""
        found = []
        for panel in _dicts(self.json.get("panels")):
            found.append(panel)
            found.extend(_dicts(panel.get("panels")))
        for row in _dicts(self.json.get("rows")):
            found.extend(_dicts(row.get("panels")))
        return found

    def sections(self) -> list[list[dict]]:
        """The panels row by row: those before the first row, then each row's (a row panel
        and the panels after it, or inside it when collapsed; an old-style row's own)."""
        found: list[list[dict]] = [[]]
        for panel in _dicts(self.json.get("panels")):
            if panel.get("type") == "row":
                found.append([])
            found[-1].append(panel)
            found[-1].extend(_dicts(panel.get("panels")))
        for row in _dicts(self.json.get("rows")):
            found.append(_dicts(row.get("panels")))
        return found

    def data_panels(self) -> list[dict]:
        """The panels that show data: not rows, text and the like, nor library panels (whose
        content lives in Grafana's library)."""
        return self.shown(self.panels())

    @staticmethod
    def shown(panels: list[dict]) -> list[dict]:
        """Of `panels`, those that show data (see data_panels)."""
        return [p for p in panels if p.get("type") not in DECORATIVE_PANEL_TYPES
                and "libraryPanel" not in p]

    def variables(self) -> list[dict]:
        templating = self.json.get("templating")
        return _dicts(templating.get("list")) if isinstance(templating, dict) else []

    def datasource_variables(self) -> set[str]:
        return {v["name"] for v in self.variables()
                if v.get("type") == "datasource" and isinstance(v.get("name"), str)}

    def other_datasource_variables(self) -> set[str]:
        """Data source variables of a plugin other than Prometheus (e.g. $loki_datasource):
        the queries on them are not PromQL. Read once per dashboard: every query asks."""
        if self._other_datasources is None:
            self._other_datasources = {
                v["name"] for v in self.variables()
                if v.get("type") == "datasource" and isinstance(v.get("name"), str)
                and isinstance(v.get("query"), str) and v["query"]
                and v["query"].lower() != "prometheus"}
        return self._other_datasources

    def reads_promql(self, datasource) -> bool:
        """is_promql_datasource, knowing this dashboard's data source variables and the types
        it gives its data sources: a reference written without a type (`{"uid": "X"}`, as
        Grafana 8 and hand edits write it) is of the type the dashboard gives uid X elsewhere,
        since Grafana resolves a reference by its uid alone."""
        if not is_promql_datasource(datasource):
            return False
        reference = datasource.get("uid") if isinstance(datasource, dict) else datasource
        if isinstance(datasource, dict) and not datasource.get("type") \
                and isinstance(reference, str) and reference:
            if self._datasource_types is None:
                self._datasource_types = datasource_types(self.json)
            known = self._datasource_types.get(reference)
            if known is not None and not is_promql_datasource({"type": known, "uid": reference}):
                return False
        name = _variable_name(reference) if isinstance(reference, str) else None
        return name is None or name not in self.other_datasource_variables()


@dataclass(eq=False)
class RuleDoc:
    """One rule as Prometheus reads it: {'alert'|'record', 'expr', 'for', 'labels', ...}."""

    data: dict
    group: str
    file: str  # rule file name (module) or path
    source: Source
    expr_source: Source  # where the expression text starts (a YAML value's line)
    external: bool
    expr_follows_lines: bool = False  # a YAML block scalar: expression lines are file lines
    _site: QuerySite | None = field(default=None, repr=False)  # rule_site's, made once

    @property
    def is_alert(self) -> bool:
        return "alert" in self.data

    @property
    def name(self) -> str:
        return str(self.data.get("alert") or self.data.get("record") or "")

    @property
    def expr(self) -> str:
        value = self.data.get("expr")
        return value if isinstance(value, str) else ("" if value is None else str(value))

    def labels(self) -> dict:
        labels = self.data.get("labels")
        return labels if isinstance(labels, dict) else {}

    def annotations(self) -> dict:
        annotations = self.data.get("annotations")
        return annotations if isinstance(annotations, dict) else {}

    def annotation(self, key: str) -> str:
        """The annotation's text, stripped; empty when it is missing."""
        return str(self.annotations().get(key) or "").strip()


def rule_kind(entry) -> str | None:
    """'alert' or 'record' for an entry of a group's `rules` that is one of the two, with a
    name; None for anything else (rule/kind says what is wrong with it)."""
    if not isinstance(entry, dict) or ("alert" in entry) == ("record" in entry):
        return None
    kind = "alert" if "alert" in entry else "record"
    return kind if str(entry[kind] or "") else None


def is_rule(entry) -> bool:
    """An entry Prometheus reads as a rule: an alert or a record with an expression (the other
    rules look only at these; rule/kind and rule/expr report the rest)."""
    return rule_kind(entry) is not None and bool(str(entry.get("expr") or "").strip())


@dataclass(eq=False)
class GroupDoc:
    """One group of a rule file: the group as written and each entry of its `rules` with its
    place (a declared dict entry has none of its own: its group's)."""

    data: object  # a mapping when the file is well formed
    source: Source
    entries: list[tuple[object, Source]]

    @property
    def name(self):
        return self.data.get("name") if isinstance(self.data, dict) else None


@dataclass(eq=False)
class RuleFileDoc:
    """A Prometheus rule file: one module under alerts/ as build compiles it, or a file read
    from a path."""

    name: str  # the module's rule file name, or the file's path
    data: object  # the file as read; for a module, the compiled rule file of its rules
    source: Source
    external: bool  # read from a file, not declared
    groups: list[GroupDoc]  # empty when `groups` is not a list
    rules: list[RuleDoc]  # the entries that are rules (is_rule), in order
    manifest: bool = False  # the spec of a Kubernetes PrometheusRule (`data` is the spec)
    # What promtool reads in place of the file: a manifest's spec as a rule file whose lines
    # are the manifest's (None: the file itself, or the data when there is no file)
    promtool_text: str | None = None

    @property
    def is_rule_file(self) -> bool:
        return is_rule_file(self.data)


def is_rule_file(data) -> bool:
    """Data that is meant as a Prometheus rule file: a mapping with 'groups'."""
    return isinstance(data, dict) and "groups" in data


def is_empty_rule_file(data) -> bool:
    """A rule file with nothing in it, which Prometheus loads as no rules: an empty file,
    `null`, `{}`, `groups:` with no value."""
    return data is None or data == {} or (isinstance(data, dict) and list(data) == ["groups"]
                                          and data["groups"] is None)


def declared_rule_files(estate: Estate) -> list[RuleFileDoc]:
    """Each module's rule file as build compiles it: the rules compiled as build writes them,
    entries that are no rule as declared (for rule/kind and rule/expr to say why)."""
    return [_declared_rule_file(rule_file, estate)
            for rule_file in sorted(estate.rule_files, key=lambda rf: rf.name)]


def _declared_rule_file(rule_file: RuleFile, estate: Estate) -> RuleFileDoc:
    # Imported here: the renderer (and what it imports) is for declarations, not files read.
    from dashsmith.compiler.estate import RuleFile
    from dashsmith.compiler.render import render_rule_file

    buildable = [RuleGroup(g.name, [r for r in g.rules if _buildable(r)], g.interval, g.source)
                 for g in rule_file.groups]
    data = render_rule_file(RuleFile(rule_file.name, buildable, rule_file.source),
                            estate.settings)
    groups, rules = [], []
    for group, group_data in zip(rule_file.groups, data["groups"], strict=True):
        compiled = iter(group_data["rules"])
        entries = []
        for rule in group.rules:
            if _buildable(rule):
                entry, source = next(compiled), rule.source
                rules.append(RuleDoc(entry, group.name, rule_file.name, source, source,
                                     external=False))
            elif isinstance(rule, (Alert, Record)):  # no name or no expression
                key, name = ("alert", rule.name) if isinstance(rule, Alert) else \
                    ("record", rule.record)
                entry, source = {key: name, "expr": rule.expr}, rule.source
            else:  # a dict that is neither alert nor record, or not a rule at all
                entry, source = rule, group.source
            entries.append((entry, source))
        header = {key: value for key, value in group_data.items() if key != "rules"}
        groups.append(GroupDoc(header, group.source, entries))
    return RuleFileDoc(rule_file.name, data, rule_file.source, False, groups, rules)


def _buildable(rule) -> bool:
    """A declared rule build can compile: an Alert or Record with a name and an expression."""
    name = rule.name if isinstance(rule, Alert) else getattr(rule, "record", None)
    return isinstance(rule, (Alert, Record)) and isinstance(name, str) and bool(name) \
        and bool(str(rule.expr or "").strip())


@dataclass(eq=False)
class QuerySite:
    """A PromQL expression and where it stands."""

    text: str
    source: Source
    kind: str  # "panel", "variable" or "rule"
    dashboard: DashboardDoc | None = None
    panel: dict | None = None
    target: dict | None = None
    rule: RuleDoc | None = None
    # the label a label_values() variable query reads; "" for a series selector's query, which
    # reads every label but no value
    label_values: str | None = None
    follows_lines: bool = False  # the expression's lines are the file's (YAML block scalar)
    text_start: Source | None = None  # where the text starts in a JSON or YAML file
    _expression: promql.Expression | None = field(default=None, repr=False)
    _label_references: list | None = field(default=None, repr=False)  # see labels.py
    # literals.locator's answer for the text, made once: a site may have many findings
    _locate: Callable[[int], tuple[int, int]] | Literal[False] | None = field(default=None,
                                                                             repr=False)

    @property
    def expression(self) -> promql.Expression:
        if self._expression is None:
            self._expression = promql.parse(self.text, grafana=self.kind != "rule")
        return self._expression

    def value_selectors(self) -> list[promql.Selector]:
        """Selectors with a name whose values the query reads (label_values() reads only
        the series' labels)."""
        return self.expression.named_selectors() if self.reads_values else []

    @property
    def reads_values(self) -> bool:
        """False for label_values(selector, label), which reads only the series' labels."""
        return self.label_values is None

    @property
    def instant(self) -> bool:
        """Evaluated once over the dashboard's range rather than as a series over time."""
        if self.target is None:
            return False
        if self.target.get("instant") and not self.target.get("range"):
            return True
        return (self.panel or {}).get("type") in INSTANT_PANEL_TYPES

    @property
    def steps(self) -> set[str]:
        """Fixed query intervals set on the target or the panel (e.g. '1d' for daily bars)."""
        found = set()
        for holder in (self.target, self.panel):
            interval = (holder or {}).get("interval")
            if isinstance(interval, str) and interval and "$" not in interval:
                found.add(interval.lstrip("<>="))
        return found

    @property
    def legend(self) -> str:
        legend = (self.target or {}).get("legendFormat")
        return legend if isinstance(legend, str) else ""

    def at(self, offset: int) -> Source:
        """Where text[offset] was written: in a Python module, the string literal holding the
        expression; in a YAML block scalar, the file line it falls on; in a quoted or plain
        value, its column on the value's line. Where that cannot be known, the line of the
        declaration without a column."""
        if self.source.file.endswith(".py"):
            return pysource.position(self.source, self.text, offset)
        start = self.text_start or self.source
        if self.follows_lines:
            before = self.text[:offset]
            column = offset - (before.rfind("\n") + 1) + 1
            return Source(start.file, start.line + before.count("\n"),
                          max(start.column, 1) - 1 + column)
        if start.column:
            line = _file_line(start.file, start.line)
            quote = line[start.column - 2] if start.column >= 2 else ""
            if quote in ("'", '"'):
                value, columns = literals.quoted_columns(line, start.column, quote)
                if value == self.text:  # the common case, without matching piece by piece
                    column = columns[offset] if offset < len(columns) else (
                        columns[-1] + 1 if columns else start.column)
                    return Source(start.file, start.line, column)
            if self._locate is None:
                self._locate = literals.locator(_value_pieces(start), self.text) or False
            if self._locate is not False:
                return Source(start.file, *self._locate(offset))
        return Source(self.source.file, self.source.line, 0)


    def at_offset(self, offset: int | None) -> Source:
        """Where text[offset] was written; the site itself without an offset."""
        return self.at(offset) if offset is not None and offset >= 0 else self.source

    def at_token(self, token: str) -> Source:
        """Where `token` is first written in the expression; the site itself if it is not."""
        return self.at_offset(self.text.find(token) if token else None)


def _value_pieces(start: Source) -> list[literals.Piece]:
    """The characters of the quoted or plain value that starts at `start`, on its line."""
    text = _file_line(start.file, start.line)
    quote = text[start.column - 2] if start.column >= 2 else ""
    if quote in ("'", '"'):
        return literals.quoted_pieces(text, start.line, start.column, quote)
    return literals.plain_pieces(text.rstrip("\n"), start.line, start.column)


def _file_line(path: str, line: int) -> str:
    lines = _file_lines(path)
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _file_lines(path: str) -> list[str]:
    """The file's lines, read once per version of it (every finding in a file asks)."""
    try:
        stat = os.stat(path)
    except OSError:
        return []
    return _read_lines(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _read_lines(path: str, mtime_ns: int, size: int) -> list[str]:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.readlines()
    except (OSError, UnicodeDecodeError):
        return []


def _dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def is_promql_datasource(datasource) -> bool:
    """Whether queries on `datasource` (a name, a {type, uid} reference, or None for the
    dashboard's default) are PromQL: Prometheus, a data source variable ($ds, ${ds}, [[ds]]),
    mixed, or the default. Other data sources (e.g. of an imported dashboard) have no `expr`
    to check."""
    if datasource is None:
        return True
    if isinstance(datasource, str):
        return datasource.startswith(("$", "[[")) or "prometheus" in datasource.lower() \
            or datasource in ("default", "-- Mixed --")
    if isinstance(datasource, dict):  # a type given is the plugin's, whatever the uid
        uid = str(datasource.get("uid") or "")
        return datasource.get("type") in (None, "prometheus", "datasource") \
            or (not datasource.get("type") and uid.startswith(("$", "[[")))
    return False


def datasource_types(dashboard: dict) -> dict[str, str]:
    """The plugin type of each data source the dashboard names by uid with its type somewhere
    (a panel, query, annotation or variable), and of each `${DS_X}` an external export's
    `__inputs` declare: Grafana resolves a reference by its uid alone, so `{"uid": "X"}`
    written without a type elsewhere is that same data source."""
    types: dict[str, str] = {}
    for item in dashboard.get("__inputs") or []:
        if isinstance(item, dict) and item.get("type") == "datasource" and \
                isinstance(item.get("name"), str) and isinstance(item.get("pluginId"), str):
            types["${" + item["name"] + "}"] = types["$" + item["name"]] = item["pluginId"]

    def visit(node: object) -> None:
        if isinstance(node, dict):
            reference = node.get("datasource")
            if isinstance(reference, dict) and isinstance(reference.get("uid"), str) and \
                    isinstance(reference.get("type"), str) and reference["type"] and \
                    not reference["uid"].startswith(("$", "[[")):
                types.setdefault(reference["uid"], reference["type"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)
    visit({k: v for k, v in dashboard.items() if k != "__inputs"})
    return types


_VARIABLE_REFERENCE = re.compile(r"^\$\{?(?P<a>\w+)\}?$|^\[\[(?P<b>\w+)\]\]$")


def _variable_name(reference: str) -> str | None:
    match = _VARIABLE_REFERENCE.match(reference.strip())
    return (match.group("a") or match.group("b")) if match else None


# --- the PromQL in a dashboard or a rule ------------------------------------------------------

_LABEL_VALUES = re.compile(r"^\s*label_values\s*\((?P<args>.*)\)\s*$", re.DOTALL)
_QUERY_RESULT = re.compile(r"^\s*query_result\s*\((?P<expr>.*)\)\s*$", re.DOTALL)
_OTHER_FUNCTIONS = re.compile(r"^\s*(label_names|metrics)\s*\(.*\)\s*$", re.DOTALL)


def variable_query(variable: dict) -> tuple[str | None, str | None, str | None] | None:
    """(function, PromQL, label) of a Prometheus query variable; None if it is no such
    variable; function None when the query is none of Grafana's Prometheus functions nor a
    series selector (whose series Grafana lists, function "series")."""
    if variable.get("type") != "query":
        return None
    datasource = variable.get("datasource")
    if isinstance(datasource, dict) and datasource.get("type") not in (None, "prometheus"):
        return None
    query = variable.get("query")
    if isinstance(query, dict):
        query = query.get("query")
    if not isinstance(query, str) or not query.strip():
        return None
    match = _LABEL_VALUES.match(query)
    if match:
        selector, _, label = match.group("args").rpartition(",")
        return "label_values", selector.strip() or None, label.strip()
    match = _QUERY_RESULT.match(query)
    if match:
        return "query_result", match.group("expr").strip(), None
    if _OTHER_FUNCTIONS.match(query):
        return "other", None, None
    expression = promql.parse(query)
    if isinstance(expression.root, promql.Selector) and expression.root.range is None:
        return "series", query.strip(), ""  # Grafana lists the series' names and labels
    return None, None, None


def dashboard_sites(doc: DashboardDoc) -> Iterator[QuerySite]:
    for panel in doc.panels():
        targets = panel.get("targets")
        if not isinstance(targets, list) or not doc.reads_promql(panel.get("datasource")):
            continue
        for target in targets:
            if isinstance(target, dict) and isinstance(target.get("expr"), str) \
                    and target["expr"].strip() and doc.reads_promql(target.get("datasource")):
                yield QuerySite(target["expr"], doc.target_source(panel, target), "panel",
                                dashboard=doc, panel=panel, target=target,
                                text_start=doc.expr_start(target))
    for variable in doc.variables():
        if not doc.reads_promql(variable.get("datasource")):
            continue
        parsed = variable_query(variable)
        if parsed and parsed[1]:
            yield QuerySite(parsed[1], doc.variable_source(variable), "variable", dashboard=doc,
                            label_values=parsed[2])


def rule_site(rule: RuleDoc) -> QuerySite:
    """The rule's expression as a query site: one per rule, so that it is parsed (and its
    labels followed) once however many rules ask."""
    if rule._site is None:
        rule._site = QuerySite(rule.expr, rule.expr_source, "rule", rule=rule,
                               follows_lines=rule.expr_follows_lines)
    return rule._site
