"""LLM calls: failing, rate limited, slow, over budget, or stopped."""

from dashsmith import Alert, Record, RuleGroup
from metrics import config

FAST = config.AI_P95_SECONDS["fast"]
MEDIUM = config.AI_P95_SECONDS["medium"]

ai = RuleGroup("ai", [
    # The error ratio is read by two alerts and by the AI / LLM dashboard's Error Rate panel,
    # which draws their thresholds; it keeps job for the dashboard's job variable. A provider
    # whose completions all fail still has a ratio (the `or` fills the missing completions
    # series with 0).
    Record("provider:ai_errors:rate5m", "sum by (job, provider) (rate(ai_errors_total[5m]))"),
    Record("provider:ai_completions:rate5m",
           "sum by (job, provider) (rate(ai_completions_total[5m]))"),
    Record(
        "provider:ai_error_ratio:rate5m",
        """
          provider:ai_errors:rate5m
            / (provider:ai_errors:rate5m
               + (provider:ai_completions:rate5m or 0 * provider:ai_errors:rate5m))
        """,
    ),
    Record(
        "provider_tier:ai_latency_seconds:p95_5m",
        "histogram_quantile(0.95, sum by (le, provider, tier) (rate(ai_latency_seconds_bucket[5m])))",
    ),
    Alert(
        "AIErrorRatioHigh",
        expr=f"provider:ai_error_ratio:rate5m > {config.AI_ERROR_RATIO_WARNING}",
        for_="10m",
        severity="warning",
        summary=f"More than {config.AI_ERROR_RATIO_WARNING:.0%} of LLM calls fail.",
        description="{{ $value | humanizePercentage }} of {{ $labels.provider }} calls failed "
                    "over the last 5 minutes.",
    ),
    Alert(
        "AIErrorRatioCritical",
        expr=f"provider:ai_error_ratio:rate5m > {config.AI_ERROR_RATIO_CRITICAL}",
        for_="5m",
        severity="critical",
        summary=f"More than {config.AI_ERROR_RATIO_CRITICAL:.0%} of LLM calls fail.",
        description="{{ $value | humanizePercentage }} of {{ $labels.provider }} calls failed "
                    "over the last 5 minutes.",
    ),
    Alert(
        "AIRateLimited",
        expr=f"""
          sum by (provider) (rate(ai_errors_total{{error_type=~"rate_limit_error|overloaded_error"}}[5m]))
          > {config.AI_RATE_LIMITED_PER_SECOND}
        """,
        for_="10m",
        severity="warning",
        summary="The LLM provider is rate limiting or overloaded.",
        description='{{ $labels.provider }} refused {{ printf "%.2f" $value }} calls per second '
                    "(rate_limit_error or overloaded_error) over the last 5 minutes.",
    ),
    Alert(
        "AILatencyP95High",
        expr=f"""
          provider_tier:ai_latency_seconds:p95_5m{{tier="fast"}} > {FAST}
          or provider_tier:ai_latency_seconds:p95_5m{{tier="medium"}} > {MEDIUM}
        """,
        for_="10m",
        severity="warning",
        summary="LLM calls are slow.",
        description="p95 latency of {{ $labels.provider }} {{ $labels.tier }}-tier calls is "
                    f"{{{{ $value | humanizeDuration }}}} (limits: fast {FAST}s, medium {MEDIUM}s).",
    ),
    Alert(
        "AICostOverHourlyBudget",
        expr=f"sum(increase(ai_cost_usd_total[1h])) > {config.AI_HOURLY_BUDGET_USD}",
        for_="5m",
        severity="warning",
        summary="LLM spend is above the hourly budget.",
        description="{{ $value | humanize }} USD spent on LLM calls in the last hour "
                    f"(budget ${config.AI_HOURLY_BUDGET_USD}).",
    ),
    Alert(
        "AICostDailyProjection",
        expr=f"sum(rate(ai_cost_usd_total[6h])) * 86400 > {config.AI_DAILY_BUDGET_USD}",
        for_="30m",
        severity="info",
        summary="At the current pace LLM spend will pass the daily budget.",
        description="The last 6 hours project to {{ $value | humanize }} USD a day "
                    f"(budget ${config.AI_DAILY_BUDGET_USD}).",
    ),
    # Analyses still run while the completions counter stopped, or is gone (the LLM client
    # never started). The analyses per minute come first so that they are the alert's value.
    Alert(
        "AINoCompletions",
        expr="""
          sum(rate(tradingagents_analyses_total[10m])) * 60 > 0
          and on () (sum(rate(ai_completions_total[10m])) == 0 or absent(ai_completions_total))
        """,
        for_="5m",
        severity="critical",
        summary="Analyses run but no LLM call completes.",
        description='Analyses finish at {{ printf "%.2g" $value }} a minute, but no LLM call has '
                    "completed in the last 10 minutes.",
    ),
])
