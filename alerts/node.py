"""Hosts, from node_exporter (after the node-mixin alerts)."""

from dashsmith import Alert, Record, RuleGroup
from metrics import config
from metrics.config import REAL_FILESYSTEMS


def _filesystem_almost_full(name: str, percent: float, severity: str) -> Alert:
    return Alert(
        name,
        expr=f"""
          node_filesystem_avail_bytes{REAL_FILESYSTEMS}
            / node_filesystem_size_bytes{REAL_FILESYSTEMS} * 100 < {percent}
          and node_filesystem_readonly{REAL_FILESYSTEMS} == 0
        """,
        for_="30m",
        severity=severity,
        summary=f"A filesystem has less than {percent}% space left.",
        description="{{ $labels.mountpoint }} on {{ $labels.instance }} has "
                    '{{ printf "%.3g" $value }}% space available.',
        runbook="nodefilesystemalmostoutofspace",
    )


node = RuleGroup("node", [
    # What the memory, CPU and load alerts judge, per host, under node-mixin's names; the
    # System Overview panels that draw these thresholds read the same series.
    Record("instance:node_memory_utilisation:ratio",
           "1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes"),
    Record("instance:node_cpu_utilisation:rate2m",
           'sum without (mode) (avg without (cpu) (rate(node_cpu_seconds_total{mode!~"idle|iowait"}[2m])))'),
    Record("instance:node_load1_per_cpu:ratio",
           'node_load1 / count without (cpu, mode) (node_cpu_seconds_total{mode="idle"})'),
    _filesystem_almost_full("NodeFilesystemAlmostOutOfSpace",
                            config.FILESYSTEM_AVAILABLE_WARNING_PERCENT, "warning"),
    _filesystem_almost_full("NodeFilesystemAlmostOutOfSpaceCritical",
                            config.FILESYSTEM_AVAILABLE_CRITICAL_PERCENT, "critical"),
    Alert(
        "NodeFilesystemSpaceFillingUp",
        expr=f"""
          node_filesystem_avail_bytes{REAL_FILESYSTEMS}
            / node_filesystem_size_bytes{REAL_FILESYSTEMS} * 100 < 40
          and predict_linear(node_filesystem_avail_bytes{REAL_FILESYSTEMS}[6h], 24 * 3600) < 0
          and node_filesystem_readonly{REAL_FILESYSTEMS} == 0
        """,
        for_="1h",
        severity="warning",
        summary="A filesystem will be full within a day.",
        description="{{ $labels.mountpoint }} on {{ $labels.instance }} has "
                    '{{ printf "%.3g" $value }}% space left and is filling up.',
    ),
    Alert(
        "NodeMemoryHighUtilization",
        expr=f"instance:node_memory_utilisation:ratio * 100 > {config.MEMORY_UTILISATION_PERCENT}",
        for_="15m",
        severity="warning",
        summary="A host is running out of memory.",
        description="{{ $labels.instance }} uses {{ $value | humanize }}% of its memory.",
    ),
    Alert(
        "NodeCPUHighUsage",
        expr=f"instance:node_cpu_utilisation:rate2m * 100 > {config.CPU_UTILISATION_PERCENT}",
        for_="15m",
        severity="info",
        summary="A host's CPUs are busy.",
        description="{{ $labels.instance }} CPUs are {{ $value | humanize }}% busy.",
    ),
    Alert(
        "NodeSystemSaturation",
        expr=f"instance:node_load1_per_cpu:ratio > {config.LOAD_PER_CORE}",
        for_="15m",
        severity="warning",
        summary="A host has more runnable work than CPUs.",
        description="Load per core on {{ $labels.instance }} is {{ $value | humanize }}.",
    ),
    Alert(
        "NodeDiskIOSaturation",
        expr="rate(node_disk_io_time_weighted_seconds_total[5m]) > 10",
        for_="30m",
        severity="warning",
        summary="A disk's I/O queue is long.",
        description="{{ $labels.device }} on {{ $labels.instance }} has an average queue of "
                    "{{ $value | humanize }}.",
    ),
    Alert(
        "NodeNetworkReceiveErrs",
        expr="""
          rate(node_network_receive_errs_total[2m]) / rate(node_network_receive_packets_total[2m])
          > 0.01
        """,
        for_="1h",
        severity="warning",
        summary="A network interface drops received packets.",
        description="{{ $labels.device }} on {{ $labels.instance }} fails to receive "
                    "{{ $value | humanizePercentage }} of packets.",
    ),
])
