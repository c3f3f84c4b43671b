"""LLM calls: failing, rate limited, slow, over budget, or stopped."""

from metrics import config
from metrics.ai_source import AI

from dashsmith import Alert, Record, RuleGroup

FAST = config.AI_P95_SECONDS["fast"]
MEDIUM = config.AI_P95_SECONDS["medium"]

ai = RuleGroup("ai", [
    # With GenAI metrics spend is tokens × prices: one constant series per model and token type
    # (metrics/prices.py, setup.cfg [dashsmith.prices]) that the cost queries multiply by.
    *AI.records(),
    # The error ratio is read by two alerts and by the AI / LLM dashboard's Error Rate panel,
    # which draws their thresholds; it keeps job for the dashboard's job variable. A provider
    # whose completions all fail still has a ratio (the `or` fills the missing completions
    # series with 0).
    Record("provider:ai_errors:rate5m", f"sum by (job, provider) ({AI.errors(window='5m')})"),
    Record("provider:ai_completions:rate5m",
           f"sum by (job, provider) ({AI.completions(window='5m')})"),
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
        "histogram_quantile(0.95, sum by (le, provider, tier) "
        f"({AI.latency_buckets(window='5m')}))",
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
          sum by (provider) ({AI.errors(window="5m", matching=AI.rate_limited)})
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
        expr=f"sum({AI.cost_usd(window='1h', function='increase')})"
             f" > {config.AI_HOURLY_BUDGET_USD}",
        for_="5m",
        severity="warning",
        summary="LLM spend is above the hourly budget.",
        description="{{ $value | humanize }} USD spent on LLM calls in the last hour "
                    f"(budget ${config.AI_HOURLY_BUDGET_USD}).",
    ),
    Alert(
        "AICostDailyProjection",
        expr=f"sum({AI.cost_usd(window='6h')}) * 86400 > {config.AI_DAILY_BUDGET_USD}",
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
        expr=f"""
          sum(rate(tradingagents_analyses_total[10m])) * 60 > 0
          and on () (sum({AI.completions(window="10m")}) == 0 or absent({AI.calls_metric}))
        """,
        for_="5m",
        severity="critical",
        summary="Analyses run but no LLM call completes.",
        description='Analyses finish at {{ printf "%.2g" $value }} a minute, but no LLM call has '
                    "completed in the last 10 minutes.",
    ),
])


# What the LLM trace store (`dashsmith bridge`, metrics/bridge.py) says about the same calls:
# the quality of the answers, and whether its cost agrees with the application's own count.
# The recorded series are what the AI / LLM dashboard's Trace Quality row draws.
llm_traces = RuleGroup("llm-traces", [
    Record("store_score_name:llm_score_count:increase1h",
           "sum by (store, score_name) (increase(llm_score_count[1h]))"),
    Record("store_score_name:llm_score:mean1h",
           "sum by (store, score_name) (increase(llm_score_sum[1h]))"
           " / store_score_name:llm_score_count:increase1h"),
    Record("store:llm_generation_cost_usd:increase1h",
           "sum by (store) (increase(llm_generation_cost_usd_total[1h]))"),
    Record("job:ai_cost_usd:increase1h",
           f"sum by (job) ({AI.cost_usd(window='1h', function='increase')})"),
    Alert(
        "LLMQualityScoreLow",
        expr=f"""
          store_score_name:llm_score:mean1h < {config.LLM_SCORE_MINIMUM}
          and store_score_name:llm_score_count:increase1h >= {config.LLM_SCORE_MIN_COUNT}
        """,
        for_="15m",
        severity="warning",
        summary="An LLM quality score is below its threshold.",
        description="The mean {{ $labels.score_name }} score in {{ $labels.store }} over the "
                    'last hour is {{ printf "%.2f" $value }} (minimum '
                    f"{config.LLM_SCORE_MINIMUM}).",
    ),
    # Compared only when the bridge was up for the whole hour: while the store is down its
    # counters stand still, and the window it catches up on afterwards holds more than an hour.
    Alert(
        "LLMTraceCostDisagrees",
        expr=f"""
          abs(store:llm_generation_cost_usd:increase1h
              - on () group_left sum(job:ai_cost_usd:increase1h))
            / on () group_left sum(job:ai_cost_usd:increase1h)
          > {config.LLM_TRACE_COST_DISAGREEMENT}
          and on () sum(job:ai_cost_usd:increase1h) >= {config.LLM_COST_COMPARED_FROM_USD}
          and on (store) min by (store) (min_over_time(llm_bridge_up[1h])) == 1
        """,
        for_="30m",
        severity="warning",
        summary="The trace store's LLM cost and the application's disagree.",
        description="Over the last hour {{ $labels.store }}'s cost differs from the "
                    "application's ai_cost_usd_total by {{ $value | humanizePercentage }} of "
                    f"it (allowed {config.LLM_TRACE_COST_DISAGREEMENT:.0%}).",
    ),
])
