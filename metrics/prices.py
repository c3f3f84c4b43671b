"""What Claude costs: US dollars per million tokens, per model, as Anthropic publishes them.

With [dashsmith] ai_metrics = otel-genai the instrumentation reports tokens, not dollars, so the
AI / LLM dashboard's Cost $/hour and the cost alerts are tokens × these prices (compiled to
recording rules by dashsmith.prices). setup.cfg's [dashsmith.prices] overrides and adds models
(a negotiated discount, a model released after the date below); docs/ai-metrics.md says how to
keep this table current.

Read on 2026-12-07 from Anthropic's pricing page, https://platform.claude.com/docs/en/about-claude/pricing
("Model pricing": base input, 5m cache writes, 1h cache writes, cache hits, output): the Fable
and Opus rows from that page, the Sonnet and Haiku rows from its copy at
https://platform.claude.com/docs/en/docs/about-claude/pricing (the stored copy of the first was
cut after the Opus rows), and the Claude 5.5 models' input and output from
https://platform.claude.com/docs/about-claude/models/whats-new-opus-5 (no cache prices there:
their cache tokens are priced as input until [dashsmith.prices] gives them).
Cache writes are the 5-minute rate, the API's default lifetime; 1-hour writes cost more (2× input)
and no GenAI metric tells the two apart. Haiku 5.5 is left out: its price depends on each
request's prompt length, which no token metric carries (add it in [dashsmith.prices] at the
rate most of your prompts pay).
"""

from dashsmith.model.prices import Price, PriceTable

CLAUDE = PriceTable(
    source="https://platform.claude.com/docs/en/about-claude/pricing",
    read_on="2026-12-07",
    prices={
        # model id (without the -YYYYMMDD snapshot date): input, output, cache read, cache write
        "claude-fable-5-1": Price(10, 50, cache_read=0.25, cache_write=12.50),
        "claude-fable-5": Price(10, 50, cache_read=1, cache_write=12.50),
        "claude-opus-5-5": Price(4, 20),
        "claude-sonnet-5-5": Price(2, 10),
        "claude-opus-5": Price(5, 25, cache_read=0.50, cache_write=6.25),
        "claude-opus-4-8": Price(5, 25, cache_read=0.50, cache_write=6.25),
        "claude-opus-4-7": Price(5, 25, cache_read=0.50, cache_write=6.25),
        "claude-opus-4-6": Price(5, 25, cache_read=0.50, cache_write=6.25),
        "claude-opus-4-5": Price(5, 25, cache_read=0.50, cache_write=6.25),
        "claude-opus-4-1": Price(15, 75, cache_read=1.50, cache_write=18.75),
        "claude-opus-4": Price(15, 75, cache_read=1.50, cache_write=18.75),
        "claude-opus-4-0": Price(15, 75, cache_read=1.50, cache_write=18.75),
        "claude-sonnet-4-6": Price(3, 15, cache_read=0.30, cache_write=3.75),
        "claude-sonnet-4-5": Price(3, 15, cache_read=0.30, cache_write=3.75),
        "claude-sonnet-4": Price(3, 15, cache_read=0.30, cache_write=3.75),
        "claude-sonnet-4-0": Price(3, 15, cache_read=0.30, cache_write=3.75),
        "claude-3-7-sonnet": Price(3, 15, cache_read=0.30, cache_write=3.75),
        "claude-haiku-4-5": Price(1, 5, cache_read=0.10, cache_write=1.25),
        "claude-3-5-haiku": Price(0.80, 4, cache_read=0.08, cache_write=1),
        "claude-3-opus": Price(15, 75, cache_read=1.50, cache_write=18.75),
        "claude-3-haiku": Price(0.25, 1.25, cache_read=0.03, cache_write=0.30),
    },
)
