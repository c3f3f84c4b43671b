from __future__ import annotations

from collections.abc import Iterator

from dashsmith.checks.context import Context
from dashsmith.checks.rule import Rule
from dashsmith.checks.subjects import RuleFileDoc, is_empty_rule_file, rule_kind
from dashsmith.model import durations
from dashsmith.model.problems import Problem
from dashsmith.model.rules import RULE_FIELDS
from dashsmith.model.source import Source
from dashsmith.promql.names import LABEL_NAME, METRIC_NAME, is_label_name

NOT_A_DURATION = f"is not a Prometheus duration ({durations.EXAMPLES})"


class RuleFormat(Rule):
    """A rule file, group or rule is not shaped as Prometheus expects.

    A rule file is a mapping with 'groups', a list of groups, each with a unique 'name' and
    a list of 'rules'; Prometheus refuses to load a file that is not. An empty file, `{}` or
    a group without rules is no mistake: Prometheus loads it as no rules. It also refuses a `for`,
    `keep_firing_for` or group `interval` that is not a Prometheus duration (units largest
    first: 1h30m, not "90 minutes"), a rule field it does not know (`annotation:`), and label,
    annotation or recorded-metric names it does not accept. The same mistakes in Python
    declarations stop `dashsmith build`.

    Anti-pattern:
        - alert: HighErrorRate
          expr: ...
          for: 5 minutes

    Best practice:
        groups:
          - name: application
            rules:
              - alert: HighErrorRate
                expr: ...
                for: 5m
    """

    id = "rule/format"
    compares = True  # group names are unique per file
    structural = True

    def rule_file(self, doc: RuleFileDoc, context: Context) -> Iterator[Problem]:
        if is_empty_rule_file(doc.data):  # Prometheus loads it as no rules, as mixins ship it
            return
        data = doc.data
        if not doc.is_rule_file or not isinstance(data, dict):  # is_rule_file: a dict
            yield self.problem("not a Prometheus rule file: expected a mapping with 'groups'",
                               doc.source)
            return
        if not isinstance(data["groups"], list):
            yield self.problem("'groups' must be a list of groups", doc.source)
            return
        first_of: dict[str, object] = {}  # group names are unique per file
        for group in doc.groups:
            yield from self._group(group, first_of, context)
            for entry, source in group.entries:
                kind = rule_kind(entry)
                if kind is not None and isinstance(entry, dict):  # a kind implies a dict
                    yield from (self.problem(message, source)
                                for message in _rule_problems(kind, entry, context.prometheus))
                    yield from self._unknown_fields(kind, entry, source)

    def _unknown_fields(self, kind: str, entry: dict, source: Source) -> Iterator[Problem]:
        """Fields Prometheus's YAML decoder does not know, which make it refuse the file; each
        at its own line in a file read."""
        lines = getattr(entry, "value_lines", {})
        for key in entry:
            if key in RULE_FIELDS[kind]:
                continue
            mark = lines.get(key, (None,))[0]
            at = Source(source.file, mark.line + 1) if mark is not None else source
            yield self.problem(f"{kind} '{entry[kind]}': {key!r} is no field of "
                               f"{'an alerting' if kind == 'alert' else 'a recording'} rule "
                               f"(it has {', '.join(RULE_FIELDS[kind])})", at)

    def _group(self, group, first_of: dict, context):
        data = group.data
        if not isinstance(data, dict) or not isinstance(data.get("rules") or [], list):
            yield self.problem("a group must be a mapping with 'name' and a list 'rules'",
                               group.source)
            return
        name = data.get("name")
        if not isinstance(name, str) or not name:
            yield self.problem("rule group has no name", group.source)
        elif name in first_of:
            yield self.problem(f"rule group '{name}' is declared twice in one rule file "
                               f"(first at {context.where(first_of[name])})", group.source)
        else:
            first_of[name] = group.source
        interval = data.get("interval")
        if interval not in (None, "") and not durations.is_duration(interval):
            yield self.problem(f"rule group '{name}': interval {interval!r} {NOT_A_DURATION}",
                               group.source)


def _rule_problems(kind: str, entry: dict, prometheus: int):
    """What Prometheus refuses in a rule. Prometheus 3 accepts any UTF-8 metric, label and
    annotation name (https://prometheus.io/docs/prometheus/latest/migration/), Prometheus 2
    only the legacy ones."""
    name = entry[kind]
    what = f"{kind} '{name}'"
    utf8 = prometheus >= 3
    if kind == "alert":
        for key in ("for", "keep_firing_for"):
            value = entry.get(key)
            if value is not None and not durations.is_duration(value):
                yield f"{what}: {key} {value!r} {NOT_A_DURATION}"
    elif not (_utf8_name(name) if utf8 else METRIC_NAME.match(str(name))):
        yield (f"record {name!r} is not a valid metric name (use letters, digits, _ and :, "
               "e.g. 'job:errors:rate5m')" + ("" if utf8 else _UTF8_HINT))
    labels = entry.get("labels")
    for label in labels if isinstance(labels, dict) else ():
        if not (_utf8_name(label) and label != "__name__" if utf8 else is_label_name(label)):
            yield (f"{what}: label name {label!r} is invalid (use letters, digits and _, not "
                   "starting with a digit, and not __name__)" + ("" if utf8 else _UTF8_HINT))
    annotations = entry.get("annotations") if kind == "alert" else None
    for annotation in annotations if isinstance(annotations, dict) else ():
        if not (_utf8_name(annotation) if utf8 else LABEL_NAME.match(str(annotation))):
            yield (f"{what}: annotation name {annotation!r} is invalid (use letters, digits "
                   "and _, not starting with a digit)" + ("" if utf8 else _UTF8_HINT))


# Said where a name Prometheus 3 would accept is refused because the rules target 2.
_UTF8_HINT = "; Prometheus 3 accepts it ([dashsmith.lint] prometheus = 2 says the rules target 2)"


def _utf8_name(name: object) -> bool:
    """A name Prometheus 3 accepts: any non-empty string of valid UTF-8."""
    return isinstance(name, str) and bool(name)
