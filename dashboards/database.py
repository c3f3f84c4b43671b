"""Database: the PostgreSQL server behind the platform, from postgres_exporter."""

from dashsmith import Dashboard, Row, Selector, label_variable, stat, table, timeseries
from metrics import config
from metrics.config import INSTANCE, REAL_DATABASES

DATABASES = Selector(INSTANCE, REAL_DATABASES)

dashboard = Dashboard(
    uid="postgresql",
    title="Database",
    folder="Trading Platform/Infrastructure",
    tags=["postgresql", "database"],
    description="Availability, connections, cache, transactions, deadlocks and queries of PostgreSQL.",
    variables=[label_variable("instance", "pg_up")],
    rows=[
        Row("Health", [
            stat(
                "PostgreSQL Up",
                f"min(pg_up{INSTANCE})",
                legend="up",
                unit="none",
                thresholds={None: "red", 1: "green"},
                mappings=[{"type": "value", "options": {
                    "0": {"text": "DOWN", "color": "red"}, "1": {"text": "UP", "color": "green"}}}],
                description="Whether the exporter reaches PostgreSQL (1 up, 0 down).",
                width=6,
            ),
            timeseries(
                "Connections by State",
                f"sum by (state) (pg_stat_activity_count{INSTANCE})",
                legend="{{state}}",
                unit="short",
                stack=True,
                description="Server connections, by state.",
                width=9,
            ),
            timeseries(
                "Connections vs Max",
                # The series PostgresqlTooManyConnections judges, so the line is its threshold.
                f"instance:pg_connection_utilisation:ratio{INSTANCE}",
                legend="{{instance}}",
                unit="percentunit",
                min=0, max=1,
                thresholds={config.PG_CONNECTIONS_RATIO: "red"},
                description="Connections in use as a share of those open to applications "
                            "(max_connections less the superuser reserve); the line is the "
                            "PostgresqlTooManyConnections threshold.",
                width=9,
            ),
        ]),
        Row("Throughput", [
            timeseries(
                "Cache Hit Ratio",
                # The series PostgresqlLowCacheHitRatio judges, so red is below its threshold.
                f"instance_datname:pg_cache_hit_ratio:rate5m{INSTANCE}",
                legend="{{instance}} {{datname}}",
                unit="percentunit",
                thresholds={None: "red", config.PG_CACHE_HIT_RATIO: "green"},
                description="Block reads served from shared buffers rather than disk, over 5 "
                            "minutes; below the PostgresqlLowCacheHitRatio threshold is red.",
            ),
            timeseries(
                "Transactions per Second",
                f"sum by (datname) (rate(pg_stat_database_xact_commit{DATABASES}[$__rate_interval]) "
                f"+ rate(pg_stat_database_xact_rollback{DATABASES}[$__rate_interval]))",
                legend="{{datname}}",
                unit="ops",
                description="Commits and rollbacks per second.",
            ),
            timeseries(
                "Deadlocks",
                f"sum by (datname) (increase(pg_stat_database_deadlocks{DATABASES}[$__rate_interval]))",
                legend="{{datname}}",
                unit="short",
                description="Deadlocks detected per interval.",
            ),
        ]),
        Row("Queries", [
            timeseries(
                "Mean Query Time",
                f"sum by (datname) (rate(pg_stat_statements_seconds_total{INSTANCE}[$__rate_interval])) "
                f"/ sum by (datname) (rate(pg_stat_statements_calls_total{INSTANCE}[$__rate_interval]))",
                legend="{{datname}}",
                unit="s",
                description="Mean statement execution time (needs pg_stat_statements).",
            ),
            timeseries(
                "Oldest Transaction",
                f"max by (datname) (pg_stat_activity_max_tx_duration{DATABASES})",
                legend="{{datname}}",
                unit="s",
                thresholds={config.PG_LONGEST_TRANSACTION_SECONDS: "red"},
                description="Age of the oldest open transaction per database.",
            ),
            table(
                "Slowest Queries",
                f"topk(10, sum by (datname, queryid) (rate(pg_stat_statements_seconds_total{INSTANCE}[$__range])) "
                f"/ sum by (datname, queryid) (rate(pg_stat_statements_calls_total{INSTANCE}[$__range])))",
                legend="{{datname}} {{queryid}}",
                unit="s",
                description="The ten statements with the highest mean time over the time range.",
                width=24,
            ),
        ]),
    ],
)
