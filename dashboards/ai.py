"""AI / LLM: how much the Claude calls cost, how fast they answer and how often they fail."""

from metrics import config
from metrics.ai_source import AI, RANGE, RATE
from metrics.config import JOB

from dashsmith import Dashboard, Query, Row, label_variable, piechart, stat, timeseries

dashboard = Dashboard(
    uid="ai-llm",
    title="AI / LLM",
    folder="Trading Platform/AI",
    tags=["ai", "llm", "tradingagents"],
    description="Completions, tokens, spend, latency and errors of the platform's LLM calls.",
    variables=[label_variable("job", AI.calls_metric), label_variable("store", "llm_bridge_up")],
    rows=[
        Row("Traffic", [
            timeseries(
                "Completions Rate",
                f"sum by (provider, model) ({AI.completions(JOB, RATE)}) * 60",
                legend="{{provider}} {{model}}",
                unit="reqpm",
                description="Successful completions per minute, by provider and model.",
            ),
            timeseries(
                "Token Usage",
                f"sum by (type) ({AI.tokens(JOB, RATE)})",
                legend="{{type}}",
                unit="suffix: tok/s",
                stack=True,
                description="Tokens per second, input (including cache) and output.",
            ),
            stat(
                "Active Requests",
                f"sum({AI.in_flight(JOB, RATE)})",
                legend="in flight",
                unit="short",
                graph=True,
                description=AI.in_flight_description,
            ),
        ]),
        Row("Spend", [
            timeseries(
                "Cost $/hour",
                # The pace of spend. AICostOverHourlyBudget judges the whole last hour's spend,
                # which reaches the budget line when this pace holds above it for an hour.
                f"sum by (provider) ({AI.cost_usd(JOB, RATE)}) * 3600",
                legend="{{provider}}",
                unit="currencyUSD",
                thresholds={config.AI_HOURLY_BUDGET_USD: "red"},
                description="Spend rate in US dollars per hour; the line is the hourly budget.",
            ),
            piechart(
                "Model Distribution",
                f"sum by (model) ({AI.completions(JOB, RANGE, 'increase')})",
                legend="{{model}}",
                unit="short",
                description="Share of completions per model over the dashboard's time range.",
            ),
            # Spend computed from tokens leaves out a model without a price: its traffic is
            # shown here, never as $0 (lint's cost/unpriced-model names it too).
            *([timeseries(
                "Unpriced Tokens",
                f"sum by (model, type) ({AI.unpriced_tokens(JOB, RATE)})",
                legend="{{model}} {{type}}",
                unit="suffix: tok/s",
                description="Tokens per second of models without a price (metrics/prices.py, "
                            "setup.cfg [dashsmith.prices]), which Cost $/hour leaves out.",
            )] if AI.prices_tokens else []),
        ]),
        Row("Quality", [
            timeseries(
                "Latency P95",
                "histogram_quantile(0.95, sum by (le, provider, tier) "
                f"({AI.latency_buckets(JOB, RATE)}))",
                legend="{{provider}} {{tier}}",
                unit="s",
                description="95th percentile of call duration, per tier (Grafana shows ms below 1 s).",
            ),
            timeseries(
                "Error Rate",
                # What AIErrorRatioHigh and AIErrorRatioCritical judge, so the lines are theirs.
                f"provider:ai_error_ratio:rate5m{JOB}",
                legend="{{provider}}",
                unit="percentunit",
                thresholds={config.AI_ERROR_RATIO_WARNING: "orange",
                            config.AI_ERROR_RATIO_CRITICAL: "red"},
                description="Failed calls as a share of all calls over 5 minutes; the lines are "
                            "the AIErrorRatioHigh and AIErrorRatioCritical thresholds.",
            ),
            timeseries(
                "Errors by Type",
                f"sum by (error_type) ({AI.errors(JOB, RATE)})",
                legend="{{error_type}}",
                unit="ops",
                stack=True,
                description="Failed calls per second, by Anthropic error type.",
            ),
            timeseries(
                "Time to First Token P95",
                "histogram_quantile(0.95, sum by (le, tier) "
                f"({AI.first_token_buckets(JOB, RATE)}))",
                legend="{{tier}}",
                unit="s",
                description="95th percentile of the wait for the first streamed token.",
            ),
        ]),
        Row("Trace Quality", [
            timeseries(
                "Mean Score by Name",
                # What LLMQualityScoreLow judges, so the line is its threshold.
                'store_score_name:llm_score:mean1h{store=~"$store"}',
                legend="{{store}} {{score_name}}",
                unit="short",
                thresholds={config.LLM_SCORE_MINIMUM: "red"},
                description="Mean evaluation and feedback score over the last hour, by name, "
                            "from the trace store (dashsmith bridge); the line is the "
                            "LLMQualityScoreLow threshold.",
            ),
            timeseries(
                "Scores and Feedback per Hour",
                'store_score_name:llm_score_count:increase1h{store=~"$store"}',
                legend="{{store}} {{score_name}}",
                unit="short",
                description="Scores and feedback recorded in the trace store over the last "
                            "hour, by name.",
            ),
            timeseries(
                "Cost per Trace",
                "sum by (store, trace_name) "
                '(increase(llm_trace_cost_usd_total{store=~"$store"}[$__rate_interval])) / '
                'sum by (store, trace_name) (increase(llm_traces_total{store=~"$store"}[$__rate_interval]))',
                legend="{{store}} {{trace_name}}",
                unit="currencyUSD",
                description="Mean LLM cost of a trace, by trace name, as the trace store "
                            "prices it.",
            ),
            timeseries(
                "Trace Store vs Application Cost",
                'store:llm_generation_cost_usd:increase1h{store=~"$store"}',
                Query(f"sum(job:ai_cost_usd:increase1h{JOB})", legend="application"),
                legend="{{store}}",
                unit="currencyUSD",
                description="LLM spend over the last hour as the trace store counts it and as "
                            "the application counts it (ai_cost_usd_total); "
                            "LLMTraceCostDisagrees fires when they differ by more than "
                            f"{config.LLM_TRACE_COST_DISAGREEMENT:.0%}.",
            ),
        ]),
    ],
)
