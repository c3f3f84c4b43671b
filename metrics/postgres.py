"""PostgreSQL, from prometheus-postgres-exporter (0.1x). Its pg_stat_database counters have no
_total suffix; they are counters all the same."""

from dashsmith import Counter, Gauge, Label

DATABASE = [Label("datid"), Label("datname")]
STATE = Label("state", ["active", "idle", "idle in transaction",
                        "idle in transaction (aborted)", "fastpath function call", "disabled"])
ACTIVITY = [Label("datname"), STATE, Label("usename"), Label("application_name"),
            Label("backend_type"), Label("wait_event_type"), Label("wait_event")]
STATEMENT = [Label("user"), Label("datname"), Label("queryid")]


def _database_counter(name: str, help: str, unit: str = "") -> Counter:
    return Counter(f"pg_stat_database_{name}", help, labels=DATABASE, unit=unit,
                   exporter="postgres")


def _statements(name: str, help: str, unit: str) -> Counter:
    return Counter(f"pg_stat_statements_{name}", help, labels=STATEMENT, unit=unit,
                   exporter="postgres")


METRICS = [
    Gauge("pg_up", "1 if the exporter reached PostgreSQL.", exporter="postgres"),
    Gauge("pg_stat_activity_count", "Connections, by state.", labels=ACTIVITY,
          unit="connections", exporter="postgres"),
    Gauge("pg_stat_activity_max_tx_duration", "Age of the oldest transaction.",
          labels=ACTIVITY, unit="seconds", exporter="postgres"),
    Gauge("pg_settings_max_connections", "max_connections.", unit="connections",
          exporter="postgres"),
    Gauge("pg_settings_superuser_reserved_connections", "superuser_reserved_connections.",
          unit="connections", exporter="postgres"),
    Gauge("pg_stat_database_numbackends", "Backends connected to each database.",
          labels=DATABASE, unit="connections", exporter="postgres"),
    _database_counter("xact_commit", "Transactions committed.", "transactions"),
    _database_counter("xact_rollback", "Transactions rolled back.", "transactions"),
    _database_counter("blks_read", "Disk blocks read.", "blocks"),
    _database_counter("blks_hit", "Buffer cache hits.", "blocks"),
    _database_counter("tup_returned", "Rows returned.", "rows"),
    _database_counter("tup_fetched", "Rows fetched.", "rows"),
    _database_counter("tup_inserted", "Rows inserted.", "rows"),
    _database_counter("tup_updated", "Rows updated.", "rows"),
    _database_counter("tup_deleted", "Rows deleted.", "rows"),
    _database_counter("deadlocks", "Deadlocks detected.", "deadlocks"),
    _database_counter("temp_bytes", "Bytes written to temporary files.", "bytes"),
    _statements("calls_total", "Statement executions.", "calls"),
    _statements("seconds_total", "Time spent in statements.", "seconds"),
    _statements("rows_total", "Rows returned or affected.", "rows"),
    Gauge("pg_locks_count", "Locks held, by mode.", labels=[Label("datname"), Label("mode")],
          exporter="postgres"),
    Gauge("pg_database_size_bytes", "Size of each database.", labels=[Label("datname")],
          unit="bytes", exporter="postgres"),
    Gauge("pg_exporter_last_scrape_error", "1 if the last scrape failed.", exporter="postgres"),
]
