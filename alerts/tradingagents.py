"""The application: analyses failing, slow or expensive, and the app's metrics going missing.
These are the planned HighErrorRate, SlowAnalysis and HighLLMCost, corrected."""

from dashsmith import Alert, Record, RuleGroup, durations
from metrics import config

application = RuleGroup("tradingagents", [
    # What HighErrorRate and SlowAnalysis judge, recorded for the Application dashboard too:
    # its Error Rate and Analysis Duration panels draw their thresholds. By job, for the
    # dashboard's job variable.
    Record(
        "job:tradingagents_analysis_error_ratio:rate5m",
        """
          sum by (job) (rate(tradingagents_analyses_total{status="error"}[5m]))
            / sum by (job) (rate(tradingagents_analyses_total[5m]))
        """,
    ),
    Record(
        "job:tradingagents_analysis_duration_seconds:p95_10m",
        """
          histogram_quantile(0.95,
            sum by (le, job) (rate(tradingagents_analysis_duration_seconds_bucket[10m])))
        """,
    ),
    # Planned as rate(errors[5m]) > 0.1: errors per second per ticker, not a 10% ratio.
    Alert(
        "HighErrorRate",
        expr=f"job:tradingagents_analysis_error_ratio:rate5m > {config.ANALYSIS_ERROR_RATIO}",
        for_="5m",
        severity="warning",
        summary=f"More than {config.ANALYSIS_ERROR_RATIO:.0%} of analyses are failing.",
        description="{{ $value | humanizePercentage }} of analyses failed over the last 5 minutes.",
    ),
    # Planned as histogram_quantile over the raw histogram name, which matches nothing.
    Alert(
        "SlowAnalysis",
        expr=f"job:tradingagents_analysis_duration_seconds:p95_10m > {config.ANALYSIS_P95_SECONDS}",
        for_="10m",
        severity="warning",
        summary="Analyses are slow.",
        description="95% of analyses finish within {{ $value | humanizeDuration }} "
                    f"(threshold {durations.format(config.ANALYSIS_P95_SECONDS)}) over the last "
                    "10 minutes.",
    ),
    # Planned as rate(tradingagents_llm_cost_usd[1h]) > 10: the name lacks _total and rate()
    # is dollars per second, so it meant $36,000 an hour.
    Alert(
        "HighLLMCost",
        expr=f"sum(increase(tradingagents_llm_cost_usd_total[1h])) > {config.LLM_HOURLY_COST_USD}",
        for_="15m",
        severity="warning",
        summary=f"LLM spend is above ${config.LLM_HOURLY_COST_USD} an hour.",
        description="Agents spent {{ $value | humanize }} USD on LLM calls over the last hour.",
    ),
    Alert(
        "AppTargetDown",
        expr=f"up{config.APP_TARGET} == 0",
        for_="5m",
        severity="critical",
        summary="Prometheus cannot scrape the trading platform.",
        description="Scrapes of {{ $labels.instance }} (job {{ $labels.job }}) have failed "
                    "for 5 minutes; every application and AI alert is blind.",
    ),
    Alert(
        "AppTargetMissing",
        expr=f"absent(up{config.APP_TARGET})",
        for_="5m",
        severity="critical",
        summary="The trading platform is not among Prometheus's targets.",
        description="No scrape target has job {{ $labels.job }}; check Prometheus's scrape "
                    "configuration.",
    ),
])
