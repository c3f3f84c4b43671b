from __future__ import annotations

from dashsmith.checks.rule import Rule
from dashsmith.checks.subjects import variable_query
from dashsmith.model import variables
from dashsmith.model.source import Source


def not_parsed(site) -> tuple[str, Source] | None:
    """(message, place) when the site's expression does not parse: at the character, with
    its line in a multi-line expression, the variables as written."""
    error = site.expression.error
    if error is None:
        return None
    line, column = error.position(site.text)
    where = f" (line {line} of the expression)" if "\n" in site.text.strip() else ""
    excerpt = site.text[error.offset:].split("\n", 1)[0].strip()[:30]
    near = f" near `{excerpt}`" if excerpt else " at the end"
    hint = ""
    if site.kind == "rule" and variables.find(site.text):
        hint = ("; Grafana variables such as $__rate_interval do not exist in Prometheus "
                "rules: write a duration like 5m")
    return f"cannot parse: {error.message}{near}{where}{hint}", site.at(error.offset)


class PromqlSyntax(Rule):
    """A dashboard's PromQL query (a panel's, a variable's) does not parse.

    The finding names the column in the expression (for a multi-line rule expression, also
    its line). Grafana variables ($__rate_interval, ${job}, [[job]], $job) are replaced by
    stand-ins before parsing and shown as written; in Prometheus rules they do not exist.
    A dashboard variable's query must be one of Grafana's Prometheus variable functions, or a
    series selector (Grafana lists the series it selects).

    Anti-pattern:
        sum(rate(ai_errors_total[$__rate_interval])

    Best practice:
        sum(rate(ai_errors_total[$__rate_interval]))
    """

    id = "promql/syntax"
    query_errors = True
    # A rule's expression that does not parse is rule/expr's: Prometheus refuses the whole
    # rule file, so build refuses it too.
    sites = ("panel", "variable")

    def query(self, site, context):
        found = not_parsed(site)
        if found is not None:
            yield self.problem(*found)

    def dashboard(self, doc, context):
        for variable in doc.variables():
            if not doc.reads_promql(variable.get("datasource")):
                continue
            parsed = variable_query(variable)
            if parsed is not None and parsed[0] is None:
                yield self.problem(
                    f"variable '{variable.get('name')}': {variable.get('query')!r} is not a "
                    "Prometheus variable query; use label_values(metric, label), "
                    "label_names(), metrics(regex), query_result(expr) or a series selector",
                    doc.variable_source(variable))
