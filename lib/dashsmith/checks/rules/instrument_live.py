from __future__ import annotations

from dashsmith.checks.rule import Rule


class InstrumentLive(Rule):
    """The running application does not export what the catalog declares for it (verify).

    `dashsmith instrument` writes the application's metrics module from the catalog, and lint
    reports a module that no longer matches it (instrument/stale). verify looks at what the
    application really exports, in Prometheus's metadata: a catalog metric of the instrumented
    exporter that the application does not export while it exports the others (the module on
    disk is out of date: a metric renamed in the catalog without regenerating; or it is current
    and the application runs an older copy), and a metric the module declares and the
    application exports that the catalog no longer has (what the renamed one was called).
    Nothing is reported while none of the application's metrics is live: that is promql/series
    ("is that exporter scraped?").

    Anti-pattern:
        Counter("tradingagents_analysis_runs_total", ...)   # renamed in metrics/, and the
                                                            # application still exports
                                                            # tradingagents_analyses_total

    Best practice:
        dashsmith instrument     # regenerate, commit, and deploy the application with it
    """

    id = "instrument/live"
    reported_by = ("verify",)
