"""Series Prometheus makes itself for every scrape target."""

from dashsmith import Gauge

METRICS = [
    Gauge("up", "1 if the last scrape of the target succeeded.", exporter="prometheus"),
]
