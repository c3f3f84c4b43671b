"""Service level objectives of the LLM calls. Each one generates its error-ratio recording
rules, a page and a ticket burn-rate alert (rules/slo.yml) and a dashboard."""

from metrics.ai_source import AI, WINDOW

from dashsmith import SLO, Events

FOLDER = "Trading Platform/SLOs"

llm_availability = SLO(
    name="llm-availability",
    service="ai",
    title="LLM availability",
    objective=99.5,
    period="30d",
    # A series appears with its first event: `or vector(0)` counts a kind never seen as 0.
    sli=Events(
        errors=f"sum({AI.errors(window=WINDOW)}) or vector(0)",
        total=f"""
          (sum({AI.completions(window=WINDOW)}) or vector(0))
          + (sum({AI.errors(window=WINDOW)}) or vector(0))
        """,
    ),
    description="LLM calls that complete, out of all calls (completions and errors).",
    alert="LLMAvailability",  # LLMAvailabilityFastBurn, ...SlowBurn
    ticket_severity="info",  # a slow burn opens a ticket: info goes to the ticket webhook
    folder=FOLDER,
    expect_page_receivers=["ai-page"],
    expect_ticket_receivers=["tickets"],
)

# The objective's bound is a bucket boundary of the latency histogram, so the bucket counts
# exactly the calls that were fast enough: 5 s of ai_latency_seconds, or the GenAI duration's
# 5.12 s, the first of its boundaries at or above 5 s (AI.latency_bound).
llm_latency = SLO(
    name="llm-latency",
    service="ai",
    title="LLM fast-tier latency",
    objective=95,
    period="30d",
    sli=AI.fast_latency_sli(below=5),
    description=f"Fast-tier LLM calls that finish within {AI.latency_bound(5):g} seconds.",
    alert="LLMLatency",
    ticket_severity="info",
    folder=FOLDER,
    expect_page_receivers=["ai-page"],
    expect_ticket_receivers=["tickets"],
)
