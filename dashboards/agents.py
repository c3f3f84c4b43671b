"""Agent Performance: each agent of the analysis graph, its runs, speed, success and spend."""

from dashsmith import Dashboard, Row, Selector, bargauge, label_variable, timeseries
from metrics.config import JOB

AGENTS = Selector(JOB, 'agent_name=~"$agent_name"')  # the job and agents chosen above

dashboard = Dashboard(
    uid="tradingagents-agents",
    title="Agent Performance",
    folder="Trading Platform",
    tags=["tradingagents", "agents"],
    description="Executions, duration, success rate, tokens and cost per agent.",
    variables=[
        label_variable("job", "tradingagents_agent_executions_total"),
        label_variable("agent_name", "tradingagents_agent_executions_total", text="Agent"),
    ],
    rows=[
        Row("Runs", [
            timeseries(
                "Executions per Minute",
                f"sum by (agent_name) (rate(tradingagents_agent_executions_total{AGENTS}[$__rate_interval])) * 60",
                legend="{{agent_name}}",
                unit="opm",
                description="Agent runs per minute.",
            ),
            timeseries(
                "Duration P95",
                "histogram_quantile(0.95, sum by (le, agent_name) "
                f"(rate(tradingagents_agent_duration_seconds_bucket{AGENTS}[$__rate_interval])))",
                legend="{{agent_name}}",
                unit="s",
                description="95th percentile of agent run time.",
            ),
            timeseries(
                "Success Rate",
                f'sum by (agent_name) (rate(tradingagents_agent_executions_total{AGENTS:status="success"}[$__rate_interval])) '
                f"/ sum by (agent_name) (rate(tradingagents_agent_executions_total{AGENTS}[$__rate_interval]))",
                legend="{{agent_name}}",
                unit="percentunit",
                min=0, max=1,
                description="Share of agent runs that succeeded.",
            ),
        ]),
        Row("Spend", [
            timeseries(
                "Tokens per Second",
                f"sum by (agent_name, type) (rate(tradingagents_llm_tokens_total{AGENTS}[$__rate_interval]))",
                legend="{{agent_name}} {{type}}",
                unit="suffix: tok/s",
                stack=True,
                description="LLM tokens each agent uses, input and output.",
            ),
            bargauge(
                "Cost per Agent",
                f"sum by (agent_name) (increase(tradingagents_llm_cost_usd_total{AGENTS}[$__range]))",
                legend="{{agent_name}}",
                unit="currencyUSD",
                description="LLM spend per agent over the time range.",
            ),
        ]),
    ],
)
