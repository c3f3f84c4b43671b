from __future__ import annotations

from dashsmith.checks.rule import Rule


class SloBucket(Rule):
    """A latency SLO's threshold is not a bucket boundary of its histogram.

    Good events are the count of the bucket at `below`; with no bucket there the SLI would
    count the events of another bucket.

    Anti-pattern:
        Latency("ai_latency_seconds", below=6)    # buckets 1, 2.5, 5, 10

    Best practice:
        Latency("ai_latency_seconds", below=5)
    """

    id = "slo/bucket"
    structural = True
