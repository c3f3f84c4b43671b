"""Application: the analyses TradingAgents runs, how long they take and how often they fail."""

from dashsmith import Dashboard, Query, Row, label_variable, stat, timeseries
from metrics import config
from metrics.config import JOB


def _duration(quantile: float) -> Query:
    return Query(
        f"histogram_quantile({quantile}, sum by (le) "
        f"(rate(tradingagents_analysis_duration_seconds_bucket{JOB}[$__rate_interval])))",
        legend=f"p{round(quantile * 100)}",
    )


dashboard = Dashboard(
    uid="tradingagents-application",
    title="Application",
    folder="Trading Platform",
    tags=["tradingagents", "application"],
    description="Analyses: totals, outcomes, durations, concurrency and backlog.",
    variables=[label_variable("job", "tradingagents_analyses_total")],
    rows=[
        Row("Analyses", [
            stat(
                "Analyses",
                f"sum(increase(tradingagents_analyses_total{JOB}[$__range]))",
                legend="total",
                unit="short",
                description="Analyses finished over the time range.",
            ),
            stat(
                "Succeeded",
                f'sum(increase(tradingagents_analyses_total{JOB:status="success"}[$__range]))',
                legend="success",
                unit="short",
                description="Analyses that finished successfully over the time range.",
            ),
            stat(
                "Failed",
                f'sum(increase(tradingagents_analyses_total{JOB:status="error"}[$__range]))',
                legend="error",
                unit="short",
                thresholds={1: "red"},
                description="Analyses that failed over the time range.",
            ),
            stat(
                "Active Analyses",
                f"sum(tradingagents_active_analyses{JOB})",
                legend="running",
                unit="short",
                graph=True,
                description="Analyses running now.",
            ),
        ]),
        Row("Throughput and errors", [
            timeseries(
                "Analyses per Minute",
                f"sum by (status) (rate(tradingagents_analyses_total{JOB}[$__rate_interval])) * 60",
                legend="{{status}}",
                unit="opm",
                stack=True,
                description="Analyses finished per minute, by outcome.",
            ),
            timeseries(
                "Error Rate",
                # What HighErrorRate judges, so the line is its threshold.
                f"job:tradingagents_analysis_error_ratio:rate5m{JOB}",
                legend="error ratio",
                unit="percentunit",
                thresholds={config.ANALYSIS_ERROR_RATIO: "red"},
                description="Failed analyses as a share of all finished over 5 minutes; the line is "
                            "the HighErrorRate threshold.",
            ),
        ]),
        Row("Latency and backlog", [
            timeseries(
                "Analysis Duration",
                _duration(0.5),
                # p95 is what SlowAnalysis judges, so the line is its threshold.
                Query(f"job:tradingagents_analysis_duration_seconds:p95_10m{JOB}", legend="p95"),
                _duration(0.99),
                unit="s",
                thresholds={config.ANALYSIS_P95_SECONDS: "red"},
                description="Percentiles of analysis wall time; p95 over 10 minutes, as SlowAnalysis "
                            "judges it, and the line is its threshold.",
            ),
            timeseries(
                "Queue Length",
                f"sum(tradingagents_analysis_queue_length{JOB})",
                legend="waiting",
                unit="short",
                description="Analyses waiting to start.",
            ),
        ]),
    ],
)
