"""PostgreSQL, from postgres_exporter (after the postgres-mixin and awesome-prometheus-alerts)."""

from dashsmith import Alert, Record, RuleGroup, durations
from metrics import config
from metrics.config import REAL_DATABASES

CONNECTION_LIMIT = ("(max by (instance) (pg_settings_max_connections)"
                    " - max by (instance) (pg_settings_superuser_reserved_connections))")

postgres = RuleGroup("postgres", [
    # What the connection and cache alerts judge; the Database dashboard's panels that draw
    # their thresholds read the same series.
    Record("instance:pg_connection_utilisation:ratio",
           f"sum by (instance) (pg_stat_activity_count) / {CONNECTION_LIMIT}"),
    Record("instance_datname:pg_stat_database_blks_hit:rate5m",
           f"sum by (instance, datname) (rate(pg_stat_database_blks_hit{REAL_DATABASES}[5m]))"),
    Record("instance_datname:pg_stat_database_blks_read:rate5m",
           f"sum by (instance, datname) (rate(pg_stat_database_blks_read{REAL_DATABASES}[5m]))"),
    Record(
        "instance_datname:pg_cache_hit_ratio:rate5m",
        """
          instance_datname:pg_stat_database_blks_hit:rate5m
            / (instance_datname:pg_stat_database_blks_hit:rate5m
               + instance_datname:pg_stat_database_blks_read:rate5m)
        """,
    ),
    Alert(
        "PostgresqlDown",
        expr="pg_up == 0",
        for_="1m",
        severity="critical",
        summary="PostgreSQL is down.",
        description="postgres_exporter {{ $labels.instance }} cannot reach PostgreSQL.",
    ),
    Alert(
        "PostgresqlTooManyConnections",
        expr=f"instance:pg_connection_utilisation:ratio > {config.PG_CONNECTIONS_RATIO}",
        for_="10m",
        severity="warning",
        summary=f"PostgreSQL is using more than {config.PG_CONNECTIONS_RATIO:.0%} of its connections.",
        description="{{ $labels.instance }} uses {{ $value | humanizePercentage }} of the "
                    "connections open to applications.",
    ),
    Alert(
        "PostgresqlConnectionsExhausted",
        expr=f"sum by (instance) (pg_stat_activity_count) >= {CONNECTION_LIMIT}",
        for_="1m",
        severity="critical",
        summary="PostgreSQL refuses new connections.",
        description="{{ $labels.instance }} has {{ $value }} connections, its limit.",
    ),
    Alert(
        "PostgresqlLowCacheHitRatio",
        expr=f"""
          instance_datname:pg_cache_hit_ratio:rate5m < {config.PG_CACHE_HIT_RATIO}
          and instance_datname:pg_stat_database_blks_read:rate5m
            > {config.PG_CACHE_MIN_READS_PER_SECOND}
        """,
        for_="5m",
        severity="warning",
        summary="PostgreSQL reads too many blocks from disk.",
        description="Cache hit ratio of {{ $labels.datname }} is {{ $value | humanizePercentage }}.",
    ),
    Alert(
        "PostgresqlDeadlocks",
        expr=f"""
          sum by (instance, datname) (rate(pg_stat_database_deadlocks[5m])) * 60
          > {config.PG_DEADLOCKS_PER_MINUTE}
        """,
        for_="1m",
        severity="warning",
        summary="PostgreSQL transactions deadlock.",
        description="{{ $labels.datname }} has {{ $value | humanize }} deadlocks a minute.",
    ),
    Alert(
        "PostgresqlHighRollbackRate",
        expr=f"""
          sum by (instance, datname) (rate(pg_stat_database_xact_rollback{REAL_DATABASES}[5m]))
            / (sum by (instance, datname) (rate(pg_stat_database_xact_commit{REAL_DATABASES}[5m]))
               + sum by (instance, datname) (rate(pg_stat_database_xact_rollback{REAL_DATABASES}[5m])))
          > 0.1
        """,
        for_="5m",
        severity="warning",
        summary="More than 10% of PostgreSQL transactions roll back.",
        description="{{ $value | humanizePercentage }} of transactions on {{ $labels.datname }} "
                    "roll back.",
    ),
    # The mixin's PostgreSQLSlowQueries wraps this gauge in rate(); it is read as it is.
    Alert(
        "PostgresqlLongRunningTransaction",
        expr=f"""
          max by (instance, datname) (pg_stat_activity_max_tx_duration{REAL_DATABASES})
          > {config.PG_LONGEST_TRANSACTION_SECONDS}
        """,
        for_="2m",
        severity="warning",
        summary="A PostgreSQL transaction has been open for over "
                f"{durations.format(config.PG_LONGEST_TRANSACTION_SECONDS)}.",
        description="The oldest transaction on {{ $labels.datname }} is "
                    "{{ $value | humanizeDuration }} old.",
    ),
    Alert(
        "PostgresqlExporterScrapeError",
        expr="pg_exporter_last_scrape_error > 0",
        for_="5m",
        severity="warning",
        summary="postgres_exporter fails to read PostgreSQL.",
        description="The last scrape of {{ $labels.instance }} failed; database metrics are stale.",
    ),
])
