"""An SLO's recording rules and multi-window, multi-burn-rate alerts (the SRE Workbook's
windows as Sloth's google-30d set has them), as one rule group."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from dashsmith.model import durations
from dashsmith.model.rules import Alert, Record, RuleGroup
from dashsmith.slo.declaration import SLO, number

RATE_WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")


@dataclass(frozen=True)
class BurnWindow:
    """Alert when both windows burn faster than `factor` × the sustainable rate; the factor
    is the share of the budget that may go within the long window."""

    long: str
    short: str
    budget_share: Decimal

    def factor(self, slo: SLO) -> Decimal:
        """14.4 for 2% of a 30-day budget in 1h; rounded to 6 decimals (28d: 0.933333)."""
        exact = self.budget_share * Decimal(str(slo.period_seconds)) \
            / Decimal(str(durations.parse(self.long)))
        return exact.quantize(Decimal("0.000001")).normalize()


PAGE = (BurnWindow("1h", "5m", Decimal("0.02")), BurnWindow("6h", "30m", Decimal("0.05")))
TICKET = (BurnWindow("1d", "2h", Decimal("0.10")), BurnWindow("3d", "6h", Decimal("0.10")))
LONGEST_WINDOW = "3d"


def ratio(window: str) -> str:
    return f"slo:sli_error:ratio_rate{window}"


def rule_group(slo: SLO) -> RuleGroup:
    rules = _sli_records(slo) + _budget_records(slo) + [
        _burn_alert(slo, slo.page_alert, PAGE, slo.page_severity, slo.page_for,
                    slo.expect_page_receivers, "fast"),
        _burn_alert(slo, slo.ticket_alert, TICKET, slo.ticket_severity, slo.ticket_for,
                    slo.expect_ticket_receivers, "slowly"),
    ]
    return RuleGroup(f"slo-{slo.name}", rules, source=slo.source)


def _labels(slo: SLO) -> dict[str, str]:
    return {"service": slo.service, "slo": slo.name}


def _record(slo: SLO, name: str, expr: str) -> Record:
    return Record(name, expr, _labels(slo), source=slo.source)


def _sli_records(slo: SLO) -> list[Record]:
    """Error and event rates over 5m (summed over the period for the budget), then the error
    ratio over every window. A ratio is recorded only while there are events: no traffic is
    not 0/0 = NaN, which would poison the period's average."""
    sel = slo.selector
    records = [
        _record(slo, "slo:sli_error_events:rate5m", slo.sli.error_events("5m")),
        _record(slo, "slo:sli_events:rate5m", slo.sli.all_events("5m")),
        _record(slo, ratio("5m"),
                f"slo:sli_error_events:rate5m{sel} / (slo:sli_events:rate5m{sel} > 0)"),
    ]
    for window in RATE_WINDOWS[1:]:
        errors = _indented(slo.sli.error_events(window))
        events = _indented(slo.sli.all_events(window))
        records.append(_record(slo, ratio(window), f"({errors})\n  / (({events}) > 0)"))
    return records


def _indented(expr: str) -> str:
    return expr.replace("\n", "\n    ")


def _budget_records(slo: SLO) -> list[Record]:
    sel, period, budget = slo.selector, slo.period, number(slo.error_budget)
    return [
        _record(slo, ratio(period),
                f"sum_over_time(slo:sli_error_events:rate5m{sel}[{period}])\n"
                f"  / (sum_over_time(slo:sli_events:rate5m{sel}[{period}]) > 0)"),
        _record(slo, "slo:objective:ratio", f"vector({number(Decimal(str(slo.objective)) / 100)})"),
        _record(slo, "slo:error_budget:ratio", f"vector({budget})"),
        _record(slo, "slo:period_error_budget_remaining:ratio",
                f"1 - {ratio(period)}{sel} / {budget}"),
    ]


def _burn_alert(slo: SLO, name: str, windows: tuple[BurnWindow, ...], severity: str, for_: str,
                expect: list[str] | None, speed: str) -> Alert:
    budget = number(slo.error_budget)
    branches = []
    for window in windows:
        factor = number(window.factor(slo))
        branches.append(f"(\n  {ratio(window.long)}{slo.selector} / {budget} > {factor}\n"
                        f"  and {ratio(window.short)}{slo.selector} / {budget} > {factor}\n)")
    limits = " or ".join(f"{number(w.factor(slo))}× ({w.long} and {w.short})" for w in windows)
    return Alert(
        name,
        expr="\nor\n".join(branches),
        for_=for_,
        severity=severity,
        summary=f"{slo.title} burns its error budget {speed}.",
        description=(f"{slo.title} ({number(slo.objective)}% over {slo.period}) burns its error "
                     "budget {{ $value | humanize }}× as fast as the objective allows, over the "
                     f"long window; the alert holds at {limits}."),
        runbook=slo.runbook,
        labels=dict(slo.labels),
        expect_receivers=expect,
        source=slo.source,
    )
