"""Business: how much analysis the platform delivers and what each one costs."""

from dashsmith import Dashboard, Row, barchart, label_variable, stat
from metrics.config import JOB

dashboard = Dashboard(
    uid="tradingagents-business",
    title="Business",
    folder="Trading Platform",
    tags=["tradingagents", "business"],
    description="Analyses delivered per day and the LLM cost of each.",
    variables=[label_variable("job", "tradingagents_analyses_total")],
    time=("now-30d", "now"),
    refresh="15m",
    rows=[
        Row("Delivery", [
            barchart(
                "Analyses per Day",
                # Each bar, drawn at midnight, counts the day that starts there.
                f"sum(increase(tradingagents_analyses_total{JOB}[1d] offset -1d))",
                legend="analyses",
                unit="short",
                interval="1d",
                description="Analyses finished each day.",
                width=16,
            ),
            stat(
                "Cost per Analysis",
                f"sum(increase(tradingagents_llm_cost_usd_total{JOB}[$__range])) "
                f"/ sum(increase(tradingagents_analyses_total{JOB}[$__range]))",
                legend="per analysis",
                unit="currencyUSD",
                description="Mean LLM spend per finished analysis over the time range.",
                width=8,
            ),
        ]),
    ],
)
