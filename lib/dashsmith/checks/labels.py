"""Every place a query names a label, and whether the label can be there.

A label read where the expression cannot provide it is one of two mistakes, each its own
rule: no metric underneath has it at all (`catalog/unknown-label`: a typo, or the wrong
metric), or the metrics have it but an aggregation or a vector matching removed it on the
way (`promql/impossible`). `references(site, context)` finds both kinds once per query.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from dashsmith import promql
from dashsmith.checks import gotemplate
from dashsmith.checks.spelling import did_you_mean
from dashsmith.checks.subjects import QuerySite
from dashsmith.grafana.legend import LEGEND_LABEL
from dashsmith.model.source import Source
from dashsmith.promql.labels import LabelsOf

UNKNOWN = "unknown"  # no series underneath has the label
IMPOSSIBLE = "impossible"  # the series have it, the expression removed it


@dataclass(frozen=True)
class LabelReference:
    verdict: str  # UNKNOWN or IMPOSSIBLE
    label: str
    message: str
    offset: int | None = None  # in the expression, when the label is written there
    keyword: str | None = None  # else the keyword argument it is written in (legend=...)

    def where(self, site: QuerySite) -> Source:
        """Where the finding points: the label in the expression, else the keyword argument
        that holds it (`legend=`), else the query's call."""
        if self.offset is not None and self.offset >= 0:
            return site.at(self.offset)
        return site.source.keyword(self.keyword) if self.keyword else site.source


def references(site: QuerySite, context) -> list[LabelReference]:
    cached = site._label_references
    if cached is None:
        cached = list(_references(site, context))
        site._label_references = cached
    return cached


def _references(site: QuerySite, context):
    expression = site.expression
    if expression.root is None:
        return
    labels_of = _Labels(context.labels_of)
    for node in expression.nodes():
        # The node classes have no subclasses, so isinstance matches exactly type(node) is.
        if isinstance(node, promql.Selector):
            yield from _matcher_references(site, node, context)
        elif isinstance(node, promql.Aggregate) and node.grouping == "by":
            for label in node.labels:
                found = _check(label, node.expr, labels_of, f"`{node}`", site)
                if found:
                    yield found
        elif isinstance(node, promql.Aggregate) and node.grouping == "without":
            yield from _removed_references(site, node, node.labels, [node.expr], labels_of)
        elif isinstance(node, promql.Binary) and node.matching == "ignoring":
            yield from _removed_references(site, node, node.matching_labels,
                                           [node.lhs, node.rhs], labels_of)
        if isinstance(node, promql.Binary) and (node.matching == "on" or node.group):
            yield from _matching_references(site, node, labels_of)
    root = expression.root
    if site.kind == "panel":
        for match in LEGEND_LABEL.finditer(site.legend):
            found = _check(match.group(1), root, labels_of, f"the legend '{site.legend}'", site,
                           written=False)
            if found:
                yield dataclasses.replace(found, keyword="legend")
    if site.kind == "variable" and site.label_values:
        found = _check(site.label_values, root, labels_of,
                       f"label_values(..., {site.label_values})", site, written=False)
        if found:
            yield found
    if site.kind == "rule" and site.rule is not None and site.rule.is_alert:
        yield from _template_references(site, root, labels_of)


def _matcher_references(site, selector: promql.Selector, context):
    declared = context.declared_labels(selector.name)
    if declared is None:
        return
    for matcher in selector.matchers:
        label = matcher.label
        if label == "__name__" or label.startswith("__var_") or label in declared:
            continue
        if matcher.op in ("=", "=~") and not matcher.value:
            continue  # `label=""` asks for series without it: harmless
        yield LabelReference(UNKNOWN, label, f"'{selector.name}' has no label '{label}'"
                             f"{_known(declared, label)}", _offset(site, label))


def _matching_references(site, binary: promql.Binary, labels_of):
    if promql.is_scalar(binary.lhs) or promql.is_scalar(binary.rhs):
        return
    sides = (("left", binary.lhs), ("right", binary.rhs))
    if binary.matching == "on":
        for label in binary.matching_labels:
            for name, side in sides:
                found = _check(label, side, labels_of, f"`on ({label})` ({name} side)", site)
                if found:
                    yield found
                    break
    if binary.group:
        one_side = binary.rhs if binary.group == "left" else binary.lhs
        for label in binary.group_labels:
            found = _check(label, one_side, labels_of, f"`group_{binary.group} ({label})`", site)
            if found:
                yield found


def _removed_references(site, node, removed, inputs, labels_of):
    """`without (x)` / `ignoring (x)` of a label no series underneath has: harmless to
    PromQL, but a typo that leaves the label meant in place."""
    for label in removed:
        available = [promql.available_labels(i, labels_of) for i in inputs]
        if any(a is None for a in available) or label.startswith("__"):
            continue
        if not any(label in a for a in available):
            yield LabelReference(UNKNOWN, label, f"`{node}`: no series here has label "
                                 f"'{label}'{_known(frozenset().union(*available), label)}",
                                 _offset(site, label))


def _template_references(site, root, labels_of):
    rule = site.rule
    static = set(rule.labels()) | {"alertname"}
    texts = list(rule.annotations().items()) + list(rule.labels().items())
    for key, text in texts:
        if not isinstance(text, str) or "$labels" not in text and ".Labels" not in text:
            continue
        for label, _ in gotemplate.parse(text).labels:
            if label in static:
                continue
            found = _check(label, root, labels_of, f"'{key}' reads {{{{ $labels.{label} }}}}",
                           site, written=False)
            if found:
                yield found


class _Labels:
    """labels_of for one query, remembering what the expression's parts yield."""

    def __init__(self, labels_of: LabelsOf) -> None:
        self.labels_of = labels_of
        self.memo: dict = {}

    def __call__(self, selector: promql.Selector) -> frozenset[str] | None:
        return self.labels_of(selector)


def _check(label: str, node, labels_of: _Labels, usage: str, site, written: bool = True):
    """The problem with reading `label` from the result of `node`, if there is one."""
    if label.startswith("__"):
        return None
    produced = promql.output_labels(node, labels_of, labels_of.memo)
    if produced is None or label in produced:
        return None
    offset = _offset(site, label) if written else None
    available = promql.available_labels(node, labels_of)
    if available is not None and label not in available:
        return LabelReference(UNKNOWN, label, f"{usage}: no series here has label '{label}'"
                              f"{_known(available, label)}", offset)
    dropped = promql.dropped_by(node, label, labels_of, labels_of.memo)
    if dropped is None:  # without a catalog: the labels its selectors ask for are there
        dropped = promql.dropped_by(node, label, lambda selector: _matched(selector, labels_of))
    how = f"`{dropped}` removes it" if dropped is not None else "the expression does not keep it"
    keep = f"; keep it with `by ({label}, ...)`" if isinstance(dropped, promql.Aggregate) else ""
    return LabelReference(IMPOSSIBLE, label, f"{usage}: label '{label}' is not in the result: "
                          f"{how}{keep}", offset)


def _matched(selector: promql.Selector, labels_of: _Labels) -> frozenset[str] | None:
    """The labels a selector's series have for sure: the catalog's, or those its matchers ask
    for by value (`instance=~"$instance"`)."""
    known = labels_of(selector)
    asked = frozenset(m.label for m in selector.matchers
                      if m.op in ("=", "=~") and m.value and m.label != "__name__")
    return known | asked if known is not None else asked or None


def _known(labels, label: str) -> str:
    """'; did you mean 'provider'? (it has: model, provider)': the labels there are, with the
    ones a typo away from `label` first."""
    shown = sorted(labels)
    if not shown:
        return " (it has no labels)"
    hint = did_you_mean(label, shown)
    return (f"; {hint}" if hint else "") + f" (it has: {', '.join(shown)})"


def _offset(site: QuerySite, label: str) -> int | None:
    found = site.text.find(label)
    return found if found >= 0 else None
