"""Service level objectives of the LLM calls. Each one generates its error-ratio recording
rules, a page and a ticket burn-rate alert (rules/slo.yml) and a dashboard."""

from dashsmith import SLO, Events, Latency

FOLDER = "Trading Platform/SLOs"

llm_availability = SLO(
    name="llm-availability",
    service="ai",
    title="LLM availability",
    objective=99.5,
    period="30d",
    # A series appears with its first event: `or vector(0)` counts a kind never seen as 0.
    sli=Events(
        errors="sum(rate(ai_errors_total[{{.window}}])) or vector(0)",
        total="""
          (sum(rate(ai_completions_total[{{.window}}])) or vector(0))
          + (sum(rate(ai_errors_total[{{.window}}])) or vector(0))
        """,
    ),
    description="LLM calls that complete, out of all calls (completions and errors).",
    alert="LLMAvailability",  # LLMAvailabilityFastBurn, ...SlowBurn
    ticket_severity="info",  # a slow burn opens a ticket: info goes to the ticket webhook
    folder=FOLDER,
    expect_page_receivers=["ai-page"],
    expect_ticket_receivers=["tickets"],
)

# 5 s is a bucket boundary of ai_latency_seconds (metrics/ai.py), so the bucket counts
# exactly the calls that were fast enough.
llm_latency = SLO(
    name="llm-latency",
    service="ai",
    title="LLM fast-tier latency",
    objective=95,
    period="30d",
    sli=Latency("ai_latency_seconds", below=5, selector='tier="fast"'),
    description="Fast-tier LLM calls that finish within 5 seconds.",
    alert="LLMLatency",
    ticket_severity="info",
    folder=FOLDER,
    expect_page_receivers=["ai-page"],
    expect_ticket_receivers=["tickets"],
)
