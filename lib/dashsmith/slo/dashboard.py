"""An SLO's dashboard: error budget remaining, burn rates against the alert thresholds, and the
SLI over time, all read from the SLO's recording rules."""

from __future__ import annotations

from dashsmith.model.dashboard import Dashboard, Row
from dashsmith.model.panels import Query, stat, timeseries
from dashsmith.slo.declaration import SLO, number
from dashsmith.slo.rules import PAGE, TICKET, ratio


def slo_dashboard(slo: SLO) -> Dashboard:
    sel, budget = slo.selector, number(slo.error_budget)
    objective = float(slo.objective) / 100

    def queries(expr: str, legend: str) -> Query:
        return Query(expr, legend=legend, source=slo.source)

    rows = [
        Row("Error budget", [
            stat("Objective", queries("slo:objective:ratio" + sel, "objective"),
                 unit="percentunit", decimals=3,
                 description=f"{number(slo.objective)}% of events good over {slo.period}."),
            stat(f"SLI over {slo.period}", queries(f"1 - {ratio(slo.period)}{sel}", "SLI"),
                 unit="percentunit", decimals=3, thresholds={None: "red", objective: "green"},
                 description=slo.description),
            stat("Error budget remaining",
                 queries("slo:period_error_budget_remaining:ratio" + sel, "remaining"),
                 unit="percentunit", thresholds={None: "red", 0: "orange", 0.25: "green"},
                 description=f"Share of the {slo.period} error budget ({budget} of events) "
                             "not yet used; below 0 the objective is missed."),
            stat("Burn rate (1h)", queries(f"{ratio('1h')}{sel} / {budget}", "1h"),
                 unit="suffix:×", decimals=1, thresholds=_burn_thresholds(slo),
                 description="How many times faster than sustainable the budget burns."),
        ], source=slo.source),
        Row("Burn rate", [
            timeseries("Burn rate by window",
                       *[queries(f"{ratio(w.long)}{sel} / {budget}", w.long)
                         for w in PAGE + TICKET],
                       unit="suffix:×", thresholds=_burn_thresholds(slo), width=24,
                       description="Error ratio over each alert window divided by the error "
                                   "budget; the lines are the page and ticket thresholds."),
        ], source=slo.source),
        Row("SLI", [
            timeseries("SLI", queries(f"1 - {ratio('5m')}{sel}", "5m"),
                       queries(f"1 - {ratio('1h')}{sel}", "1h"),
                       unit="percentunit", thresholds={None: "red", objective: "green"},
                       description=slo.description),
            timeseries("Error budget over time",
                       queries("slo:period_error_budget_remaining:ratio" + sel, "remaining"),
                       unit="percentunit", thresholds={None: "red", 0: "green"},
                       description=f"Share of the {slo.period} error budget left at each "
                                   "moment; it falls while errors come faster than "
                                   "the objective allows."),
        ], source=slo.source),
    ]
    dashboard = Dashboard(uid=slo.dashboard_uid, title=f"SLO: {slo.title}", folder=slo.folder,
                          rows=rows, tags=["slo", slo.service],
                          description=f"{slo.title}: {number(slo.objective)}% over {slo.period}. "
                                      f"{slo.description}".strip(),
                          time=("now-7d", "now"), source=slo.source)
    for panel in dashboard.panels():
        panel.source = slo.source
    return dashboard


def _burn_thresholds(slo: SLO) -> dict:
    page = [float(w.factor(slo)) for w in PAGE]
    ticket = [float(w.factor(slo)) for w in TICKET]
    return {None: "green", min(ticket): "yellow", min(page): "orange", max(page): "red"}
